/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_queue_record - the Postfix queue file parser (common/queue/queue_record.c) on queue files
 * built record by record, on real files captured from Postfix 3.7 (cleanup and postdrop),
 * and on every truncation and many corruptions of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qfile.h"
#include "queue/queue_record.h"

static const qf_pair basic_env[] = {
    {'A', "rewrite_context=local"},
    {'F', "Root"},
    {'S', "alice@example.org"},
    {'O', "bob@foo.example"},
    {'R', "bob@foo.example"},
    {'D', "carol@bar.example"},
    {'R', "dave@bar.example"},
    {'/', "erin@bar.example"},
    {0, NULL},
};
static const char *const basic_hdrs[] = {
    "Received: from mx.example.net (mx.example.net [192.0.2.1])",
    "\tby mail.example.org (Postfix) with ESMTP id 4ABC",
    "From: Alice <alice@example.org>",
    "Subject: hello",
    "To: bob@foo.example",
    NULL,
};
static const qf_pair basic_ext[] = {{'R', "frank@baz.example"}, {0, NULL}};

static pp_buf basic(void)
{
    pp_buf b;
    pp_buf_init(&b);
    qf_cleanup(&b, 1700000000, basic_env, basic_hdrs, basic_ext);
    return b;
}

static void *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/queue/%s", TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(65536);
    *len = fread(buf, 1, 65536, f);
    fclose(f);
    return buf;
}

static void test_length_encoding(void **state)
{
    (void)state;
    int type;
    size_t len;
    const unsigned char one[] = {'R', 0x05};
    const unsigned char two[] = {'N', 0x81, 0x01}; /* 1 + 128 */
    const unsigned char max[] = {'N', 0xff, 0xff, 0xff, 0xff, 0x07};
    const unsigned char over[] = {'N', 0x80, 0x80, 0x80, 0x80, 0x08};
    const unsigned char six[] = {'N', 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    const unsigned char part[] = {'N', 0x80, 0x80};
    assert_int_equal(pp_qrec_header(one, sizeof one, &type, &len), 2);
    assert_int_equal(type, 'R');
    assert_int_equal(len, 5);
    assert_int_equal(pp_qrec_header(two, sizeof two, &type, &len), 3);
    assert_int_equal(len, 129);
    assert_int_equal(pp_qrec_header(max, sizeof max, &type, &len), 6);
    assert_int_equal(len, 0x7fffffffUL);
    assert_int_equal(pp_qrec_header(over, sizeof over, &type, &len), -1);
    assert_int_equal(pp_qrec_header(six, sizeof six, &type, &len), -1);
    assert_int_equal(pp_qrec_header(part, sizeof part, &type, &len), 0);
    assert_int_equal(pp_qrec_header(one, 1, &type, &len), 0);
}

static void test_envelope(void **state)
{
    (void)state;
    pp_buf b = basic();
    pp_qmsg m;
    pp_qmsg_init(&m);
    assert_int_equal(pp_qrec_parse_mem(b.s, b.len, NULL, &m), PP_QREC_OK);
    assert_int_equal(m.arrival, 1700000000);
    assert_int_equal(m.arrival_usec, 123456);
    assert_false(m.maildrop);
    assert_string_equal(m.sender, "alice@example.org");
    assert_int_equal(m.nrcpt, 3);
    assert_string_equal(m.rcpt[0], "bob@foo.example");
    assert_string_equal(m.rcpt[1], "dave@bar.example");
    assert_string_equal(m.rcpt[2], "frank@baz.example");
    assert_int_equal(m.ndone, 2);
    assert_true(m.size > 100);
    /* The same pp_qmsg is reused for the next file. */
    assert_int_equal(pp_qrec_parse_mem(b.s, b.len, NULL, &m), PP_QREC_OK);
    assert_int_equal(m.nrcpt, 3);
    pp_qmsg_free(&m);
    pp_buf_free(&b);
}

typedef struct seen {
    char text[2048];
    int n;
    int stop_after;
} seen;

static int on_header(void *ctx, const char *name, size_t namelen, const char *value, size_t vlen)
{
    seen *s = ctx;
    size_t used = strlen(s->text);
    snprintf(s->text + used, sizeof s->text - used, "[%.*s=%.*s]", (int)namelen, name, (int)vlen,
             value);
    assert_int_equal(value[vlen], '\0');
    return ++s->n == s->stop_after;
}

static void test_headers(void **state)
{
    (void)state;
    pp_buf b = basic();
    pp_qmsg m;
    seen s = {0};
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    pp_qmsg_init(&m);
    assert_int_equal(pp_qrec_parse_mem(b.s, b.len, &o, &m), PP_QREC_OK);
    assert_string_equal(s.text,
                        "[Received=from mx.example.net (mx.example.net [192.0.2.1])\tby "
                        "mail.example.org (Postfix) with ESMTP id 4ABC]"
                        "[From=Alice <alice@example.org>][Subject=hello][To=bob@foo.example]");
    assert_int_equal(m.nrcpt, 3); /* the extracted segment is still read */

    /* Stop early; cap each header. */
    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    o.header_max = 10;
    assert_int_equal(pp_qrec_parse_mem(b.s, b.len, &o, &m), PP_QREC_OK);
    assert_string_equal(s.text, "[Received=][From=Alic]"); /* 10 bytes: name and value */
    assert_int_equal(m.nrcpt, 3);
    pp_qmsg_free(&m);
    pp_buf_free(&b);
}

/* A long header split into L pieces, a body that starts without an empty line. */
static void test_long_header_pieces(void **state)
{
    (void)state;
    pp_buf b;
    pp_qmsg m;
    seen s = {0};
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    pp_buf_init(&b);
    pp_qmsg_init(&m);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'S', "");
    qf_str(&b, 'R', "x@y.example");
    qf_rec(&b, 'M', "", 0);
    qf_str(&b, 'L', "Subject: part one ");
    qf_str(&b, 'L', "part two ");
    qf_str(&b, 'N', "part three");
    qf_str(&b, 'N', "this line is body text");
    qf_str(&b, 'N', "X-Not: a header");
    qf_rec(&b, 'X', "", 0);
    qf_rec(&b, 'E', "", 0);
    assert_int_equal(pp_qrec_parse_mem(b.s, b.len, &o, &m), PP_QREC_OK);
    assert_string_equal(s.text, "[Subject=part one part two part three]");
    assert_true(m.maildrop);
    assert_int_equal(m.size, -1);
    assert_string_equal(m.sender, "");
    pp_qmsg_free(&m);
    pp_buf_free(&b);
}

static void test_real_cleanup_file(void **state)
{
    (void)state;
    size_t len;
    void *data = slurp("cleanup-deferred.bin", &len);
    pp_qmsg m;
    seen s = {0};
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    pp_qmsg_init(&m);
    assert_int_equal(pp_qrec_parse_mem(data, len, NULL, &m), PP_QREC_OK);
    assert_int_equal(m.size, 290); /* as mailq and postqueue -j show it */
    assert_int_equal(m.arrival, 1795624764);
    assert_string_equal(m.sender, "a@example.org");
    assert_int_equal(m.nrcpt, 2);
    assert_string_equal(m.rcpt[0], "b@foo.example");
    assert_string_equal(m.rcpt[1], "c@bar.example");
    assert_int_equal(pp_qrec_parse_mem(data, len, &o, &m), PP_QREC_OK);
    assert_non_null(strstr(s.text, "[Subject=hello]"));
    assert_non_null(strstr(s.text, "[Received=by mail.postprobe.test (Postfix, from userid 0)\tid "
                                   "6D5B2A721F8; Wed, 25 Nov 2026 16:39:24 +0000 (UTC)]"));
    pp_qmsg_free(&m);
    free(data);
}

static void test_real_maildrop_file(void **state)
{
    (void)state;
    size_t len;
    void *data = slurp("postdrop-maildrop.bin", &len);
    pp_qmsg m;
    seen s = {0};
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    pp_qmsg_init(&m);
    assert_int_equal(pp_qrec_parse_mem(data, len, &o, &m), PP_QREC_OK);
    assert_true(m.maildrop);
    assert_int_equal(m.size, -1);
    assert_int_equal(m.arrival, 1795624904);
    assert_string_equal(m.sender, "md@example.org");
    assert_int_equal(m.nrcpt, 1);
    assert_string_equal(s.text, "[From=me@example.org][Subject=md]");
    pp_qmsg_free(&m);
    free(data);
}

/* Every proper prefix of a file is an error, never a crash, never OK. */
static void check_prefixes(const unsigned char *data, size_t len)
{
    pp_qmsg m;
    seen s = {0};
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    pp_qmsg_init(&m);
    for (size_t n = 0; n < len; n++) {
        pp_qrec_status st = pp_qrec_parse_mem(data, n, n % 2 ? &o : NULL, &m);
        if (st == PP_QREC_OK)
            fail_msg("prefix of %zu bytes parsed as complete", n);
        assert_int_equal(m.nrcpt, 0);
        assert_true(m.error[0] != '\0');
    }
    assert_int_equal(pp_qrec_parse_mem(data, 0, NULL, &m), PP_QREC_EMPTY);
    assert_int_equal(pp_qrec_parse_mem(data, len - 1, NULL, &m), PP_QREC_TRUNCATED);
    pp_qmsg_free(&m);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t len;
    pp_buf b = basic();
    check_prefixes((const unsigned char *)b.s, b.len);
    void *data = slurp("cleanup-deferred.bin", &len);
    check_prefixes(data, len);
    free(data);
    data = slurp("postdrop-maildrop.bin", &len);
    check_prefixes(data, len);
    free(data);
    pp_buf_free(&b);
}

static pp_qrec_status parse_status(const pp_buf *b, char *error, size_t errlen)
{
    pp_qmsg m;
    pp_qmsg_init(&m);
    pp_qrec_status s = pp_qrec_parse_mem(b->s, b->len, NULL, &m);
    snprintf(error, errlen, "%s", m.error);
    pp_qmsg_free(&m);
    return s;
}

static void test_corrupt(void **state)
{
    (void)state;
    pp_buf b;
    char err[200];
    pp_buf_init(&b);

    /* No T record. */
    qf_str(&b, 'C', "             10              20               1");
    qf_str(&b, 'S', "a@b");
    qf_str(&b, 'R', "c@d");
    qf_rec(&b, 'E', "", 0);
    /* The C record's offsets are wrong too, but E comes first. */
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_NO_TIME);
    assert_string_equal(err, "no arrival time (T) record");

    /* No sender. */
    pp_buf_reset(&b);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'R', "c@d");
    qf_rec(&b, 'E', "", 0);
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_NO_SENDER);

    /* Wrong first record. */
    pp_buf_reset(&b);
    pp_buf_puts(&b, "From alice@example.org Mon Jan  1 00:00:00 2024\n");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_FIRST);
    assert_string_equal(err, "first record is 'F', not C or T: not a queue file");

    /* A huge length: more bits than Postfix allows. */
    pp_buf_reset(&b);
    qf_str(&b, 'T', "1700000000 0");
    pp_buf_add(&b, "R\xff\xff\xff\xff\x7f", 6);
    pp_buf_puts(&b, "x@y");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_LENGTH);
    assert_string_equal(err, "malformed length of record 'R' at offset 14");

    /* A large length in a small file. */
    pp_buf_reset(&b);
    qf_str(&b, 'T', "1700000000 0");
    pp_buf_add(&b, "R\x80\x80\x80\x40", 5);
    pp_buf_puts(&b, "x@y");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_TRUNCATED);
    assert_string_equal(err, "record 'R' at offset 14: length 134217728 runs past the end of "
                             "the file (22 bytes)");

    /* A pointer to itself. */
    pp_buf_reset(&b);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'p', "             14");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_LOOP);

    /* A pointer outside the file, a malformed pointer. */
    pp_buf_reset(&b);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'p', "999");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_BAD_VALUE);
    pp_buf_reset(&b);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'p', "x");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_BAD_VALUE);

    /* Malformed time. */
    pp_buf_reset(&b);
    qf_str(&b, 'T', "yesterday");
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_BAD_VALUE);
    pp_buf_free(&b);
}

/* A C record whose content size does not lead to X; a second M. */
static void test_bad_size_record(void **state)
{
    (void)state;
    char err[200];
    pp_buf b = basic();
    qf_size(&b, 0, 5, 200, 1);
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_BAD_VALUE);
    qf_size(&b, 0, 5, 100000, 1);
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_TRUNCATED);
    assert_string_equal(err, "file of 472 bytes ends before the end of the content (offset "
                             "100005) that its size record gives");
    memcpy(b.s + 2, "  x", 3);
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_BAD_VALUE);
    assert_string_equal(err, "malformed size record (C) at offset 0");

    /* M again after X would jump back to X forever. */
    pp_buf_free(&b);
    b = basic();
    b.len -= 2; /* drop E */
    qf_rec(&b, 'M', "", 0);
    qf_rec(&b, 'E', "", 0);
    assert_int_equal(parse_status(&b, err, sizeof err), PP_QREC_BAD_VALUE);
    pp_buf_free(&b);
}

/* Recipients appended after E through pointer records, as cleanup does for milters. */
static void test_pointer_records(void **state)
{
    (void)state;
    pp_buf b;
    pp_qmsg m;
    char ptr[32];
    pp_buf_init(&b);
    pp_qmsg_init(&m);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'S', "s@example.org");
    qf_str(&b, 'R', "one@a.example");
    size_t at = b.len;
    qf_str(&b, 'p', "              0"); /* patched below */
    size_t back = b.len;
    qf_rec(&b, 'M', "", 0);
    qf_str(&b, 'N', "Subject: x");
    qf_rec(&b, 'X', "", 0);
    qf_rec(&b, 'E', "", 0);
    size_t heap = b.len;
    qf_str(&b, 'R', "two@b.example");
    snprintf(ptr, sizeof ptr, "%15zu", back);
    qf_str(&b, 'p', ptr);
    snprintf(ptr, sizeof ptr, "%15zu", heap);
    memcpy(b.s + at + 2, ptr, 15);
    assert_int_equal(pp_qrec_parse_mem(b.s, b.len, NULL, &m), PP_QREC_OK);
    assert_int_equal(m.nrcpt, 2);
    assert_string_equal(m.rcpt[1], "two@b.example");
    pp_qmsg_free(&m);
    pp_buf_free(&b);
}

/* Random byte flips of real files: any status, but no crash or overread (ASan). */
/* A reader over bytes in memory that counts its reads. */
typedef struct counted {
    const char *data;
    size_t len;
    int reads;
} counted;

static ssize_t counted_read(void *ctx, void *buf, size_t len, uint64_t off)
{
    counted *c = ctx;
    c->reads++;
    if (off >= c->len)
        return 0;
    size_t n = c->len - (size_t)off < len ? c->len - (size_t)off : len;
    memcpy(buf, c->data + off, n);
    return (ssize_t)n;
}

static int count_reads(const pp_buf *b, const pp_qrec_opts *o, pp_qmsg *m)
{
    counted c = {b->s, b->len, 0};
    pp_qrec_reader rd = {.read = counted_read, .ctx = &c, .size = b->len};
    assert_int_equal(pp_qrec_read(&rd, o, m), PP_QREC_OK);
    return c.reads;
}

/*
 * A message of 30 KB: one read when its extracted segment is empty (the tail is known from
 * the size record), a second only when it has extracted recipients; a small file, one read
 * for all of it. Headers wanted or not, the envelope and headers come with the first read.
 */
static void test_reads(void **state)
{
    (void)state;
    enum { PAD = 400 };
    static char lines[PAD][80];
    const char *hdrs[PAD + 2] = {"Subject: big"};
    for (int i = 0; i < PAD; i++) {
        snprintf(lines[i], sizeof lines[i], "X-Pad-%03d: %066d", i, i);
        hdrs[i + 1] = lines[i];
    }
    hdrs[PAD + 1] = NULL;
    static const qf_pair none[] = {{0, NULL}};
    pp_buf b, small = basic();
    pp_qmsg m;
    seen s = {.stop_after = 1};
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    pp_buf_init(&b);
    pp_qmsg_init(&m);

    qf_cleanup(&b, 1700000000, basic_env, hdrs, none);
    assert_true(b.len > 30000);
    assert_int_equal(count_reads(&b, NULL, &m), 1);
    assert_int_equal(m.nrcpt, 2);
    assert_int_equal(m.ndone, 2);
    assert_int_equal(count_reads(&b, &o, &m), 1);
    assert_string_equal(s.text, "[Subject=big]");

    qf_cleanup(&b, 1700000000, basic_env, hdrs, basic_ext);
    assert_int_equal(count_reads(&b, NULL, &m), 2);
    assert_int_equal(m.nrcpt, 3);
    assert_string_equal(m.rcpt[2], "frank@baz.example");

    assert_int_equal(count_reads(&small, NULL, &m), 1);
    assert_int_equal(m.nrcpt, 3);
    pp_qmsg_free(&m);
    pp_buf_free(&b);
    pp_buf_free(&small);
}

static void test_mutations(void **state)
{
    (void)state;
    const char *files[] = {"cleanup-deferred.bin", "postdrop-maildrop.bin"};
    pp_qmsg m;
    seen s;
    pp_qrec_opts o = {.header = on_header, .header_ctx = &s};
    unsigned seed = 12345;
    pp_qmsg_init(&m);
    for (size_t f = 0; f < 2; f++) {
        size_t len;
        unsigned char *orig = slurp(files[f], &len);
        unsigned char *copy = malloc(len);
        for (int round = 0; round < 20000; round++) {
            memcpy(copy, orig, len);
            for (int k = 0; k < 1 + round % 4; k++) {
                seed = seed * 1103515245u + 12345u;
                copy[(seed >> 8) % len] = (unsigned char)(seed >> 20);
            }
            memset(&s, 0, sizeof s);
            pp_qrec_status st = pp_qrec_parse_mem(copy, len, round % 2 ? &o : NULL, &m);
            if (st == PP_QREC_OK)
                assert_non_null(m.sender);
        }
        free(copy);
        free(orig);
    }
    pp_qmsg_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_encoding),  cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_headers),          cmocka_unit_test(test_long_header_pieces),
        cmocka_unit_test(test_real_cleanup_file), cmocka_unit_test(test_real_maildrop_file),
        cmocka_unit_test(test_truncated),        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_bad_size_record),  cmocka_unit_test(test_pointer_records),
        cmocka_unit_test(test_mutations),        cmocka_unit_test(test_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

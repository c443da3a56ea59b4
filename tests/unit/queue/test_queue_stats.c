/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_queue_stats - qshape's figures (common/queue/queue_stats.c): domain names, age buckets and
 * their headings, per-queue counts, the parent-domain roll-up, the table cap; and the
 * --qshape table compared with the real qshape(1) run over the same queue files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qfile.h"
#include "queue/queue_scan.h"
#include "queue/queue_stats.h"
#include "standin.h"

#define QSHAPE "/usr/sbin/qshape"

static void test_domain_of(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"alice@Example.ORG", "example.org"}, {"", "MAILER-DAEMON"},
        {"root", "root"},                     {"a@b@c.example", "c.example"},
        {"x@.lead.example.", "lead.example"}, {"x@a..b...c", "a.b..c"},
        {"x@.", "."},                         {"x@", ""},
        {"x@..", "."},
    };
    pp_buf b;
    pp_buf_init(&b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pp_qstats_domain_of(cases[i][0], &b);
        assert_string_equal(b.s, cases[i][1]);
    }
    pp_buf_free(&b);
}

static void labels(const pp_qstats_opts *o, char *out, size_t len)
{
    out[0] = '\0';
    for (int b = 0; b <= o->buckets; b++) {
        char l[32];
        pp_qstats_bucket_label(o, b, l, sizeof l);
        strncat(out, l, len - strlen(out) - 2);
        strcat(out, " ");
    }
}

static void test_buckets(void **state)
{
    (void)state;
    char text[256];
    pp_qstats_opts o = {.tick = 5, .buckets = 10};
    labels(&o, text, sizeof text);
    assert_string_equal(text, "T 5 10 20 40 80 160 320 640 1280 1280+ ");
    assert_int_equal(pp_qstats_bucket(&o, 0), 1);
    assert_int_equal(pp_qstats_bucket(&o, -600), 1); /* arrival in the future */
    assert_int_equal(pp_qstats_bucket(&o, 299), 1);
    assert_int_equal(pp_qstats_bucket(&o, 300), 2);
    assert_int_equal(pp_qstats_bucket(&o, 599), 2);
    assert_int_equal(pp_qstats_bucket(&o, 600), 3);
    assert_int_equal(pp_qstats_bucket(&o, 1200), 4);
    assert_int_equal(pp_qstats_bucket(&o, 1280 * 60 - 1), 9);
    assert_int_equal(pp_qstats_bucket(&o, 1280 * 60), 10);
    assert_int_equal(pp_qstats_bucket(&o, 1e9), 10);
    o.linear = true;
    o.buckets = 4;
    labels(&o, text, sizeof text);
    assert_string_equal(text, "T 5 10 15 15+ ");
    assert_int_equal(pp_qstats_bucket(&o, 299), 1);
    assert_int_equal(pp_qstats_bucket(&o, 300), 2);
    assert_int_equal(pp_qstats_bucket(&o, 899), 3);
    assert_int_equal(pp_qstats_bucket(&o, 900), 4);
    o = (pp_qstats_opts){.tick = 1, .buckets = 1};
    labels(&o, text, sizeof text);
    assert_string_equal(text, "T 0+ ");
}

static pp_qmsg msg(pp_qmsg *m, pp_buf *b, long t, const char *sender, const char *const *rcpts)
{
    qf_pair env[16] = {{'S', sender}};
    int n = 1;
    for (; rcpts && *rcpts && n < 15; rcpts++)
        env[n++] = (qf_pair){'R', *rcpts};
    env[n] = (qf_pair){0, NULL};
    qf_cleanup(b, t, env, NULL, NULL);
    assert_int_equal(pp_qrec_parse_mem(b->s, b->len, NULL, m), PP_QREC_OK);
    return *m;
}

static void test_counts(void **state)
{
    (void)state;
    pp_qmsg m;
    pp_buf b;
    pp_qmsg_init(&m);
    pp_buf_init(&b);
    pp_qstats_opts o = {.now = 1700000000, .parents = true, .min_subdomains = 2};
    pp_qstats *s = pp_qstats_new(&o);
    const char *r1[] = {"a@x.mail.example.com", "b@y.mail.example.com", "c@other.org", NULL};
    const char *r2[] = {"d@x.mail.example.com", NULL};
    msg(&m, &b, 1700000000 - 60, "s@example.org", r1);
    pp_qstats_add(s, PP_QUEUE_DEFERRED, &m);
    msg(&m, &b, 1700000000 - 7200, "", r2);
    pp_qstats_add(s, PP_QUEUE_DEFERRED, &m);
    msg(&m, &b, 1700000000 - 100, "s@example.org", NULL);
    pp_qstats_add(s, PP_QUEUE_HOLD, &m); /* no pending recipient: no domain count */
    pp_qstats_corrupt(s, PP_QUEUE_HOLD, "ABCDEF", "truncated");

    const pp_qstats_queue *d = pp_qstats_get(s, PP_QUEUE_DEFERRED);
    assert_int_equal(d->messages, 2);
    assert_int_equal(d->recipients, 4);
    assert_int_equal(d->oldest, 1700000000 - 7200);
    assert_int_equal(d->bucket[1], 1);
    assert_int_equal(d->bucket[6], 1); /* 120 min: [80, 160) */
    assert_true(d->bytes > 0);
    const pp_qstats_queue *h = pp_qstats_get(s, PP_QUEUE_HOLD);
    assert_int_equal(h->messages, 1);
    assert_int_equal(h->corrupt, 1);
    assert_string_equal(h->corrupt_why[0], "ABCDEF: truncated");

    pp_qstats_domain top[10];
    size_t n = pp_qstats_top(s, PP_QUEUE_DEFERRED, top, 10);
    /* x.mail.example.com 2, .mail.example.com 3 (2 subdomains), .example.com 3 (only one
     * subdomain: hidden), y.mail... 1, other.org 1 */
    assert_int_equal(n, 4);
    assert_string_equal(top[0].name, ".mail.example.com");
    assert_int_equal(top[0].count, 3);
    assert_string_equal(top[1].name, "x.mail.example.com");
    assert_int_equal(top[1].count, 2);
    assert_string_equal(top[2].name, "other.org");
    assert_string_equal(top[3].name, "y.mail.example.com");
    assert_int_equal(pp_qstats_top(s, PP_QUEUE_HOLD, top, 10), 0);
    pp_qstats_free(s);

    /* Senders; a table of two names at most. */
    o = (pp_qstats_opts){.now = 1700000000, .by_sender = true, .max_domains = 2};
    s = pp_qstats_new(&o);
    const char *one[] = {"r@r.example", NULL};
    const char *senders[] = {"a@one.example", "b@two.example", "c@three.example", "",
                             "d@two.example"};
    for (int i = 0; i < 5; i++) {
        msg(&m, &b, 1700000000, senders[i], one);
        pp_qstats_add(s, PP_QUEUE_ACTIVE, &m);
    }
    n = pp_qstats_top(s, -1, top, 10);
    assert_int_equal(n, 3);
    assert_string_equal(top[0].name, "two.example");
    assert_int_equal(top[0].count, 2);
    assert_string_equal(top[1].name, "(other domains)");
    assert_int_equal(top[1].count, 2);
    assert_string_equal(top[2].name, "one.example");
    pp_qstats_free(s);
    pp_qmsg_free(&m);
    pp_buf_free(&b);
}

/* ---- against qshape ---- */

static char root[64];

static void put(const char *queue, int i, long t, const char *sender, const char *const *rcpts)
{
    pp_qmsg m;
    pp_buf b;
    char path[256];
    pp_qmsg_init(&m);
    pp_buf_init(&b);
    msg(&m, &b, t, sender, rcpts);
    snprintf(path, sizeof path, "%s/%s/%c%09X", root, queue, 'A' + i % 6, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.s, b.len), (ssize_t)b.len);
    fchmod(fd, 0700);
    close(fd);
    pp_qmsg_free(&m);
    pp_buf_free(&b);
}

static int add_msg(void *ctx, const pp_qscan_file *f, const pp_qmsg *m)
{
    assert_int_equal(m->status, PP_QREC_OK);
    pp_qstats_add(ctx, f->queue, m);
    return 0;
}

static void ours(const pp_qstats_opts *o, pp_buf *out)
{
    pp_qstats *s = pp_qstats_new(o);
    pp_qscan_result res;
    char err[256];
    pp_qscan_opts so = {.queue_dir = root,
                        .queues = PP_QUEUE_BIT(PP_QUEUE_DEFERRED) | PP_QUEUE_BIT(PP_QUEUE_HOLD),
                        .fn = add_msg, .ctx = s};
    assert_int_equal(pp_qscan_run(&so, &res, err, sizeof err), 0);
    pp_buf_reset(out);
    pp_qstats_qshape(s, 80, out);
    pp_qstats_free(s);
}

static void theirs(const char *flags, pp_buf *out)
{
    char cmd[512], line[1024];
    snprintf(cmd, sizeof cmd, "%s %s %s/deferred %s/hold", QSHAPE, flags, root, root);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    pp_buf_reset(out);
    while (fgets(line, sizeof line, p))
        pp_buf_puts(out, line);
    assert_int_equal(pclose(p), 0);
}

static void test_same_as_qshape(void **state)
{
    (void)state;
    if (access(QSHAPE, X_OK) != 0)
        skip();
    assert_int_equal(standin_dir(root, sizeof root, "qstats"), 0);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/deferred", root);
    mkdir(dir, 0700);
    snprintf(dir, sizeof dir, "%s/hold", root);
    mkdir(dir, 0700);

    /* Ages in the middle of qshape's buckets (minutes): 1, 7, 15, 30, 60, 120, 240, 500,
     * 1000, 5000; domains with distinct counts so that qshape's order is not random. */
    long now = (long)time(NULL);
    const long ages[] = {1, 7, 15, 30, 60, 120, 240, 500, 1000, 5000};
    const char *doms[] = {"a.big.example.com", "b.big.example.com", "c.big.example.com",
                          "d.big.example.com", "e.big.example.com", "ORG.example",
                          "x.example.net."};
    int k = 0;
    for (int i = 0; i < 10; i++) {
        for (int d = 0; d < 7; d++) {
            for (int r = 0; r <= d + i % 3; r++) {
                char a[64];
                const char *rc[] = {a, NULL};
                snprintf(a, sizeof a, "u%d@%s", r, doms[d]);
                put(k % 2 ? "deferred" : "hold", k, now - ages[i] * 60 - 20,
                    k % 5 ? "sender@Sender.example" : "", rc);
                k++;
            }
        }
    }
    pp_buf mine, real;
    pp_buf_init(&mine);
    pp_buf_init(&real);
    const struct {
        const char *flags;
        pp_qstats_opts o;
    } runs[] = {
        {"", {.now = now}},
        {"-p", {.now = now, .parents = true}},
        {"-s", {.now = now, .by_sender = true}},
        {"-l -b 6 -t 20", {.now = now, .linear = true, .buckets = 6, .tick = 20}},
        {"-p -m 3 -b 12 -t 1", {.now = now, .parents = true, .min_subdomains = 3,
                                .buckets = 12, .tick = 1}},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ours(&runs[i].o, &mine);
        theirs(runs[i].flags, &real);
        if (strcmp(mine.s, real.s) != 0)
            fail_msg("qshape %s:\n%s\nours:\n%s", runs[i].flags, real.s, mine.s);
    }
    pp_buf_free(&mine);
    pp_buf_free(&real);
    assert_int_equal(standin_remove(root), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_of),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_same_as_qshape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_queue_scan - the queue directory walk (common/queue/queue_scan.c) over a queue tree made in
 * a temporary directory: hashed and flat queues, complete and incomplete files, names that
 * are not queue ids, symlinks, corrupt files, files removed during the scan, a queue
 * directory the scanning user may not read, and thousands of files over two threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qfile.h"
#include "queue/queue_scan.h"
#include "standin.h"

static char root[64];

static void mkdirs(const char *rel, mode_t mode)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    assert_int_equal(mkdir(path, mode), 0);
    chmod(path, mode);
}

static void write_file(const char *rel, const void *data, size_t len, mode_t mode)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    fchmod(fd, mode);
    close(fd);
}

/* A cleanup-style message with n recipients at domain dom, arrived at t. */
static void message(const char *rel, long t, int n, const char *dom, mode_t mode)
{
    pp_buf b;
    qf_pair env[8] = {{'S', "sender@example.org"}};
    char addr[6][64];
    pp_buf_init(&b);
    for (int i = 0; i < n && i < 6; i++) {
        snprintf(addr[i], sizeof addr[i], "u%d@%s", i, dom);
        env[1 + i] = (qf_pair){'R', addr[i]};
    }
    const char *hdrs[] = {"Subject: test", NULL};
    qf_cleanup(&b, t, env, hdrs, NULL);
    write_file(rel, b.s, b.len, mode);
    pp_buf_free(&b);
}

static int setup(void **state)
{
    (void)state;
    if (standin_dir(root, sizeof root, "qscan") != 0)
        return -1;
    chmod(root, 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return standin_remove(root);
}

typedef struct tally {
    unsigned long msgs[PP_QUEUE_COUNT];
    unsigned long rcpts[PP_QUEUE_COUNT];
    unsigned long expired[PP_QUEUE_COUNT];
    unsigned long corrupt;
    char corrupt_error[200];
    char last_id[64];
    int unlink_others; /* in the first call, remove these files */
    const char *const *victims;
    int stop_after;
} tally;

static int count(void *ctx, const pp_qscan_file *f, const pp_qmsg *m)
{
    tally *t = ctx;
    assert_non_null(strstr(f->path, f->id));
    assert_non_null(strstr(f->path, pp_queue_name(f->queue)));
    if (m->status != PP_QREC_OK) {
        t->corrupt++;
        snprintf(t->corrupt_error, sizeof t->corrupt_error, "%s: %s", f->id, m->error);
    } else {
        t->msgs[f->queue]++;
        t->rcpts[f->queue] += m->nrcpt;
        t->expired[f->queue] += m->expired;
    }
    snprintf(t->last_id, sizeof t->last_id, "%s", f->id);
    if (t->victims) {
        for (const char *const *v = t->victims; *v; v++) {
            char path[256];
            snprintf(path, sizeof path, "%s/%s", root, *v);
            unlink(path);
        }
        t->victims = NULL;
    }
    return t->stop_after && t->msgs[PP_QUEUE_HOLD] + t->msgs[PP_QUEUE_DEFERRED] >=
                                (unsigned long)t->stop_after;
}

static int scan(unsigned queues, int threads, tally *t, pp_qscan_result *res, char *err)
{
    pp_qscan_opts o = {.queue_dir = root, .queues = queues, .threads = threads, .fn = count,
                       .ctx = t};
    return pp_qscan_run(&o, res, err, 200);
}

static void test_layout(void **state)
{
    (void)state;
    tally t = {0};
    pp_qscan_result res;
    char err[200] = "";
    pp_buf b;

    mkdirs("deferred", 0700);
    mkdirs("deferred/A", 0700);
    mkdirs("deferred/B", 0700);
    mkdirs("deferred/B/0", 0700); /* two levels of hashing */
    mkdirs("hold", 0700);
    mkdirs("maildrop", 0730);
    mkdirs("active", 0700);
    mkdirs("corrupt", 0700);
    message("deferred/A/A1B2C3D4E5", 1700000000, 2, "a.example", 0700);
    message("deferred/B/B1B2C3D4E5", 1700000000, 1, "b.example", 0700);
    message("deferred/B/0/B0B2C3D4E5", 1700000000, 3, "b.example", 0700);
    message("deferred/A/A9B2C3D4E5", 1700000000, 1, "a.example", 0600); /* being written */
    message("deferred/A1B2C3D4E6", 1700000000, 1, "a.example", 0700);    /* flat: also found */
    message("deferred/A/tmp.1234", 1700000000, 1, "a.example", 0700);    /* not a queue id */
    message("hold/H1B2C3D4E5", 1700000000, 1, "h.example", 0700);
    message("hold/H2B2C3D4E5", 1700000000, 1, "h.example", 0744);
    /* Postfix's mail_open_ok() looks at the owner bits only: these are complete. */
    message("hold/H3B2C3D4E5", 1700000000, 1, "h.example", 0702);
    /* Force-expired by postsuper -e: the group execute bit, qshape misses it. */
    message("hold/H5B2C3D4E5", 1700000000, 1, "h.example", 0710);
    message("deferred/A/A5B2C3D4E5", 1700000000, 1, "a.example", 0710);
    message("hold/H6B2C3D4E5", 1700000000, 1, "h.example", 0610); /* not complete */
    message("corrupt/C1B2C3D4E5", 1700000000, 1, "h.example", 0700);
    /* A maildrop file as postdrop writes it: T first, mode 0744. */
    pp_buf_init(&b);
    qf_str(&b, 'T', "1700000000 0");
    qf_str(&b, 'S', "user@example.org");
    qf_str(&b, 'R', "x@m.example");
    qf_rec(&b, 'M', "", 0);
    qf_str(&b, 'N', "Subject: y");
    qf_rec(&b, 'X', "", 0);
    qf_rec(&b, 'E', "", 0);
    write_file("maildrop/M1B2C3D4E5", b.s, b.len, 0744);
    /* Truncated in hold. */
    write_file("hold/H4B2C3D4E5", b.s, b.len - 3, 0700);
    pp_buf_free(&b);
    char link[256];
    snprintf(link, sizeof link, "%s/hold/H1B2C3D4E5", root);
    char lpath[256];
    snprintf(lpath, sizeof lpath, "%s/hold/L1B2C3D4E5", root);
    assert_int_equal(symlink(link, lpath), 0);

    assert_int_equal(scan(PP_QUEUE_ALL, 2, &t, &res, err), 0);
    assert_int_equal(t.msgs[PP_QUEUE_DEFERRED], 5);
    assert_int_equal(t.rcpts[PP_QUEUE_DEFERRED], 8);
    assert_int_equal(t.msgs[PP_QUEUE_HOLD], 4);
    assert_int_equal(t.expired[PP_QUEUE_HOLD], 1);
    assert_int_equal(t.expired[PP_QUEUE_DEFERRED], 1);
    assert_int_equal(t.expired[PP_QUEUE_MAILDROP], 0);
    assert_int_equal(t.msgs[PP_QUEUE_MAILDROP], 1);
    assert_int_equal(t.msgs[PP_QUEUE_CORRUPT], 1);
    assert_int_equal(t.msgs[PP_QUEUE_ACTIVE], 0);
    assert_int_equal(t.corrupt, 1);
    assert_non_null(strstr(t.corrupt_error, "H4B2C3D4E5: file ends inside the record at offset"));
    assert_int_equal(res.incomplete, 2);
    assert_int_equal(res.ignored, 2); /* tmp.1234 and the symlink */
    assert_int_equal(res.errors, 0);
    assert_int_equal(res.dir_errno[PP_QUEUE_INCOMING], ENOENT);
    assert_int_equal(res.files, 12);

    /* Only some queues. */
    memset(&t, 0, sizeof t);
    assert_int_equal(scan(PP_QUEUE_BIT(PP_QUEUE_HOLD), 1, &t, &res, err), 0);
    assert_int_equal(t.msgs[PP_QUEUE_HOLD], 4);
    assert_int_equal(t.msgs[PP_QUEUE_DEFERRED], 0);

    /* The callback stops the scan. */
    memset(&t, 0, sizeof t);
    t.stop_after = 1;
    assert_int_equal(scan(PP_QUEUE_ALL, 2, &t, &res, err), 0);
    assert_true(res.stopped);
    assert_int_equal(t.msgs[PP_QUEUE_HOLD] + t.msgs[PP_QUEUE_DEFERRED], 1);
}

/* Files delivered (removed) while the scan runs are skipped without a word. */
static void test_vanished(void **state)
{
    (void)state;
    tally t = {0};
    pp_qscan_result res;
    char err[200];
    static const char *const victims[] = {"hold/H1B2C3D4E5", "hold/H2B2C3D4E5",
                                          "hold/H3B2C3D4E5", "hold/H4B2C3D4E5", NULL};
    mkdirs("hold", 0700);
    for (int i = 0; i < 4; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "hold/H%dB2C3D4E5", i + 1);
        message(rel, 1700000000, 1, "h.example", 0700);
    }
    t.victims = victims;
    assert_int_equal(scan(PP_QUEUE_ALL, 1, &t, &res, err), 0);
    /* The first file seen is reported (read before it was removed), the others vanish. */
    assert_int_equal(t.msgs[PP_QUEUE_HOLD], 1);
    assert_int_equal(res.vanished, 3);
    assert_int_equal(res.errors, 0);
    assert_int_equal(t.corrupt, 0);
}

/* A message renamed from active to deferred (or to hold) while the scan runs keeps its inode:
 * met again, it is counted once. Hard links stand in for the rename. */
static void test_moved_during_scan(void **state)
{
    (void)state;
    tally t = {0};
    pp_qscan_result res;
    char err[200], a[256], b[256];
    mkdirs("incoming", 0700);
    mkdirs("active", 0700);
    mkdirs("deferred", 0700);
    mkdirs("deferred/A", 0700);
    mkdirs("hold", 0700);
    message("incoming/I1B2C3D4E5", 1700000000, 1, "i.example", 0700);
    message("active/A1B2C3D4E5", 1700000000, 2, "a.example", 0700);
    message("active/A2B2C3D4E5", 1700000000, 1, "a.example", 0700);
    message("deferred/A/A3B2C3D4E5", 1700000000, 1, "d.example", 0700);
    snprintf(a, sizeof a, "%s/active/A1B2C3D4E5", root);
    snprintf(b, sizeof b, "%s/deferred/A/A1B2C3D4E5", root);
    assert_int_equal(link(a, b), 0);
    snprintf(a, sizeof a, "%s/active/A2B2C3D4E5", root);
    snprintf(b, sizeof b, "%s/hold/A2B2C3D4E5", root);
    assert_int_equal(link(a, b), 0);
    snprintf(a, sizeof a, "%s/incoming/I1B2C3D4E5", root);
    snprintf(b, sizeof b, "%s/active/I1B2C3D4E5", root);
    assert_int_equal(link(a, b), 0);
    for (int threads = 1; threads <= 2; threads++) {
        memset(&t, 0, sizeof t);
        assert_int_equal(scan(PP_QUEUE_ALL, threads, &t, &res, err), 0);
        assert_int_equal(t.msgs[PP_QUEUE_INCOMING], 1);
        assert_int_equal(t.msgs[PP_QUEUE_ACTIVE], 2);
        assert_int_equal(t.rcpts[PP_QUEUE_ACTIVE], 3);
        assert_int_equal(t.msgs[PP_QUEUE_DEFERRED], 1);
        assert_int_equal(t.msgs[PP_QUEUE_HOLD], 0);
        assert_int_equal(res.vanished, 3);
        assert_int_equal(res.files, 4);
    }
    /* Scanning deferred alone, the file is where it is. */
    memset(&t, 0, sizeof t);
    assert_int_equal(scan(PP_QUEUE_BIT(PP_QUEUE_DEFERRED), 1, &t, &res, err), 0);
    assert_int_equal(t.msgs[PP_QUEUE_DEFERRED], 2);
}

static void test_permission_denied(void **state)
{
    (void)state;
    mkdirs("deferred", 0700);
    mkdirs("hold", 0755);
    if (geteuid() != 0)
        skip();
    pid_t pid = fork();
    if (pid == 0) {
        tally t = {0};
        pp_qscan_result res;
        char err[200];
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(10);
        if (scan(PP_QUEUE_ALL, 2, &t, &res, err) != -1)
            _exit(11);
        if (res.dir_errno[PP_QUEUE_DEFERRED] != EACCES || res.dir_errno[PP_QUEUE_HOLD] != 0)
            _exit(12);
        char want[200];
        snprintf(want, sizeof want, "cannot open %s/deferred: Permission denied", root);
        if (strcmp(err, want) != 0)
            _exit(13);
        _exit(t.msgs[PP_QUEUE_DEFERRED] == 0 ? 0 : 14);
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_missing_queue_dir(void **state)
{
    (void)state;
    tally t = {0};
    pp_qscan_result res;
    char err[200];
    pp_qscan_opts o = {.queue_dir = "/nonexistent/queue", .queues = PP_QUEUE_ALL, .fn = count,
                       .ctx = &t};
    assert_int_equal(pp_qscan_run(&o, &res, err, sizeof err), -1);
    assert_string_equal(err, "cannot open /nonexistent/queue: No such file or directory");
}

/* Many files over two threads: each one is seen exactly once. */
static void test_many_files(void **state)
{
    (void)state;
    tally t = {0};
    pp_qscan_result res;
    char err[200];
    mkdirs("deferred", 0700);
    mkdirs("hold", 0700);
    const char hex[] = "0123456789ABCDEF";
    for (int i = 0; i < 16; i++) {
        char d[32];
        snprintf(d, sizeof d, "deferred/%c", hex[i]);
        mkdirs(d, 0700);
    }
    for (int i = 0; i < 3000; i++) {
        char rel[64];
        if (i % 3)
            snprintf(rel, sizeof rel, "deferred/%c/%c%09X", hex[i % 16], hex[i % 16], i);
        else
            snprintf(rel, sizeof rel, "hold/%010X", i);
        message(rel, 1700000000 + i, 1 + i % 4, "m.example", 0700);
    }
    assert_int_equal(scan(PP_QUEUE_ALL, 2, &t, &res, err), 0);
    assert_int_equal(t.msgs[PP_QUEUE_DEFERRED], 2000);
    assert_int_equal(t.msgs[PP_QUEUE_HOLD], 1000);
    unsigned long want = 0;
    for (int i = 0; i < 3000; i++)
        want += 1 + i % 4;
    assert_int_equal(t.rcpts[PP_QUEUE_DEFERRED] + t.rcpts[PP_QUEUE_HOLD], want);
    assert_int_equal(res.files, 3000);
}

static void test_names(void **state)
{
    (void)state;
    pp_queue q;
    assert_int_equal(pp_queue_parse("deferred", &q), 0);
    assert_int_equal(q, PP_QUEUE_DEFERRED);
    assert_string_equal(pp_queue_name(PP_QUEUE_MAILDROP), "maildrop");
    assert_int_equal(pp_queue_parse("defer", &q), -1); /* the logs, not a queue */
}

/* A worker's header context: the Subject of the file it read last, emptied by begin. */
typedef struct wview {
    char subject[64];
} wview;

static void wview_begin(void *ctx)
{
    ((wview *)ctx)->subject[0] = '\0';
}

static int wview_header(void *ctx, const char *name, size_t namelen, const char *value,
                        size_t vlen)
{
    wview *v = ctx;
    if (namelen == 7 && memcmp(name, "Subject", 7) == 0)
        snprintf(v->subject, sizeof v->subject, "%.*s", (int)vlen, value);
    return 0;
}

typedef struct routed {
    wview *views;
    unsigned long files, workers_seen;
} routed;

static int check_view(void *ctx, const pp_qscan_file *f, const pp_qmsg *m)
{
    routed *r = ctx;
    assert_int_equal(m->status, PP_QREC_OK);
    assert_in_range(f->worker, 0, 3);
    /* Files named ...0 have no Subject: the view the file before left is emptied. */
    const char *want = f->id[strlen(f->id) - 1] == '0' ? "" : f->id;
    assert_string_equal(r->views[f->worker].subject, want);
    r->files++;
    r->workers_seen |= 1ul << f->worker;
    return 0;
}

/* rec_per_worker: each worker reads headers into its own context, named by f->worker. */
static void test_per_worker(void **state)
{
    (void)state;
    wview views[4];
    pp_qrec_opts rec[4];
    routed r = {views, 0, 0};
    pp_qscan_result res;
    char err[200];
    mkdirs("hold", 0700);
    for (int i = 0; i < 400; i++) {
        char rel[64], subject[64];
        pp_buf b;
        const qf_pair env[] = {{'S', "s@example.org"}, {'R', "r@example.net"}, {0, NULL}};
        snprintf(rel, sizeof rel, "hold/AB%05d", i);
        snprintf(subject, sizeof subject, "Subject: AB%05d", i);
        const char *hdrs[] = {i % 10 ? subject : "X-None: x", NULL};
        pp_buf_init(&b);
        qf_cleanup(&b, 1700000000, env, hdrs, NULL);
        write_file(rel, b.s, b.len, 0700);
        pp_buf_free(&b);
    }
    for (int i = 0; i < 4; i++)
        rec[i] = (pp_qrec_opts){.header = wview_header, .header_ctx = &views[i],
                                .begin = wview_begin};
    pp_qscan_opts o = {.queue_dir = root, .queues = PP_QUEUE_BIT(PP_QUEUE_HOLD), .threads = 4,
                       .rec = rec, .rec_per_worker = true, .fn = check_view, .ctx = &r};
    assert_int_equal(pp_qscan_run(&o, &res, err, sizeof err), 0);
    assert_int_equal(r.files, 400);
    assert_int_equal(res.files, 400);
    assert_true(r.workers_seen != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_worker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vanished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_during_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permission_denied, setup, teardown),
        cmocka_unit_test(test_missing_queue_dir),
        cmocka_unit_test_setup_teardown(test_many_files, setup, teardown),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

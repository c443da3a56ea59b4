/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_log_line - libFuzzer harness for the log parser (common/log/logline.c, logclass.c,
 * logstat.c, logtrace.c): each '\n'-separated piece of the input is one log line fed to a
 * pp_logstat and a pp_logtrace. Every line must parse or not without reading past its
 * length, every group key must be a NUL-terminated string, the counts must stay consistent
 * (deferred <= deferrals), and every message handed over must have a queue id and events
 * with text, and none be left open after the end.
 *
 *   CC=clang cmake -S . -B build-fuzz -DPOSTPROBE_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_log_line && build-fuzz/tests/fuzz/fuzz_log_line corpus/log_line
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "log/logclass.h"
#include "log/logstat.h"
#include "log/logtrace.h"

typedef struct both {
    pp_logstat *st;
    pp_logtrace *trace;
} both;

static void on_msg(void *ctx, const pp_logmsg *m)
{
    (void)ctx;
    FUZZ_CHECK(m->qid[0] != '\0' && strlen(m->qid) <= 32);
    for (size_t i = 0; i < m->nev; i++)
        FUZZ_CHECK(m->ev[i].text && m->ev[i].tag && m->ev[i].stamp);
    for (size_t i = 0; i < m->nnotices; i++)
        on_msg(ctx, m->notices[i]);
}

static void one(void *ctx, const char *line, size_t len)
{
    pp_logline l;
    pp_logevent ev;
    char key[64], *copy = fuzz_str((const uint8_t *)line, len);
    /* the parser sees exactly len bytes, no NUL after them */
    char *exact = malloc(len ? len : 1);
    FUZZ_CHECK(exact != NULL);
    memcpy(exact, line, len);
    if (pp_logline_parse(exact, len, &l) == 0) {
        FUZZ_CHECK(l.text + l.text_len <= exact + len);
        pp_logclass(&l, &ev);
        pp_logclass_reason(&ev, key, sizeof key);
        FUZZ_CHECK(strlen(key) < sizeof key);
        (void)pp_logline_time(&l, 1796458200LL);
    }
    both *b = ctx;
    pp_logstat_line(b->st, exact, len);
    pp_logtrace_line(b->trace, exact, len);
    free(exact);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"postfix", NULL};
    pp_logstat_opts o = {.names = names, .examples = true, .now = 1796458200LL,
                         .max_deferred = 8};
    pp_logstat *st = pp_logstat_new(&o);
    pp_logtrace_opts to = {.names = names, .now = 1796458200LL, .max_open = 4, .fn = on_msg};
    both b = {st, pp_logtrace_new(&to)};
    fuzz_lines(data, size, one, &b);
    pp_logtrace_finish(b.trace);
    FUZZ_CHECK(pp_logtrace_stats_get(b.trace)->open == 0);
    pp_logtrace_free(b.trace);
    FUZZ_CHECK(pp_logstat_count(st, PP_LOGC_DEFERRED) <= pp_logstat_count(st, PP_LOGC_DEFERRALS));
    pp_logtop top[8];
    for (int g = 0; g < PP_LOGG_COUNT; g++) {
        size_t n = pp_logstat_top(st, (pp_loggroup)g, top, 8);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(strlen(top[i].key) < 200);
    }
    pp_logstat_free(st);
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_log_line - libFuzzer harness for the log parser (common/log/logline.c, logclass.c,
 * logstat.c): each '\n'-separated piece of the input is one log line fed to a pp_logstat.
 * Every line must parse or not without reading past its length, every group key must be a
 * NUL-terminated string, and the counts must stay consistent (deferred <= deferrals).
 *
 *   CC=clang cmake -S . -B build-fuzz -DPOSTPROBE_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_log_line && build-fuzz/tests/fuzz/fuzz_log_line corpus/log_line
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "log/logclass.h"
#include "log/logstat.h"

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
    pp_logstat_line(ctx, exact, len);
    free(exact);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"postfix", NULL};
    pp_logstat_opts o = {.names = names, .examples = true, .now = 1796458200LL,
                         .max_deferred = 8};
    pp_logstat *st = pp_logstat_new(&o);
    fuzz_lines(data, size, one, st);
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

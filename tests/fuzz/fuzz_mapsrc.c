/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_mapsrc - libFuzzer harness for common/postfix/mapsrc.c and common/postfix/rxtable.c, the readers of
 * lookup table sources: the input's lines (the first byte picks postmap, postalias or
 * pcre/regexp rule format) through pp_mapsrc_line()/pp_mapsrc_end(), each logical line of
 * a rule table through pp_rxtable_rule(), and the whole input through pp_mapsrc_count().
 * Entries are NUL-terminated, a key is at most three times its line (full case folding
 * turns 2-byte "\u0390" into 6 bytes, "\u023a" 2 bytes into 3), a skipped entry says why,
 * and the counts agree with the entries seen.
 *
 *   ./fuzz_mapsrc -max_len=4096 corpus/mapsrc
 */
#include "fuzz_util.h"
#include "postfix/mapsrc.h"
#include "postfix/rxtable.h"

typedef struct run {
    pp_mapsrc src;
    pp_rxtable rx;
    bool rules;
    size_t valid, skipped;
} run;

/* glibc's regcomp() needs memory exponential in stacked repetition operators and growing
 * with the product of nested bounds ("(x{3000}){3000}": 2 GB). rxtable refuses the worst
 * (over 16 in a row, a bound over 3000) but not every product, and Postfix's own regexp:
 * tables pay the same: a table's author is the administrator. The harness leaves regexp
 * rules with bounds or with more than 4 operators in a row to the unit tests. */
static bool costly_for_regcomp(const char *s)
{
    int reps = 0;
    for (; *s; s++) {
        if (*s == '{')
            return true;
        reps = strchr("+*?", *s) ? reps + 1 : *s == ')' ? reps : 0;
        if (reps > 4)
            return true;
    }
    return false;
}

static void entry(run *r, const pp_mapsrc_entry *e)
{
    FUZZ_CHECK(e->text[e->textlen] == '\0' && e->key[e->klen] == '\0');
    FUZZ_CHECK(e->klen <= 3 * e->textlen && e->line >= 1);
    if (!e->valid) {
        FUZZ_CHECK(e->why && e->why[0]);
        r->skipped++;
        return;
    }
    r->valid++;
    if (r->rules && !(r->rx.kind == PP_RXTABLE_REGEXP && costly_for_regcomp(e->text))) {
        char why[256] = "";
        if (pp_rxtable_rule(&r->rx, e->line, e->text, why, sizeof why) != 0)
            FUZZ_CHECK(why[0] != '\0');
    }
}

static void one_line(void *ctx, const char *line, size_t len)
{
    run *r = ctx;
    pp_mapsrc_entry e;
    if (pp_mapsrc_line(&r->src, line, len, &e) == 1)
        entry(r, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const pp_mapsrc_kind kinds[] = {PP_MAPSRC_POSTMAP, PP_MAPSRC_ALIAS, PP_MAPSRC_LINES,
                                           PP_MAPSRC_LINES};
    pp_mapsrc_kind kind = kinds[data[0] & 3];
    run r = {.rules = kind == PP_MAPSRC_LINES};
    pp_mapsrc_entry e;
    pp_mapsrc_counts c;
    size_t line;

    pp_mapsrc_init(&r.src, kind, data[0] & 4 ? PP_MAPSRC_UTF8 : 0);
    pp_rxtable_init(&r.rx, data[0] & 1 ? PP_RXTABLE_REGEXP : PP_RXTABLE_PCRE,
                    data[0] & 8 ? "transport_maps" : NULL);
    fuzz_lines(data + 1, size - 1, one_line, &r);
    if (pp_mapsrc_end(&r.src, &e) == 1)
        entry(&r, &e);
    while (pp_rxtable_unclosed(&r.rx, &line) == 1)
        FUZZ_CHECK(line >= 1);
    FUZZ_CHECK(r.rx.rules <= r.valid);
    pp_rxtable_free(&r.rx);
    pp_mapsrc_free(&r.src);

    pp_mapsrc_count((const char *)data + 1, size - 1, kind, data[0] & 4 ? PP_MAPSRC_UTF8 : 0,
                    &c);
    FUZZ_CHECK(c.entries == r.valid && c.skipped == r.skipped);
    FUZZ_CHECK(c.entries + c.skipped <= c.lines);
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_postconf - libFuzzer harness for what postprobe reads from postconf(1) output: each
 * line through pp_postconf_parse_line() (common/postfix/postconf.c), and each value it accepts
 * through the parsers of parameter values: pp_pflist_split() (lists), pp_maprefs_scan()
 * (tables a value names, under the line's parameter name) and pp_relay_audit_walk()
 * (restriction lists, with the value as a restriction class, a class that contains itself,
 * and every access table answering with the value); each line also through
 * pp_mastercf_parse_line() (postconf -M lines). A parsed name is never empty, and holds no blank; every list item handed out
 * is non-empty.
 *
 *   ./fuzz_postconf -max_len=4096 corpus/postconf
 */
#include "fuzz_util.h"
#include "postfix/maprefs.h"
#include "postfix/mastercf.h"
#include "postfix/pflist.h"
#include "postfix/postconf.h"
#include "relay/relay_audit.h"

static int on_item(const char *item, void *arg)
{
    size_t *n = arg;
    FUZZ_CHECK(item[0] != '\0');
    (void)pp_pflist_is_table(item);
    return ++*n > 1000; /* a callback may stop the split */
}

/* Every access table answers with the value being walked. */
static int answer_value(const char *table, const char **value, const char **key, void *arg)
{
    (void)table;
    *value = arg;
    *key = "key";
    return 1;
}

static void one_line(void *ctx, const char *line, size_t len)
{
    pp_maprefs *refs = ctx;
    char *s = malloc(len + 1), *name, *value;
    if (!s)
        abort();
    memcpy(s, line, len);
    s[len] = '\0';
    if (pp_postconf_parse_line(s, &name, &value) == 0) {
        size_t n = 0;
        FUZZ_CHECK(name[0] != '\0' && strchr(name, ' ') == NULL);
        (void)pp_pflist_split(value, on_item, &n);
        if (!pp_maprefs_ignored(name))
            pp_maprefs_scan(refs, name, value);
        const pp_relay_audit_class classes[] = {{"c", value}, {"loop", "loop"}, {NULL, NULL}};
        pp_relay_audit_path p;
        memset(&p, 0, sizeof p);
        pp_relay_audit_walk(value, classes, NULL, &p);
        pp_relay_audit_path_free(&p);
        pp_relay_audit_lookup lk = {answer_value, value};
        pp_relay_audit_walk(value, classes, &lk, &p);
        pp_relay_audit_path_free(&p);
    }
    memcpy(s, line, len);
    pp_mastercf_service svc;
    if (pp_mastercf_parse_line(s, &svc) == 0) {
        FUZZ_CHECK(svc.name[0] != '\0' && svc.command[0] != '\0');
        pp_mastercf_service_free(&svc);
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_maprefs refs;
    memset(&refs, 0, sizeof refs);
    fuzz_lines(data, size, one_line, &refs);
    for (size_t i = 0; i < refs.n; i++)
        FUZZ_CHECK(refs.v[i].path != NULL);
    pp_maprefs_free(&refs);
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_mta_sts - libFuzzer harness for common/tls/mtasts.c: the input, from the attacker (a
 * web server's body, DNS TXT records), is parsed as a policy file, as an _mta-sts TXT record
 * and as a TLS-RPT record. A parsed policy has a version's worth of fields: a mode in its
 * set, max_age within RFC 8461's bound, mx patterns that are non-empty visible text and
 * that match what they are made from; a refused one is empty with an error said; an id has
 * 1 to 32 letters and digits.
 *
 *   ./fuzz_mta_sts -max_len=4096 corpus/mta_sts
 */
#include <ctype.h>
#include <stdio.h>

#include "tls/mtasts.h"
#include "fuzz_util.h"

static void check_policy(const uint8_t *data, size_t size)
{
    pp_sts_policy p;
    char err[256] = "";
    int rc = pp_sts_policy_parse((const char *)data, size, &p, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(memchr(p.warn, '\0', sizeof p.warn) != NULL);
    if (rc != 0) {
        FUZZ_CHECK(err[0] != '\0' && p.nmx == 0 && p.mx == NULL);
        return;
    }
    FUZZ_CHECK(p.mode == PP_STS_NONE || p.mode == PP_STS_TESTING || p.mode == PP_STS_ENFORCE);
    FUZZ_CHECK(p.max_age >= 0 && p.max_age <= PP_STS_MAX_AGE_MAX);
    FUZZ_CHECK(p.mode == PP_STS_NONE || p.nmx > 0);
    for (size_t i = 0; i < p.nmx; i++) {
        const char *m = p.mx[i];
        FUZZ_CHECK(m[0] != '\0' && strlen(m) <= 255);
        for (const char *c = m; *c; c++)
            FUZZ_CHECK(isgraph((unsigned char)*c));
        /* A pattern matches the host it names, and "*.d" matches "x.d". */
        if (strncmp(m, "*.", 2) == 0) {
            char host[300];
            snprintf(host, sizeof host, "x%s", m + 1);
            FUZZ_CHECK(pp_sts_mx_match(m, host));
            FUZZ_CHECK(!pp_sts_mx_match(m, m + 2));
        } else {
            FUZZ_CHECK(pp_sts_policy_match(&p, m) != NULL);
        }
    }
    pp_sts_policy_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_policy(data, size);

    char *s = fuzz_str(data, size), id[33], err[256];
    if (pp_sts_record_parse(s, id, sizeof id, err, sizeof err) == 0) {
        size_t n = strlen(id);
        FUZZ_CHECK(n >= 1 && n <= 32 && pp_sts_record_is_sts(s));
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(isalnum((unsigned char)id[i]));
    }
    int uris = pp_sts_tlsrpt_parse(s, err, sizeof err);
    FUZZ_CHECK(uris == -1 || (uris >= 1 && pp_sts_tlsrpt_is_tlsrpt(s)));
    /* Both matchers take any text without crashing. */
    pp_sts_mx_match(s, s);
    free(s);
    return 0;
}

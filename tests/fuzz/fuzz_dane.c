/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_dane - libFuzzer harness for common/tls/dane.c, TLSA records matched against the chain
 * a server presents: the input is cut into up to 4 TLSA records (usage, selector, matching
 * type, a length byte, data) and up to 3 certificates (DER and SPKI, each a 2-byte length
 * and bytes), all from the attacker (the DNS answer and the TLS peer). Results stay in
 * their sets, usable + unusable counts every record, a match names a record and chain
 * element that exist and that match alone, and the record's text form is NUL-terminated.
 *
 *   ./fuzz_dane -max_len=2048 corpus/dane
 */
#include "tls/dane.h"
#include "fuzz_util.h"

typedef struct cursor {
    const uint8_t *p;
    size_t left;
} cursor;

static size_t take(cursor *c, size_t want, const unsigned char **out)
{
    size_t n = want < c->left ? want : c->left;
    *out = c->p;
    c->p += n;
    c->left -= n;
    return n;
}

static unsigned byte(cursor *c)
{
    const unsigned char *b;
    return take(c, 1, &b) ? b[0] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cursor c = {data, size};
    pp_dane_tlsa recs[4];
    pp_dane_cert chain[3];
    size_t nrecs = 1 + byte(&c) % 4, nchain = 1 + byte(&c) % 3;
    pp_dane_result res;
    char text[128];

    for (size_t i = 0; i < nrecs; i++) {
        recs[i].usage = byte(&c) % 5;
        recs[i].selector = byte(&c) % 3;
        recs[i].mtype = byte(&c) % 4;
        size_t want = byte(&c);
        if (want == 255)
            want = 64; /* SHA-512 length, hard to reach by mutation */
        recs[i].len = take(&c, want, &recs[i].data);
        pp_dane_format(&recs[i], text, sizeof text);
        FUZZ_CHECK(memchr(text, '\0', sizeof text) != NULL);
    }
    for (size_t i = 0; i < nchain; i++) {
        size_t a = byte(&c) << 8 | byte(&c);
        chain[i].der_len = take(&c, a, &chain[i].der);
        size_t b = byte(&c) << 8 | byte(&c);
        chain[i].spki_len = take(&c, b, &chain[i].spki);
    }
    memset(&res, 0, sizeof res);
    int m = pp_dane_match(recs, nrecs, chain, nchain, &res);
    FUZZ_CHECK(m == 0 || m == 1);
    FUZZ_CHECK(res.usable + res.unusable == nrecs);
    if (m == 1) {
        FUZZ_CHECK(res.record < nrecs && res.depth < nchain);
        FUZZ_CHECK(pp_dane_match_one(&recs[res.record], &chain[res.depth]) == 1);
    }
    for (size_t i = 0; i < nrecs; i++) {
        int u = pp_dane_usable(&recs[i]);
        int one = pp_dane_match_one(&recs[i], &chain[0]);
        FUZZ_CHECK((u == 1) == (one != -1) && one >= -1 && one <= 1);
    }
    return 0;
}

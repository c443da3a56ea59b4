/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dane.c - TLSA matching. See dane.h.
 */
#include "tls/dane.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static size_t digest_len(unsigned mtype)
{
    return mtype == 1 ? 32 : mtype == 2 ? 64 : 0;
}

int pp_dane_usable(const pp_dane_tlsa *t)
{
    if (t->usage != PP_DANE_TA && t->usage != PP_DANE_EE)
        return 0;
    if (t->selector > 1 || t->mtype > 2 || !t->data || t->len == 0)
        return 0;
    return t->mtype == 0 || t->len == digest_len(t->mtype);
}

int pp_dane_match_one(const pp_dane_tlsa *t, const pp_dane_cert *c)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!pp_dane_usable(t))
        return -1;
    const unsigned char *sel = t->selector == 0 ? c->der : c->spki;
    size_t sel_len = t->selector == 0 ? c->der_len : c->spki_len;
    if (!sel || sel_len == 0)
        return 0;
    if (t->mtype == 0)
        return sel_len == t->len && memcmp(sel, t->data, t->len) == 0;
    const EVP_MD *alg = t->mtype == 1 ? EVP_sha256() : EVP_sha512();
    if (!EVP_Digest(sel, sel_len, md, &mdlen, alg, NULL))
        return 0;
    return mdlen == t->len && memcmp(md, t->data, mdlen) == 0;
}

int pp_dane_match(const pp_dane_tlsa *recs, size_t nrecs, const pp_dane_cert *chain,
                  size_t nchain, pp_dane_result *res)
{
    memset(res, 0, sizeof *res);
    int matched = 0;
    for (size_t i = 0; i < nrecs; i++) {
        if (!pp_dane_usable(&recs[i])) {
            res->unusable++;
            continue;
        }
        res->usable++;
        size_t from = recs[i].usage == PP_DANE_EE ? 0 : 1;
        size_t to = recs[i].usage == PP_DANE_EE ? (nchain > 0) : nchain;
        for (size_t d = from; d < to && !matched; d++) {
            if (pp_dane_match_one(&recs[i], &chain[d]) == 1) {
                matched = 1;
                res->record = i;
                res->depth = d;
            }
        }
    }
    return matched;
}

void pp_dane_format(const pp_dane_tlsa *t, char *out, size_t outlen)
{
    char hex[17];
    size_t n = t->len < 8 ? t->len : 8;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", t->data[i]);
    hex[2 * n] = '\0';
    snprintf(out, outlen, "%u %u %u %s%s", t->usage, t->selector, t->mtype, hex,
             t->len > 8 ? "..." : "");
}

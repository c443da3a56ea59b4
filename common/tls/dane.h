/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	dane - matching TLSA records against a certificate chain (RFC 6698, RFC 7671, RFC 7672)
 * SYNOPSIS
 *	int pp_dane_usable(const pp_dane_tlsa *t);
 *	int pp_dane_match_one(const pp_dane_tlsa *t, const pp_dane_cert *c);
 *	int pp_dane_match(const pp_dane_tlsa *recs, size_t nrecs, const pp_dane_cert *chain,
 *			  size_t nchain, pp_dane_result *res);
 *	void pp_dane_format(const pp_dane_tlsa *t, char *out, size_t outlen);
 * DESCRIPTION
 *	Pure functions over DER bytes: a pp_dane_cert is one certificate of the chain the
 *	server presented (leaf first) as its whole DER encoding and the DER of its
 *	SubjectPublicKeyInfo.
 *	pp_dane_usable() tells whether a record is one an SMTP client acts on (RFC 7672 3.1.3):
 *	usage 2 (DANE-TA) or 3 (DANE-EE), selector 0 (whole certificate) or 1 (public key),
 *	matching type 0 (exact), 1 (SHA-256) or 2 (SHA-512) with data of the right length.
 *	It returns 1, or 0 with PKIX usages 0 and 1 and unknown parameters.
 *	pp_dane_match_one() returns 1 when the record's data matches certificate c under its
 *	selector and matching type, 0 when not, -1 for an unusable record.
 *	pp_dane_match() walks the usable records: DANE-EE (3) matches the leaf only, DANE-TA
 *	(2) any certificate above the leaf (a trust anchor the server sends, as RFC 7671 5.2.2
 *	asks; the caller must still check that the anchor really issued the chain). It
 *	returns 1 when a record matched (res says which record and which chain element), 0
 *	when none did, and counts usable and unusable records in res.
 *	pp_dane_format() writes "3 1 1 ab12cd..." (data cut to 16 hex digits) for messages.
 */
#ifndef PP_DANE_H
#define PP_DANE_H

#include <stddef.h>

enum {
    PP_DANE_PKIX_TA = 0,
    PP_DANE_PKIX_EE = 1,
    PP_DANE_TA = 2,
    PP_DANE_EE = 3
};

typedef struct pp_dane_tlsa {
    unsigned usage, selector, mtype;
    const unsigned char *data;
    size_t len;
} pp_dane_tlsa;

typedef struct pp_dane_cert {
    const unsigned char *der;
    size_t der_len;
    const unsigned char *spki;
    size_t spki_len;
} pp_dane_cert;

typedef struct pp_dane_result {
    size_t usable, unusable;
    size_t record; /* the record that matched */
    size_t depth;  /* the chain element it matched: 0 the leaf */
} pp_dane_result;

int pp_dane_usable(const pp_dane_tlsa *t);
int pp_dane_match_one(const pp_dane_tlsa *t, const pp_dane_cert *c);
int pp_dane_match(const pp_dane_tlsa *recs, size_t nrecs, const pp_dane_cert *chain,
                  size_t nchain, pp_dane_result *res);
void pp_dane_format(const pp_dane_tlsa *t, char *out, size_t outlen);

#endif

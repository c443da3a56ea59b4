/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	dane - DANE verification of a certificate chain by OpenSSL's DANE support, as Postfix
 *	does it for SMTP (RFC 6698, RFC 7671, RFC 7672)
 * SYNOPSIS
 *	int pp_dane_verify(const pp_dane_opts *o, STACK_OF(X509) *chain, pp_dane_result *res);
 *	void pp_dane_format(const pp_dane_tlsa *t, char *out, size_t outlen);
 * DESCRIPTION
 *	pp_dane_verify() judges the chain a server presented (leaf first) against the TLSA
 *	records of o->tlsa (already known to be DNSSEC-validated) as Postfix's SMTP client
 *	does: records of usage 0 (PKIX-TA) and 1 (PKIX-EE) do not apply to SMTP and are left
 *	out (counted in res->pkix); the others go to SSL_dane_tlsa_add(), which refuses the
 *	ones it cannot use (an unknown selector or matching type, data of the wrong length:
 *	res->unusable); the chain is then verified by X509_verify_cert() with the SSL
 *	object's DANE state, the way OpenSSL verifies a server's chain in a handshake:
 *	  - DANE-EE (3): the leaf matches and nothing else is checked (no names, dates or
 *	    chain: RFC 7672 3.1.1; DANE_FLAG_NO_DANE_EE_NAMECHECKS);
 *	  - DANE-TA (2): the chain must verify up to the certificate or public key of the
 *	    record, with its dates checked at o->now, and the leaf must be for one of the
 *	    reference identifiers (RFC 7672 3.2.2): the TLSA base domain o->base_domain (the
 *	    MX host) or o->nexthop (the domain whose MX it is; NULL: none), a wildcard only as
 *	    the whole left-most label.
 *	It returns PP_DANE_MATCHED (res->depth 0 for DANE-EE, the anchor's depth for DANE-TA;
 *	res->record the record that matched, res->anchor the certificate it matched or "the
 *	public key that signed CN=..." (a bare key of 2 1 0: res->depth is that of the
 *	certificate it signed), res->peername the name the leaf matched), PP_DANE_FAILED (usable
 *	records, but the chain does not verify: res->why is OpenSSL's reason and the
 *	certificate it stopped at), PP_DANE_UNUSABLE (no usable record: Postfix then demands
 *	TLS, but authenticates nothing) or PP_DANE_ERROR (OpenSSL failed: res->why).
 *	pp_dane_format() writes "3 1 1 ab12cd..." (data cut to 16 hex digits) for messages.
 */
#ifndef PP_DANE_H
#define PP_DANE_H

#include <openssl/x509.h>
#include <stddef.h>
#include <time.h>

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

typedef struct pp_dane_opts {
    const pp_dane_tlsa *tlsa;
    size_t ntlsa;
    const char *base_domain; /* the TLSA base domain: mx1.example.org */
    const char *nexthop;     /* the next-hop domain (example.org) or NULL */
    time_t now;
} pp_dane_opts;

typedef enum pp_dane_status {
    PP_DANE_ERROR = -2,
    PP_DANE_UNUSABLE = -1,
    PP_DANE_FAILED = 0,
    PP_DANE_MATCHED = 1
} pp_dane_status;

typedef struct pp_dane_result {
    size_t usable, pkix, unusable; /* records OpenSSL took, usages 0 and 1, refused ones */
    int depth;                     /* of the match: 0 the leaf (DANE-EE); -1 none */
    char record[96];               /* the record that matched: "2 0 1 ab12..." */
    char anchor[256];              /* the certificate it matched */
    char peername[256];            /* the reference identifier the leaf matched */
    char why[512];                 /* why the chain does not verify */
} pp_dane_result;

pp_dane_status pp_dane_verify(const pp_dane_opts *o, STACK_OF(X509) *chain,
                              pp_dane_result *res);
void pp_dane_format(const pp_dane_tlsa *t, char *out, size_t outlen);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tlsinspect - judging a certificate chain as a postmaster would
 * SYNOPSIS
 *	void pp_tlsinspect_judge(const pp_tlsinspect_opts *o, const pp_tls_peer *p, time_t now,
 *				 const char *who, pp_result *r);
 *	double pp_tlsinspect_days_left(const X509 *x, time_t now);
 *	double pp_tlsinspect_days_valid_in(const X509 *x, time_t now);
 *	int pp_tlsinspect_verify(STACK_OF(X509) *chain, const char *cafile, char *why,
 *				 size_t whylen);
 *	int pp_tlsinspect_name(X509 *leaf, const char *name, char *how, size_t howlen);
 *	int pp_tlsinspect_weak_digest(const X509 *x, char *alg, size_t alglen);
 *	int pp_tlsinspect_key(const X509 *x, const pp_tlsinspect_opts *o, char *desc,
 *			      size_t desclen);
 *	int pp_tlsinspect_ocsp(const pp_tls_peer *p, const char *cafile, time_t now, char *how,
 *			       size_t howlen);
 *	X509 *pp_tlsinspect_issuer(STACK_OF(X509) *chain, X509_STORE *st);
 *	int pp_tlsinspect_protocol_parse(const char *text, int *version);
 * DESCRIPTION
 *	pp_tlsinspect_judge() adds a sub-result to r for each judgment, each text prefixed
 *	with who ("mx1.example.org: ") when not NULL, and the perfdata days_leaf and
 *	days_chain (the soonest-expiring certificate above the leaf), labels prefixed too:
 *	  - expiry of the leaf and of every chain certificate in fractional days: CRITICAL
 *	    below o->crit_days (or expired), WARNING below o->warn_days; not yet valid:
 *	    CRITICAL;
 *	  - the chain verified up to a trusted root (o->cafile, or the system's store; time is
 *	    left out of this test as the expiry has its own);
 *	  - the name (o->name, when set) against the leaf's SANs, wildcards in the left-most
 *	    label only, the subject CN only when there is no DNS SAN (X509_check_host), or an
 *	    IP SAN for an address;
 *	  - a self-signed leaf (CRITICAL unless o->allow_self_signed);
 *	  - keys: RSA and DSA below o->min_rsa_bits, EC below o->min_ec_bits;
 *	  - signatures made with MD5 or SHA-1 (not for self-signed roots, whose signature
 *	    nobody checks);
 *	  - the negotiated protocol below o->min_tls;
 *	  - with o->ocsp, the OCSP response (stapled, or asked from the certificate's responder
 *	    by ocspfetch: p->ocsp_url) that must be signed by the leaf's issuer
 *	    or a responder it delegated to (chained to the trusted root), be about this
 *	    certificate (issuer and serial), say "good" and be current: before its
 *	    nextUpdate, or, when it has none, produced at most PP_TLSINSPECT_OCSP_MAX_AGE
 *	    (7) days ago (a week: what CAs' responders commonly give as validity). Revoked
 *	    is CRITICAL, unknown or stale WARNING; none stapled, or a stapled response that
 *	    is forged, garbled or about another certificate, CRITICAL (clients refuse it);
 *	    such a response from the responder itself WARNING (the certificate is not at
 *	    fault, its status is not known), and no answer from it (p->ocsp_err) UNKNOWN;
 *	  - with o->dane, the chain verified with the TLSA records in o->tlsa by OpenSSL's
 *	    DANE support as Postfix does (dane.h; o->name the TLSA base domain, o->nexthop
 *	    the next-hop domain a DANE-TA leaf may be for too): a DANE-EE match is OK and
 *	    turns the judgments of names, dates, signatures, the chain's trust and a
 *	    self-signed leaf into information (RFC 7672 3.1.1), a DANE-TA match those of the
 *	    chain's trust and the name; usable records that verify nothing are CRITICAL; an
 *	    RRset without a usable record (PKIX-TA and PKIX-EE do not apply to SMTP) is
 *	    WARNING "DANE unusable" (Postfix still demands TLS, but authenticates nothing).
 *	    o->tlsa_note says why there are no records (the DNS status), o->tlsa_failed that
 *	    the lookup itself failed (UNKNOWN: whether there are records is not known) and
 *	    o->tlsa_sec what DNSSEC says of the answer: records that are not validated are
 *	    CRITICAL and not used at all (Postfix ignores them, RFC 7672 2.1), bogus ones
 *	    CRITICAL saying why (o->tlsa_why);
 *	  - with o->compare, the leaf must be that certificate (a renewed certificate that a
 *	    "postfix reload" has not loaded yet).
 *	The other functions are the single judgments, usable alone: days left (negative once
 *	expired) and days until the certificate becomes valid (positive when not yet valid);
 *	pp_tlsinspect_verify() returns 0 or -1 with OpenSSL's reason and the certificate it
 *	stopped at; pp_tlsinspect_name() 1 when the name matches (how names the SAN or CN that
 *	did), 0 when not (how lists the names the certificate has); weak_digest 1 for MD5/SHA-1
 *	(alg names the algorithm); key 0 or -1 when too small (desc: "RSA 2048 bits");
 *	ocsp 0 good (how gives thisUpdate and nextUpdate) or nothing to ask (p->ocsp_none),
 *	1 unknown or stale, 2 unusable, 3
 *	revoked (how gives when and why), -1 none stapled, -2 the CA file cannot be used, -3
 *	the responder gave no response (how says why: p->ocsp_err).
 *	pp_tlsinspect_issuer() is the issuer of chain[0]: the next certificate of the chain
 *	that signed it, or one of st's; NULL when neither has it. The caller frees it.
 *	pp_tlsinspect_protocol_parse() takes "1", "1.0", "1.1", "1.2", "1.3" (or "TLSv1.2").
 */
#ifndef PP_TLSINSPECT_H
#define PP_TLSINSPECT_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <time.h>

#include "core/result.h"
#include "dns/dnssec.h"
#include "tls/dane.h"
#include "tls/tlsfetch.h"

/* Days an OCSP response without nextUpdate stays current after its thisUpdate. */
#define PP_TLSINSPECT_OCSP_MAX_AGE 7

typedef struct pp_tlsinspect_opts {
    double warn_days, crit_days;
    const char *cafile;       /* NULL: the system's trust store */
    const char *name;         /* NULL: no name check */
    bool allow_self_signed;
    long min_rsa_bits, min_ec_bits;
    int min_tls;              /* 0: no minimum */
    bool ocsp;
    bool dane;
    const pp_dane_tlsa *tlsa;
    size_t ntlsa;
    const char *tlsa_name;    /* _25._tcp.mx.example.org */
    const char *nexthop;      /* with --mx, the domain: a reference identifier for DANE-TA */
    const char *tlsa_note;    /* why there are no records */
    bool tlsa_failed;         /* the lookup failed (timeout, SERVFAIL, ...): see tlsa_note */
    pp_dnssec_sec tlsa_sec;   /* what DNSSEC says of the answer */
    const char *tlsa_why;     /* why it is insecure or bogus */
    X509 *compare;            /* the certificate the server should present */
    const char *compare_file;
} pp_tlsinspect_opts;

void pp_tlsinspect_judge(const pp_tlsinspect_opts *o, const pp_tls_peer *p, time_t now,
                         const char *who, pp_result *r);
double pp_tlsinspect_days_left(const X509 *x, time_t now);
double pp_tlsinspect_days_valid_in(const X509 *x, time_t now);
int pp_tlsinspect_verify(STACK_OF(X509) *chain, const char *cafile, char *why, size_t whylen);
int pp_tlsinspect_name(X509 *leaf, const char *name, char *how, size_t howlen);
int pp_tlsinspect_weak_digest(const X509 *x, char *alg, size_t alglen);
int pp_tlsinspect_key(const X509 *x, const pp_tlsinspect_opts *o, char *desc, size_t desclen);
int pp_tlsinspect_ocsp(const pp_tls_peer *p, const char *cafile, time_t now, char *how,
                       size_t howlen);
X509 *pp_tlsinspect_issuer(STACK_OF(X509) *chain, X509_STORE *st);
int pp_tlsinspect_protocol_parse(const char *text, int *version);

#endif

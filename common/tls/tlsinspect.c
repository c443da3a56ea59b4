/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tlsinspect.c - certificate chain judgments. See tlsinspect.h.
 */
#include "tls/tlsinspect.h"

#include <arpa/inet.h>
#include <math.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "dns/dns.h"
#include "mail/mailconn.h"

#define DAY 86400.0

/* ---- names and times for messages ---- */

static time_t asn1_to_time(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return (time_t)-1;
    return timegm(&tm);
}

static void time_text(const ASN1_TIME *t, char *out, size_t len)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        snprintf(out, len, "?");
    else
        strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
}

double pp_tlsinspect_days_left(const X509 *x, time_t now)
{
    time_t end = asn1_to_time(X509_get0_notAfter(x));
    return end == (time_t)-1 ? NAN : difftime(end, now) / DAY;
}

double pp_tlsinspect_days_valid_in(const X509 *x, time_t now)
{
    time_t start = asn1_to_time(X509_get0_notBefore(x));
    return start == (time_t)-1 ? NAN : difftime(start, now) / DAY;
}

static void serial_text(const X509 *x, char *out, size_t len)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    snprintf(out, len, "%s", hex ? hex : "?");
    OPENSSL_free(hex);
    BN_free(bn);
}

/* ---- single judgments ---- */

/* Verify chain[0] with chain as intermediates against st; 0 or -1 with the reason. */
static int verify_with(X509_STORE *st, STACK_OF(X509) *chain, unsigned long flags, char *why,
                       size_t whylen)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = ctx && X509_STORE_CTX_init(ctx, st, sk_X509_value(chain, 0), chain);
    if (ok) {
        X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
        X509_VERIFY_PARAM_set_flags(vp, flags);
        X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
        ok = X509_verify_cert(ctx) == 1;
        char at[256];
        if (ok) {
            STACK_OF(X509) *v = X509_STORE_CTX_get0_chain(ctx);
            pp_tls_cert_name(sk_X509_value(v, sk_X509_num(v) - 1), at, sizeof at);
            snprintf(why, whylen, "%s", at);
        } else {
            X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
            if (cur)
                pp_tls_cert_name(cur, at, sizeof at);
            snprintf(why, whylen, "%s%s%s", X509_verify_cert_error_string(
                                                X509_STORE_CTX_get_error(ctx)),
                     cur ? " at " : "", cur ? at : "");
        }
    }
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return ok ? 0 : -1;
}

int pp_tlsinspect_verify(STACK_OF(X509) *chain, const char *cafile, char *why, size_t whylen)
{
    X509_STORE *st = pp_mailconn_trust_store(cafile, why, whylen);
    if (!st)
        return -2;
    int rc = verify_with(st, chain, X509_V_FLAG_NO_CHECK_TIME, why, whylen);
    X509_STORE_free(st);
    return rc;
}

/* The names a certificate is for: its SANs, or its CN without any. */
static void cert_names(X509 *x, char *out, size_t len)
{
    pp_buf b;
    pp_buf_init(&b);
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && b.len < len; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type == GEN_DNS) {
            pp_buf_printf(&b, "%sDNS:%.*s", b.len ? ", " : "", ASN1_STRING_length(g->d.dNSName),
                          (const char *)ASN1_STRING_get0_data(g->d.dNSName));
        } else if (g->type == GEN_IPADD) {
            char ip[64] = "?";
            int n = ASN1_STRING_length(g->d.iPAddress);
            inet_ntop(n == 16 ? AF_INET6 : AF_INET, ASN1_STRING_get0_data(g->d.iPAddress), ip,
                      sizeof ip);
            pp_buf_printf(&b, "%sIP:%s", b.len ? ", " : "", ip);
        }
    }
    GENERAL_NAMES_free(gens);
    if (b.len == 0)
        pp_tls_cert_name(x, out, len);
    else
        snprintf(out, len, "%s", b.s);
    pp_buf_free(&b);
}

int pp_tlsinspect_name(X509 *leaf, const char *name, char *how, size_t howlen)
{
    char *n = pp_xstrdup(name);
    size_t l = strlen(n);
    if (l > 1 && n[l - 1] == '.')
        n[l - 1] = '\0';
    char *peer = NULL;
    int rc = pp_dns_is_address(n) ? X509_check_ip_asc(leaf, n, 0)
                           : X509_check_host(leaf, n, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                                             &peer);
    if (rc == 1)
        snprintf(how, howlen, "%s", peer ? peer : n);
    else
        cert_names(leaf, how, howlen);
    OPENSSL_free(peer);
    free(n);
    ERR_clear_error();
    return rc == 1;
}

int pp_tlsinspect_weak_digest(const X509 *x, char *alg, size_t alglen)
{
    int sig = X509_get_signature_nid(x), md = NID_undef, pk = NID_undef;
    snprintf(alg, alglen, "%s", OBJ_nid2ln(sig) ? OBJ_nid2ln(sig) : "?");
    if (!OBJ_find_sigid_algs(sig, &md, &pk))
        return 0;
    return md == NID_md5 || md == NID_sha1 || md == NID_md4 || md == NID_md2;
}

int pp_tlsinspect_key(const X509 *x, const pp_tlsinspect_opts *o, char *desc, size_t desclen)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    if (!k) {
        snprintf(desc, desclen, "unreadable key");
        return -1;
    }
    int id = EVP_PKEY_get_base_id(k), bits = EVP_PKEY_get_bits(k);
    char group[64] = "";
    const char *type = "?";
    long min = 0;
    switch (id) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        type = "RSA";
        min = o->min_rsa_bits;
        break;
    case EVP_PKEY_DSA:
        type = "DSA";
        min = o->min_rsa_bits;
        break;
    case EVP_PKEY_EC:
        type = "EC";
        min = o->min_ec_bits;
        EVP_PKEY_get_group_name(k, group, sizeof group, NULL);
        break;
    case EVP_PKEY_ED25519:
        type = "Ed25519";
        break;
    case EVP_PKEY_ED448:
        type = "Ed448";
        break;
    default:
        break;
    }
    snprintf(desc, desclen, "%s %d bits%s%s%s", type, bits, group[0] ? " (" : "", group,
             group[0] ? ")" : "");
    return bits < min ? -1 : 0;
}

X509 *pp_tlsinspect_issuer(STACK_OF(X509) *chain, X509_STORE *st)
{
    X509 *leaf = sk_X509_value(chain, 0), *found = NULL;
    for (int i = 1; i < sk_X509_num(chain) && !found; i++)
        if (X509_check_issued(sk_X509_value(chain, i), leaf) == X509_V_OK)
            found = X509_dup(sk_X509_value(chain, i));
    if (!found) {
        X509_STORE_CTX *ctx = X509_STORE_CTX_new();
        if (ctx && X509_STORE_CTX_init(ctx, st, leaf, NULL) == 1 &&
            X509_STORE_CTX_get1_issuer(&found, ctx, leaf) != 1)
            found = NULL;
        X509_STORE_CTX_free(ctx);
    }
    return found;
}

/* Is one about leaf, issued by issuer? The certificate id names the issuer by hashes made
 * with the responder's choice of digest: make ours with the same one. */
static bool ocsp_about(OCSP_SINGLERESP *one, X509 *leaf, X509 *issuer)
{
    const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(one);
    ASN1_OBJECT *alg = NULL;
    OCSP_id_get0_info(NULL, &alg, NULL, NULL, (OCSP_CERTID *)cid);
    const EVP_MD *md = alg ? EVP_get_digestbyobj(alg) : NULL;
    OCSP_CERTID *mine = md ? OCSP_cert_to_id(md, leaf, issuer) : NULL;
    bool same = mine && OCSP_id_cmp(mine, cid) == 0;
    OCSP_CERTID_free(mine);
    return same;
}

/* The status of the one response about the leaf: 0 good, 1 unknown or stale, 3 revoked;
 * how begins with what (OCSP, or OCSP from the responder's URL). */
static int ocsp_status(OCSP_SINGLERESP *one, const char *what, time_t now, char *how,
                       size_t howlen)
{
    int reason;
    ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
    int status = OCSP_single_get0_status(one, &reason, &rev, &thisu, &nextu);
    double next = nextu ? difftime(asn1_to_time(nextu), now) / DAY : NAN;
    char since[64], until[64];
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
        time_text(rev, since, sizeof since);
        snprintf(how, howlen, "%s: the certificate is REVOKED since %s (reason: %s)", what, since,
                 reason >= 0 ? OCSP_crl_reason_str(reason) : "none given");
        return 3;
    }
    if (status != V_OCSP_CERTSTATUS_GOOD) {
        snprintf(how, howlen, "%s: the responder does not know the certificate", what);
        return 1;
    }
    /* Without nextUpdate "newer information is always available" (RFC 6960 2.4): such a
     * response is only as good as it is recent. */
    double age = difftime(now, asn1_to_time(thisu)) / DAY;
    if (!nextu && age > PP_TLSINSPECT_OCSP_MAX_AGE) {
        snprintf(how, howlen, "%s: good, but the response is stale (no next update, produced "
                 "%.1f days ago: more than %d)", what, age, PP_TLSINSPECT_OCSP_MAX_AGE);
        return 1;
    }
    if (!OCSP_check_validity(thisu, nextu, 300, -1)) {
        snprintf(how, howlen, "%s: good, but the response is stale (next update %.1f days ago)",
                 what, -next);
        return 1;
    }
    time_text(thisu, since, sizeof since);
    time_text(nextu, until, sizeof until);
    if (!nextu)
        snprintf(how, howlen, "%s: good, no next update, produced %.1f days ago (%s)", what, age,
                 since);
    else
        snprintf(how, howlen, "%s: good, next update in %.1f days (%s), this update %s", what,
                 next, until, since);
    return 0;
}

/* The response must be signed by the leaf's issuer, or by a responder the issuer delegated
 * to (RFC 6960 4.2.2.2), chained to a trusted root: else anybody could staple "good". */
static bool ocsp_signed(OCSP_BASICRESP *bs, STACK_OF(X509) *chain, X509_STORE *st,
                        const char *what, const char *src, char *how, size_t howlen)
{
    if (OCSP_basic_verify(bs, chain, st, 0) == 1)
        return true;
    const char *data = NULL;
    int flags = 0;
    unsigned long e = ERR_peek_error_data(&data, &flags);
    bool text = data && *data && (flags & ERR_TXT_STRING);
    if (text && strncmp(data, "Verify error:", 13) == 0)
        data += strspn(data + 13, " ") + 13;
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    snprintf(how, howlen, "%s: the %s response's signature is not valid (%s%s%s)", what, src,
             reason ? reason : "unknown error", text ? ": " : "", text ? data : "");
    return false;
}

int pp_tlsinspect_ocsp(const pp_tls_peer *p, const char *cafile, time_t now, char *how,
                       size_t howlen)
{
    /* One code path for a stapled response and one asked from the responder (ocspfetch). */
    const char *src = p->ocsp_url ? "fetched" : "stapled";
    char what[300], why[256];
    snprintf(what, sizeof what, "OCSP%s%s", p->ocsp_url ? " from " : "",
             p->ocsp_url ? p->ocsp_url : "");
    if (!p->ocsp && p->ocsp_none) {
        snprintf(how, howlen, "OCSP: the certificate names no responder (no "
                 "authorityInfoAccess OCSP URI): there is no revocation status to ask");
        return 0;
    }
    if (!p->ocsp && p->ocsp_err) {
        snprintf(how, howlen, "%s: the revocation status is not known: %s", what, p->ocsp_err);
        return -3;
    }
    if (!p->ocsp) {
        snprintf(how, howlen, "no OCSP response stapled");
        return -1;
    }
    const unsigned char *d = p->ocsp;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &d, (long)p->ocsp_len);
    OCSP_BASICRESP *bs = NULL;
    X509_STORE *st = NULL;
    X509 *issuer = NULL;
    int rc = 2;
    if (!resp) {
        snprintf(how, howlen, "%s: the %s response cannot be decoded", what, src);
    } else if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        snprintf(how, howlen, "%s: the %s response says %s", what, src,
                 OCSP_response_status_str(OCSP_response_status(resp)));
    } else if (!(bs = OCSP_response_get1_basic(resp))) {
        snprintf(how, howlen, "%s: the %s response has no basic response", what, src);
    } else if (!(st = pp_mailconn_trust_store(cafile, why, sizeof why))) {
        snprintf(how, howlen, "%s: cannot check the response: %s", what, why);
        rc = -2; /* the CA file, not the server */
    } else if (!(issuer = pp_tlsinspect_issuer(p->chain, st))) {
        snprintf(how, howlen, "%s: cannot check the response: the certificate's issuer is "
                              "neither in the chain nor trusted", what);
    } else {
        OCSP_SINGLERESP *one = NULL;
        for (int i = 0; i < OCSP_resp_count(bs) && !one; i++)
            if (ocsp_about(OCSP_resp_get0(bs, i), sk_X509_value(p->chain, 0), issuer))
                one = OCSP_resp_get0(bs, i);
        if (!one)
            snprintf(how, howlen, "%s: the %s response is not about this certificate", what,
                     src);
        else if (ocsp_signed(bs, p->chain, st, what, src, how, howlen))
            rc = ocsp_status(one, what, now, how, howlen);
    }
    X509_free(issuer);
    X509_STORE_free(st);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    ERR_clear_error();
    return rc;
}

int pp_tlsinspect_protocol_parse(const char *text, int *version)
{
    static const struct {
        const char *name;
        int v;
    } v[] = {{"1", TLS1_VERSION},     {"1.0", TLS1_VERSION}, {"1.1", TLS1_1_VERSION},
             {"1.2", TLS1_2_VERSION}, {"1.3", TLS1_3_VERSION}};
    if (strncasecmp(text, "TLSv", 4) == 0)
        text += 4;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(text, v[i].name) == 0) {
            *version = v[i].v;
            return 0;
        }
    return -1;
}

/* ---- the whole judgment ---- */

typedef struct judge {
    const pp_tlsinspect_opts *o;
    const char *who;
    pp_result *r;
    bool dane_ran;         /* validated TLSA records were there to verify with */
    pp_dane_status dane;
    pp_dane_result dr;
} judge;

/* The usage of a DANE match that makes a PKIX judgment irrelevant, or NULL: DANE-EE waives
 * names, dates, signatures and the chain (RFC 7672 3.1.1); DANE-TA, when ta_too, the
 * trust of the chain and the name (it verified both itself, RFC 7672 3.1.2, 3.2.2). */
static const char *waived(const judge *j, bool ta_too)
{
    if (!j->dane_ran || j->dane != PP_DANE_MATCHED)
        return NULL;
    if (j->dr.depth == 0)
        return "DANE-EE";
    return ta_too ? "DANE-TA" : NULL;
}

static pp_sub *add(judge *j, pp_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pp_sub *add(judge *j, pp_state st, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return pp_result_add(j->r, st, "%s%s%s", j->who ? j->who : "", j->who ? ": " : "", text);
}

static pp_state days_state(const pp_tlsinspect_opts *o, double left)
{
    return left < o->crit_days ? PP_CRITICAL : left < o->warn_days ? PP_WARNING : PP_OK;
}

/* Validity of one certificate: the leaf always gets its line, others only when wrong. */
static void judge_dates(judge *j, X509 *x, int depth, time_t now)
{
    char name[256], what[300], until[64], from[64];
    pp_tls_cert_name(x, name, sizeof name);
    if (depth == 0)
        snprintf(what, sizeof what, "certificate %s", name);
    else
        snprintf(what, sizeof what, "chain certificate %d (%s)", depth, name);
    time_text(X509_get0_notAfter(x), until, sizeof until);
    time_text(X509_get0_notBefore(x), from, sizeof from);
    double left = pp_tlsinspect_days_left(x, now), valid_in = pp_tlsinspect_days_valid_in(x, now);
    const char *w = waived(j, false);
    char note[64] = "";
    if (w)
        snprintf(note, sizeof note, " (%s: dates do not count)", w);
    if (valid_in > 0)
        add(j, w ? PP_OK : PP_CRITICAL, "%s is not valid before %s (in %.1f days)%s", what, from,
            valid_in, note);
    else if (isnan(left) || left < 0)
        add(j, w ? PP_OK : PP_CRITICAL, "%s expired %.1f days ago (%s)%s", what, -left, until,
            note);
    else if (depth == 0 || days_state(j->o, left) != PP_OK)
        add(j, w ? PP_OK : days_state(j->o, left), "%s expires in %.1f days (%s)%s", what, left,
            until, days_state(j->o, left) != PP_OK ? note : "");
}

/* Key and signature of one certificate; a line of detail for -v. */
static void judge_crypto(judge *j, X509 *x, int depth, time_t now, pp_sub *detail_to)
{
    char name[256], key[96], alg[96], until[64];
    pp_tls_cert_name(x, name, sizeof name);
    if (pp_tlsinspect_key(x, j->o, key, sizeof key) != 0)
        add(j, PP_CRITICAL, "%s has a weak key: %s", name, key);
    bool root = depth > 0 && X509_self_signed(x, 0) == 1;
    const char *w = waived(j, false);
    if (pp_tlsinspect_weak_digest(x, alg, sizeof alg) && !root)
        add(j, w ? PP_OK : PP_CRITICAL, "%s is signed with a weak digest (%s)%s%s%s", name, alg,
            w ? " (" : "", w ? w : "", w ? ": signatures do not count)" : "");
    time_text(X509_get0_notAfter(x), until, sizeof until);
    pp_sub_detail(detail_to, "%d: %s, %.1f days left (%s), key %s, signature %s", depth, name,
                  pp_tlsinspect_days_left(x, now), until, key, alg);
}

static void judge_chain(judge *j, STACK_OF(X509) *chain, time_t now)
{
    const pp_tlsinspect_opts *o = j->o;
    char why[512];
    int n = sk_X509_num(chain);
    int rc = pp_tlsinspect_verify(chain, o->cafile, why, sizeof why);
    const char *w = waived(j, true);
    pp_sub *sub;
    if (rc == 0)
        sub = add(j, PP_OK, "chain of %d verified up to %s", n, why);
    else if (w)
        sub = add(j, PP_OK, "chain of %d not verified by PKIX (%s): %s vouches for it", n, why,
                  w);
    else
        sub = add(j, rc == -2 ? PP_UNKNOWN : PP_CRITICAL, "chain of %d not verified: %s", n, why);
    for (int i = 0; i < n; i++) {
        judge_dates(j, sk_X509_value(chain, i), i, now);
        judge_crypto(j, sk_X509_value(chain, i), i, now, sub);
    }
    X509 *leaf = sk_X509_value(chain, 0);
    if (X509_self_signed(leaf, 1) == 1)
        add(j, o->allow_self_signed || w ? PP_OK : PP_CRITICAL, "certificate is self-signed%s%s%s",
            w ? " (" : o->allow_self_signed ? " (allowed)" : "", w ? w : "",
            w ? " vouches for it)" : "");
    ERR_clear_error();
}

static void judge_name(judge *j, X509 *leaf)
{
    char how[512];
    if (!j->o->name)
        return;
    const char *w = waived(j, true);
    if (pp_tlsinspect_name(leaf, j->o->name, how, sizeof how))
        add(j, PP_OK, "name %s matches %s", j->o->name, how);
    else if (w && j->dr.depth == 0)
        add(j, PP_OK, "name %s does not match the certificate (%s): DANE-EE does not check "
            "names", j->o->name, how);
    else if (w)
        add(j, PP_OK, "name %s does not match the certificate (%s), DANE-TA matched the "
            "next-hop domain %s", j->o->name, how, j->dr.peername);
    else
        add(j, PP_CRITICAL, "name %s does not match the certificate (%s)", j->o->name, how);
}

/* A stapled response that is unusable is the server's fault (clients refuse it), one the
 * responder gave is not: the certificate may be fine, only its status is not known. */
static pp_state ocsp_state(int rc, const pp_tls_peer *p)
{
    switch (rc) {
    case 0:
        return PP_OK;
    case 1:
        return PP_WARNING;
    case 2:
        return p->ocsp_url ? PP_WARNING : PP_CRITICAL;
    case -2:
    case -3:
        return PP_UNKNOWN;
    default: /* 3 revoked, -1 none stapled */
        return PP_CRITICAL;
    }
}

static void judge_session(judge *j, const pp_tls_peer *p, time_t now)
{
    const pp_tlsinspect_opts *o = j->o;
    char how[512];
    if (p->version) {
        bool low = o->min_tls && p->version < o->min_tls;
        add(j, low ? PP_CRITICAL : PP_OK, "%s, %s%s", p->version_name, p->cipher,
            low ? ": below the minimum protocol (--min-tls)" : "");
    }
    if (o->ocsp)
        add(j, ocsp_state(pp_tlsinspect_ocsp(p, o->cafile, now, how, sizeof how), p), "%s",
            how);
}

/* Whether validated TLSA records are there to verify the chain with (the DNS lookup and
 * its DNSSEC status are judged by judge_dane), and if so, the verification. */
static void run_dane(judge *j, STACK_OF(X509) *chain, time_t now)
{
    const pp_tlsinspect_opts *o = j->o;
    j->dane_ran = o->dane && o->ntlsa > 0 && o->tlsa_sec == PP_DNSSEC_SECURE;
    if (!j->dane_ran)
        return;
    pp_dane_opts d = {.tlsa = o->tlsa, .ntlsa = o->ntlsa, .base_domain = o->name,
                      .nexthop = o->nexthop, .now = now};
    j->dane = pp_dane_verify(&d, chain, &j->dr);
}

/* The records DANE did not use: " (2 PKIX-TA/PKIX-EE records left out: usages 0 and 1 do
 * not apply to SMTP; 1 unusable (unknown selector, matching type or length))", or "". */
static void left_out(const pp_dane_result *dr, char *out, size_t len)
{
    char pkix[96] = "", refused[64] = "";
    if (dr->pkix)
        snprintf(pkix, sizeof pkix, "%zu PKIX-TA/PKIX-EE record%s left out: usages 0 and 1 do "
                 "not apply to SMTP", dr->pkix, dr->pkix == 1 ? "" : "s");
    if (dr->unusable)
        snprintf(refused, sizeof refused, "%zu unusable (unknown selector, matching type or "
                 "length)", dr->unusable);
    if (dr->pkix || dr->unusable)
        snprintf(out, len, " (%s%s%s)", pkix, dr->pkix && dr->unusable ? "; " : "", refused);
    else if (len > 0)
        out[0] = '\0';
}

static void judge_dane_result(judge *j)
{
    const pp_tlsinspect_opts *o = j->o;
    const pp_dane_result *dr = &j->dr;
    char also[256];
    left_out(dr, also, sizeof also);
    switch (j->dane) {
    case PP_DANE_MATCHED:
        if (dr->depth == 0)
            add(j, PP_OK, "DANE: TLSA %s matches the leaf %s (DANE-EE: names, dates and the "
                "chain do not count)%s", dr->record, dr->anchor, also);
        else
            add(j, PP_OK, "DANE: TLSA %s matches %s (DANE-TA, depth %d): the chain verifies "
                "up to it and the certificate is for %s%s", dr->record, dr->anchor, dr->depth,
                dr->peername, also);
        break;
    case PP_DANE_FAILED:
        add(j, PP_CRITICAL, "DANE: no TLSA record of %s verifies the chain (%zu usable): %s; "
            "Postfix would defer the mail%s", o->tlsa_name ? o->tlsa_name : "?", dr->usable,
            dr->why, also);
        break;
    case PP_DANE_UNUSABLE:
        add(j, PP_WARNING, "DANE unusable: none of the %zu TLSA records of %s is usable for "
            "SMTP%s; Postfix demands TLS but authenticates nothing", o->ntlsa,
            o->tlsa_name ? o->tlsa_name : "?", also);
        break;
    case PP_DANE_ERROR:
        add(j, PP_UNKNOWN, "DANE: %s", dr->why);
        break;
    }
}

static void judge_dane(judge *j)
{
    const pp_tlsinspect_opts *o = j->o;
    const char *name = o->tlsa_name ? o->tlsa_name : "?";
    if (!o->dane)
        return;
    if (o->tlsa_sec == PP_DNSSEC_BOGUS) {
        add(j, PP_CRITICAL, "TLSA records for %s are DNSSEC-bogus (%s): Postfix would defer "
            "the mail", name, o->tlsa_why ? o->tlsa_why : "?");
        return;
    }
    if (o->ntlsa == 0 && o->tlsa_failed) {
        add(j, PP_UNKNOWN, "TLSA lookup for %s failed: %s", name,
            o->tlsa_note ? o->tlsa_note : "?");
        return;
    }
    if (o->ntlsa == 0) {
        add(j, PP_CRITICAL, "no TLSA records for %s (%s%s)", name,
            o->tlsa_note ? o->tlsa_note : "none",
            o->tlsa_sec == PP_DNSSEC_SECURE ? ", DNSSEC-validated" : "");
        return;
    }
    if (o->tlsa_sec != PP_DNSSEC_SECURE) {
        pp_sub *s = add(j, PP_CRITICAL, "TLSA records for %s are not DNSSEC-validated: Postfix "
                        "would not use them", name);
        pp_sub_detail(s, "%s", o->tlsa_why ? o->tlsa_why : "not validated");
        return;
    }
    judge_dane_result(j);
}

static void judge_compare(judge *j, X509 *leaf)
{
    const pp_tlsinspect_opts *o = j->o;
    char s1[128], s2[128], e1[64], e2[64];
    if (!o->compare)
        return;
    if (X509_cmp(leaf, o->compare) == 0) {
        add(j, PP_OK, "the certificate is the one in %s", o->compare_file);
        return;
    }
    serial_text(leaf, s1, sizeof s1);
    serial_text(o->compare, s2, sizeof s2);
    time_text(X509_get0_notAfter(leaf), e1, sizeof e1);
    time_text(X509_get0_notAfter(o->compare), e2, sizeof e2);
    add(j, PP_CRITICAL, "the server presents serial %s (until %s) but %s holds serial %s "
                        "(until %s): not reloaded since the renewal?", s1, e1,
        o->compare_file, s2, e2);
}

/* Perfdata in days (the -w/-c unit); OpenMetrics in seconds, the certificate as a label. */
static const pp_family fam_expiry = {"postprobe_tls_certificate_expiry_seconds", PP_GAUGE,
                                     "time until the certificate expires (cert: leaf, or "
                                     "chain for the first to expire in the chain)", 86400};

static void add_days_perf(judge *j, const char *label, double days)
{
    char full[300];
    pp_buf ml;
    snprintf(full, sizeof full, "%s%s%s", j->who ? j->who : "", j->who ? " " : "", label);
    pp_perf pf = pp_perf_make(full, round(days * 1000) / 1000, "");
    pf.warn = (pp_range){.set = true, .start = j->o->warn_days, .end_inf = true};
    pf.crit = (pp_range){.set = true, .start = j->o->crit_days, .end_inf = true};
    pp_buf_init(&ml);
    pp_mlabel(&ml, "cert", strncmp(label, "days_", 5) == 0 ? label + 5 : label);
    if (j->who)
        pp_mlabel(&ml, "host", j->who);
    pp_perf_family(&pf, &fam_expiry, ml.s);
    pp_result_perf(j->r, &pf);
    pp_buf_free(&ml);
}

void pp_tlsinspect_judge(const pp_tlsinspect_opts *o, const pp_tls_peer *p, time_t now,
                         const char *who, pp_result *r)
{
    judge j = {.o = o, .who = who, .r = r};
    X509 *leaf = sk_X509_value(p->chain, 0);
    run_dane(&j, p->chain, now);
    judge_chain(&j, p->chain, now);
    judge_name(&j, leaf);
    judge_session(&j, p, now);
    judge_dane(&j);
    judge_compare(&j, leaf);
    add_days_perf(&j, "days_leaf", pp_tlsinspect_days_left(leaf, now));
    double soonest = NAN;
    for (int i = 1; i < sk_X509_num(p->chain); i++) {
        double d = pp_tlsinspect_days_left(sk_X509_value(p->chain, i), now);
        if (isnan(soonest) || d < soonest)
            soonest = d;
    }
    if (!isnan(soonest))
        add_days_perf(&j, "days_chain", soonest);
}

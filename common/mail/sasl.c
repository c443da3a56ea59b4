/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sasl.c - SASL client mechanisms. See sasl.h.
 */
#include "mail/sasl.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "mail/saslprep.h"

typedef enum mech_id {
    M_SCRAM256,
    M_SCRAM1,
    M_CRAM,
    M_PLAIN,
    M_LOGIN,
    M_NONE
} mech_id;

/* In order of preference. */
static const char *const mech_names[] = {"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN",
                                         "LOGIN"};

struct pp_sasl {
    mech_id m;
    char *user, *pass; /* for SCRAM after SASLprep */
    long min_iter;
    int step;
    char cnonce[64];
    char *client_first_bare;
    unsigned char server_sig[EVP_MAX_MD_SIZE];
    unsigned int siglen;
    bool verified;
};

static mech_id mech_of(const char *name)
{
    for (int i = 0; i < M_NONE; i++)
        if (strcasecmp(name, mech_names[i]) == 0)
            return (mech_id)i;
    return M_NONE;
}

int pp_sasl_supported(const char *mech)
{
    return mech_of(mech) != M_NONE;
}

static bool is_scram(mech_id m)
{
    return m == M_SCRAM1 || m == M_SCRAM256;
}

/* The password never crosses the wire, not even encoded: the server gets a proof. */
static bool challenge_response(mech_id m)
{
    return is_scram(m) || m == M_CRAM;
}

int pp_sasl_pick(const char *offered, bool challenge_only, char *out, size_t outlen)
{
    mech_id best = M_NONE;
    char *copy = pp_xstrdup(offered), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        mech_id m = mech_of(w);
        if (m < best && (!challenge_only || challenge_response(m)))
            best = m;
    }
    free(copy);
    if (best == M_NONE)
        return -1;
    snprintf(out, outlen, "%s", mech_names[best]);
    return 0;
}

static void wipe_free(void *p, size_t n)
{
    if (p) {
        OPENSSL_cleanse(p, n);
        free(p);
    }
}

static void wipe_str(char *s)
{
    if (s)
        wipe_free(s, strlen(s));
}

/* ---- base64 ---- */

char *pp_sasl_b64(const unsigned char *data, size_t len)
{
    char *out = pp_xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

unsigned char *pp_sasl_unb64(const char *text, size_t *len)
{
    size_t n = strlen(text);
    if (n % 4 != 0)
        return NULL;
    unsigned char *out = pp_xmalloc(n / 4 * 3 + 1);
    int got = n ? EVP_DecodeBlock(out, (const unsigned char *)text, (int)n) : 0;
    if (got < 0) {
        free(out);
        return NULL;
    }
    size_t pad = (n >= 1 && text[n - 1] == '=') + (n >= 2 && text[n - 2] == '=');
    *len = (size_t)got - pad;
    out[*len] = '\0';
    return out;
}

/* ---- setup ---- */

/* RFC 5802 5.1: the user name is prepared as a query, the password as a stored string. */
static int prepare(pp_sasl *s, const char *user, const char *password, char *err,
                   size_t errlen)
{
    char why[160];
    if (!is_scram(s->m)) {
        s->user = pp_xstrdup(user);
        s->pass = pp_xstrdup(password);
        return 0;
    }
    if (!(s->user = pp_saslprep(user, false, why, sizeof why)))
        return pp_errf(err, errlen, "SASLprep: the user name %s", why);
    if (!(s->pass = pp_saslprep(password, true, why, sizeof why)))
        return pp_errf(err, errlen, "SASLprep: the password %s", why);
    return 0;
}

pp_sasl *pp_sasl_new(const char *mech, const char *user, const char *password,
                     const char *nonce, char *err, size_t errlen)
{
    pp_sasl *s = pp_xcalloc(1, sizeof *s);
    s->m = mech_of(mech);
    s->min_iter = PP_SASL_MIN_ITERATIONS;
    if (prepare(s, user, password, err, errlen) != 0) {
        pp_sasl_free(s);
        return NULL;
    }
    if (nonce) {
        snprintf(s->cnonce, sizeof s->cnonce, "%s", nonce);
    } else {
        unsigned char r[24];
        if (RAND_bytes(r, sizeof r) != 1) {
            pp_errf(err, errlen, "OpenSSL's random generator failed: no nonce");
            pp_sasl_free(s);
            return NULL;
        }
        char *b = pp_sasl_b64(r, sizeof r);
        snprintf(s->cnonce, sizeof s->cnonce, "%s", b);
        free(b);
    }
    return s;
}

void pp_sasl_min_iterations(pp_sasl *s, long n)
{
    s->min_iter = n;
}

void pp_sasl_free(pp_sasl *s)
{
    if (!s)
        return;
    wipe_str(s->user);
    wipe_str(s->pass);
    wipe_str(s->client_first_bare);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

/* ---- the mechanisms ---- */

static char *plain_blob(const pp_sasl *s)
{
    size_t ul = strlen(s->user), pl = strlen(s->pass);
    unsigned char *raw = pp_xmalloc(ul + pl + 2);
    raw[0] = '\0';
    memcpy(raw + 1, s->user, ul);
    raw[ul + 1] = '\0';
    memcpy(raw + ul + 2, s->pass, pl);
    char *b = pp_sasl_b64(raw, ul + pl + 2);
    wipe_free(raw, ul + pl + 2);
    return b;
}

/* RFC 5802 5.1: '=' and ',' in the user name are escaped. */
static char *scram_client_first(pp_sasl *s)
{
    pp_buf b;
    pp_buf_init(&b);
    pp_buf_puts(&b, "n=");
    for (const char *p = s->user; *p; p++) {
        if (*p == '=')
            pp_buf_puts(&b, "=3D");
        else if (*p == ',')
            pp_buf_puts(&b, "=2C");
        else
            pp_buf_putc(&b, *p);
    }
    pp_buf_printf(&b, ",r=%s", s->cnonce);
    free(s->client_first_bare);
    s->client_first_bare = b.s;
    char *gs2 = pp_xasprintf("n,,%s", b.s);
    char *out = pp_sasl_b64((unsigned char *)gs2, strlen(gs2));
    free(gs2);
    return out;
}

char *pp_sasl_initial(pp_sasl *s)
{
    char *ir = NULL;
    if (s->m == M_PLAIN)
        ir = plain_blob(s);
    else if (is_scram(s->m))
        ir = scram_client_first(s);
    if (ir)
        s->step = 1;
    return ir;
}

static char *hex(const unsigned char *d, size_t n)
{
    char *h = pp_xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(h + 2 * i, 3, "%02x", d[i]);
    return h;
}

static int cram_md5(pp_sasl *s, const unsigned char *ch, size_t chlen, char **resp)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    HMAC(EVP_md5(), s->pass, (int)strlen(s->pass), ch, chlen, mac, &maclen);
    char *h = hex(mac, maclen);
    char *raw = pp_xasprintf("%s %s", s->user, h);
    OPENSSL_cleanse(mac, sizeof mac);
    wipe_str(h);
    *resp = pp_sasl_b64((unsigned char *)raw, strlen(raw));
    wipe_str(raw);
    return 0;
}

/* The value of attribute a ("r", "s", "i", "v", "e") in a SCRAM message. */
static char *scram_attr(const char *msg, char a)
{
    for (const char *p = msg; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (p[0] == a && p[1] == '=') {
            const char *end = strchr(p, ',');
            return pp_xstrndup(p + 2, end ? (size_t)(end - p - 2) : strlen(p + 2));
        }
    }
    return NULL;
}

static int scram_final(pp_sasl *s, const char *server_first, char **resp, char *err,
                       size_t errlen)
{
    const EVP_MD *md = s->m == M_SCRAM256 ? EVP_sha256() : EVP_sha1();
    int mdlen = EVP_MD_get_size(md);
    char *nonce = scram_attr(server_first, 'r'), *salt64 = scram_attr(server_first, 's');
    char *iter = scram_attr(server_first, 'i'), *e = scram_attr(server_first, 'e');
    char *mext = scram_attr(server_first, 'm');
    unsigned char *salt = NULL;
    size_t saltlen = 0;
    long iterations = iter ? strtol(iter, NULL, 10) : 0;
    int rc = -1;
    if (e)
        snprintf(err, errlen, "SCRAM: the server says %s", e);
    else if (mext)
        snprintf(err, errlen, "SCRAM: unknown mandatory extension m=%s", mext);
    else if (!nonce || strncmp(nonce, s->cnonce, strlen(s->cnonce)) != 0 ||
             strlen(nonce) == strlen(s->cnonce))
        snprintf(err, errlen, "SCRAM: the server did not extend our nonce");
    else if (!salt64 || !(salt = pp_sasl_unb64(salt64, &saltlen)) || saltlen == 0)
        snprintf(err, errlen, "SCRAM: no usable salt");
    else if (iterations < 1 || iterations > 10000000)
        snprintf(err, errlen, "SCRAM: iteration count out of range");
    else if (iterations < s->min_iter)
        snprintf(err, errlen, "SCRAM: the server asks for %ld iterations, fewer than %ld "
                 "(RFC 7677; --scram-min-iterations to accept it)", iterations, s->min_iter);
    else
        rc = 0;
    if (rc == 0) {
        unsigned char salted[EVP_MAX_MD_SIZE], ckey[EVP_MAX_MD_SIZE], skey[EVP_MAX_MD_SIZE];
        unsigned char stored[EVP_MAX_MD_SIZE], csig[EVP_MAX_MD_SIZE], proof[EVP_MAX_MD_SIZE];
        unsigned int n;
        PKCS5_PBKDF2_HMAC(s->pass, (int)strlen(s->pass), salt, (int)saltlen, (int)iterations,
                          md, mdlen, salted);
        HMAC(md, salted, mdlen, (const unsigned char *)"Client Key", 10, ckey, &n);
        EVP_Digest(ckey, (size_t)mdlen, stored, &n, md, NULL);
        char *without_proof = pp_xasprintf("c=biws,r=%s", nonce);
        char *auth = pp_xasprintf("%s,%s,%s", s->client_first_bare, server_first,
                                  without_proof);
        HMAC(md, stored, mdlen, (unsigned char *)auth, strlen(auth), csig, &n);
        for (int i = 0; i < mdlen; i++)
            proof[i] = ckey[i] ^ csig[i];
        HMAC(md, salted, mdlen, (const unsigned char *)"Server Key", 10, skey, &n);
        HMAC(md, skey, mdlen, (unsigned char *)auth, strlen(auth), s->server_sig, &s->siglen);
        char *p64 = pp_sasl_b64(proof, (size_t)mdlen);
        char *final = pp_xasprintf("%s,p=%s", without_proof, p64);
        *resp = pp_sasl_b64((unsigned char *)final, strlen(final));
        wipe_str(p64);
        wipe_str(final);
        free(without_proof);
        free(auth);
        OPENSSL_cleanse(salted, sizeof salted);
        OPENSSL_cleanse(ckey, sizeof ckey);
        OPENSSL_cleanse(skey, sizeof skey);
        OPENSSL_cleanse(stored, sizeof stored);
        OPENSSL_cleanse(csig, sizeof csig);
        OPENSSL_cleanse(proof, sizeof proof);
    }
    free(nonce);
    free(salt64);
    free(iter);
    free(e);
    free(mext);
    free(salt);
    return rc;
}

static int scram_verify(pp_sasl *s, const char *server_final, char **resp, char *err,
                        size_t errlen)
{
    char *v = scram_attr(server_final, 'v'), *e = scram_attr(server_final, 'e');
    unsigned char *sig = NULL;
    size_t siglen = 0;
    int rc = -1;
    if (e)
        snprintf(err, errlen, "SCRAM: the server says %s", e);
    else if (!v || !(sig = pp_sasl_unb64(v, &siglen)) || siglen != s->siglen ||
             CRYPTO_memcmp(sig, s->server_sig, siglen) != 0)
        snprintf(err, errlen, "SCRAM: the server's signature does not verify (it does not "
                              "know the password)");
    else
        rc = 0;
    if (rc == 0) {
        s->verified = true;
        *resp = pp_xstrdup("");
    }
    free(v);
    free(e);
    if (sig)
        wipe_free(sig, siglen);
    OPENSSL_cleanse(s->server_sig, sizeof s->server_sig);
    return rc;
}

int pp_sasl_step(pp_sasl *s, const char *challenge, char **response, char *err, size_t errlen)
{
    size_t len = 0;
    unsigned char *ch = pp_sasl_unb64(challenge, &len);
    int rc = 0, step = s->step++;
    *response = NULL;
    if (!ch)
        return pp_errf(err, errlen, "the server's challenge is not base64");
    switch (s->m) {
    case M_PLAIN:
        if (step == 0)
            *response = plain_blob(s);
        else
            rc = pp_errf(err, errlen, "PLAIN: unexpected challenge");
        break;
    case M_LOGIN:
        if (step < 2) {
            const char *v = step == 0 ? s->user : s->pass;
            *response = pp_sasl_b64((const unsigned char *)v, strlen(v));
        } else {
            rc = pp_errf(err, errlen, "LOGIN: unexpected challenge");
        }
        break;
    case M_CRAM:
        rc = step == 0 ? cram_md5(s, ch, len, response)
                       : pp_errf(err, errlen, "CRAM-MD5: unexpected challenge");
        break;
    case M_SCRAM1:
    case M_SCRAM256:
        if (step == 0)
            *response = scram_client_first(s);
        else if (step == 1)
            rc = scram_final(s, (char *)ch, response, err, errlen);
        else if (step == 2)
            rc = scram_verify(s, (char *)ch, response, err, errlen);
        else
            rc = pp_errf(err, errlen, "SCRAM: unexpected challenge");
        break;
    default:
        rc = pp_errf(err, errlen, "unsupported mechanism");
        break;
    }
    free(ch);
    return rc;
}

int pp_sasl_done(const pp_sasl *s, char *err, size_t errlen)
{
    if (is_scram(s->m) && !s->verified)
        return pp_errf(err, errlen, "SCRAM: the server accepted without proving that it knows "
                                    "the password");
    return 0;
}

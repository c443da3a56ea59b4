/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mtasts.c - MTA-STS records and policies, TLS-RPT records. See mtasts.h.
 */
#include "tls/mtasts.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"


static bool wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* ALPHA / DIGIT, then up to 31 of ALPHA / DIGIT / "_" / "-" / "." (both RFCs' ext names). */
static bool ext_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 32 || !isalnum((unsigned char)s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
            return false;
    return true;
}

/* ---- TXT records: "v=VERSION; name=value; ..." ---- */

static bool has_version(const char *txt, const char *v)
{
    size_t n = strlen(v);
    if (strncmp(txt, v, n) != 0)
        return false;
    txt += n;
    while (wsp(*txt))
        txt++;
    return *txt == ';' || *txt == '\0';
}

bool pp_sts_record_is_sts(const char *txt)
{
    return has_version(txt, "v=STSv1");
}

bool pp_sts_tlsrpt_is_tlsrpt(const char *txt)
{
    return has_version(txt, "v=TLSRPTv1");
}

typedef int (*field_fn)(const char *name, size_t nlen, const char *val, size_t vlen,
                        void *arg, char *err, size_t errlen);

/* Walks the fields after the version: *WSP ";" *WSP field ...; a trailing ";" allowed. */
static int walk_fields(const char *txt, const char *version, field_fn fn, void *arg,
                       char *err, size_t errlen)
{
    if (!has_version(txt, version)) {
        pp_errf(err, errlen, "does not begin with %s", version);
        return -1;
    }
    const char *p = txt + strlen(version);
    for (;;) {
        while (wsp(*p))
            p++;
        if (*p == '\0')
            return 0;
        if (*p++ != ';') {
            pp_errf(err, errlen, "\";\" expected before \"%.20s\"", p - 1);
            return -1;
        }
        while (wsp(*p))
            p++;
        if (*p == '\0')
            return 0;
        const char *eq = p;
        while (*eq && *eq != '=' && *eq != ';' && !wsp(*eq))
            eq++;
        if (*eq != '=' || !ext_name_ok(p, (size_t)(eq - p))) {
            pp_errf(err, errlen, "\"%.20s\" is not a name=value field", p);
            return -1;
        }
        const char *v = eq + 1, *e = v;
        while (*e > 0x20 && *e < 0x7f && *e != ';' && *e != '=')
            e++;
        if (e == v || (*e && *e != ';' && !wsp(*e))) {
            pp_errf(err, errlen, "field \"%.*s\" has an empty or invalid value", (int)(eq - p), p);
            return -1;
        }
        if (fn(p, (size_t)(eq - p), v, (size_t)(e - v), arg, err, errlen) != 0)
            return -1;
        p = e;
    }
}

typedef struct sts_fields {
    char *id;
    size_t idlen;
    int nid;
} sts_fields;

static int sts_field(const char *name, size_t nlen, const char *val, size_t vlen, void *arg,
                     char *err, size_t errlen)
{
    sts_fields *f = arg;
    if (nlen != 2 || memcmp(name, "id", 2) != 0)
        return 0; /* an extension: ignored */
    if (++f->nid > 1) {
        pp_errf(err, errlen, "more than one id field");
        return -1;
    }
    for (size_t i = 0; i < vlen; i++)
        if (!isalnum((unsigned char)val[i])) {
            pp_errf(err, errlen, "id \"%.*s\" holds other characters than letters and digits",
                 (int)(vlen > 40 ? 40 : vlen), val);
            return -1;
        }
    if (vlen > 32) {
        pp_errf(err, errlen, "id is %zu characters long (at most 32)", vlen);
        return -1;
    }
    if (vlen + 1 > f->idlen) {
        pp_errf(err, errlen, "id too long for its buffer");
        return -1;
    }
    memcpy(f->id, val, vlen);
    f->id[vlen] = '\0';
    return 0;
}

int pp_sts_record_parse(const char *txt, char *id, size_t idlen, char *err, size_t errlen)
{
    sts_fields f = {id, idlen, 0};
    if (idlen)
        id[0] = '\0';
    if (walk_fields(txt, "v=STSv1", sts_field, &f, err, errlen) != 0)
        return -1;
    if (f.nid == 0) {
        pp_errf(err, errlen, "no id field");
        return -1;
    }
    return 0;
}

/* ---- TLS-RPT ---- */

static bool uri_ok(const char *u, size_t n)
{
    if (n > 7 && strncasecmp(u, "mailto:", 7) == 0) {
        const char *at = memchr(u + 7, '@', n - 7);
        return at && at > u + 7 && at < u + n - 1;
    }
    if (n > 8 && strncasecmp(u, "https://", 8) == 0)
        return isalnum((unsigned char)u[8]);
    return false;
}

typedef struct rpt_fields {
    int nrua, nuri;
} rpt_fields;

static int rpt_field(const char *name, size_t nlen, const char *val, size_t vlen, void *arg,
                     char *err, size_t errlen)
{
    rpt_fields *f = arg;
    if (nlen != 3 || memcmp(name, "rua", 3) != 0)
        return 0;
    if (++f->nrua > 1) {
        pp_errf(err, errlen, "more than one rua field");
        return -1;
    }
    /* The value scanner stops at white space: URIs are separated by "," alone here. */
    for (const char *p = val, *end = val + vlen; p < end;) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        size_t n = (size_t)((c ? c : end) - p);
        if (!uri_ok(p, n)) {
            pp_errf(err, errlen, "rua \"%.*s\" is neither mailto:ADDRESS nor https://HOST",
                 (int)(n > 60 ? 60 : n), p);
            return -1;
        }
        f->nuri++;
        p += n + (c != NULL);
        if (c && p == end) {
            pp_errf(err, errlen, "rua ends with \",\"");
            return -1;
        }
    }
    return 0;
}

int pp_sts_tlsrpt_parse(const char *txt, char *err, size_t errlen)
{
    rpt_fields f = {0, 0};
    if (walk_fields(txt, "v=TLSRPTv1", rpt_field, &f, err, errlen) != 0)
        return -1;
    if (f.nrua == 0) {
        pp_errf(err, errlen, "no rua field: no address for reports");
        return -1;
    }
    return f.nuri;
}

/* ---- MX patterns ---- */

/* RFC 5321 Domain: labels of letters, digits and inner hyphens, 63 at most, 253 in all. */
static bool domain_ok(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (s[i] == '.' || s[i] == '\0') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)s[i]) || (s[i] == '-' && label > 0)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

static bool pattern_ok(const char *s)
{
    return domain_ok(strncmp(s, "*.", 2) == 0 ? s + 2 : s);
}

/* Case-insensitive equality of two names of given lengths, trailing dots ignored. */
static bool name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen && a[alen - 1] == '.')
        alen--;
    if (blen && b[blen - 1] == '.')
        blen--;
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

bool pp_sts_mx_match(const char *pattern, const char *host)
{
    size_t plen = strlen(pattern), hlen = strlen(host);
    if (strncmp(pattern, "*.", 2) != 0)
        return name_eq(pattern, plen, host, hlen);
    const char *dot = strchr(host, '.');
    if (!dot || dot == host) /* "*" stands for exactly one whole label */
        return false;
    return name_eq(pattern + 2, plen - 2, dot + 1, hlen - (size_t)(dot + 1 - host));
}

const char *pp_sts_policy_match(const pp_sts_policy *p, const char *host)
{
    for (size_t i = 0; i < p->nmx; i++)
        if (pp_sts_mx_match(p->mx[i], host))
            return p->mx[i];
    return NULL;
}

const char *pp_sts_mode_name(pp_sts_mode m)
{
    return m == PP_STS_ENFORCE ? "enforce" : m == PP_STS_TESTING ? "testing" : "none";
}

/* ---- the policy file ---- */

typedef struct policy_state {
    pp_sts_policy *p;
    int seen_version, seen_mode, seen_max_age; /* line numbers, 0: not yet */
    int line;
    bool had_field;
} policy_state;

static void warn_once(pp_sts_policy *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn_once(pp_sts_policy *p, const char *fmt, ...)
{
    if (p->warn[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->warn, sizeof p->warn, fmt, ap);
    va_end(ap);
}

/* The first time a single-valued field is seen it counts; later ones are a slip. */
static bool first_time(policy_state *s, int *seen, const char *key)
{
    if (*seen) {
        warn_once(s->p, "line %d: %s given again (line %d's counts)", s->line, key, *seen);
        return false;
    }
    *seen = s->line;
    return true;
}

static int max_age_value(const char *v, long *out)
{
    size_t n = strlen(v);
    if (n == 0 || n > 10 || strspn(v, "0123456789") != n)
        return -1;
    long long x = strtoll(v, NULL, 10);
    if (x > PP_STS_MAX_AGE_MAX)
        return -1;
    *out = (long)x;
    return 0;
}

static int policy_field(policy_state *s, const char *key, const char *val, char *err,
                        size_t errlen)
{
    pp_sts_policy *p = s->p;
    if (strcmp(key, "version") == 0) {
        if (s->had_field && !s->seen_version)
            warn_once(p, "line %d: version is not the first field", s->line);
        if (first_time(s, &s->seen_version, key) && strcmp(val, "STSv1") != 0) {
            pp_errf(err, errlen, "line %d: version \"%.40s\" is not STSv1", s->line, val);
            return -1;
        }
    } else if (strcmp(key, "mode") == 0) {
        if (!first_time(s, &s->seen_mode, key))
            return 0;
        if (strcmp(val, "enforce") == 0)
            p->mode = PP_STS_ENFORCE;
        else if (strcmp(val, "testing") == 0)
            p->mode = PP_STS_TESTING;
        else if (strcmp(val, "none") == 0)
            p->mode = PP_STS_NONE;
        else {
            pp_errf(err, errlen, "line %d: mode \"%.40s\" is not enforce, testing or none",
                 s->line, val);
            return -1;
        }
    } else if (strcmp(key, "max_age") == 0) {
        if (first_time(s, &s->seen_max_age, key) && max_age_value(val, &p->max_age) != 0) {
            pp_errf(err, errlen, "line %d: max_age \"%.40s\" is not a number of seconds up to %ld",
                 s->line, val, PP_STS_MAX_AGE_MAX);
            return -1;
        }
    } else if (strcmp(key, "mx") == 0) {
        if (!pattern_ok(val)) {
            pp_errf(err, errlen, "line %d: mx \"%.80s\" is not a host name or *.domain", s->line,
                 val);
            return -1;
        }
        p->mx = pp_xrealloc(p->mx, (p->nmx + 1) * sizeof *p->mx);
        p->mx[p->nmx++] = pp_xstrdup(val);
    } else if (!ext_name_ok(key, strlen(key))) {
        pp_errf(err, errlen, "line %d: \"%.40s\" is not a field name", s->line, key);
        return -1;
    }
    s->had_field = true;
    return 0;
}

/* One line without its end: "key:" *WSP value *WSP. */
static int policy_line(policy_state *s, char *line, char *err, size_t errlen)
{
    size_t n = strlen(line);
    for (size_t i = 0; i < n; i++)
        if (!((unsigned char)line[i] >= 0x20 && (unsigned char)line[i] < 0x7f) &&
            line[i] != '\t') {
            pp_errf(err, errlen, "line %d: byte 0x%02x is not printable ASCII", s->line,
                 (unsigned char)line[i]);
            return -1;
        }
    char *colon = strchr(line, ':');
    if (!colon || colon == line) {
        pp_errf(err, errlen, "line %d: \"%.40s\" is not \"key: value\"", s->line, line);
        return -1;
    }
    *colon = '\0';
    char *val = colon + 1;
    while (wsp(*val))
        val++;
    size_t vlen = strlen(val);
    while (vlen && wsp(val[vlen - 1]))
        val[--vlen] = '\0';
    if (vlen == 0) {
        pp_errf(err, errlen, "line %d: %.40s has no value", s->line, line);
        return -1;
    }
    return policy_field(s, line, val, err, errlen);
}

static int policy_check(const policy_state *s, char *err, size_t errlen)
{
    const char *missing = !s->seen_version ? "version"
                          : !s->seen_mode  ? "mode"
                          : !s->seen_max_age ? "max_age"
                          : s->p->nmx == 0 && s->p->mode != PP_STS_NONE ? "mx"
                          : NULL;
    if (missing) {
        pp_errf(err, errlen, "no %s field", missing);
        return -1;
    }
    return 0;
}

int pp_sts_policy_parse(const char *text, size_t len, pp_sts_policy *p, char *err,
                        size_t errlen)
{
    policy_state s = {.p = p};
    memset(p, 0, sizeof *p);
    if (memchr(text, '\0', len)) {
        pp_errf(err, errlen, "the policy holds a NUL byte");
        return -1;
    }
    char *copy = pp_xstrndup(text, len), *line = copy;
    int rc = 0, empty = 0;
    while (rc == 0 && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        s.line++;
        if (n)
            rc = policy_line(&s, line, err, errlen);
        else if (!empty)
            empty = s.line;
        line = nl ? nl + 1 : line + n;
    }
    free(copy);
    /* An empty last line (a "\n\n" ending) is too common to name. */
    if (rc == 0 && empty && empty != s.line)
        warn_once(p, "line %d is empty", empty);
    if (rc == 0)
        rc = policy_check(&s, err, errlen);
    if (rc != 0)
        pp_sts_policy_free(p);
    return rc;
}

void pp_sts_policy_free(pp_sts_policy *p)
{
    for (size_t i = 0; i < p->nmx; i++)
        free(p->mx[i]);
    free(p->mx);
    memset(p, 0, sizeof *p);
}

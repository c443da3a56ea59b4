/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dnssec.c - validated DNS lookups: libunbound, or a trusted AD bit. See dnssec.h.
 */
#include "dns/dnssec.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unbound.h>

#include "core/buf.h"
#include "core/timeout.h"

typedef struct job {
    pp_dnssec *v;
    char *name;
    int type;
    int id;
    bool open;
    double t0;
    pp_dnssec_cb cb;
    void *arg;
} job;

struct pp_dnssec {
    pp_dnssec_mode mode;
    pp_dns *dns;           /* trust-ad */
    bool from_resolv_conf; /* the servers are resolv.conf's */
    bool trust_ad;         /* resolv.conf: options trust-ad */
    struct ub_ctx *ub;     /* validate */
    char fwd[80];          /* the forwarder, for answers' server */
    job **jobs;
    size_t njobs, cap;
};

const char *pp_dnssec_sec_str(pp_dnssec_sec s)
{
    static const char *const names[] = {"secure", "insecure", "bogus", "failed"};
    return (unsigned)s < 4 ? names[s] : "?";
}

int pp_dnssec_mode_parse(const char *text, pp_dnssec_mode *mode)
{
    if (strcmp(text, "validate") == 0)
        *mode = PP_DNSSEC_VALIDATE;
    else if (strcmp(text, "trust-ad") == 0)
        *mode = PP_DNSSEC_TRUST_AD;
    else
        return -1;
    return 0;
}

/* "127.0.0.1:53", "[::1]:53": is the address a loopback one? */
static bool loopback(const char *server)
{
    if (strncmp(server, "127.", 4) == 0)
        return true;
    return strncmp(server, "[::1]", 5) == 0 || strcmp(server, "::1") == 0;
}

bool pp_dnssec_ad_trusted(const char *server, bool from_resolv_conf, bool trust_ad)
{
    return loopback(server) || (from_resolv_conf && trust_ad);
}

/* ---- validate: libunbound ---- */

/* -s SERVER as libunbound's "ADDR@PORT". */
static int fwd_spec(const char *server, char *out, size_t outlen, char *err, size_t errlen)
{
    char host[256];
    unsigned port;
    if (pp_dns_parse_server(server, host, sizeof host, &port) != 0)
        return pp_errf(err, errlen, "'%s' is not ADDR, ADDR:PORT, [ADDR]:PORT or a name", server);
    struct addrinfo hints = {.ai_flags = AI_ADDRCONFIG, .ai_socktype = SOCK_DGRAM}, *ai = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &ai);
    if (rc != 0)
        return pp_errf(err, errlen, "%s: %s", host, gai_strerror(rc));
    char addr[64];
    pp_dns_addr_text((struct sockaddr_storage *)ai->ai_addr, addr, sizeof addr);
    freeaddrinfo(ai);
    snprintf(out, outlen, "%s@%u", addr, port);
    return 0;
}

static int setup_unbound(pp_dnssec *v, const pp_dnssec_opts *o, char *err, size_t errlen)
{
    const char *ta = o->trust_anchor ? o->trust_anchor : PP_DNSSEC_ROOT_KEY;
    FILE *f = fopen(ta, "r");
    if (!f)
        return pp_errf(err, errlen, "trust anchor %s: %s%s", ta, strerror(errno),
                       o->trust_anchor ? "" : " (install dns-root-data or give --trust-anchor)");
    fclose(f);
    if (!(v->ub = ub_ctx_create()))
        return pp_errf(err, errlen, "cannot create a libunbound context");
    int rc = ub_ctx_async(v->ub, 1);
    if (rc == 0)
        rc = ub_ctx_add_ta_file(v->ub, ta);
    /* The forwarder answers for .test (RFC 6761) as for any name, a split horizon's zones
     * too: libunbound's own empty zone for it would hide them. A forwarder on loopback is
     * the usual case, not one to avoid. */
    if (rc == 0)
        rc = ub_ctx_set_option(v->ub, "local-zone:", "test. transparent");
    if (rc == 0)
        rc = ub_ctx_set_option(v->ub, "do-not-query-localhost:", "no");
    if (rc != 0)
        return pp_errf(err, errlen, "libunbound: %s", ub_strerror(rc));
    if (o->server) {
        if (fwd_spec(o->server, v->fwd, sizeof v->fwd, err, errlen) != 0)
            return -1;
        rc = ub_ctx_set_fwd(v->ub, v->fwd);
    } else {
        snprintf(v->fwd, sizeof v->fwd, "resolv.conf");
        rc = ub_ctx_resolvconf(v->ub, NULL);
    }
    if (rc != 0)
        return pp_errf(err, errlen, "libunbound forwarder %s: %s", v->fwd,
                       ub_strerror(rc));
    return 0;
}

static void finish(job *j, pp_dnssec_answer *a)
{
    j->open = false;
    a->ans.seconds = pp_timeout_now() - j->t0;
    snprintf(a->ans.server, sizeof a->ans.server, "%s", j->v->fwd);
    j->cb(a, j->arg);
    pp_dnssec_answer_free(a);
}

static void ub_done(void *arg, int err, struct ub_result *r)
{
    job *j = arg;
    pp_dnssec_answer a = {.sec = PP_DNSSEC_FAILED};
    char perr[192];
    if (err != 0 || !r) {
        a.ans.status = PP_DNS_ERROR;
        snprintf(a.ans.err, sizeof a.ans.err, "libunbound: %s", ub_strerror(err));
    } else if (r->answer_packet && r->answer_len > 0 &&
               pp_dns_parse(r->answer_packet, (size_t)r->answer_len, &a.ans, perr,
                            sizeof perr) != 0) {
        a.ans.status = PP_DNS_ERROR;
        snprintf(a.ans.err, sizeof a.ans.err, "malformed answer: %s", perr);
    } else if (!r->answer_packet || r->answer_len <= 0) {
        a.ans.status = pp_dns_rcode_status(r->rcode);
        a.ans.rcode = r->rcode;
    }
    if (r && r->bogus) {
        a.sec = PP_DNSSEC_BOGUS;
        snprintf(a.why, sizeof a.why, "%s", r->why_bogus ? r->why_bogus : "validation failed");
    } else if (r && r->secure) {
        a.sec = PP_DNSSEC_SECURE;
    } else if (a.ans.status == PP_DNS_OK || a.ans.status == PP_DNS_NODATA ||
               a.ans.status == PP_DNS_NXDOMAIN) {
        a.sec = PP_DNSSEC_INSECURE;
        snprintf(a.why, sizeof a.why, "no chain of signatures from the trust anchor");
    }
    ub_resolve_free(r);
    finish(j, &a);
}

/* ---- trust-ad: the AD bit of a trusted resolver ---- */

static void ad_done(pp_dns_answer *ans, void *arg)
{
    job *j = arg;
    pp_dnssec_answer a = {.ans = *ans, .sec = PP_DNSSEC_FAILED};
    memset(ans, 0, sizeof *ans);
    bool answered = a.ans.status == PP_DNS_OK || a.ans.status == PP_DNS_NODATA ||
                    a.ans.status == PP_DNS_NXDOMAIN;
    bool trusted = pp_dnssec_ad_trusted(a.ans.server, j->v->from_resolv_conf, j->v->trust_ad);
    if (answered && a.ans.ad && trusted) {
        a.sec = PP_DNSSEC_SECURE;
    } else if (answered) {
        a.sec = PP_DNSSEC_INSECURE;
        snprintf(a.why, sizeof a.why, a.ans.ad ? "an AD bit from %s, neither loopback nor "
                 "marked trust-ad in resolv.conf" : "no AD bit from %s", a.ans.server);
    }
    j->open = false;
    j->cb(&a, j->arg);
    pp_dnssec_answer_free(&a);
}

static bool resolv_conf_trust_ad(void)
{
#ifdef RES_TRUSTAD
    struct __res_state rs;
    memset(&rs, 0, sizeof rs);
    if (res_ninit(&rs) != 0)
        return false;
    bool t = (rs.options & RES_TRUSTAD) != 0;
    res_nclose(&rs);
    return t;
#else
    return false;
#endif
}

/* ---- both ---- */

pp_dnssec *pp_dnssec_new(const pp_dnssec_opts *o, char *err, size_t errlen)
{
    pp_dnssec *v = pp_xcalloc(1, sizeof *v);
    v->mode = o->mode;
    v->from_resolv_conf = o->server == NULL;
    int rc = 0;
    if (o->mode == PP_DNSSEC_TRUST_AD) {
        v->trust_ad = v->from_resolv_conf && resolv_conf_trust_ad();
        v->dns = pp_dns_new(o->server, err, errlen);
        rc = v->dns ? 0 : -1;
    } else {
        rc = setup_unbound(v, o, err, errlen);
    }
    if (rc != 0) {
        pp_dnssec_free(v);
        return NULL;
    }
    return v;
}

void pp_dnssec_submit(pp_dnssec *v, const char *name, int type, pp_dnssec_cb cb, void *arg)
{
    if (v->njobs == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 8;
        v->jobs = pp_xrealloc(v->jobs, v->cap * sizeof *v->jobs);
    }
    job *j = pp_xcalloc(1, sizeof *j);
    *j = (job){.v = v, .name = pp_xstrdup(name), .type = type, .open = true,
               .t0 = pp_timeout_now(), .cb = cb, .arg = arg};
    v->jobs[v->njobs++] = j;
    if (v->mode == PP_DNSSEC_TRUST_AD) {
        pp_dns_submit(v->dns, name, type, ad_done, j);
        return;
    }
    int rc = ub_resolve_async(v->ub, name, type, 1, j, ub_done, &j->id);
    if (rc != 0)
        ub_done(j, rc, NULL);
}

static size_t open_jobs(const pp_dnssec *v)
{
    size_t n = 0;
    for (size_t i = 0; i < v->njobs; i++)
        n += v->jobs[i]->open;
    return n;
}

/* What libunbound has not answered by the deadline completes as a timeout. */
static void time_out(pp_dnssec *v)
{
    for (size_t i = 0; i < v->njobs; i++) {
        job *j = v->jobs[i];
        if (!j->open)
            continue;
        ub_cancel(v->ub, j->id);
        pp_dnssec_answer a = {.sec = PP_DNSSEC_FAILED};
        a.ans.status = PP_DNS_TIMEOUT;
        snprintf(a.ans.err, sizeof a.ans.err, "no validated answer for %s %s from %s in time",
                 j->name, pp_dns_type_str(j->type), v->fwd);
        finish(j, &a);
    }
}

void pp_dnssec_run(pp_dnssec *v)
{
    if (v->mode == PP_DNSSEC_TRUST_AD) {
        pp_dns_run(v->dns);
        return;
    }
    double left = pp_timeout_left(), margin = left * 0.1;
    double deadline = pp_timeout_now() + left - (margin > 0.5 ? 0.5 : margin);
    while (open_jobs(v) > 0) {
        double t = deadline - pp_timeout_now();
        if (t <= 0)
            break;
        struct pollfd p = {.fd = ub_fd(v->ub), .events = POLLIN};
        int rc = poll(&p, 1, (int)(t * 1000) + 1);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && ub_process(v->ub) != 0)
            break;
    }
    time_out(v);
}

typedef struct one {
    pp_dnssec_answer *out;
} one;

static void keep_one(pp_dnssec_answer *a, void *arg)
{
    one *o = arg;
    *o->out = *a;
    memset(a, 0, sizeof *a);
}

void pp_dnssec_lookup(pp_dnssec *v, const char *name, int type, pp_dnssec_answer *a)
{
    one o = {a};
    memset(a, 0, sizeof *a);
    pp_dnssec_submit(v, name, type, keep_one, &o);
    pp_dnssec_run(v);
}

void pp_dnssec_answer_free(pp_dnssec_answer *a)
{
    pp_dns_answer_free(&a->ans);
    memset(a, 0, sizeof *a);
}

void pp_dnssec_free(pp_dnssec *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->njobs; i++) {
        free(v->jobs[i]->name);
        free(v->jobs[i]);
    }
    free(v->jobs);
    pp_dns_free(v->dns);
    if (v->ub)
        ub_ctx_delete(v->ub);
    free(v);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	dnssec - DNS lookups whose answers say whether DNSSEC validated them
 * SYNOPSIS
 *	pp_dnssec *pp_dnssec_new(const pp_dnssec_opts *o, char *err, size_t errlen);
 *	void pp_dnssec_submit(pp_dnssec *v, const char *name, int type, pp_dnssec_cb cb,
 *			      void *arg);
 *	void pp_dnssec_run(pp_dnssec *v);
 *	void pp_dnssec_lookup(pp_dnssec *v, const char *name, int type, pp_dnssec_answer *a);
 *	void pp_dnssec_answer_free(pp_dnssec_answer *a);
 *	const char *pp_dnssec_sec_str(pp_dnssec_sec s);
 *	int pp_dnssec_mode_parse(const char *text, pp_dnssec_mode *mode);
 *	bool pp_dnssec_ad_trusted(const char *server, bool from_resolv_conf, bool trust_ad);
 *	void pp_dnssec_free(pp_dnssec *v);
 * DESCRIPTION
 *	Two ways to know that an answer is authentic, as the TLSA and MX lookups of DANE need
 *	(RFC 7672 2.1, 2.2):
 *	PP_DNSSEC_VALIDATE validates here, with libunbound: queries go to o->server ("ADDR",
 *	"ADDR:PORT", "[ADDR]:PORT" or a host name, see pp_dns_parse_server()) or to the
 *	nameservers of /etc/resolv.conf as forwarders, asking for DNSSEC records, and the
 *	signatures are checked up from the trust anchor in o->trust_anchor (DS or DNSKEY
 *	records in zone-file form), by default the root's from dns-root-data
 *	(PP_DNSSEC_ROOT_KEY).
 *	PP_DNSSEC_TRUST_AD believes the AD bit of a validating resolver (common/dns/dns), but
 *	only from one whose path to us cannot be tampered with: a loopback address, or, when
 *	the servers come from resolv.conf (o->server NULL), any of them when resolv.conf (or
 *	RES_OPTIONS) sets "options trust-ad", as glibc does since 2.31 and Postfix relies on.
 *	pp_dnssec_ad_trusted() is that rule: server as dns.h's answers name it ("127.0.0.1:53",
 *	"[::1]:5353").
 *	pp_dnssec_submit() queues a lookup, pp_dnssec_run() runs every queued one at once and
 *	calls cb(a, arg) for each as it completes (a is freed when cb returns unless cb clears
 *	it); the run ends a little before the plugin's -t timeout, what is still open then
 *	completes as PP_DNS_TIMEOUT. pp_dnssec_lookup() is submit and run for one query; the
 *	caller frees a with pp_dnssec_answer_free().
 *	Each answer holds the parsed DNS answer (dns.h: status OK, NODATA, NXDOMAIN, ...) and
 *	its security: SECURE (validated), INSECURE (no signatures from a secure chain, or no
 *	trusted AD bit: why says which), BOGUS (signatures that do not validate: why says
 *	what libunbound found), or FAILED when the lookup gave no answer (see a->ans.err).
 *	pp_dnssec_mode_parse() takes "validate" or "trust-ad".
 * DIAGNOSTICS
 *	pp_dnssec_new() returns NULL with err set for a server it cannot use or a trust anchor
 *	it cannot read.
 */
#ifndef PP_DNSSEC_H
#define PP_DNSSEC_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/dns.h"

#define PP_DNSSEC_ROOT_KEY "/usr/share/dns/root.key"

typedef enum pp_dnssec_mode { PP_DNSSEC_VALIDATE, PP_DNSSEC_TRUST_AD } pp_dnssec_mode;

typedef enum pp_dnssec_sec {
    PP_DNSSEC_SECURE,
    PP_DNSSEC_INSECURE,
    PP_DNSSEC_BOGUS,
    PP_DNSSEC_FAILED
} pp_dnssec_sec;

typedef struct pp_dnssec_opts {
    pp_dnssec_mode mode;
    const char *server;       /* NULL: /etc/resolv.conf's nameservers */
    const char *trust_anchor; /* NULL: PP_DNSSEC_ROOT_KEY (validate mode only) */
} pp_dnssec_opts;

typedef struct pp_dnssec_answer {
    pp_dns_answer ans;
    pp_dnssec_sec sec;
    char why[256];
} pp_dnssec_answer;

typedef struct pp_dnssec pp_dnssec;
typedef void (*pp_dnssec_cb)(pp_dnssec_answer *a, void *arg);

pp_dnssec *pp_dnssec_new(const pp_dnssec_opts *o, char *err, size_t errlen);
void pp_dnssec_submit(pp_dnssec *v, const char *name, int type, pp_dnssec_cb cb, void *arg);
void pp_dnssec_run(pp_dnssec *v);
void pp_dnssec_lookup(pp_dnssec *v, const char *name, int type, pp_dnssec_answer *a);
void pp_dnssec_answer_free(pp_dnssec_answer *a);
const char *pp_dnssec_sec_str(pp_dnssec_sec s);
int pp_dnssec_mode_parse(const char *text, pp_dnssec_mode *mode);
bool pp_dnssec_ad_trusted(const char *server, bool from_resolv_conf, bool trust_ad);
void pp_dnssec_free(pp_dnssec *v);

#endif

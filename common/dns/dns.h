/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	dns - DNS lookups through libc's resolver, many in flight at once, and answer parsing
 * SYNOPSIS
 *	pp_dns *pp_dns_new(const char *server, char *err, size_t errlen);
 *	void pp_dns_set_timeout(pp_dns *d, double per_try, int tries);
 *	void pp_dns_set_parallel(pp_dns *d, int max_in_flight);
 *	void pp_dns_submit(pp_dns *d, const char *name, int type, pp_dns_cb cb, void *arg);
 *	void pp_dns_run(pp_dns *d);
 *	void pp_dns_lookup(pp_dns *d, const char *name, int type, pp_dns_answer *ans);
 *	const char *pp_dns_servers(const pp_dns *d);
 *	void pp_dns_addr_text(const struct sockaddr_storage *ss, char *out, size_t len);
 *	bool pp_dns_is_address(const char *s);
 *	void pp_dns_free(pp_dns *d);
 *
 *	int pp_dns_parse(const unsigned char *msg, size_t len, pp_dns_answer *ans,
 *			 char *err, size_t errlen);
 *	void pp_dns_answer_free(pp_dns_answer *ans);
 *	int pp_dns_parse_server(const char *spec, char *host, size_t hostlen, unsigned *port);
 *	pp_dns_status pp_dns_rcode_status(int rcode);
 *	const char *pp_dns_status_str(pp_dns_status s);
 *	const char *pp_dns_type_str(int type);
 *	int pp_dns_name_eq(const char *a, const char *b);
 *	int pp_dns_answer_has_cname(const pp_dns_answer *ans);
 *	int pp_dns_mx_hosts(pp_dns_answer *ans, const char *domain);
 * DESCRIPTION
 *	pp_dns_new() reads the system resolver's settings (res_ninit: /etc/resolv.conf's
 *	nameservers, timeout and attempts), or, when server is not NULL, uses only that server:
 *	"ADDR", "ADDR:PORT", "[ADDR]:PORT" with ADDR an IPv4 or IPv6 literal or a host name
 *	(looked up once with getaddrinfo, every address kept). It returns NULL with err set for
 *	a server spec it cannot use.
 *	Queries are made with res_nmkquery (recursion desired, plus an EDNS0 OPT record
 *	advertising 1232 bytes and the AD bit, RFC 6840 5.7, so a validating resolver says
 *	whether it validated) and sent by this module over UDP from a socket of their own,
 *	retried on TCP when the answer is truncated. Each try waits per_try seconds (default
 *	from resolv.conf, at most 2 s); a query makes tries rounds over the servers (default
 *	from resolv.conf). SERVFAIL or REFUSED from one server moves on to the next one when
 *	there are several. Answers are matched on id, source and question (name, type and
 *	class IN); one whose question is another is ignored like a stray datagram.
 *	pp_dns_submit() queues a query; pp_dns_run() sends queued queries, at most
 *	max_in_flight (default 128) at a time, and calls cb(ans, arg) once for each as it
 *	completes, until nothing is queued or in flight. Callbacks may submit more queries.
 *	The answer passed to cb is freed when cb returns; cb may keep it by copying the struct
 *	and clearing *ans. pp_dns_run() stops waiting shortly before the plugin's -t timeout
 *	(pp_timeout_left(), less 10% or at most 0.5 s): what is still open then completes
 *	with PP_DNS_TIMEOUT, so the plugin can still report which lookups hung.
 *	pp_dns_lookup() is submit + run for one query (other queued queries run too); the
 *	caller frees *ans with pp_dns_answer_free().
 *	pp_dns_servers() gives the servers in use as text ("127.0.0.1:53, [::1]:53").
 *	pp_dns_addr_text() writes the IPv4 or IPv6 address of ss (no port) to out, "?" if it
 *	is neither. pp_dns_is_address() tells whether s is an IPv4 or IPv6 address rather than
 *	a name.
 *
 *	pp_dns_parse() is the pure part: it decodes a DNS response (header, its one question,
 *	answer section: A, AAAA, MX, CNAME, TLSA and TXT records; a response without exactly
 *	one question is refused) into ans and sets ans->status from the rcode and the records:
 *	OK when the answer section holds a record of the question's type, NODATA for NOERROR
 *	without one, NXDOMAIN, SERVFAIL, REFUSED, or RCODE for any other rcode. Every length is checked;
 *	compression pointers must point backwards (no loops); names are given in presentation
 *	form without the trailing dot (the root is "."), special characters escaped as
 *	dn_expand does. It returns 0, or -1 with err naming the defect (ans is then empty).
 *	pp_dns_rcode_status() is that status for an rcode alone (an answer without records, as
 *	libunbound gives one).
 *	pp_dns_parse_server() splits a -s argument into host and port (53 when absent); it
 *	returns 0 or -1 for a malformed spec.
 *	pp_dns_name_eq() compares two names case-insensitively, ignoring one trailing dot.
 *	pp_dns_answer_has_cname() is true when the answer holds a CNAME owned by the question
 *	name (the name queried is an alias).
 *	pp_dns_mx_hosts() turns the answer to an MX query for domain into the hosts to try: its
 *	MX records sorted by preference or, when it has none (NODATA), one MX record for domain
 *	itself, its implicit MX (RFC 5321 5.1); a null MX stays a record whose host is ".". It
 *	returns 0, or -1 (ans untouched) when the lookup failed.
 * DIAGNOSTICS
 *	Lookup failures are not errors of the module: they are answers with status TIMEOUT
 *	(no server answered any try) or ERROR (bad name, malformed answers, network errors such
 *	as "connection refused") and ans->err saying what happened and from which server.
 */
#ifndef PP_DNS_H
#define PP_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum {
    PP_DNS_A = 1,
    PP_DNS_CNAME = 5,
    PP_DNS_MX = 15,
    PP_DNS_TXT = 16,
    PP_DNS_AAAA = 28,
    PP_DNS_TLSA = 52
};

typedef enum pp_dns_status {
    PP_DNS_OK,       /* records of the asked type */
    PP_DNS_NODATA,   /* NOERROR, the name exists but has no record of that type */
    PP_DNS_NXDOMAIN, /* the name does not exist */
    PP_DNS_SERVFAIL,
    PP_DNS_REFUSED,
    PP_DNS_RCODE,    /* another rcode (FORMERR, NOTIMP, ...): see rcode */
    PP_DNS_TIMEOUT,  /* no answer */
    PP_DNS_ERROR     /* no usable answer: see err */
} pp_dns_status;

typedef struct pp_dns_rr {
    char *owner; /* presentation form, no trailing dot */
    int type;
    int rclass;
    uint32_t ttl;
    /* MX: preference and exchange ("." for a null MX); CNAME: host is the target. */
    unsigned pref;
    char *host;
    /* A, AAAA: family AF_INET/AF_INET6, the address bytes and text. */
    int family;
    unsigned char addr[16];
    char addr_text[46];
    /* TLSA: certificate usage, selector, matching type, association data. */
    unsigned usage, selector, mtype;
    unsigned char *data;
    size_t datalen;
    /* TXT: the character-strings joined, other bytes than printable ASCII as \DDD. */
    char *text;
} pp_dns_rr;

typedef struct pp_dns_answer {
    pp_dns_status status;
    int rcode;
    bool aa, tc, ad; /* header flags: authoritative, truncated, authenticated data */
    char *qname;     /* question as the server echoed it */
    int qtype;
    int qclass;
    pp_dns_rr *rr;   /* answer section, in order; unknown types have only owner/type/ttl */
    size_t nrr;
    double seconds;  /* from the first try sent to the answer (lookups only) */
    char server[64]; /* the server that answered, or was tried last */
    char err[192];   /* what went wrong, for TIMEOUT and ERROR */
} pp_dns_answer;

typedef struct pp_dns pp_dns;
typedef void (*pp_dns_cb)(pp_dns_answer *ans, void *arg);

pp_dns *pp_dns_new(const char *server, char *err, size_t errlen);
void pp_dns_set_timeout(pp_dns *d, double per_try, int tries);
void pp_dns_set_parallel(pp_dns *d, int max_in_flight);
void pp_dns_submit(pp_dns *d, const char *name, int type, pp_dns_cb cb, void *arg);
void pp_dns_run(pp_dns *d);
void pp_dns_lookup(pp_dns *d, const char *name, int type, pp_dns_answer *ans);
const char *pp_dns_servers(const pp_dns *d);
void pp_dns_addr_text(const struct sockaddr_storage *ss, char *out, size_t len);
bool pp_dns_is_address(const char *s);
void pp_dns_free(pp_dns *d);

int pp_dns_parse(const unsigned char *msg, size_t len, pp_dns_answer *ans, char *err,
                 size_t errlen);
void pp_dns_answer_free(pp_dns_answer *ans);
int pp_dns_parse_server(const char *spec, char *host, size_t hostlen, unsigned *port);
pp_dns_status pp_dns_rcode_status(int rcode);
const char *pp_dns_status_str(pp_dns_status s);
const char *pp_dns_type_str(int type);
int pp_dns_name_eq(const char *a, const char *b);
int pp_dns_answer_has_cname(const pp_dns_answer *ans);
int pp_dns_mx_hosts(pp_dns_answer *ans, const char *domain);

#endif

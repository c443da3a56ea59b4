/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	dnsbl - DNS block lists: the lists that matter, their query names, what their answers mean
 * SYNOPSIS
 *	const char *const *pp_dnsbl_defaults(void);
 *	int pp_dnsbl_zone_parse(const char *spec, pp_dnsbl_zone *z, char *err, size_t errlen);
 *	int pp_dnsbl_zone_dqs(pp_dnsbl_zone *z, const char *key);
 *	void pp_dnsbl_zone_free(pp_dnsbl_zone *z);
 *	int pp_dnsbl_dqs_key(const char *text, char *key, size_t keylen, char *err, size_t errlen);
 *	int pp_dnsbl_address(const char *text, pp_dnsbl_addr *a);
 *	int pp_dnsbl_query_name(const pp_dnsbl_zone *z, const char *target, char *out,
 *				size_t outlen);
 *	const char *pp_dnsbl_test_point(const pp_dnsbl_zone *z, bool listed);
 *	pp_dnsbl_sev pp_dnsbl_judge_answer(const pp_dnsbl_zone *z, const pp_dns_answer *ans,
 *					   pp_buf *codes, pp_buf *meanings);
 *	void pp_dnsbl_zone_note(pp_dnsbl_zstate *st, int point, pp_dnsbl_sev sev,
 *				const char *text);
 *	pp_dnsbl_health pp_dnsbl_health_of(const pp_dnsbl_zstate *st);
 *	const char *pp_dnsbl_health_str(pp_dnsbl_health h);
 * DESCRIPTION
 *	A DNSBL is a zone asked for an A record: an address's reversed IPv4 octets or IPv6
 *	nibbles (RFC 5782 2.1, 2.4) or a domain name (2.3) followed by the zone. Only answers
 *	inside 127.0.0.0/8 are listings; a list's own error codes (Spamhaus' 127.255.255.0/24
 *	and DBL's 127.0.1.255, URIBL's 127.0.0.1 "query refused") are not.
 *	pp_dnsbl_defaults() is the default list of zones (NULL-terminated), in the syntax of
 *	pp_dnsbl_zone_parse(): "ZONE" for a zone the table knows (its kind, codes and test
 *	point come from the table; any other zone is an address list with generic codes),
 *	"ZONE:addresses" or "ZONE:domains" to say which kind of list it is, "ZONE=LIST" to
 *	ask ZONE and read its answers as the table's LIST (a local mirror of a list, served
 *	under another name). The zone is lower-cased, a trailing dot dropped;
 *	pp_dnsbl_zone_parse() returns 0, or -1 with err naming the defect.
 *	pp_dnsbl_zone_dqs() turns a Spamhaus zone (LIST.spamhaus.org) into its Data Query
 *	Service name KEY.LIST.dq.spamhaus.net (z->query); it returns 1 when it did, 0 for a zone
 *	of another list. pp_dnsbl_dqs_key() takes the key from a key file's text: the first line
 *	that is neither blank nor a '#' comment, blanks around it dropped; a key is 1 to 63
 *	letters and digits. It returns 0, or -1 with err (which never holds the key).
 *	pp_dnsbl_address() reads an IPv4 or IPv6 address (an IPv4-mapped IPv6 address is the
 *	IPv4 one) into a; it returns 0, or -1 for text that is no address.
 *	pp_dnsbl_query_name() writes the name to ask zone z about target (an address for an
 *	address list, a domain for a domain list) to out; it returns 0, or -1 when target is not
 *	of the zone's kind or the name would be longer than DNS allows.
 *	pp_dnsbl_test_point() is the RFC 5782 5 test point that a working list must list
 *	(listed: 127.0.0.2, or for domain lists "test", or the list's own test name) or must not
 *	list (127.0.0.1, "invalid"), as a target for pp_dnsbl_query_name().
 *	pp_dnsbl_judge_answer() judges an answer with status PP_DNS_OK to an A query of zone z:
 *	the worst of its records (an error code or an address outside 127.0.0.0/8, then an abuse
 *	listing, then a policy listing); in codes "127.0.0.2 SBL, 127.0.0.9 DROP" (an error
 *	code with its meaning and fix in parentheses), in meanings one "SBL: what it means"
 *	line per listing name. For another status it returns PP_DNSBL_NONE.
 *	pp_dnsbl_zone_note() records in st what one query of a zone found: point is 1 for the
 *	"listed" test point, 0 for the "not listed" one, -1 for a target; sev is
 *	pp_dnsbl_judge_answer()'s verdict, PP_DNSBL_TIMEOUT or PP_DNSBL_FAILED (text: why).
 *	pp_dnsbl_health_of() judges the zone from its notes, in this order: it answered with an
 *	error code or outside 127.0.0.0/8 (ERROR), it lists its "not listed" test point
 *	(WILDCARD: it lists everything), a lookup failed (FAILED), a lookup timed out (TIMEOUT),
 *	it does not list its "listed" test point (UNPROVEN: dead, or not answering this
 *	resolver), else ALIVE. Only the listings of an ALIVE, UNPROVEN or TIMEOUT zone are
 *	listings. st->why holds the first reason noted for the verdict.
 */
#ifndef PP_DNSBL_H
#define PP_DNSBL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "dns/dns.h"

typedef enum pp_dnsbl_kind {
    PP_DNSBL_ADDRESSES,
    PP_DNSBL_DOMAINS
} pp_dnsbl_kind;

typedef struct pp_dnsbl_list pp_dnsbl_list;

typedef struct pp_dnsbl_zone {
    char *name;  /* the zone as given, lower case: "zen.spamhaus.org" */
    char *query; /* the zone asked: name, or "KEY.zen.dq.spamhaus.net" */
    pp_dnsbl_kind kind;
    const pp_dnsbl_list *list; /* the table's entry: codes, test point */
} pp_dnsbl_zone;

typedef struct pp_dnsbl_addr {
    int family; /* AF_INET or AF_INET6 */
    unsigned char b[16];
    char text[46];
} pp_dnsbl_addr;

typedef enum pp_dnsbl_sev {
    PP_DNSBL_NONE,    /* not listed */
    PP_DNSBL_POLICY,  /* listed by policy (Spamhaus PBL, URIBL grey): WARNING by default */
    PP_DNSBL_ABUSE,   /* listed */
    PP_DNSBL_ERROR,   /* the list's error code, or an answer outside 127.0.0.0/8 */
    PP_DNSBL_TIMEOUT, /* no answer in time */
    PP_DNSBL_FAILED   /* SERVFAIL, REFUSED, a malformed answer */
} pp_dnsbl_sev;

typedef enum pp_dnsbl_health {
    PP_DNSBL_ALIVE,
    PP_DNSBL_UNPROVEN,
    PP_DNSBL_TIMEDOUT,
    PP_DNSBL_FAILING,
    PP_DNSBL_WILDCARD,
    PP_DNSBL_REFUSING
} pp_dnsbl_health;

typedef struct pp_dnsbl_zstate {
    int listed_point; /* the "listed" test point: 1 listed, 0 not, -1 no verdict */
    int clean_point;  /* the "not listed" one */
    bool error, failed;
    size_t timeouts;
    char why[256];
} pp_dnsbl_zstate;

#define PP_DNSBL_ZSTATE_INIT {-1, -1, false, false, 0, ""}

const char *const *pp_dnsbl_defaults(void);
int pp_dnsbl_zone_parse(const char *spec, pp_dnsbl_zone *z, char *err, size_t errlen);
int pp_dnsbl_zone_dqs(pp_dnsbl_zone *z, const char *key);
void pp_dnsbl_zone_free(pp_dnsbl_zone *z);
int pp_dnsbl_dqs_key(const char *text, char *key, size_t keylen, char *err, size_t errlen);
int pp_dnsbl_address(const char *text, pp_dnsbl_addr *a);
int pp_dnsbl_query_name(const pp_dnsbl_zone *z, const char *target, char *out, size_t outlen);
const char *pp_dnsbl_test_point(const pp_dnsbl_zone *z, bool listed);
pp_dnsbl_sev pp_dnsbl_judge_answer(const pp_dnsbl_zone *z, const pp_dns_answer *ans,
                                   pp_buf *codes, pp_buf *meanings);
void pp_dnsbl_zone_note(pp_dnsbl_zstate *st, int point, pp_dnsbl_sev sev, const char *text);
pp_dnsbl_health pp_dnsbl_health_of(const pp_dnsbl_zstate *st);
const char *pp_dnsbl_health_str(pp_dnsbl_health h);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mtasts - MTA-STS records and policies (RFC 8461) and TLS-RPT records (RFC 8460), parsed
 *	strictly
 * SYNOPSIS
 *	bool pp_sts_record_is_sts(const char *txt);
 *	int pp_sts_record_parse(const char *txt, char *id, size_t idlen, char *err,
 *				size_t errlen);
 *	int pp_sts_policy_parse(const char *text, size_t len, pp_sts_policy *p, char *err,
 *				size_t errlen);
 *	void pp_sts_policy_free(pp_sts_policy *p);
 *	const char *pp_sts_mode_name(pp_sts_mode m);
 *	bool pp_sts_mx_match(const char *pattern, const char *host);
 *	const char *pp_sts_policy_match(const pp_sts_policy *p, const char *host);
 *	bool pp_sts_tlsrpt_is_tlsrpt(const char *txt);
 *	int pp_sts_tlsrpt_parse(const char *txt, char *err, size_t errlen);
 * DESCRIPTION
 *	All functions are pure.
 *	pp_sts_record_is_sts() tells a TXT record that senders keep among those of
 *	_mta-sts.DOMAIN: one that begins with "v=STSv1" followed by ";" (white space allowed
 *	before it) or its end (RFC 8461 3.1: the others are discarded).
 *	pp_sts_record_parse() reads such a record by the ABNF of RFC 8461 3.1: "v=STSv1" first,
 *	fields separated by ";" with optional white space, exactly one "id=" of 1 to 32 letters
 *	and digits (copied to id, at least 33 bytes), extension fields "name=value" with a name
 *	of letters, digits, "_", "-", "." (32 at most) and a value of visible characters other
 *	than ";" and "=". It returns 0, or -1 with err naming the defect.
 *	pp_sts_policy_parse() reads a policy file body (RFC 8461 3.2): "key: value" lines ended
 *	by LF or CRLF; "version: STSv1", "mode" (enforce, testing, none) and "max_age" (1 to 10
 *	digits, at most 31557600) exactly once; "mx" patterns (a host name or "*." and a domain,
 *	as RFC 5321's Domain), one or more unless mode is none; unknown fields with a valid name
 *	and a value of visible characters are ignored, as senders must. A NUL, a byte that is
 *	not printable ASCII (other than the line ends and tabs), a line without "key:" and an
 *	empty value are errors. What senders tolerate but is still a slip (version not the first
 *	field, a field given twice: the first one counts, empty lines) is described in p->warn.
 *	It returns 0, or -1 with err naming the line and the defect; p is then empty.
 *	pp_sts_mx_match() matches host against one pattern as RFC 8461 4.1 says: equal names
 *	(case-insensitive, a trailing dot ignored), or "*.rest" against a host of exactly one
 *	more label than rest. pp_sts_policy_match() returns the first pattern of p that host
 *	matches, or NULL.
 *	pp_sts_tlsrpt_is_tlsrpt() tells a TXT record that begins with "v=TLSRPTv1" followed by
 *	";" or its end. pp_sts_tlsrpt_parse() reads one by RFC 8460 3: "v=TLSRPTv1" first,
 *	exactly one "rua=" with one or more URIs separated by "," (each "mailto:" an address
 *	with "@", or "https://" a host), extension fields as in the STS record. It returns the
 *	number of URIs, or -1 with err.
 */
#ifndef PP_MTASTS_H
#define PP_MTASTS_H

#include <stdbool.h>
#include <stddef.h>

#define PP_STS_MAX_AGE_MAX 31557600L /* RFC 8461 3.2: about a year */

typedef enum pp_sts_mode {
    PP_STS_NONE,
    PP_STS_TESTING,
    PP_STS_ENFORCE
} pp_sts_mode;

typedef struct pp_sts_policy {
    pp_sts_mode mode;
    long max_age;
    char **mx; /* patterns, as written */
    size_t nmx;
    char warn[192]; /* "" or the first slip that senders tolerate */
} pp_sts_policy;

bool pp_sts_record_is_sts(const char *txt);
int pp_sts_record_parse(const char *txt, char *id, size_t idlen, char *err, size_t errlen);
int pp_sts_policy_parse(const char *text, size_t len, pp_sts_policy *p, char *err,
                        size_t errlen);
void pp_sts_policy_free(pp_sts_policy *p);
const char *pp_sts_mode_name(pp_sts_mode m);
bool pp_sts_mx_match(const char *pattern, const char *host);
const char *pp_sts_policy_match(const pp_sts_policy *p, const char *host);
bool pp_sts_tlsrpt_is_tlsrpt(const char *txt);
int pp_sts_tlsrpt_parse(const char *txt, char *err, size_t errlen);

#endif

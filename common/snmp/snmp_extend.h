/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	snmp_extend - results of snmpd "extend" commands, read with the net-snmp client library
 * SYNOPSIS
 *	int pp_snmp_extend_oid(int column, const char *name, unsigned long *oid, size_t *len);
 *	int pp_snmp_extend_index(int column, const unsigned long *oid, size_t len,
 *	                         char *name, size_t namelen);
 *	int pp_snmp_extend_state(long result, pp_state *s);
 *	int pp_snmp_extend_judge(const pp_snmp_extend *e, pp_state *s, char *why, size_t whylen);
 *
 *	pp_snmp *pp_snmp_open(const pp_snmp_conf *conf, pp_snmp_status *st, char *err,
 *	                      size_t errlen);
 *	pp_snmp_status pp_snmp_extend_get(pp_snmp *s, const char *name, pp_snmp_extend *e,
 *	                                  char *err, size_t errlen);
 *	pp_snmp_status pp_snmp_extend_list(pp_snmp *s, const char *prefix, pp_strlist *names,
 *	                                   char *err, size_t errlen);
 *	void pp_snmp_extend_free(pp_snmp_extend *e);
 *	void pp_snmp_extend_names_free(pp_strlist *names);
 *	void pp_snmp_close(pp_snmp *s);
 * DESCRIPTION
 *	NET-SNMP-EXTEND-MIB indexes its tables by the extend's name as an OCTET STRING: the
 *	length, then one sub-identifier per byte. pp_snmp_extend_oid() builds the numeric OID
 *	of a column of nsExtendOutput1Table (PP_SNMP_OUTPUT_FULL, PP_SNMP_NUM_LINES,
 *	PP_SNMP_RESULT) or of nsExtendConfigTable (PP_SNMP_CONFIG_STATUS) for name into oid
 *	(room for PP_SNMP_OID_MAX); for PP_SNMP_OUT_LINE (nsExtendOutput2Table, one row per
 *	line, indexed by name and line number) it builds the prefix of the name's rows.
 *	pp_snmp_extend_index() reads the name back from such an OID (NUL-terminated; names
 *	with a NUL byte are refused). pp_snmp_extend_state() takes a nsExtendResult (the
 *	command's exit status) as a plugin state when it is 0..3. These three are pure and
 *	return 0, or -1 for a name too long, an OID of another column, or a result that is no
 *	state.
 *	pp_snmp_extend_judge() decides whether an extend's result can be taken as its state.
 *	snmpd reports only WEXITSTATUS of the command, and what it does when it cannot run one:
 *	a command killed by a signal reads as 0, one snmpd cannot execute (missing, not
 *	executable) as 1 with no output, and a shell reports 127 (not found) or 126 (not
 *	executable). So the result is refused (-1, the reason in why, to follow "extend NAME ")
 *	when the output is empty, when it is not 0..3, or when the state word of the output's
 *	status line (OK, WARNING, CRITICAL or UNKNOWN among the words before the first " - " or
 *	':') is another state than the result; else the state is in *s and it returns 0. A
 *	signal that kills a check after an OK line cannot be told from success.
 *	pp_snmp_open() prepares a v2c (community) or v3 (USM user, noAuthNoPriv, authNoPriv or
 *	authPriv; auth MD5, SHA, SHA-224..SHA-512; priv DES, AES, AES-192, AES-256) session. The
 *	library is set up quietly first: no MIB files, no snmp.conf, no persistent state read or
 *	written, its log discarded, and no SIGALRM of its own (the plugin's -t owns it). Every
 *	request waits at most what pp_timeout_left() leaves, less a margin so that the plugin
 *	can still say what happened, spread over conf->retries + 1 tries.
 *	pp_snmp_extend_get() reads one extend: first nsExtendResult and nsExtendOutNumLines (a
 *	small request, so that the state comes through whatever the output), then
 *	nsExtendOutputFull, waiting at most half of the time left. An output too large for one
 *	message (over about 64 KB: a v3 agent answers tooBig, a v2c agent fails to send and
 *	says nothing) is then read as nsExtendOutLine rows, joined by newlines (the same bytes)
 *	into e->output; e->by_lines says so, e->why why, and e->lines_read how many rows came:
 *	fewer than e->lines when the walk failed too (the reason then appended to why). snmpd
 *	caches a run for about 5 s, so both requests normally see the same run.
 *	pp_snmp_extend_list() walks the nsExtendStatus column of the config table
 *	row by row (GETNEXT; only the request past the last row reaches the output table, the
 *	first line of the first extend, so it runs that one command) and adds the names starting with prefix to names (strings to
 *	free with pp_snmp_extend_names_free()).
 * DIAGNOSTICS
 *	pp_snmp_open() returns NULL (its status in *st) and the others a pp_snmp_status other
 *	than PP_SNMP_OK, with a reason in err: PP_SNMP_UNREACHABLE (no answer in time, or the network refused),
 *	PP_SNMP_DENIED (wrong v3 credentials, unknown user, access refused; a wrong community
 *	or privacy password gets no answer at all, so it shows as PP_SNMP_UNREACHABLE),
 *	PP_SNMP_NO_SUCH (no extend of that name), PP_SNMP_TOO_BIG (the agent answered
 *	tooBig), PP_SNMP_FAILED (anything else). Secrets never
 *	appear in err.
 */
#ifndef PP_SNMP_EXTEND_H
#define PP_SNMP_EXTEND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/opts.h"
#include "core/state.h"

#define PP_SNMP_OID_MAX 128 /* net-snmp's MAX_OID_LEN */

enum {
    PP_SNMP_OUTPUT_FULL = 2,    /* nsExtendOutputFull, .1.3.6.1.4.1.8072.1.3.2.3.1.2 */
    PP_SNMP_NUM_LINES = 3,      /* nsExtendOutNumLines, .1.3.6.1.4.1.8072.1.3.2.3.1.3 */
    PP_SNMP_RESULT = 4,         /* nsExtendResult, .1.3.6.1.4.1.8072.1.3.2.3.1.4 */
    PP_SNMP_CONFIG_STATUS = 21, /* nsExtendStatus, .1.3.6.1.4.1.8072.1.3.2.2.1.21 */
    PP_SNMP_OUT_LINE = 1002     /* nsExtendOutLine, .1.3.6.1.4.1.8072.1.3.2.4.1.2 */
};

typedef enum pp_snmp_status {
    PP_SNMP_OK,
    PP_SNMP_UNREACHABLE,
    PP_SNMP_DENIED,
    PP_SNMP_NO_SUCH,
    PP_SNMP_TOO_BIG,
    PP_SNMP_FAILED
} pp_snmp_status;

typedef enum pp_snmp_level {
    PP_SNMP_NOAUTH_NOPRIV,
    PP_SNMP_AUTH_NOPRIV,
    PP_SNMP_AUTH_PRIV
} pp_snmp_level;

typedef struct pp_snmp_conf {
    const char *host;
    long port;
    int family; /* AF_UNSPEC or AF_INET: udp, AF_INET6: udp6 */
    int version; /* 2 (v2c) or 3 */
    const char *community;
    const char *user;
    pp_snmp_level level;
    const char *auth_proto; /* "SHA" ... */
    const char *auth_pass;
    const char *priv_proto; /* "AES" ... */
    const char *priv_pass;
    long retries;
} pp_snmp_conf;

typedef struct pp_snmp_extend {
    long result;
    long lines;   /* nsExtendOutNumLines */
    char *output; /* NUL-terminated; output_len bytes (may hold NULs) */
    size_t output_len;
    bool by_lines;    /* nsExtendOutputFull did not come: output is the joined rows */
    long lines_read;  /* with by_lines: the rows read */
    char why[384];    /* with by_lines: why (and why the rows stopped, if they did) */
} pp_snmp_extend;

typedef struct pp_snmp pp_snmp;

int pp_snmp_extend_oid(int column, const char *name, unsigned long *oid, size_t *len);
int pp_snmp_extend_index(int column, const unsigned long *oid, size_t len, char *name,
                         size_t namelen);
int pp_snmp_extend_state(long result, pp_state *s);
int pp_snmp_extend_judge(const pp_snmp_extend *e, pp_state *s, char *why, size_t whylen);

pp_snmp *pp_snmp_open(const pp_snmp_conf *conf, pp_snmp_status *st, char *err, size_t errlen);
pp_snmp_status pp_snmp_extend_get(pp_snmp *s, const char *name, pp_snmp_extend *e, char *err,
                                  size_t errlen);
pp_snmp_status pp_snmp_extend_list(pp_snmp *s, const char *prefix, pp_strlist *names,
                                   char *err, size_t errlen);
void pp_snmp_extend_free(pp_snmp_extend *e);
void pp_snmp_extend_names_free(pp_strlist *names);
void pp_snmp_close(pp_snmp *s);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	snmp_extend - results of snmpd "extend" commands, read with the net-snmp client library
 * SYNOPSIS
 *	int pp_snmp_extend_oid(int column, const char *name, unsigned long *oid, size_t *len);
 *	int pp_snmp_extend_index(int column, const unsigned long *oid, size_t len,
 *	                         char *name, size_t namelen);
 *	int pp_snmp_extend_state(long result, pp_state *s);
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
 *	of a column of nsExtendOutput1Table (PP_SNMP_OUTPUT_FULL, PP_SNMP_RESULT) or of
 *	nsExtendConfigTable (PP_SNMP_CONFIG_STATUS) for name into oid (room for
 *	PP_SNMP_OID_MAX), and pp_snmp_extend_index() reads the name back from such an OID
 *	(NUL-terminated; names with a NUL byte are refused). pp_snmp_extend_state() takes a
 *	nsExtendResult (the command's exit status) as a plugin state when it is 0..3. These
 *	three are pure and return 0, or -1 for a name too long, an OID of another column, or a
 *	result that is no state.
 *	pp_snmp_open() prepares a v2c (community) or v3 (USM user, noAuthNoPriv, authNoPriv or
 *	authPriv; auth MD5, SHA, SHA-224..SHA-512; priv DES, AES, AES-192, AES-256) session. The
 *	library is set up quietly first: no MIB files, no snmp.conf, no persistent state read or
 *	written, its log discarded, and no SIGALRM of its own (the plugin's -t owns it). Every
 *	request waits at most what pp_timeout_left() leaves, less a margin so that the plugin
 *	can still say what happened, spread over conf->retries + 1 tries.
 *	pp_snmp_extend_get() reads nsExtendResult and nsExtendOutputFull of one extend in one
 *	request; pp_snmp_extend_list() walks the nsExtendStatus column of the config table
 *	(which runs no command) and adds the names starting with prefix to names (strings to
 *	free with pp_snmp_extend_names_free()).
 * DIAGNOSTICS
 *	pp_snmp_open() returns NULL (its status in *st) and the others a pp_snmp_status other
 *	than PP_SNMP_OK, with a reason in err: PP_SNMP_UNREACHABLE (no answer in time, or the network refused),
 *	PP_SNMP_DENIED (wrong v3 credentials, unknown user, access refused; a wrong community
 *	or privacy password gets no answer at all, so it shows as PP_SNMP_UNREACHABLE),
 *	PP_SNMP_NO_SUCH (no extend of that name), PP_SNMP_FAILED (anything else). Secrets never
 *	appear in err.
 */
#ifndef PP_SNMP_EXTEND_H
#define PP_SNMP_EXTEND_H

#include <stddef.h>

#include "core/opts.h"
#include "core/state.h"

#define PP_SNMP_OID_MAX 128 /* net-snmp's MAX_OID_LEN */

enum {
    PP_SNMP_OUTPUT_FULL = 2, /* nsExtendOutputFull, .1.3.6.1.4.1.8072.1.3.2.3.1.2 */
    PP_SNMP_RESULT = 4,      /* nsExtendResult, .1.3.6.1.4.1.8072.1.3.2.3.1.4 */
    PP_SNMP_CONFIG_STATUS = 21 /* nsExtendStatus, .1.3.6.1.4.1.8072.1.3.2.2.1.21 */
};

typedef enum pp_snmp_status {
    PP_SNMP_OK,
    PP_SNMP_UNREACHABLE,
    PP_SNMP_DENIED,
    PP_SNMP_NO_SUCH,
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
    char *output; /* NUL-terminated; output_len bytes (may hold NULs) */
    size_t output_len;
} pp_snmp_extend;

typedef struct pp_snmp pp_snmp;

int pp_snmp_extend_oid(int column, const char *name, unsigned long *oid, size_t *len);
int pp_snmp_extend_index(int column, const unsigned long *oid, size_t len, char *name,
                         size_t namelen);
int pp_snmp_extend_state(long result, pp_state *s);

pp_snmp *pp_snmp_open(const pp_snmp_conf *conf, pp_snmp_status *st, char *err, size_t errlen);
pp_snmp_status pp_snmp_extend_get(pp_snmp *s, const char *name, pp_snmp_extend *e, char *err,
                                  size_t errlen);
pp_snmp_status pp_snmp_extend_list(pp_snmp *s, const char *prefix, pp_strlist *names,
                                   char *err, size_t errlen);
void pp_snmp_extend_free(pp_snmp_extend *e);
void pp_snmp_extend_names_free(pp_strlist *names);
void pp_snmp_close(pp_snmp *s);

#endif

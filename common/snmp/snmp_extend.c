/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * snmp_extend.c - snmpd "extend" results over SNMP v2c/v3. See snmp_extend.h.
 */
#include "snmp/snmp_extend.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/plugout.h"
#include "core/timeout.h"

_Static_assert(sizeof(oid) == sizeof(unsigned long), "net-snmp oid is not an unsigned long");

#define TABLE_LEN 12   /* sub-identifiers of a table entry's OID, before the column */
#define NAME_MAX_LEN (PP_SNMP_OID_MAX - TABLE_LEN - 2)
#define MARGIN 0.3     /* seconds kept back from the -t limit to report what happened */
#define MAX_WAIT 60.0  /* longest wait for one request when no -t limit is armed */
#define BULK_REPS 32
#define LIST_MAX 4096  /* a walk stops after this many extends */
#define LINES_MAX 200000 /* and a walk of output lines after this many (snmpd reads 100 KB) */
#define FULL_SHARE 0.5 /* of the time left, what the full output may take before the rows */

/* NET-SNMP-EXTEND-MIB::nsExtendOutput1Entry, nsExtendOutput2Entry and nsExtendConfigEntry. */
static const unsigned long output_entry[TABLE_LEN] = {1, 3, 6, 1, 4, 1, 8072, 1, 3, 2, 3, 1};
static const unsigned long output2_entry[TABLE_LEN] = {1, 3, 6, 1, 4, 1, 8072, 1, 3, 2, 4, 1};
static const unsigned long config_entry[TABLE_LEN] = {1, 3, 6, 1, 4, 1, 8072, 1, 3, 2, 2, 1};

struct pp_snmp {
    void *handle;
    char *peer;
    int version;
    pp_snmp_level level;
    double wait; /* seconds the last request could wait */
};

/* ---- pure part ---- */

/* The table entry of a column, and the column's number in it. */
static const unsigned long *entry_of(int column, unsigned long *number)
{
    *number = (unsigned long)column;
    switch (column) {
    case PP_SNMP_OUTPUT_FULL:
    case PP_SNMP_NUM_LINES:
    case PP_SNMP_RESULT:
        return output_entry;
    case PP_SNMP_CONFIG_STATUS:
        return config_entry;
    case PP_SNMP_OUT_LINE:
        *number = 2;
        return output2_entry;
    }
    return NULL;
}

int pp_snmp_extend_oid(int column, const char *name, unsigned long *o, size_t *len)
{
    unsigned long number;
    const unsigned long *entry = entry_of(column, &number);
    size_t n = strlen(name);
    if (!entry || n == 0 || n > NAME_MAX_LEN)
        return -1;
    memcpy(o, entry, sizeof output_entry);
    o[TABLE_LEN] = number;
    o[TABLE_LEN + 1] = n;
    for (size_t i = 0; i < n; i++)
        o[TABLE_LEN + 2 + i] = (unsigned char)name[i];
    *len = TABLE_LEN + 2 + n;
    return 0;
}

int pp_snmp_extend_index(int column, const unsigned long *o, size_t len, char *name,
                         size_t namelen)
{
    unsigned long number;
    const unsigned long *entry = entry_of(column, &number);
    if (!entry || len < TABLE_LEN + 3 || memcmp(o, entry, sizeof output_entry) != 0 ||
        o[TABLE_LEN] != number || o[TABLE_LEN + 1] != len - TABLE_LEN - 2 ||
        len - TABLE_LEN - 2 >= namelen)
        return -1;
    size_t n = len - TABLE_LEN - 2;
    for (size_t i = 0; i < n; i++) {
        unsigned long c = o[TABLE_LEN + 2 + i];
        if (c == 0 || c > 255)
            return -1;
        name[i] = (char)c;
    }
    name[n] = '\0';
    return 0;
}

int pp_snmp_extend_state(long result, pp_state *s)
{
    if (result < PP_OK || result > PP_UNKNOWN)
        return -1;
    *s = (pp_state)result;
    return 0;
}

/* The state word of a status line: among the words before the first " - " or ':'. */
static int stated(const char *text, size_t len, pp_state *s)
{
    static const char *const words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    if (!text)
        return -1;
    const char *end = text + len, *p = text;
    for (const char *q = text; q < end; q++) {
        if (*q == ':' || (*q == '-' && q > text && q[-1] == ' ' && q + 1 < end && q[1] == ' ')) {
            end = q;
            break;
        }
    }
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *w = p;
        while (p < end && *p != ' ' && *p != '\t')
            p++;
        for (int i = 0; i < 4; i++) {
            if ((size_t)(p - w) == strlen(words[i]) && memcmp(w, words[i], (size_t)(p - w)) == 0) {
                *s = (pp_state)i;
                return 0;
            }
        }
    }
    return -1;
}

int pp_snmp_extend_judge(const pp_snmp_extend *e, pp_state *s, char *why, size_t whylen)
{
    pp_plugout po;
    pp_state said;

    if (e->output_len == 0) {
        const char *hint = e->result == 1 ? ": snmpd reports this for a command it cannot run "
                                            "(missing or not executable)"
                           : e->result == 0 ? ": snmpd reports a command killed by a signal "
                                              "as 0"
                                            : "";
        return pp_errf(why, whylen, "printed nothing and exited with %ld%s", e->result, hint);
    }
    if (e->result == 126 || e->result == 127)
        return pp_errf(why, whylen, "exited with %ld: the shell that ran it %s", e->result,
                       e->result == 127 ? "found no such command"
                                        : "found the command but could not execute it");
    if (pp_snmp_extend_state(e->result, s) != 0)
        return pp_errf(why, whylen, "exited with %ld, which is no plugin state (0-3)",
                       e->result);
    pp_plugout_split(e->output, e->output_len, &po);
    if (stated(po.text, po.text_len, &said) == 0 && said != *s)
        return pp_errf(why, whylen, "exited with %ld (%s), but its output says %s%s", e->result,
                       pp_state_name(*s), pp_state_name(said),
                       e->result == 0 ? " (snmpd reports a command killed by a signal as 0)"
                                      : "");
    return 0;
}

/* ---- the library ---- */

/* No MIB files (Debian ships none: hundreds of warnings), no snmp.conf, nothing written to
 * /var/lib/snmp, no log on stderr, and no SIGALRM: that one is the -t limit's. */
static void quiet_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    setenv("MIBS", "", 1);
    setenv("MIBDIRS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    /* Not a directory, so the library cannot create one (it makes cert_indexes/ there). */
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, "/dev/null");
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
    init_snmp("postprobe");
}

/* Waits at most share of the time left (less the margin), spread over retries + 1 tries. */
static void set_wait(pp_snmp *s, netsnmp_session *ss, long retries, double share)
{
    double budget = (pp_timeout_left() - MARGIN) * share;
    if (budget > MAX_WAIT)
        budget = MAX_WAIT;
    if (budget < 0.05)
        budget = 0.05;
    s->wait = budget;
    ss->retries = (int)retries;
    ss->timeout = (long)(budget / (double)(retries + 1) * 1e6);
}

static pp_snmp_status classify(int liberr)
{
    switch (liberr) {
    case SNMPERR_TIMEOUT:
    case SNMPERR_BAD_ADDRESS:
    case SNMPERR_BAD_SENDTO:
    case SNMPERR_BAD_RECVFROM:
    case SNMPERR_NO_SOCKET:
        return PP_SNMP_UNREACHABLE;
    case SNMPERR_AUTHENTICATION_FAILURE:
    case SNMPERR_USM_AUTHENTICATIONFAILURE:
    case SNMPERR_UNKNOWN_USER_NAME:
    case SNMPERR_USM_UNKNOWNSECURITYNAME:
    case SNMPERR_UNSUPPORTED_SEC_LEVEL:
    case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
    case SNMPERR_DECRYPTION_ERR:
    case SNMPERR_USM_DECRYPTIONERROR:
    case SNMPERR_BAD_COMMUNITY:
        return PP_SNMP_DENIED;
    }
    return PP_SNMP_FAILED;
}

/* A request that times out may have been dropped for a reason the agent never tells. */
static void no_answer(const pp_snmp *s, char *err, size_t errlen)
{
    const char *why = s->version == 2      ? ", or community not accepted"
                      : s->level == PP_SNMP_AUTH_PRIV ? ", or wrong privacy password"
                                                      : "";
    snprintf(err, errlen, "no answer from %s within %.1f s (agent down, port closed or "
             "filtered%s)", s->peer, s->wait, why);
}

static pp_snmp_status lib_error(const pp_snmp *s, void *handle, netsnmp_session *sess,
                                char *err, size_t errlen)
{
    int liberr = 0, syserr = 0;
    char *msg = NULL;
    if (handle)
        snmp_sess_error(handle, &syserr, &liberr, &msg);
    else
        snmp_error(sess, &syserr, &liberr, &msg);
    if (liberr == SNMPERR_TIMEOUT)
        no_answer(s, err, errlen);
    else
        snprintf(err, errlen, "%s: %s", s->peer, msg ? msg : "SNMP error");
    free(msg);
    return classify(liberr);
}

/* A localizable key (Ku) from a passphrase, hashed with the session's authentication
 * protocol (RFC 3414 2.6; the privacy key too is made with that hash). */
static int make_key(const netsnmp_session *sess, const char *pass, const char *what, u_char *key,
                    size_t *key_len, char *err, size_t errlen)
{
    if (!pass || strlen(pass) < 8)
        return pp_errf(err, errlen, "the %s password must have at least 8 characters", what);
    if (generate_Ku(sess->securityAuthProto, (u_int)sess->securityAuthProtoLen,
                    (const u_char *)pass, strlen(pass), key, key_len) != SNMPERR_SUCCESS)
        return pp_errf(err, errlen, "cannot make a key from the %s password", what);
    return 0;
}

static int set_usm(netsnmp_session *sess, const pp_snmp_conf *c, char *err, size_t errlen)
{
    sess->securityName = (char *)c->user;
    sess->securityNameLen = strlen(c->user);
    sess->securityLevel = c->level == PP_SNMP_AUTH_PRIV    ? SNMP_SEC_LEVEL_AUTHPRIV
                          : c->level == PP_SNMP_AUTH_NOPRIV ? SNMP_SEC_LEVEL_AUTHNOPRIV
                                                            : SNMP_SEC_LEVEL_NOAUTH;
    if (c->level == PP_SNMP_NOAUTH_NOPRIV)
        return 0;
    int at = usm_lookup_auth_type(c->auth_proto);
    oid *ao = at > 0 ? sc_get_auth_oid(at, &sess->securityAuthProtoLen) : NULL;
    if (!ao)
        return pp_errf(err, errlen, "unknown authentication protocol '%s' (MD5, SHA, SHA-224, "
                       "SHA-256, SHA-384, SHA-512)", c->auth_proto);
    sess->securityAuthProto = ao;
    sess->securityAuthKeyLen = USM_AUTH_KU_LEN;
    if (make_key(sess, c->auth_pass, "authentication", sess->securityAuthKey,
                 &sess->securityAuthKeyLen, err, errlen) != 0)
        return -1;
    if (c->level != PP_SNMP_AUTH_PRIV)
        return 0;
    int pt = usm_lookup_priv_type(c->priv_proto);
    oid *po = pt > 0 ? sc_get_priv_oid(pt, &sess->securityPrivProtoLen) : NULL;
    if (!po)
        return pp_errf(err, errlen, "unknown privacy protocol '%s' (DES, AES, AES-192, AES-256)",
                       c->priv_proto);
    sess->securityPrivProto = po;
    sess->securityPrivKeyLen = USM_PRIV_KU_LEN;
    return make_key(sess, c->priv_pass, "privacy", sess->securityPrivKey,
                    &sess->securityPrivKeyLen, err, errlen);
}

pp_snmp *pp_snmp_open(const pp_snmp_conf *c, pp_snmp_status *st, char *err, size_t errlen)
{
    netsnmp_session sess;
    bool v6 = c->family == AF_INET6 || strchr(c->host, ':') != NULL;
    pp_snmp *s = pp_xcalloc(1, sizeof *s);

    quiet_init();
    snmp_sess_init(&sess);
    s->peer = pp_xasprintf("%s:%s%s%s:%ld", v6 ? "udp6" : "udp", v6 ? "[" : "", c->host,
                           v6 ? "]" : "", c->port);
    sess.peername = s->peer;
    s->version = c->version;
    s->level = c->level;
    *st = PP_SNMP_FAILED;
    if (c->version == 3) {
        sess.version = SNMP_VERSION_3;
        if (set_usm(&sess, c, err, errlen) != 0) {
            pp_snmp_close(s);
            return NULL;
        }
    } else {
        sess.version = SNMP_VERSION_2c;
        sess.community = (u_char *)c->community;
        sess.community_len = strlen(c->community);
    }
    /* A v3 open already talks to the agent (engine ID discovery): it needs the limits too. */
    set_wait(s, &sess, c->retries, 1.0);
    s->handle = snmp_sess_open(&sess);
    /* The keys were copied into the library's session; wipe the local copies. */
    memset(sess.securityAuthKey, 0, sizeof sess.securityAuthKey);
    memset(sess.securityPrivKey, 0, sizeof sess.securityPrivKey);
    if (!s->handle) {
        *st = lib_error(s, NULL, &sess, err, errlen);
        pp_snmp_close(s);
        return NULL;
    }
    *st = PP_SNMP_OK;
    return s;
}

void pp_snmp_close(pp_snmp *s)
{
    if (!s)
        return;
    if (s->handle)
        snmp_sess_close(s->handle);
    free(s->peer);
    free(s);
}

/* Sends pdu (always consumed) and waits for the answer, at most share of the time left;
 * *resp is set only on PP_SNMP_OK. */
static pp_snmp_status request(pp_snmp *s, netsnmp_pdu *pdu, netsnmp_pdu **resp, double share,
                              char *err, size_t errlen)
{
    netsnmp_session *ss = snmp_sess_session(s->handle);
    set_wait(s, ss, ss->retries, share);
    *resp = NULL;
    int rc = snmp_sess_synch_response(s->handle, pdu, resp);
    if (rc != STAT_SUCCESS || !*resp) {
        if (*resp)
            snmp_free_pdu(*resp);
        *resp = NULL;
        if (rc == STAT_TIMEOUT) {
            no_answer(s, err, errlen);
            return PP_SNMP_UNREACHABLE;
        }
        return lib_error(s, s->handle, NULL, err, errlen);
    }
    long es = (*resp)->errstat;
    if (es == SNMP_ERR_NOERROR)
        return PP_SNMP_OK;
    snprintf(err, errlen, "%s answered: %s", s->peer, snmp_errstring((int)es));
    snmp_free_pdu(*resp);
    *resp = NULL;
    return es == SNMP_ERR_NOACCESS || es == SNMP_ERR_AUTHORIZATIONERROR ? PP_SNMP_DENIED
           : es == SNMP_ERR_NOSUCHNAME                                  ? PP_SNMP_NO_SUCH
           : es == SNMP_ERR_TOOBIG                                      ? PP_SNMP_TOO_BIG
                                                                        : PP_SNMP_FAILED;
}

static bool missing(const netsnmp_variable_list *v)
{
    return v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE ||
           v->type == SNMP_ENDOFMIBVIEW;
}

/* GET of the given columns of one extend; *resp is set only on PP_SNMP_OK, with as many
 * variables as columns, none of them missing. */
static pp_snmp_status get_columns(pp_snmp *s, const char *name, const int *cols, size_t n,
                                  double share, netsnmp_pdu **resp, char *err, size_t errlen)
{
    oid o[PP_SNMP_OID_MAX];
    size_t len, got = 0;
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    for (size_t i = 0; i < n; i++) {
        if (pp_snmp_extend_oid(cols[i], name, o, &len) != 0) {
            snmp_free_pdu(pdu);
            snprintf(err, errlen, "extend name '%.40s' is empty or longer than %d bytes", name,
                     NAME_MAX_LEN);
            return PP_SNMP_FAILED;
        }
        snmp_add_null_var(pdu, o, len);
    }
    pp_snmp_status st = request(s, pdu, resp, share, err, errlen);
    if (st != PP_SNMP_OK)
        return st;
    for (const netsnmp_variable_list *v = (*resp)->variables; v; v = v->next_variable)
        got += !missing(v);
    if (got == n)
        return PP_SNMP_OK;
    snmp_free_pdu(*resp);
    *resp = NULL;
    snprintf(err, errlen, "%s has no extend named '%s' (or this user may not read it)", s->peer,
             name);
    return PP_SNMP_NO_SUCH;
}

static pp_snmp_status unexpected(const pp_snmp *s, const char *name, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s answered for extend '%s' with values of unexpected types",
             s->peer, name);
    return PP_SNMP_FAILED;
}

/* Appends the rows of the GETBULK answer resp that are lines of the extend (prefix) to out;
 * cur is the last row's OID. Returns 1 past the rows, 0 for more, -1 for a row out of
 * order or too many. */
static int add_rows(const netsnmp_pdu *resp, const oid *prefix, size_t plen, oid *cur,
                    size_t *cur_len, pp_buf *out, pp_snmp_extend *e)
{
    const netsnmp_variable_list *v = resp->variables;
    if (!v)
        return 1;
    for (; v; v = v->next_variable) {
        if (missing(v) || v->name_length != plen + 1 ||
            snmp_oidtree_compare(prefix, plen, v->name, v->name_length) != 0)
            return 1;
        if (snmp_oid_compare(v->name, v->name_length, cur, *cur_len) <= 0 ||
            e->lines_read >= LINES_MAX || v->type != ASN_OCTET_STR)
            return -1;
        memcpy(cur, v->name, v->name_length * sizeof(oid));
        *cur_len = v->name_length;
        if (e->lines_read++ > 0)
            pp_buf_putc(out, '\n');
        pp_buf_add(out, (const char *)v->val.string, v->val_len);
    }
    return 0;
}

/* The output as nsExtendOutLine rows, joined by newlines; e->why already says why. A walk
 * that stops early keeps the rows read and appends the reason to e->why. */
static void read_lines(pp_snmp *s, const char *name, pp_snmp_extend *e)
{
    oid prefix[PP_SNMP_OID_MAX], cur[PP_SNMP_OID_MAX];
    size_t plen, cur_len;
    char err[256] = "";
    pp_buf out;
    int rc = 0;

    pp_buf_init(&out);
    e->by_lines = true;
    (void)pp_snmp_extend_oid(PP_SNMP_OUT_LINE, name, prefix, &plen); /* checked by the GET */
    memcpy(cur, prefix, plen * sizeof(oid));
    cur_len = plen;
    while (rc == 0) {
        netsnmp_pdu *resp, *pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
        pdu->non_repeaters = 0;
        pdu->max_repetitions = BULK_REPS;
        snmp_add_null_var(pdu, cur, cur_len);
        if (request(s, pdu, &resp, 1.0, err, sizeof err) != PP_SNMP_OK)
            break;
        rc = add_rows(resp, prefix, plen, cur, &cur_len, &out, e);
        snmp_free_pdu(resp);
        if (rc < 0)
            snprintf(err, sizeof err, "%s returned output lines out of order or too many",
                     s->peer);
    }
    if (rc <= 0) {
        size_t used = strlen(e->why);
        snprintf(e->why + used, sizeof e->why - used, "; the lines stopped after %ld of %ld: %s",
                 e->lines_read, e->lines, err);
    }
    e->output_len = out.len;
    e->output = pp_xmalloc(out.len + 1);
    memcpy(e->output, out.len ? out.s : "", out.len);
    e->output[out.len] = '\0';
    pp_buf_free(&out);
}

/* nsExtendOutputFull in a request of its own; on an answer too large for one message, the
 * rows instead. */
static pp_snmp_status read_output(pp_snmp *s, const char *name, pp_snmp_extend *e, char *err,
                                  size_t errlen)
{
    static const int full[] = {PP_SNMP_OUTPUT_FULL};
    netsnmp_pdu *resp;
    pp_snmp_status st = get_columns(s, name, full, 1, FULL_SHARE, &resp, err, errlen);
    if (st == PP_SNMP_TOO_BIG || st == PP_SNMP_UNREACHABLE) {
        /* The agent answered the result a moment ago: silence now is an answer it could
         * not send, as a v2c agent does with one over 64 KB. */
        snprintf(e->why, sizeof e->why, "its output of %ld lines is too large for one SNMP "
                 "message (%s), so it was read line by line", e->lines,
                 st == PP_SNMP_TOO_BIG ? "the agent answered tooBig" : "no answer to it");
        read_lines(s, name, e);
        return PP_SNMP_OK;
    }
    if (st != PP_SNMP_OK)
        return st;
    const netsnmp_variable_list *o = resp->variables;
    if (o->type != ASN_OCTET_STR) {
        snmp_free_pdu(resp);
        return unexpected(s, name, err, errlen);
    }
    e->output_len = o->val_len;
    e->output = pp_xmalloc(o->val_len + 1);
    memcpy(e->output, o->val_len ? (const char *)o->val.string : "", o->val_len);
    e->output[o->val_len] = '\0';
    snmp_free_pdu(resp);
    return PP_SNMP_OK;
}

pp_snmp_status pp_snmp_extend_get(pp_snmp *s, const char *name, pp_snmp_extend *e, char *err,
                                  size_t errlen)
{
    static const int small[] = {PP_SNMP_RESULT, PP_SNMP_NUM_LINES};
    netsnmp_pdu *resp;

    memset(e, 0, sizeof *e);
    pp_snmp_status st = get_columns(s, name, small, 2, 1.0, &resp, err, errlen);
    if (st != PP_SNMP_OK)
        return st;
    const netsnmp_variable_list *r = resp->variables, *n = r->next_variable;
    if (r->type != ASN_INTEGER || n->type != ASN_INTEGER) {
        snmp_free_pdu(resp);
        return unexpected(s, name, err, errlen);
    }
    e->result = *r->val.integer;
    e->lines = *n->val.integer;
    snmp_free_pdu(resp);
    return read_output(s, name, e, err, errlen);
}

void pp_snmp_extend_free(pp_snmp_extend *e)
{
    free(e->output);
    e->output = NULL;
}

static void add_name(pp_strlist *names, const char *name)
{
    names->items = pp_xrealloc(names->items, (names->n + 1) * sizeof *names->items);
    names->items[names->n++] = pp_xstrdup(name);
}

pp_snmp_status pp_snmp_extend_list(pp_snmp *s, const char *prefix, pp_strlist *names,
                                   char *err, size_t errlen)
{
    oid cur[PP_SNMP_OID_MAX], column[TABLE_LEN + 1];
    size_t cur_len = TABLE_LEN + 1, seen = 0;
    char name[PP_SNMP_OID_MAX];

    memcpy(column, config_entry, sizeof config_entry);
    column[TABLE_LEN] = PP_SNMP_CONFIG_STATUS;
    memcpy(cur, column, sizeof column);
    for (;;) {
        /* GETNEXT, not GETBULK: a bulk answer runs on past the column into the output
         * table, running every command and fetching every output, too big ones included. */
        netsnmp_pdu *resp, *pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
        snmp_add_null_var(pdu, cur, cur_len);
        pp_snmp_status st = request(s, pdu, &resp, 1.0, err, errlen);
        if (st != PP_SNMP_OK)
            return st;
        bool done = resp->variables == NULL;
        for (netsnmp_variable_list *v = resp->variables; v && !done; v = v->next_variable) {
            if (missing(v) || v->name_length <= TABLE_LEN + 1 ||
                snmp_oidtree_compare(column, TABLE_LEN + 1, v->name, v->name_length) != 0) {
                done = true;
            } else if (snmp_oid_compare(v->name, v->name_length, cur, cur_len) <= 0 ||
                       ++seen > LIST_MAX) {
                snprintf(err, errlen, "%s returned a table that does not end", s->peer);
                snmp_free_pdu(resp);
                return PP_SNMP_FAILED;
            } else {
                memcpy(cur, v->name, v->name_length * sizeof(oid));
                cur_len = v->name_length;
                if (pp_snmp_extend_index(PP_SNMP_CONFIG_STATUS, cur, cur_len, name,
                                         sizeof name) == 0 &&
                    strncmp(name, prefix, strlen(prefix)) == 0)
                    add_name(names, name);
            }
        }
        snmp_free_pdu(resp);
        if (done)
            return PP_SNMP_OK;
    }
}

void pp_snmp_extend_names_free(pp_strlist *names)
{
    for (size_t i = 0; i < names->n; i++)
        free((char *)names->items[i]);
    pp_strlist_free(names);
}

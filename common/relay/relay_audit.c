/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relay_audit.c - recipient checks on the path of relayed mail. See relay_audit.h.
 */
#include "relay/relay_audit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "postfix/pflist.h"

/* Restrictions that accept mail from any client for an authorized destination. */
static const char *const open_permits[] = {"permit", "permit_auth_destination",
                                           "permit_mx_backup", NULL};

/* Restrictions that take the next element as their argument. */
static const char *const with_argument[] = {
    "check_recipient_access", "check_sender_access", "check_client_access",
    "check_reverse_client_hostname_access", "check_helo_access", "check_etrn_access",
    "check_ccert_access", "check_sasl_access", "check_policy_service",
    "check_client_a_access", "check_client_mx_access", "check_client_ns_access",
    "check_reverse_client_hostname_a_access", "check_reverse_client_hostname_mx_access",
    "check_reverse_client_hostname_ns_access", "check_helo_a_access", "check_helo_mx_access",
    "check_helo_ns_access", "check_sender_a_access", "check_sender_mx_access",
    "check_sender_ns_access", "check_recipient_a_access", "check_recipient_mx_access",
    "check_recipient_ns_access", "reject_rbl_client", "reject_rhsbl_client",
    "reject_rhsbl_sender", "reject_rhsbl_recipient", "reject_rhsbl_helo",
    "reject_rhsbl_reverse_client", "permit_dnswl_client", "permit_rhswl_client", NULL};

static int in(const char *word, const char *const *set)
{
    for (; *set; set++)
        if (strcasecmp(word, *set) == 0)
            return 1;
    return 0;
}

typedef struct walk {
    pp_relay_audit_path *p;
    const pp_relay_audit_class *classes;
    const pp_relay_audit_lookup *lookup;
    const char *nest[PP_RELAY_AUDIT_DEPTH]; /* the classes being walked, outermost first */
    int depth;
    char *takes_arg;  /* the restriction whose argument comes next */
    bool muted;       /* inside a class that came after warn_if_reject */
    bool mute_next;   /* after warn_if_reject: the next item only logs its rejections */
    const char *from; /* the check_recipient_access whose value is walked, or NULL */
} walk;

/* The restriction list of class name, or NULL when name is no class (case matters, as in
 * Postfix's table of classes). */
static const char *class_list(const pp_relay_audit_class *c, const char *name)
{
    for (; c && c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c->value ? c->value : "";
    return NULL;
}

static int step(const char *item, void *arg);

/* Walks list (of class or table name) in its place; non-zero ends the whole walk. */
static int enter_class(walk *w, const char *name, const char *list)
{
    bool loop = w->depth == PP_RELAY_AUDIT_DEPTH;
    for (int i = 0; i < w->depth && !loop; i++)
        loop = strcmp(w->nest[i], name) == 0;
    if (loop) {
        w->p->loop = pp_xstrdup(name);
        return 1;
    }
    bool outer_muted = w->muted;
    w->muted = w->muted || w->mute_next;
    w->mute_next = false;
    w->nest[w->depth++] = name;
    int rc = pp_pflist_split(list, step, w);
    w->depth--;
    free(w->takes_arg); /* a restriction at the end of a class has no argument */
    w->takes_arg = NULL;
    w->muted = outer_muted;
    return rc;
}

/* Table actions that go on to the next restriction (smtpd_check.c, check_table_result). */
static const char *const going_on[] = {"DUNNO", "INFO", "WARN", "FILTER", "HOLD", "DELAY",
                                       "REDIRECT", "BCC", "PREPEND", "DEFER_IF_REJECT", NULL};
/* ... and those that refuse the recipient */
static const char *const refusing[] = {"REJECT", "DEFER", "DEFER_IF_PERMIT", "HANGUP",
                                       "DISCARD", NULL};

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* What the value of table (found with key) does; non-zero ends the walk. */
static int table_value(walk *w, bool mute, const char *table, const char *value,
                       const char *key)
{
    pp_relay_audit_path *p = w->p;
    size_t n = strcspn(value, " \t");
    char word[32];
    bool code = n == 3 && value[n] && (value[0] == '4' || value[0] == '5') &&
                isdigit((unsigned char)value[1]) && isdigit((unsigned char)value[2]);

    snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), value);
    if (in(word, going_on))
        return 0;
    if (code || in(word, refusing)) {
        if (mute && strcasecmp(word, "DISCARD") != 0)
            return 0;
        p->closed = true;
        p->closed_by = pp_xasprintf("%s from check_recipient_access %s", word, table);
        return 1;
    }
    if (!value[0] || all_digits(value) || strcasecmp(word, "OK") == 0 ||
        strcasecmp(word, "RELAY") == 0) {
        p->stopped_by = pp_xasprintf("%s from check_recipient_access %s (key %s)",
                                     value[0] ? word : "(empty value)", table, key);
        return 1;
    }
    if (strchr(value, ':')) {
        p->failed = pp_xasprintf("check_recipient_access %s: the value of %s names a lookup "
                                 "table: smtpd answers 451 4.3.5", table, key);
        return 1;
    }
    const char *outer = w->from;
    w->from = table;
    w->mute_next = mute;
    int rc = enter_class(w, table, value);
    w->from = outer;
    return rc;
}

/* The answer of a check_recipient_access table; non-zero ends the walk. */
static int table_step(walk *w, bool mute, const char *table)
{
    const char *value = NULL, *key = NULL;
    if (!w->lookup || !w->lookup->fn)
        return 0;
    int rc = w->lookup->fn(table, &value, &key, w->lookup->arg);
    if (rc < 0) {
        w->p->failed = pp_xstrdup(value ? value : table);
        return 1;
    }
    return rc > 0 ? table_value(w, mute, table, value, key ? key : "?") : 0;
}

static int step(const char *item, void *arg)
{
    walk *w = arg;
    pp_relay_audit_path *p = w->p;
    bool mute = w->muted || w->mute_next;
    const char *list;

    if (w->takes_arg) {
        int rc = 0;
        bool rcpt = strcasecmp(w->takes_arg, "check_recipient_access") == 0;
        free(w->takes_arg);
        w->takes_arg = NULL;
        w->mute_next = false;
        if (rcpt)
            rc = table_step(w, mute, item);
        return rc;
    }
    if (strcasecmp(item, "warn_if_reject") == 0) {
        w->mute_next = true;
        return 0;
    }
    if (in(item, with_argument)) {
        w->takes_arg = pp_xstrdup(item);
        return 0;
    }
    if (strcasecmp(item, "reject_unverified_recipient") == 0) {
        if (!mute && !p->verify) {
            p->verify = true;
            if (w->from)
                p->verified_by = pp_xasprintf("check_recipient_access %s", w->from);
        }
    } else if (strcasecmp(item, "reject_unlisted_recipient") == 0) {
        p->unlisted = p->unlisted || !mute;
    } else if (strcasecmp(item, "reject") == 0) {
        if (!mute) {
            p->closed = true;
            p->closed_by = w->from ? pp_xasprintf("reject from check_recipient_access %s",
                                                  w->from)
                                   : pp_xstrdup("reject");
        }
    } else if (in(item, open_permits)) {
        p->stopped_by = pp_xstrdup(item);
    } else if ((list = class_list(w->classes, item)) != NULL) {
        return enter_class(w, item, list);
    }
    w->mute_next = false;
    return p->closed || p->stopped_by;
}

void pp_relay_audit_walk(const char *restrictions, const pp_relay_audit_class *classes,
                         const pp_relay_audit_lookup *lookup, pp_relay_audit_path *p)
{
    walk w = {.p = p, .classes = classes, .lookup = lookup};
    memset(p, 0, sizeof *p);
    pp_pflist_split(restrictions, step, &w);
    free(w.takes_arg);
}

void pp_relay_audit_path_free(pp_relay_audit_path *p)
{
    free(p->verified_by);
    free(p->closed_by);
    free(p->stopped_by);
    free(p->loop);
    free(p->failed);
    memset(p, 0, sizeof *p);
}

static int is_no_unknown_recipient_checks(const char *item, void *arg)
{
    (void)arg;
    return strcasecmp(item, "no_unknown_recipient_checks") == 0;
}

/* What refused the recipient on path p, as the verdict says it. */
static char *refusal(const pp_relay_audit_path *p)
{
    if (strcmp(p->closed_by, "reject") == 0)
        return pp_xstrdup("nothing is relayed from outside");
    return pp_xstrdup(p->closed_by);
}

void pp_relay_audit_judge(const pp_relay_audit_settings *s, const pp_relay_audit_lookup *lookup,
                          pp_relay_audit_verdict *v)
{
    pp_relay_audit_path path[3]; /* in smtpd's order: client (delayed), relay, recipient */
    const char *lists[3] = {s->client_restrictions, s->relay_restrictions,
                            s->recipient_restrictions};
    bool unlisted = false;

    memset(v, 0, sizeof *v);
    for (int i = 0; i < 3; i++) {
        pp_relay_audit_walk(lists[i], s->classes, lookup, &path[i]);
        unlisted = unlisted || (i > 0 && path[i].unlisted);
        if (path[i].loop && !v->loop)
            v->loop = pp_xstrdup(path[i].loop);
    }
    bool maps = s->relay_recipient_maps && s->relay_recipient_maps[0];
    bool enforced =
        !pp_pflist_split(s->receive_override_options, is_no_unknown_recipient_checks, NULL) &&
        (unlisted ||
         (s->reject_unlisted_recipient && strcasecmp(s->reject_unlisted_recipient, "yes") == 0));
    for (int i = 0; i < 3 && !v->safe_by && !v->failed; i++) {
        if (path[i].failed)
            v->failed = pp_xstrdup(path[i].failed);
        else if (path[i].closed)
            v->safe_by = refusal(&path[i]);
    }
    for (int i = 1; i < 3 && !v->safe_by && !v->failed; i++)
        if (path[i].verify)
            v->safe_by = path[i].verified_by ? pp_xasprintf("reject_unverified_recipient from %s",
                                                            path[i].verified_by)
                                             : pp_xstrdup("reject_unverified_recipient");
    if (!v->safe_by && !v->failed && maps && enforced)
        v->safe_by = pp_xstrdup("relay_recipient_maps");
    if (!v->safe_by && !v->failed) {
        const char *stop = path[2].stopped_by ? path[2].stopped_by : path[1].stopped_by;
        v->why = pp_xasprintf("%s and no reject_unverified_recipient%s%s",
                              maps ? "relay_recipient_maps not enforced"
                                   : "no relay_recipient_maps",
                              stop ? " before " : "", stop ? stop : "");
    }
    for (int i = 0; i < 3; i++)
        pp_relay_audit_path_free(&path[i]);
}

void pp_relay_audit_verdict_free(pp_relay_audit_verdict *v)
{
    free(v->safe_by);
    free(v->why);
    free(v->failed);
    free(v->loop);
    memset(v, 0, sizeof *v);
}

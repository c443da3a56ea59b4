/*
 * relay_audit.c - recipient checks on the path of relayed mail. See relay_audit.h.
 */
#include "relay/relay_audit.h"

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
    const char *nest[PP_RELAY_AUDIT_DEPTH]; /* the classes being walked, outermost first */
    int depth;
    char *takes_arg; /* the restriction whose argument comes next */
    bool muted;      /* inside a class that came after warn_if_reject */
    bool mute_next;  /* after warn_if_reject: the next item only logs its rejections */
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

/* Walks the list of class name in its place; non-zero ends the whole walk. */
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

static int step(const char *item, void *arg)
{
    walk *w = arg;
    pp_relay_audit_path *p = w->p;
    bool mute = w->muted || w->mute_next;
    const char *list;

    if (w->takes_arg) {
        if (strcasecmp(w->takes_arg, "check_recipient_access") == 0 && !mute) {
            p->tables = pp_xrealloc(p->tables, (p->ntables + 1) * sizeof *p->tables);
            p->tables[p->ntables++] = pp_xstrdup(item);
        }
        free(w->takes_arg);
        w->takes_arg = NULL;
        w->mute_next = false;
        return 0;
    }
    if (strcasecmp(item, "warn_if_reject") == 0) {
        w->mute_next = true;
        return 0;
    }
    if (in(item, with_argument)) {
        w->takes_arg = pp_xstrdup(item);
        return 0;
    }
    if (strcasecmp(item, "reject_unverified_recipient") == 0)
        p->verify = p->verify || !mute;
    else if (strcasecmp(item, "reject_unlisted_recipient") == 0)
        p->unlisted = p->unlisted || !mute;
    else if (strcasecmp(item, "reject") == 0)
        p->closed = !mute;
    else if (in(item, open_permits))
        p->stopped_by = pp_xstrdup(item);
    else if ((list = class_list(w->classes, item)) != NULL)
        return enter_class(w, item, list);
    w->mute_next = false;
    return p->closed || p->stopped_by;
}

void pp_relay_audit_walk(const char *restrictions, const pp_relay_audit_class *classes,
                         pp_relay_audit_path *p)
{
    walk w = {.p = p, .classes = classes};
    memset(p, 0, sizeof *p);
    pp_pflist_split(restrictions, step, &w);
    free(w.takes_arg);
}

static void free_tables(char **tables, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(tables[i]);
    free(tables);
}

void pp_relay_audit_path_free(pp_relay_audit_path *p)
{
    free_tables(p->tables, p->ntables);
    free(p->stopped_by);
    free(p->loop);
    memset(p, 0, sizeof *p);
}

int pp_relay_audit_verifies(const char *access_value, const pp_relay_audit_class *classes)
{
    pp_relay_audit_path p;
    pp_relay_audit_walk(access_value, classes, &p);
    int verify = p.verify;
    pp_relay_audit_path_free(&p);
    return verify;
}

static int is_no_unknown_recipient_checks(const char *item, void *arg)
{
    (void)arg;
    return strcasecmp(item, "no_unknown_recipient_checks") == 0;
}

/* Moves the tables of path p to the end of v's. */
static void take_tables(pp_relay_audit_verdict *v, pp_relay_audit_path *p)
{
    if (p->ntables == 0)
        return;
    v->tables = pp_xrealloc(v->tables, (v->ntables + p->ntables) * sizeof *v->tables);
    memcpy(v->tables + v->ntables, p->tables, p->ntables * sizeof *p->tables);
    v->ntables += p->ntables;
    free(p->tables);
    p->tables = NULL;
    p->ntables = 0;
}

void pp_relay_audit_judge(const pp_relay_audit_settings *s, pp_relay_audit_verdict *v)
{
    pp_relay_audit_path client, rel, rcpt;

    memset(v, 0, sizeof *v);
    pp_relay_audit_walk(s->client_restrictions, s->classes, &client);
    pp_relay_audit_walk(s->relay_restrictions, s->classes, &rel);
    pp_relay_audit_walk(s->recipient_restrictions, s->classes, &rcpt);
    bool maps = s->relay_recipient_maps && s->relay_recipient_maps[0];
    bool enforced =
        !pp_pflist_split(s->receive_override_options, is_no_unknown_recipient_checks, NULL) &&
        (rel.unlisted || rcpt.unlisted ||
         (s->reject_unlisted_recipient && strcasecmp(s->reject_unlisted_recipient, "yes") == 0));
    v->safe_by = client.closed || rel.closed || rcpt.closed ? "nothing is relayed from outside"
                 : rel.verify || rcpt.verify                ? "reject_unverified_recipient"
                 : maps && enforced                         ? "relay_recipient_maps"
                                                            : NULL;
    const char *loop = client.loop ? client.loop : rel.loop ? rel.loop : rcpt.loop;
    if (loop)
        v->loop = pp_xstrdup(loop);
    if (!v->safe_by) {
        const char *stop = rcpt.stopped_by ? rcpt.stopped_by : rel.stopped_by;
        v->why = pp_xasprintf("%s and no reject_unverified_recipient%s%s",
                              maps ? "relay_recipient_maps not enforced"
                                   : "no relay_recipient_maps",
                              stop ? " before " : "", stop ? stop : "");
        take_tables(v, &rel);
        take_tables(v, &rcpt);
    }
    pp_relay_audit_path_free(&client);
    pp_relay_audit_path_free(&rel);
    pp_relay_audit_path_free(&rcpt);
}

void pp_relay_audit_verdict_free(pp_relay_audit_verdict *v)
{
    free_tables(v->tables, v->ntables);
    free(v->why);
    free(v->loop);
    memset(v, 0, sizeof *v);
}

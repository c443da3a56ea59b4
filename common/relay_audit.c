/*
 * relay_audit.c - recipient checks on the path of relayed mail. See relay_audit.h.
 */
#include "relay_audit.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pflist.h"

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
        if (strcmp(word, *set) == 0)
            return 1;
    return 0;
}

typedef struct walk {
    pp_relay_audit_path *p;
    char *takes_arg; /* the restriction whose argument comes next */
} walk;

static int step(const char *item, void *arg)
{
    walk *w = arg;
    pp_relay_audit_path *p = w->p;

    if (w->takes_arg) {
        if (strcmp(w->takes_arg, "check_recipient_access") == 0) {
            p->tables = pp_xrealloc(p->tables, (p->ntables + 1) * sizeof *p->tables);
            p->tables[p->ntables++] = pp_xstrdup(item);
        }
        free(w->takes_arg);
        w->takes_arg = NULL;
        return 0;
    }
    if (in(item, with_argument)) {
        w->takes_arg = pp_xstrdup(item);
        return 0;
    }
    if (strcmp(item, "reject_unverified_recipient") == 0)
        p->verify = true;
    else if (strcmp(item, "reject_unlisted_recipient") == 0)
        p->unlisted = true;
    else if (strcmp(item, "reject") == 0)
        p->closed = true;
    else if (in(item, open_permits))
        p->stopped_by = pp_xstrdup(item);
    return p->closed || p->stopped_by;
}

void pp_relay_audit_walk(const char *restrictions, pp_relay_audit_path *p)
{
    walk w = {p, NULL};
    memset(p, 0, sizeof *p);
    pp_pflist_split(restrictions, step, &w);
    free(w.takes_arg);
}

void pp_relay_audit_path_free(pp_relay_audit_path *p)
{
    for (size_t i = 0; i < p->ntables; i++)
        free(p->tables[i]);
    free(p->tables);
    free(p->stopped_by);
    memset(p, 0, sizeof *p);
}

static int is_verify(const char *item, void *arg)
{
    (void)arg;
    return strcmp(item, "reject_unverified_recipient") == 0;
}

int pp_relay_audit_verifies(const char *access_value)
{
    return pp_pflist_split(access_value, is_verify, NULL) != 0;
}

/*
 * NAME
 *	relay_audit - does mail from outside for a relayed domain meet a recipient check?
 * SYNOPSIS
 *	void pp_relay_audit_walk(const char *restrictions, const pp_relay_audit_class *classes,
 *				 pp_relay_audit_path *p);
 *	void pp_relay_audit_path_free(pp_relay_audit_path *p);
 *	int pp_relay_audit_verifies(const char *access_value,
 *				    const pp_relay_audit_class *classes);
 *	void pp_relay_audit_judge(const pp_relay_audit_settings *s, pp_relay_audit_verdict *v);
 *	void pp_relay_audit_verdict_free(pp_relay_audit_verdict *v);
 * DESCRIPTION
 *	A relay that accepts any recipient of a relayed domain bounces the mail the next hop
 *	refuses, to forged senders: backscatter. The cures are relay_recipient_maps (enforced
 *	by reject_unlisted_recipient, implicit while smtpd_reject_unlisted_recipient = yes) or
 *	reject_unverified_recipient, reached by mail from an unauthenticated outside client.
 *	Everything here is pure: the settings come from the caller.
 *
 *	pp_relay_audit_walk() follows a restriction list (as postconf -x prints it) the way
 *	such mail goes through it: permit_mynetworks, permit_sasl_authenticated and other
 *	permits for trusted clients do not apply to it; permit, permit_auth_destination and
 *	permit_mx_backup accept it and end the walk (p->stopped_by names them); reject ends it
 *	with nothing accepted (p->closed). Before that it notes reject_unverified_recipient
 *	(p->verify), reject_unlisted_recipient (p->unlisted) and the tables of
 *	check_recipient_access (p->tables), whose values may verify some domains only.
 *	Arguments of other restrictions (tables, policy services, DNSBL names) are skipped.
 *	Restriction names match in any case, as in Postfix. A restriction after warn_if_reject
 *	only logs its rejections: it neither verifies nor closes.
 *	classes (NULL, or an array ended by {NULL, NULL}) are the smtpd_restriction_classes:
 *	an item that names one stands for its restriction list, walked in place. A class met
 *	again inside itself, or nested more than PP_RELAY_AUDIT_DEPTH deep, ends the walk with
 *	p->loop naming it (Postfix itself would recurse without end there).
 *	pp_relay_audit_verifies() is true when an access table value, walked the same way,
 *	reaches reject_unverified_recipient.
 *
 *	pp_relay_audit_judge() judges one smtpd service from its effective settings: safe
 *	(v->safe_by: "nothing is relayed from outside" when its client, relay or recipient
 *	restrictions reject such mail, else "reject_unverified_recipient", else
 *	"relay_recipient_maps" when they are enforced: smtpd_reject_unlisted_recipient = yes
 *	or reject_unlisted_recipient on the way, and no receive_override_options =
 *	no_unknown_recipient_checks), or not (v->why says what is missing and before which
 *	permit, and v->tables are the check_recipient_access tables whose entries may still
 *	verify some domains). v->loop names a class loop met on the way.
 */
#ifndef PP_RELAY_AUDIT_H
#define PP_RELAY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#define PP_RELAY_AUDIT_DEPTH 16

typedef struct pp_relay_audit_class {
    const char *name;  /* listed in smtpd_restriction_classes */
    const char *value; /* the restriction list of the parameter of that name */
} pp_relay_audit_class;

typedef struct pp_relay_audit_path {
    bool verify;
    bool unlisted;
    bool closed;
    char *stopped_by;
    char *loop;
    char **tables;
    size_t ntables;
} pp_relay_audit_path;

typedef struct pp_relay_audit_settings {
    const char *client_restrictions;
    const char *relay_restrictions;
    const char *recipient_restrictions;
    const char *relay_recipient_maps;
    const char *reject_unlisted_recipient; /* smtpd_reject_unlisted_recipient */
    const char *receive_override_options;
    const pp_relay_audit_class *classes;
} pp_relay_audit_settings;

typedef struct pp_relay_audit_verdict {
    const char *safe_by; /* NULL: unknown recipients of relayed domains are accepted */
    char *why;
    char *loop;
    char **tables;
    size_t ntables;
} pp_relay_audit_verdict;

void pp_relay_audit_walk(const char *restrictions, const pp_relay_audit_class *classes,
                         pp_relay_audit_path *p);
void pp_relay_audit_path_free(pp_relay_audit_path *p);
int pp_relay_audit_verifies(const char *access_value, const pp_relay_audit_class *classes);
void pp_relay_audit_judge(const pp_relay_audit_settings *s, pp_relay_audit_verdict *v);
void pp_relay_audit_verdict_free(pp_relay_audit_verdict *v);

#endif

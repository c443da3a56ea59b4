/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	relay_audit - does mail from outside for a relayed domain meet a recipient check?
 * SYNOPSIS
 *	void pp_relay_audit_walk(const char *restrictions, const pp_relay_audit_class *classes,
 *				 const pp_relay_audit_lookup *lookup, pp_relay_audit_path *p);
 *	void pp_relay_audit_path_free(pp_relay_audit_path *p);
 *	void pp_relay_audit_judge(const pp_relay_audit_settings *s,
 *				  const pp_relay_audit_lookup *lookup, pp_relay_audit_verdict *v);
 *	void pp_relay_audit_verdict_free(pp_relay_audit_verdict *v);
 * DESCRIPTION
 *	A relay that accepts any recipient of a relayed domain bounces the mail the next hop
 *	refuses, to forged senders: backscatter. The cures are relay_recipient_maps (enforced
 *	by reject_unlisted_recipient, implicit while smtpd_reject_unlisted_recipient = yes) or
 *	reject_unverified_recipient, reached by mail from an unauthenticated outside client.
 *	Everything here is pure: the settings come from the caller, and so do the answers of
 *	the access tables, through lookup.
 *
 *	pp_relay_audit_walk() follows a restriction list (as postconf -x prints it) the way
 *	mail from outside for an unknown recipient of one relayed domain goes through it:
 *	permit_mynetworks, permit_sasl_authenticated and other permits for trusted clients do
 *	not apply to it; permit, permit_auth_destination and permit_mx_backup accept it and end
 *	the walk (p->stopped_by names them); reject ends it refused (p->closed, p->closed_by).
 *	It notes reject_unverified_recipient (p->verify; p->verified_by names the table whose
 *	value it came from, NULL when the list has it) and reject_unlisted_recipient
 *	(p->unlisted) on the way. check_recipient_access TABLE asks lookup->fn(TABLE, &value,
 *	&key, lookup->arg) for the domain's answer, in smtpd's order (postfix/access.h): 1 with
 *	value and the key that matched, 0 without (the walk goes on), -1 when the table cannot
 *	be read (value: the reason; the walk ends with p->failed: smtpd answers 451). A value
 *	acts as in smtpd's check_table_result(): OK, RELAY or a number accept (p->stopped_by
 *	"OK from check_recipient_access TABLE (key KEY)"); REJECT, DEFER, DEFER_IF_PERMIT,
 *	HANGUP and "4NN/5NN text" refuse, and so does DISCARD (nothing is bounced);
 *	DUNNO and the other actions go on; anything else is a restriction list walked in place.
 *	A NULL lookup (or fn) answers nothing. Arguments of other restrictions (tables, policy
 *	services, DNSBL names) are skipped. Restriction names match in any case, as in
 *	Postfix. A restriction after warn_if_reject only logs its rejections: it neither
 *	verifies nor refuses (an accept still accepts).
 *	classes (NULL, or an array ended by {NULL, NULL}) are the smtpd_restriction_classes:
 *	an item that names one stands for its restriction list, walked in place. A class (or
 *	table value) met again inside itself, or nested more than PP_RELAY_AUDIT_DEPTH deep,
 *	ends the walk with p->loop naming it (Postfix itself would recurse without end there).
 *
 *	pp_relay_audit_judge() judges one smtpd service for one relayed domain (lookup
 *	answers for it) from the service's effective settings: safe (v->safe_by: "nothing is
 *	relayed from outside" when its client, relay or recipient restrictions reject such
 *	mail, what refused it when an access table did, else "reject_unverified_recipient"
 *	(with " from check_recipient_access TABLE" when a table's value has it), else
 *	"relay_recipient_maps" when they are enforced: smtpd_reject_unlisted_recipient = yes
 *	or reject_unlisted_recipient on the way, and no receive_override_options =
 *	no_unknown_recipient_checks), or not (v->why says what is missing and before which
 *	accept), or undecided (v->failed: a table could not be read). v->loop names a loop
 *	met on the way.
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

/* 1: found (*value, *key), 0: not found, -1: failed (*value: why) */
typedef int (*pp_relay_audit_lookup_fn)(const char *table, const char **value,
                                        const char **key, void *arg);

typedef struct pp_relay_audit_lookup {
    pp_relay_audit_lookup_fn fn;
    void *arg;
} pp_relay_audit_lookup;

typedef struct pp_relay_audit_path {
    bool verify;
    bool unlisted;
    bool closed;
    char *verified_by; /* the check_recipient_access whose value verifies, or NULL */
    char *closed_by;   /* "reject", "REJECT from check_recipient_access TABLE" */
    char *stopped_by;
    char *loop;
    char *failed;
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
    char *safe_by; /* NULL: unknown recipients of the domain are accepted (or failed) */
    char *why;
    char *loop;
    char *failed;
} pp_relay_audit_verdict;

void pp_relay_audit_walk(const char *restrictions, const pp_relay_audit_class *classes,
                         const pp_relay_audit_lookup *lookup, pp_relay_audit_path *p);
void pp_relay_audit_path_free(pp_relay_audit_path *p);
void pp_relay_audit_judge(const pp_relay_audit_settings *s, const pp_relay_audit_lookup *lookup,
                          pp_relay_audit_verdict *v);
void pp_relay_audit_verdict_free(pp_relay_audit_verdict *v);

#endif

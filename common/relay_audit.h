/*
 * NAME
 *	relay_audit - does mail from outside for a relayed domain meet a recipient check?
 * SYNOPSIS
 *	void pp_relay_audit_walk(const char *restrictions, pp_relay_audit_path *p);
 *	void pp_relay_audit_path_free(pp_relay_audit_path *p);
 *	int pp_relay_audit_verifies(const char *access_value);
 * DESCRIPTION
 *	A relay that accepts any recipient of a relayed domain bounces the mail the next hop
 *	refuses, to forged senders: backscatter. The cures are relay_recipient_maps (enforced
 *	by reject_unlisted_recipient, implicit while smtpd_reject_unlisted_recipient = yes) or
 *	reject_unverified_recipient, reached by mail from an unauthenticated outside client.
 *	pp_relay_audit_walk() follows a restriction list (smtpd_relay_restrictions or
 *	smtpd_recipient_restrictions, as postconf -x prints it) the way such mail goes through
 *	it: permit_mynetworks, permit_sasl_authenticated and other permits for trusted clients
 *	do not apply to it; permit, permit_auth_destination and permit_mx_backup accept it and
 *	end the walk (p->stopped_by names them); reject ends it with nothing accepted
 *	(p->closed). Before that it notes reject_unverified_recipient (p->verify),
 *	reject_unlisted_recipient (p->unlisted) and the tables of check_recipient_access
 *	(p->tables), whose values may verify some domains only. Arguments of other
 *	restrictions (tables, policy services, DNSBL names) are skipped. Pure.
 *	pp_relay_audit_verifies() is true when an access table value is a restriction list
 *	that contains reject_unverified_recipient.
 */
#ifndef PP_RELAY_AUDIT_H
#define PP_RELAY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pp_relay_audit_path {
    bool verify;
    bool unlisted;
    bool closed;
    char *stopped_by;
    char **tables;
    size_t ntables;
} pp_relay_audit_path;

void pp_relay_audit_walk(const char *restrictions, pp_relay_audit_path *p);
void pp_relay_audit_path_free(pp_relay_audit_path *p);
int pp_relay_audit_verifies(const char *access_value);

#endif

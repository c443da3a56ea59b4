/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	relayhost - the relay host Postfix's smtp client sends through, and the login it makes
 * SYNOPSIS
 *	int pp_relayhost_parse_dest(const char *dest, pp_relayhost_dest *d);
 *	void pp_relayhost_dest_free(pp_relayhost_dest *d);
 *	int pp_relayhost_sender_keys(const char *sender, const char *delimiters,
 *				     pp_access_keys *k);
 *	void pp_relayhost_sasl_keys(const char *sender, const char *delimiters, bool sender_auth,
 *				    const char *host, const char *dest, pp_access_keys *k);
 *	pp_relayhost_tls pp_relayhost_tls_level(const char *level);
 *	char *pp_relayhost_mechs(const char *filter, const char *security_options);
 *	int pp_relayhost_split_cred(const char *value, char delim, pp_relayhost_cred *cred);
 *
 *	int pp_relayhost_load(pp_relayhost *rh, const char *config_dir, const char *sender,
 *			      char *err, size_t errlen);
 *	int pp_relayhost_credentials(pp_relayhost *rh, const char *host, pp_relayhost_cred *cred,
 *				     char *err, size_t errlen);
 *	void pp_relayhost_cred_free(pp_relayhost_cred *cred);
 *	int pp_relayhost_targets(const pp_relayhost *rh, pp_dns *dns, int family,
 *				 pp_relayhost_targets_t *t, char *err, size_t errlen);
 *	void pp_relayhost_targets_free(pp_relayhost_targets_t *t);
 *	void pp_relayhost_mail_opts(const pp_relayhost *rh, const pp_relayhost_target *t,
 *				    const pp_relayhost_cred *cred, pp_mail_opts *mo);
 *	void pp_relayhost_free(pp_relayhost *rh);
 * DESCRIPTION
 *	Pure helpers (no I/O):
 *	pp_relayhost_parse_dest() reads one next hop as relayhost and transport entries write
 *	it: "[host]:port", "[host]", "host:port", "host" ("[ipv6:addr]" too). d->bracket is true
 *	for the bracketed forms (no MX lookup); d->port is NULL when none is given (smtp). It
 *	returns 0, or -1 for an empty host, an unclosed bracket or an empty port.
 *	pp_relayhost_sender_keys() lists the keys Postfix's mail_addr_find() asks a table for an
 *	envelope sender: the address, the address without its extension (when a character of
 *	delimiters is in the localpart), "@domain" (the last two partial: not asked of pattern
 *	tables). It returns 0, or -1 for an address without "@domain".
 *	pp_relayhost_sasl_keys() lists the keys smtp(8)'s smtp_sasl_passwd_lookup() asks
 *	smtp_sasl_password_maps, in its order: with sender_auth
 *	(smtp_sender_dependent_authentication) and a sender, the sender's keys; then the host
 *	name connected to; then the next hop as written (dest: "[host]:port").
 *	pp_relayhost_tls_level() reads smtp_tls_security_level; pp_relayhost_mechs() is the
 *	list of SASL mechanisms Postfix may use (blank separated): smtp_sasl_mechanism_filter's
 *	words (empty: every mechanism common/mail/sasl speaks), less PLAIN and LOGIN when
 *	security_options (smtp_sasl_security_options or its TLS forms) says noplaintext.
 *	pp_relayhost_split_cred() splits a password map value "user:password" at the first
 *	delim (":" in Postfix 3.7), as Postfix does; 0, or -1 without user.
 *
 *	pp_relayhost_load() reads what the smtp client would use (postconf -x, postconf -Mx):
 *	the transport (default_transport, or for sender the entry of
 *	sender_dependent_default_transport_maps), whose master.cf service's -o overrides apply
 *	to every smtp_ parameter read here; the next hop in Postfix's order of precedence (the
 *	sender-dependent transport's nexthop, default_transport's, the entry of
 *	sender_dependent_relayhost_maps for sender, relayhost); TLS, SASL and DNS settings.
 *	Tables are asked through postmap -q (common/postfix/access). It returns 0; 1 when no
 *	relay host is configured (err says so and what Postfix does instead); -1 with err when
 *	postconf or a table fails, or the transport is not an SMTP client.
 *	pp_relayhost_credentials() looks up the login for a session with host (the name of the
 *	host connected to) in smtp_sasl_password_maps, key by key and table by table as
 *	maps_find() does. It returns 1 with cred (cred->key: the key that matched), 0 when no
 *	key matched or no map is configured (err names the keys tried), -1 when a table cannot
 *	be read (err has postmap's reason: a map readable by root only, say).
 *	pp_relayhost_cred_free() wipes the password before freeing it.
 *	pp_relayhost_targets() lists where the smtp client connects, in its order: for a
 *	bracketed next hop, or with DNS lookups disabled, the host itself (its addresses are
 *	the system's: getaddrinfo, as smtp_host_lookup = native); otherwise the MX hosts of
 *	the next hop (its implicit MX when it has none), each address of each, looked up
 *	through dns (A and AAAA, as family allows). It returns 0, or -1 with err when the
 *	lookups leave nothing to connect to (naming the DNS answer).
 *	pp_relayhost_mail_opts() is the login Postfix makes with a target: the port, the TLS
 *	of smtp_tls_security_level (none: no TLS; may and dane: STARTTLS when offered,
 *	certificate not verified; encrypt: STARTTLS, not verified; verify: verified for the
 *	host name; secure: verified for the next hop's name; smtp_tls_wrappermode: implicit
 *	TLS), smtp_tls_CAfile, smtp_helo_name, the credentials and the mechanisms allowed.
 *	The strings of mo point into rh, t and cred.
 */
#ifndef PP_RELAYHOST_H
#define PP_RELAYHOST_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/dns.h"
#include "mail/mailsession.h"
#include "postfix/access.h"

typedef struct pp_relayhost_dest {
    char *host; /* without brackets */
    char *port; /* NULL: smtp */
    bool bracket;
} pp_relayhost_dest;

typedef enum pp_relayhost_tls {
    PP_RH_TLS_NONE,
    PP_RH_TLS_MAY,
    PP_RH_TLS_ENCRYPT,
    PP_RH_TLS_VERIFY,
    PP_RH_TLS_SECURE,
    PP_RH_TLS_DANE,       /* without DNSSEC-validated TLSA records: as may */
    PP_RH_TLS_UNSUPPORTED /* dane-only, fingerprint: not spoken here */
} pp_relayhost_tls;

typedef struct pp_relayhost_cred {
    char *user;
    char *password;
    char *key;   /* the key that matched */
    char *table; /* the table it matched in */
} pp_relayhost_cred;

typedef struct pp_relayhost_target {
    char *name; /* the host name (the sasl_passwd key, the certificate's name) */
    char *addr; /* what to connect to: an address, or the name for getaddrinfo */
} pp_relayhost_target;

typedef struct pp_relayhost_targets_t {
    pp_relayhost_target *v;
    size_t n;
} pp_relayhost_targets_t;

typedef struct pp_relayhost {
    char *config_dir;
    char *sender;
    char *transport;  /* the master.cf service: "smtp", "smtpip" */
    char *dest;       /* the next hop as written */
    char *dest_from;  /* where it came from: "relayhost", "sender_dependent_relayhost_maps" */
    pp_relayhost_dest hop;
    long port;
    bool dns;         /* smtp_dns_support_level is not "disabled": MX lookups */
    char *tls_level;
    pp_relayhost_tls tls;
    bool wrappermode;
    char *cafile;
    char *mechs;      /* pp_relayhost_mechs() of the filter and the security options */
    char *helo;
    char *maps;       /* smtp_sasl_password_maps */
    bool sasl_enable;
    bool sender_auth;
    char *delimiters; /* recipient_delimiter */
    char cred_delim;
    pp_access_cache *cache;
    pp_access_keys tried;
} pp_relayhost;

int pp_relayhost_parse_dest(const char *dest, pp_relayhost_dest *d);
void pp_relayhost_dest_free(pp_relayhost_dest *d);
int pp_relayhost_sender_keys(const char *sender, const char *delimiters, pp_access_keys *k);
void pp_relayhost_sasl_keys(const char *sender, const char *delimiters, bool sender_auth,
                            const char *host, const char *dest, pp_access_keys *k);
pp_relayhost_tls pp_relayhost_tls_level(const char *level);
char *pp_relayhost_mechs(const char *filter, const char *security_options);
int pp_relayhost_split_cred(const char *value, char delim, pp_relayhost_cred *cred);

int pp_relayhost_load(pp_relayhost *rh, const char *config_dir, const char *sender, char *err,
                      size_t errlen);
int pp_relayhost_credentials(pp_relayhost *rh, const char *host, pp_relayhost_cred *cred,
                             char *err, size_t errlen);
void pp_relayhost_cred_free(pp_relayhost_cred *cred);
int pp_relayhost_targets(const pp_relayhost *rh, pp_dns *dns, int family,
                         pp_relayhost_targets_t *t, char *err, size_t errlen);
void pp_relayhost_targets_free(pp_relayhost_targets_t *t);
void pp_relayhost_mail_opts(const pp_relayhost *rh, const pp_relayhost_target *t,
                            const pp_relayhost_cred *cred, pp_mail_opts *mo);
void pp_relayhost_free(pp_relayhost *rh);

#endif

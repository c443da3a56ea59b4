/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	access - smtpd's lookups in access tables (check_recipient_access and its kin)
 * SYNOPSIS
 *	bool pp_access_parent_style(const char *parent_domain_matches_subdomains);
 *	int pp_access_mail_keys(const char *address, const char *delimiters, bool parent_style,
 *				pp_access_keys *k);
 *	void pp_access_keys_free(pp_access_keys *k);
 *	bool pp_access_pattern_table(const char *table);
 *	pp_access_cache *pp_access_cache_new(const char *config_dir);
 *	void pp_access_cache_want(pp_access_cache *c, const pp_access_keys *k);
 *	int pp_access_find(pp_access_cache *c, const char *table, const pp_access_keys *k,
 *			   const char **value, const char **key, char *err, size_t errlen);
 *	void pp_access_cache_free(pp_access_cache *c);
 * DESCRIPTION
 *	An access table answers for a mail address the way smtpd's check_mail_access() asks
 *	it (smtpd_check.c, mail_addr_find.c): the first key the table has, in this order,
 *	gives the answer, and the first table of a restriction list that answers wins.
 *
 *	pp_access_mail_keys() (pure) lists the keys smtpd asks for "user+ext@domain": the
 *	full address; without the extension (when a character of delimiters, Postfix's
 *	recipient_delimiter, is in the localpart: the extension starts at the first one);
 *	the domain; its parent domains up to the top-level one, as "parent" when parent_style
 *	(then a ".parent" key never matches) or as ".parent" (then "parent" never matches a
 *	subdomain); then "user+ext@" and "user@". Every key but the first is partial
 *	(k->v[i].partial): Postfix asks pattern tables (regexp, pcre, ...) the full address
 *	only. The domain is lowercased, a trailing dot removed. It returns 0, or -1 for an
 *	address without "@domain" (k is then empty).
 *	pp_access_parent_style() is true when the value of parent_domain_matches_subdomains
 *	lists smtpd_access_maps (its default does).
 *	pp_access_pattern_table() is true for the table types Postfix flags as patterns
 *	(regexp, pcre, cidr, tcp, socketmap, randmap, fail; "proxy:" looked through);
 *	unionmap and pipemap count as fixed, as their first member usually is.
 *
 *	pp_access_find() gives the value of the first key of k that table has (*value, and
 *	*key the key that matched, both valid until the cache is freed) and returns 1; 0 when
 *	the table has none of them; -1 with err when the table cannot be read (smtpd would
 *	answer "451 4.3.5 Server configuration error"). Tables are asked through "postmap
 *	[-c config_dir] -q - TABLE" ("proxy:" dropped, as pflist does), every key once per
 *	table: the first lookup in a table also asks it every key given to
 *	pp_access_cache_want() before, so that many addresses cost one postmap run per table.
 */
#ifndef PP_ACCESS_H
#define PP_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pp_access_key {
    char *key;
    bool partial; /* not asked of pattern tables */
} pp_access_key;

typedef struct pp_access_keys {
    pp_access_key *v;
    size_t n;
} pp_access_keys;

typedef struct pp_access_cache pp_access_cache;

bool pp_access_parent_style(const char *parent_domain_matches_subdomains);
int pp_access_mail_keys(const char *address, const char *delimiters, bool parent_style,
                        pp_access_keys *k);
void pp_access_keys_free(pp_access_keys *k);
bool pp_access_pattern_table(const char *table);
pp_access_cache *pp_access_cache_new(const char *config_dir);
void pp_access_cache_want(pp_access_cache *c, const pp_access_keys *k);
int pp_access_find(pp_access_cache *c, const char *table, const pp_access_keys *k,
                   const char **value, const char **key, char *err, size_t errlen);
void pp_access_cache_free(pp_access_cache *c);

#endif

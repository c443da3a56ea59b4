/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	maprefs - the lookup tables a Postfix instance uses, as main.cf and master.cf name them
 * SYNOPSIS
 *	void pp_maprefs_scan(pp_maprefs *r, const char *param, const char *value);
 *	bool pp_maprefs_ignored(const char *param);
bool pp_maprefs_no_regsub(const char *param);
 *	bool pp_maprefs_no_regsub(const char *param);
 *	pp_mapref_class pp_maprefs_class(const char *type);
 *	int pp_maprefs_load(pp_maprefs *r, const char *config_dir, char *err, size_t errlen);
 *	void pp_maprefs_free(pp_maprefs *r);
 * DESCRIPTION
 *	pp_maprefs_load() runs "postconf -x" (every parameter, defaults included, $names
 *	expanded) and "postconf -P -x" (master.cf -o overrides, named service/type/parameter)
 *	for config_dir (NULL: postconf's default) and collects every file-based table their
 *	values name, once each; it also keeps data_directory, queue_directory and
 *	smtputf8_enable (smtputf8: postmap then skips non-UTF-8 source lines).
 *	pp_maprefs_scan() (pure) adds the tables one value names: words TYPE:/path, separated
 *	by blanks, commas and braces (so "pipemap:{hash:/a, hash:/b}" gives both), "proxy:"
 *	removed, for the types pp_maprefs_class() knows. Tables named by alias_maps or
 *	alias_database are in postalias(1) format (alias is set). Parameters that name caches
 *	Postfix writes itself (address_verify_map, postscreen_cache_map and the other
 *	*_cache_map, smtp_sasl_auth_cache_name and the other *_cache_name, the TLS
 *	*_cache_database) or only list tables (proxy_read_maps) are skipped:
 *	pp_maprefs_ignored(). So is every table proxy_write_maps names (main.cf's or a
 *	master.cf -o one): proxymap writes it for Postfix's daemons, wherever else it is named,
 *	in whichever order the parameters come (written lists them).
 *	pp_maprefs_no_regsub() says whether Postfix opens param's tables with
 *	DICT_FLAG_NO_REGSUB (transport_maps, sender_dependent_relayhost_maps,
 *	sender_dependent_default_transport_maps, their address_verify_ forms,
 *	mailbox_transport_maps, fallback_transport_maps): a pcre or regexp rule with $number
 *	is skipped there. A table's no_regsub is the first such parameter naming it, or NULL.
 *	pp_maprefs_class(): hash btree lmdb cdb are INDEXED (postmap builds TYPE's file from the
 *	source), dbm and sdbm INDEXED_OTHER (not read here), pcre regexp PATTERN, cidr texthash
 *	MEMORY (read whole when a process starts), anything else NONE.
 *	pp_maprefs_load() returns 0, or -1 with err giving postconf's complaint.
 */
#ifndef PP_MAPREFS_H
#define PP_MAPREFS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum pp_mapref_class {
    PP_MAPREF_NONE,
    PP_MAPREF_INDEXED,
    PP_MAPREF_INDEXED_OTHER,
    PP_MAPREF_PATTERN,
    PP_MAPREF_MEMORY
} pp_mapref_class;

typedef struct pp_mapref {
    char *type;
    char *path;
    char *param;    /* the first parameter that names it */
    size_t nparams; /* how many do */
    bool alias;     /* named by alias_maps or alias_database: postalias format */
    char *no_regsub; /* the first parameter naming it that forbids $number, or NULL */
} pp_mapref;

typedef struct pp_maprefs_table {
    char *type;
    char *path;
} pp_maprefs_table;

typedef struct pp_maprefs {
    pp_mapref *v;
    size_t n;
    pp_maprefs_table *written; /* the tables proxy_write_maps names */
    size_t nwritten;
    char *data_directory;
    char *queue_directory;
    bool smtputf8; /* smtputf8_enable = yes */
} pp_maprefs;

void pp_maprefs_scan(pp_maprefs *r, const char *param, const char *value);
bool pp_maprefs_ignored(const char *param);
bool pp_maprefs_no_regsub(const char *param);
pp_mapref_class pp_maprefs_class(const char *type);
int pp_maprefs_load(pp_maprefs *r, const char *config_dir, char *err, size_t errlen);
void pp_maprefs_free(pp_maprefs *r);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	pflist - Postfix parameter lists and the entries of lookup tables
 * SYNOPSIS
 *	int pp_pflist_split(const char *value, pp_pflist_fn fn, void *arg);
 *	const char *pp_pflist_word(const char **p, bool commas, size_t *len);
 *	int pp_pflist_table(const char *config_dir, const char *table, pp_pflist_kv_fn fn,
 *			    void *arg, char *err, size_t errlen);
 *	int pp_pflist_expand(const char *config_dir, const char *value, pp_pflist_kv_fn fn,
 *			     void *arg, pp_pflist_fn note, void *note_arg);
 *	int pp_pflist_read_file(const char *path, pp_pflist_fn fn, void *arg, char *err,
 *				size_t errlen);
 *	int pp_pflist_is_table(const char *item);
 * DESCRIPTION
 *	pp_pflist_split() walks a list-valued setting as Postfix reads it (relay_domains,
 *	smtpd_recipient_restrictions): elements separated by white space or commas, a "{...}"
 *	group kept whole (outer braces of a whole element removed, so "inline:{a=b, c=d}" and
 *	"{ a b }" stay one element). It calls fn(element, arg) for each and stops early when
 *	fn returns non-zero, returning that value; otherwise 0. Pure.
 *	pp_pflist_word() is its scanner, for other Postfix syntax (master.cf): the next word at
 *	or after *p, separated by white space (and commas when commas is true), a "{...}" group
 *	part of its word; it returns the word's start with its length in *len and moves *p past
 *	it, or NULL at the end. Pure.
 *	pp_pflist_table() lists every entry of the lookup table "type:name" through
 *	"postmap [-c config_dir] -s" (hash, btree, lmdb, texthash, inline, ... : what Postfix
 *	itself reads; a "proxy:" prefix is dropped) and calls fn(key, value, arg) for each. It
 *	returns 0, or -1 with err naming the table and postmap's reason. Only the types whose
 *	Postfix driver can list them (hash, btree, lmdb, dbm, sdbm, texthash, inline) are
 *	asked: postmap -s on any other (cdb, regexp, pcre, cidr, SQL, LDAP, ...) ends in a
 *	"fatal:" line in the mail log, which a log check would report as Postfix's own failure.
 *	pp_pflist_expand() expands a domain list setting: plain names (given to fn with a NULL
 *	value), "/file/name" (its lines, "#" comments, read as more list elements), and
 *	"type:table" (the table's keys and values). Elements that are not domains are skipped:
 *	negations "!x", parent-domain patterns ".x", "*", addresses "x@y". What cannot be
 *	expanded (unreadable files, tables without sequential access) is passed as a sentence
 *	to note(sentence, note_arg). Returns the number of notes.
 *	pp_pflist_read_file() calls fn for every element of a list file ("#" comments, white
 *	space or commas between elements); returns 0 or -1 with err.
 *	pp_pflist_is_table() is true for "type:name" elements.
 */
#ifndef PP_PFLIST_H
#define PP_PFLIST_H

#include <stdbool.h>
#include <stddef.h>

typedef int (*pp_pflist_fn)(const char *item, void *arg);
typedef int (*pp_pflist_kv_fn)(const char *key, const char *value, void *arg);

int pp_pflist_split(const char *value, pp_pflist_fn fn, void *arg);
const char *pp_pflist_word(const char **p, bool commas, size_t *len);
int pp_pflist_table(const char *config_dir, const char *table, pp_pflist_kv_fn fn, void *arg,
                    char *err, size_t errlen);
int pp_pflist_expand(const char *config_dir, const char *value, pp_pflist_kv_fn fn, void *arg,
                     pp_pflist_fn note, void *note_arg);
int pp_pflist_read_file(const char *path, pp_pflist_fn fn, void *arg, char *err,
                        size_t errlen);
int pp_pflist_is_table(const char *item);

#endif

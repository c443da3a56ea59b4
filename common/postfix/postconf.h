/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	postconf - Postfix settings through postconf(1), read once per run
 * SYNOPSIS
 *	pp_postconf *pp_postconf_new(const char *config_dir);
 *	int pp_postconf_fetch(pp_postconf *pc, const char *const names[], char *err, size_t errlen);
 *	const char *pp_postconf_get(pp_postconf *pc, const char *name, char *err, size_t errlen);
 *	void pp_postconf_free(pp_postconf *pc);
 *	int pp_postconf_parse_line(char *line, char **name, char **value);
 *	bool pp_postconf_name_ok(const char *name);
 * DESCRIPTION
 *	Postfix's own reader is the only one that knows every default, $name expansion and
 *	multi-instance rule, so settings come from "postconf -x [-c config_dir] name...".
 *	pp_postconf_fetch() asks for every name in the NULL-terminated list that is not cached
 *	yet, in one postconf run; pp_postconf_get() returns a cached value or fetches that one
 *	name. A parameter postconf does not know is cached as unknown: get() returns NULL with
 *	err "unknown parameter NAME". Both return -1/NULL with err naming postconf's complaint
 *	(a missing config directory, say) when postconf fails.
 *	pp_postconf_parse_line() splits one "name = value" line in place (pure, for tests and
 *	fuzzing), name also as postconf -P prints it ("127.0.0.1:10025/inet/name"); it
 *	returns 0, or -1 for a line of another shape. pp_postconf_name_ok() tells a name
 *	postconf can be asked for: letters, digits, '_' and the '/' of "service/type/name".
 */
#ifndef PP_POSTCONF_H
#define PP_POSTCONF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pp_postconf pp_postconf;

pp_postconf *pp_postconf_new(const char *config_dir);
int pp_postconf_fetch(pp_postconf *pc, const char *const names[], char *err, size_t errlen);
const char *pp_postconf_get(pp_postconf *pc, const char *name, char *err, size_t errlen);
void pp_postconf_free(pp_postconf *pc);
int pp_postconf_parse_line(char *line, char **name, char **value);
bool pp_postconf_name_ok(const char *name);

#endif

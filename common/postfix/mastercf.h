/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mastercf - the services of master.cf and their -o overrides, through postconf -Mx
 * SYNOPSIS
 *	int pp_mastercf_load(pp_mastercf *m, const char *config_dir, char *err, size_t errlen);
 *	int pp_mastercf_parse_line(const char *line, pp_mastercf_service *s);
 *	const char *pp_mastercf_override(const pp_mastercf_service *s, const char *param);
 *	bool pp_mastercf_smtpd_listener(const pp_mastercf_service *s);
const pp_mastercf_service *pp_mastercf_find(const pp_mastercf *m, const char *name,
                                            const char *type, const char *command);
const char *pp_mastercf_effective(const pp_mastercf_service *s, pp_postconf *pc,
                                  const char *param, char *err, size_t errlen);
 *	const pp_mastercf_service *pp_mastercf_find(const pp_mastercf *m, const char *name,
 *						    const char *type, const char *command);
 *	const char *pp_mastercf_effective(const pp_mastercf_service *s, pp_postconf *pc,
 *					  const char *param, char *err, size_t errlen);
 *	void pp_mastercf_service_free(pp_mastercf_service *s);
 *	void pp_mastercf_free(pp_mastercf *m);
 * DESCRIPTION
 *	pp_mastercf_load() runs "postconf -M -x [-c config_dir]" (one line per service, the
 *	$names of -o values expanded by Postfix) and keeps every service it prints. It returns
 *	0, or -1 with err giving postconf's complaint.
 *	pp_mastercf_parse_line() (pure) reads one such line, "name type private unpriv chroot
 *	wakeup maxproc command args...": words are separated by blanks, and a "{...}" group
 *	(braces balanced, so "{a=inline:{ x=y }, z}" holds) belongs to its word. s->command is
 *	the program's base name; every "-o name=value" argument (or "-o {name = value}", outer
 *	braces and the blanks inside them and around "=" removed) goes to s->params and
 *	s->values in order. It returns 0, or -1 (s untouched) for a line with fewer than eight
 *	fields or a command path without a name ("dir/").
 *	pp_mastercf_override() is the value the service's last "-o param=..." sets, or NULL.
 *	pp_mastercf_smtpd_listener() is true for an smtpd(8) service that takes connections
 *	from the network: type inet, or pass (handed connections by postscreen(8)).
 *	pp_mastercf_find() is the first service with that name and type running that command
 *	(its base name), or NULL.
 *	pp_mastercf_effective() is the value a service runs with: its last "-o param=...", else
 *	main.cf's (or Postfix's default) through pc; s may be NULL (main.cf only). NULL with err
 *	when postconf fails or does not know param.
 */
#ifndef PP_MASTERCF_H
#define PP_MASTERCF_H

#include <stdbool.h>
#include <stddef.h>

#include "postfix/postconf.h"

typedef struct pp_mastercf_service {
    char *name;    /* "smtp", "127.0.0.1:10025" */
    char *type;    /* "inet", "unix", "pass", ... */
    char *command; /* "smtpd" */
    char **params;
    char **values;
    size_t nparams;
} pp_mastercf_service;

typedef struct pp_mastercf {
    pp_mastercf_service *v;
    size_t n;
} pp_mastercf;

int pp_mastercf_load(pp_mastercf *m, const char *config_dir, char *err, size_t errlen);
int pp_mastercf_parse_line(const char *line, pp_mastercf_service *s);
const char *pp_mastercf_override(const pp_mastercf_service *s, const char *param);
bool pp_mastercf_smtpd_listener(const pp_mastercf_service *s);
const pp_mastercf_service *pp_mastercf_find(const pp_mastercf *m, const char *name,
                                            const char *type, const char *command);
const char *pp_mastercf_effective(const pp_mastercf_service *s, pp_postconf *pc,
                                  const char *param, char *err, size_t errlen);
void pp_mastercf_service_free(pp_mastercf_service *s);
void pp_mastercf_free(pp_mastercf *m);

#endif

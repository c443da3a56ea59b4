/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	logsource - where an instance's log is, and its syslog names
 * SYNOPSIS
 *	int pp_logsource_find(const char *config_dir, const char *file, bool journal,
 *			      const char *journal_dir, pp_logsource *src, char *err,
 *			      size_t errlen);
 *	void pp_logsource_free(pp_logsource *src);
 *	int pp_logsource_duration(const char *arg, void *dst, char *err, size_t errlen);
 * DESCRIPTION
 *	pp_logsource_find() decides which log the tools read (the order of issue 13): the file
 *	given (file), or the journal when asked (journal); else main.cf's maillog_file (postlog)
 *	when config_dir's main.cf sets one; else /var/log/mail.log when it exists; else the
 *	systemd journal (journal_dir, or the local one). src->path is the file, or NULL for the
 *	journal; src->source names it for state files ("PATH" or "journal:DIR|local"), and
 *	src->names are the instance's syslog names, NULL-terminated: main.cf's syslog_name
 *	("postfix" by default) and every master.cf "-o syslog_name=". It returns 0, or -1 with
 *	err when a given config_dir's postconf fails.
 *	pp_logsource_duration() is a PP_OPT_FUNC parser of a duration "N[smhd]" (seconds
 *	without a unit, up to a year) into the long at dst; 0 or -1 with a reason.
 */
#ifndef PP_LOGSOURCE_H
#define PP_LOGSOURCE_H

#include <stdbool.h>
#include <stddef.h>

#define PP_LOGSOURCE_MAX_NAMES 64

typedef struct pp_logsource {
    const char *path;          /* the log file, or NULL for the journal */
    char file[4096];           /* where path points unless it is the caller's */
    char source[4200];         /* the path or "journal:DIR" */
    const char *names[PP_LOGSOURCE_MAX_NAMES + 1];
    size_t nnames;
} pp_logsource;

int pp_logsource_find(const char *config_dir, const char *file, bool journal,
                      const char *journal_dir, pp_logsource *src, char *err, size_t errlen);
void pp_logsource_free(pp_logsource *src);
int pp_logsource_duration(const char *arg, void *dst, char *err, size_t errlen);

#endif

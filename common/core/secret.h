/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	secret - user names and passwords that never need to be on a command line
 * SYNOPSIS
 *	int pp_authfile_parse(const char *text, pp_secret *s, char *err, size_t errlen);
 *	int pp_authfile_read(const char *path, pp_secret *s, char *err, size_t errlen);
int pp_secret_file_read(const char *path, const char *what, char *buf, size_t size,
                        char *err, size_t errlen);
 *	int pp_secret_file_read(const char *path, const char *what, char *buf, size_t size,
 *				char *err, size_t errlen);
 *	int pp_secret_resolve(pp_secret *s, const pp_secret_src *src, char *err, size_t errlen);
 *	void pp_secret_free(pp_secret *s);
 *	void pp_arg_scrub(char *arg);
 * DESCRIPTION
 *	An authfile holds "user = NAME" and "password = SECRET" lines (blank lines and lines
 *	whose first non-blank character is '#' are ignored, as in Postfix's own files; a '#'
 *	anywhere else is part of the value, so a password may hold one; blanks around the
 *	value are dropped; "username" is taken for "user"), and for SNMPv3 a
 *	"priv_password = SECRET" line (the privacy passphrase; "password" is then the
 *	authentication one). pp_authfile_read()
 *	refuses a file that others may read or anyone but its owner may write, as ssh does with
 *	keys, and names the file and the reason.
 *	pp_secret_file_read() is that careful read for any file holding a secret (what names
 *	it in diagnostics: "authfile", "DQS key file"): a regular file, not a symbolic link,
 *	that neither others may read nor group or others may write; at most size - 1 bytes,
 *	NUL-terminated into buf.
 *	pp_secret_resolve() takes, in this order: the password given on the command line (kept
 *	for compatibility with check_smtp's -P; pp_arg_scrub() then blanks it in argv so ps no
 *	longer shows it), the authfile, the environment variable src->env_password (default
 *	POSTPROBE_PASSWORD). The user comes from the command line, the authfile or
 *	src->env_user (default POSTPROBE_USER). Both may end up NULL: a check without login.
 *	The privacy password comes, in the same order, from src->priv_password, the authfile
 *	and src->env_priv_password (default POSTPROBE_PRIV_PASSWORD).
 *	All functions return 0, or -1 with a reason in err that never contains the secret.
 */
#ifndef PP_SECRET_H
#define PP_SECRET_H

#include <stddef.h>

typedef struct pp_secret {
    char *user;
    char *password;
    char *priv_password; /* SNMPv3 privacy passphrase */
} pp_secret;

typedef struct pp_secret_src {
    const char *user;        /* -U */
    const char *password;    /* -P */
    const char *authfile;    /* --authfile */
    const char *env_user;    /* NULL: POSTPROBE_USER */
    const char *env_password; /* NULL: POSTPROBE_PASSWORD */
    const char *priv_password;     /* SNMPv3 -X */
    const char *env_priv_password; /* NULL: POSTPROBE_PRIV_PASSWORD */
} pp_secret_src;

int pp_authfile_parse(const char *text, pp_secret *s, char *err, size_t errlen);
int pp_authfile_read(const char *path, pp_secret *s, char *err, size_t errlen);
int pp_secret_file_read(const char *path, const char *what, char *buf, size_t size,
                        char *err, size_t errlen);
int pp_secret_resolve(pp_secret *s, const pp_secret_src *src, char *err, size_t errlen);
void pp_secret_free(pp_secret *s);
void pp_arg_scrub(char *arg);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	saslprep - RFC 4013 SASLprep of user names and passwords
 * SYNOPSIS
 *	char *pp_saslprep(const char *in, bool stored, char *err, size_t errlen);
 * DESCRIPTION
 *	pp_saslprep() prepares a UTF-8 string with the SASLprep profile of stringprep (RFC
 *	3454, 4013): non-ASCII spaces become U+0020, the characters "commonly mapped to
 *	nothing" (soft hyphen, zero-width joiners, variation selectors) are removed, the
 *	result is normalized to NFKC (Unicode 3.2, as stringprep requires), and prohibited
 *	characters (controls, private use, non-characters, surrogates, tagging, changes of
 *	display direction) and strings that break the bidirectional rule are refused. With
 *	stored, unassigned code points are refused too (RFC 5802 treats the password as a
 *	stored string, the user name as a query). Pure ASCII without controls comes back as
 *	it went in.
 *	The work is GNU libidn's stringprep_profile("SASLprep"): it carries the Unicode 3.2
 *	tables that stringprep is defined on, which a later Unicode's NFKC would not match.
 * DIAGNOSTICS
 *	Returns the prepared string (allocated; wipe it before freeing when it is a secret),
 *	or NULL with the reason in err, which never contains the string: "not valid UTF-8",
 *	"holds a character SASLprep prohibits (a control, private-use or non-character code
 *	point)", "holds an unassigned code point", "mixes left-to-right and right-to-left
 *	text", "empty after SASLprep".
 */
#ifndef PP_SASLPREP_H
#define PP_SASLPREP_H

#include <stdbool.h>
#include <stddef.h>

char *pp_saslprep(const char *in, bool stored, char *err, size_t errlen);

#endif

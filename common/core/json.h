/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	json - the one JSON string encoder: every byte string in, valid JSON out
 * SYNOPSIS
 *	void pp_json_str(pp_buf *out, const char *s);
 *	void pp_json_strn(pp_buf *out, const char *s, size_t len);
 * DESCRIPTION
 *	pp_json_str() appends the NUL-terminated s to out as a JSON string, with its quotes;
 *	pp_json_strn() does the same for len bytes of s (a NUL among them too). Every JSON
 *	output of postprobe (the plugins' --format json, the listings of pfqueue and
 *	verify-dump) writes its strings here, so whatever a certificate, a queue file or a
 *	cache holds, the output parses:
 *	  - '"' and '\' are escaped with a backslash;
 *	  - control characters (C0, DEL and the C1 range U+0080 to U+009F) are written as
 *	    \u00XX, so none reaches a terminal raw;
 *	  - each byte that does not begin a well-formed UTF-8 sequence (see utf8.h) becomes
 *	    \ufffd, the replacement character, and the next byte is looked at afresh;
 *	  - anything else is copied as it is (valid UTF-8).
 */
#ifndef PP_JSON_H
#define PP_JSON_H

#include <stddef.h>

#include "core/buf.h"

void pp_json_str(pp_buf *out, const char *s);
void pp_json_strn(pp_buf *out, const char *s, size_t len);

#endif

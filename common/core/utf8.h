/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	utf8 - UTF-8 validity, and text from files made safe to print
 * SYNOPSIS
 *	size_t pp_utf8_seq(const unsigned char *p, size_t avail);
 *	bool pp_utf8_valid(const char *s, size_t len);
 *	void pp_utf8_visible(pp_buf *out, const char *s, size_t len);
 * DESCRIPTION
 *	pp_utf8_seq() returns the length (1-4) of the well-formed UTF-8 sequence at p, with
 *	avail bytes there, or 0 when those bytes are not one: an over-long form, a surrogate,
 *	a code point above U+10FFFF, a stray continuation byte, or a sequence cut short.
 *	pp_utf8_valid() says whether all len bytes of s are such sequences (Postfix's
 *	valid_utf8_string(), the test postmap applies to its input lines when smtputf8_enable
 *	is on).
 *	pp_utf8_visible() appends s (len bytes) to out with every byte that is not part of a
 *	well-formed sequence, and every C0 or C1 control or DEL, written as \xHH: text read
 *	from a table or a queue file never reaches a terminal or a monitoring UI raw.
 */
#ifndef PP_UTF8_H
#define PP_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

size_t pp_utf8_seq(const unsigned char *p, size_t avail);
bool pp_utf8_valid(const char *s, size_t len);
void pp_utf8_visible(pp_buf *out, const char *s, size_t len);

#endif

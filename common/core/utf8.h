/*
 * NAME
 *	utf8 - where UTF-8 sequences begin and end, strictly
 * SYNOPSIS
 *	size_t pp_utf8_seq(const unsigned char *p, size_t avail);
 * DESCRIPTION
 *	pp_utf8_seq() returns the length (1 to 4) of the well-formed UTF-8 sequence at p, of
 *	which avail bytes (at least 1) may be read, or 0 when the bytes there are not one:
 *	a continuation or an invalid lead byte, a sequence cut short, an overlong form, a
 *	surrogate (U+D800 to U+DFFF) or a code point above U+10FFFF (RFC 3629 section 4).
 */
#ifndef PP_UTF8_H
#define PP_UTF8_H

#include <stddef.h>

size_t pp_utf8_seq(const unsigned char *p, size_t avail);

#endif

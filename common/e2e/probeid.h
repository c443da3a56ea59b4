/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	probeid - the id of a test message sent by the end-to-end checks
 * SYNOPSIS
 *	bool pp_probeid_tag_ok(const char *tag);
 *	void pp_probeid_make(const char *tag, long long ms, uint32_t rnd, char *out,
 *			     size_t outlen);
 *	bool pp_probeid_find(const char *text, size_t len, const char *tag, long long *ms,
 *			     char *id, size_t idlen);
 *	long long pp_probeid_now_ms(void);
 *	uint32_t pp_probeid_random(void);
 * DESCRIPTION
 *	A probe id is "TAG:MS-RRRRRRRR": the tag of the check that sent it (letters, digits,
 *	'-' and '_', 1 to 32 of them: checks sharing a mailbox keep apart by their tags), the
 *	time it was sent in milliseconds since the epoch, and 32 random bits in lowercase hex.
 *	It stands in the probe's subject and X-Postprobe-Id header, so any probe found later,
 *	or a reply quoting its subject, tells when it was sent.
 *	pp_probeid_tag_ok() checks a tag. pp_probeid_make() writes an id (outlen at least
 *	PP_PROBEID_MAX). pp_probeid_find() (pure) looks for an id of tag in text ("Re: [ext]
 *	postprobe TAG:MS-R"): the tag must not be the end of a longer word. It returns true
 *	with the send time and the id (NUL-terminated, cut to idlen) for the first one found.
 *	pp_probeid_now_ms() is the wall clock in ms; pp_probeid_random() reads getrandom(2),
 *	falling back to the clock and pid.
 */
#ifndef PP_PROBEID_H
#define PP_PROBEID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PP_PROBEID_MAX 64
#define PP_PROBEID_TAG_MAX 32

bool pp_probeid_tag_ok(const char *tag);
void pp_probeid_make(const char *tag, long long ms, uint32_t rnd, char *out, size_t outlen);
bool pp_probeid_find(const char *text, size_t len, const char *tag, long long *ms, char *id,
                     size_t idlen);
long long pp_probeid_now_ms(void);
uint32_t pp_probeid_random(void);

#endif

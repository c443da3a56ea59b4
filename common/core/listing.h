/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	listing - what the operator tools that list things share: tsv/json, regex filters
 * SYNOPSIS
 *	int pp_listing_format(const char *arg, void *dst, char *err, size_t errlen);
 *	pcre2_code *pp_listing_regex(const char *option, const char *pattern);
 *	bool pp_listing_match(const pcre2_code *re, pcre2_match_data *md, const char *s,
 *			      size_t len);
 * DESCRIPTION
 *	pp_listing_format() is a PP_OPT_FUNC parser for a tool's own "--format tsv|json": it
 *	sets the bool at dst (true for json), or returns -1 with a reason.
 *
 *	pp_listing_regex() compiles a filter option's PCRE2 pattern: case-insensitive, UTF-8
 *	(bytes that are not valid UTF-8 in a subject simply do not match), JIT-compiled where
 *	the library can. It returns NULL for a NULL pattern; a bad pattern ends the run
 *	(pp_die) with "--OPTION: bad regular expression at offset N: reason".
 *	pp_listing_match() says whether re matches len bytes of s (md from
 *	pcre2_match_data_create(1, NULL)).
 *
 *	PP_LISTING_OPTIONS(json, no_header, utc, utc_help) expands to the pp_opt entries every
 *	listing tool has, each setting the bool its pointer names: --format tsv|json,
 *	--no-header and --utc (utc_help says which times it turns to UTC).
 */
#ifndef PP_LISTING_H
#define PP_LISTING_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif

#include "core/opts.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

int pp_listing_format(const char *arg, void *dst, char *err, size_t errlen);
pcre2_code *pp_listing_regex(const char *option, const char *pattern);
bool pp_listing_match(const pcre2_code *re, pcre2_match_data *md, const char *s, size_t len);

#define PP_LISTING_OPTIONS(json, no_header, utc, utc_help)                                      \
    {.name = "format", .arg = "FORMAT", .kind = PP_OPT_FUNC, .dst = (json),                     \
     .fn = pp_listing_format,                                                                   \
     .help = "tsv (default: tab-separated, a first line naming the columns) or json (one "      \
             "object a line)"},                                                                 \
    {.name = "no-header", .kind = PP_OPT_FLAG, .dst = (no_header),                             \
     .help = "no first line naming the columns in tsv output"},                                 \
    {.name = "utc", .kind = PP_OPT_FLAG, .dst = (utc), .help = (utc_help)}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * listing.c - shared parts of the listing tools. See listing.h.
 */
#include "core/listing.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/result.h"

int pp_listing_format(const char *arg, void *dst, char *err, size_t errlen)
{
    if (strcmp(arg, "tsv") != 0 && strcmp(arg, "json") != 0)
        return pp_errf(err, errlen, "unknown format '%s' (tsv, json)", arg);
    *(bool *)dst = strcmp(arg, "json") == 0;
    return 0;
}

pcre2_code *pp_listing_regex(const char *option, const char *pattern)
{
    int code;
    PCRE2_SIZE at;
    PCRE2_UCHAR msg[256];
    if (!pattern)
        return NULL;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code,
                                   &at, NULL);
    if (!re) {
        pcre2_get_error_message(code, msg, sizeof msg);
        pp_die(PP_UNKNOWN, "--%s: bad regular expression at offset %zu: %s", option, (size_t)at,
               (const char *)msg);
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* faster where available; fine without */
    return re;
}

bool pp_listing_match(const pcre2_code *re, pcre2_match_data *md, const char *s, size_t len)
{
    return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL) >= 0;
}

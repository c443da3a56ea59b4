/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * saslprep.c - RFC 4013 SASLprep through GNU libidn. See saslprep.h.
 */
#include "mail/saslprep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stringprep.h>

#include "core/buf.h"

/* Printable ASCII is its own SASLprep: no mapping, NFKC or bidi rule touches it, and it
 * then never passes through libidn's buffers, which are freed without being wiped. */
static bool printable_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

static const char *why(int rc)
{
    switch (rc) {
    case STRINGPREP_CONTAINS_UNASSIGNED:
        return "holds an unassigned code point";
    case STRINGPREP_CONTAINS_PROHIBITED:
    case STRINGPREP_BIDI_CONTAINS_PROHIBITED:
        return "holds a character SASLprep prohibits (a control, private-use or "
               "non-character code point)";
    case STRINGPREP_BIDI_BOTH_L_AND_RAL:
    case STRINGPREP_BIDI_LEADTRAIL_NOT_RAL:
        return "mixes left-to-right and right-to-left text";
    case STRINGPREP_ICONV_ERROR:
        return "not valid UTF-8";
    default:
        return stringprep_strerror((Stringprep_rc)rc);
    }
}

char *pp_saslprep(const char *in, bool stored, char *err, size_t errlen)
{
    char *out = NULL;
    if (printable_ascii(in)) {
        if (!*in)
            pp_errf(err, errlen, "empty after SASLprep");
        return *in ? pp_xstrdup(in) : NULL;
    }
    int rc = stringprep_profile(in, &out, "SASLprep", stored ? STRINGPREP_NO_UNASSIGNED : 0);
    if (rc != STRINGPREP_OK) {
        free(out);
        pp_errf(err, errlen, "%s", why(rc));
        return NULL;
    }
    if (!*out) {
        free(out);
        pp_errf(err, errlen, "empty after SASLprep");
        return NULL;
    }
    return out;
}

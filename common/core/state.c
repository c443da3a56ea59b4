/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * state.c - plugin states. See state.h.
 */
#include "core/state.h"

#include <strings.h>

const char *pp_state_name(pp_state s)
{
    switch (s) {
    case PP_OK:
        return "OK";
    case PP_WARNING:
        return "WARNING";
    case PP_CRITICAL:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

static int rank(pp_state s)
{
    switch (s) {
    case PP_OK:
        return 0;
    case PP_UNKNOWN:
        return 1;
    case PP_WARNING:
        return 2;
    default:
        return 3;
    }
}

pp_state pp_state_worst(pp_state a, pp_state b)
{
    return rank(a) >= rank(b) ? a : b;
}

int pp_state_parse(const char *text, pp_state *s)
{
    static const char *const names[] = {"ok", "warning", "critical", "unknown"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(text, names[i]) == 0 || (text[0] == '0' + i && text[1] == '\0')) {
            *s = (pp_state)i;
            return 0;
        }
    }
    return -1;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	state - the four plugin states and how they combine
 * SYNOPSIS
 *	const char *pp_state_name(pp_state s);
 *	pp_state pp_state_worst(pp_state a, pp_state b);
 *	int pp_state_parse(const char *text, pp_state *s);
 * DESCRIPTION
 *	The exit codes of the Nagios plugin API. pp_state_worst() orders them
 *	CRITICAL > WARNING > UNKNOWN > OK, as monitoring-plugins' max_state_alt() does: a real
 *	problem found outranks a part that could not be checked. pp_state_parse() takes a name
 *	("ok", "warning", "critical", "unknown", any case) or a digit 0-3; it returns 0 or -1.
 */
#ifndef PP_STATE_H
#define PP_STATE_H

typedef enum pp_state {
    PP_OK = 0,
    PP_WARNING = 1,
    PP_CRITICAL = 2,
    PP_UNKNOWN = 3
} pp_state;

const char *pp_state_name(pp_state s);
pp_state pp_state_worst(pp_state a, pp_state b);
int pp_state_parse(const char *text, pp_state *s);

#endif

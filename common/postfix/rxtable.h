/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	rxtable - check pcre: and regexp: lookup tables the way Postfix loads them
 * SYNOPSIS
 *	void pp_rxtable_init(pp_rxtable *t, pp_rxtable_kind kind, const char *no_regsub);
 *	int pp_rxtable_rule(pp_rxtable *t, size_t line, const char *text, char *why,
 *			    size_t whylen);
 *	int pp_rxtable_unclosed(pp_rxtable *t, size_t *line);
 *	void pp_rxtable_free(pp_rxtable *t);
 *	long pp_rxtable_check_file(const char *path, pp_rxtable_kind kind, const char *no_regsub,
 *				  pp_rxtable_problem_fn fn, void *ctx, char *err, size_t errlen);
 * DESCRIPTION
 *	Postfix reads a pcre_table(5) or regexp_table(5) file when a process opens it and skips,
 *	with a warning in the log, every rule it cannot use; the table then silently does less
 *	than its author meant. These functions find those rules, following dict_pcre.c and
 *	dict_regexp.c: "/pattern/flags result" (any delimiter, '!' negates; regexp tables also
 *	take "/pattern1/!/pattern2/"), "if /pattern/" and "endif". A pattern is compiled with
 *	PCRE2 (pcre:, with Postfix's defaults: caseless and dotall, flags i m s x A E U toggle) or
 *	POSIX regcomp (regexp:, extended and case-insensitive, flags i m x toggle). The result's
 *	$number references are checked as Postfix does: no $number with a negated pattern, none
 *	beyond the pattern's groups, none that is empty, unclosed or not a number; with
 *	no_regsub, the name of a parameter Postfix opens its tables with DICT_FLAG_NO_REGSUB
 *	for (transport_maps: see maprefs.h), none at all: "regular expression substitution
 *	is not allowed", as trivial-rewrite and local log when they skip such a rule. NULL
 *	allows substitution.
 *
 *	pp_rxtable_rule() takes one logical line (see mapsrc.h) starting at line; it returns 0;
 *	PP_RXTABLE_SKIPPED with why saying why Postfix skips or misreads it ("error in regex at
 *	offset 3: missing closing parenthesis"); or PP_RXTABLE_UNCHECKED with why saying why
 *	this check did not compile it: a regexp pattern whose repetitions glibc's regcomp()
 *	would need hundreds of megabytes or more for (a bound over 3000, more than 16 operators
 *	in a row). Postfix compiles those; whether it can use the rule is not known here.
 *	t->rules counts the rules Postfix would use, unchecked ones left out.
 *	pp_rxtable_unclosed() returns 1 with the line of an "if" that has no "endif" (once for
 *	each), then 0. Text quoted from the table in why has invalid UTF-8 and controls
 *	escaped (utf8.h).
 *	pp_rxtable_check_file() reads a whole table and calls fn for each problem with its
 *	line and kind (PP_RXTABLE_SKIPPED or PP_RXTABLE_UNCHECKED); it returns the number of
 *	rules, or -1 when the file cannot be read (err says why, errno is open(2)'s when it
 *	cannot be opened).
 */
#ifndef PP_RXTABLE_H
#define PP_RXTABLE_H

#include <stddef.h>

typedef enum pp_rxtable_kind {
    PP_RXTABLE_PCRE,
    PP_RXTABLE_REGEXP
} pp_rxtable_kind;

enum {
    PP_RXTABLE_SKIPPED = -1,  /* Postfix skips or misreads the rule */
    PP_RXTABLE_UNCHECKED = -2 /* too costly to compile here; Postfix compiles it */
};

typedef struct pp_rxtable {
    pp_rxtable_kind kind;
    const char *no_regsub;
    size_t rules;
    size_t *ifs; /* lines of the open "if"s */
    size_t nifs, cap;
} pp_rxtable;

typedef void (*pp_rxtable_problem_fn)(void *ctx, size_t line, int kind, const char *why);

void pp_rxtable_init(pp_rxtable *t, pp_rxtable_kind kind, const char *no_regsub);
int pp_rxtable_rule(pp_rxtable *t, size_t line, const char *text, char *why, size_t whylen);
int pp_rxtable_unclosed(pp_rxtable *t, size_t *line);
void pp_rxtable_free(pp_rxtable *t);
long pp_rxtable_check_file(const char *path, pp_rxtable_kind kind, const char *no_regsub,
                           pp_rxtable_problem_fn fn, void *ctx, char *err, size_t errlen);

#endif

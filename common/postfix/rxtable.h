/*
 * NAME
 *	rxtable - check pcre: and regexp: lookup tables the way Postfix loads them
 * SYNOPSIS
 *	void pp_rxtable_init(pp_rxtable *t, pp_rxtable_kind kind);
 *	int pp_rxtable_rule(pp_rxtable *t, size_t line, const char *text, char *why,
 *			    size_t whylen);
 *	int pp_rxtable_unclosed(pp_rxtable *t, size_t *line);
 *	void pp_rxtable_free(pp_rxtable *t);
 *	long pp_rxtable_check_file(const char *path, pp_rxtable_kind kind,
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
 *	beyond the pattern's groups, none that is empty, unclosed or not a number.
 *
 *	pp_rxtable_rule() takes one logical line (see mapsrc.h) starting at line; it returns 0,
 *	or -1 with why saying why Postfix skips it ("error in regex at offset 3: missing closing
 *	parenthesis"). t->rules counts the rules Postfix would use. pp_rxtable_unclosed() returns
 *	1 with the line of an "if" that has no "endif" (once for each), then 0.
 *	pp_rxtable_check_file() reads a whole table and calls fn for each problem with its
 *	line; it returns the number of rules, or -1 when the file cannot be read (err says why,
 *	errno is open(2)'s when it cannot be opened).
 */
#ifndef PP_RXTABLE_H
#define PP_RXTABLE_H

#include <stddef.h>

typedef enum pp_rxtable_kind {
    PP_RXTABLE_PCRE,
    PP_RXTABLE_REGEXP
} pp_rxtable_kind;

typedef struct pp_rxtable {
    pp_rxtable_kind kind;
    size_t rules;
    size_t *ifs; /* lines of the open "if"s */
    size_t nifs, cap;
} pp_rxtable;

typedef void (*pp_rxtable_problem_fn)(void *ctx, size_t line, const char *why);

void pp_rxtable_init(pp_rxtable *t, pp_rxtable_kind kind);
int pp_rxtable_rule(pp_rxtable *t, size_t line, const char *text, char *why, size_t whylen);
int pp_rxtable_unclosed(pp_rxtable *t, size_t *line);
void pp_rxtable_free(pp_rxtable *t);
long pp_rxtable_check_file(const char *path, pp_rxtable_kind kind, pp_rxtable_problem_fn fn,
                           void *ctx, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mapsrc - the entries of a postmap(1) or postalias(1) source file, as those tools see them
 * SYNOPSIS
 *	typedef int (*pp_mapsrc_fn)(void *ctx, const pp_mapsrc_entry *e);
 *
 *	void pp_mapsrc_init(pp_mapsrc *p, pp_mapsrc_kind kind, unsigned flags);
 *	int pp_mapsrc_line(pp_mapsrc *p, const char *line, size_t len, pp_mapsrc_entry *e);
 *	int pp_mapsrc_end(pp_mapsrc *p, pp_mapsrc_entry *e);
 *	void pp_mapsrc_free(pp_mapsrc *p);
 *	void pp_mapsrc_count(const char *buf, size_t len, pp_mapsrc_kind kind,
 *			     unsigned flags, pp_mapsrc_counts *c);
 *	int pp_mapsrc_read(const char *path, pp_mapsrc_kind kind, unsigned flags,
 *			   pp_mapsrc_fn fn, void *ctx, char *err, size_t errlen);
 * DESCRIPTION
 *	A pure parser, fed one physical line at a time (without its newline), so that a file
 *	of any size is read with the memory of its longest entry.
 *
 *	Logical lines are Postfix's (readlline(3)): empty lines, whitespace-only lines and lines
 *	whose first non-blank character is '#' are ignored, wherever they are; a line starting
 *	with whitespace continues the logical line before it; one that continues nothing is
 *	dropped with everything continuing it, as postmap does (with a warning).
 *
 *	With flags PP_MAPSRC_UTF8 (smtputf8_enable = yes: the tools then open their tables
 *	with DICT_FLAG_UTF8_ACTIVE), a postmap or postalias line that is not ASCII is skipped
 *	unless it is well-formed UTF-8 ("non-UTF-8 input -- ignoring this line").
 *
 *	Each logical line then becomes an entry the way the tool reads it. PP_MAPSRC_POSTMAP
 *	(postmap.c's own parser, 3.7): the key ends at the first blank outside double quotes,
 *	a backslash escaping the byte after it, and keeps its quotes and backslashes (the key
 *	of `"john doe"@example.com OK` is `"john doe"@example.com`, quotes and all; a
 *	backslash-escaped blank stays too); a line whose quote is not closed is skipped; the
 *	value is the rest with the surrounding blanks trimmed; both must be non-empty.
 *	PP_MAPSRC_ALIAS (postalias): the line must hold a ':' outside double quotes with a
 *	name before it and something after it, and the name may hold no ',' or '@' (outside
 *	quotes); the key is the name unquoted, blanks around it removed. Keys are folded to
 *	lower case, as postmap and postalias do unless run with -f: with PP_MAPSRC_UTF8 a key
 *	that is not ASCII as Postfix's casefold() does, with ICU's full case folding
 *	("Straße@x" is "strasse@x"). Tokenization of alias
 *	names is simplified: RFC 822 comments and the joining of several atoms are not
 *	modelled. PP_MAPSRC_LINES: every logical line is a valid entry with an empty key, for
 *	tables whose lines are rules (pcre, regexp).
 *
 *	pp_mapsrc_line() returns 1 when the line completed the previous logical line, which is
 *	then in e; pp_mapsrc_end() returns 1 with the last one at the end of the file. The
 *	entry's text (the logical line, cut at a NUL byte as the tools read it), key (both
 *	NUL-terminated and valid until the next call) and e->line, the physical line number
 *	where it started, are set; e->valid is false, with e->why the tool's complaint,
 *	for an entry the tool skips. pp_mapsrc_count() runs the parser over a whole buffer.
 *
 *	pp_mapsrc_read() streams a file through the parser and calls fn with every entry; fn
 *	returns 0 to go on, anything else to stop. It returns 0 when the whole file was read,
 *	1 when fn stopped it, -1 when the file cannot be read (err names it and the reason;
 *	errno is open(2)'s when the file cannot be opened).
 */
#ifndef PP_MAPSRC_H
#define PP_MAPSRC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef enum pp_mapsrc_kind {
    PP_MAPSRC_POSTMAP,
    PP_MAPSRC_ALIAS,
    PP_MAPSRC_LINES /* logical lines only (pcre, regexp, cidr tables) */
} pp_mapsrc_kind;

enum {
    PP_MAPSRC_UTF8 = 1 << 0 /* smtputf8_enable: non-UTF-8 lines are skipped */
};

typedef struct pp_mapsrc_entry {
    const char *text; /* the logical line (NUL-terminated; continuation lines appended) */
    size_t textlen;
    const char *key;
    size_t klen;
    size_t line;
    bool valid;
    const char *why;
} pp_mapsrc_entry;

typedef struct pp_mapsrc {
    pp_mapsrc_kind kind;
    unsigned flags;
    pp_buf text;      /* the pending logical line */
    pp_buf done;      /* the completed one handed out */
    bool pending;     /* text holds one */
    bool orphan;      /* the pending one starts with whitespace: dropped when complete */
    size_t lineno;    /* physical lines seen */
    size_t start;     /* where the pending one started */
    pp_buf key;       /* the key handed out */
    struct UCaseMap *csm; /* ICU's case folder, opened for the first non-ASCII key */
} pp_mapsrc;

typedef struct pp_mapsrc_counts {
    size_t entries; /* valid entries */
    size_t skipped; /* logical lines the tool skips with a warning */
    size_t lines;   /* physical lines */
} pp_mapsrc_counts;

typedef int (*pp_mapsrc_fn)(void *ctx, const pp_mapsrc_entry *e);

void pp_mapsrc_init(pp_mapsrc *p, pp_mapsrc_kind kind, unsigned flags);
int pp_mapsrc_line(pp_mapsrc *p, const char *line, size_t len, pp_mapsrc_entry *e);
int pp_mapsrc_end(pp_mapsrc *p, pp_mapsrc_entry *e);
void pp_mapsrc_free(pp_mapsrc *p);
void pp_mapsrc_count(const char *buf, size_t len, pp_mapsrc_kind kind, unsigned flags,
                     pp_mapsrc_counts *c);
int pp_mapsrc_read(const char *path, pp_mapsrc_kind kind, unsigned flags, pp_mapsrc_fn fn,
                   void *ctx, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	queue_record - Postfix queue files: bytes in, a message summary out
 * SYNOPSIS
 *	void pp_qmsg_init(pp_qmsg *m);
 *	void pp_qmsg_free(pp_qmsg *m);
 *	pp_qrec_status pp_qrec_read(const pp_qrec_reader *rd, const pp_qrec_opts *o, pp_qmsg *m);
 *	pp_qrec_status pp_qrec_read_fd(int fd, uint64_t size, const pp_qrec_opts *o, pp_qmsg *m);
 *	pp_qrec_status pp_qrec_parse_mem(const void *data, size_t len, const pp_qrec_opts *o,
 *	                                 pp_qmsg *m);
 *	int pp_qrec_header(const unsigned char *p, size_t avail, int *type, size_t *len);
 *	const char *pp_qrec_status_name(pp_qrec_status s);
 * DESCRIPTION
 *	A queue file is a sequence of records: one type byte, the data length in 7-bit groups
 *	(least significant first, the high bit set on every byte but the last), the data. A file
 *	written by cleanup starts with the C (size) record, then T (arrival time), the envelope
 *	(S sender, R pending recipients, D done, '/' canceled, O original recipient, A
 *	attributes, ...), M, the content as N (line) and L (piece of a long line) records, X,
 *	the extracted segment (more R/D/O records) and E. A file written by postdrop into
 *	maildrop/ starts with T and has no C record. p records point elsewhere in the file
 *	(edits appended after E); a zero pointer is a placeholder.
 *
 *	pp_qrec_read() reads a file through rd (a pread-like callback and the file size), as
 *	little of it as it can: the envelope, then, with the C record's data offset and size,
 *	straight to the X record, skipping the content, unless o->header asks for the message
 *	headers; then o->header is called for each header (unfolded, at most o->header_max
 *	bytes of name and value, a NUL after the value) until the empty line, or until it
 *	returns non-zero; o->begin, when set, is called with o->header_ctx before anything is
 *	read. Pointer records are followed as Postfix does. The first read is of
 *	PP_QREC_WINDOW bytes at the start: for most files, the envelope and, with o->header,
 *	the headers. A file whose size record puts X exactly four bytes before its end has an
 *	empty extracted segment (an empty X, an empty E: nothing else fits) and is not read
 *	further; only files with more after X (extracted recipients, appended edits) take a
 *	read there. m is reset first and holds, on success (PP_QREC_OK):
 *
 *	    arrival      seconds since the epoch, from T (never from file times)
 *	    size         the message size as mailq shows it (C's first field: content bytes
 *	                 between M and X), -1 when the file has no C record (maildrop)
 *	    maildrop     the file starts with T: written by postdrop, not by cleanup yet
 *	    sender       the envelope sender, "" for the null sender
 *	    rcpt, nrcpt  the pending recipients (R records), in file order
 *	    ndone        recipients done (D) or canceled ('/')
 *	    expired      force-expired by postsuper -e or -f (Postfix 3.5 and later): a mark in
 *	                 the file's mode, not in its records, so the parser leaves it false and
 *	                 whoever has the file's mode sets it (queue_scan, showq)
 *
 *	The strings belong to m and stay valid until the next read or pp_qmsg_free().
 *	Memory is reused from one read to the next: a scan needs one pp_qmsg per thread.
 *	pp_qrec_read_fd() does the same with pread(2) on a file open on fd, of size bytes
 *	(fstat); pp_qrec_parse_mem() over bytes in memory (tests, fuzzing).
 *
 *	pp_qrec_header() decodes the type and length at p: it returns the number of header
 *	bytes, 0 when avail is too short to tell, -1 when the length is malformed (more than
 *	five length bytes, or over PP_QREC_LEN_MAX).
 * DIAGNOSTICS
 *	Every failure is a status, with m->error naming the record and offset:
 *	PP_QREC_IO (the callback failed; errno kept in m->sys_errno), PP_QREC_EMPTY,
 *	PP_QREC_FIRST (first record neither C nor T: not a queue file), PP_QREC_TRUNCATED
 *	(the file ends inside a record or before E), PP_QREC_LENGTH (malformed or huge length,
 *	or a record that must be read over PP_QREC_DATA_MAX), PP_QREC_NO_TIME, PP_QREC_NO_SENDER,
 *	PP_QREC_BAD_VALUE (malformed C, T or p data, a pointer outside the file, no X where C
 *	says the content ends), PP_QREC_LOOP (too many pointer jumps). Callers count these as
 *	corrupt; nothing in a file can make the parser read outside its buffers or loop.
 */
#ifndef PP_QUEUE_RECORD_H
#define PP_QUEUE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"

#define PP_QREC_LEN_MAX 0x7fffffffUL /* larger lengths are malformed (Postfix: int) */
#define PP_QREC_DATA_MAX (1024 * 1024) /* longest record whose data is ever loaded */
#define PP_QREC_HEADER_MAX 998         /* default o->header_max (RFC 5322 line limit) */
#define PP_QREC_WINDOW 4096            /* bytes of the first read */

typedef enum pp_qrec_status {
    PP_QREC_OK = 0,
    PP_QREC_IO,
    PP_QREC_EMPTY,
    PP_QREC_FIRST,
    PP_QREC_TRUNCATED,
    PP_QREC_LENGTH,
    PP_QREC_NO_TIME,
    PP_QREC_NO_SENDER,
    PP_QREC_BAD_VALUE,
    PP_QREC_LOOP
} pp_qrec_status;

typedef struct pp_qrec_reader {
    /* Reads up to len bytes at offset off: bytes read, 0 at end of file, -1 with errno. */
    ssize_t (*read)(void *ctx, void *buf, size_t len, uint64_t off);
    void *ctx;
    uint64_t size; /* file size (fstat) */
} pp_qrec_reader;

/* Called once per message header; return non-zero to stop reading headers. */
typedef int (*pp_qrec_header_fn)(void *ctx, const char *name, size_t namelen,
                                 const char *value, size_t valuelen);

/* Called before a file is read, so that header_ctx forgets the file before. */
typedef void (*pp_qrec_begin_fn)(void *ctx);

typedef struct pp_qrec_opts {
    pp_qrec_header_fn header; /* NULL: the content is skipped, never read */
    void *header_ctx;
    pp_qrec_begin_fn begin;   /* NULL: none; else called with header_ctx first */
    size_t header_max; /* bytes kept per header; 0: PP_QREC_HEADER_MAX */
} pp_qrec_opts;

typedef struct pp_qmsg {
    pp_qrec_status status;
    char error[160];
    int sys_errno;
    int64_t arrival;
    long arrival_usec;
    int64_t size;
    bool maildrop;
    bool expired;
    const char *sender;
    const char **rcpt;
    size_t nrcpt;
    size_t ndone;
    /* internal, reused between reads */
    pp_buf strings;
    size_t *offs;
    size_t offs_cap;
    size_t rcpt_cap;
    long sender_off;
    unsigned char *win;
    size_t win_cap;
    pp_buf hdr;
} pp_qmsg;

void pp_qmsg_init(pp_qmsg *m);
void pp_qmsg_free(pp_qmsg *m);
pp_qrec_status pp_qrec_read(const pp_qrec_reader *rd, const pp_qrec_opts *o, pp_qmsg *m);
pp_qrec_status pp_qrec_read_fd(int fd, uint64_t size, const pp_qrec_opts *o, pp_qmsg *m);
pp_qrec_status pp_qrec_parse_mem(const void *data, size_t len, const pp_qrec_opts *o,
                                 pp_qmsg *m);
int pp_qrec_header(const unsigned char *p, size_t avail, int *type, size_t *len);
const char *pp_qrec_status_name(pp_qrec_status s);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_util.h - small helpers shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * fuzz_str() copies the input into a NUL-terminated heap string (parsers that take C
 * strings must see exactly the fuzzer's bytes, with a NUL where a NUL came); fuzz_lines()
 * calls fn for each '\n'-separated piece, as line-fed parsers are driven; FUZZ_CHECK traps
 * when an invariant of the parser's contract does not hold, so the fuzzer reports it.
 * fuzz_feed is a byte stream for a pp_linereader (common/mail/linereader.h): fuzz_feed_recv()
 * hands out the input at most chunk bytes at a time, then end of stream; fuzz_feed_send()
 * takes whatever is sent.
 */
#ifndef PP_FUZZ_UTIL_H
#define PP_FUZZ_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond))                                                                         \
            __builtin_trap();                                                                \
    } while (0)

static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static inline void fuzz_lines(const uint8_t *data, size_t size,
                              void (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        fn(ctx, p, len);
        p += len + (nl != NULL);
    }
}

typedef struct fuzz_feed {
    const char *p;
    size_t left, chunk;
} fuzz_feed;

static inline long fuzz_feed_recv(void *ctx, char *buf, size_t len, int timeout_ms, char *err,
                                  size_t errlen)
{
    fuzz_feed *f = ctx;
    (void)timeout_ms, (void)err, (void)errlen;
    size_t n = f->left < len ? f->left : len;
    if (n > f->chunk)
        n = f->chunk;
    memcpy(buf, f->p, n);
    f->p += n;
    f->left -= n;
    return (long)n;
}

static inline int fuzz_feed_send(void *ctx, const char *buf, size_t len, int timeout_ms,
                                 char *err, size_t errlen)
{
    (void)ctx, (void)buf, (void)len, (void)timeout_ms, (void)err, (void)errlen;
    return 0;
}

#endif

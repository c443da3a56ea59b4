/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * probeid.c - ids of end-to-end test messages. See probeid.h.
 */
#include "e2e/probeid.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static bool tag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

bool pp_probeid_tag_ok(const char *tag)
{
    size_t n = strlen(tag);
    if (n == 0 || n > PP_PROBEID_TAG_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!tag_char(tag[i]))
            return false;
    return true;
}

void pp_probeid_make(const char *tag, long long ms, uint32_t rnd, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s:%lld-%08x", tag, ms, (unsigned)rnd);
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The part after "TAG:" at p: 1 to 18 digits, '-', 8 hex digits, then not a word
 * character. Returns its length, or 0. */
static size_t id_rest(const char *p, size_t len, long long *ms)
{
    size_t i = 0;
    long long v = 0;
    while (i < len && i < 18 && p[i] >= '0' && p[i] <= '9')
        v = v * 10 + (p[i++] - '0');
    if (i == 0 || i >= len || p[i] != '-')
        return 0;
    size_t h = i + 1;
    while (h < len && h - i - 1 < 8 && is_hex(p[h]))
        h++;
    if (h - i - 1 != 8 || (h < len && tag_char(p[h])))
        return 0;
    *ms = v;
    return h;
}

bool pp_probeid_find(const char *text, size_t len, const char *tag, long long *ms, char *id,
                     size_t idlen)
{
    size_t tl = strlen(tag);
    if (tl == 0)
        return false;
    for (size_t i = 0; i + tl + 1 < len; i++) {
        if ((i > 0 && tag_char(text[i - 1])) || memcmp(text + i, tag, tl) != 0 ||
            text[i + tl] != ':')
            continue;
        size_t n = id_rest(text + i + tl + 1, len - i - tl - 1, ms);
        if (n == 0)
            continue;
        if (idlen > 0) {
            size_t all = tl + 1 + n, keep = all < idlen ? all : idlen - 1;
            memcpy(id, text + i, keep);
            id[keep] = '\0';
        }
        return true;
    }
    return false;
}

long long pp_probeid_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t pp_probeid_random(void)
{
    uint32_t r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
        return r;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16);
}

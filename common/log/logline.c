/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logline - one Postfix log line split into time stamp, host, tag and text (see logline.h).
 */
#include <string.h>
#include <time.h>

#include "log/logline.h"

static int month_of(const char *s)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int m;
    switch (s[0]) { /* the month its letters can only be, then checked */
    case 'J': m = s[1] == 'a' ? 0 : s[2] == 'n' ? 5 : 6; break;
    case 'F': m = 1; break;
    case 'M': m = s[2] == 'r' ? 2 : 4; break;
    case 'A': m = s[1] == 'p' ? 3 : 7; break;
    case 'S': m = 8; break;
    case 'O': m = 9; break;
    case 'N': m = 10; break;
    case 'D': m = 11; break;
    default: return -1;
    }
    return s[1] == names[3 * m + 1] && s[2] == names[3 * m + 2] ? m : -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* n digits at p (all within bounds, checked by the caller) as a number, or -1. */
static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Two digits at p as a number, or a value above 99. */
static unsigned two_digits(const char *p)
{
    unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
    return a > 9 || b > 9 ? 100 : a * 10 + b;
}

/* "HH:MM:SS" at p (8 bytes available). */
static int clock_time(const char *p, pp_logline *l)
{
    unsigned h = two_digits(p), m = two_digits(p + 3), s = two_digits(p + 6);
    if (p[2] != ':' || p[5] != ':' || h > 23 || m > 59 || s > 60)
        return -1;
    l->hour = (int)h;
    l->min = (int)m;
    l->sec = (int)s;
    return 0;
}

/* "Dec  5 09:10:00 ", "Dec 05 09:10:00 ": the length of the stamp and its blank, or -1. */
static long syslog_stamp(const char *s, size_t len, pp_logline *l)
{
    size_t i = 4;
    if (len < 16 || s[3] != ' ' || (l->mon = month_of(s)) < 0)
        return -1;
    if (s[i] == ' ')
        i++;
    if (!is_digit(s[i]))
        return -1;
    l->day = s[i++] - '0';
    if (i < len && is_digit(s[i]))
        l->day = l->day * 10 + (s[i++] - '0');
    if (l->day < 1 || l->day > 31 || i + 10 > len || s[i] != ' ')
        return -1;
    if (clock_time(s + i + 1, l) != 0 || s[i + 9] != ' ')
        return -1;
    l->year = -1;
    l->has_offset = false;
    return (long)(i + 10);
}

/* "2026-12-05T09:10:00[.123456](Z|+01:00) " */
static long rfc3339_stamp(const char *s, size_t len, pp_logline *l)
{
    size_t i = 19;
    if (len < 21 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't'))
        return -1;
    l->year = digits(s, 4);
    l->mon = digits(s + 5, 2) - 1;
    l->day = digits(s + 8, 2);
    if (l->year < 0 || l->mon < 0 || l->mon > 11 || l->day < 1 || l->day > 31 ||
        clock_time(s + 11, l) != 0)
        return -1;
    if (s[i] == '.')
        for (i++; i < len && is_digit(s[i]); i++)
            ;
    l->has_offset = true;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        l->offset = 0;
        i++;
    } else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int h = digits(s + i + 1, 2), m = digits(s + i + 4, 2);
        if (h < 0 || h > 23 || m < 0 || m > 59)
            return -1;
        l->offset = (s[i] == '-' ? -1 : 1) * (h * 3600 + m * 60);
        i += 6;
    } else {
        return -1;
    }
    if (i >= len || s[i] != ' ')
        return -1;
    return (long)(i + 1);
}

/* "postfix/submission/smtpd[123]: text" from p to end. */
static int tag_and_text(const char *p, const char *end, pp_logline *l)
{
    /* The tag's name ends at its '[' or ':', whichever comes first, without a blank before
     * it: searched with memchr (a tag is a few dozen bytes, read once per line). */
    const char *colon = memchr(p, ':', (size_t)(end - p));
    if (!colon)
        return -1;
    const char *stop = memchr(p, '[', (size_t)(colon - p));
    if (!stop)
        stop = colon;
    if (stop == p || memchr(p, ' ', (size_t)(stop - p)))
        return -1;
    const char *slash = memrchr(p, '/', (size_t)(stop - p));
    l->name = p;
    l->name_len = (size_t)((slash ? slash : stop) - p);
    l->prog = slash ? slash + 1 : p;
    l->prog_len = (size_t)(stop - l->prog);
    p = stop;
    l->pid = -1;
    if (*p == '[') {
        long pid = 0;
        const char *d = ++p, *max = end - p > 10 ? p + 10 : end;
        for (unsigned v; p < max && (v = (unsigned)(unsigned char)*p - '0') < 10; p++)
            pid = pid * 10 + v;
        if (p == end || *p != ']' || p - d > 9)
            return -1;
        l->pid = pid;
        p++;
    }
    if (p == end || *p != ':')
        return -1;
    p++;
    if (p < end && *p == ' ')
        p++;
    l->text = p;
    l->text_len = (size_t)(end - p);
    return 0;
}

int pp_logline_parse(const char *s, size_t len, pp_logline *l)
{
    long n = len && is_digit(s[0]) ? rfc3339_stamp(s, len, l) : syslog_stamp(s, len, l);
    if (n < 0)
        return -1;
    const char *p = s + n, *end = s + len;
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp || sp == p)
        return -1;
    l->host = p;
    l->host_len = (size_t)(sp - p);
    return tag_and_text(sp + 1, end, l);
}

long long pp_logline_time(const pp_logline *l, long long now)
{
    struct tm tm = {.tm_mon = l->mon, .tm_mday = l->day, .tm_hour = l->hour,
                    .tm_min = l->min, .tm_sec = l->sec, .tm_isdst = -1};
    if (l->year >= 0) {
        tm.tm_year = l->year - 1900;
        time_t t = timegm(&tm);
        return t == (time_t)-1 ? -1 : (long long)t - l->offset;
    }
    time_t tnow = (time_t)now;
    struct tm nt;
    if (!localtime_r(&tnow, &nt))
        return -1;
    tm.tm_year = nt.tm_year;
    time_t t = mktime(&tm);
    if (t != (time_t)-1 && (long long)t > now + 86400) {
        struct tm back = {.tm_year = nt.tm_year - 1, .tm_mon = l->mon, .tm_mday = l->day,
                          .tm_hour = l->hour, .tm_min = l->min, .tm_sec = l->sec,
                          .tm_isdst = -1};
        t = mktime(&back);
    }
    return t == (time_t)-1 ? -1 : (long long)t;
}

void pp_logclock_init(pp_logclock *c, long long now)
{
    c->now = now;
    c->key = -1;
}

long long pp_logclock_time(pp_logclock *c, const pp_logline *l)
{
    long long key = (((long long)(l->year + 1) * 12 + l->mon) * 32 + l->day) * 24 + l->hour;
    key = key * 172802 + (l->has_offset ? l->offset + 86401 : 0); /* |offset| < 86400 */
    if (key != c->key) {
        pp_logline h = *l;
        h.min = h.sec = 0;
        c->base = pp_logline_time(&h, c->now);
        c->key = key;
    }
    return c->base < 0 ? -1 : c->base + l->min * 60 + l->sec;
}

bool pp_logline_name_is(const pp_logline *l, const char *name)
{
    size_t n = strlen(name);
    if (l->name_len < n || memcmp(l->name, name, n) != 0)
        return false;
    return l->name_len == n || l->name[n] == '/';
}

bool pp_logline_name_in(const pp_logline *l, const char *const *names)
{
    if (!names)
        return true;
    for (; *names; names++)
        if (pp_logline_name_is(l, *names))
            return true;
    return false;
}

/* murmur3's finaliser: every bit of the input moves the low bits the tables index by */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

uint64_t pp_loghash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = mix(h ^ w);
    }
    for (w = 0; n; n--)
        w = w << 8 | (unsigned char)s[n - 1];
    h = mix(h ^ w);
    return h ? h : 1;
}

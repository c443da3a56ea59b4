/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * utf8.c - UTF-8 validity and escaping for display. See utf8.h.
 */
#include "core/utf8.h"

#include <stdint.h>

size_t pp_utf8_seq(const unsigned char *p, size_t avail)
{
    uint32_t cp;
    size_t n;
    if (avail == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2, cp = p[0] & 0x1F;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3, cp = p[0] & 0x0F;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool pp_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = pp_utf8_seq(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

void pp_utf8_visible(pp_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = pp_utf8_seq(p + i, len - i);
        bool control = n == 0 || p[i] < 0x20 || p[i] == 0x7f ||
                       (n == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0);
        if (!control) {
            pp_buf_add(out, s + i, n);
            i += n;
            continue;
        }
        for (size_t k = n ? n : 1; k > 0; k--, i++)
            pp_buf_printf(out, "\\x%02x", p[i]);
    }
}

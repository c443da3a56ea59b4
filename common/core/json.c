/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json.c - JSON strings. See json.h.
 */
#include "core/json.h"

#include <string.h>

#include "core/utf8.h"

void pp_json_strn(pp_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    pp_buf_putc(out, '"');
    for (size_t i = 0; i < len;) {
        size_t n = pp_utf8_seq(p + i, len - i);
        if (n == 0) {
            pp_buf_puts(out, "\\ufffd");
            i++;
        } else if (p[i] == '"' || p[i] == '\\') {
            pp_buf_putc(out, '\\');
            pp_buf_putc(out, (char)p[i++]);
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            pp_buf_printf(out, "\\u%04x", p[i++]);
        } else if (n == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0) {
            pp_buf_printf(out, "\\u%04x", p[i + 1]);
            i += 2;
        } else {
            pp_buf_add(out, s + i, n);
            i += n;
        }
    }
    pp_buf_putc(out, '"');
}

void pp_json_str(pp_buf *out, const char *s)
{
    pp_json_strn(out, s, strlen(s));
}

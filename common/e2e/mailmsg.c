/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mailmsg.c - test messages. See mailmsg.h.
 */
#include "e2e/mailmsg.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "e2e/eicar.h"

#define B64_LINE 76

void pp_mailmsg_date(long long ms, char *out, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    gmtime_r(&t, &tm);
    snprintf(out, len, "%s, %d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void header(pp_buf *out, const pp_mailmsg_head *h)
{
    char date[64];
    pp_mailmsg_date(h->ms, date, sizeof date);
    pp_buf_printf(out, "From: <%s>\nTo: <%s>\nSubject: %s\nDate: %s\nMessage-ID: <", h->from,
                  h->to, h->subject, date);
    for (const char *p = h->id; *p; p++)
        pp_buf_putc(out, *p == ':' ? '.' : *p);
    pp_buf_printf(out, "@%s>\nX-Postprobe-Id: %s\nMIME-Version: 1.0\n", h->host, h->id);
}

void pp_mailmsg_probe(pp_buf *out, const pp_mailmsg_head *h, const char *text)
{
    header(out, h);
    pp_buf_printf(out, "Content-Type: text/plain; charset=us-ascii\n"
                       "Content-Transfer-Encoding: 7bit\n\n%s\n", text);
}

static void add_base64(pp_buf *out, const unsigned char *data, size_t n)
{
    unsigned char enc[4 * ((PP_EICAR_LEN + 2) / 3) + 1];
    int len = EVP_EncodeBlock(enc, data, (int)n);
    for (int i = 0; i < len; i += B64_LINE) {
        int k = len - i < B64_LINE ? len - i : B64_LINE;
        pp_buf_add(out, (const char *)enc + i, (size_t)k);
        pp_buf_putc(out, '\n');
    }
    memset(enc, 0, sizeof enc);
}

void pp_mailmsg_eicar(pp_buf *out, const pp_mailmsg_head *h, const char *text)
{
    char boundary[48];
    snprintf(boundary, sizeof boundary, "=_postprobe_%lld", h->ms);
    header(out, h);
    pp_buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n"
                       "This is a multi-part message in MIME format.\n\n"
                       "--%s\nContent-Type: text/plain; charset=us-ascii\n"
                       "Content-Transfer-Encoding: 7bit\n\n%s\n\n"
                       "--%s\nContent-Type: application/octet-stream; name=\"eicar.com\"\n"
                       "Content-Transfer-Encoding: base64\n"
                       "Content-Disposition: attachment; filename=\"eicar.com\"\n\n",
                  boundary, boundary, text, boundary);
    char eicar[PP_EICAR_LEN + 1];
    pp_eicar(eicar);
    add_base64(out, (const unsigned char *)eicar, PP_EICAR_LEN);
    memset(eicar, 0, sizeof eicar);
    pp_buf_printf(out, "\n--%s--\n", boundary);
}

size_t pp_mailmsg_next_line(const char *msg, size_t len, size_t *used)
{
    const char *nl = memchr(msg, '\n', len);
    size_t n = nl ? (size_t)(nl - msg) : len;
    *used = nl ? n + 1 : n;
    return n;
}

const char *pp_mailmsg_stuff(const char *line, size_t len, pp_buf *tmp)
{
    pp_buf_reset(tmp);
    if (len > 0 && line[0] == '.')
        pp_buf_putc(tmp, '.');
    pp_buf_add(tmp, line, len);
    return pp_buf_str(tmp) ? pp_buf_str(tmp) : "";
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mailsend.c - MAIL, RCPT, DATA over a logged-in session. See mailsend.h.
 */
#include "e2e/mailsend.h"

#include <stdio.h>
#include <string.h>

#include "e2e/mailmsg.h"
#include "mail/mailproto.h"

const char *pp_mailsend_step_name(pp_mailsend_step step)
{
    static const char *const names[] = {"MAIL FROM", "RCPT TO", "DATA", "end of DATA", "done"};
    return step <= PP_SEND_DONE ? names[step] : "?";
}

/* Sends cmd (NULL: only read the reply) and reads the reply; true when it is `want`xx. */
static bool step(pp_mail_session *s, pp_mailsend_result *r, pp_mailsend_step st,
                 const char *cmd, int want)
{
    pp_linereader *conn = pp_mail_conn(s);
    r->step = st;
    r->code = 0;
    r->text[0] = '\0';
    if (cmd)
        r->status = pp_mailproto_smtp_cmd(conn, cmd, &r->code, r->text, sizeof r->text);
    else
        r->status = pp_mailproto_smtp_reply(conn, &r->code, r->text, sizeof r->text, NULL, NULL);
    if (r->status != PP_LR_LINE) {
        pp_mail_fail(s, r->status, pp_mailsend_step_name(st), r->text);
        return false;
    }
    return r->code / 100 == want;
}

/* The message lines and the final dot; false with r set when the connection fails. */
static bool send_body(pp_mail_session *s, const char *msg, size_t len, pp_mailsend_result *r)
{
    pp_buf tmp;
    pp_buf_init(&tmp);
    size_t off = 0;
    int st = PP_LR_LINE;
    while (off < len && st == PP_LR_LINE) {
        size_t used, n = pp_mailmsg_next_line(msg + off, len - off, &used);
        st = pp_linereader_put(pp_mail_conn(s), pp_mailmsg_stuff(msg + off, n, &tmp));
        off += used;
    }
    if (st == PP_LR_LINE)
        st = pp_linereader_put(pp_mail_conn(s), ".");
    pp_buf_free(&tmp);
    if (st == PP_LR_LINE)
        return true;
    r->status = st;
    pp_mail_fail(s, st, "the message", NULL);
    return false;
}

int pp_mailsend(pp_mail_session *s, const char *from, const char *to, const char *msg,
                size_t len, pp_mailsend_result *r)
{
    char cmd[600];
    bool ok;
    memset(r, 0, sizeof *r);
    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>", from);
    ok = step(s, r, PP_SEND_MAIL, cmd, 2);
    if (ok) {
        snprintf(cmd, sizeof cmd, "RCPT TO:<%s>", to);
        ok = step(s, r, PP_SEND_RCPT, cmd, 2);
    }
    if (ok)
        ok = step(s, r, PP_SEND_DATA, "DATA", 3);
    if (ok) {
        r->step = PP_SEND_DOT;
        ok = send_body(s, msg, len, r);
    }
    if (ok)
        ok = step(s, r, PP_SEND_DOT, NULL, 2);
    if (ok)
        r->step = PP_SEND_DONE;
    return ok ? 0 : -1;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pftrace - the life of a message in Postfix's log
 *
 * Reads the instance's log once (the source check_postfix_log reads: common/log/logsource,
 * logfile, logjournal), assembles each message's lines into its story (common/log/logtrace:
 * arrival, cleanup and milter actions, every delivery attempt, the bounce or delay notice it
 * caused, removal) and prints the stories that match the selectors, one block each, one
 * line an event; or one JSON object a line with --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/listing.h"
#include "core/opts.h"
#include "core/result.h"
#include "log/logfile.h"
#include "log/logjournal.h"
#include "log/logsource.h"
#include "log/logtrace.h"

static const char *opt_file, *opt_journal_dir;
static bool opt_journal, opt_json;
static long long opt_since, opt_until;
static pp_strlist opt_msgid, opt_from, opt_to, opt_client;

/* A duration back from now (30m, 2h, 1d) or a local time "YYYY-MM-DD[ HH:MM[:SS]]". */
static int fn_when(const char *arg, void *dst, char *err, size_t errlen)
{
    long ago;
    struct tm tm = {0};
    char e[256];
    const char *end = strptime(arg, "%Y-%m-%d", &tm);
    if (end && *end) {
        const char *rest = end + (*end == ' ' || *end == 'T');
        end = strptime(rest, "%H:%M:%S", &tm);
        if (!end)
            end = strptime(rest, "%H:%M", &tm);
    }
    if (end && !*end) {
        tm.tm_isdst = -1;
        *(long long *)dst = (long long)mktime(&tm);
        return 0;
    }
    if (pp_logsource_duration(arg, &ago, e, sizeof e) != 0)
        return pp_errf(err, errlen, "'%s' is neither a time (YYYY-MM-DD[ HH:MM[:SS]]) nor a "
                       "duration back from now (N, Ns, Nm, Nh or Nd)", arg);
    *(long long *)dst = (long long)time(NULL) - ago;
    return 0;
}

/* The tool's own --format (it replaces the plugins' nagios|json|openmetrics). */
static int fn_format(const char *arg, void *dst, char *err, size_t errlen)
{
    if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
        return pp_errf(err, errlen, "'%s' is not a format: text or json", arg);
    *(bool *)dst = strcmp(arg, "json") == 0;
    return 0;
}

static const pp_opt opts[] = {
    {.name = "file", .arg = "PATH", .kind = PP_OPT_STR, .dst = &opt_file,
     .help = "the log file, a rotated one too (.gz read through zlib) (default: main.cf's "
             "maillog_file, else /var/log/mail.log, else the systemd journal)"},
    {.name = "journal", .kind = PP_OPT_FLAG, .dst = &opt_journal,
     .help = "read the local systemd journal"},
    {.name = "journal-dir", .arg = "DIR", .kind = PP_OPT_STR, .dst = &opt_journal_dir,
     .help = "a directory of journal files (with --journal), e.g. another host's"},
    {.name = "since", .arg = "WHEN", .kind = PP_OPT_FUNC, .dst = &opt_since, .fn = fn_when,
     .help = "lines from WHEN on: a local time YYYY-MM-DD[ HH:MM[:SS]] or a duration back "
             "from now (N[smhd])"},
    {.name = "until", .arg = "WHEN", .kind = PP_OPT_FUNC, .dst = &opt_until, .fn = fn_when,
     .help = "lines before WHEN (the same forms)"},
    {.name = "message-id", .arg = "ID", .kind = PP_OPT_LIST, .dst = &opt_msgid,
     .help = "the Message-ID (with or without its angle brackets) is ID"},
    {.name = "from", .arg = "REGEX", .kind = PP_OPT_LIST, .dst = &opt_from,
     .help = "the envelope sender matches REGEX (the null sender is the empty string: '^$')"},
    {.name = "to", .arg = "REGEX", .kind = PP_OPT_LIST, .dst = &opt_to,
     .help = "a recipient (to= or orig_to=) matches REGEX"},
    {.name = "client", .arg = "REGEX", .kind = PP_OPT_LIST, .dst = &opt_client,
     .help = "the SMTP client (smtpd's client=, \"name[address]\") matches REGEX"},
    {.name = "json", .kind = PP_OPT_FLAG, .dst = &opt_json,
     .help = "one JSON object a message, one a line, for scripts (--format json)"},
    {.name = "format", .arg = "FORMAT", .kind = PP_OPT_FUNC, .dst = &opt_json, .fn = fn_format,
     .help = "text (default: one block a message, one line an event) or json"},
    {0},
};

static const pp_example examples[] = {
    {"4F2A1B3C5D",
     "the story of one message: the queue id of smtpd's \"250 2.0.0 Ok: queued as\" reply, of "
     "a delivery line or of a bounce notice"},
    {"--to '@example\\.org$' --since 2h",
     "every message to example.org of the last two hours"},
    {"--from '^$' --json",
     "the null sender's messages (bounce and delay notices), each inside the story of the "
     "message that caused it, one JSON object a line"},
    {0},
};

static const pp_plugin tool = {
    .name = "pftrace",
    .service = "PFTRACE",
    .purpose = "Prints the life of each matching message from Postfix's log, one block a "
               "message and one line an event: arrival (client, SASL user, size, "
               "Message-ID), cleanup, milter and header_checks actions, every delivery "
               "attempt of each recipient (relay, delay, DSN, reply), the bounce or delay "
               "notice it caused, and its removal.",
    .usage = "[-C config_dir] [--file PATH | --journal [--journal-dir DIR]] [--since WHEN] "
             "[--until WHEN] "
             "[QUEUE_ID | --message-id ID | --from REGEX | --to REGEX | --client REGEX]... "
             "[--json]",
    .notes = "Without a selector every message is printed. The values of one selector "
             "(queue ids, or a repeated option) are alternatives; different selectors must "
             "all match, the same message or one of its notices. Regular expressions are "
             "PCRE2, case-insensitive and unanchored. The log is read once, in order: a "
             "message is printed when it and its notices have left the queue, so blocks come "
             "in the order messages ended; those still queued at the end of the log (or "
             "beyond 100000 open at once) come last, marked open. The log is the one "
             "check_postfix_log reads, by the same rules; lines count when their syslog name "
             "is the instance's. Exit status: 0 a message matched, 1 none did, 3 an error "
             "(one line saying which).",
    .examples = examples,
    .use = PP_USE_CONFDIR | PP_USE_TOOL,
    .opts = opts,
    .max_args = -1,
    .default_timeout = 600,
};

/* ---- selection ---- */

typedef struct selector {
    pp_strlist qids;
    pcre2_code **from, **to, **client;
    pcre2_match_data *md;
    unsigned long matched;
    pp_buf out;
} selector;

static pcre2_code **compile(const char *option, const pp_strlist *l)
{
    pcre2_code **re = pp_xcalloc(l->n + 1, sizeof *re);
    for (size_t i = 0; i < l->n; i++)
        re[i] = pp_listing_regex(option, l->items[i]);
    return re;
}

static bool any_re(const selector *s, pcre2_code *const *re, const char *v)
{
    for (; *re; re++)
        if (v && pp_listing_match(*re, s->md, v, strlen(v)))
            return true;
    return false;
}

static bool same_id(const char *want, const char *id)
{
    size_t n = strlen(want);
    if (n >= 2 && want[0] == '<' && want[n - 1] == '>')
        return strlen(id) == n && !strcmp(want, id);
    return strlen(id) == n + 2 && id[0] == '<' && !strncmp(id + 1, want, n) && id[n + 1] == '>';
}

static bool one_matches(const selector *s, const pp_logmsg *m)
{
    bool ok = s->qids.n == 0 && opt_msgid.n == 0;
    for (size_t i = 0; i < s->qids.n && !ok; i++)
        ok = !strcmp(s->qids.items[i], m->qid);
    for (size_t i = 0; i < opt_msgid.n && !ok && m->message_id; i++)
        ok = same_id(opt_msgid.items[i], m->message_id);
    if (!ok || (opt_from.n && !any_re(s, s->from, m->sender)) ||
        (opt_client.n && !any_re(s, s->client, m->client)))
        return false;
    bool to = opt_to.n == 0;
    for (size_t i = 0; i < m->nrcpt && !to; i++)
        to = any_re(s, s->to, m->rcpt[i]);
    return to;
}

static bool tree_matches(const selector *s, const pp_logmsg *m)
{
    if (one_matches(s, m))
        return true;
    for (size_t i = 0; i < m->nnotices; i++)
        if (tree_matches(s, m->notices[i]))
            return true;
    return false;
}

/* ---- output ---- */

static const char *kind_name(const pp_logmsg_event *e)
{
    static const char *const names[] = {
        "other", "received", "delivered", "forwarded", "deferred", "bounced", "expired",
        "rejected", "reject_warning", "held", "discarded", "sasl_failure", "tls_failure",
        "lost_connection", "process_limit", "pass_new", "pass_old", "dnsbl", "pregreet",
        "removed"};
    size_t n;
    if (e->kind == PP_LOGK_NONE && !strncmp(e->text, "message-id=", 11))
        return "message_id";
    if (e->kind == PP_LOGK_NONE && strstr(e->tag, "/qmgr") &&
        pp_logtrace_field(e->text, "from=", &n))
        return "queued";
    if (e->kind == PP_LOGK_NONE && strstr(e->text, " notification: "))
        return "notice";
    return (size_t)e->kind < sizeof names / sizeof names[0] ? names[e->kind] : "other";
}

static void text_msg(pp_buf *b, const pp_logmsg *m, int depth)
{
    const char *ind = depth ? "    " : "";
    char size[32] = "", from[1024] = "";
    if (m->size >= 0)
        snprintf(size, sizeof size, "%lld", m->size);
    if (m->sender)
        snprintf(from, sizeof from, "<%s>", m->sender);
    const char *keys[] = {"from", "size", "client", "sasl_username", "message-id"};
    const char *vals[] = {from, size, m->client, m->sasl_username, m->message_id};
    pp_buf_printf(b, "%s%s%s:", ind, depth ? "notice " : "", m->qid);
    for (size_t i = 0, n = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (vals[i] && vals[i][0])
            pp_buf_printf(b, "%s%s=%s", n++ ? ", " : " ", keys[i], vals[i]);
    pp_buf_printf(b, "%s\n", m->evicted ? " [open: too many messages open at once]"
                             : !m->ended ? " [open: no end in the log]" : "");
    for (size_t i = 0; i < m->nev; i++) {
        const pp_logmsg_event *e = &m->ev[i];
        pp_buf_printf(b, "%s  %s %s", ind, e->stamp, e->tag);
        if (e->pid >= 0)
            pp_buf_printf(b, "[%ld]", e->pid);
        pp_buf_printf(b, ": %s\n", e->text);
    }
    for (size_t i = 0; i < m->nnotices; i++)
        text_msg(b, m->notices[i], depth + 1);
}

static void json_field(pp_buf *b, const char *key, const char *v)
{
    pp_buf_printf(b, ", \"%s\": ", key);
    if (v)
        pp_json_str(b, v);
    else
        pp_buf_puts(b, "null");
}

static void json_event(pp_buf *b, const pp_logmsg_event *e)
{
    static const char *const keys[] = {"to=", "orig_to=", "relay=", "delay=", "dsn=",
                                       "status="};
    pp_buf_printf(b, "{\"time\": %lld", e->time);
    json_field(b, "stamp", e->stamp);
    json_field(b, "program", e->tag);
    pp_buf_printf(b, ", \"pid\": %ld", e->pid);
    json_field(b, "kind", kind_name(e));
    json_field(b, "text", e->text);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t n;
        const char *v = pp_logtrace_field(e->text, keys[i], &n);
        if (!v || e->kind < PP_LOGK_DELIVERED || e->kind > PP_LOGK_EXPIRED)
            continue;
        pp_buf_printf(b, ", \"%.*s\": ", (int)strlen(keys[i]) - 1, keys[i]);
        pp_json_strn(b, v, n);
    }
    const char *reply = strstr(e->text, " (");
    size_t rl = reply ? strlen(reply) : 0;
    if (reply && e->kind >= PP_LOGK_DELIVERED && e->kind <= PP_LOGK_EXPIRED &&
        reply[rl - 1] == ')') {
        pp_buf_puts(b, ", \"reply\": ");
        pp_json_strn(b, reply + 2, rl - 3);
    }
    pp_buf_putc(b, '}');
}

static void json_msg(pp_buf *b, const pp_logmsg *m)
{
    pp_buf_puts(b, "{\"queue_id\": ");
    pp_json_str(b, m->qid);
    pp_buf_printf(b, ", \"ended\": %s, \"evicted\": %s", m->ended ? "true" : "false",
                  m->evicted ? "true" : "false");
    json_field(b, "client", m->client);
    json_field(b, "sasl_username", m->sasl_username);
    json_field(b, "message_id", m->message_id);
    json_field(b, "sender", m->sender);
    if (m->size >= 0)
        pp_buf_printf(b, ", \"size\": %lld", m->size);
    else
        pp_buf_puts(b, ", \"size\": null");
    pp_buf_puts(b, ", \"recipients\": [");
    for (size_t i = 0; i < m->nrcpt; i++) {
        pp_buf_puts(b, i ? ", " : "");
        pp_json_str(b, m->rcpt[i]);
    }
    pp_buf_puts(b, "], \"events\": [");
    for (size_t i = 0; i < m->nev; i++) {
        pp_buf_puts(b, i ? ", " : "");
        json_event(b, &m->ev[i]);
    }
    pp_buf_puts(b, "], \"notices\": [");
    for (size_t i = 0; i < m->nnotices; i++) {
        pp_buf_puts(b, i ? ", " : "");
        json_msg(b, m->notices[i]);
    }
    pp_buf_puts(b, "]}");
}

static void on_message(void *ctx, const pp_logmsg *m)
{
    selector *s = ctx;
    if (!tree_matches(s, m))
        return;
    pp_buf_reset(&s->out);
    if (opt_json) {
        json_msg(&s->out, m);
        pp_buf_putc(&s->out, '\n');
    } else {
        if (s->matched)
            pp_buf_putc(&s->out, '\n');
        text_msg(&s->out, m, 0);
    }
    s->matched++;
    fwrite(s->out.s, 1, s->out.len, stdout);
}

static void each_line(void *ctx, const char *line, size_t len)
{
    pp_logtrace_line(ctx, line, len);
}

/* ---- the run ---- */

static void read_log(const pp_logsource *src, pp_logtrace *t)
{
    char err[1024];
    if (src->path) {
        pp_logpos to;
        pp_logfile_info info;
        if ((opt_since > 0 ? pp_logfile_read_since(src->path, (time_t)opt_since, &to,
                                                   each_line, t, &info, err, sizeof err)
                           : pp_logfile_read(src->path, NULL, &to, each_line, t, &info, err,
                                             sizeof err)) != 0)
            pp_die(PP_UNKNOWN, "%s", err);
        return;
    }
    pp_logjournal_info info;
    pp_logjournal_opts jo = {.dir = opt_journal_dir, .names = src->names,
                             .since_usec = opt_since > 0 ? (unsigned long long)opt_since * 1000000
                                                         : 0};
    if (pp_logjournal_read(&jo, each_line, t, &info, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_logsource src;
    char err[512];
    selector s = {0};

    pp_opts_parse(&tool, argc, argv, &c);
    if (opt_file && opt_journal)
        pp_die(PP_UNKNOWN, "--file and --journal: one source only");
    if (opt_journal_dir && !opt_journal)
        pp_die(PP_UNKNOWN, "--journal-dir goes with --journal");
    if (opt_since && opt_until && opt_until <= opt_since)
        pp_die(PP_UNKNOWN, "--until must be later than --since");
    s.qids.items = (const char **)c.args;
    s.qids.n = (size_t)c.nargs;
    s.from = compile("from", &opt_from);
    s.to = compile("to", &opt_to);
    s.client = compile("client", &opt_client);
    s.md = pcre2_match_data_create(1, NULL);
    pp_buf_init(&s.out);
    if (pp_logsource_find(c.config_dir, opt_file, opt_journal, opt_journal_dir, &src, err,
                          sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);

    pp_logtrace_opts o = {.names = src.names, .since = opt_since, .until = opt_until,
                          .fn = on_message, .ctx = &s};
    pp_logtrace *t = pp_logtrace_new(&o);
    read_log(&src, t);
    pp_logtrace_finish(t);
    if (fflush(stdout) != 0)
        pp_die(PP_UNKNOWN, "cannot write the listing");
    if (pp_output_verbose()) {
        const pp_logtrace_stats *st = pp_logtrace_stats_get(t);
        fprintf(stderr, "pftrace: %s: %llu lines, %llu events of %llu messages, at most %zu "
                        "open at once, %lu printed\n",
                src.source, st->lines, st->events, st->messages, st->max_open_seen,
                s.matched);
    }
    pp_logtrace_free(t);
    pp_logsource_free(&src);
    pcre2_code **all[] = {s.from, s.to, s.client};
    for (size_t k = 0; k < 3; k++) {
        for (pcre2_code **re = all[k]; *re; re++)
            pcre2_code_free(*re);
        free(all[k]);
    }
    pcre2_match_data_free(s.md);
    pp_buf_free(&s.out);
    return s.matched ? 0 : 1;
}

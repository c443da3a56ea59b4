/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_snmp_extend - the result of a plugin that a remote snmpd runs as an "extend"
 *
 * Reads nsExtendResult, then nsExtendOutputFull (NET-SNMP-EXTEND-MIB, numeric OIDs; the
 * nsExtendOutLine rows when the output is too large for one message) over SNMP v2c or v3
 * and exits with the remote plugin's state and output, unchanged, unless snmpd's exit
 * status cannot be the state (pp_snmp_extend_judge: killed by a signal, command missing):
 * then UNKNOWN (--error-state) says why. --all PREFIX reports every extend whose name
 * starts with PREFIX in one run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/opts.h"
#include "core/plugout.h"
#include "core/result.h"
#include "core/secret.h"
#include "snmp/snmp_extend.h"

static const char *opt_community, *opt_user, *opt_auth_pass, *opt_priv_pass, *opt_authfile;
static const char *opt_auth_proto = "SHA", *opt_priv_proto = "AES";
static const char *opt_name, *opt_all;
static long opt_version, opt_retries = 1;
static int opt_level = -1;
static pp_state opt_unreachable = PP_UNKNOWN, opt_error = PP_UNKNOWN;

static int fn_version(const char *arg, void *dst, char *err, size_t errlen)
{
    if (strcmp(arg, "2c") == 0 || strcmp(arg, "2") == 0 || strcasecmp(arg, "v2c") == 0)
        *(long *)dst = 2;
    else if (strcmp(arg, "3") == 0 || strcasecmp(arg, "v3") == 0)
        *(long *)dst = 3;
    else {
        return pp_errf(err, errlen, "'%s' is not a supported SNMP version (2c, 3)", arg);
    }
    return 0;
}

static int fn_level(const char *arg, void *dst, char *err, size_t errlen)
{
    static const char *const names[] = {"noAuthNoPriv", "authNoPriv", "authPriv"};
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(arg, names[i]) == 0) {
            *(int *)dst = i;
            return 0;
        }
    }
    return pp_errf(err, errlen, "'%s' is not a security level (noAuthNoPriv, authNoPriv, authPriv)",
                   arg);
}

static const pp_opt opts[] = {
    {.name = "name", .key = 'n', .arg = "EXTEND", .kind = PP_OPT_STR, .dst = &opt_name,
     .help = "the extend to read (its name in snmpd.conf's \"extend NAME PROG\")"},
    {.name = "all", .arg = "PREFIX", .kind = PP_OPT_STR, .dst = &opt_all,
     .help = "instead of -n: every extend whose name starts with PREFIX (\"\" for all), the "
             "worst state wins, each on its own line of the long output; perfdata labels "
             "become EXTEND::LABEL"},
    {.name = "protocol", .key = 'P', .arg = "2c|3", .kind = PP_OPT_FUNC, .dst = &opt_version,
     .fn = fn_version,
     .help = "SNMP version (default: 3 when a user is known, from -u, --authfile or "
             "POSTPROBE_SNMP_USER, else 2c)"},
    {.name = "community", .key = 'C', .arg = "COMMUNITY", .kind = PP_OPT_STR,
     .dst = &opt_community,
     .help = "v2c community (better: POSTPROBE_SNMP_COMMUNITY, or \"password = COMMUNITY\" in "
             "the --authfile); removed from the process's arguments"},
    {.name = "user", .key = 'u', .arg = "USER", .kind = PP_OPT_STR, .dst = &opt_user,
     .help = "v3 security name (or \"user\" in the --authfile, or POSTPROBE_SNMP_USER)"},
    {.name = "level", .key = 'l', .arg = "LEVEL", .kind = PP_OPT_FUNC, .dst = &opt_level,
     .fn = fn_level,
     .help = "v3 security level: noAuthNoPriv, authNoPriv or authPriv (default: authPriv with "
             "a privacy password, authNoPriv with only an authentication password)"},
    {.name = "auth-proto", .key = 'a', .arg = "PROTO", .kind = PP_OPT_STR,
     .dst = &opt_auth_proto, .help = "v3 authentication protocol: MD5, SHA (default), "
                                     "SHA-224, SHA-256, SHA-384, SHA-512"},
    {.name = "auth-password", .key = 'A', .arg = "PASS", .kind = PP_OPT_STR,
     .dst = &opt_auth_pass,
     .help = "v3 authentication password (better: \"password\" in the --authfile, or "
             "POSTPROBE_SNMP_AUTH_PASSWORD); removed from the process's arguments"},
    {.name = "priv-proto", .key = 'x', .arg = "PROTO", .kind = PP_OPT_STR,
     .dst = &opt_priv_proto, .help = "v3 privacy protocol: DES, AES (default), AES-192, AES-256"},
    {.name = "priv-password", .key = 'X', .arg = "PASS", .kind = PP_OPT_STR,
     .dst = &opt_priv_pass,
     .help = "v3 privacy password (better: \"priv_password\" in the --authfile, or "
             "POSTPROBE_SNMP_PRIV_PASSWORD); removed from the process's arguments"},
    {.name = "authfile", .arg = "FILE", .kind = PP_OPT_STR, .dst = &opt_authfile,
     .help = "file (mode 600 or 640) with \"user = \", \"password = \" (v3 authentication "
             "password, or the v2c community) and \"priv_password = \" lines"},
    {.name = "retries", .key = 'r', .arg = "N", .kind = PP_OPT_INT, .dst = &opt_retries,
     .help = "resend a request N more times before giving up (default 1); all tries fit "
             "in -t"},
    {.name = "unreachable-state", .arg = "STATE", .kind = PP_OPT_STATE, .dst = &opt_unreachable,
     .help = "state when the agent does not answer (default unknown)"},
    {.name = "error-state", .arg = "STATE", .kind = PP_OPT_STATE, .dst = &opt_error,
     .help = "state when the agent refuses the credentials, has no such extend, or the "
             "extend's exit status cannot be its state: not 0-3, no output (snmpd could not "
             "run it), or another state than its output says (killed by a signal: snmpd "
             "reports 0) (default unknown)"},
    {0},
};

static const pp_plugin plugin = {
    .name = "check_snmp_extend",
    .service = "EXTEND",
    .purpose = "Reads, over SNMP v2c or v3, the result of a check that a remote snmpd runs "
               "through an \"extend\" line (NET-SNMP-EXTEND-MIB nsExtendResult and "
               "nsExtendOutputFull, numeric OIDs: no MIB files needed) and exits with that "
               "check's state, output and perfdata, unchanged.",
    .usage = "-H HOST [-p PORT] {-C COMMUNITY | -u USER [-l LEVEL] [-a PROTO] [-A PASS] "
             "[-x PROTO] [-X PASS] | --authfile FILE} {-n EXTEND | --all PREFIX} [-t SECONDS]",
    .notes = "-p is the agent's UDP port (default 161). On the agent (snmpd.conf): extend "
             "postfix_queue /usr/lib/nagios/plugins/check_postfix_queue -w 500 -c 2000\n"
             "snmpd caches an extend's output for about 5 s and runs it as its own user.\n"
             "An agent drops requests with a wrong community or v3 privacy password without "
             "a word: they end as \"no answer\" after the wait, as a closed port does. The "
             "wait (all tries) ends 0.3 s before -t so that the plugin can say what happened.\n"
             "The exit status is read first; an output over about 64 KB does not fit in one "
             "answer (a v2c agent then says nothing: its read waits at most half the time "
             "left) and is read line by line instead.\n"
             "snmpd reports only the command's exit status: a check killed by a signal reads "
             "as 0, a command it cannot run as 1 with no output. Such results, and a state "
             "word in the output that differs from the exit status, are --error-state.",
    .use = PP_USE_HOST,
    .opts = opts,
    .max_args = 0,
};

static void add_perf(pp_result *r, const char *prefix, const char *p, size_t len)
{
    const char *cur = p, *end = p + len;
    pp_buf label, uom, full;
    pp_perf item;
    int rc;

    pp_buf_init(&label);
    pp_buf_init(&uom);
    pp_buf_init(&full);
    while ((rc = pp_plugout_perf_next(&cur, end, &item, &label, &uom)) != 0) {
        if (rc < 0)
            continue;
        if (prefix) {
            pp_buf_reset(&full);
            pp_buf_printf(&full, "%s::%s", prefix, item.label);
            item.label = full.s;
        }
        pp_result_perf(r, &item);
    }
    pp_buf_free(&label);
    pp_buf_free(&uom);
    pp_buf_free(&full);
}

/* One extend as a sub-result: its first line (after why snmpd's result was not taken as its
 * state, if it was not), its long output as details, its perfdata. */
static void add_extend(pp_result *r, const char *name, const pp_snmp_extend *e, pp_state s,
                       const char *why)
{
    pp_plugout po;
    pp_plugout_split(e->output, e->output_len, &po);
    const char *text = po.text_len ? po.text : "(no output)";
    int tlen = po.text_len ? (int)po.text_len : (int)strlen(text);
    pp_sub *sub = opt_all && why ? pp_result_add(r, s, "%s: %s: %.*s", name, why, tlen, text)
                  : opt_all      ? pp_result_add(r, s, "%s: %.*s", name, tlen, text)
                  : why ? pp_result_add(r, s, "extend '%s' %s: %.*s", name, why, tlen, text)
                        : pp_result_add(r, s, "%.*s", tlen, text);
    if (e->by_lines)
        pp_sub_note(sub, "%s", e->why);
    for (const char *l = po.longout, *end = po.longout + po.long_len; l && l < end;) {
        const char *nl = memchr(l, '\n', (size_t)(end - l));
        size_t n = nl ? (size_t)(nl - l) : (size_t)(end - l);
        if (n)
            pp_sub_detail(sub, "%.*s", (int)n, l);
        l += n + 1;
    }
    add_perf(r, opt_all ? name : NULL, po.perf, po.perf_len);
    add_perf(r, opt_all ? name : NULL, po.perf2, po.perf2_len);
}

static pp_state state_for(pp_snmp_status st)
{
    return st == PP_SNMP_UNREACHABLE ? opt_unreachable : opt_error;
}

/* Single extend, Nagios format: the remote plugin's output goes out byte for byte (after
 * it, when it came line by line and not all of it, a line that says so). */
static _Noreturn void pass_through(const pp_snmp_extend *e, pp_state s)
{
    fwrite(e->output, 1, e->output_len, stdout);
    if (e->output[e->output_len - 1] != '\n')
        fputc('\n', stdout);
    if (e->by_lines && e->lines_read < e->lines)
        printf("(output cut: %s)\n", e->why);
    fflush(stdout);
    exit((int)s);
}

static _Noreturn void check_one(pp_snmp *snmp, const char *name)
{
    pp_snmp_extend e;
    pp_state s;
    char err[512], why[256];
    pp_snmp_status st = pp_snmp_extend_get(snmp, name, &e, err, sizeof err);
    pp_snmp_close(snmp);
    if (st != PP_SNMP_OK)
        pp_die(state_for(st), "%s", err);
    bool judged = pp_snmp_extend_judge(&e, &s, why, sizeof why) == 0;
    if (judged && pp_output_format() == PP_FMT_NAGIOS)
        pass_through(&e, s);
    pp_result *r = pp_result_new();
    add_extend(r, name, &e, judged ? s : opt_error, judged ? NULL : why);
    pp_snmp_extend_free(&e);
    pp_result_exit(r);
}

static _Noreturn void check_all(pp_snmp *snmp, const char *prefix)
{
    pp_strlist names = {0};
    char err[512];
    int count[4] = {0};
    pp_snmp_status st = pp_snmp_extend_list(snmp, prefix, &names, err, sizeof err);
    if (st != PP_SNMP_OK)
        pp_die(state_for(st), "%s", err);
    if (names.n == 0)
        pp_die(opt_error, "no extend whose name starts with '%s'", prefix);

    pp_result *r = pp_result_new();
    for (size_t i = 0; i < names.n; i++) {
        pp_snmp_extend e;
        pp_state s;
        char why[256];
        st = pp_snmp_extend_get(snmp, names.items[i], &e, err, sizeof err);
        if (st == PP_SNMP_UNREACHABLE) /* the agent went away: no time to wait for each */
            pp_die(opt_unreachable, "%s", err);
        if (st != PP_SNMP_OK)
            pp_result_add(r, s = state_for(st), "%s: %s", names.items[i], err);
        else if (pp_snmp_extend_judge(&e, &s, why, sizeof why) != 0)
            add_extend(r, names.items[i], &e, s = opt_error, why);
        else
            add_extend(r, names.items[i], &e, s, NULL);
        count[s]++;
        pp_snmp_extend_free(&e);
    }
    pp_result_summary(r, "%zu extends: %d critical, %d warning, %d unknown, %d ok", names.n,
                      count[PP_CRITICAL], count[PP_WARNING], count[PP_UNKNOWN], count[PP_OK]);
    pp_snmp_extend_names_free(&names);
    pp_snmp_close(snmp);
    pp_result_exit(r);
}

/* Credentials from the command line (then blanked in argv), the authfile or the
 * environment; the version follows from them unless -P says it. */
static void resolve(pp_secret *sec, pp_snmp_conf *conf)
{
    char err[512];
    pp_secret_src v3 = {.user = opt_user, .password = opt_auth_pass,
                        .priv_password = opt_priv_pass, .authfile = opt_authfile,
                        .env_user = "POSTPROBE_SNMP_USER",
                        .env_password = "POSTPROBE_SNMP_AUTH_PASSWORD",
                        .env_priv_password = "POSTPROBE_SNMP_PRIV_PASSWORD"};
    pp_secret_src v2 = {.password = opt_community, .authfile = opt_authfile,
                        .env_password = "POSTPROBE_SNMP_COMMUNITY"};
    if (pp_secret_resolve(sec, &v3, err, sizeof err) != 0)
        pp_die(PP_UNKNOWN, "%s", err);
    conf->version = opt_version ? (int)opt_version : sec->user ? 3 : 2;
    if (conf->version == 2) {
        pp_secret_free(sec);
        if (pp_secret_resolve(sec, &v2, err, sizeof err) != 0)
            pp_die(PP_UNKNOWN, "%s", err);
    }
    pp_arg_scrub((char *)opt_community);
    pp_arg_scrub((char *)opt_auth_pass);
    pp_arg_scrub((char *)opt_priv_pass);

    conf->community = sec->password;
    conf->user = sec->user;
    conf->auth_pass = sec->password;
    conf->priv_pass = sec->priv_password;
    conf->level = opt_level >= 0   ? (pp_snmp_level)opt_level
                  : sec->priv_password ? PP_SNMP_AUTH_PRIV
                  : sec->password      ? PP_SNMP_AUTH_NOPRIV
                                       : PP_SNMP_NOAUTH_NOPRIV;
    if (conf->version == 2 && !conf->community)
        pp_die(PP_UNKNOWN, "no community: give -C, --authfile or POSTPROBE_SNMP_COMMUNITY");
    if (conf->version == 3 && !conf->user)
        pp_die(PP_UNKNOWN, "no v3 user: give -u, --authfile or POSTPROBE_SNMP_USER");
}

int main(int argc, char **argv)
{
    pp_common c;
    pp_secret sec;
    char err[512];
    pp_snmp_status st;

    pp_opts_parse(&plugin, argc, argv, &c);
    if (!c.host)
        pp_die(PP_UNKNOWN, "no agent: give -H HOST (see --help)");
    if (!opt_name == !opt_all)
        pp_die(PP_UNKNOWN, "give either -n EXTEND or --all PREFIX (see --help)");
    if (opt_retries < 0 || opt_retries > 10)
        pp_die(PP_UNKNOWN, "--retries: %ld is not between 0 and 10", opt_retries);

    pp_snmp_conf conf = {.host = c.host, .port = c.port ? c.port : 161, .family = c.family,
                         .auth_proto = opt_auth_proto, .priv_proto = opt_priv_proto,
                         .retries = opt_retries};
    resolve(&sec, &conf);
    pp_snmp *snmp = pp_snmp_open(&conf, &st, err, sizeof err);
    pp_secret_free(&sec);
    if (!snmp)
        pp_die(state_for(st), "%s", err);
    if (opt_all)
        check_all(snmp, opt_all);
    check_one(snmp, opt_name);
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# generate.sh - write the Nagios, Icinga 2, NRPE and snmpd files of nagios-cfg/ from one spec
# per plugin (nagios-cfg/spec/<plugin>.spec), so that the four stay in step.
#
#   nagios-cfg/generate.sh           rewrite the generated files in place
#   nagios-cfg/generate.sh --check   exit 1 (and say which) if a generated file is out of date
#                                    or a plugins/check_*.c has no spec
#
# A spec has one "KEY VALUE" line each (blank lines and '#' comments ignored); fields inside a
# value are separated by " | ":
#   plugin   NAME                  the program in plugins/ (one per spec)
#   summary  TEXT                  one line: what it checks (also the package description)
#   nagios   ARGS                  Nagios command_line after $USER1$/NAME, with $ARGn$ macros
#   nagios-args TEXT               what each $ARGn$ means (a comment above the command)
#   service  DESCRIPTION | ARGS    an example Nagios service: check_command CMD!ARGS
#   arg      OPT | VAR | DEFAULT | DESCRIPTION [| ATTR]...
#                                  an Icinga 2 argument taking a value, from $<short>_VAR$;
#                                  ATTR: "required"; "repeat" (an array repeats the option:
#                                  repeat_key); "unless VAR,VAR" (left out when one of those
#                                  is set, e.g. -H when --file or --mx is)
#   flag     OPT | VAR | DESCRIPTION
#                                  an Icinga 2 argument without value (set_if)
#   timeout  SECONDS               Icinga 2: the CheckCommand's timeout (a long check), and
#                                  -t SECONDS-10 unless the -t arg has a default
#   icinga-service NAME | VAR=VALUE...
#                                  an example Icinga 2 service in icinga2/example-host.conf
#                                  (VAR without the <short>_ prefix, VALUE an Icinga literal)
#   include  FILE                  the lines of spec/FILE (options shared by several plugins)
#   local    NAME | ARGS [| USER]  a check run on the mail server itself: a fixed NRPE command
#                                  line and an snmpd extend line named NAME, and the services
#                                  that read them (check_nrpe, check_snmp_extend); with USER,
#                                  run through "sudo -n -u USER", and the sudoers lines that
#                                  allow exactly that command to nagios and Debian-snmp
# The command is "postprobe_<short>" in Nagios, "<short>" in Icinga 2 (the ITL's way), <short>
# being NAME without "check_"; Icinga variables are <short>_<VAR>.
# Rules (both modes fail when a spec breaks them): a Nagios service description holds none of
# the characters Debian's nagios.cfg sets in illegal_object_name_chars; every -t of a Nagios
# command, service or local line is under Nagios' default service_check_timeout (60 s), a
# local line's under check_nrpe's -t (30 s).
# Generated: nagios/commands.cfg nagios/services.cfg icinga2/commands.conf
# icinga2/services.conf icinga2/example-host.conf nrpe/postprobe.cfg nrpe/nagios-services.cfg
# nrpe/sudoers snmpd/postprobe.conf snmpd/nagios-services.cfg snmpd/sudoers checkmk/mrpe.cfg.
# Hand-written: nagios/templates.cfg nagios/hostgroups.cfg and README.md.
set -euo pipefail

CFG=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$CFG")
PLUGINDIR=/usr/lib/nagios/plugins
SUDO=/usr/bin/sudo
NAGIOS_TIMEOUT=60 # service_check_timeout in Debian's nagios.cfg (and Nagios' default)
NRPE_TIMEOUT=30   # check_nrpe -t of postprobe_nrpe and of the Icinga example
ILLEGAL_CHARS='`~!$%^&*|'"'"'"<>?,()=' # illegal_object_name_chars in Debian's nagios.cfg
OUTPUTS=(nagios/commands.cfg nagios/services.cfg icinga2/commands.conf icinga2/services.conf
         icinga2/example-host.conf nrpe/postprobe.cfg nrpe/nagios-services.cfg nrpe/sudoers snmpd/postprobe.conf
         snmpd/nagios-services.cfg snmpd/sudoers checkmk/mrpe.cfg)

# All specs as one record stream: "plugin<TAB>key<TAB>field1<TAB>field2...".
records() {
    local spec
    for spec in "$CFG"/spec/*.spec; do
        awk -v file="$spec" -v dir="$CFG/spec" '
            function line(text,   key, val, f, n, i, out, inc, l) {
                if (text ~ /^[ \t]*(#|$)/) return
                key = text; sub(/[ \t].*/, "", key)
                val = text
                sub(/^[ \t]*[^ \t]+[ \t]+/, "", val)
                sub(/[ \t]+$/, "", val)
                if (key == "plugin") { plugin = val; return }
                if (plugin == "") { printf "%s: \"plugin\" must come first\n", file > "/dev/stderr"; exit 1 }
                if (key == "include") {
                    inc = dir "/" val
                    while ((getline l < inc) > 0) line(l)
                    close(inc)
                    return
                }
                n = split(val, f, /[ \t]*[|][ \t]*/)
                out = plugin "\t" key
                for (i = 1; i <= n; i++) out = out "\t" f[i]
                print out
            }
            { line($0) }' "$spec"
    done
}

HEADER="Generated by nagios-cfg/generate.sh from nagios-cfg/spec/*.spec: edit those, then rerun."

gen_nagios_commands() {
    printf '# Nagios 4 command definitions for the postprobe plugins.\n# %s\n' "$HEADER"
    printf '# $USER1$ is the plugin directory (resource.cfg; %s on Debian).\n' "$PLUGINDIR"
    printf '# The Debian package installs it as /etc/nagios-plugins/config/postprobe.cfg, which\n'
    printf '# the stock /etc/nagios4/nagios.cfg reads (cfg_dir=/etc/nagios-plugins/config).\n'
    awk -F'\t' -v nrpe="$NRPE_TIMEOUT" '
        $2 == "summary" { sum[$1] = $3 }
        $2 == "nagios-args" { args[$1] = $3 }
        $2 == "nagios" {
            short = $1; sub(/^check_/, "", short)
            printf "\n# %s: %s\n", $1, sum[$1]
            if ($1 in args) printf "# %s\n", args[$1]
            printf "define command {\n    command_name    postprobe_%s\n", short
            printf "    command_line    $USER1$/%s %s\n}\n", $1, $3
        }
        END {
            printf "\n# Local checks through NRPE: ARG1 is the command name in nrpe/postprobe.cfg, ARG2\n"
            printf "# more check_nrpe options (-p PORT, -2, -u; -t SECONDS replaces the %d s)\n", nrpe
            printf "define command {\n    command_name    postprobe_nrpe\n"
            printf "    command_line    $USER1$/check_nrpe -H '\''$HOSTADDRESS$'\'' -t %d -c '\''$ARG1$'\'' $ARG2$\n}\n", nrpe
        }'
}

gen_nagios_services() {
    printf '# Example Nagios 4 services, one per plugin, on the hostgroup postprobe-mail-servers\n'
    printf '# (nagios/hostgroups.cfg). Adjust the arguments to your servers.\n# %s\n' "$HEADER"
    awk -F'\t' '$2 == "service" {
            short = $1; sub(/^check_/, "", short)
            printf "\ndefine service {\n    use                     postprobe-service\n"
            printf "    hostgroup_name          postprobe-mail-servers\n"
            printf "    service_description     %s\n", $3
            printf "    check_command           postprobe_%s!%s\n}\n", short, $4
        }'
}

# The -t of a local line's ARGS (10, the plugins' default, when none).
AWK_LOCAL_T='
        function local_t(args,   n, w, i) {
            n = split(args, w, / +/)
            for (i = 1; i < n; i++) if (w[i] == "-t") return w[i + 1] + 0
            return 10
        }'

# gen_local_services KIND: the services reading the "local" checks through NRPE or SNMP, the
# reader given 5 s more than the check's own -t.
gen_local_services() {
    local kind=$1 group cmd
    if [ "$kind" = nrpe ]; then
        group=postprobe-nrpe-servers
        cmd='postprobe_nrpe!%s'
        printf '# Nagios 4 services reading the checks of nrpe/postprobe.cfg through check_nrpe,\n'
    else
        group=postprobe-snmp-servers
        cmd='postprobe_snmp_extend!/etc/nagios4/postprobe/snmp.auth!%s'
        printf '# Nagios 4 services reading the extends of snmpd/postprobe.conf with check_snmp_extend\n'
        printf '# (SNMP credentials in /etc/nagios4/postprobe/snmp.auth, mode 640, group nagios),\n'
    fi
    printf '# on the hostgroup %s (nagios/hostgroups.cfg).\n# %s\n' "$group" "$HEADER"
    awk -F'\t' -v group="$group" -v cmd="$cmd" -v kind="$kind" -v nrpe="$NRPE_TIMEOUT" '
        $2 == "local" {
            t = local_t($4)
            more = ""
            if (kind == "nrpe" && t + 5 > nrpe) more = "!-t " (t + 5)
            if (kind == "snmp" && t + 5 > 10) more = "!-t " (t + 5)
            printf "\ndefine service {\n    use                     postprobe-service\n"
            printf "    hostgroup_name          %s\n", group
            printf "    service_description     %s via %s\n", $3, toupper(kind)
            printf "    check_command           " cmd "%s\n}\n", $3, more
        }
        '"$AWK_LOCAL_T"
}

gen_icinga_commands() {
    printf '/*\n * Icinga 2 CheckCommand objects for the postprobe plugins, in the style of the Icinga\n'
    printf ' * Template Library (plugins-contrib.d): named after the plugin without "check_",\n'
    printf ' * variables <command>_<option>, defaults in vars. Include it next to the ITL:\n'
    printf ' *   include <itl>\n *   include <plugins>\n'
    printf ' *   include "/usr/share/postprobe/icinga2/commands.conf"\n'
    printf ' * %s\n */\n' "$HEADER"
    awk -F'\t' '
        function flush() {
            if (cur == "") return
            printf "%s", head
            if (timeout != "") printf "\ttimeout = %d\n\n", timeout
            print "\targuments = {" body "\n\t}"
            if (vars != "" || (timeout != "" && !t_default))
                printf "\n%s", vars
            if (timeout != "" && !t_default) printf "\tvars.%s_timeout = %d\n", short, timeout - 10
            print "}"
            cur = ""
        }
        function quote(text) { gsub(/"/, "\\\"", text); return text }
        $1 != cur {
            flush()
            cur = $1; short = cur; sub(/^check_/, "", short)
            head = ""; body = ""; vars = ""; timeout = ""; t_default = 0; addr = 0
        }
        $2 == "summary" {
            head = sprintf("\n/* %s: %s */\nobject CheckCommand \"%s\" {\n", cur, $3, short)
            head = head "\tcommand = [ PluginContribDir + \"/" cur "\" ]\n\n"
        }
        $2 == "timeout" { timeout = $3 }
        $2 == "arg" || $2 == "flag" {
            var = short "_" $4
            desc = ($2 == "flag" ? $5 : $6)
            if ($2 == "arg" && $5 == "$check_address$" && !addr++)
                head = head "\timport \"ipv4-or-ipv6\"\n\n"
            body = body "\n\t\t\"" $3 "\" = {\n"
            if ($2 == "flag") body = body "\t\t\tset_if = \"$" var "$\"\n"
            else body = body "\t\t\tvalue = \"$" var "$\"\n"
            for (i = 7; $2 == "arg" && i <= NF; i++) {
                if ($i == "required") body = body "\t\t\trequired = true\n"
                else if ($i == "repeat") body = body "\t\t\trepeat_key = true\n"
                else if ($i ~ /^unless /) {
                    n = split(substr($i, 8), u, /[ ,]+/)
                    cond = ""
                    for (k = 1; k <= n; k++)
                        cond = cond (k > 1 ? " && " : "") "!macro(\"$" short "_" u[k] "$\")"
                    body = body "\t\t\tset_if = {{ " cond " }}\n"
                } else {
                    printf "%s: unknown arg attribute \"%s\"\n", cur, $i > "/dev/stderr"
                    exit 1
                }
            }
            body = body "\t\t\tdescription = \"" quote(desc) "\"\n\t\t}"
            if ($2 == "arg" && $5 != "") vars = vars "\tvars." var " = \"" quote($5) "\"\n"
            if ($2 == "arg" && $4 == "timeout" && $5 != "") t_default = 1
        }
        END { flush() }'
}

gen_icinga_services() {
    printf '/*\n * Example Icinga 2 apply rule for the postprobe checks: one rule for them all, so that\n'
    printf ' * it matches as soon as one host has a postprobe service (no "does not match anywhere"\n'
    printf ' * warning at icinga2 daemon -C). A host lists its services in vars.postprobe:\n'
    printf ' *   vars.postprobe["SERVICE NAME"] = { command = "COMMAND", COMMAND_VAR = VALUE, ... }\n'
    printf ' * COMMAND is one of commands.conf (tls_cert, postfix_queue, ...), or the ITL'\''s "nrpe"\n'
    printf ' * (nrpe_command = a name of nrpe/postprobe.cfg), or "snmp_extend" (snmp_extend_name =\n'
    printf ' * a name of snmpd/postprobe.conf). example-host.conf shows every kind.\n'
    printf ' * Needs the ITL (include <itl>, include <plugins>) and a "generic-service" template.\n'
    printf ' * %s\n */\n' "$HEADER"
    cat <<'EOR'

apply Service for (name => config in host.vars.postprobe) {
	import "generic-service"

	check_command = config.command
	for (key => value in config) {
		if (key != "command") {
			vars[key] = value
		}
	}

	assign where typeof(host.vars.postprobe) == Dictionary
}
EOR
}

# gen_icinga_host: an example host using every icinga-service of the specs and every local
# check through NRPE and snmpd.
gen_icinga_host() {
    printf '/*\n * An example Icinga 2 host for the apply rule of services.conf: the icinga-service\n'
    printf ' * examples of every plugin, and every check of nrpe/postprobe.cfg through NRPE and\n'
    printf ' * through snmpd (snmpd/postprobe.conf). Copy, rename and adapt.\n'
    printf ' * %s\n */\n' "$HEADER"
    awk -F'\t' -v nrpe="$NRPE_TIMEOUT" '
        BEGIN {
            print "object Host \"mail.example.org\" {"
            print "\timport \"generic-host\"\n\taddress = \"192.0.2.25\""
        }
        $2 == "icinga-service" {
            short = $1; sub(/^check_/, "", short)
            printf "\n\tvars.postprobe[\"%s\"] = {\n\t\tcommand = \"%s\"\n", $3, short
            for (i = 4; i <= NF; i++) {
                eq = index($i, "=")
                printf "\t\t%s_%s = %s\n", short, substr($i, 1, eq - 1), substr($i, eq + 1)
            }
            print "\t}"
        }
        $2 == "local" {
            t = local_t($4)
            printf "\n\tvars.postprobe[\"%s via NRPE\"] = {\n\t\tcommand = \"nrpe\"\n", $3
            printf "\t\tnrpe_command = \"%s\"\n\t\tnrpe_timeout = %d\n\t}\n", $3,
                (t + 5 > nrpe ? t + 5 : nrpe)
            printf "\n\tvars.postprobe[\"%s via SNMP\"] = {\n\t\tcommand = \"snmp_extend\"\n", $3
            printf "\t\tsnmp_extend_authfile = \"/etc/icinga2/postprobe/snmp.auth\"\n"
            printf "\t\tsnmp_extend_name = \"%s\"\n", $3
            if (t + 5 > 10) printf "\t\tsnmp_extend_timeout = %d\n", t + 5
            print "\t}"
        }
        END { print "}" }
        '"$AWK_LOCAL_T"
}

gen_nrpe() {
    printf '# NRPE commands for the postprobe checks that run on the mail server itself. Copy to\n'
    printf '# /etc/nagios/nrpe.d/postprobe.cfg. The command lines are fixed: Debian'\''s nrpe is\n'
    printf '# built without argument passing (dont_blame_nrpe), so thresholds are set here.\n'
    printf '# NRPE runs them as user nagios; a check that must read Postfix'\''s own files goes\n'
    printf '# through sudo, allowed by nrpe/sudoers.\n'
    printf '# %s\n' "$HEADER"
    awk -F'\t' -v dir="$PLUGINDIR" -v sudo="$SUDO" '$2 == "local" {
            printf "command[%s]=%s%s/%s%s\n", $3, ($5 == "" ? "" : sudo " -n -u " $5 " "), dir, $1,
                ($4 == "" ? "" : " " $4)
        }'
}

# gen_sudoers USER: the sudoers lines letting USER run the "local" checks that need another
# user, with exactly the arguments of the generated command lines.
gen_sudoers() {
    printf '# sudoers lines for the postprobe checks that read Postfix'\''s own files, for %s.\n' "$1"
    printf '# Install as /etc/sudoers.d/postprobe-%s (mode 440) and check with\n' "${1,,}"
    printf '# visudo -c -f FILE. Each line allows one fixed command line and nothing else.\n'
    printf '# %s\n' "$HEADER"
    awk -F'\t' -v dir="$PLUGINDIR" -v who="$1" '$2 == "local" && $5 != "" {
            args = $4
            gsub(/[\\,:=]/, "\\\\&", args)
            printf "%s ALL=(%s) NOPASSWD: %s/%s%s\n", who, $5, dir, $1, (args == "" ? "" : " " args)
        }'
}

gen_snmpd() {
    printf '# snmpd extend lines for the postprobe checks that run on the mail server itself.\n'
    printf '# Add to /etc/snmp/snmpd.conf (or a file it includes with includeFile); read them\n'
    printf '# with check_snmp_extend -n NAME (snmpd/nagios-services.cfg). snmpd runs them as its\n'
    printf '# own user (Debian-snmp on Debian) and caches each output for about 5 seconds.\n'
    printf '# %s\n' "$HEADER"
    printf '# A check that must read Postfix'\''s own files goes through sudo (snmpd/sudoers).\n'
    awk -F'\t' -v dir="$PLUGINDIR" -v sudo="$SUDO" '$2 == "local" {
            printf "extend %s %s%s/%s%s\n", $3, ($5 == "" ? "" : sudo " -n -u " $5 " "), dir, $1,
                ($4 == "" ? "" : " " $4)
        }'
}

# lint: the rules above; prints what breaks them and fails.
lint() {
    awk -F'\t' -v illegal="$ILLEGAL_CHARS" -v limit="$NAGIOS_TIMEOUT" -v nrpe="$NRPE_TIMEOUT" '
        function timeouts(what, text, max,   n, w, i) {
            n = split(text, w, /[ !]+/)
            for (i = 1; i < n; i++)
                if (w[i] == "-t" && w[i + 1] + 0 >= max) {
                    printf "%s: %s: -t %s is not under %d s\n", $1, what, w[i + 1], max
                    bad = 1
                }
        }
        function description(text,   i) {
            for (i = 1; i <= length(illegal); i++)
                if (index(text, substr(illegal, i, 1))) {
                    printf "%s: service \"%s\" has \"%s\", illegal in Debian'"'"'s nagios.cfg\n",
                        $1, text, substr(illegal, i, 1)
                    bad = 1
                }
        }
        $2 == "nagios" { timeouts("nagios", $3, limit) }
        $2 == "service" { description($3); timeouts("service " $3, $4, limit) }
        $2 == "local" { description($3 " via NRPE"); timeouts("local " $3, $4, nrpe) }
        END { exit bad }'
}

# gen_mrpe: the local checks as Checkmk MRPE lines (the agent runs them as root: no sudo).
gen_mrpe() {
    printf '# Checkmk MRPE lines for the postprobe checks that run on the mail server itself: put\n'
    printf '# them in /etc/check_mk/mrpe.cfg there; each becomes a service "MRPE <name>" with the\n'
    printf '# plugin'\''s state, output and perfdata. The agent runs them as root, so the checks that\n'
    printf '# NRPE runs through sudo read Postfix'\''s files directly here. The network checks (TLS,\n'
    printf '# logins, roundtrip) belong on the monitoring server, as Checkmk "classical checks"\n'
    printf '# (Setup > Services > Other services) with the command lines of nagios/commands.cfg.\n'
    printf '# %s\n' "$HEADER"
    awk -F'\t' -v dir="$PLUGINDIR" '$2 == "local" {
            printf "postprobe_%s %s/%s%s\n", $3, dir, $1, ($4 == "" ? "" : " " $4)
        }'
}

generate() {
    local out=$1 recs
    recs=$(records)
    lint <<<"$recs" >&2
    mkdir -p "$out/nagios" "$out/icinga2" "$out/nrpe" "$out/snmpd" "$out/checkmk"
    gen_nagios_commands <<<"$recs" >"$out/nagios/commands.cfg"
    gen_nagios_services <<<"$recs" >"$out/nagios/services.cfg"
    gen_icinga_commands <<<"$recs" >"$out/icinga2/commands.conf"
    gen_icinga_services <<<"$recs" >"$out/icinga2/services.conf"
    gen_icinga_host <<<"$recs" >"$out/icinga2/example-host.conf"
    gen_nrpe <<<"$recs" >"$out/nrpe/postprobe.cfg"
    gen_local_services nrpe <<<"$recs" >"$out/nrpe/nagios-services.cfg"
    gen_sudoers nagios <<<"$recs" >"$out/nrpe/sudoers"
    gen_snmpd <<<"$recs" >"$out/snmpd/postprobe.conf"
    gen_sudoers Debian-snmp <<<"$recs" >"$out/snmpd/sudoers"
    gen_local_services snmp <<<"$recs" >"$out/snmpd/nagios-services.cfg"
    gen_mrpe <<<"$recs" >"$out/checkmk/mrpe.cfg"
}

check() {
    local tmp rc=0 f src
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    generate "$tmp"
    for f in "${OUTPUTS[@]}"; do
        if ! cmp -s "$tmp/$f" "$CFG/$f"; then
            echo "nagios-cfg/$f is out of date: run nagios-cfg/generate.sh"
            rc=1
        fi
    done
    for src in "$SRC"/plugins/check_*.c; do
        [ -e "$src" ] || continue
        src=$(basename "$src" .c)
        if [ ! -e "$CFG/spec/$src.spec" ]; then
            echo "plugins/$src.c has no nagios-cfg/spec/$src.spec"
            rc=1
        fi
    done
    return $rc
}

case ${1:-} in
    --check) check ;;
    "") generate "$CFG" ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

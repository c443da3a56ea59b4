#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# grafana.sh SOURCE_DIR - the Grafana dashboards of contrib/grafana read what postprobe writes:
# each is valid JSON with panels; an InfluxDB one (Icinga 2's InfluxdbWriter: measurement =
# CheckCommand, tag metric = perfdata label) asks only CheckCommands that nagios-cfg/icinga2
# defines and labels that docs/perfdata.md lists for that plugin; a Prometheus one asks only
# families docs/perfdata.md lists. A renamed label or family fails here, not on a user's wall.
set -euo pipefail
src=${1:?usage: grafana.sh SOURCE_DIR}
doc=$src/docs/perfdata.md
commands=$src/nagios-cfg/icinga2/commands.conf
failed=0
fail() {
    echo "FAIL $*"
    failed=1
}

# The perfdata label table (read once: no early-closing reader in a pipeline under pipefail).
labels=$(sed -n '/^## Nagios perfdata labels/,$p' "$doc")
# documented_label PLUGIN LABEL: a row of the table, queue names folded into QUEUE as there.
documented_label() {
    local plugin=$1 label=$2
    [[ $label =~ ^(incoming|active|deferred|hold|maildrop)(_.*)?$ ]] &&
        label=QUEUE${BASH_REMATCH[2]}
    [[ $labels == *"| $plugin | \`$label\` |"* ]]
}

n=0
for f in "$src"/contrib/grafana/*.json; do
    n=$((n + 1))
    name=${f##*/}
    jq -e '.panels | length > 0' "$f" >/dev/null || { fail "$name: not JSON with panels"; continue; }
    # InfluxQL: FROM "measurement" ... "metric" = 'label'
    while IFS=$'\t' read -r cmd label; do
        grep -q "^object CheckCommand \"$cmd\" {" "$commands" ||
            fail "$name: measurement $cmd is no CheckCommand of nagios-cfg/icinga2"
        documented_label "check_$cmd" "$label" ||
            fail "$name: $cmd's metric $label is not in docs/perfdata.md's label table"
    done < <(jq -r '.panels[].targets[]?.query // empty' "$f" |
        sed -nE 's/.*FROM "([a-z0-9_]+)".*"metric" = '"'"'([^'"'"']+)'"'"'.*/\1\t\2/p')
    # PromQL: every postfix_/postprobe_ name in an expression is a documented family.
    for fam in $(jq -r '.panels[].targets[]?.expr // empty' "$f" |
        grep -oE '\b(postfix|postprobe)_[a-z0-9_]+' | sort -u); do
        grep -qF "\`$fam\`" "$doc" || fail "$name: family $fam is not in docs/perfdata.md"
    done
    queries=$(jq '[.panels[].targets[]? | (.query // .expr // empty)] | length' "$f")
    [ "$queries" -gt 0 ] || fail "$name: no query at all"
done
[ "$n" -gt 0 ] || fail "no dashboard in contrib/grafana"
[ "$failed" -eq 0 ] && echo "grafana: $n dashboards read only what postprobe writes"
exit "$failed"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# demo.sh - build postprobe and run every plugin once, printing each plugin's Nagios line.
#
# Installs the build dependencies, builds in build/, and then:
#  - on a machine with a configured Postfix (postconf finds a main.cf), runs the plugins that
#    only read (queue, verify cache, maps, TLS certificate, relay MX) against it;
#  - otherwise (the embedded default) brings up the throwaway loopback stack of
#    tests/env/stack.sh (private Postfix, Dovecot, nsd, snmpd on 127.0.0.1), runs every plugin
#    against it, and takes the stack down again (keep it with --keep).
#
# Usage: tests/demo.sh [--keep] [--stack]   (--stack: use the loopback stack even when a
#                                            system Postfix is configured)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

keep=false
force_stack=false
for a in "$@"; do
    case $a in
    --keep) keep=true ;;
    --stack) force_stack=true ;;
    *) echo "usage: $0 [--keep] [--stack]" >&2; exit 2 ;;
    esac
done

bash tests/env/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
export PATH=$PATH:/usr/sbin:/sbin
P=$src/build/plugins

# run NAME ARGS...: print the command and its Nagios output, whatever its state.
run() {
    local name=$1
    shift
    [ -x "$P/$name" ] || return 0
    printf '\n$ %s %s\n' "$name" "$*"
    local rc=0
    "$P/$name" "$@" || rc=$?
    printf '(exit %d)\n' "$rc"
}

if ! $force_stack && [ -f /etc/postfix/main.cf ] && postconf -h queue_directory >/dev/null 2>&1; then
    echo "== against this machine's Postfix (read-only checks)"
    . tests/demo-plugins.sh
    demo_system
    exit 0
fi

echo "== no Postfix configured here: bringing up the loopback stack"
export PP_STACK_DIR=${PP_STACK_DIR:-/tmp/postprobe-stack}
bash tests/env/stack.sh up
$keep || trap 'bash tests/env/stack.sh down >/dev/null' EXIT
. "$PP_STACK_DIR/stack.env"
. tests/demo-plugins.sh
demo_stack

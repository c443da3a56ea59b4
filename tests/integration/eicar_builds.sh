#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# eicar_builds.sh - no build type leaves the EICAR test file in a built or installed file.
# The source keeps it XOR-masked and unmasks it at run time, but an optimizer that can see
# the key folds the loop and puts the plain string in .rodata (it did at -O3): the scanner
# of the monitoring host then quarantines the plugin. For each build type the README names
# (Debug, RelWithDebInfo, Release, Release with -flto) this configures the source tree in a
# build directory of its own (no tests), builds everything that is installed, installs it
# with `cmake --install`, and looks for the signature (plain, and base64 as a MIME part
# carries it) in the build tree and the installed tree (package_deb scans the Debian
# package, built as the README says, likewise); the installed check_smtp_av must still send the
# file, whole, to a loopback SMTP sink (a few lines of Perl). Needs no stack; takes minutes
# (ctest TIMEOUT 2400). PP_EICAR_BUILDS (e.g. "Release Release-lto") runs some types only.
# Skipped in a sanitizer build directory (its own builds would be the same ones again).
set -euo pipefail
# shellcheck source=lib/expect.bash
. "$(dirname "$0")/lib/expect.bash"
# shellcheck source=lib/eicar.bash
. "$(dirname "$0")/lib/eicar.bash"
SRC=${PP_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if grep -qs '^POSTPROBE_SANITIZE:BOOL=ON' "${PP_BUILD_DIR:-/nonexistent}/CMakeCache.txt"; then
    echo "eicar_builds: skipped in a sanitizer build (the normal build runs it)"
    exit 0
fi
TMP=$(mktemp -d /tmp/pp-eicar.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
JOBS=${PP_EICAR_JOBS:-2}

# build_type NAME: configures, builds and installs the build NAME in $TMP/NAME.
build_type() {
    local name=$1 b=$TMP/$1 flags=()
    case $name in
    Release-lto) flags=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON) ;;
    *) flags=(-DCMAKE_BUILD_TYPE="$name") ;;
    esac
    cmake -S "$SRC" -B "$b" "${flags[@]}" -DBUILD_TESTING=OFF >"$TMP/$name.log" 2>&1 &&
        cmake --build "$b" -j"$JOBS" >>"$TMP/$name.log" 2>&1 &&
        cmake --install "$b" --prefix "$TMP/$name-inst" >>"$TMP/$name.log" 2>&1
}

# sink: an SMTP server on a free loopback port that accepts every message; prints the port.
sink() {
    perl -MIO::Socket::INET -e '
        $| = 1;
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 5,
                                      ReuseAddr => 1) or die "sink: $!";
        print $s->sockport, "\n";
        while (my $c = $s->accept) {
            my $data = 0;
            print $c "220 sink ESMTP\r\n";
            while (<$c>) {
                if ($data) { if (/^\.\r?$/) { $data = 0; print $c "250 2.0.0 queued\r\n" } }
                elsif (/^EHLO/i) { print $c "250-sink\r\n250 8BITMIME\r\n" }
                elsif (/^DATA/i) { $data = 1; print $c "354 go on\r\n" }
                elsif (/^QUIT/i) { print $c "221 2.0.0 bye\r\n"; last }
                else { print $c "250 2.0.0 ok\r\n" }
            }
            close $c;
        }' >"$TMP/sink.port" &
    SINK_PID=$!
    trap 'kill "$SINK_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
    local i
    for ((i = 0; i < 50; i++)); do [ -s "$TMP/sink.port" ] && break; sleep 0.1; done
    SINK_PORT=$(cat "$TMP/sink.port")
}

sink
b64=$(eicar | base64 -w 76 | head -n 1)
check "the test file is 68 bytes" test "$(eicar | wc -c)" -eq 68
for name in ${PP_EICAR_BUILDS:-Debug RelWithDebInfo Release Release-lto}; do
    RC=0
    build_type "$name" || RC=$?
    OUT=$(tail -n 20 "$TMP/$name.log")
    check "$name: configured, built and installed" rc_is 0
    [ "$RC" -eq 0 ] || continue
    run eicar_holders "$TMP/$name" "$TMP/$name-inst"
    check "$name: no built or installed file holds the signature" \
        all_of "rc_is 0" 'out_is ""'
    run "$TMP/$name-inst/lib/nagios/plugins/check_smtp_av" -H 127.0.0.1 -p "$SINK_PORT" \
        --from a@example.org --to b@example.org -vvv --accepted ok -t 10
    check "$name: the installed check_smtp_av still sends the test file" \
        all_of "rc_is 0" 'out_has "    C: $b64"'
    rm -rf "${TMP:?}/$name" "$TMP/$name-inst"
done
finish

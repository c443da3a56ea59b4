#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# smtp_av_signature.sh - the EICAR test file is put together at run time only: no file of
# the source tree nor any built program holds it, plain or base64-encoded, so an anti-virus
# on the build or monitoring host quarantines nothing; check_smtp_av does send it.
set -euo pipefail
# shellcheck disable=SC1090
. "$(dirname "$0")/lib/mailprobe.bash"
SRC=$PP_SOURCE_DIR
sig=$(eicar)
b64=$(eicar | base64 -w 76 | head -n 1)
check "the test file is 68 bytes" test "${#sig}" -eq 68
check "no source file holds it" \
    test -z "$(eicar_holders "$SRC/common" "$SRC/plugins" "$SRC/tests" "$SRC/contrib")"
check "no built program holds it" \
    test -z "$(eicar_holders "$PP_BUILD_DIR/plugins" "$PP_BUILD_DIR/common")"
check "check_smtp_av is built" test -x "$PP_BUILD_DIR/plugins/check_smtp_av"
# bob's box may hold mail of the tests before: this test's message is the one more.
before=$(maildir_count "$PP_BOB_MAILDIR")
since=$(date +%s)
run "$PP_BUILD_DIR/plugins/check_smtp_av" -H 127.0.0.1 -p "$PP_SMTP_PORT" \
    --from "$PP_BOB_USER" --to "$PP_BOB_USER" -vvv --accepted ok
check "but it is in what check_smtp_av sends" all_of "rc_is 0" 'out_has "    C: $b64"'
more() { [ "$(maildir_count "$PP_BOB_MAILDIR")" -gt "$before" ]; }
check "the message reached bob's box" wait_for more
box_expunge "$PP_BOB_USER" savedsince "$since"
finish

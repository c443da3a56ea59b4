#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile_e2e.sh - the end-to-end checks (check_mail_roundtrip, check_smtp_av) with one leg on
# a misbehaving loopback server (tests/hostile/hostile_server) and the other on the stack:
# an SMTP server that is silent, drips its banner, sends a 100 KB line, refuses (554) or is
# busy (421); an IMAP server that does the same. Each ends within -t + 1 s with one clear
# CRITICAL line naming the leg. What reached alice's mailbox meanwhile is removed.
set -euo pipefail
. "$(dirname "$0")/lib/hostile.bash"

P=$PP_BUILD_DIR/plugins
since=$(date +%s)
trap 'hostile_down; box_expunge "$PP_ALICE_USER" savedsince "$since" || true' EXIT
sleep 1 # file times have a one-second grain on some file systems: nothing older is removed

ADDR=(--from "$PP_ALICE_USER" --to "$PP_ALICE_USER")
IMAP=(--imap-port "$PP_IMAP_PORT" --imap-authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT")

for mode in silent drip longline reject busy; do
    case $mode in
    silent | drip) smtp_why="timed out after {s} s waiting for the banner"
                   imap_why="timed out after {s} s waiting for the greeting" ;;
    longline) smtp_why="server sent an overlong line as its banner" imap_why=$smtp_why ;;
    reject) smtp_why="unexpected banner: 554 5.3.2" imap_why="unexpected greeting: * BYE" ;;
    busy) smtp_why="unexpected banner: 421 4.3.2" imap_why="unexpected greeting: * BYE" ;;
    esac
    hostile_up smtp "$mode"
    run "$P/check_mail_roundtrip" -t $T -H 127.0.0.1 -p "$HPORT" --authfile "$PP_ALICE_AUTHFILE" \
        "${IMAP[@]}" "${ADDR[@]}"
    expect_state "check_mail_roundtrip, SMTP $mode" 2 ROUNDTRIP "SMTP leg: $smtp_why"
    run "$P/check_smtp_av" -t $T -H 127.0.0.1 -p "$HPORT" "${IMAP[@]}" "${ADDR[@]}"
    expect_state "check_smtp_av, SMTP $mode" 2 ANTIVIRUS "127.0.0.1: $smtp_why"
    hostile_down

    hostile_up imap "$mode"
    run "$P/check_mail_roundtrip" -t $T -H 127.0.0.1 -p "$PP_SUBMISSION_PORT" -S \
        --cafile "$PP_CA_CERT" --authfile "$PP_ALICE_AUTHFILE" --imap-port "$HPORT" "${ADDR[@]}"
    expect_state "check_mail_roundtrip, IMAP $mode" 2 ROUNDTRIP "IMAP leg: $imap_why"
    run "$P/check_smtp_av" -t $T -H 127.0.0.1 -p "$PP_SMTP_PORT" --imap-port "$HPORT" \
        --imap-authfile "$PP_ALICE_AUTHFILE" "${ADDR[@]}"
    expect_state "check_smtp_av, IMAP $mode" 2 ANTIVIRUS "IMAP leg: $imap_why"
    hostile_down
done
finish

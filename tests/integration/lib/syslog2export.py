#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""syslog2export.py FIRST < syslog-lines > journal-export

Turns Postfix's syslog lines ("Dec 05 14:15:00 host postfix-pp/smtpd[12]: text") into the
journal export format that systemd-journal-remote writes journal files from, one entry per
line, numbered from FIRST (the entry's microseconds past its second, so that the entries of
one second keep their order, also across batches). After every fifth line come two foreign
entries that look like deliveries: another Postfix instance whose name shares the prefix
("NAME-x/smtp") and another program; a reader that does not filter by syslog name counts them.
"""
import calendar
import re
import sys
import time

YEAR = time.gmtime().tm_year
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
LINE = re.compile(r"^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\S+) ([^\s\[:]+)(?:\[(\d+)\])?: (.*)$")
BOOT = "0123456789abcdef0123456789abcdef"


def entry(usec, n, host, ident, pid, text):
    fields = [f"__REALTIME_TIMESTAMP={usec}", f"__MONOTONIC_TIMESTAMP={n}", f"_BOOT_ID={BOOT}",
              f"_HOSTNAME={host}", f"SYSLOG_IDENTIFIER={ident}", f"MESSAGE={text}"]
    if pid:
        fields.append(f"SYSLOG_PID={pid}")
    return "\n".join(fields) + "\n\n"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    out = sys.stdout
    for i, line in enumerate(sys.stdin):
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        secs = calendar.timegm((YEAR, MONTHS[m[1]], int(m[2]), int(m[3]), int(m[4]), int(m[5])))
        n += 1
        out.write(entry(secs * 1000000 + n, n, m[6], m[7], m[8], m[9]))
        if i % 5 == 4:
            name = m[7].split("/")[0]
            fake = "ABC123: to=<x@example.com>, relay=none, delay=1, status=sent (250 ok)"
            n += 1
            out.write(entry(secs * 1000000 + n, n, m[6], name + "-x/smtp", "1", fake))
            n += 1
            out.write(entry(secs * 1000000 + n, n, m[6], "sshd", "2", fake))


main()

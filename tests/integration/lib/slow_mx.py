#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""slow_mx.py PORT UPSTREAM DELAY ADDR... - MX hosts on loopback that cost time: on each
ADDR:PORT, "silent:ADDR" takes connections and never says a word; "slow:ADDR" waits DELAY
seconds, then relays the connection to 127.0.0.1:UPSTREAM (the stack's Postfix), as a slow
network path to a real server would."""
import socket
import sys
import threading
import time


def pipe(src, dst):
    try:
        while True:
            data = src.recv(16384)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(conn, upstream, delay):
    time.sleep(delay)
    try:
        up = socket.create_connection(("127.0.0.1", upstream))
    except OSError:
        conn.close()
        return
    threading.Thread(target=pipe, args=(up, conn), daemon=True).start()
    pipe(conn, up)


def serve(kind, addr, port, upstream, delay):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    held = []
    while True:
        conn, _ = s.accept()
        if kind == "silent":
            held.append(conn)
        else:
            threading.Thread(target=relay, args=(conn, upstream, delay), daemon=True).start()


def main():
    port, upstream, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    for spec in sys.argv[4:]:
        kind, addr = spec.split(":", 1)
        threading.Thread(target=serve, args=(kind, addr, port, upstream, delay),
                         daemon=True).start()
    while True:
        time.sleep(60)


main()

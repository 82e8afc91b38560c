#!/usr/bin/env python3
"""Run inside a Pod's network namespace (ip netns exec NS python3 poll.py IP:PORT ...): opens a fresh TCP
connection to each target every ~5 ms (a 30 ms connect timeout, so a dropped SYN never stalls the probe for the
kernel's 1 s retransmit) and prints, per target, `IP:PORT <unix time in ns>` of the first accepted connection.
Gives up after 60 s (prints `IP:PORT timeout`)."""
import socket, sys, time

pending = set(sys.argv[1:])
deadline = time.monotonic() + 60
while pending and time.monotonic() < deadline:
    for target in sorted(pending):
        host, port = target.rsplit(":", 1)
        s = socket.socket()
        s.settimeout(0.03)
        try:
            s.connect((host, int(port)))
            print(target, time.time_ns(), flush=True)
            pending.discard(target)
        except OSError:
            pass
        finally:
            s.close()
    time.sleep(0.005)
for target in pending:
    print(target, "timeout", flush=True)

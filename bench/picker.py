#!/usr/bin/env python3
"""How fast the picker (`awsp use` with no profile) opens and filters, on a pseudo-terminal.

    bench/picker.py AWSP CONFIG CREDENTIALS [--runs N]

Runs AWSP on a pty of 120x40 (the bench files from bench/gen.py: 10,000 profiles) and times,
from the outside, what a user sees:

- open: from just before the process starts to the end of its first frame (the picker draws a
  frame in one write and shows the cursor last, so the first `ESC[?25h` ends it);
- each key: from writing one typed character to the end of the frame that shows the new
  filter, for the queries in QUERIES typed one character at a time;
- then Esc, which must end it with status 130;
- and as many runs that press Esc right after the first frame, for the CPU time (user +
  system) the whole run took: a figure that depends less on the machine's load.

Prints median, 95th percentile and maximum in milliseconds. Not a test: nothing fails on
numbers (they depend on the machine); it fails only when the picker misbehaves.
"""

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time

QUERIES = ["prod", "payments admin", "a", "zzz-bench-last", "eu dev ml"]
SHOW_CURSOR = b"\x1b[?25h"


def read_until(fd, marker, buf, deadline):
    """Read from fd until `marker` occurs in the new output; the output after it."""
    while marker not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"bench/picker.py: timed out waiting for {marker!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise SystemExit("bench/picker.py: the picker closed the terminal")
            buf += chunk
    return buf[buf.index(marker) + len(marker):]


def one_run(awsp, env):
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(awsp, [awsp, "use"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    deadline = start + 30
    rest = read_until(fd, SHOW_CURSOR, b"", deadline)
    opened = time.monotonic() - start
    keys = []
    for query in QUERIES:
        for ch in query:
            t = time.monotonic()
            os.write(fd, ch.encode())
            rest = read_until(fd, SHOW_CURSOR, rest, deadline)
            keys.append(time.monotonic() - t)
        os.write(fd, b"\x15")  # Ctrl-U: clear the query
        rest = read_until(fd, SHOW_CURSOR, rest, deadline)
    os.write(fd, b"\x1b")
    # Drain until the child has closed its side, then reap it.
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise SystemExit("bench/picker.py: Esc did not end the picker")
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    if os.WEXITSTATUS(status) != 130:
        raise SystemExit(f"bench/picker.py: Esc gave status {status}, not 130")
    return opened, keys


def open_only(awsp, env):
    """Open, then Esc at once: the wall time to the first frame and the CPU time of the run."""
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(awsp, [awsp, "use"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    read_until(fd, SHOW_CURSOR, b"", start + 30)
    opened = time.monotonic() - start
    os.write(fd, b"\x1b")
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    if os.WEXITSTATUS(status) != 130:
        raise SystemExit(f"bench/picker.py: Esc gave status {status}, not 130")
    return opened, usage.ru_utime + usage.ru_stime


def summary(name, seconds):
    ms = sorted(s * 1e3 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"| {name} | {statistics.median(ms):.1f} | {p95:.1f} | {ms[-1]:.1f} | {len(ms)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("awsp")
    ap.add_argument("config")
    ap.add_argument("credentials")
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/nonexistent",
        "TERM": "xterm",
        "LC_ALL": "C.UTF-8",
        "AWS_CONFIG_FILE": args.config,
        "AWS_SHARED_CREDENTIALS_FILE": args.credentials,
    }
    opens, keys = [], []
    for _ in range(args.runs):
        opened, k = one_run(os.path.abspath(args.awsp), env)
        opens.append(opened)
        keys.extend(k)
    cpu = []
    for _ in range(args.runs):
        opened, used = open_only(os.path.abspath(args.awsp), env)
        opens.append(opened)
        cpu.append(used)
    typed = sum(len(q) for q in QUERIES)
    print(f"Picker on a 120x40 pty, {args.runs} runs; each run types {typed} keys "
          f"({', '.join(repr(q) for q in QUERIES)}).\n")
    print("| what | median ms | p95 ms | max ms | samples |")
    print("|---|---|---|---|---|")
    summary("open (process start to first frame)", opens)
    summary("CPU time of open + Esc (user + system)", cpu)
    summary("one typed key (key to the filtered frame)", keys)
    return 0


if __name__ == "__main__":
    sys.exit(main())

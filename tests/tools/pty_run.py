"""Run a command with a pseudo-terminal as its controlling terminal (stdout and stderr stay
pipes), answer one prompt seen on the terminal, and report what happened as JSON.

Usage: pty_run.py PROMPT ANSWER -- CMD ARGS...   (PROMPT "" answers nothing; ANSWER "^C"
                                                 types Ctrl-C instead of a line)
       pty_run.py --no-tty -- CMD ARGS...        (a new session without a controlling terminal)
Prints {"rc", "stdout", "stderr", "tty", "echo"} on stdout ("echo": whether the terminal
echoes once the command has ended). Everything is bounded by a 30 s limit.
"""

import fcntl
import json
import os
import select
import subprocess
import sys
import termios
import time

args = sys.argv[1:]
split = args.index("--")
opts, command = args[:split], args[split + 1 :]

if opts == ["--no-tty"]:
    proc = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, start_new_session=True, timeout=30
    )
    print(json.dumps({"rc": proc.returncode, "stdout": proc.stdout.decode(), "stderr": proc.stderr.decode(), "tty": ""}))
    sys.exit(0)

prompt, answer = opts
master, slave = os.openpty()


def make_controlling():
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)


proc = subprocess.Popen(
    command,
    stdin=subprocess.DEVNULL,
    stdout=subprocess.PIPE,
    stderr=subprocess.PIPE,
    preexec_fn=make_controlling,
    pass_fds=(slave,),
)
os.close(slave)
seen = b""
answered = not prompt
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(master, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and prompt.encode() in seen:
            os.write(master, b"\x03" if answer == "^C" else answer.encode() + b"\n")
            answered = True
    elif proc.poll() is not None:
        break
out, err = proc.communicate(timeout=max(1, deadline - time.time()))
echo = bool(termios.tcgetattr(master)[3] & termios.ECHO)
print(json.dumps({"rc": proc.returncode, "stdout": out.decode(), "stderr": err.decode(), "tty": seen.decode(errors="replace"), "echo": echo}))

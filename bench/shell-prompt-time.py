#!/usr/bin/env python3
"""Time from exec to the shell's prompt on a pseudo-terminal.

Usage: bench/shell-prompt-time.py RUNS -- COMMAND [ARGS...]
e.g.   bench/shell-prompt-time.py 50 -- .build/release/corbi --demo
Each run starts COMMAND on a new pty, waits until the output ends in "> " (the prompt),
records the elapsed time, then sends Ctrl-D.
"""
import os, pty, select, statistics, sys, time

runs = int(sys.argv[1])
cmd = sys.argv[3:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""
    while not out.endswith(b"> "):
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            sys.exit("no prompt within 5 s: %r" % out[-200:])
        out += os.read(fd, 4096)
    times.append((time.perf_counter() - start) * 1000)
    os.write(fd, b"\x04")
    os.waitpid(pid, 0)
    os.close(fd)
print("runs=%d median=%.1f ms min=%.1f max=%.1f" % (runs, statistics.median(times), min(times), max(times)))

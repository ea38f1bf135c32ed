#!/usr/bin/env python3
"""Time of one question in a running shell: the same question piped N times into one
`corbi` process (batch mode runs each line like the shell does), minus one process
answering it once, divided by N - 1. Every run uses a fresh copy of the demo workspace.

usage: bench/shell-question-time.py CORBI_BINARY [N=200] [QUESTION]
prints: per-question ms (median of 5 rounds), and the one-shot process time.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

corbi = os.path.abspath(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
question = sys.argv[3] if len(sys.argv) > 3 else "When are you open on Saturdays?"
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
home = tempfile.mkdtemp(prefix="corbi-shellq-")
env = dict(os.environ, HOME=home, XDG_DATA_HOME=home + "/data", XDG_STATE_HOME=home + "/state", NO_COLOR="1")
for k in ["CORBI_DB", "ASSISTANT_KB_PATH", "CORBI_USER", "CORBI_ORG", "CORBI_CALENDAR_DIR"]:
    env.pop(k, None)

def run(lines):
    start = time.perf_counter()
    r = subprocess.run([corbi, "--demo"], input=(question + "\n") * lines, text=True, env=env, cwd=repo,
                       capture_output=True)
    elapsed = time.perf_counter() - start
    if r.returncode not in (0, 1):
        sys.exit(f"corbi failed ({r.returncode}): {r.stderr[:400]}")
    return elapsed

run(1)  # seed the demo and build the index once
per = []
for _ in range(5):
    one = min(run(1) for _ in range(3))
    many = run(n)
    per.append((many - one) / (n - 1) * 1000)
print(f"question in a running shell: median {statistics.median(per):.2f} ms over {n - 1} repeats "
      f"(rounds: {', '.join(f'{p:.2f}' for p in per)}); one-shot process {one * 1000:.1f} ms")
shutil.rmtree(home, ignore_errors=True)

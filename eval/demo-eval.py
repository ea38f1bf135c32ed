#!/usr/bin/env python3
"""The demo knowledge base (kb/, organization brightsmile.example) with the questions of
Tests/CorbiAssistantTests/AnswerCalibrationTests.swift, as records for fit-decision.py.

    python3 eval/demo-eval.py CORBI_BINARY OUT.jsonl
"""
import os
HERE = os.path.dirname(os.path.abspath(__file__))
import importlib.util, json, os, subprocess, sys, tempfile, shutil
spec = importlib.util.spec_from_file_location("ae", os.path.join(HERE, "assistant-eval.py")); ae = importlib.util.module_from_spec(spec); spec.loader.exec_module(ae)
corbi = os.path.abspath(sys.argv[1]); work = tempfile.mkdtemp()
env = dict(os.environ, CORBI_DB=work + "/c.sqlite", ASSISTANT_KB_PATH=os.path.join(HERE, "..", "kb"), CORBI_USER="e@brightsmile.example", CORBI_ORG="brightsmile.example", NO_COLOR="1", CORBI_ASK_DEBUG="1")
subprocess.run([corbi, "init", "--org", "B", "--domain", "brightsmile.example", "--admin", "e@brightsmile.example"], env=env, capture_output=True)
recs = []
for l in open(os.path.join(HERE, "questions-demo.jsonl")):
    q = json.loads(l)
    r = subprocess.run([corbi, "ask", "--json", "--", q["question"]], env=env, capture_output=True, text=True)
    out = json.loads(r.stdout)
    rec = dict(q, split="demo", answered=out["answered"], answer=out["answer"], citations=out["citations"], debug=r.stderr)
    if q["kind"] == "answerable":
        rec["correct"] = out["answered"] and any(ae.has_fact(out["answer"], f) for f in q["facts"])
    recs.append(rec)
with open(sys.argv[2], "w") as f:
    for r in recs: f.write(json.dumps(r, ensure_ascii=False) + "\n")
a = [r for r in recs if r["kind"] == "answerable"]; u = [r for r in recs if r["kind"] == "unanswerable"]
print("demo answered", sum(r["answered"] for r in a), "correct", sum(r["correct"] for r in a), "of", len(a), "false", sum(r["answered"] for r in u), "of", len(u))
shutil.rmtree(work)

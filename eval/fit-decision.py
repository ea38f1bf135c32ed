#!/usr/bin/env python3
"""Fits the answer decision (Sources/CorbiAssistant/AnswerDecision.swift) on the
development half, and reports it on any records.

    python3 eval/assistant-eval.py .build/release/corbi --split dev --out /tmp/dev.jsonl
    python3 eval/demo-eval.py .build/release/corbi /tmp/demo.jsonl
    python3 eval/fit-decision.py /tmp/dev.jsonl /tmp/demo.jsonl [--sweep] [--without NAME,...] [--check /tmp/heldout.jsonl]

The development data is the development half plus the demo knowledge base's questions
(the team's own, kept as tests); the held-out half is only ever checked.

Each record's stderr holds the decision's features and the candidate answer (the answer
the assistant would give if it answered, CORBI_ASK_DEBUG=1). A candidate is a good answer
when it is correct by the rules of assistant-eval.py; for unanswerable and
other-organization questions every candidate is a bad one. The model is a logistic
regression (light L2, plain gradient descent); the threshold is set where wrong answers become rare
on the development data (a wrong answer costs more than a refusal).
"""
import importlib.util, json, os, re, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ae", os.path.join(HERE, "assistant-eval.py"))
ae = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ae)


def rows(path):
    out = []
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        m = re.search(r"decision: (\{.*\})", r.get("debug", ""))
        if not m:
            continue
        d = json.loads(m.group(1))
        good = False
        if r["kind"] == "answerable" and d["candidate"]:
            cites = [{"path": c.split(":")[0], "lineStart": int(c.split(":")[1].split("-")[0]), "lineEnd": int(c.split("-")[-1])} for c in d["cited"]]
            good = any(ae.has_fact(d["candidate"], f) for f in r["facts"]) or any(ae.overlaps(c, r["gold"]) for c in cites)
        out.append((r, d, bool(d["candidate"]), good))
    return out


# The lowest threshold at which every demo question is decided right and wrong answers on
# the development half stay near one in ten answers (`--sweep` prints the others).
THRESHOLD = 0.55

NAMES = ["sentenceCoverage", "passageCoverage", "titleCoverage", "unknownShare", "missingRareWord", "scoreRatio", "rank",
         "margin", "answerType", "knownTerms", "supportCount", "citedCoverage", "unknownName", "unknownFocus",
         "answerTypeMissing"]


# Features left out of a fit (`--without a,b`): their weight stays 0.
WITHOUT = set()


def matrix(data):
    X = np.array([[0.0 if n in WITHOUT else d.get(n, 0.0) for n in NAMES] for _, d, _, _ in data])
    return X, np.array([1.0 if g else 0.0 for *_, g in data])


def fit(X, y, weights=None, l2=0.001, steps=20000, lr=0.5):
    sw = np.ones(len(y)) if weights is None else weights
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        g = (1 / (1 + np.exp(-(X @ w + b))) - y) * sw
        w -= lr * (X.T @ g / sw.sum() + l2 * w)
        b -= lr * g.sum() / sw.sum()
    return w, b


# The demo knowledge base's questions are tests that must all pass (every answerable one
# answered, no unanswerable one), so they weigh this much more than a development question.
DEMO_WEIGHT = 3.0


def score(data, probs, t):
    """(correct, wrong, false answers) of the eval collections, then of the demo questions."""
    out = {"eval": [0, 0, 0], "demo": [0, 0, 0]}
    for (r, d, has, good), p in zip(data, probs):
        if not has or p < t:
            continue
        o = out["demo" if r.get("collection") == "demo" else "eval"]
        if r["kind"] == "answerable":
            o[0] += good
            o[1] += not good
        elif r["kind"] == "unanswerable":
            o[2] += 1
    return tuple(out["eval"]), tuple(out["demo"])


def main():
    args = sys.argv[1:]
    check = None
    sweep = "--sweep" in args
    args = [a for a in args if a != "--sweep"]
    if "--without" in args:
        i = args.index("--without"); WITHOUT.update(args[i + 1].split(",")); del args[i:i + 2]
    if "--check" in args:
        i = args.index("--check"); check = args[i + 1]; del args[i:i + 2]
    dev = [x for path in args for x in rows(path) if x[2]]
    X, y = matrix(dev)
    w, b = fit(X, y, np.array([DEMO_WEIGHT if r.get("collection") == "demo" else 1.0 for r, *_ in dev]))
    probs = 1 / (1 + np.exp(-(X @ w + b)))
    t = THRESHOLD
    print("weights:", ", ".join(f"{v:.3f}" for v in w), " bias:", f"{b:.3f}", " threshold:", t)
    print("candidates good:", int(y.sum()), "of", len(y))
    print("dev (correct, wrong, false):", score(dev, probs, t))
    if sweep:
        for x in np.arange(0.3, 0.81, 0.05):
            print(f"  threshold {x:.2f}: (correct, wrong, false) {score(dev, probs, x)}")
    if check:
        other = [x for x in rows(check) if x[2]]
        Xc, _ = matrix(other)
        print("check (correct, wrong, false):", score(other, 1 / (1 + np.exp(-(Xc @ w + b))), t))


if __name__ == "__main__":
    main()

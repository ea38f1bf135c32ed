#!/usr/bin/env python3
"""Scores `corbi ask` on third-party text with paraphrased questions.

usage: assistant-eval.py CORBI_BINARY [--split dev|heldout|all] [--collection NAME]
                         [--verbose] [--out FILE.jsonl] [--keep DIR]

For each collection under eval/collections/ the script copies the files into a fresh
knowledge base (files under orgs/other.example/ belong to another organization, those under
orgs/mine.example/ to the asking one), initialises a fresh database with the organization
mine.example, runs `corbi kb index`, then for each question of the split
`corbi ask --json -- QUESTION` and `corbi kb search --json --limit 5 -- QUESTION`.

Figures:
  answerable    answered / correct / wrong. Correct = one of the question's key facts is in
                the answer text (whitespace and case folded; a fact like "-r" must stand as
                a word), or a citation overlaps the gold file's line range. Wrong = answered
                and not correct.
  unanswerable  false answers (answered at all).
  other-org     answered (allowed only from shared files).
  leaks         any citation, of an answer or a refusal's closest sources, under
                orgs/<a domain other than mine.example>/.
  retrieval     `kb search`: the gold range overlapped by the first result / one of the top 5.
"""
import json, os, re, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAIN = "mine.example"


def load(split):
    names = ["dev", "heldout"] if split == "all" else [split]
    items = []
    for n in names:
        with open(os.path.join(HERE, f"questions-{n}.jsonl"), encoding="utf-8") as f:
            items += [dict(json.loads(l), split=n) for l in f if l.strip()]
    return items


def fold(s):
    s = s.replace("\u00a0", " ").replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(s.split())


def has_fact(answer, fact):
    text, fact = fold(answer), fold(fact)
    if fact.lower() in text.lower() and not (fact.startswith("-") or len(fact) <= 3):
        return True
    # Short facts ("-r", "3") only count as words of their own.
    pattern = (r"(?<![\w-])" if fact[0].isalnum() or fact[0] == "-" else "") + re.escape(fact) + (r"(?!\w)" if fact[-1].isalnum() else "")
    return re.search(pattern, text) is not None


def overlaps(c, gold):
    return c["path"] == gold["path"] and c["lineStart"] <= gold["lineEnd"] and c["lineEnd"] >= gold["lineStart"]


def leaked(citations):
    return [c["path"] for c in citations if c["path"].startswith("orgs/") and not c["path"].startswith(f"orgs/{DOMAIN}/")]


def run_collection(corbi, name, questions, keep, verbose, records):
    work = keep and os.path.join(keep, name) or tempfile.mkdtemp(prefix=f"corbi-eval-{name}-")
    shutil.rmtree(work, ignore_errors=True)
    kb = os.path.join(work, "kb")
    shutil.copytree(os.path.join(HERE, "collections", name), kb)
    env = dict(os.environ, CORBI_DB=os.path.join(work, "corbi.sqlite"), ASSISTANT_KB_PATH=kb,
               CORBI_USER=f"eval@{DOMAIN}", CORBI_ORG=DOMAIN, NO_COLOR="1", CORBI_ASK_DEBUG="1")
    env.pop("CORBI_LLM_URL", None)

    def run(*a):
        return subprocess.run([corbi, *a], env=env, capture_output=True, text=True, timeout=600)

    r = run("init", "--org", "Mine", "--domain", DOMAIN, "--admin", f"eval@{DOMAIN}")
    if r.returncode != 0:
        sys.exit(f"init failed ({r.returncode}): {r.stderr.strip()[:500]}")
    r = run("kb", "index")
    if r.returncode != 0:
        sys.exit(f"kb index failed ({r.returncode}): {r.stderr.strip()[:500]}")
    for q in questions:
        t0 = time.time()
        r = run("ask", "--json", "--", q["question"])
        seconds = time.time() - t0
        try:
            out = json.loads(r.stdout)
        except ValueError:
            out = {"answered": False, "answer": "", "citations": [], "confidence": 0, "error": r.stderr.strip()[:300]}
        rec = dict(q, answered=bool(out.get("answered")), answer=out.get("answer", ""),
                   confidence=out.get("confidence", 0), citations=out.get("citations", []),
                   exit=r.returncode, seconds=round(seconds, 3), debug=r.stderr.strip()[-20000:])
        rec["leaks"] = leaked(rec["citations"])
        if q["kind"] == "answerable":
            rec["correct"] = rec["answered"] and (
                any(has_fact(rec["answer"], f) for f in q["facts"]) or any(overlaps(c, q["gold"]) for c in rec["citations"]))
            s = run("kb", "search", "--json", "--limit", "5", "--", q["question"])
            try:
                hits = json.loads(s.stdout)["results"]
            except (ValueError, KeyError):
                hits = []
            rec["top1"] = bool(hits) and overlaps(hits[0], q["gold"])
            rec["top5"] = any(overlaps(h, q["gold"]) for h in hits[:5])
            rec["leaks"] += leaked(hits)
        records.append(rec)
        if verbose:
            mark = {"answerable": "ok" if rec.get("correct") else ("WRONG" if rec["answered"] else "refused"),
                    "unanswerable": "FALSE-ANSWER" if rec["answered"] else "refused",
                    "other-org": "answered" if rec["answered"] else "refused"}[q["kind"]]
            if rec["leaks"]:
                mark += " LEAK"
            cites = ", ".join(f'{c["path"]}:{c["lineStart"]}-{c["lineEnd"]}' for c in rec["citations"][:3])
            gold = f' gold {q["gold"]["path"]}:{q["gold"]["lineStart"]}-{q["gold"]["lineEnd"]}' if "gold" in q else ""
            print(f'[{q["id"]} {mark}] {q["question"]}  (conf {rec["confidence"]}){gold}\n    -> {rec["answer"][:300]}\n    [{cites}]', flush=True)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)


def summary(records, label):
    ans = [r for r in records if r["kind"] == "answerable"]
    una = [r for r in records if r["kind"] == "unanswerable"]
    oth = [r for r in records if r["kind"] == "other-org"]
    n = lambda rs, key: sum(1 for r in rs if r.get(key))
    print(f"{label}: answerable {len(ans)}: answered {n(ans, 'answered')}, correct {n(ans, 'correct')}, "
          f"wrong {sum(1 for r in ans if r['answered'] and not r['correct'])}; "
          f"unanswerable {len(una)}: false answers {n(una, 'answered')}; "
          f"other-org {len(oth)}: answered {n(oth, 'answered')}; "
          f"leaks {sum(1 for r in records if r['leaks'])}; "
          f"retrieval top-1 {n(ans, 'top1')}/{len(ans)}, top-5 {n(ans, 'top5')}/{len(ans)}")


def main():
    args = sys.argv[1:]
    opts = {}
    for flag in ("--split", "--collection", "--out", "--keep"):
        if flag in args:
            i = args.index(flag)
            opts[flag] = args[i + 1]
            del args[i:i + 2]
    verbose = "--verbose" in args
    args = [a for a in args if a != "--verbose"]
    if len(args) != 1:
        sys.exit(__doc__)
    corbi = os.path.abspath(args[0])
    items = load(opts.get("--split", "dev"))
    if "--collection" in opts:
        items = [q for q in items if q["collection"] == opts["--collection"]]
    records = []
    for name in sorted({q["collection"] for q in items}):
        run_collection(corbi, name, [q for q in items if q["collection"] == name], opts.get("--keep"), verbose, records)
    for name in sorted({r["collection"] for r in records}):
        summary([r for r in records if r["collection"] == name], f"  {name}")
    summary(records, f"{opts.get('--split', 'dev')} total")
    if "--out" in opts:
        with open(opts["--out"], "w") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

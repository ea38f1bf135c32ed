#!/usr/bin/env bash
# The knowledge-base benchmark, side by side with plain FTS5 from Python in the same run.
#
# usage: bench/kb-bench.sh [WORK_DIR]      (run from the repository root)
#   needs a release build (swift build -c release); the corpus and the baseline come from
#   bench/make-corpus.py and bench/fts5-baseline.py.
# Builds the 50 MB corpus once in WORK_DIR (default bench/out), then prints:
#   baseline:  fts5-baseline.py ingest MB/s and query p50/p95
#   corbi:     kb index --full MB/s and peak RSS (whole process), no-change re-scan,
#              one edited file, query mean/p50/p95 (in process, after a warm-up pass),
#              and the top-10 agreement of the pruned search with scoring every match.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench/out}
CORBI=${CORBI:-.build/release/corbi}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[[ -d "$OUT/kb" ]] || python3 bench/make-corpus.py "$OUT" >/dev/null
QUERIES="$OUT/queries.txt"

echo "== baseline (plain FTS5, Python sqlite3)"
rm -f "$OUT/baseline.sqlite"*
# Both timed runs start the same way: old files deleted, the disk settled.
sync; sleep 2
python3 bench/fts5-baseline.py "$OUT/kb" "$QUERIES" --db "$OUT/baseline.sqlite"

echo "== corbi"
export CORBI_DB="$OUT/corbi.sqlite" ASSISTANT_KB_PATH="$OUT/kb" CORBI_USER=bench@bench.example CORBI_ORG=bench.example NO_COLOR=1
rm -f "$OUT"/corbi.sqlite* "$OUT"/corbi.kb-index.sqlite*
"$CORBI" init --org Bench --domain bench.example --admin bench@bench.example >/dev/null
MB=$(du -sb --apparent-size "$OUT/kb" | cut -f1)
sync; sleep 2
/usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$CORBI" kb index --full 2>"$OUT/index.err" >"$OUT/index.out"
read -r SECONDS_WALL RSS_KB < "$OUT/time.txt"
cat "$OUT/index.out"
python3 -c "print(f'index_full_mb_per_s={$MB/1e6/$SECONDS_WALL:.2f} (whole process, {$MB/1e6:.1f} MB in {$SECONDS_WALL} s) peak_rss_mb={$RSS_KB/1024:.0f}')"
MD_FILES=("$OUT"/kb/md/*.md)
EDIT=$(basename "${MD_FILES[0]}")
# Warm-up pass (page cache, as the baseline's queries run on a warm cache), then the timed one.
"$CORBI" kb bench "$QUERIES" >/dev/null
"$CORBI" kb bench "$QUERIES" --edit "md/$EDIT" --results "$OUT/pruned.jsonl"
CORBI_KB_EXHAUSTIVE=1 "$CORBI" kb bench "$QUERIES" --results "$OUT/exhaustive.jsonl" | sed 's/^/exhaustive: /'
python3 - "$OUT/pruned.jsonl" "$OUT/exhaustive.jsonl" <<'PY'
import json, sys
a = [json.loads(l)["top"].split() for l in open(sys.argv[1])]
b = [json.loads(l)["top"].split() for l in open(sys.argv[2])]
same = sum(x == y for x, y in zip(a, b))
overlap = sum(len(set(x) & set(y)) / max(len(y), 1) for x, y in zip(a, b)) / len(b)
print(f"top10_identical={same}/{len(b)} top10_overlap={overlap:.3f} (pruned vs scoring every match)")
PY

#!/usr/bin/env bash
# Contacts at scale, release build: imports N generated contacts from CSV (timed), then
# times `contacts list QUERY` over them with hyperfine (whole process, as a user sees it).
# usage: bench/contacts-bench.sh [N=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
swift build -c release >/dev/null
corbi=$PWD/.build/release/corbi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CORBI_DB=$work/corbi.sqlite NO_COLOR=1
$corbi init --org Bench --domain bench.example --admin admin@bench.example --calling-code 49 >/dev/null
python3 - "$n" "$work/contacts.csv" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
first = ["Anna", "Jürgen", "Zoë", "Mehmet", "Lena", "Paul", "Sofia", "Ömer", "Chloé", "Lukas", "Marie", "Jonas"]
last = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Łukasz", "Dubois"]
tags = ["vip", "recall", "kids", "new", "insurance", "late"]
with open(path, "w") as f:
    f.write("full_name,email,phone_whatsapp,tags\n")
    for i in range(n):
        fn, ln = random.choice(first), random.choice(last)
        f.write(f"{fn} {ln} {i},{fn.lower()}.{i}@example.com,+49151{i:08d},{random.choice(tags)};{random.choice(tags)}\n")
PY
echo "import of $n contacts:"
/usr/bin/time -f "  %e s wall, %M KB max RSS" $corbi contacts import "$work/contacts.csv"
hyperfine -N --warmup 3 --runs 30 \
    "$corbi contacts list muller" \
    "$corbi contacts list 'zoe mul 4711'" \
    "$corbi contacts list 0151000047" \
    "$corbi contacts list vip" \
    "$corbi contacts list an" \
    "$corbi contacts list" \
    "$corbi contacts list nobody-matches-this"

# In-process cost per command (no process start): 200 identical lines through batch mode.
for q in muller 'zoe mul 4711' 0151000047 vip an '' nobody-matches-this; do
    yes "/contacts list $q" | head -200 > "$work/lines.txt"
    start=$(date +%s%N)
    $corbi < "$work/lines.txt" > /dev/null
    end=$(date +%s%N)
    echo "in-process 'contacts list $q': $(( (end - start) / 200000 )) µs per command"
done

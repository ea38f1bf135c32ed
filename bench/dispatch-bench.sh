#!/usr/bin/env bash
# The dispatcher at scale, release build, against a loopback provider
# (bench/fake_provider.py, which logs every request's arrival time):
#
# 1. MESSAGES due Telegram messages, the rate lifted: `corbi outbox send` messages per
#    second and peak memory (/usr/bin/time -v), at the default concurrency and at 16.
# 2. MESSAGES due again with a rate of RATE a minute: `corbi outbox send` for MINUTES
#    minutes (then Ctrl-C, which lets the sends under way finish), and the most requests
#    the provider saw in any 60 seconds (a sliding window over arrival times) and in any
#    calendar minute.
#
# usage: bench/dispatch-bench.sh [MESSAGES=10000] [RATE=60] [MINUTES=5]
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-10000}
rate=${2:-60}
minutes=${3:-5}
swift build -c release --scratch-path .build-release --product corbi >/dev/null
corbi=$PWD/.build-release/release/corbi
out=$PWD/bench/out/dispatch
rm -rf "$out"
mkdir -p "$out"
export HOME=$out XDG_DATA_HOME=$out/data XDG_STATE_HOME=$out/state CORBI_DB=$out/corbi.sqlite NO_COLOR=1
export CORBI_USER=admin@bench.example
port=$((20000 + RANDOM % 20000))
python3 bench/fake_provider.py --port "$port" --log "$out/fake.log" >/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null || true' EXIT
export CORBI_TELEGRAM_API_URL=http://127.0.0.1:$port/tg

"$corbi" init --org "Bench Clinic" --domain bench.example --admin admin@bench.example --calling-code 49 >/dev/null
"$corbi" contacts add --name "Anna Bench" --telegram 4242 >/dev/null
printf '123456:ABC-bench-token' > "$out/bot"
"$corbi" channels set telegram bot_token=@"$out/bot" secret_token=bench-secret >/dev/null

draft() {  # $1 = label: MESSAGES drafts in one batch process, the rate lifted while drafting
    "$corbi" outbox rate telegram 100000 >/dev/null
    local started=$(date +%s.%N)
    python3 -c "
import sys
for i in range($messages):
    print('/draft anna --text \"$1 %d\" --channel telegram' % i)" | "$corbi" > /dev/null
    echo "  drafted $messages in $(echo "$(date +%s.%N) - $started" | bc) s"
}

send() {  # $1 = label, then environment assignments
    local label=$1; shift
    local mark; mark=$(wc -l < "$out/fake.log")
    env "$@" /usr/bin/time -v "$corbi" outbox send --json > "$out/$label.json" 2> "$out/$label.time"
    python3 - "$out/$label.json" "$out/$label.time" "$out/fake.log" "$mark" <<'PY'
import json, re, sys
summary = json.load(open(sys.argv[1]))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read()).group(1))
times = [float(l.split("\t")[0]) for l in open(sys.argv[3]).read().splitlines()[int(sys.argv[4]):]]
span = max(times) - min(times) if len(times) > 1 else 0
print("  sent %d of %d due in %.2f s: %.0f messages/s (%.0f/s at the provider), peak RSS %.1f MB"
      % (summary["sent"], summary["attempts"], summary["seconds"], summary["sent"] / summary["seconds"],
         len(times) / span if span else 0, rss / 1024))
PY
}

echo "1. $messages due messages, rate lifted"
draft "Fast"
send fast-c4 CORBI_DISPATCH_CONCURRENCY=4
draft "Faster"
send fast-c16 CORBI_DISPATCH_CONCURRENCY=16
texts=$(cut -f3 "$out/fake.log" | sort | uniq -d | wc -l)
echo "  requests at the provider: $(wc -l < "$out/fake.log"), texts seen twice: $texts"

echo "2. $messages due messages at $rate a minute, sent for $minutes minutes"
draft "Paced"
"$corbi" outbox rate telegram "$rate" >/dev/null
mark=$(wc -l < "$out/fake.log")
timeout -s INT "$((minutes * 60))" "$corbi" outbox send --json > "$out/paced.json" || true
python3 - "$out/fake.log" "$mark" "$rate" <<'PY'
import collections, sys
times = sorted(float(l.split("\t")[0]) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):])
rate = int(sys.argv[3])
most, j = 0, 0
for i, t in enumerate(times):
    while times[j] <= t - 60:
        j += 1
    most = max(most, i - j + 1)
minutes = collections.Counter(int(t // 60) for t in times)
print("  sent %d in %.0f s; most in any 60 s (sliding, by arrival at the provider): %d; most in a calendar minute: %d; rate %d"
      % (len(times), times[-1] - times[0] if times else 0, most, max(minutes.values() or [0]), rate))
print("  OK: never more than the rate" if most <= rate else "  OVER THE RATE")
PY

#!/usr/bin/env bash
# Times `ask` on the demo knowledge base (kb/): one-shot processes with hyperfine, and
# questions in a running shell (batch mode reads them from stdin) as the time per question
# of 200 piped questions less the time of the same process with none.
#   usage: eval/ask-speed.sh CORBI_BINARY
set -euo pipefail
corbi=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CORBI_DB="$work/corbi.sqlite" ASSISTANT_KB_PATH="$here/../kb" CORBI_USER=admin@brightsmile.example \
  CORBI_ORG=brightsmile.example NO_COLOR=1 CORBI_PROMPTS="$here/../prompts"
"$corbi" init --org BrightSmile --domain brightsmile.example --admin admin@brightsmile.example >/dev/null
"$corbi" kb index >/dev/null
hyperfine -N -i --warmup 3 --runs 40 \
  "$corbi ask 'How much notice do I need to give to cancel?'" \
  "$corbi ask 'Do you sell cars?'" \
  "$corbi --help"
questions=("How much notice do I need to give to cancel?" "Do you sell cars?" "What are the opening hours on Saturday?" "Can I pay in instalments?")
: > "$work/in.txt"
for i in $(seq 50); do printf '%s\n' "${questions[@]}" >> "$work/in.txt"; done
: > "$work/empty.txt"
best() { local b=999999999; for r in 1 2 3 4 5; do local s e; s=$(date +%s%N); "$corbi" < "$1" >/dev/null 2>&1 || true; e=$(date +%s%N); (( (e - s) / 1000 < b )) && b=$(( (e - s) / 1000 )); done; echo $b; }
with=$(best "$work/in.txt"); without=$(best "$work/empty.txt")
echo "in a running shell: $(( (with - without) / 200 )) µs per question (200 questions: $((with / 1000)) ms, empty input: $((without / 1000)) ms; best of 5)"

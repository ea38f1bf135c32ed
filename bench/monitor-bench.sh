#!/usr/bin/env bash
# Monitoring at scale, release build: a year of one organization (1,000,000 outbound
# messages, 200,000 inbound, 100,000 bookings, 20,000 contacts, ~1.2 million audit events,
# and a second organization a tenth of that size), then the summary of one day, of the
# last 7/30/365 days and the status gauges, timed in process, with every query's plan;
# then the organization exported (time, peak memory) and deleted (time).
#
# usage: bench/monitor-bench.sh [OUTBOUND=1000000 INBOUND=200000 BOOKINGS=100000]
# The timing side is a small package built in bench/out/monitor-bench against this
# repository's CorbiCore (release); the data is written by bench/monitor/data.py.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/bench/out/monitor-bench
mkdir -p "$out/Sources"
cp bench/monitor/main.swift "$out/Sources/main.swift"
identity=$(basename "$repo" | tr 'A-Z' 'a-z')
cat > "$out/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "MonitorBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "$repo"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "monitor-bench",
            dependencies: [.product(name: "CorbiCore", package: "$identity"), .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources")
    ]
)
SWIFT
swift build -c release --package-path "$out" >/dev/null
bench=$out/.build/release/monitor-bench
db=$out/monitor.sqlite
rm -f "$db" "$db"-wal "$db"-shm
"$bench" init "$db"
echo "filling $db ..."
/usr/bin/time -f "  data: %e s" python3 bench/monitor/data.py "$db" "$@"
sync
# A busy weekday, the autumn clock change (25 hours), the spring one (23 hours).
"$bench" time "$db" 2026-06-15 2026-10-25 2026-03-29
# The same organization exported (streamed: peak memory stays flat) and deleted.
/usr/bin/time -f "  %e s wall, %M KB max RSS" "$bench" export "$db" "$out/export.jsonl"
ls -l "$out/export.jsonl" | awk '{ printf "  %.0f MB written\n", $5 / 1048576 }'
rm -f "$out/export.jsonl"
"$bench" delete "$db"

// The monitoring benchmark's timing side (see ../monitor-bench.sh, which builds it as a
// small package next to the repository, in release mode, against CorbiCore).
//
//   monitor-bench init DB        a new database (every migration) with two organizations
//   monitor-bench time DB DAY... times the summaries, prints every query's plan
//   monitor-bench export DB FILE exports the big organization (run under /usr/bin/time)
//   monitor-bench delete DB      deletes it, timed
import CorbiCore
import Foundation
import GRDB

final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var sql: [String] = []
    var enabled = false
    func add(_ s: String) { lock.withLock { if enabled { sql.append(s) } } }
    func take() -> [String] { lock.withLock { defer { sql = [] }; return sql } }
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func report(_ label: String, runs: Int = 30, _ body: () throws -> Void) rethrows {
    for _ in 0..<3 { try body() }
    var times: [Double] = []
    for _ in 0..<runs { times.append(try milliseconds(body)) }
    times.sort()
    let median = times[times.count / 2], p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
    print(String(format: "%-44@ min %7.2f ms   median %7.2f ms   p95 %7.2f ms", label as NSString, times[0], median, p95))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: monitor-bench init DB | time DB DAY...")
    exit(64)
}
let path = arguments[2]
switch arguments[1] {
case "init":
    let db = try AppDatabase(path: path)
    _ = try db.createOrganization(
        name: "Bench", domain: "bench.example", adminEmail: "admin@bench.example", timezone: "Europe/Berlin", callingCode: 49)
    _ = try db.createOrganization(name: "Other", domain: "other.example", adminEmail: "admin@other.example", timezone: "America/New_York")
case "time":
    let captured = Captured()
    var configuration = AppDatabase.makeConfiguration()
    configuration.prepareDatabase { db in
        db.trace(options: .statement) { event in
            if case .statement(let statement) = event { captured.add(statement.expandedSQL) }
        }
    }
    let pool = try DatabasePool(path: path, configuration: configuration)
    let db = try AppDatabase(writer: pool)
    let actor = try db.resolveActor(user: "admin@bench.example", organization: "bench.example")
    let counts = try pool.read { db in
        try Row.fetchAll(db, sql: "SELECT 'outbound', count(*) FROM outboundMessage UNION ALL SELECT 'inbound', count(*) FROM inboundMessage UNION ALL SELECT 'bookings', count(*) FROM booking UNION ALL SELECT 'contacts', count(*) FROM contact UNION ALL SELECT 'audit events', count(*) FROM auditEvent")
    }
    print("database: " + counts.map { "\($0[1] as Int) \($0[0] as String)" }.joined(separator: ", "))
    let zone = TimeZone(identifier: "Europe/Berlin")!
    for text in arguments.dropFirst(3) {
        let day = try TimeInput.day(text, in: zone, now: Date())
        let summary = try db.monitoringSummary(actor, day: day)
        print("\(DateFormatting.day(day)): drafted \(summary.outbound.drafted), sent \(summary.outbound.sent), delivered \(summary.outbound.delivered), read \(summary.outbound.read), failed \(summary.outbound.failed), success rate \(summary.successRate.map { String(format: "%.3f", $0) } ?? "null"), inbound \(summary.inbound.received), bookings created \(summary.bookings.created), scheduled \(summary.bookings.scheduledToday)")
        try report("monitoringSummary(\(DateFormatting.day(day)))") { _ = try db.monitoringSummary(actor, day: day) }
    }
    let last = try TimeInput.day(arguments.count > 3 ? arguments[3] : "2026-06-15", in: zone, now: Date())
    for days in [7, 30, 365] {
        try report("monitoringSummaries(days: \(days))", runs: days == 365 ? 5 : 15) {
            _ = try db.monitoringSummaries(actor, days: days, through: last)
        }
    }
    try report("outboundStatusCountsOfAllOrganizations") { _ = try db.outboundStatusCountsOfAllOrganizations() }

    // The plan of every statement one summary runs.
    captured.enabled = true
    _ = try db.monitoringSummary(actor, day: last)
    captured.enabled = false
    print("\nquery plans (one summary):")
    for sql in captured.take() where sql.contains("day(d, s, e") {
        let body = sql.components(separatedBy: ") SELECT").dropFirst().joined(separator: ") SELECT")
        let from = body.range(of: "FROM day CROSS JOIN ").map { String(body[$0.upperBound...].prefix(while: { $0 != " " })) } ?? "?"
        let condition = body.components(separatedBy: "WHERE ").dropFirst().first?.components(separatedBy: "GROUP BY").first ?? ""
        let kind = condition.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "'[0-9: .TZ-]+'", with: "?", options: .regularExpression).prefix(110)
        let plan = try pool.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String } }
        print("- \(from): \(kind)")
        for line in plan where !line.contains("CO-ROUTINE") && !line.contains("SCAN 1 CONSTANT ROW") {
            print("    \(line)")
        }
    }
case "export":
    let db = try AppDatabase(path: path)
    let actor = try db.resolveActor(user: "admin@bench.example", organization: "bench.example")
    FileManager.default.createFile(atPath: arguments[3], contents: nil)
    let handle = FileHandle(forWritingAtPath: arguments[3])!
    var summary: OrganizationExportSummary?
    let ms = try milliseconds { summary = try db.exportOrganization(actor, to: handle) }
    try handle.close()
    print(String(format: "export: %d records in %.1f s", summary!.records, ms / 1000))
case "delete":
    let db = try AppDatabase(path: path)
    let actor = try db.resolveActor(user: "admin@bench.example", organization: "bench.example")
    var deletion: OrganizationDeletion?
    let ms = try milliseconds { deletion = try db.deleteOrganization(actor, confirmingDomain: "bench.example") }
    print(String(format: "delete: %d records in %.1f s", deletion!.record.total, ms / 1000))
default:
    print("usage: monitor-bench init DB | time DB DAY... | export DB FILE | delete DB")
    exit(64)
}

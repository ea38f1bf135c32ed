@testable import CorbiCore
import CorbiKnowledge
import CorbiMessaging
import Foundation
import Testing
@testable import CorbiServer

/// `/metrics` against the text exposition format's rules, checked by a small parser of
/// the format written here from its specification (not from the writer).
@Suite("Prometheus text format") struct PrometheusTextTests {
    static func sampleMetrics() -> String {
        let metrics = ServerMetrics()
        metrics.webhook(.whatsapp, .accepted)
        metrics.webhook(.whatsapp, .accepted)
        metrics.webhook(.whatsapp, .unauthorized)
        metrics.webhook(.telegram, .duplicate)
        metrics.webhook(nil, .notFound)
        metrics.unsubscribe("unsubscribed")
        for (channel, outcome, latency) in [
            (Channel.telegram, DispatchAttemptReport.Outcome.accepted, 0.004), (.telegram, .accepted, 0.2), (.telegram, .temporary, 31.0),
            (.telegram, .accepted, 120.0), (.email, .permanent, 0.05),
        ] {
            metrics.attempt(
                DispatchAttemptReport(organizationDomain: "a.example", channel: channel, outcome: outcome, code: nil, latency: latency))
        }
        return metrics.render(
            outbound: [
                OutboundStatusCount(organizationId: 1, organization: "a.example", channel: .email, status: .sent, count: 12),
                OutboundStatusCount(organizationId: 1, organization: "a.example", channel: .telegram, status: .failed, count: 2),
                OutboundStatusCount(organizationId: 2, organization: "b.example", channel: .whatsapp, status: .pending, count: 0),
            ],
            knowledge: [
                IndexedScopeCount(organizationDomain: nil, files: 10, passages: 140),
                IndexedScopeCount(organizationDomain: "a.example", files: 2, passages: 9),
            ])
    }

    @Test("the page follows the exposition format's rules")
    func wellFormed() throws {
        let families = try Exposition.parse(Self.sampleMetrics())
        #expect(families.keys.sorted() == [
            "corbi_dispatch_attempt_duration_seconds", "corbi_dispatch_attempts_total", "corbi_knowledge_base_files",
            "corbi_knowledge_base_passages", "corbi_outbound_messages", "corbi_unsubscribe_requests_total",
            "corbi_webhook_requests_total",
        ])
        #expect(families["corbi_outbound_messages"]?.type == "gauge")
        #expect(families["corbi_webhook_requests_total"]?.type == "counter")
        #expect(families["corbi_dispatch_attempt_duration_seconds"]?.type == "histogram")
    }

    @Test("the values: outbound gauges, webhook and attempt counters, latency buckets, knowledge base")
    func values() throws {
        let f = try Exposition.parse(Self.sampleMetrics())
        func value(_ family: String, _ name: String, _ labels: [String: String]) -> Double? {
            f[family]?.samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("corbi_outbound_messages", "corbi_outbound_messages", ["organization": "a.example", "channel": "email", "status": "sent"]) == 12)
        #expect(value("corbi_outbound_messages", "corbi_outbound_messages", ["organization": "b.example", "channel": "whatsapp", "status": "pending"]) == 0)
        #expect(value("corbi_webhook_requests_total", "corbi_webhook_requests_total", ["channel": "whatsapp", "outcome": "accepted"]) == 2)
        #expect(value("corbi_webhook_requests_total", "corbi_webhook_requests_total", ["channel": "other", "outcome": "not_found"]) == 1)
        #expect(value("corbi_dispatch_attempts_total", "corbi_dispatch_attempts_total", ["channel": "telegram", "outcome": "accepted"]) == 3)
        let h = "corbi_dispatch_attempt_duration_seconds"
        #expect(value(h, h + "_bucket", ["channel": "telegram", "le": "0.005"]) == 1)
        #expect(value(h, h + "_bucket", ["channel": "telegram", "le": "0.25"]) == 2)
        #expect(value(h, h + "_bucket", ["channel": "telegram", "le": "60"]) == 3)
        #expect(value(h, h + "_bucket", ["channel": "telegram", "le": "+Inf"]) == 4)
        #expect(value(h, h + "_count", ["channel": "telegram"]) == 4)
        #expect(abs((value(h, h + "_sum", ["channel": "telegram"]) ?? 0) - 151.204) < 1e-9)
        #expect(value("corbi_knowledge_base_files", "corbi_knowledge_base_files", ["scope": "shared"]) == 10)
        #expect(value("corbi_knowledge_base_passages", "corbi_knowledge_base_passages", ["scope": "a.example"]) == 9)
    }

    @Test("label values and help text are escaped; numbers are written as the format reads them")
    func escaping() throws {
        var out = PrometheusText()
        out.family(
            "corbi_test", .gauge, help: "Line one\nback\\slash",
            samples: [.init([("organization", "quote\" back\\ line\nend")], 1.5), .init([("organization", "inf")], .infinity),
                      .init([("organization", "nan")], .nan), .init([("organization", "big")], 1e20), .init([], -0.25)])
        let text = out.output
        #expect(text.contains(#"# HELP corbi_test Line one\nback\\slash"#))
        #expect(text.contains(#"corbi_test{organization="quote\" back\\ line\nend"} 1.5"#))
        #expect(text.contains(#"corbi_test{organization="inf"} +Inf"#))
        #expect(text.contains(#"corbi_test{organization="nan"} NaN"#))
        #expect(text.contains("corbi_test -0.25\n"))
        let parsed = try Exposition.parse(text)
        #expect(parsed["corbi_test"]?.samples.first?.labels["organization"] == "quote\" back\\ line\nend")
        #expect(parsed["corbi_test"]?.help == "Line one\nback\\slash")
        #expect(text.hasSuffix("\n"))
        #expect(PrometheusText.isMetricName("corbi_x:y_1") && !PrometheusText.isMetricName("1corbi") && !PrometheusText.isMetricName("a-b"))
        #expect(PrometheusText.isLabelName("channel") && !PrometheusText.isLabelName("__name") && !PrometheusText.isLabelName("a:b"))
    }

    @Test("an empty server still writes every family's header, and nothing else")
    func empty() throws {
        let text = ServerMetrics().render(outbound: [], knowledge: nil)
        let families = try Exposition.parse(text)
        #expect(families.count == 7 && families.values.allSatisfy { $0.samples.isEmpty })
    }
}

/// A reader of the text exposition format (0.0.4) that refuses what the format does not allow.
enum Exposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }

    struct Problem: Error, CustomStringConvertible {
        var line: Int
        var why: String
        var description: String { "line \(line): \(why)" }
    }

    static func parse(_ text: String) throws -> [String: Family] {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Problem(line: 0, why: "the last line does not end in a line feed") }
        var families: [String: Family] = [:]
        var order: [String] = []
        var current: String?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for (index, raw) in lines.enumerated() {
            let n = index + 1
            let line = String(raw)
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let rest = line.dropFirst(7)
                let name = String(rest.prefix { $0 != " " })
                let value = String(rest.dropFirst(name.count + 1))
                guard isMetricName(name) else { throw Problem(line: n, why: "bad family name \(name)") }
                if current != name {
                    guard families[name] == nil else { throw Problem(line: n, why: "family \(name) appears twice") }
                    families[name] = Family()
                    order.append(name)
                    current = name
                }
                if line.hasPrefix("# HELP ") {
                    guard families[name]!.help == nil, families[name]!.samples.isEmpty else { throw Problem(line: n, why: "HELP out of place") }
                    families[name]!.help = try unescape(value, quotes: false, line: n)
                } else {
                    guard families[name]!.type == nil, families[name]!.samples.isEmpty else { throw Problem(line: n, why: "TYPE out of place") }
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(value) else { throw Problem(line: n, why: "bad type") }
                    if value == "counter" && !name.hasSuffix("_total") { throw Problem(line: n, why: "a counter not ending in _total") }
                    families[name]!.type = value
                }
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw Problem(line: n, why: "unexpected line") }
            let sample = try parseSample(line, line: n)
            guard let family = current, let type = families[family]?.type else { throw Problem(line: n, why: "a sample before its TYPE") }
            let allowed = type == "histogram" ? [family + "_bucket", family + "_sum", family + "_count"] : [family]
            guard allowed.contains(sample.name) else { throw Problem(line: n, why: "\(sample.name) outside its family") }
            families[family]!.samples.append(sample)
        }
        for (name, family) in families where family.type == "histogram" {
            try checkHistogram(name, family)
        }
        return families
    }

    static func parseSample(_ line: String, line n: Int) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isMetricName(name) else { throw Problem(line: n, why: "bad metric name \(name)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = String(rest.prefix { $0 != "=" })
                guard isLabelName(key) else { throw Problem(line: n, why: "bad label name \(key)") }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { throw Problem(line: n, why: "label without a quoted value") }
                rest = rest.dropFirst(2)
                var value = ""
                var escaped = false
                while let ch = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        switch ch {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw Problem(line: n, why: "bad escape \\\(ch)")
                        }
                        escaped = false
                    } else if ch == "\\" {
                        escaped = true
                    } else if ch == "\"" {
                        break
                    } else {
                        value.append(ch)
                    }
                }
                guard labels[key] == nil else { throw Problem(line: n, why: "label \(key) twice") }
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw Problem(line: n, why: "bad label list") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw Problem(line: n, why: "no space before the value") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count), let value = number(String(fields[0])) else { throw Problem(line: n, why: "bad value") }
        return Sample(name: name, labels: labels, value: value)
    }

    static func checkHistogram(_ name: String, _ family: Family) throws {
        var series: [[String: String]: [(Double, Double)]] = [:]
        var counts: [[String: String]: Double] = [:]
        var sums = Set<[String: String]>()
        for sample in family.samples {
            var labels = sample.labels
            if sample.name == name + "_bucket" {
                guard let le = labels.removeValue(forKey: "le"), let bound = number(le) else {
                    throw Problem(line: 0, why: "\(name): a bucket without le")
                }
                series[labels, default: []].append((bound, sample.value))
            } else if sample.name == name + "_count" {
                counts[labels] = sample.value
            } else {
                sums.insert(labels)
            }
        }
        for (labels, buckets) in series {
            guard buckets.last?.0 == .infinity else { throw Problem(line: 0, why: "\(name): the last bucket is not +Inf") }
            for (a, b) in zip(buckets, buckets.dropFirst()) {
                guard a.0 < b.0, a.1 <= b.1 else { throw Problem(line: 0, why: "\(name): buckets not ascending and cumulative") }
            }
            guard counts[labels] == buckets.last?.1, sums.contains(labels) else {
                throw Problem(line: 0, why: "\(name): _count differs from the +Inf bucket, or _sum is missing")
            }
        }
    }

    static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    static func unescape(_ text: String, quotes: Bool, line: Int) throws -> String {
        var out = ""
        var escaped = false
        for ch in text {
            if escaped {
                switch ch {
                case "\\": out.append("\\")
                case "n": out.append("\n")
                default: throw Problem(line: line, why: "bad escape in HELP")
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    static func isMetricName(_ s: String) -> Bool {
        s.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil
    }

    static func isLabelName(_ s: String) -> Bool {
        s.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil && !s.hasPrefix("__")
    }
}

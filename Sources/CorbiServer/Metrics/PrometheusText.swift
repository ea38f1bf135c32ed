import Foundation

/// Writes the Prometheus text exposition format (version 0.0.4), by its rules:
/// - each family has one `# HELP` and one `# TYPE` line, before its samples, and all its
///   samples together; families appear once;
/// - metric and label names match `[a-zA-Z_:][a-zA-Z0-9_:]*` and `[a-zA-Z_][a-zA-Z0-9_]*`
///   (label names starting `__` are reserved);
/// - label values escape `\`, `"` and line feeds (`\\`, `\"`, `\n`); HELP text escapes `\`
///   and line feeds;
/// - counters end in `_total`; a histogram has cumulative `_bucket{le="..."}` samples
///   ending with `le="+Inf"`, then `_sum` and `_count` (equal to the `+Inf` bucket);
/// - values are Go-style floats: `+Inf`, `-Inf`, `NaN`, integers without a fraction;
/// - lines end with `\n`, the last one too.
///
/// Written directly rather than through swift-metrics and a Prometheus backend: the
/// outbound gauges are read from the database at scrape time (a pull, which
/// swift-metrics' push-style gauges fit badly), and the whole format is this file.
public struct PrometheusText: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// One labelled value.
    public struct Sample: Sendable, Equatable {
        public var labels: [(String, String)]
        public var value: Double

        public init(_ labels: [(String, String)], _ value: Double) {
            self.labels = labels
            self.value = value
        }

        public static func == (a: Sample, b: Sample) -> Bool {
            a.value == b.value && a.labels.map(\.0) == b.labels.map(\.0) && a.labels.map(\.1) == b.labels.map(\.1)
        }
    }

    /// One histogram series: cumulative counts per upper bound.
    public struct HistogramSample: Sendable {
        public var labels: [(String, String)]
        /// Upper bounds, ascending, without +Inf.
        public var bounds: [Double]
        /// Observations at or below each bound (cumulative), same length as `bounds`.
        public var cumulativeCounts: [UInt64]
        public var count: UInt64
        public var sum: Double

        public init(labels: [(String, String)], bounds: [Double], cumulativeCounts: [UInt64], count: UInt64, sum: Double) {
            self.labels = labels
            self.bounds = bounds
            self.cumulativeCounts = cumulativeCounts
            self.count = count
            self.sum = sum
        }
    }

    private(set) var text = ""
    private var families = Set<String>()

    public init() {}

    /// The exposition so far.
    public var output: String { text }

    /// A counter or gauge family with its samples. A counter's name must end in `_total`.
    public mutating func family(_ name: String, _ kind: Kind, help: String, samples: [Sample]) {
        precondition(kind != .histogram, "use histogram(_:help:series:)")
        precondition(kind != .counter || name.hasSuffix("_total"), "a counter's name ends in _total")
        header(name, kind, help)
        for sample in samples { line(name, sample.labels, sample.value) }
    }

    /// A histogram family: per series its buckets, `_sum` and `_count`.
    public mutating func histogram(_ name: String, help: String, series: [HistogramSample]) {
        header(name, .histogram, help)
        for s in series {
            precondition(s.bounds.count == s.cumulativeCounts.count, "one count per bound")
            for (bound, count) in zip(s.bounds, s.cumulativeCounts) {
                line(name + "_bucket", s.labels + [("le", Self.number(bound))], Double(count))
            }
            line(name + "_bucket", s.labels + [("le", "+Inf")], Double(s.count))
            line(name + "_sum", s.labels, s.sum)
            line(name + "_count", s.labels, Double(s.count))
        }
    }

    private mutating func header(_ name: String, _ kind: Kind, _ help: String) {
        precondition(Self.isMetricName(name), "not a metric name: \(name)")
        precondition(families.insert(name).inserted, "the family \(name) was written already")
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { key, value in
                precondition(Self.isLabelName(key), "not a label name: \(key)")
                return "\(key)=\"\(Self.escapeLabelValue(value))\""
            }.joined(separator: ",")
            text += "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    /// `\` → `\\`, `"` → `\"`, line feed → `\n`.
    public static func escapeLabelValue(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `\` → `\\`, line feed → `\n`.
    public static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `12`, `0.25`, `+Inf`, `-Inf`, `NaN`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    public static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" || first == ":" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":") }
    }

    public static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_", !name.hasPrefix("__")
        else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}

/// Observations counted into fixed buckets, as a Prometheus histogram reports them.
struct Histogram: Sendable {
    /// Upper bounds in seconds, ascending: a loopback fake answers in a millisecond, a
    /// provider in tens to hundreds, a send that times out in 30 to 60 seconds.
    static let latencyBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    let bounds: [Double]
    /// Observations per bucket (not cumulative); the last slot is above every bound.
    private(set) var counts: [UInt64]
    private(set) var sum = 0.0

    init(bounds: [Double] = Histogram.latencyBounds) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    mutating func observe(_ value: Double) {
        guard value.isFinite else { return }
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[index] += 1
        sum += value
    }

    var count: UInt64 { counts.reduce(0, +) }

    /// Observations at or below each bound.
    var cumulative: [UInt64] {
        var running: UInt64 = 0
        return bounds.indices.map { index in
            running += counts[index]
            return running
        }
    }
}

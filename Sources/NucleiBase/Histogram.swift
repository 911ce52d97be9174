/// Counts of small non-negative integer values (bin `v` counts the samples equal to `v`): the
/// one place percentiles of image samples are computed (the 16-bit normalisation rule, the
/// contrast stretch of figures).
///
/// - Complexity: each query walks the bins once, O(bins).
public struct Histogram: Equatable, Sendable {
    public let counts: [Int]
    /// The number of samples counted.
    public let total: Int

    public init(counts: [Int]) {
        self.counts = counts
        total = counts.reduce(0, +)
    }

    /// The value at 0-based `rank` of the sorted samples (the order statistic).
    /// - Precondition: `0 <= rank < total`.
    public func value(atRank rank: Int) -> Int {
        precondition(rank >= 0 && rank < total, "Histogram: rank \(rank) of \(total) samples")
        var seen = 0
        for (value, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen > rank { return value }
        }
        preconditionFailure("unreachable: rank \(rank) < total \(total)")
    }

    /// The `percent` percentile with linear interpolation between the order statistics at
    /// ranks floor(q) and ceil(q), q = percent / 100 * (n - 1) (NumPy's `linear` method); 0 for
    /// no samples.
    public func percentile(_ percent: Double) -> Double {
        guard total > 0 else { return 0 }
        let position = min(max(percent, 0), 100) / 100 * Double(total - 1)
        let lowerRank = Int(position.rounded(.down))
        let upperRank = min(lowerRank + 1, total - 1)
        let fraction = position - Double(lowerRank)
        let lower = Double(value(atRank: lowerRank)), upper = Double(value(atRank: upperRank))
        return lower + (upper - lower) * fraction
    }

    /// The order statistic at the rank nearest to q = percent / 100 * (n - 1), no interpolation
    /// (a sample value, as a display lookup table needs).
    /// - Precondition: at least one sample.
    public func nearestRankPercentile(_ percent: Double) -> Int {
        value(atRank: Int((min(max(percent, 0), 100) / 100 * Double(total - 1)).rounded()))
    }
}

/// Quantiles and summaries of samples.

/// The `p`-quantile of `sorted` (ascending), by linear interpolation between order statistics:
/// h = (n − 1)·p, q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). This is numpy's default
/// `method="linear"` (Hyndman & Fan type 7). Returns nil for an empty sample.
public func quantile(sorted: [Double], _ p: Double) -> Double? {
    guard !sorted.isEmpty, p.isFinite else { return nil }
    let clamped = min(max(p, 0), 1)
    let h = Double(sorted.count - 1) * clamped
    let lower = Int(h.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = h - Double(lower)
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
}

/// The `p`-quantile of an unsorted sample (see `quantile(sorted:_:)`).
public func quantile(_ values: [Double], _ p: Double) -> Double? {
    quantile(sorted: values.sorted(), p)
}

/// The median (the 0.5-quantile, so the mean of the two middle values for an even count).
public func median(_ values: [Double]) -> Double? {
    quantile(values, 0.5)
}

/// The arithmetic mean, or nil for an empty sample.
public func mean(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    return values.reduce(0, +) / Double(values.count)
}

/// Median, 90th and 99th percentile of a sample, with its size.
public struct Spread: Equatable, Sendable {
    public var n: Int
    public var median: Double
    public var p90: Double
    public var p99: Double

    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        n = sorted.count
        median = quantile(sorted: sorted, 0.5)!
        p90 = quantile(sorted: sorted, 0.9)!
        p99 = quantile(sorted: sorted, 0.99)!
    }
}

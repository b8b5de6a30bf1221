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
public struct Spread: Equatable, Sendable, Codable {
    public var n: Int
    public var median: Double
    public var p90: Double
    public var p99: Double

    /// The same values as `quantile(sorted:_:)` of the sorted sample, found by selection in
    /// linear time: sorting a million person-days was a quarter of the analysis of a build.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        n = values.count
        var work = values
        var from = 0
        let count = n
        // Ascending p: each order statistic lies at or after the previous one.
        func statistic(_ p: Double) -> Double {
            let h = Double(count - 1) * p
            let lower = Int(h.rounded(.down))
            select(&work, lower, in: from..<count)
            let low = work[lower]
            let high = lower + 1 < count ? work[(lower + 1)...].min()! : low
            from = lower
            return low + (h - Double(lower)) * (high - low)
        }
        median = statistic(0.5)
        p90 = statistic(0.9)
        p99 = statistic(0.99)
    }
}

/// Puts the `k`-th smallest of `values[range]` at `k`, with none larger before it and none
/// smaller after it (Hoare's quickselect, median-of-three pivots; a range still unsettled after
/// many rounds is sorted, so that no input takes quadratic time).
func select(_ values: inout [Double], _ k: Int, in range: Range<Int>) {
    var low = range.lowerBound, high = range.upperBound - 1
    var rounds = 2 * (Int.bitWidth - range.count.leadingZeroBitCount) + 8
    while low < high {
        if rounds == 0 {
            values[low...high].sort()
            return
        }
        rounds -= 1
        let middle = low + (high - low) / 2
        if values[middle] < values[low] { values.swapAt(middle, low) }
        if values[high] < values[low] { values.swapAt(high, low) }
        if values[high] < values[middle] { values.swapAt(high, middle) }
        let pivot = values[middle]
        var i = low, j = high
        while i <= j {
            while values[i] < pivot { i += 1 }
            while pivot < values[j] { j -= 1 }
            if i <= j {
                values.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        // Now values[low...j] ≤ pivot ≤ values[i...high], and any between equal the pivot.
        if k <= j { high = j } else if k >= i { low = i } else { return }
    }
}

/// The Kaplan–Meier estimate of the median time to an event when some subjects are censored
/// (observed for `times[i]` without the event when `events[i]` is false): S(t) = Π over event
/// times tⱼ ≤ t of (1 − dⱼ ÷ nⱼ), with dⱼ events at tⱼ and nⱼ subjects still at risk (a subject
/// censored at tⱼ counts as at risk there, as is conventional); the median is the first event
/// time where S falls to ½ or below, as R's survival::survfit reports it. Nil when S never
/// falls that far.
public func kaplanMeierMedian(times: [Double], events: [Bool]) -> Double? {
    guard times.count == events.count, !times.isEmpty else { return nil }
    let order = times.indices.sorted { times[$0] < times[$1] }
    var atRisk = times.count
    var survival = 1.0
    var index = 0
    while index < order.count {
        let time = times[order[index]]
        var deaths = 0, leaving = 0
        while index < order.count && times[order[index]] == time {
            if events[order[index]] { deaths += 1 }
            leaving += 1
            index += 1
        }
        if deaths > 0 {
            survival *= 1 - Double(deaths) / Double(atRisk)
            if survival <= 0.5 + 1e-12 { return time }
        }
        atRisk -= leaving
    }
    return nil
}

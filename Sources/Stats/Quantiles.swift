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
        let n = values.count
        self.n = n
        // Each quantile interpolates between the order statistics ⌊h⌋ and ⌊h⌋ + 1.
        let ps = [0.5, 0.9, 0.99]
        let lowers = ps.map { Int((Double(n - 1) * $0).rounded(.down)) }
        let ranks = Array(Set(lowers.flatMap { [$0, min($0 + 1, n - 1)] })).sorted()
        let found = orderStatistics(values, ranks)
        func statistic(_ p: Double, _ lower: Int) -> Double {
            let low = found[ranks.firstIndex(of: lower)!], high = found[ranks.firstIndex(of: min(lower + 1, n - 1))!]
            return low + (Double(n - 1) * p - Double(lower)) * (high - low)
        }
        median = statistic(ps[0], lowers[0])
        p90 = statistic(ps[1], lowers[1])
        p99 = statistic(ps[2], lowers[2])
    }
}

/// The `ranks`-th smallest of `values` (ranks ascending, each in `values.indices`).
///
/// A large sample is first narrowed by one counting pass: each value falls in one of 65,536
/// buckets by the top 16 bits of its ordered bit pattern (sign, exponent and four bits of
/// mantissa: a sixteenth of an octave), and only the values of the buckets that hold a wanted
/// rank are selected among (Hoare's quickselect, `select`). Quickselect over all of a million
/// person-days, three times, was the last tenth of the analysis, on one core; the count and a
/// gather are two passes, and the selection then runs over a few percent of the values —
/// over all of them only when nearly all share a bucket, which costs a pass more than before.
func orderStatistics(_ values: [Double], _ ranks: [Int]) -> [Double] {
    guard values.count >= 1 << 14 else { return selected(values, ranks) }
    /// The value's place in the order of doubles as an unsigned integer (−0 as +0).
    @inline(__always) func key(_ value: Double) -> UInt64 {
        let bits = (value + 0).bitPattern
        return bits >> 63 == 1 ? ~bits : bits | 1 << 63
    }
    var counts = [Int32](repeating: 0, count: 1 << 16)
    for value in values {
        if value.isNaN { return selected(values, ranks) }  // unordered: the comparisons decide, as before
        counts[Int(key(value) >> 48)] &+= 1
    }
    // Which buckets hold a wanted rank, and how many values lie in unwanted buckets below each.
    var wanted = [Bool](repeating: false, count: 1 << 16)
    var skippedBelow = [Int](repeating: 0, count: ranks.count)
    var next = 0, seen = 0, skipped = 0
    for bucket in 0..<(1 << 16) where counts[bucket] > 0 {
        let upTo = seen + Int(counts[bucket])
        var holds = false
        while next < ranks.count && ranks[next] < upTo {
            skippedBelow[next] = skipped
            holds = true
            next += 1
        }
        if holds { wanted[bucket] = true } else { skipped += Int(counts[bucket]) }
        seen = upTo
        if next == ranks.count { break }
    }
    var candidates: [Double] = []
    candidates.reserveCapacity(values.count - skipped)
    for value in values where wanted[Int(key(value) >> 48)] { candidates.append(value) }
    return selected(candidates, zip(ranks, skippedBelow).map { $0 - $1 })
}

/// The `ranks`-th smallest of `values` by quickselect, each from where the last was left.
private func selected(_ values: [Double], _ ranks: [Int]) -> [Double] {
    var work = values
    var from = 0
    return ranks.map { rank in
        select(&work, rank, in: from..<work.count)
        from = rank
        return work[rank]
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

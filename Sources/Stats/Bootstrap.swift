/// Bootstrap confidence intervals.

/// A point estimate with its percentile-bootstrap interval and the sample size behind it.
public struct Estimate: Equatable, Sendable, Codable {
    public var value: Double
    public var low: Double
    public var high: Double
    public var n: Int
    /// Resamples on which the statistic was undefined (a constant resample), left out of the interval.
    public var undefined: Int = 0

    public init(value: Double, low: Double, high: Double, n: Int, undefined: Int = 0) {
        self.value = value; self.low = low; self.high = high; self.n = n; self.undefined = undefined
    }

    /// The interval holds zero.
    public var includesZero: Bool { low <= 0 && high >= 0 }
}

/// The percentile bootstrap for a statistic of paired samples: resample the pairs with
/// replacement `resamples` times from a generator seeded with `seed`, compute the statistic on
/// each resample, and take the 2.5 % and 97.5 % quantiles (numpy's linear method) of the
/// results that are defined. Resamples where the statistic is undefined (e.g. a constant
/// resample for a correlation) are left out and counted in `undefined`; the interval is the
/// percentiles as they are, not widened to hold the point estimate. Nil when the statistic is
/// undefined on the data, or on more than a tenth of the resamples.
public func bootstrapPaired(
    _ x: [Double], _ y: [Double],
    resamples: Int = 2000, seed: UInt64 = 20_260_101, level: Double = 0.95,
    statistic: ([Double], [Double]) -> Double?
) -> Estimate? {
    guard x.count == y.count, let point = statistic(x, y) else { return nil }
    var generator = SplitMix64(seed: seed)
    var results: [Double] = []
    results.reserveCapacity(resamples)
    var sampleX = [Double](repeating: 0, count: x.count)
    var sampleY = [Double](repeating: 0, count: y.count)
    for _ in 0..<resamples {
        for slot in 0..<x.count {
            let pick = generator.below(x.count)
            sampleX[slot] = x[pick]
            sampleY[slot] = y[pick]
        }
        if let value = statistic(sampleX, sampleY), value.isFinite {
            results.append(value)
        }
    }
    return percentileInterval(point, results, resamples: resamples, level: level, n: x.count)
}

/// The percentile interval of bootstrap results; nil when over a tenth of the resamples failed.
func percentileInterval(_ point: Double, _ unsorted: [Double], resamples: Int, level: Double, n: Int) -> Estimate? {
    let undefined = resamples - unsorted.count
    guard undefined * 10 <= resamples else { return nil }
    let results = unsorted.sorted()
    let tail = (1 - level) / 2
    guard let low = quantile(sorted: results, tail), let high = quantile(sorted: results, 1 - tail) else { return nil }
    return Estimate(value: point, low: low, high: high, n: n, undefined: undefined)
}

/// `bootstrapPaired(x, y, statistic: spearman)` with the same generator draws and the same
/// result to the bit, in O(n) a resample instead of O(n log n): both samples are sorted once,
/// and a resample's average ranks come from walking that order with each pair's number of
/// copies (copies of one pair tie with each other, as they do when the resample is sorted).
/// The report's 2,000 resamples made the sort a tenth of a 1M-row build (perf).
public func bootstrapSpearman(
    _ x: [Double], _ y: [Double],
    resamples: Int = 2000, seed: UInt64 = 20_260_101, level: Double = 0.95
) -> Estimate? {
    guard x.count == y.count, let point = spearman(x, y) else { return nil }
    let n = x.count
    let orderX = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
    let orderY = y.indices.sorted { y[$0] < y[$1] || (y[$0] == y[$1] && $0 < $1) }
    var generator = SplitMix64(seed: seed)
    var results: [Double] = []
    results.reserveCapacity(resamples)
    var picks = [Int](repeating: 0, count: n)
    var copies = [Int](repeating: 0, count: n)
    var rankX = [Double](repeating: 0, count: n), rankY = [Double](repeating: 0, count: n)
    var sampleX = [Double](repeating: 0, count: n), sampleY = [Double](repeating: 0, count: n)

    /// The average rank every original index gets in the resample, by walking `order`.
    func ranks(_ values: [Double], _ order: [Int], into rank: inout [Double]) {
        var position = 0, start = 0
        while start < n {
            var end = start
            var total = copies[order[start]]
            while end + 1 < n && values[order[end + 1]] == values[order[start]] {
                end += 1
                total += copies[order[end]]
            }
            if total > 0 {
                let shared = Double(position + (position + total - 1) + 2) / 2
                for index in start...end { rank[order[index]] = shared }
            }
            position += total
            start = end + 1
        }
    }

    for _ in 0..<resamples {
        for index in 0..<n { copies[index] = 0 }
        for slot in 0..<n {
            let pick = generator.below(n)
            picks[slot] = pick
            copies[pick] += 1
        }
        ranks(x, orderX, into: &rankX)
        ranks(y, orderY, into: &rankY)
        for slot in 0..<n {
            sampleX[slot] = rankX[picks[slot]]
            sampleY[slot] = rankY[picks[slot]]
        }
        if let value = pearson(sampleX, sampleY), value.isFinite {
            results.append(value)
        }
    }
    return percentileInterval(point, results, resamples: resamples, level: level, n: n)
}

/// A moving-block bootstrap interval for the mean of a series (Künsch 1989): resample blocks of
/// `block` consecutive values with replacement until the series' length is reached, so that
/// autocorrelated weeks are not treated as independent.
public func blockBootstrapMean(_ series: [Double], block: Int = 4, resamples: Int = 1000, seed: UInt64, level: Double = 0.95) -> Estimate? {
    let n = series.count
    guard n >= 2, let point = mean(series) else { return nil }
    let length = min(block, n)
    let starts = n - length + 1
    var generator = SplitMix64(seed: seed)
    var results: [Double] = []
    results.reserveCapacity(resamples)
    for _ in 0..<resamples {
        var sum = 0.0, count = 0
        while count < n {
            let start = generator.below(starts)
            for offset in 0..<length where count < n { sum += series[start + offset]; count += 1 }
        }
        results.append(sum / Double(n))
    }
    return percentileInterval(point, results, resamples: resamples, level: level, n: n)
}

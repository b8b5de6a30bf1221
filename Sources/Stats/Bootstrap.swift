/// Bootstrap confidence intervals.

/// A point estimate with its percentile-bootstrap interval and the sample size behind it.
public struct Estimate: Equatable, Sendable {
    public var value: Double
    public var low: Double
    public var high: Double
    public var n: Int
}

/// The percentile bootstrap for a statistic of paired samples: resample the pairs with
/// replacement `resamples` times from a generator seeded with `seed`, compute the statistic on
/// each resample, and take the 2.5 % and 97.5 % quantiles (numpy's linear method) of the
/// results that are defined. Resamples where the statistic is undefined (e.g. a constant
/// resample for a correlation) are skipped. Nil when the statistic is undefined on the data.
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
    results.sort()
    let tail = (1 - level) / 2
    guard let low = quantile(sorted: results, tail), let high = quantile(sorted: results, 1 - tail) else {
        return Estimate(value: point, low: point, high: point, n: x.count)
    }
    return Estimate(value: point, low: min(low, point), high: max(high, point), n: x.count)
}

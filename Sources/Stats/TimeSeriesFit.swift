import Foundation

/// The slope of y on x across one group's consecutive periods (ordinary least squares with an
/// intercept), with a standard error that allows for autocorrelated errors: Newey and West
/// (1987), Bartlett weights 1 − l ÷ (L + 1) up to lag L = ⌊4 (n ÷ 100)^(2/9)⌋, times the small-sample
/// factor n ÷ (n − 2), as statsmodels computes `cov_type="HAC"` with `use_correction=True`. In
/// short series with negatively autocorrelated errors (week-to-week changes have them) that
/// estimate can fall far below the truth, so the variance used is the larger of it and the
/// classical one (Σe² ÷ (n − 2) ÷ Σ(x − x̄)²): autocorrelation may widen the interval, never
/// narrow it. The interval uses Student's t with n − 2 degrees of freedom; `pValue` is two-sided.
public struct TimeSeriesFit: Equatable, Sendable {
    public var slope: Double
    public var standardError: Double
    /// The Newey–West standard error alone (for reference tests).
    public var neweyWestStandardError: Double
    public var low: Double
    public var high: Double
    public var pValue: Double
    public var observations: Int
    public var lags: Int

    /// Nil with fewer than `minimum` observations or when x does not vary.
    public init?(y: [Double], x: [Double], level: Double = 0.95, minimum: Int = 8) {
        let n = y.count
        guard n == x.count, n >= max(minimum, 4), let mx = mean(x), let my = mean(y) else { return nil }
        let xc = x.map { $0 - mx }
        let sxx = xc.reduce(0) { $0 + $1 * $1 }
        guard sxx > 1e-12 * max(1, x.map { $0 * $0 }.reduce(0, +)) else { return nil }
        let beta = zip(xc, y).reduce(0) { $0 + $1.0 * ($1.1 - my) } / sxx
        let score = (0..<n).map { xc[$0] * (y[$0] - my - beta * xc[$0]) }
        let lags = Int((4 * pow(Double(n) / 100, 2.0 / 9.0)).rounded(.down))
        var s = score.reduce(0) { $0 + $1 * $1 }
        if lags > 0 {
            for l in 1...lags {
                let weight = 1 - Double(l) / Double(lags + 1)
                var sum = 0.0
                for t in l..<n { sum += score[t] * score[t - l] }
                s += 2 * weight * sum
            }
        }
        let neweyWest = max(s, 0) / (sxx * sxx) * Double(n) / Double(n - 2)
        let residuals = (0..<n).map { y[$0] - my - beta * xc[$0] }
        let classical = residuals.reduce(0) { $0 + $1 * $1 } / Double(n - 2) / sxx
        neweyWestStandardError = neweyWest.squareRoot()
        let variance = max(neweyWest, classical)
        slope = beta
        standardError = variance.squareRoot()
        let df = Double(n - 2)
        let t = studentTQuantile(0.5 + level / 2, degreesOfFreedom: df)
        low = beta - t * standardError
        high = beta + t * standardError
        pValue = standardError > 0 ? 2 * (1 - studentTCDF(abs(beta) / standardError, degreesOfFreedom: df)) : (beta == 0 ? 1 : 0)
        observations = n
        self.lags = lags
    }
}

/// Which of `pValues` Benjamini and Hochberg (1995) declare discoveries at false-discovery rate
/// `q`: those at or below the largest p₍ₖ₎ with p₍ₖ₎ ≤ k q ÷ m.
public func benjaminiHochberg(_ pValues: [Double], q: Double) -> [Bool] {
    let m = pValues.count
    let sorted = pValues.sorted()
    var cut = -1.0
    for (k, p) in sorted.enumerated() where p <= Double(k + 1) * q / Double(m) { cut = p }
    return pValues.map { $0 <= cut }
}

/// The mean of values that come in clusters (answers grouped by team), with a percentile
/// interval from resampling whole clusters (the ratio of the resampled sums to the resampled
/// counts); with one cluster, resampling the values themselves.
public func clusterBootstrapMean(_ values: [Double], clusters: [Int], resamples: Int = 2000, seed: UInt64, level: Double = 0.95) -> Estimate? {
    guard values.count == clusters.count, values.count >= 2, let point = mean(values) else { return nil }
    var sums: [Int: (Double, Double)] = [:]
    for (value, cluster) in zip(values, clusters) { sums[cluster, default: (0, 0)].0 += value; sums[cluster, default: (0, 0)].1 += 1 }
    let groups = sums.keys.sorted().map { sums[$0]! }
    guard groups.count >= 2 else { return blockBootstrapMean(values, block: 1, resamples: resamples, seed: seed, level: level) }
    var generator = SplitMix64(seed: seed)
    var results: [Double] = []
    results.reserveCapacity(resamples)
    for _ in 0..<resamples {
        var sum = 0.0, count = 0.0
        for _ in 0..<groups.count { let pick = groups[generator.below(groups.count)]; sum += pick.0; count += pick.1 }
        results.append(sum / count)
    }
    return percentileInterval(point, results, resamples: resamples, level: level, n: values.count)
}

/// The standard normal distribution function Φ(z) = erfc(−z ÷ √2) ÷ 2.
public func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

/// The p-quantile of the standard normal distribution, by bisection on `normalCDF` (to 1e-14).
public func normalQuantile(_ p: Double) -> Double {
    guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
    var low = -40.0, high = 40.0
    for _ in 0..<200 {
        let middle = (low + high) / 2
        if normalCDF(middle) < p { low = middle } else { high = middle }
        if high - low < 1e-14 { break }
    }
    return (low + high) / 2
}

/// A robust slope of y on x: Theil and Sen's median of the slopes of all pairs of points with
/// different x, its distribution-free interval (Sen 1968: order statistics of the pairwise
/// slopes, with the tie-corrected variance of Kendall's S), and the two-sided p-value of
/// Kendall's τ (normal approximation, tie-corrected) — as `scipy.stats.theilslopes` and
/// `scipy.stats.kendalltau` compute them. One point far out cannot turn it, as it can least squares.
public struct TheilSenFit: Equatable, Sendable, Codable {
    public var slope: Double
    public var low: Double
    public var high: Double
    public var pValue: Double
    public var observations: Int

    public init?(y: [Double], x: [Double], level: Double = 0.95, minimum: Int = 8) {
        let n = y.count
        guard n == x.count, n >= max(minimum, 3) else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(n * (n - 1) / 2)
        var s = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[j] - x[i], dy = y[j] - y[i]
                if dx != 0 { slopes.append(dy / dx) }
                let sign = (dx > 0 ? 1.0 : dx < 0 ? -1.0 : 0) * (dy > 0 ? 1.0 : dy < 0 ? -1.0 : 0)
                s += sign
            }
        }
        guard slopes.count >= 2 else { return nil }
        slopes.sort()
        slope = median(slopes)!
        func ties(_ values: [Double]) -> [Double] {
            var counts: [Double: Int] = [:]
            for value in values { counts[value, default: 0] += 1 }
            return counts.values.filter { $0 > 1 }.map(Double.init)
        }
        let tx = ties(x), ty = ties(y)
        let nd = Double(n)
        let base = nd * (nd - 1) * (2 * nd + 5)
        let sigmaSquared = (base - tx.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) } - ty.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }) / 18
        // Nearly every value tied (a metric that is zero almost every week): no interval.
        guard sigmaSquared > 0 else { return nil }
        let sigmaSen = sigmaSquared.squareRoot()
        let z = normalQuantile(0.5 + level / 2)
        let count = Double(slopes.count)
        let upper = max(0, min(Int(((count + z * sigmaSen) / 2).rounded(.toNearestOrEven)), slopes.count - 1))
        let lower = min(slopes.count - 1, max(Int(((count - z * sigmaSen) / 2).rounded(.toNearestOrEven)) - 1, 0))
        low = slopes[lower]
        high = slopes[upper]
        // Kendall's S with the tie-corrected variance (Kendall 1970; scipy's asymptotic method).
        let v0 = base, vt = tx.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }, vu = ty.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }
        let t1 = tx.reduce(0) { $0 + $1 * ($1 - 1) }, u1 = ty.reduce(0) { $0 + $1 * ($1 - 1) }
        let t2 = tx.reduce(0) { $0 + $1 * ($1 - 1) * ($1 - 2) }, u2 = ty.reduce(0) { $0 + $1 * ($1 - 1) * ($1 - 2) }
        let variance = (v0 - vt - vu) / 18 + t2 * u2 / (9 * nd * (nd - 1) * (nd - 2)) + t1 * u1 / (2 * nd * (nd - 1))
        pValue = variance > 0 ? min(1, 2 * (1 - normalCDF(abs(s) / variance.squareRoot()))) : 1
        observations = n
    }
}

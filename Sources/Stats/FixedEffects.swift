import Foundation

/// The within-group association of y with x in a panel (groups observed over periods): the
/// slope of y on x with group and period fixed effects (two-way fixed effects), and its
/// cluster-robust standard error with groups as clusters.
///
/// By the Frisch–Waugh–Lovell theorem the slope is Σ x̃ỹ ÷ Σ x̃², where x̃ and ỹ are x and y with
/// both sets of means removed; on an unbalanced panel they are found by alternating
/// projections (demean by group, then by period, until nothing changes; Gaure 2013, lfe). The
/// standard error is the CR1 sandwich of Liang and Zeger (1986) as Stata's `vce(cluster)` and
/// R's fixest compute it: V = G/(G−1) · (N−1)/(N−K) · Σ_g (Σ_{i∈g} x̃ᵢ eᵢ)² ÷ (Σ x̃²)², with K
/// the slope and the fixed effects not absorbed by the clusters (periods − 1; the group
/// effects are nested in the clusters). The interval uses Student's t with G − 1 degrees of
/// freedom, as is usual with few clusters.
public struct FixedEffectsFit: Equatable, Sendable, Codable {
    public var slope: Double
    public var standardError: Double
    public var low: Double
    public var high: Double
    public var observations: Int
    public var clusters: Int

    /// Nil with fewer than three groups that vary in x over time, or when x has no within variation.
    public init?(y: [Double], x: [Double], group: [Int], period: [Int], level: Double = 0.95) {
        let n = y.count
        guard n == x.count, n == group.count, n == period.count, n >= 4 else { return nil }
        let groups = (group.max() ?? -1) + 1, periods = (period.max() ?? -1) + 1
        var xt = x, yt = y
        var groupCount = [Double](repeating: 0, count: groups), periodCount = [Double](repeating: 0, count: periods)
        for i in 0..<n { groupCount[group[i]] += 1; periodCount[period[i]] += 1 }
        func demean(_ v: inout [Double]) {
            for _ in 0..<10_000 {
                var change = 0.0
                var sum = [Double](repeating: 0, count: groups)
                for i in 0..<n { sum[group[i]] += v[i] }
                for i in 0..<n { let m = sum[group[i]] / groupCount[group[i]]; v[i] -= m; change = max(change, abs(m)) }
                var periodSum = [Double](repeating: 0, count: periods)
                for i in 0..<n { periodSum[period[i]] += v[i] }
                for i in 0..<n { let m = periodSum[period[i]] / periodCount[period[i]]; v[i] -= m; change = max(change, abs(m)) }
                if change < 1e-13 * max(1, v.map(abs).max() ?? 1) { break }
            }
        }
        demean(&xt)
        demean(&yt)
        var sxx = 0.0, sxy = 0.0
        for i in 0..<n { sxx += xt[i] * xt[i]; sxy += xt[i] * yt[i] }
        let scale = x.map { $0 * $0 }.reduce(0, +)
        guard sxx > 1e-12 * max(scale, 1e-300) else { return nil }
        let beta = sxy / sxx
        var score = [Double](repeating: 0, count: groups)
        for i in 0..<n { score[group[i]] += xt[i] * (yt[i] - beta * xt[i]) }
        let g = Set(group).count
        guard g >= 3 else { return nil }
        let k = Double(1 + (Set(period).count - 1))
        let correction = Double(g) / Double(g - 1) * Double(n - 1) / max(Double(n) - k, 1)
        let variance = correction * score.reduce(0) { $0 + $1 * $1 } / (sxx * sxx)
        slope = beta
        standardError = variance.squareRoot()
        let t = studentTQuantile(0.5 + level / 2, degreesOfFreedom: Double(g - 1))
        low = beta - t * standardError
        high = beta + t * standardError
        observations = n
        clusters = g
    }
}

/// The p-quantile of Student's t with `degreesOfFreedom`, by bisection on its distribution
/// function (through the regularized incomplete beta function); accurate to about 1e-12.
public func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
    if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
    var low = 0.0, high = 1.0
    while studentTCDF(high, degreesOfFreedom: nu) < p { high *= 2 }
    for _ in 0..<200 {
        let middle = (low + high) / 2
        if studentTCDF(middle, degreesOfFreedom: nu) < p { low = middle } else { high = middle }
        if high - low < 1e-13 * max(1, high) { break }
    }
    return (low + high) / 2
}

/// P(T ≤ t) for Student's t: 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.
public func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
    return t >= 0 ? 1 - tail : tail
}

/// I_x(a, b) by the continued fraction of Numerical Recipes (Lentz's method).
func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    guard x > 0 else { return 0 }
    guard x < 1 else { return 1 }
    let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
    let logFront: Double = logBeta + a * log(x) + b * log(1 - x)
    if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
    let tiny = 1e-300
    var c = 1.0, d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var f = d
    for m in 1...300 {
        let m = Double(m)
        var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
        c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
        d = 1 / d; f *= d * c
        numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
        c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        f *= delta
        if abs(delta - 1) < 1e-15 { break }
    }
    return exp(logFront) * f / a
}

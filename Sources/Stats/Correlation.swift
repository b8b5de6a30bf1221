/// Correlation between paired samples.

/// Pearson's r = Σ (x − x̄)(y − ȳ) / √(Σ (x − x̄)² · Σ (y − ȳ)²). Nil when there are fewer than
/// three pairs, the lengths differ, or either sample is constant.
public func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count >= 3 else { return nil }
    let meanX = x.reduce(0, +) / Double(x.count)
    let meanY = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for index in x.indices {
        let dx = x[index] - meanX
        let dy = y[index] - meanY
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
    }
    guard sxx > 0, syy > 0 else { return nil }
    return max(-1, min(1, sxy / (sxx * syy).squareRoot()))
}

/// Spearman's ρ: Pearson's r of the average ranks (ties share their mean rank), as
/// scipy.stats.spearmanr.
public func spearman(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count else { return nil }
    return pearson(averageRanks(x), averageRanks(y))
}

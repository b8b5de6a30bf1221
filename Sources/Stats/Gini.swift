/// Inequality of a non-negative sample.

/// The Gini coefficient G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ), computed from the ascending sort as
/// G = 2 Σᵢ i·x₍ᵢ₎ / (n Σ x) − (n + 1) / n with i = 1…n. 0 when everyone uses the same amount,
/// approaching 1 when one person uses everything. Nil for an empty sample or a zero total.
public func gini(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let total = sorted.reduce(0, +)
    guard total > 0 else { return nil }
    var weighted = 0.0
    for (index, value) in sorted.enumerated() {
        weighted += Double(index + 1) * value
    }
    let n = Double(sorted.count)
    return max(0, 2 * weighted / (n * total) - (n + 1) / n)
}

/// The share of the total held by the largest `fraction` of the values (the top 10 % by
/// default). The number of values counted is ⌈fraction · n⌉, at least one.
public func topShare(_ values: [Double], fraction: Double = 0.1) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted(by: >)  // sorted first: the sums do not depend on input order
    let total = sorted.reduce(0, +)
    guard total > 0 else { return nil }
    let count = max(1, Int((fraction * Double(values.count)).rounded(.up)))
    let top = sorted.prefix(count).reduce(0, +)
    return top / total
}

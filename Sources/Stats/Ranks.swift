/// Ranks with ties, as used by Spearman's correlation.

/// 1-based ranks of `values`; tied values share the mean of the ranks they span
/// (scipy.stats.rankdata's default `method="average"`).
public func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && values[order[end + 1]] == values[order[start]] {
            end += 1
        }
        // Positions start…end (0-based) hold ranks start+1…end+1; their mean is:
        let shared = Double(start + end + 2) / 2
        for position in start...end {
            ranks[order[position]] = shared
        }
        start = end + 1
    }
    return ranks
}

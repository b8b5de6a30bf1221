/// Outlier scores that a few extreme values cannot distort.

/// The median absolute deviation, MAD = median(|xᵢ − median(x)|), unscaled.
public func medianAbsoluteDeviation(_ values: [Double]) -> Double? {
    guard let centre = median(values) else { return nil }
    return median(values.map { abs($0 - centre) })
}

/// Robust z-scores zᵢ = 0.6745 · (xᵢ − median) / MAD (Iglewicz & Hoaglin 1993); 0.6745 is
/// Φ⁻¹(0.75), which makes the score comparable to a standard z for normal data. When MAD is 0
/// every score is 0 except values away from the median, which get ±∞ clamped to ±10.
public func robustZScores(_ values: [Double]) -> [Double] {
    guard let centre = median(values), let mad = medianAbsoluteDeviation(values) else { return [] }
    return values.map { value in
        if mad == 0 { return value == centre ? 0 : (value > centre ? 10 : -10) }
        return 0.6745 * (value - centre) / mad
    }
}

import Foundation

/// A linear map from a data domain to a pixel range, with "nice" ticks.
public struct LinearScale: Sendable {
    public var domain: (Double, Double)
    public var range: (Double, Double)

    public init(domain: (Double, Double), range: (Double, Double)) {
        self.domain = domain
        self.range = range
    }

    public func callAsFunction(_ value: Double) -> Double {
        let span = domain.1 - domain.0
        guard span != 0 else { return (range.0 + range.1) / 2 }
        return range.0 + (value - domain.0) / span * (range.1 - range.0)
    }

    /// Extends the domain outward to round tick values (and to include 0 when `zero`).
    public func niced(count: Int = 5, zero: Bool = false) -> LinearScale {
        var low = domain.0, high = domain.1
        if zero { low = min(low, 0); high = max(high, 0) }
        if !low.isFinite || !high.isFinite { low = 0; high = 1 }
        if low == high {
            if low == 0 { high = 1 } else if low > 0 { low = zero ? 0 : low * 0.5; high = high * 1.5 } else { low *= 1.5; high = zero ? 0 : high * 0.5 }
        }
        let step = niceStep((high - low) / Double(max(count, 1)))
        return LinearScale(domain: (cleanTick((low / step).rounded(.down) * step), cleanTick((high / step).rounded(.up) * step)), range: range)
    }

    /// Tick values: multiples of a 1, 2 or 5 × 10ᵏ step inside the domain.
    public func ticks(count: Int = 5) -> [Double] {
        let low = min(domain.0, domain.1), high = max(domain.0, domain.1)
        guard low.isFinite, high.isFinite else { return [] }
        guard high > low else { return [low] }
        let step = niceStep((high - low) / Double(max(count, 1)))
        let first = (low / step).rounded(.up)
        let last = (high / step).rounded(.down)
        guard last >= first, last - first < 1000 else { return [low, high] }
        return stride(from: first, through: last, by: 1).map { value in
            let tick = cleanTick(value * step)
            return abs(tick) < step * 1e-9 ? 0 : tick
        }
    }
}

/// A step of 1, 2 or 5 × 10ᵏ near `rough`: the one whose tick count is closest to the one
/// asked for (the thresholds √50, √10 and √2 are those of d3's tickIncrement).
public func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let base = pow(10, log10(rough).rounded(.down))
    let error = rough / base
    let nice: Double = error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
    return nice * base
}

/// Removes the binary noise of `value = index × step` (0.6000000000000001 → 0.6).
func cleanTick(_ value: Double) -> Double {
    Double(String(format: "%.12g", value)) ?? value
}

/// A logarithmic (base 10) scale for positive data spanning orders of magnitude.
public struct LogScale: Sendable {
    public var domain: (Double, Double)
    public var range: (Double, Double)

    /// Non-positive bounds are replaced by the smallest positive value they allow.
    public init(domain: (Double, Double), range: (Double, Double)) {
        let low = domain.0 > 0 ? domain.0 : min(max(domain.1, 1) / 10, 1)
        let high = max(domain.1, low * 10)
        self.domain = (pow(10, log10(low).rounded(.down)), pow(10, log10(high).rounded(.up)))
        self.range = range
    }

    public func callAsFunction(_ value: Double) -> Double {
        let low = log10(domain.0), high = log10(domain.1)
        let clamped = max(value, domain.0)
        return range.0 + (log10(clamped) - low) / (high - low) * (range.1 - range.0)
    }

    /// Powers of ten in the domain (thinned to at most `count` + 1).
    public func ticks(count: Int = 6) -> [Double] {
        // Domains of a log scale are positive and finite (the chart keeps to them); clamp anyway.
        let low = Int(max(-300, min(300, log10(max(domain.0, 1e-300)).rounded())))
        let high = Int(max(-300, min(300, log10(max(domain.1, 1e-300)).rounded())))
        let step = max(1, (high - low + count - 1) / max(count, 1))
        return stride(from: low, through: high, by: step).map { pow(10, Double($0)) }
    }
}

/// Evenly spaced bands for categories (bars, heatmap cells, weeks).
public struct BandScale: Sendable {
    public var count: Int
    public var range: (Double, Double)
    public var padding: Double

    public init(count: Int, range: (Double, Double), padding: Double = 0.2) {
        self.count = max(count, 1)
        self.range = range
        self.padding = padding
    }

    public var step: Double { (range.1 - range.0) / Double(count) }
    public var bandwidth: Double { step * (1 - padding) }
    public func start(_ index: Int) -> Double { range.0 + Double(index) * step + step * padding / 2 }
    public func center(_ index: Int) -> Double { start(index) + bandwidth / 2 }
}

/// Which tick labels to show so that labels of `width` px at positions never overlap.
public func thinnedLabels(positions: [Double], width: Double) -> [Bool] {
    var shown = [Bool](repeating: false, count: positions.count)
    var lastEnd = -Double.infinity
    var stride = 1
    // Choose the smallest regular stride at which no two labels collide.
    while stride < max(positions.count, 1) {
        var ok = true
        var previous = -Double.infinity
        for index in Swift.stride(from: 0, to: positions.count, by: stride) {
            if positions[index] - previous < width { ok = false; break }
            previous = positions[index]
        }
        if ok { break }
        stride += 1
    }
    for index in Swift.stride(from: 0, to: positions.count, by: stride) where positions[index] - lastEnd >= width || lastEnd == -.infinity {
        shown[index] = true
        lastEnd = positions[index]
    }
    return shown
}

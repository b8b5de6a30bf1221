/// Ordinary least squares for one predictor.

/// The fit y = intercept + slope · x, with the slope's standard error
/// SE = √( Σ residual² / (n − 2) / Σ (x − x̄)² ) (as scipy.stats.linregress's `stderr`).
public struct LinearFit: Equatable, Sendable {
    public var slope: Double
    public var intercept: Double
    public var slopeStandardError: Double
    public var n: Int

    /// Nil when there are fewer than three points or x is constant.
    public init?(x: [Double], y: [Double]) {
        guard x.count == y.count, x.count >= 3 else { return nil }
        let count = Double(x.count)
        let meanX = x.reduce(0, +) / count
        let meanY = y.reduce(0, +) / count
        var sxx = 0.0, sxy = 0.0
        for index in x.indices {
            sxx += (x[index] - meanX) * (x[index] - meanX)
            sxy += (x[index] - meanX) * (y[index] - meanY)
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = meanY - slope * meanX
        var residuals = 0.0
        for index in x.indices {
            let residual = y[index] - (intercept + slope * x[index])
            residuals += residual * residual
        }
        slopeStandardError = (residuals / (count - 2) / sxx).squareRoot()
        n = x.count
    }

    public func predict(_ x: Double) -> Double { intercept + slope * x }
}

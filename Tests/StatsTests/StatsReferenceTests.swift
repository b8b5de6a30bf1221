import Foundation
import XCTest
@testable import Stats

/// Compares Stats with values numpy and scipy computed (Fixtures/reference.py → reference.json).
final class StatsReferenceTests: XCTestCase {
    /// FNV-1a, 64 bits, as its published test vectors (and Python, for the last) give it; a
    /// hash continued from a prefix's is the whole text's.
    func testStableHashIsFNV1a() {
        XCTAssertEqual(stableHash(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(stableHash("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(stableHash("foobar"), 0x8594_4171_f739_67e8)
        XCTAssertEqual(stableHash("é ✓ prompt"), 0x3af3_1292_79bb_6d74)
        XCTAssertEqual(stableHash(" prompt", continuing: stableHash("é ✓")), 0x3af3_1292_79bb_6d74)
    }

    struct Pair: Decodable {
        var x: [Double], y: [Double]
        var pearson: Double, spearman: Double, slope: Double, intercept: Double
        var slope_stderr: Double
    }
    struct Reference: Decodable {
        var samples: [String: [Double]]
        var quantiles: [String: [String: Double]]
        var gini: [String: Double]
        var ranks: [String: [Double]]
        var robust_z: [String: [Double]]
        var pairs: [String: Pair]
        var t_quantiles: [String: Double]
        var panel: Panel
        var series: Series
        var bh: BH
        var normal_quantiles: [String: Double]
    }
    struct Series: Decodable {
        var x: [Double], y: [Double]
        var sen_slope: Double, sen_low: Double, sen_high: Double, kendall_p: Double
        var ols_slope: Double, hac_se: Double, ols_se: Double, lags: Int
    }
    struct BH: Decodable { var p: [Double], q: Double, rejected: [Bool] }
    struct Panel: Decodable {
        var group: [Int], period: [Int], x: [Double], y: [Double]
        var slope: Double, se: Double, low: Double, high: Double
    }

    /// One far-out week turns least squares negative; Theil–Sen keeps the slope of the rest, and
    /// its interval and Kendall's p (ties in y) are scipy's to the digit.
    func testTheilSenAndKendallMatchScipy() throws {
        let series = try reference().series
        let fit = try XCTUnwrap(TheilSenFit(y: series.y, x: series.x))
        XCTAssertEqual(fit.slope, series.sen_slope, accuracy: 1e-12)
        XCTAssertEqual(fit.low, series.sen_low, accuracy: 1e-12)
        XCTAssertEqual(fit.high, series.sen_high, accuracy: 1e-12)
        XCTAssertEqual(fit.pValue, series.kendall_p, accuracy: 1e-9)
        XCTAssertGreaterThan(fit.slope, 0)
        XCTAssertLessThan(series.ols_slope, 0)
    }

    /// Newey–West as statsmodels' HAC with the small-sample correction; the interval uses the
    /// larger of it and the classical variance.
    func testNeweyWestMatchesStatsmodels() throws {
        let series = try reference().series
        let fit = try XCTUnwrap(TimeSeriesFit(y: series.y, x: series.x))
        XCTAssertEqual(fit.lags, series.lags)
        XCTAssertEqual(fit.slope, series.ols_slope, accuracy: 1e-12)
        XCTAssertEqual(fit.neweyWestStandardError, series.hac_se, accuracy: 1e-10)
        XCTAssertEqual(fit.standardError, max(series.hac_se, series.ols_se), accuracy: 1e-10)
    }

    func testBenjaminiHochbergMatchesStatsmodels() throws {
        let bh = try reference().bh
        XCTAssertEqual(benjaminiHochberg(bh.p, q: bh.q), bh.rejected)
    }

    func testNormalQuantilesMatchScipy() throws {
        for (p, value) in try reference().normal_quantiles {
            XCTAssertEqual(normalQuantile(Double(p)!), value, accuracy: 1e-9, "p \(p)")
        }
    }

    /// Answers of one team move together: resampling whole teams gives a wider interval than
    /// resampling answers, and the point is the plain mean.
    func testClusterBootstrapResamplesWholeClusters() throws {
        var values: [Double] = [], clusters: [Int] = []
        for team in 0..<12 { for _ in 0..<10 { values.append(Double(team % 4)); clusters.append(team) } }
        let clustered = try XCTUnwrap(clusterBootstrapMean(values, clusters: clusters, seed: 1))
        let naive = try XCTUnwrap(blockBootstrapMean(values, block: 1, resamples: 2000, seed: 1))
        XCTAssertEqual(clustered.value, 1.5, accuracy: 1e-12)
        XCTAssertGreaterThan(clustered.high - clustered.low, 2 * (naive.high - naive.low))
    }

    func testStudentTQuantilesMatchScipy() throws {
        for (df, value) in try reference().t_quantiles {
            XCTAssertEqual(studentTQuantile(0.975, degreesOfFreedom: Double(df)!), value, accuracy: 1e-9, "df \(df)")
        }
    }

    /// Candor demeans by alternating projections; the reference fits every dummy and writes the
    /// CR1 sandwich out: the two must agree on an unbalanced panel.
    func testTwoWayFixedEffectsWithClusteredErrorsMatchesADummyRegression() throws {
        let panel = try reference().panel
        let fit = try XCTUnwrap(FixedEffectsFit(y: panel.y, x: panel.x, group: panel.group, period: panel.period))
        XCTAssertEqual(fit.slope, panel.slope, accuracy: 1e-9)
        XCTAssertEqual(fit.standardError, panel.se, accuracy: 1e-9)
        XCTAssertEqual(fit.low, panel.low, accuracy: 1e-8)
        XCTAssertEqual(fit.high, panel.high, accuracy: 1e-8)
        XCTAssertEqual(fit.clusters, 9)
    }

    private func reference() throws -> Reference {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/reference", withExtension: "json"))
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func testQuantilesMatchNumpyLinearMethod() throws {
        let ref = try reference()
        for (name, expected) in ref.quantiles {
            for (p, value) in expected {
                let got = try XCTUnwrap(quantile(ref.samples[name]!, Double(p)!))
                XCTAssertEqual(got, value, accuracy: 1e-12, "\(name) p=\(p)")
            }
        }
    }

    /// `Spread` finds its quantiles by selection, not sorting: the same numbers as numpy's
    /// linear method, and as the sorted sample on shapes that trouble a quickselect (sorted,
    /// reversed, all equal, few distinct values, organ pipe), bit for bit.
    func testSpreadSelectsTheQuantilesASortWouldGive() throws {
        let ref = try reference()
        for (name, expected) in ref.quantiles {
            let spread = try XCTUnwrap(Spread(ref.samples[name]!))
            for (p, value) in expected {
                switch Double(p)! {
                case 0.5: XCTAssertEqual(spread.median, value, accuracy: 1e-12, name)
                case 0.9: XCTAssertEqual(spread.p90, value, accuracy: 1e-12, name)
                case 0.99: XCTAssertEqual(spread.p99, value, accuracy: 1e-12, name)
                default: break
                }
            }
        }
        var seed: UInt64 = 11
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        var shapes: [[Double]] = [[5], [2, 1], [3, 3, 3]]
        for count in [7, 100, 1001, 20_000] {
            shapes.append((0..<count).map(Double.init))
            shapes.append((0..<count).reversed().map(Double.init))
            shapes.append([Double](repeating: 4, count: count))
            shapes.append((0..<count).map { _ in Double(next() % 3) })
            shapes.append((0..<count).map { Double(min($0, count - $0)) })
            shapes.append((0..<count).map { _ in Double(next() % 1_000_000) / 7 })
        }
        // Above the size where buckets narrow the selection first: both signs, zeros of both
        // signs, infinities, magnitudes far apart, nearly all in one bucket, and buckets of
        // their own for the wanted ranks.
        for count in [1 << 14, 70_001] {
            shapes.append((0..<count).map { _ in (Double(next() % 2_000_001) - 1_000_000) / 3 })
            shapes.append((0..<count).map { index in index % 3 == 0 ? -0.0 : index % 3 == 1 ? 0 : -Double(next() % 5) })
            shapes.append((0..<count).map { _ in [-Double.infinity, .infinity, 1e300, -1e-300, 5e-324][Int(next() % 5)] })
            shapes.append((0..<count).map { _ in 1_000_000 + Double(next() % 1_000) / 1_000 })
            shapes.append((0..<count).map { _ in Double(1 << (next() % 60)) * (1 + Double(next() % 16) / 16) })
            shapes.append((0..<count).map { _ in Double(next() % 40_000) })
        }
        for values in shapes {
            let sorted = values.sorted()
            let spread = try XCTUnwrap(Spread(values))
            XCTAssertEqual(spread.n, values.count)
            // Equal, or both not a number (infinities of both signs interpolated).
            func same(_ a: Double, _ b: Double?) -> Bool { a == b || a.isNaN && b?.isNaN == true }
            XCTAssertTrue(same(spread.median, quantile(sorted: sorted, 0.5)), "\(spread.median) \(values.prefix(9))")
            XCTAssertTrue(same(spread.p90, quantile(sorted: sorted, 0.9)), "\(spread.p90) \(values.prefix(9))")
            XCTAssertTrue(same(spread.p99, quantile(sorted: sorted, 0.99)), "\(spread.p99) \(values.prefix(9))")
            XCTAssertEqual(orderStatistics(values, [0, values.count / 3, values.count - 1]),
                           [sorted[0], sorted[values.count / 3], sorted[values.count - 1]])
        }
        XCTAssertNil(Spread([]))
    }

    func testGiniMatchesMeanAbsoluteDifferenceDefinition() throws {
        let ref = try reference()
        XCTAssertEqual(ref.gini.count, 4)
        for (name, value) in ref.gini {
            XCTAssertEqual(try XCTUnwrap(gini(ref.samples[name]!)), value, accuracy: 1e-12, name)
        }
    }

    func testAverageRanksMatchScipyRankdata() throws {
        let ref = try reference()
        for (name, expected) in ref.ranks {
            XCTAssertEqual(averageRanks(ref.samples[name]!), expected, name)
        }
    }

    func testRobustZScoresMatchMedianMADFormula() throws {
        let ref = try reference()
        XCTAssertFalse(ref.robust_z.isEmpty)
        for (name, expected) in ref.robust_z {
            let got = robustZScores(ref.samples[name]!)
            for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-12, name) }
        }
    }

    func testCorrelationsAndSlopeMatchScipy() throws {
        let ref = try reference()
        for (name, pair) in ref.pairs {
            XCTAssertEqual(try XCTUnwrap(pearson(pair.x, pair.y)), pair.pearson, accuracy: 1e-12, name)
            XCTAssertEqual(try XCTUnwrap(spearman(pair.x, pair.y)), pair.spearman, accuracy: 1e-12, name)
            let fit = try XCTUnwrap(LinearFit(x: pair.x, y: pair.y))
            XCTAssertEqual(fit.slope, pair.slope, accuracy: 1e-12, name)
            XCTAssertEqual(fit.intercept, pair.intercept, accuracy: 1e-12, name)
            XCTAssertEqual(fit.slopeStandardError, pair.slope_stderr, accuracy: 1e-12, name)
        }
    }
}

final class StatsPropertyTests: XCTestCase {
    func testUndefinedStatisticsAreNilNotNaN() {
        XCTAssertNil(quantile([], 0.5))
        XCTAssertNil(gini([0, 0, 0]))
        XCTAssertNil(pearson([1, 1, 1], [1, 2, 3]))
        XCTAssertNil(pearson([1, 2], [1, 2]))
        XCTAssertNil(LinearFit(x: [2, 2, 2], y: [1, 2, 3]))
    }

    func testTopShareCountsAtLeastOneValue() {
        XCTAssertEqual(topShare([1, 1, 1, 7]), 0.7)
        XCTAssertEqual(topShare(Array(repeating: 1.0, count: 20), fraction: 0.1)!, 0.1, accuracy: 1e-12)
    }

    func testBootstrapIsSeededAndBracketsTheEstimate() throws {
        let x = (0..<40).map { Double($0) }
        let y = x.map { $0 * 0.5 + Double(Int($0) % 7) }
        let first = try XCTUnwrap(bootstrapPaired(x, y, seed: 7, statistic: pearson))
        let again = try XCTUnwrap(bootstrapPaired(x, y, seed: 7, statistic: pearson))
        let other = try XCTUnwrap(bootstrapPaired(x, y, seed: 8, statistic: pearson))
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first.low, other.low)
        XCTAssertLessThan(first.low, first.value)
        XCTAssertGreaterThan(first.high, first.value)
        XCTAssertLessThanOrEqual(first.high, 1)
        XCTAssertEqual(first.n, 40)
    }

    func testSplitMixFirstOutputsMatchReferenceImplementation() {
        // Values of the reference C implementation (Vigna) for seed 1234567.
        var generator = SplitMix64(seed: 1_234_567)
        XCTAssertEqual(generator.next(), 6_457_827_717_110_365_317)
        XCTAssertEqual(generator.next(), 3_203_168_211_198_807_973)
    }
}

final class KaplanMeierTests: XCTestCase {
    /// Worked by hand: S(2) = 6/7, S(3) = 6/7 · 5/6, S(5) = · 3/4 = 0.536, S(8) = · 2/3 = 0.357:
    /// the median is 8 (R's survfit agrees); the median of the event times alone would say 4.
    func testMedianWithCensoring() {
        let times: [Double] = [2, 3, 3, 5, 8, 8, 10]
        let events = [true, false, true, true, false, true, false]
        XCTAssertEqual(kaplanMeierMedian(times: times, events: events), 8)
        XCTAssertEqual(median([2, 3, 5, 8]), 4)
        XCTAssertNil(kaplanMeierMedian(times: [1, 2, 3], events: [true, false, false]))  // never below ½
    }
}

final class BootstrapSpearmanTests: XCTestCase {
    /// The O(n) resampling of ranks gives the generic bootstrap's result to the bit, with ties
    /// in the data and the copies that resampling makes.
    func testLinearRankBootstrapEqualsTheGenericOne() {
        var generator = SplitMix64(seed: 7)
        for n in [3, 4, 17, 200] {
            let x = (0..<n).map { _ in Double(generator.below(12)) }           // many ties
            let y = x.map { $0 * 0.5 + Double(generator.below(5)) }
            let generic = bootstrapPaired(x, y, resamples: 300, seed: 11, statistic: spearman)
            let linear = bootstrapSpearman(x, y, resamples: 300, seed: 11)
            XCTAssertEqual(generic, linear, "n = \(n)")
            // With three pairs over a tenth of the resamples are constant: no interval.
            if n == 3 { XCTAssertNil(linear) } else { XCTAssertNotNil(linear, "n = \(n)") }
            if let linear { XCTAssertLessThanOrEqual(linear.undefined * 10, 300) }
        }
        XCTAssertNil(bootstrapSpearman([1, 1, 1], [1, 2, 3]))
    }
}

import Foundation
import XCTest
@testable import Stats

/// The interval the headline reads must hold zero when there is nothing to find, on data shaped
/// like an organisation's: teams with their own levels of usage and value (correlated between
/// teams), weeks autocorrelated within a team, and a rollout that lifts every team's usage.
final class CalibrationTests: XCTestCase {
    struct Normal {
        var generator: SplitMix64
        mutating func next() -> Double {  // Box–Muller
            let u = max(generator.unit(), 1e-300), v = generator.unit()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// One organisation: `teams` × `weeks` team-weeks of (ln usage per head, value per head).
    func organisation(seed: UInt64, teams: Int = 30, weeks: Int = 26, effect: Double) -> (x: [Double], y: [Double], team: [Int], week: [Int]) {
        var normal = Normal(generator: SplitMix64(seed: seed))
        var x: [Double] = [], y: [Double] = [], team: [Int] = [], week: [Int] = []
        let rollout = (0..<weeks).map { 1.5 * Double($0) / Double(weeks) }        // shared trend in usage
        let season = (0..<weeks).map { _ in 0.3 * normal.next() }                 // shared shocks in value
        for t in 0..<teams {
            let usageLevel = normal.next()
            let valueLevel = -0.8 * usageLevel + 0.6 * normal.next()              // between teams: a strong negative link
            var u = 0.0, v = 0.0
            for w in 0..<weeks {
                u = 0.7 * u + 0.5 * normal.next()                                 // AR(1) weeks
                v = 0.7 * v + 0.5 * normal.next()
                let lnUsage = usageLevel + rollout[w] + u
                x.append(lnUsage)
                y.append(2 + valueLevel + season[w] + v + effect * (lnUsage - usageLevel - rollout[w]))
                team.append(t)
                week.append(w)
            }
        }
        return (x, y, team, week)
    }

    func testWithinTeamIntervalHoldsZeroInNullOrganisations() {
        var holds = 0, fits = 0
        for seed in 0..<200 {
            let org = organisation(seed: UInt64(seed) &* 7919 &+ 1, effect: 0)
            guard let fit = FixedEffectsFit(y: org.y, x: org.x, group: org.team, period: org.week) else { continue }
            fits += 1
            if fit.low <= 0 && fit.high >= 0 { holds += 1 }
        }
        XCTAssertEqual(fits, 200)
        print("calibration: the within-team 95 % interval held zero in \(holds) of \(fits) null organisations")
        let coverage = Double(holds) / Double(fits)
        XCTAssertGreaterThanOrEqual(coverage, 0.90, "the 95 % interval held zero in \(holds) of \(fits) null organisations")
        XCTAssertLessThanOrEqual(coverage, 0.99, "intervals this wide would hide real effects: \(holds) of \(fits)")
    }

    func testWithinTeamIntervalFindsAPlantedEffect() {
        var found = 0
        for seed in 0..<200 {
            let org = organisation(seed: UInt64(seed) &* 104_729 &+ 3, effect: 0.25)
            if let fit = FixedEffectsFit(y: org.y, x: org.x, group: org.team, period: org.week), fit.low > 0 { found += 1 }
        }
        print("calibration: a planted effect was found in \(found) of 200 organisations")
        XCTAssertGreaterThanOrEqual(found, 180, "a planted effect of 0.25 per ln-unit found in \(found) of 200 organisations")
    }

    /// What the report did before: a bootstrap over team-weeks as if they were independent,
    /// on pooled values. On the same null organisations its interval misses zero far too often.
    func testTheTeamWeekBootstrapIsOverconfidentOnTheSameData() {
        var holds = 0
        for seed in 0..<60 {
            let org = organisation(seed: UInt64(seed) &* 7919 &+ 1, effect: 0)
            if let estimate = bootstrapSpearman(org.x, org.y, resamples: 300, seed: 9), estimate.includesZero { holds += 1 }
        }
        print("calibration: the team-week bootstrap held zero in \(holds) of 60 null organisations")
        XCTAssertLessThan(Double(holds) / 60, 0.5, "the pooled team-week interval held zero in \(holds) of 60")
    }
}

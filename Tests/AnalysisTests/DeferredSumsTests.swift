import XCTest
@testable import Analysis

/// The deferred sums of the usage aggregate's cells hold what a dictionary of sums holds,
/// whatever the order, the repeats and the growth of the table.
final class DeferredSumsTests: XCTestCase {
    func testSumsAreADictionarysSums() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            var sums = DeferredSums<PairKey, Int64>()
            var reference: [PairKey: Int64] = [:]
            // Few keys (every add joins or finds one), many (the table grows several times),
            // and runs of one key (adds that join the previous one).
            let keys = [3, 50, 5_000][round % 3]
            var key = PairKey(0, 0)
            for _ in 0..<Int.random(in: 0...20_000, using: &generator) {
                if Int.random(in: 0..<4, using: &generator) > 0 {
                    key = PairKey(Int32.random(in: 0..<40, using: &generator), Int32.random(in: 0..<Int32(keys), using: &generator))
                }
                let value = Int64.random(in: 0...1_000, using: &generator)
                sums.add(key, value)
                reference[key, default: 0] += value
            }
            XCTAssertEqual(sums.isEmpty, reference.isEmpty, "round \(round)")
            var seen: [PairKey: Int64] = [:]
            sums.forEach { key, value in
                XCTAssertNil(seen[key], "round \(round): \(key) twice")
                seen[key] = value
            }
            XCTAssertEqual(seen, reference, "round \(round)")
            XCTAssertEqual(sums.count, reference.count, "round \(round)")
            // Asked again, the same: what waited is made once.
            var again: [PairKey: Int64] = [:]
            sums.forEach { key, value in again[key] = value }
            XCTAssertEqual(again, reference, "round \(round)")
        }
    }

    /// Keys that share their low bits (a team's every week, a week's every team) still find
    /// their own sums, and a zero is a sum (a row of no tokens makes its day one with data).
    func testCloseKeysAndZeroSums() {
        var sums = DeferredSums<TeamToolWeek, Totals>()
        var reference: [TeamToolWeek: Int64] = [:]
        for team in Int32(0)..<30 {
            for week in stride(from: Int32(20_454), to: 20_454 + 7 * 60, by: 7) {
                let key = TeamToolWeek(team: team, tool: team % 3, week: week)
                var totals = Totals()
                totals.requests = Int64(team) * Int64(week % 11)
                sums.add(key, totals)
                sums.add(key, totals)
                reference[key, default: 0] += 2 * totals.requests
            }
        }
        var seen: [TeamToolWeek: Int64] = [:]
        sums.forEach { key, totals in seen[key] = totals.requests }
        XCTAssertEqual(seen, reference)
        XCTAssertTrue(seen.values.contains(0))
    }
}

import XCTest
@testable import Analysis

/// The weeks of an adoption trace kept as bits: the same members as a `Set` whatever the order
/// of the inserts, over spans shorter and longer than the 64-week window.
final class WeekSetTests: XCTestCase {
    func testSameMembersAsASetInAnyOrder() {
        var generator = SystemRandomNumberGenerator()
        let monday: Int32 = 20_458  // 2026-01-05
        for span in [1, 5, 38, 63, 64, 65, 70, 130, 400] {
            for _ in 0..<40 {
                let count = Int.random(in: 1...(span * 2), using: &generator)
                let mondays = (0..<count).map { _ in monday + Int32(Int.random(in: 0..<span, using: &generator) * 7) }
                var weeks = WeekSet()
                var reference = Set<Int32>()
                for week in mondays { weeks.insert(week); reference.insert(week) }
                XCTAssertEqual(weeks.count, reference.count, "span \(span): \(mondays)")
                XCTAssertEqual(weeks.sorted(), reference.sorted(), "span \(span): \(mondays)")
                for week in 0..<(span + 2) {
                    let probe = monday + Int32((week - 1) * 7)
                    XCTAssertEqual(weeks.contains(probe), reference.contains(probe), "span \(span), week \(probe): \(mondays)")
                }
                // A union is the union of the members, in either order of the operands.
                let others = (0..<count).map { _ in monday + Int32(Int.random(in: -span..<span, using: &generator) * 7) }
                var other = WeekSet()
                for week in others { other.insert(week) }
                var union = weeks
                union.formUnion(other)
                var reverse = other
                reverse.formUnion(weeks)
                let expected = reference.union(others).sorted()
                XCTAssertEqual(union.sorted(), expected)
                XCTAssertEqual(reverse.sorted(), expected)
                XCTAssertEqual(union.count, expected.count)
            }
        }
    }

    func testWeeksBeforeTheWindowMoveItBackOnlyWhileAllFit() {
        var weeks = WeekSet()
        let monday: Int32 = 20_458
        weeks.insert(monday)
        weeks.insert(monday + 63 * 7)    // the window's last week
        weeks.insert(monday - 7)         // no longer fits: kept beside the window
        weeks.insert(monday + 64 * 7)    // past the window
        XCTAssertEqual(weeks.sorted(), [monday - 7, monday, monday + 63 * 7, monday + 64 * 7])
        XCTAssertEqual(weeks.count, 4)
        weeks.insert(monday - 7)
        weeks.insert(monday + 63 * 7)
        XCTAssertEqual(weeks.count, 4, "a week seen again is not counted twice, inside or outside the window")
    }
}

/// The aggregate's two-id keys: they give back their ids, order as their packed value, and spread
/// the regular keys of real tables (teams × weeks) over a table's buckets as a random hash would.
final class PairKeyTests: XCTestCase {
    func testIdsComeBackWhole() {
        for (a, b) in [(Int32.min, Int32.max), (-1, 0), (0, -1), (39, 20_458), (Int32.max, Int32.min)] {
            XCTAssertTrue(PairKey(a, b).parts == (a, b), "\(a), \(b)")
        }
        XCTAssertLessThan(PairKey(1, 5), PairKey(2, 0))
        XCTAssertLessThan(PairKey(1, 5), PairKey(1, 6))
    }

    func testRegularKeysSpreadOverTheBuckets() {
        // 40 teams × 53 Mondays: the low ten bits of the packed key alone would take 53 values.
        let keys = (0..<Int32(40)).flatMap { team in (0..<Int32(53)).map { PairKey(team, 20_458 + $0 * 7) } }
        for seed in [0, 1, 0x5EED, -7] {
            let buckets = Set(keys.map { $0._rawHashValue(seed: seed) & 1023 })
            // A random hash fills about 1024 · (1 − e^(−2120/1024)) ≈ 895 of them.
            XCTAssertGreaterThan(buckets.count, 820, "seed \(seed)")
        }
        XCTAssertNotEqual(keys[0]._rawHashValue(seed: 1), keys[0]._rawHashValue(seed: 2), "the table's seed is mixed in")
        let traces = (0..<Int32(2000)).map { AdoptionKey(user: $0, team: $0 % 40, tool: $0 % 5) }
        XCTAssertGreaterThan(Set(traces.map { $0._rawHashValue(seed: 3) & 1023 }).count, 800)
    }
}

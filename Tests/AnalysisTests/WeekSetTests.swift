import XCTest
import Dataset
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

/// The reader's name keys (`NameKeys`) are a shortcut only: an entry number means a name within
/// its reader's cache, and the same number in another cache is another name. Rows keyed by
/// numbers that two caches give different names make the aggregate that the same rows without
/// keys make.
final class NameKeyTests: XCTestCase {
    func testTheSameEntryNumberInAnotherCacheIsAnotherName() {
        func row(_ user: String, _ team: String, _ tool: String, day: Int32, keys: (Int, Int32, Int32, Int32)?) -> UsageRecord {
            var record = UsageRecord(day: Day(index: 20_458 + day), user: user, team: team, tool: tool)
            record.requests = 1
            record.inputTokens = Int64(day + 1) * 10
            if let keys {
                record.nameKeys.scope = keys.0
                record.nameKeys.user = keys.1
                record.nameKeys.team = keys.2
                record.nameKeys.tool = keys.3
            }
            return record
        }
        // Scope 7 numbers alice 0, payments 1, copilot 2; scope 8 numbers bob 0, search 1,
        // cursor 2, and alice 5; scope 9 numbers carol 0, payments 1, copilot 2.
        let keyed: [(String, String, String, (Int, Int32, Int32, Int32))] = [
            ("alice", "payments", "copilot", (7, 0, 1, 2)), ("alice", "payments", "copilot", (7, 0, 1, 2)),
            ("bob", "search", "cursor", (8, 0, 1, 2)), ("alice", "search", "cursor", (8, 5, 1, 2)),
            ("bob", "search", "cursor", (8, 0, 1, 2)), ("carol", "payments", "copilot", (9, 0, 1, 2)),
        ]
        var withKeys = UsageAggregate(config: ReportConfig(), tools: [])
        var without = UsageAggregate(config: ReportConfig(), tools: [])
        for (day, (user, team, tool, keys)) in keyed.enumerated() {
            withKeys.add(row(user, team, tool, day: Int32(day), keys: keys))
            without.add(row(user, team, tool, day: Int32(day), keys: nil))
        }
        XCTAssertEqual(withKeys.users.names, ["alice", "bob", "carol"])
        XCTAssertEqual(withKeys.teams.names, ["payments", "search"])
        XCTAssertEqual(withKeys.tools.names, ["copilot", "cursor"])
        func table(_ aggregate: UsageAggregate) -> [String: Int64] {
            var table: [String: Int64] = [:]
            for (key, tokens) in aggregate.settled().userTeamTokens {
                let (user, team) = key.parts
                table[aggregate.users[user] + "|" + aggregate.teams[team]] = tokens
            }
            return table
        }
        XCTAssertEqual(table(withKeys), table(without))
        XCTAssertEqual(table(withKeys), ["alice|payments": 30, "bob|search": 30 + 50, "alice|search": 40, "carol|payments": 60])
    }
}

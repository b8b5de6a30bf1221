import XCTest
import Dataset
@testable import Analysis

/// The traces kept by person hold what a dictionary of (person, team, tool) keys holds, in
/// order of person, team and tool, whatever order they were set, merged or added in.
final class AdoptionTracesTests: XCTestCase {
    private func trace(_ days: [Int32]) -> AdoptionTrace {
        var trace = AdoptionTrace()
        for day in days { trace.record(Day(index: day), share: Share(tokens: Int64(day), requests: 1, costMicros: 0)) }
        return trace
    }

    private func summary(_ trace: AdoptionTrace) -> [Int32] {
        [trace.first.index, trace.second.index] + trace.weeks.sorted() + trace.weekly.items.map(\.monday)
    }

    func testSetGetRemoveAndOrderAreADictionarys() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<30 {
            var traces = AdoptionTraces()
            var reference: [AdoptionKey: AdoptionTrace] = [:]
            for _ in 0..<Int.random(in: 0...400, using: &generator) {
                let key = AdoptionKey(user: .random(in: 0..<30, using: &generator), team: .random(in: 0..<4, using: &generator),
                                      tool: .random(in: 0..<4, using: &generator))
                if Int.random(in: 0..<6, using: &generator) == 0 {
                    traces[key] = nil
                    reference[key] = nil
                } else {
                    let days = (0..<Int.random(in: 1...3, using: &generator)).map { _ in Int32.random(in: 20_000...20_100, using: &generator) }
                    traces[key] = trace(days)
                    reference[key] = trace(days)
                }
            }
            XCTAssertEqual(traces.count, reference.count)
            XCTAssertEqual(traces.isEmpty, reference.isEmpty)
            let keys = reference.keys.sorted { ($0.user, $0.team, $0.tool) < ($1.user, $1.team, $1.tool) }
            XCTAssertEqual(traces.keys, keys)
            XCTAssertEqual(traces.map { summary($0.value) }, keys.map { summary(reference[$0]!) })
            for key in keys { XCTAssertEqual(traces[key].map(summary), summary(reference[key]!)) }
            XCTAssertNil(traces[AdoptionKey(user: 99, team: 0, tool: 0)])
        }
    }

    /// A merge maps the other table's ids and merges the traces both hold (people in both
    /// tables, as when one part's person came to another), and moves the rest over whole.
    func testMergeMapsIdsAndMergesSharedTraces() {
        var mine = AdoptionTraces(), other = AdoptionTraces()
        mine[AdoptionKey(user: 0, team: 0, tool: 0)] = trace([20_000])
        mine[AdoptionKey(user: 1, team: 1, tool: 0)] = trace([20_010])
        other[AdoptionKey(user: 0, team: 0, tool: 0)] = trace([20_003, 20_020])  // → person 1, team 1, tool 0: shared
        other[AdoptionKey(user: 0, team: 1, tool: 1)] = trace([20_040])  // → person 1, team 0, tool 0: new to them
        other[AdoptionKey(user: 2, team: 0, tool: 1)] = trace([20_050])  // → person 5, team 1, tool 0: a new person
        mine.merge(other, personMap: [1, 7, 5], teamMap: [1, 0], toolMap: [0, 0])
        XCTAssertEqual(mine.count, 4)
        XCTAssertEqual(mine.keys, [AdoptionKey(user: 0, team: 0, tool: 0), AdoptionKey(user: 1, team: 0, tool: 0),
                                   AdoptionKey(user: 1, team: 1, tool: 0), AdoptionKey(user: 5, team: 1, tool: 0)])
        let shared = mine[AdoptionKey(user: 1, team: 1, tool: 0)]!
        XCTAssertEqual([shared.first.index, shared.second.index], [20_003, 20_010])
        XCTAssertEqual(shared.weekly.items.reduce(0) { $0 + $1.share.tokens }, 20_003 + 20_010 + 20_020)
        XCTAssertEqual(mine[AdoptionKey(user: 1, team: 0, tool: 0)]?.first.index, 20_040)
        XCTAssertEqual(mine[AdoptionKey(user: 5, team: 1, tool: 0)]?.first.index, 20_050)
    }

    func testUpdateEachChangesEveryTraceInPlaceInOrder() {
        var traces = AdoptionTraces()
        for (user, team, tool) in [(3, 1, 0), (0, 2, 1), (3, 0, 4), (0, 2, 0)] as [(Int32, Int32, Int32)] {
            traces[AdoptionKey(user: user, team: team, tool: tool)] = trace([20_000 + user])
        }
        var seen: [AdoptionKey] = []
        traces.updateEach { key, trace in
            seen.append(key)
            trace.weekly = WeeklyShares()
        }
        XCTAssertEqual(seen, traces.keys)
        XCTAssertEqual(seen.map(\.user), [0, 0, 3, 3])
        XCTAssertEqual(seen.map(\.tool), [0, 1, 4, 0])
        XCTAssertTrue(traces.allSatisfy { $0.value.weekly.items.isEmpty && $0.value.first.index >= 20_000 })
    }

    /// The prefetch hints' addresses of arrays held in arrays are where Swift says the elements
    /// are, for elements of any size and arrays of any length (the empty one too).
    func testArrayAddressIsWhereTheElementsAre() {
        let nested: [[Int64]] = [[], [1], [1, 2, 3], Array(repeating: 7, count: 1_000)]
        let entries: [[AdoptionTraces.Entry]] = [[AdoptionTraces.Entry(team: 1, tool: 2, trace: AdoptionTrace())]]
        nested.withUnsafeBufferPointer { outer in
            for index in outer.indices {
                let expected = outer[index].withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                let found = ArrayAddress.elements(at: UnsafeRawPointer(outer.baseAddress! + index))
                if let expected { XCTAssertEqual(found, expected) } else { XCTAssertTrue(outer[index].isEmpty) }
            }
        }
        entries.withUnsafeBufferPointer { outer in
            XCTAssertEqual(ArrayAddress.elements(at: UnsafeRawPointer(outer.baseAddress!)),
                           outer[0].withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) })
        }
    }

    /// A trace's weekly shares are its weeks in order with each week's sum, whatever order the
    /// days come in: weeks close together (placed by the set's window), far apart (outside
    /// it), and before the first.
    func testWeeklySharesAreEachWeeksSumInOrder() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<60 {
            let span = [20, 400, 3_000][round % 3]
            var trace = AdoptionTrace()
            var reference: [Int32: Int64] = [:]
            for _ in 0..<Int.random(in: 1...300, using: &generator) {
                let day = Day(index: 20_000 + Int32.random(in: 0..<Int32(span), using: &generator))
                let tokens = Int64.random(in: 1...1_000, using: &generator)
                trace.record(day, share: Share(tokens: tokens, requests: 1, costMicros: 0))
                reference[day.week.monday.index, default: 0] += tokens
            }
            XCTAssertEqual(trace.weekly.items.map(\.monday), reference.keys.sorted(), "round \(round)")
            XCTAssertEqual(trace.weekly.items.map(\.share.tokens), reference.keys.sorted().map { reference[$0]! }, "round \(round)")
            XCTAssertEqual(trace.weeks.sorted(), reference.keys.sorted())
        }
    }

    /// One person in thousands of teams and several tools, rows in random order over several
    /// batches (each with new traces, and repeats of them): the aggregate holds one trace per
    /// team and tool, each with the right days, in order.
    func testAPersonWithThousandsOfTracesIsHeldWhole() {
        var generator = SystemRandomNumberGenerator()
        var rows: [UsageRecord] = []
        var reference: [String: Set<Int32>] = [:]
        for team in 0..<3_000 {
            for tool in 0..<3 {
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let day = Day(index: 20_454 + Int32.random(in: 0..<60, using: &generator))
                    var record = UsageRecord(day: day, user: "service", team: "team \(team)", tool: "tool \(tool)")
                    record.requests = 1
                    rows.append(record)
                    reference["team \(team)|tool \(tool)", default: []].insert(day.index)
                }
            }
        }
        // Another person's rows among them, so that the first batches hold few of the service's.
        var filler = UsageRecord(day: Day(index: 20_454), user: "filler", team: "team 0", tool: "tool 0")
        filler.requests = 1
        var aggregate = UsageAggregate(config: ReportConfig(), tools: [])
        for row in (rows + Array(repeating: filler, count: 120_000)).shuffled(using: &generator) { aggregate.add(row) }
        aggregate.settle()
        XCTAssertGreaterThan(aggregate.largestBatch, 0)
        XCTAssertLessThan(aggregate.largestBatch, rows.count + 120_000, "one batch only")
        XCTAssertEqual(aggregate.adoption.count, 9_001)
        var held: [String: [Int32]] = [:]
        var keys: [AdoptionKey] = []
        for (key, trace) in aggregate.adoption where aggregate.users[key.user] == "service" {
            keys.append(key)
            held["\(aggregate.teams[key.team])|\(aggregate.tools[key.tool])"] = [trace.first.index, trace.second.index]
        }
        XCTAssertEqual(held, reference.mapValues { days in
            let sorted = days.sorted()
            return [sorted[0], sorted.count > 1 ? sorted[1] : Day(index: .max).index]
        })
        XCTAssertEqual(keys, keys.sorted { ($0.user, $0.team, $0.tool) < ($1.user, $1.team, $1.tool) })
    }

    /// Merging traces into a person's: the new ones (in any order, one repeated) join in order,
    /// those of a team and tool in both or repeated are merged, and the count of new teams and
    /// tools is returned.
    func testMergeOfSortedTracesJoinsAndMerges() {
        func entries(_ keys: [(Int32, Int32, Int32)]) -> [AdoptionTraces.Entry] {
            keys.map { AdoptionTraces.Entry(team: $0.0, tool: $0.1, trace: trace([20_000 + $0.2])) }
        }
        var mine = entries([(0, 1, 5), (2, 0, 1), (2, 3, 9)])
        let added = AdoptionTraces.merge(entries([(3, 1, 4), (2, 0, 0), (0, 0, 2), (3, 1, 7)]), into: &mine)
        XCTAssertEqual(added, 2)
        XCTAssertEqual(mine.map { [$0.team, $0.tool] }, [[0, 0], [0, 1], [2, 0], [2, 3], [3, 1]])
        XCTAssertEqual(mine.map { [$0.trace.first.index, $0.trace.second.index] },
                       [[20_002, .max], [20_005, .max], [20_000, 20_001], [20_009, .max], [20_004, 20_007]])
    }
}

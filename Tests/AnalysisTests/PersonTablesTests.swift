import XCTest
import Dispatch
import Dataset
@testable import Analysis

/// The aggregate's per-person tables — each person's days as runs, each cell's people as an
/// array or a table — hold exactly what a dictionary would, in any order of the rows, and stay
/// within their memory bound on data shaped to defeat them.
final class PersonTablesTests: XCTestCase {
    /// Day patterns: random within a span, ascending, descending, clusters far apart, and days
    /// near the ends of the 32-bit range.
    func dayPatterns(_ generator: inout some RandomNumberGenerator) -> [(String, [Int32])] {
        let base: Int32 = 20_454
        let span = Int32.random(in: 1...400, using: &generator)
        let count = Int.random(in: 1...600, using: &generator)
        let random = (0..<count).map { _ in base + Int32.random(in: 0..<span, using: &generator) }
        let clusters = (0..<count).map { _ in
            [Int32(0), 1_000, 50_000, -3_000_000, 2_900_000].randomElement(using: &generator)! + base + Int32.random(in: 0..<8, using: &generator)
        }
        let edges = (0..<count).map { _ in
            Bool.random(using: &generator) ? Int32.max - Int32.random(in: 0..<30, using: &generator) : Int32.min + Int32.random(in: 0..<30, using: &generator)
        }
        return [("random", random), ("ascending", random.sorted()), ("descending", random.sorted(by: >)),
                ("clusters", clusters), ("edges", edges), ("sparse", (0..<count).map { base + Int32($0) * 97 })]
    }

    func testPersonDaysHoldWhatADictionaryHolds() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<30 {
            var days = PersonDays()
            var reference: [PairKey: (Int64, Int64)] = [:]
            var other = PersonDays()
            var otherReference: [PairKey: (Int64, Int64)] = [:]
            for person in Int32(0)..<6 {
                for (name, pattern) in dayPatterns(&generator) where Int.random(in: 0..<3, using: &generator) > 0 {
                    let who = person * 6 + Int32(["random", "ascending", "descending", "clusters", "edges", "sparse"].firstIndex(of: name)!)
                    for day in pattern {
                        let tokens = Int64.random(in: 0...1_000, using: &generator), requests = Int64.random(in: 0...5, using: &generator)
                        // Half the rounds split a person's days evenly; the others give
                        // the second table most of them (the merge then takes its run and
                        // adds the first's few days into it).
                        if Double.random(in: 0..<1, using: &generator) < (round % 2 == 0 ? 0.5 : 0.1) {
                            days.add(person: who, day: day, tokens: tokens, requests: requests)
                            reference[PairKey(who, day), default: (0, 0)].0 += tokens
                            reference[PairKey(who, day), default: (0, 0)].1 += requests
                        } else {
                            other.add(person: who, day: day, tokens: tokens, requests: requests)
                            otherReference[PairKey(who, day), default: (0, 0)].0 += tokens
                            otherReference[PairKey(who, day), default: (0, 0)].1 += requests
                        }
                    }
                }
            }
            check(days, reference, "round \(round)")
            check(other, otherReference, "round \(round), other")
            // Merged under a mapping of ids (as a second worker's are), the sums of both.
            let people = Int32(36)
            let map = (0..<people).map { people - 1 - $0 }
            var merged = days
            merged.merge(other, personMap: map)
            var mergedReference = reference
            for (key, value) in otherReference {
                let (person, day) = key.parts
                mergedReference[PairKey(map[Int(person)], day), default: (0, 0)].0 += value.0
                mergedReference[PairKey(map[Int(person)], day), default: (0, 0)].1 += value.1
            }
            check(merged, mergedReference, "round \(round), merged")
        }
    }

    private func check(_ days: PersonDays, _ reference: [PairKey: (Int64, Int64)], _ label: String) {
        XCTAssertEqual(days.count, reference.count, label)
        var seen: [PairKey: (Int64, Int64)] = [:]
        var lastPerson: Int32 = -1
        days.forEach { person, day, totals in
            XCTAssertGreaterThanOrEqual(person, lastPerson, "\(label): person by person")
            lastPerson = person
            XCTAssertNil(seen[PairKey(person, day)], "\(label): \(person)/\(day) twice")
            seen[PairKey(person, day)] = (totals.tokens, totals.requests)
        }
        XCTAssertEqual(seen.count, reference.count, label)
        for (key, value) in reference {
            let (person, day) = key.parts
            XCTAssertEqual(seen[key]?.0, value.0, "\(label): \(person)/\(day)")
            XCTAssertEqual(seen[key]?.1, value.1, "\(label): \(person)/\(day)")
            XCTAssertEqual(days[person, day]?.tokens, value.0, "\(label): \(person)/\(day)")
        }
        for (key, _) in reference.prefix(50) {
            let (person, day) = key.parts
            for probe in [day &- 1, day &+ 1, day &+ 500] where reference[PairKey(person, probe)] == nil {
                XCTAssertNil(days[person, probe], "\(label): \(person)/\(probe) was never added")
            }
        }
        // At most five slots a person-day (four in a run, one apart), and a few a person,
        // however the days are spread.
        let people = Set(reference.keys.map(\.parts.0)).count
        XCTAssertLessThanOrEqual(days.slots, 5 * days.count + 24 * people, label)
        // Each day kept apart is listed by its person's run, and none is also in the run.
        XCTAssertTrue(days.apartIsConsistent, label)
    }

    /// Days in order, spaced at every gap a run can hold, for one person: a run grows an
    /// eighth at a time (about eight copies of each slot) and is at least a quarter full, so
    /// each day costs a bounded number of copies, never one copy of the run per row.
    func testRunsGrowInConstantTimePerDay() {
        for gap in [1, 2, 3, 4, 5] {
            for descending in [false, true] {
                var days = PersonDays()
                let count = 20_000
                for step in 0..<count {
                    let day = Int32(20_000 + (descending ? count - step : step) * gap)
                    days.add(person: 0, day: day, tokens: 1, requests: 1)
                }
                XCTAssertEqual(days.count, count)
                XCTAssertLessThanOrEqual(days.copied, 40 * count, "gap \(gap), descending \(descending)")
                XCTAssertLessThanOrEqual(days.slots, 5 * count + 24, "gap \(gap), descending \(descending)")
            }
        }
    }

    func testPersonSharesHoldWhatADictionaryHolds() {
        var generator = SystemRandomNumberGenerator()
        // Ids: ascending (appends), one far beyond a block and the block filled towards it
        // (inserts before the last), and ids at random.
        let patterns: [[Int32]] = [
            (0..<200).map { $0 },
            (0..<100).map { $0 } + [1_000_000] + (100..<700).map { $0 },
            (0..<300).map { _ in Int32.random(in: 0..<400, using: &generator) },
            (0..<300).map { _ in Int32.random(in: 0..<Int32.max, using: &generator) },
            (0..<40).map { $0 * 3 } + [5_000] + (0..<4_000).map { Int32($0) } + [900_000],
        ]
        for (index, ids) in patterns.enumerated() {
            var shares = PersonShares()
            var reference: [Int32: [Int64]] = [:]
            for id in ids + ids.shuffled(using: &generator).prefix(ids.count / 2) {
                let share = Share(tokens: Int64.random(in: 0...100, using: &generator), requests: Int64.random(in: 0...3, using: &generator),
                                  costMicros: Int64.random(in: 0...10, using: &generator))
                shares.add(id, share)
                let old = reference[id] ?? [0, 0, 0]
                reference[id] = [old[0] + share.tokens, old[1] + share.requests, old[2] + share.costMicros]
            }
            XCTAssertEqual(shares.count, reference.count, "pattern \(index)")
            var seen: [Int32: [Int64]] = [:]
            for (person, share) in shares {
                XCTAssertNil(seen[person], "pattern \(index): \(person) twice")
                seen[person] = [share.tokens, share.requests, share.costMicros]
            }
            XCTAssertEqual(seen, reference, "pattern \(index)")
            for id in ids.prefix(100) { XCTAssertEqual(shares[id].map { [$0.tokens, $0.requests, $0.costMicros] }, reference[id]) }
            XCTAssertNil(shares[-1])
            XCTAssertNil(shares[Int32.max])
        }
    }

    /// A person's weekly shares, added in any order and merged with another's, hold each week's
    /// sum once, in ascending order of week.
    func testWeeklySharesHoldEachWeekOnceInOrder() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            var parts = [WeeklyShares(), WeeklyShares()]
            var reference: [Int32: [Int64]] = [:]
            let mondays = (0..<Int.random(in: 1...80, using: &generator)).map { _ in 20_454 + 7 * Int32.random(in: -60..<60, using: &generator) }
            for monday in mondays + mondays.shuffled(using: &generator) {
                let share = Share(tokens: Int64.random(in: 0...100, using: &generator), requests: 1, costMicros: Int64.random(in: 0...9, using: &generator))
                parts[Int.random(in: 0...1, using: &generator)].add(monday, share)
                let old = reference[monday] ?? [0, 0, 0]
                reference[monday] = [old[0] + share.tokens, old[1] + share.requests, old[2] + share.costMicros]
            }
            var merged = parts[0]
            merged.merge(parts[1])
            XCTAssertEqual(merged.items.map(\.monday), reference.keys.sorted(), "round \(round)")
            XCTAssertEqual(merged.items.map { [$0.share.tokens, $0.share.requests, $0.share.costMicros] },
                           reference.keys.sorted().map { reference[$0]! }, "round \(round)")
        }
    }

    /// Random usage rows for the merge tests: 120 people in 9 teams over three tools, mostly
    /// within a year, some years away (weeks beyond a trace's 64-week window).
    private func mergeRows(_ count: Int, _ generator: inout some RandomNumberGenerator) -> [UsageRecord] {
        (0..<count).map { _ in
            let person = Int.random(in: 0..<120, using: &generator)
            let day = Bool.random(using: &generator) || person % 7 != 0
                ? Int32.random(in: 0..<300, using: &generator) : Int32.random(in: -2_000..<2_000, using: &generator)
            var record = UsageRecord(day: Day(index: 20_454 + day), user: "u\(person)", team: "T\(person % 9)",
                                     tool: ["cursor", "copilot", "claude-code"].randomElement(using: &generator)!)
            record.requests = Int64.random(in: 0...9, using: &generator)
            record.inputTokens = Int64.random(in: 0...5_000, using: &generator)
            return record
        }
    }

    /// What an aggregate holds, by name: every person-day, every cell's people, and every
    /// adoption trace (first two days and weeks).
    private func byName(_ aggregate: UsageAggregate) -> [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        aggregate.userDays.forEach { person, day, totals in
            result["\(aggregate.users[person])/\(day)"] = [totals.tokens, totals.requests]
        }
        for (key, cell) in aggregate.teamWeeks {
            let (team, week) = key.parts
            for (person, share) in cell.shares {
                result["team \(aggregate.teams[team]) \(week) \(aggregate.users[person])"] = [share.tokens, share.requests, share.costMicros]
            }
            result["team \(aggregate.teams[team]) \(week)"] = [cell.totals.tokens, cell.totals.requests]
        }
        for (key, cell) in aggregate.toolWeeks {
            let (tool, week) = key.parts
            result["tool \(aggregate.tools[tool]) \(week) \(cell.shares.count)"] = [cell.totals.tokens]
        }
        for (key, trace) in aggregate.adoption {
            let name = "trace \(aggregate.users[key.user]) \(aggregate.teams[key.team]) \(aggregate.tools[key.tool])"
            result[name] = [Int64(trace.first.index), Int64(trace.second.index)] + trace.weeks.sorted().map(Int64.init)
        }
        return result
    }

    /// Rows split among workers at random and merged give the aggregate of all of them at
    /// once: every person-day, every cell's people and every adoption trace (first two days and
    /// weeks, whose windows moved differently in each part).
    func testPartsMergedHoldWhatOneAggregateHolds() {
        var generator = SystemRandomNumberGenerator()
        let config = ReportConfig()
        for round in 0..<5 {
            let rows = mergeRows(3_000, &generator)
            var whole = UsageAggregate(config: config, tools: [])
            for row in rows { whole.add(row) }
            whole.settle()
            var parts = (0..<3).map { _ in UsageAggregate(config: config, tools: []) }
            for row in rows.shuffled(using: &generator) { parts[Int.random(in: 0..<3, using: &generator)].add(row) }
            guard let merged = UsageAggregate.merging(&parts) else { return XCTFail("no parts") }
            let expected = byName(whole)
            XCTAssertGreaterThan(expected.count, 1_000)
            XCTAssertEqual(byName(merged), expected, "round \(round)")
        }
    }

    /// The parts of one pass (`UsageAggregate.parts`), each adding rows on a thread of its own
    /// and posting the person parts of the people another part owns to that part, merged with
    /// a part outside the pass (the vendor exports' has ids of its own), give the aggregate of
    /// all the rows at once; and each part of the pass holds only its own people's days, so
    /// the merge moved runs whole.
    func testPartsThatShareOutThePeopleMergeToTheWhole() {
        var generator = SystemRandomNumberGenerator()
        let config = ReportConfig()
        final class Box: @unchecked Sendable {
            var parts: [UsageAggregate]
            let rows: [[UsageRecord]]
            init(_ parts: [UsageAggregate], _ rows: [[UsageRecord]]) { (self.parts, self.rows) = (parts, rows) }
        }
        for round in 0..<6 {
            let rows = mergeRows(6_000, &generator)
            var whole = UsageAggregate(config: config, tools: [])
            for row in rows { whole.add(row) }
            whole.settle()
            let count = [2, 3, 4][round % 3]
            var parts = UsageAggregate.parts(count, config: config, tools: [])
            for index in parts.indices { parts[index].mailLimit = [1, 7, 64, 8_192][round % 4] }
            var slices = Array(repeating: [UsageRecord](), count: count + 1)
            for row in rows.shuffled(using: &generator) { slices[Int.random(in: 0...count, using: &generator)].append(row) }
            let box = Box(parts, slices)
            parts = []
            // Distinct slots of one array, each written by one thread only.
            box.parts.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let buffer = buffer
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    for row in box.rows[index] { buffer[index].add(row) }
                }
            }
            var vendor = UsageAggregate(config: config, tools: [])
            for row in slices[count] { vendor.add(row) }
            var all = [vendor] + box.parts
            box.parts = []
            guard let merged = UsageAggregate.merging(&all) else { return XCTFail("no parts") }
            XCTAssertEqual(byName(merged), byName(whole), "round \(round): \(count) parts")
            XCTAssertEqual(merged.userDays.count, whole.userDays.count)
            XCTAssertTrue(merged.userDays.apartIsConsistent)
        }
    }

    /// Once a part has finished reading, the others keep its people's rows rather than post
    /// them (nobody would add them before the merge): nothing waits in its inbox, and the
    /// merge still gives the whole.
    func testRowsOfAPartThatFinishedReadingAreKeptBySenders() {
        var generator = SystemRandomNumberGenerator()
        let config = ReportConfig()
        // Three batches: part 0's own rows, and those it kept, reach its tables.
        let rows = mergeRows(3 * UsageAggregate.pendingLimit, &generator)
        var whole = UsageAggregate(config: config, tools: [])
        for row in rows { whole.add(row) }
        whole.settle()
        var parts = UsageAggregate.parts(2, config: config, tools: [])
        parts[0].mailLimit = 10
        for row in rows.prefix(1_000) { parts[0].add(row) }
        parts[1].finishReading()
        for row in rows.dropFirst(1_000) { parts[0].add(row) }
        XCTAssertEqual(parts[0].exchange?.waiting(for: 1), 0, "rows posted to a part that had finished")
        var kept = Set<Int32>()
        parts[0].userDays.forEach { person, _, _ in if person % 2 == 1 { kept.insert(person) } }
        XCTAssertFalse(kept.isEmpty, "part 0 kept none of part 1's people")
        guard let merged = UsageAggregate.merging(&parts) else { return XCTFail("no parts") }
        XCTAssertEqual(byName(merged), byName(whole))
    }

    /// A part whose inbox holds more than the backlog limit, while it still reads, has the parts
    /// posting to it wait (adding their own rows meanwhile) rather than pile rows up: the
    /// exchange holds at most the limit and a letter, whatever the rows; once it finishes
    /// reading, they go on, and the merge is the whole.
    func testPostingWaitsForAPartThatFallsBehind() {
        var generator = SystemRandomNumberGenerator()
        let config = ReportConfig()
        final class Box: @unchecked Sendable {
            var parts: [UsageAggregate]
            init(_ parts: [UsageAggregate]) { self.parts = parts }
        }
        let rows = mergeRows(40_000, &generator)
        let box = Box(UsageAggregate.parts(2, config: config, tools: []))
        box.parts[1].mailLimit = 100
        box.parts[1].backlogLimit = 2_000
        let exchange = box.parts[0].exchange!
        let done = DispatchSemaphore(value: 0)
        box.parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.global().async {
                for row in rows { buffer[1].add(row) }
                done.signal()
            }
            // Part 0 reads nothing: part 1 must stop at the limit.
            while exchange.waiting(for: 0) < 2_000 { usleep(1_000) }
            XCTAssertEqual(done.wait(timeout: .now() + 0.3), .timedOut, "part 1 read on past the limit")
            XCTAssertLessThanOrEqual(exchange.waiting(for: 0), 2_000 + 100)
            buffer[0].finishReading()
            XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        }
        var whole = UsageAggregate(config: config, tools: [])
        for row in rows { whole.add(row) }
        whole.settle()
        var parts = box.parts
        box.parts = []
        guard let merged = UsageAggregate.merging(&parts) else { return XCTFail("no parts") }
        XCTAssertEqual(byName(merged), byName(whole))
    }

    /// Each part of a pass keeps the days of only the people it owns: the others' rows wait in
    /// its outbox or were posted, and none reaches its own tables.
    func testEachPartKeepsOnlyThePeopleItOwns() {
        var generator = SystemRandomNumberGenerator()
        var parts = UsageAggregate.parts(2, config: ReportConfig(), tools: [])
        parts[0].mailLimit = 100
        // Half the rows are part 1's people: three batches make sure part 0's own reach its tables.
        for row in mergeRows(3 * UsageAggregate.pendingLimit, &generator) { parts[0].add(row) }
        var owners = Set<Int32>()
        parts[0].userDays.forEach { person, _, _ in owners.insert(person % 2) }
        XCTAssertEqual(owners, [0], "part 0 added a day of a person part 1 owns")
        XCTAssertFalse(parts[0].adoption.keys.contains { $0.user % 2 != 0 })
    }

    /// The counting sort of a batch puts rows in the order of the stable comparison sort, equal
    /// rows in the order they came: few and many people (more than the rows: the comparison
    /// sort takes them), many ties — only the person is the key — short batches, and a
    /// negative id (which the comparison sort takes too).
    func testPersonRowsSortAsTheStableComparisonSort() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            let count = [3, 255, 257, 5_000, 40_000][round % 5]
            let users = [Int32(5), 7_000, 3_000_000, Int32.max - 1][round % 4]
            let span = [Int32(1), 300, 40_000, Int32.max / 2][(round / 4) % 4]
            var rows = (0..<count).map { index in
                UsageAggregate.PersonRow(user: Int32.random(in: 0..<users, using: &generator), team: Int32.random(in: 0..<[1, 40, 5_000][round % 3], using: &generator),
                                         tool: Int32.random(in: 0..<4, using: &generator), day: Int32.random(in: -span...span, using: &generator),
                                         share: Share(tokens: Int64(index), requests: 0, costMicros: 0))
            }
            if round % 8 == 7 { rows[rows.count / 2].user = -1 }
            let expected = rows.sorted(by: UsageAggregate.PersonRow.precedes)
            UsageAggregate.PersonRow.sort(&rows)
            XCTAssertEqual(rows.map(\.share.tokens), expected.map(\.share.tokens), "round \(round): \(count) rows, ids below \(users), days ±\(span)")
        }
    }

    /// A batch holds sixteen rows for each trace the aggregate holds (at least `pendingLimit`):
    /// it grows with people and tools, and not with rows.
    func testBatchesGrowWithTracesNotRows() {
        var aggregate = UsageAggregate(config: ReportConfig(), tools: [])
        func add(_ count: Int, people: Int) {
            for index in 0..<count {
                var record = UsageRecord(day: Day(index: 20_454 + Int32(index % 7)), user: "u\(index % people)", team: "T", tool: "t")
                record.requests = 1
                aggregate.add(record)
            }
        }
        XCTAssertEqual(aggregate.batchLimit, UsageAggregate.pendingLimit)
        add(UsageAggregate.pendingLimit, people: 5_000)
        XCTAssertTrue(aggregate.pending.isEmpty, "the first batch was not added")
        XCTAssertEqual(aggregate.batchLimit, 80_000)
        add(79_999, people: 5_000)
        XCTAssertEqual(aggregate.pending.count, 79_999)
        add(1, people: 5_000)
        XCTAssertTrue(aggregate.pending.isEmpty)
        XCTAssertEqual(aggregate.batchLimit, 80_000, "more rows of the same people grew the batch")
        // Few traces: never below the smallest batch.
        var small = UsageAggregate(config: ReportConfig(), tools: [])
        for index in 0..<UsageAggregate.pendingLimit {
            var record = UsageRecord(day: Day(index: 20_454), user: "u\(index % 3)", team: "T", tool: "t")
            record.requests = 1
            small.add(record)
        }
        XCTAssertEqual(small.batchLimit, UsageAggregate.pendingLimit)
    }

    /// Letters are taken from the exchange first come first, as many as the room allows (one
    /// at least when asked), the rest left waiting; and a part with a backlog of letters adds
    /// it a batch at a time, never holding much more than a batch (a part that hashed a large
    /// file first found the other's letters of 650,000 rows waiting, and took them at once).
    func testMailIsTakenABatchAtATime() {
        let exchange = PartsExchange(owners: 2)
        let letter = (0..<100).map { UsageAggregate.PersonRow(user: Int32($0), team: 0, tool: 0, day: 0, share: Share()) }
        for _ in 0..<10 { exchange.post(letter, to: 0) }
        XCTAssertEqual(exchange.take(for: 0, rows: 250, atLeastOne: false).map(\.count), [100, 100])
        XCTAssertEqual(exchange.take(for: 0, rows: 50, atLeastOne: false).count, 0)
        XCTAssertEqual(exchange.take(for: 0, rows: 50, atLeastOne: true).map(\.count), [100])
        XCTAssertEqual(exchange.waiting(for: 0), 700)

        var generator = SystemRandomNumberGenerator()
        var parts = UsageAggregate.parts(2, config: ReportConfig(), tools: [])
        parts[1].mailLimit = 1_000
        let rows = mergeRows(6 * UsageAggregate.pendingLimit, &generator)
        // Part 1 reads first and posts its letters for part 0's people; part 0 then reads.
        for row in rows { parts[1].add(row) }
        XCTAssertGreaterThan(parts[0].exchange?.waiting(for: 0) ?? 0, 2 * UsageAggregate.pendingLimit)
        for row in rows.prefix(2 * UsageAggregate.pendingLimit) { parts[0].add(row) }
        XCTAssertGreaterThan(parts[0].largestBatch, 0)
        XCTAssertLessThanOrEqual(parts[0].largestBatch, parts[0].batchLimit + 1_000)
        var whole = UsageAggregate(config: ReportConfig(), tools: [])
        for row in rows + rows.prefix(2 * UsageAggregate.pendingLimit) { whole.add(row) }
        whole.settle()
        guard let merged = UsageAggregate.merging(&parts) else { return XCTFail("no parts") }
        XCTAssertEqual(byName(merged), byName(whole))
    }

    /// The person parts of rows wait in batches (`UsageAggregate.addPending`): rows past several
    /// batches, in random order, reach the person tables exactly as a dictionary of each
    /// person-day and of each person's tool adds them up, after the last, partial batch too.
    func testPendingPersonRowsReachThePersonTables() {
        var generator = SystemRandomNumberGenerator()
        var aggregate = UsageAggregate(config: ReportConfig(), tools: [])
        var days: [String: [Int64]] = [:]
        var traces: [String: (days: Set<Int32>, weeks: Set<Int32>)] = [:]
        let count = UsageAggregate.pendingLimit * 2 + 1_234
        for _ in 0..<count {
            let person = Int.random(in: 0..<400, using: &generator)
            // Some people's days lie years apart: those kept apart from the person's run.
            let day = 20_454 + (person % 7 == 0 && Bool.random(using: &generator)
                ? Int32.random(in: -2_000..<2_000, using: &generator) : Int32.random(in: 0..<200, using: &generator))
            let tool = ["cursor", "copilot"].randomElement(using: &generator)!
            var record = UsageRecord(day: Day(index: day), user: "u\(person)", team: "T\(person % 5)", tool: tool)
            record.requests = Int64.random(in: 1...9, using: &generator)
            record.inputTokens = Int64.random(in: 0...5_000, using: &generator)
            aggregate.add(record)
            days["u\(person)/\(day)", default: [0, 0]][0] += record.tokens
            days["u\(person)/\(day)", default: [0, 0]][1] += record.requests
            traces["u\(person) T\(person % 5) \(tool)", default: ([], [])].days.insert(day)
            traces["u\(person) T\(person % 5) \(tool)", default: ([], [])].weeks.insert(Day(index: day).week.monday.index)
        }
        XCTAssertEqual(aggregate.pending.count, count % UsageAggregate.pendingLimit)
        aggregate.settle()
        XCTAssertTrue(aggregate.pending.isEmpty)
        var held: [String: [Int64]] = [:]
        aggregate.userDays.forEach { person, day, totals in held["\(aggregate.users[person])/\(day)"] = [totals.tokens, totals.requests] }
        XCTAssertEqual(held, days)
        var heldTraces: [String: [Int32]] = [:]
        for (key, trace) in aggregate.adoption {
            heldTraces["\(aggregate.users[key.user]) \(aggregate.teams[key.team]) \(aggregate.tools[key.tool])"] = [trace.first.index, trace.second.index] + trace.weeks.sorted()
        }
        XCTAssertEqual(heldTraces, traces.mapValues { trace in
            let sorted = trace.days.sorted()
            return [sorted[0], sorted.count > 1 ? sorted[1] : Day(index: .max).index] + trace.weeks.sorted()
        })
    }
}

/// The machine-regular test of a person's daily requests (standard deviation under a tenth of
/// the mean), decided exactly from sums whatever the days' order.
final class MicrosTests: XCTestCase {
    /// Dollars become micro-dollars rounded to the nearest, halves away from zero, exactly as
    /// `rounded()` does: at halves and just under them, both signs, at the edge of exact
    /// integers and at the clamp. What is not a finite number costs nothing.
    func testMicrosRoundAsTheStandardLibraryDoes() {
        var scaled: [Double] = [0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                                4503599627370495.5, -4503599627370495.5, 9007199254740993, 1e300, -1e300, 5e-324]
        var seed: UInt64 = 7
        for _ in 0..<20_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let sixteenths = Double(seed >> 40) / 16  // halves among them
            scaled.append(seed & 1 == 0 ? sixteenths : -sixteenths)
            scaled.append(Double(bitPattern: seed >> 2 | 0x3000_0000_0000_0000) * (seed & 2 == 0 ? 1 : -1))
        }
        // As dollars (m / 10⁶), and as the scaled values themselves given as dollars.
        for dollars in scaled.map({ $0 / 1_000_000 }) + scaled {
            let expected = Int64(max(-4e18, min(4e18, (dollars * 1_000_000).rounded())))
            XCTAssertEqual(UsageAggregate.micros(dollars), expected, "\(dollars)")
        }
        XCTAssertEqual(UsageAggregate.micros(.nan), 0)
        XCTAssertEqual(UsageAggregate.micros(-.infinity), 0)
        XCTAssertEqual(UsageAggregate.micros(1e20), 4_000_000_000_000_000_000)
        XCTAssertEqual(UsageAggregate.micros(-1e20), -4_000_000_000_000_000_000)
    }
}

final class RegularityTests: XCTestCase {
    func exact(_ values: [Int64]) -> Bool? {
        isRegular(count: values.count, sum: values.reduce(Int128(0)) { $0 + Int128($1) },
                  squares: values.reduce(Int128(0)) { $0 + Int128($1) * Int128($1) })
    }

    func testBoundaryAndDegenerateCases() {
        XCTAssertEqual(exact(Array(repeating: 7, count: 12)), true, "constant")
        XCTAssertEqual(exact(Array(repeating: 0, count: 12)), false, "no requests: no mean above zero")
        // 9 and 11: mean 10, deviation exactly 1, a tenth of the mean: not under it.
        XCTAssertEqual(exact([Int64](repeating: 9, count: 5) + [Int64](repeating: 11, count: 5)), false)
        // 90 and 110 over 10 days, one 100: just under a tenth.
        XCTAssertEqual(exact([Int64](repeating: 90, count: 5) + [Int64](repeating: 110, count: 5) + [100]), true)
        XCTAssertEqual(exact([1, 1, 1, 1, 1, 1, 1, 1, 1, 50]), false)
    }

    /// Away from the boundary, the floating-point test of sorted values agrees; the exact one
    /// does not depend on the order of the days.
    func testAgreesWithFloatingPointAndIgnoresOrder() {
        var generator = SystemRandomNumberGenerator()
        var decided = (regular: 0, irregular: 0)
        for _ in 0..<2_000 {
            let base = Int64.random(in: 1...1_000_000, using: &generator)
            let jitter = Int64.random(in: 0...base / 4, using: &generator)
            let values = (0..<Int.random(in: 10...60, using: &generator)).map { _ in max(0, base + Int64.random(in: -jitter...jitter, using: &generator)) }
            var floating = values.map(Double.init)
            let mean = floating.reduce(0, +) / Double(floating.count)
            let ratio = (floating.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(floating.count)).squareRoot() / mean
            guard abs(ratio - 0.1) > 1e-9 else { continue }
            let answer = exact(values)
            XCTAssertEqual(answer, isRegular(&floating), "\(values)")
            XCTAssertEqual(exact(values.shuffled(using: &generator)), answer)
            if answer == true { decided.regular += 1 } else { decided.irregular += 1 }
        }
        XCTAssertGreaterThan(decided.regular, 100)
        XCTAssertGreaterThan(decided.irregular, 100)
    }

    /// Sums too large for exact products are left to the floating-point test.
    func testHugeCountsAreLeftToFloatingPoint() {
        let huge = Int128(Int64.max)
        XCTAssertNil(isRegular(count: 1_000_000, sum: huge * 1_000_000, squares: huge * huge))
    }
}

import XCTest
@testable import Dataset

final class ParallelReadTests: XCTestCase {
    /// `parts − 1` evenly spaced offsets of the file: cuts into about `parts` pieces.
    private func evenTargets(_ path: String, _ parts: Int) -> [Int] {
        let size = fileStatus(path)?.size ?? 0
        return parts > 1 ? (1..<parts).map { size * $0 / parts } : []
    }

    /// Whether each offset of `bytes` that follows a line end is a record boundary: the line
    /// end is outside quotes (an even number of `"` before it, as RFC 4180 quotes come in pairs).
    private func recordBoundaries(_ bytes: [UInt8]) -> Set<Int> {
        var quotes = 0, boundaries = Set<Int>()
        for (index, byte) in bytes.enumerated() {
            if byte == 0x22 { quotes += 1 } else if byte == 0x0A && quotes % 2 == 0 { boundaries.insert(index + 1) }
        }
        return boundaries
    }

    /// Reading a CSV in pieces cut at line ends gives the same rows, and the same file:line for
    /// a bad row (once each piece's lines are counted after those before it), as reading it
    /// whole, when every cut is a record boundary; a piece that ends inside a quoted field
    /// says so.
    func testPiecesCutAtLineEndsReadLikeTheWholeFileOrSaySo() throws {
        let folder = TemporaryFolder()
        let reader = UsageReader(config: ReportConfig())
        for quotedEvery in [0, 7] {
            var text = "date,user,team,tool,requests,task_category\n"
            for index in 0..<3000 {
                let category = quotedEvery > 0 && index % quotedEvery == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : "coding"
                let requests = index == 2500 ? "-1" : String(index % 9 + 1)
                text += "2026-01-\(String(format: "%02d", index % 28 + 1)),u\(index % 50),Team \(index % 4),tool,\(requests),\(category)\n"
            }
            let path = folder.write("big-\(quotedEvery).csv", text)
            let boundaries = recordBoundaries(Array(text.utf8))
            var whole: [UsageRecord] = []
            let wholeResult = try reader.read(path: path, displayPath: "big.csv") { whole.append($0) }
            for parts in [2, 5, 11] {
                let ranges = try csvLineCuts(path: path, targets: evenTargets(path, parts))
                XCTAssertEqual(ranges.count, parts)
                XCTAssertEqual(ranges.first?.start, 0)
                XCTAssertEqual(ranges.last?.end, text.utf8.count)
                XCTAssertEqual(zip(ranges, ranges.dropFirst()).filter { $0.0.end != $0.1.start }.count, 0)
                var pieces: [UsageRecord] = []
                var diagnostics: [Diagnostic] = []
                var rowsRead = 0, lines = 0, aligned = true
                for range in ranges {
                    let result = try reader.read(path: path, displayPath: "big.csv", range: range) { pieces.append($0) }
                    diagnostics += result.shiftingLines(by: lines).diagnostics
                    rowsRead += result.rowsRead
                    lines += result.lines
                    if range.end < text.utf8.count && aligned {  // pieces so far started at records
                        XCTAssertEqual(result.endedBetweenRecords, boundaries.contains(range.end), "parts \(parts), cut \(range.end)")
                        aligned = result.endedBetweenRecords
                    }
                }
                XCTAssertEqual(lines, text.utf8.filter { $0 == 0x0A }.count)
                if quotedEvery == 0 { XCTAssertTrue(aligned) }
                guard aligned else { continue }
                XCTAssertEqual(rowsRead, wholeResult.rowsRead)
                XCTAssertEqual(pieces, whole)
                XCTAssertEqual(diagnostics, wholeResult.diagnostics)
            }
            let quotedLines = quotedEvery > 0 ? 2500 / quotedEvery + 1 : 0
            XCTAssertEqual(wholeResult.diagnostics.map(\.description), ["big.csv:\(2500 + 2 + quotedLines): error: requests is negative (-1)"])
        }
    }

    /// Each cut follows the first line end at or after its target, also across the reader's
    /// 1 MiB chunks, with long quoted fields full of line ends straddling them; and the piece
    /// before each cut tells whether the cut is a record boundary.
    func testCutsAndWhetherTheyAreRecordBoundariesAcrossChunks() throws {
        let folder = TemporaryFolder()
        var seed: UInt64 = 7
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        var bytes: [UInt8] = Array("date,user,team,tool,requests,task_category\n".utf8)
        while bytes.count < 3 * FileByteSource.chunkSize + 12345 {
            var field = "coding"
            if next(5) == 0 {  // a quoted field with line ends, sometimes 300 KB long
                let length = next(20) == 0 ? 300_000 : next(40)
                let pieces = ["a", "b", "\n", "\n", "\"\"", ","]  // a doubled quote stands for one
                field = "\"" + (0..<length).map { _ in pieces[next(pieces.count)] }.joined() + "\""
            } else if next(500) == 0 {  // 40,000 quotes or line ends in a row
                field = "\"" + String(repeating: next(2) == 0 ? "\"\"" : "\n\n", count: 20_000) + "\""
            }
            bytes += Array("2026-01-01,u\(next(50)),Team,tool,1,\(field)\n".utf8)
        }
        let path = folder.write("cuts.csv", String(decoding: bytes, as: UTF8.self))
        let written = Array(FileManager.default.contents(atPath: path)!)
        let boundaries = recordBoundaries(written)
        let reader = UsageReader(config: ReportConfig())
        var misaligned = 0
        for parts in [2, 3, 4, 7, 16, 64] {
            var expected: [Int] = []
            for part in 1..<parts {
                guard let end = written[max(expected.last ?? 0, written.count * part / parts)...].firstIndex(of: 0x0A),
                      end + 1 < written.count else { break }
                expected.append(end + 1)
            }
            let ranges = try csvLineCuts(path: path, targets: evenTargets(path, parts))
            XCTAssertEqual(ranges.dropFirst().map(\.start), expected, "parts \(parts)")
            XCTAssertEqual(ranges.last?.end, written.count)
            // A piece that starts at a record tells whether it ends at one (one that does not
            // start at a record reads something else: the reader never relies on it, as the
            // piece before tells first).
            for range in ranges.dropLast() where range.start == 0 || boundaries.contains(range.start) {
                let result = try reader.read(path: path, displayPath: "cuts.csv", range: range) { _ in }
                XCTAssertEqual(result.endedBetweenRecords, boundaries.contains(range.end), "parts \(parts), cut \(range.end)")
                if !boundaries.contains(range.end) { misaligned += 1 }
            }
        }
        XCTAssertGreaterThan(misaligned, 0, "no cut fell inside a quoted field: the file does not test that")
        // Cut where the quotes are counted (the second try): at the first line end at or after
        // each target with an even number of quotes before it, byte by byte.
        for parts in [2, 3, 4, 7, 16] {
            var targets = (1..<parts).map { written.count * $0 / parts }
            var expected: [Int] = []
            var quotes = 0
            for (index, byte) in written.enumerated() where !targets.isEmpty {
                if byte == 0x22 { quotes += 1 } else if byte == 0x0A, index >= targets[0], quotes % 2 == 0 {
                    if index + 1 < written.count && index + 1 > (expected.last ?? 0) { expected.append(index + 1) }
                    targets.removeFirst()
                }
            }
            let ranges = try csvRecordCuts(path: path, targets: evenTargets(path, parts))
            XCTAssertEqual(ranges.dropFirst().map(\.start), expected, "parts \(parts)")
            XCTAssertEqual(ranges.last?.end, written.count)
            XCTAssertTrue(ranges.dropFirst().allSatisfy { boundaries.contains($0.start) })
        }
    }

    /// A file read in parallel pieces gives the same rows, counts and diagnostics (at the same
    /// lines) as one worker reading it whole: without quotes; with line ends inside quotes from
    /// its start (cut where the quotes are counted); and with them only after its first MiB
    /// (cut at line ends, some inside quotes, and read again).
    func testParallelReadOfAFileWithLineEndsInsideQuotesIsTheWholeRead() throws {
        for (quotedFrom, reads) in [(nil, 1), (0, 1), (40_000, 2)] as [(Int?, Int)] {
            let folder = TemporaryFolder()
            folder.write("report.yml", "title: T\n")
            var text = "date,user,team,tool,requests,task_category\n"
            for index in 0..<48_000 {
                // Long quoted fields of many lines make most line ends lie inside quotes.
                let quoted = quotedFrom.map { index >= $0 && index % 3 == 0 } ?? false
                let category = quoted ? "\"" + String(repeating: "a line\n", count: 40) + "\"" : "coding"
                let requests = index % 997 == 0 ? "-\(index)" : String(index)
                text += "2026-01-05,u\(index % 60),T,t,\(requests),\(category)\n"
            }
            folder.write("data/usage/usage.csv", text)
            let inputs = try ReportFolder.read(folder.path, environment: [:])
            let (one, oneRows) = try ReportFolder.readUsage(inputs, workers: 1, makePartial: { [Int64]() }, add: { $0.append($1.requests) })
            let lock = NSLock()
            var partials = 0
            let (two, twoRows) = try ReportFolder.readUsage(inputs, workers: 2, makePartial: { lock.withLock { partials += 1 }; return [Int64]() },
                                                           add: { $0.append($1.requests) }, splitAbove: 1_000)
            // The vendor files' part and one per worker and read (the rows of a first read
            // with a cut inside quotes are dropped).
            XCTAssertEqual(partials, 1 + 2 * reads, "quoted from \(quotedFrom ?? -1)")
            XCTAssertEqual(two.rowsRead, 48_000)
            XCTAssertEqual(two.rowsRead, one.rowsRead)
            XCTAssertEqual(two.rowsRejected, 48)
            XCTAssertEqual(twoRows.flatMap { $0 }.sorted(), oneRows.flatMap { $0 }.sorted())
            XCTAssertEqual(two.diagnostics, one.diagnostics)
            XCTAssertEqual(two.files.map(\.sha256), one.files.map(\.sha256))
        }
    }

    /// Quotes inside unquoted fields (`Team "3"`) are text, not the start of a quoted field:
    /// counting every quote then finds "boundaries" inside records, and the cutting that did so
    /// before any check read other rows than a whole read. The parser's own state tells, and
    /// the file is read as one worker reads it.
    func testStrayQuotesInUnquotedFieldsStillReadAsTheWholeFile() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\n")
        var text = "date,user,team,tool,requests,task_category\n"
        for index in 0..<20_000 {
            let team = index % 11 == 0 ? "Team \"\(index % 4)" : "Team \(index % 4)"  // a lone quote inside a field
            let category = index % 5 == 0 ? "\"two\nlines\"" : "coding"
            text += "2026-01-05,u\(index % 60),\(team),t,\(index),\(category)\n"
        }
        folder.write("data/usage/usage.csv", text)
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        let (one, oneRows) = try ReportFolder.readUsage(inputs, workers: 1, makePartial: { [String]() }, add: { $0.append("\($1.requests) \($1.team)") })
        let (two, twoRows) = try ReportFolder.readUsage(inputs, workers: 2, makePartial: { [String]() }, add: { $0.append("\($1.requests) \($1.team)") },
                                                       splitAbove: 1_000)
        XCTAssertEqual(one.rowsRead, 20_000)
        XCTAssertEqual(two.rowsRead, one.rowsRead)
        XCTAssertEqual(twoRows.flatMap { $0 }.sorted(), oneRows.flatMap { $0 }.sorted())
        XCTAssertEqual(two.diagnostics, one.diagnostics)
    }

    /// The threads take whole files and digests first, longest first, then the pieces in file
    /// order, so that the short pieces fill in around the long tasks and no thread waits on
    /// another's last long task; results stay at their tasks' places.
    func testLongTasksAreHandedOutFirstAndPiecesInFileOrder() {
        let tasks = [UsageTask(relative: "a.csv", range: (0, 10), size: 30), UsageTask(relative: "a.csv", range: (10, 30), size: 30),
                     UsageTask(relative: "a.csv", range: nil, size: 30, digest: true), UsageTask(relative: "b.jsonl", range: nil, size: 90),
                     UsageTask(relative: "c.csv", range: nil, size: 5)]
        let state = ParallelState<Int>(tasks: tasks, partials: [])
        var handed: [Int] = []
        while let (index, task) = state.next() {
            XCTAssertEqual(task.relative, tasks[index].relative)
            handed.append(index)
        }
        XCTAssertEqual(handed, [3, 2, 4, 0, 1])
        // Pieces shrink by a quarter of what is left (two threads), to 1 MiB at the end; the
        // last is what remains (at least 1 MiB).
        for size in [17 << 20, 58 << 20, 580 << 20, (16 << 20) + 5] {
            let targets = ReportFolder.pieceTargets(size: size, workers: 2)
            let pieces = zip([0] + targets, targets + [size]).map { $1 - $0 }
            XCTAssertEqual(pieces.reduce(0, +), size)
            XCTAssertTrue(pieces.allSatisfy { $0 >= 1 << 20 }, "\(size): \(pieces)")
            XCTAssertTrue(zip(pieces, pieces.dropFirst()).allSatisfy { $0 >= $1 || $1 < 2 << 20 }, "\(size): shrinking")
            XCTAssertLessThanOrEqual(pieces.last!, 2 << 20, "\(size): a small last piece")
            XCTAssertEqual(pieces.first!, size / 4, "\(size)")
        }
        XCTAssertLessThan(ReportFolder.pieceTargets(size: 580 << 20, workers: 2).count, 40)
    }

    func testParallelWorkersGiveTheSameRowsAsOne() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\n")
        for file in 0..<4 {
            var text = "date,user,team,tool,requests\n"
            for index in 0..<500 { text += "2026-01-05,u\(file)-\(index),T,t,\(index)\n" }
            folder.write("data/usage/part-\(file).csv", text)
        }
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        let (one, _) = try ReportFolder.readUsage(inputs, workers: 1, makePartial: { [Int64]() }, add: { $0.append($1.requests) })
        let (four, partials) = try ReportFolder.readUsage(inputs, workers: 4, makePartial: { [Int64]() }, add: { $0.append($1.requests) })
        XCTAssertEqual(one.rowsRead, 2000)
        XCTAssertEqual(four.rowsRead, 2000)
        XCTAssertEqual(partials.flatMap { $0 }.sorted(), (0..<4).flatMap { _ in (0..<500).map(Int64.init) }.sorted())
        XCTAssertEqual(one.files.map(\.sha256), four.files.map(\.sha256))
        XCTAssertFalse(four.files[0].sha256.isEmpty)
    }
}

final class ParallelMapTests: XCTestCase {
    func testResultsKeepTheItemsOrderAndEachItemIsMappedOnce() {
        let counter = NSLock()
        var calls = 0
        let items = Array(0..<5_000)
        let squares = parallelMap(items, workers: 4) { item -> Int in
            counter.lock(); calls += 1; counter.unlock()
            return item * item
        }
        XCTAssertEqual(squares, items.map { $0 * $0 })
        XCTAssertEqual(calls, items.count)
        XCTAssertEqual(parallelMap([Int](), workers: 4) { $0 }, [])
        XCTAssertEqual(parallelMap([7], workers: 4) { $0 + 1 }, [8])
    }

    /// A deferred value does no work until it is started or asked for, does it once however
    /// often it is started, and one nobody asks for is freed without its work ever running.
    func testDeferredPendingRunsOnlyWhenStartedOrAskedAndOnce() {
        final class Calls: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            func add() { lock.lock(); count += 1; lock.unlock() }
            var value: Int { lock.lock(); defer { lock.unlock() }; return count }
        }
        let calls = Calls()
        let started = Pending(deferred: true) { calls.add(); return 6 * 7 }
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(calls.value, 0)
        started.start()
        started.start()
        XCTAssertEqual(started.value, 42)
        XCTAssertEqual(calls.value, 1)
        let asked = Pending(deferred: true) { calls.add(); return 1 }
        XCTAssertEqual(asked.value, 1)
        XCTAssertEqual(calls.value, 2)
        do { _ = Pending(deferred: true) { calls.add(); return 0 } }
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(calls.value, 2)
    }
}

final class UsageColumnTests: XCTestCase {
    func testOrdinalsArePositionsInAllCases() {
        XCTAssertEqual(UsageColumn.allCases.map(\.ordinal), Array(UsageColumn.allCases.indices))
    }
}

final class PendingTests: XCTestCase {
    /// A `Pending` asked for at once races the thread it was handed to: whichever begins it,
    /// its work runs exactly once, and every asker gets its value. Two thousand at once keep
    /// the cores busy, so that some are asked for before any thread has begun them.
    func testWorkRunsOnceWhoeverBeginsIt() {
        let runs = (0..<2_000).map { _ in Counter() }
        let pending = runs.enumerated().map { index, counter in
            Pending { () -> Int in
                counter.increment()
                return index * 3
            }
        }
        // Asked for from several threads at once, in an order unlike the one they were made in.
        DispatchQueue.concurrentPerform(iterations: 4) { part in
            for index in stride(from: pending.count - 1 - part, through: 0, by: -4) {
                XCTAssertEqual(pending[index].value, index * 3)
            }
        }
        waitForPendingWork()
        XCTAssertEqual(runs.map(\.count), Array(repeating: 1, count: runs.count))
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.lock(); value += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }
}

import XCTest
@testable import Dataset

final class ParallelReadTests: XCTestCase {
    /// Cutting a CSV at record boundaries and reading the pieces gives the same rows, and the
    /// same file:line for a bad row, as reading it whole — also with quoted line breaks.
    func testByteRangesCutAtRecordBoundariesReadLikeTheWholeFile() throws {
        let folder = TemporaryFolder()
        var text = "date,user,team,tool,requests,task_category\n"
        for index in 0..<3000 {
            let category = index % 7 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : "coding"
            let requests = index == 2500 ? "-1" : String(index % 9 + 1)
            text += "2026-01-\(String(format: "%02d", index % 28 + 1)),u\(index % 50),Team \(index % 4),tool,\(requests),\(category)\n"
        }
        let path = folder.write("big.csv", text)
        let reader = UsageReader(config: ReportConfig())
        var whole: [UsageRecord] = []
        let wholeResult = try reader.read(path: path, displayPath: "big.csv") { whole.append($0) }
        let ranges = try csvRecordBoundaries(path: path, parts: 5)
        XCTAssertEqual(ranges.count, 5)
        XCTAssertEqual(ranges.first?.start, 0)
        XCTAssertEqual(ranges.last?.end, text.utf8.count)
        var pieces: [UsageRecord] = []
        var diagnostics: [Diagnostic] = []
        var rowsRead = 0
        for range in ranges {
            let result = try reader.read(path: path, displayPath: "big.csv", range: range) { pieces.append($0) }
            diagnostics += result.diagnostics
            rowsRead += result.rowsRead
        }
        XCTAssertEqual(rowsRead, wholeResult.rowsRead)
        XCTAssertEqual(pieces, whole)
        XCTAssertEqual(diagnostics, wholeResult.diagnostics)
        XCTAssertEqual(diagnostics.map(\.description), ["big.csv:\(2500 + 2 + 2500 / 7 + 1): error: requests is negative (-1)"])
        XCTAssertEqual(whole.filter { $0.taskCategory == "multi\nline, \"quoted\"" }.count, 3000 / 7 + 1)
    }

    /// The cuts are those of the plain byte-by-byte rule (the first line end at or after each
    /// target with an even number of quotes before it), also across the reader's 1 MiB chunks,
    /// with long quoted fields full of line ends straddling them.
    func testCutsFollowTheQuoteRuleAcrossChunks() throws {
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
            } else if next(500) == 0 {  // 40,000 quotes or line ends in a row: more than a byte counts
                field = "\"" + String(repeating: next(2) == 0 ? "\"\"" : "\n\n", count: 20_000) + "\""
            }
            bytes += Array("2026-01-01,u\(next(50)),Team,tool,1,\(field)\n".utf8)
        }
        let path = folder.write("cuts.csv", String(decoding: bytes, as: UTF8.self))
        let written = Array(FileManager.default.contents(atPath: path)!)
        for parts in [2, 3, 4, 7, 16] {
            // The rule, byte by byte over the whole file.
            var targets = (1..<parts).map { written.count * $0 / parts }
            var expected: [(Int, Int)] = []
            var quotes = 0, newlines = 0
            for (index, byte) in written.enumerated() where !targets.isEmpty {
                if byte == 0x22 { quotes += 1 } else if byte == 0x0A {
                    newlines += 1
                    if index >= targets[0], quotes % 2 == 0 {
                        expected.append((index + 1, newlines + 1))
                        targets.removeFirst()
                    }
                }
            }
            let ranges = try csvRecordBoundaries(path: path, parts: parts)
            let cuts = ranges.dropFirst().map { ($0.start, $0.firstLine) }
            var deduplicated: [(Int, Int)] = []
            for cut in expected where cut.0 < written.count && cut.0 > (deduplicated.last?.0 ?? 0) { deduplicated.append(cut) }
            XCTAssertEqual(cuts.map(\.0), deduplicated.map(\.0), "parts \(parts)")
            XCTAssertEqual(cuts.map(\.1), deduplicated.map(\.1), "parts \(parts)")
            XCTAssertEqual(ranges.last?.end, written.count)
        }
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
}

final class UsageColumnTests: XCTestCase {
    func testOrdinalsArePositionsInAllCases() {
        XCTAssertEqual(UsageColumn.allCases.map(\.ordinal), Array(UsageColumn.allCases.indices))
    }
}

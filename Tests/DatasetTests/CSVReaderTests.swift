import XCTest
@testable import Dataset

final class CSVReaderTests: XCTestCase {
    func testQuotedFieldsDoubledQuotesAndEmbeddedNewlinesAtEveryChunkSize() throws {
        let text = "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,end"
        for chunk in [1, 2, 3, 5, 64] {
            let parsed = try records(text, chunk: chunk)
            XCTAssertEqual(parsed.count, 3, "chunk \(chunk)")
            XCTAssertEqual(parsed[1].fields, ["x, y", "say \"hi\"", "two\nlines"], "chunk \(chunk)")
            XCTAssertEqual(parsed[2].fields, ["last", "", "end"], "chunk \(chunk)")
            // The record after a field with an embedded newline starts on physical line 4.
            XCTAssertEqual(parsed.map(\.line), [1, 2, 4], "chunk \(chunk)")
        }
    }

    /// Records written from known fields — plain, empty, quoted with delimiters, doubled quotes
    /// and line breaks — with LF, CRLF and lone CR line ends and blank lines between, read back
    /// whole, at their lines, with either delimiter, whether each record lies whole in a chunk
    /// (read in one piece) or is cut across chunks of 1 to 7 bytes (read by the state machine).
    func testRandomRecordsReadBackWholeAtTheirLinesWhateverTheChunks() throws {
        var generator = SystemRandomNumberGenerator()
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &generator)] }
        for round in 0..<200 {
            let delimiter: Character = round % 3 == 2 ? ";" : ","
            var text = "", expected: [(line: Int, fields: [String])] = [], line = 1
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                if Int.random(in: 0..<6, using: &generator) == 0 {
                    // A blank line (after a lone CR, an LF would only make it a CRLF).
                    text += text.hasSuffix("\r") ? pick(["\r\n", "\r"]) : pick(["\n", "\r\n", "\r"])
                    line += 1
                }
                var fields: [String] = []
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    fields.append(pick(["", "u01", "Team 7", "12345", "é✓", "x\(delimiter)y", "say \"hi\"", "two\nlines", "a b"]))
                }
                if fields == [""] { fields = ["solo"] }  // a lone empty field is a blank line
                let written = fields.map { field -> String in
                    let mustQuote = field.contains(delimiter) || field.contains("\"") || field.contains("\n")
                    return mustQuote || Bool.random(using: &generator) && !field.isEmpty
                        ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }
                expected.append((line, fields))
                text += written.joined(separator: String(delimiter)) + pick(["\n", "\r\n", "\r"])
                line += 1 + fields.reduce(0) { $0 + $1.count(where: { $0 == "\n" }) }
            }
            if Bool.random(using: &generator) { text.removeLast() }  // no final line end
            for chunk in [1, 2, 3, 7, 1 << 16] {
                var reader = CSVReader(source: MemorySource(text, chunk: chunk))
                reader.delimiter = UInt8(ascii: delimiter.unicodeScalars.first!)
                var read: [(line: Int, fields: [String])] = []
                try reader.forEach { record in
                    XCTAssertNil(record.problem, text.debugDescription)
                    read.append((record.line, (0..<record.count).map { record.string($0) ?? "<invalid>" }))
                }
                XCTAssertEqual(read.map(\.fields), expected.map(\.fields), "chunk \(chunk): \(text.debugDescription)")
                XCTAssertEqual(read.map(\.line), expected.map(\.line), "chunk \(chunk): \(text.debugDescription)")
            }
        }
    }

    /// The word-at-a-time search for delimiters finds exactly the bytes a byte loop finds, at
    /// every length and alignment, among the bytes most like them: one above and below, the
    /// same with the high bit set, zero and 0xFF, and runs of the delimiter itself.
    func testDelimiterSearchAgreesWithAByteLoop() {
        var generator = SystemRandomNumberGenerator()
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, 0x00, 0x80, 0xFF] {
            let near: [UInt8] = [delimiter, delimiter &+ 1, delimiter &- 1, delimiter ^ 0x80, delimiter ^ 0x01, 0x00, 0xFF, 0x7F, 0x41]
            for _ in 0..<300 {
                let bytes = (0..<Int.random(in: 0...70, using: &generator)).map { _ in near.randomElement(using: &generator)! }
                let expected = bytes.indices.filter { bytes[$0] == delimiter }
                for skip in 0..<min(3, bytes.count + 1) {
                    bytes.withUnsafeBytes { raw in
                        let start = raw.baseAddress! + skip, count = bytes.count - skip
                        var found: [Int] = []
                        forEachOccurrence(of: delimiter, in: start, count: count) { found.append($0 + skip) }
                        XCTAssertEqual(found, expected.filter { $0 >= skip }, "\(bytes) from \(skip)")
                        XCTAssertEqual(occurrences(of: delimiter, in: start, count: count), found.count, "\(bytes) from \(skip)")
                    }
                }
            }
        }
    }

    /// With more bytes readable than searched, the last word is loaded whole and the bytes
    /// past the end are ignored: the same offsets as a byte loop, whatever lies after.
    func testDelimiterSearchIgnoresReadableBytesPastTheEnd() {
        var generator = SystemRandomNumberGenerator()
        let near: [UInt8] = [0x2C, 0x2D, 0xAC, 0x00, 0xFF, 0x41]
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...40, using: &generator), after = Int.random(in: 0...9, using: &generator)
            let bytes = (0..<(count + after)).map { _ in near.randomElement(using: &generator)! }
            let expected = bytes[..<count].indices.filter { bytes[$0] == 0x2C }
            bytes.withUnsafeBytes { raw in
                var found: [Int] = []
                forEachOccurrence(of: 0x2C, in: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, count: count, readable: count + after) { found.append($0) }
                XCTAssertEqual(found, expected, "\(bytes) of \(count)")
            }
        }
    }

    /// Lines read in place (no quote, whole in a chunk) among lines the state machine reads, with
    /// the number of fields going up and down from one record to the next: each record has its
    /// own fields, never the last one's, at every chunk size.
    func testRecordsOfChangingWidthKeepTheirOwnFields() throws {
        let text = "a,b,c\n1,2,3,4,5\nx\n\"q\",r\n6,7\n,,,,,,\n8,9,10\r\nlone\rcr,11\n\"multi\nline\",12\n13\n"
        let expected: [[String]] = [["a", "b", "c"], ["1", "2", "3", "4", "5"], ["x"], ["q", "r"], ["6", "7"],
                                    ["", "", "", "", "", "", ""], ["8", "9", "10"], ["lone"], ["cr", "11"], ["multi\nline", "12"], ["13"]]
        for chunk in [1, 2, 5, 8, 9, 13, 1 << 16] {
            let parsed = try records(text, chunk: chunk)
            XCTAssertEqual(parsed.map(\.fields), expected, "chunk \(chunk)")
            XCTAssertEqual(parsed.map(\.line), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12], "chunk \(chunk)")
        }
    }

    func testCRLFAndByteOrderMarkAndMissingFinalNewline() throws {
        let parsed = try records("\u{FEFF}date,user\r\n2026-01-05,u1\r\n2026-01-06,u2", chunk: 4)
        XCTAssertEqual(parsed.map(\.fields), [["date", "user"], ["2026-01-05", "u1"], ["2026-01-06", "u2"]])
        XCTAssertEqual(parsed.map(\.line), [1, 2, 3])
    }

    func testBlankLinesAreSkippedButCounted() throws {
        let parsed = try records("a,b\n\n1,2\n\n\n3,4\n")
        XCTAssertEqual(parsed.map(\.fields), [["a", "b"], ["1", "2"], ["3", "4"]])
        XCTAssertEqual(parsed.map(\.line), [1, 3, 6])
    }

    func testTrailingCommaGivesAnEmptyLastField() throws {
        XCTAssertEqual(try records("a,b,\n").first?.fields, ["a", "b", ""])
        XCTAssertEqual(try records("a,b,").first?.fields, ["a", "b", ""])
    }

    func testUnterminatedQuoteIsReportedAtItsLine() throws {
        let parsed = try records("a,b\n1,2\n3,\"open\n4,5\n")
        XCTAssertEqual(parsed.count, 3)
        XCTAssertEqual(parsed[2].line, 3)
        XCTAssertEqual(parsed[2].problem, "a quoted field starting on this line is never closed")
    }

    func testOverlongFieldIsFlaggedAndTheNextRecordStillRead() throws {
        let long = String(repeating: "x", count: 100)
        let parsed = try records("a,b\n\(long),1\nok,2\n", chunk: 7, maxField: 50)
        XCTAssertEqual(parsed[1].problem, "a field is longer than 50 bytes")
        XCTAssertEqual(parsed[2].fields, ["ok", "2"])
        XCTAssertEqual(parsed[2].line, 3)
    }

    func testInvalidUTF8FieldIsNilNotRepaired() throws {
        var reader = CSVReader(source: MemorySource(bytes: Array("a,b\n".utf8) + [0xFF, 0xFE, 0x2C, 0x31, 0x0A]))
        var fields: [String?] = []
        try reader.forEach { record in fields.append(record.string(0)) }
        XCTAssertEqual(fields, ["a", nil])
    }

    func testGzipIsInflatedIncludingConcatenatedMembers() throws {
        let folder = TemporaryFolder()
        let plain = folder.write("a.csv", "a,b\n1,2\n")
        let second = folder.write("b.csv", "3,4\n")
        for path in [plain, second] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-k", "-n", path]
            try process.run()
            process.waitUntilExit()
        }
        var joined = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        joined.append(try Data(contentsOf: URL(fileURLWithPath: second + ".gz")))
        let path = folder.write("joined.csv.gz", joined)
        var reader = CSVReader(source: try openByteSource(path: path))
        var rows: [[String]] = []
        try reader.forEach { record in rows.append((0..<record.count).map { record.string($0)! }) }
        XCTAssertEqual(rows, [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    /// Read ahead on a thread of its own: the chunks in their order, then the source's error,
    /// then the end; a reader that stops early lets the thread go.
    func testReadAheadGivesTheChunksInOrderThenTheError() throws {
        struct Failed: Error {}
        final class Counting: ByteSource, @unchecked Sendable {
            var next = 0
            let failAt: Int
            init(failAt: Int) { self.failAt = failAt }
            func read(into buffer: inout [UInt8]) throws {
                guard next < failAt else { throw Failed() }
                buffer = [UInt8](repeating: UInt8(next), count: 1 + next)
                next += 1
            }
        }
        let source = ReadAheadByteSource(Counting(failAt: 10))
        var chunk: [UInt8] = []
        for index in 0..<10 {
            try source.read(into: &chunk)
            XCTAssertEqual(chunk, [UInt8](repeating: UInt8(index), count: 1 + index))
        }
        XCTAssertThrowsError(try source.read(into: &chunk)) { XCTAssertTrue($0 is Failed) }
        try source.read(into: &chunk)
        XCTAssertEqual(chunk, [])
        // Dropped after one chunk, while the thread waits with a full queue: the thread ends,
        // and lets the source go.
        var counting: Counting? = Counting(failAt: 1_000)
        weak var watched = counting
        var early: ReadAheadByteSource? = ReadAheadByteSource(counting!)
        counting = nil
        try early?.read(into: &chunk)
        XCTAssertEqual(chunk, [0])
        early = nil
        for _ in 0..<500 where watched != nil { usleep(10_000) }
        XCTAssertNil(watched)
    }

    func testTruncatedGzipIsAnErrorNotSilentlyShort() throws {
        let folder = TemporaryFolder()
        let path = folder.write("a.csv", String(repeating: "2026-01-05,u1,Team,tool,3\n", count: 2000))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", path]
        try process.run()
        process.waitUntilExit()
        let data = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let cut = folder.write("cut.csv.gz", data.prefix(data.count / 2))
        var reader = CSVReader(source: try openByteSource(path: cut))
        XCTAssertThrowsError(try reader.forEach { _ in }) { error in
            XCTAssertTrue("\(error)".contains("ends early"), "\(error)")
        }
    }
}

final class DayTests: XCTestCase {
    func testCivilRoundTripAndWeekdays() {
        let day = Day(year: 2026, month: 1, day: 5)!
        XCTAssertEqual(day.description, "2026-01-05")
        XCTAssertEqual(day.weekday, 1)  // a Monday
        XCTAssertEqual(Day(index: 0).description, "1970-01-01")
        XCTAssertNil(Day(year: 2026, month: 2, day: 29))
        XCTAssertNotNil(Day(year: 2028, month: 2, day: 29))
        XCTAssertNil(Day(parsing: "2026-13-01"))
        XCTAssertNil(Day(parsing: "05-01-2026"))
        XCTAssertEqual(Day(parsing: "2025-08-08T00:00:00Z", prefix: true)?.description, "2025-08-08")
    }

    func testISOWeeksAcrossYearBoundaries() {
        // 2026-01-01 is a Thursday: week 1 of 2026 starts on Monday 2025-12-29.
        XCTAssertEqual(Day(year: 2026, month: 1, day: 1)!.week.description, "2026-W01")
        XCTAssertEqual(Day(year: 2025, month: 12, day: 29)!.week.description, "2026-W01")
        // 2027-01-03 is a Sunday of 2026-W53.
        XCTAssertEqual(Day(year: 2027, month: 1, day: 3)!.week.description, "2026-W53")
        XCTAssertEqual(Week(parsing: "2026-W14")?.monday.description, "2026-03-30")
        XCTAssertNil(Week(parsing: "2025-W53"))
        XCTAssertEqual(Week(parsing: "2026-W53")?.monday.description, "2026-12-28")
    }
}

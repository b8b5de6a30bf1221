import Foundation
import XCTest
@testable import Dataset

/// Hostile inputs that used to cost unbounded memory or time, or to reach pages and terminals.
final class HardeningTests: XCTestCase {
    func read(_ text: String, maxFields: Int = 10_000) throws -> [CSVRecord] {
        let folder = TemporaryFolder()
        let path = folder.write("a.csv", text)
        var reader = CSVReader(source: try FileByteSource(path: path))
        reader.maxFields = maxFields
        var records: [CSVRecord] = []
        try reader.forEach { records.append($0) }
        return records
    }

    /// A record with too many fields (a line of commas, a million columns) is an issue at its
    /// line and its fields are not kept; the next record is read as usual.
    func testTooManyFieldsIsAnIssueNotMemory() throws {
        let records = try read("a,b\n" + String(repeating: ",", count: 50_000) + "\nc,d\n", maxFields: 1000)
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records[1].problem, "the record has more than 1,000 fields")
        XCTAssertEqual(records[1].line, 2)
        XCTAssertLessThanOrEqual(records[1].count, 1)
        XCTAssertNil(records[2].problem)
        XCTAssertEqual(records[2].string(1), "d")
    }

    /// NUL and ESC in a team name are rejected at input with the line; a diagnostic never sends
    /// them raw to a terminal.
    func testControlCharactersInNamesAreRejectedWithTheirLine() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: t\n")
        folder.write("data/usage/u.csv", "date,user,team,tool,requests\n2026-01-05,a,Pay\u{0}ments,cursor,1\n2026-01-05,b,\u{1B}[31mRed,cursor,1\n2026-01-05,c,Fine,cursor,1\n")
        folder.write("data/headcount.csv", "team,headcount\nEv\u{1B}]0;owned\u{7}il,5\nFine,5\n")
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        XCTAssertTrue(inputs.diagnostics.contains { $0.file == "data/headcount.csv" && $0.line == 2 && $0.message.contains("control character") }, "\(inputs.diagnostics)")
        var teams: [String] = []
        let summary = try ReportFolder.readUsage(inputs) { teams.append($0.team) }
        XCTAssertEqual(teams, ["Fine"])
        XCTAssertEqual(summary.diagnostics.filter { $0.message.contains("control character") }.map(\.line), [2, 3])
    }

    /// A gzip file that inflates far beyond any export (a run of newlines) stops with a clear
    /// error naming the file once past the ratio's grace, instead of running for minutes.
    func testDecompressionBombIsStoppedByTheRatioCap() throws {
        let folder = TemporaryFolder()
        let plain = folder.path + "/bomb.csv"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: { FileManager.default.createFile(atPath: plain, contents: nil); return plain }()))
        let block = Data(repeating: 0x0A, count: 1 << 20)
        for _ in 0..<300 { handle.write(block) }
        try handle.close()
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-9", plain]
        try gzip.run()
        gzip.waitUntilExit()
        let source = try GzipByteSource(path: plain + ".gz")
        var chunk: [UInt8] = []
        var total = 0
        XCTAssertThrowsError(try { while true { try source.read(into: &chunk); if chunk.isEmpty { break }; total += chunk.count } }()) { error in
            XCTAssertTrue("\(error)".contains("a decompression bomb"), "\(error)")
        }
        XCTAssertLessThanOrEqual(total, GzipByteSource.ratioGrace + (1 << 20))
    }

    /// A usage file that grows while it is read is an error, not half a file read.
    func testAFileChangedWhileReadIsAnError() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: t\n")
        let path = folder.write("data/usage/u.csv", "date,user,team,tool,requests\n" + (0..<100).map { "2026-01-05,u\($0),T,cursor,1\n" }.joined())
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        var appended = false
        XCTAssertThrowsError(try ReportFolder.readUsage(inputs) { _ in
            if !appended {
                appended = true
                let handle = FileHandle(forWritingAtPath: path)!
                handle.seekToEndOfFile()
                handle.write(Data("2026-01-05,late,T,cursor,1\n".utf8))
                try? handle.close()
            }
        }) { error in
            XCTAssertTrue("\(error)".contains("changed while it was read"), "\(error)")
        }
    }
}

final class SuggestionTests: XCTestCase {
    /// "Did you mean" prefers the closest whole name among prefix matches.
    func testSuggestionsPreferTheClosestWholeName() {
        XCTAssertEqual(nearest("token", in: ["tokens_per_active_user", "tokens", "requests"]), "tokens")
        XCTAssertEqual(nearest("team", in: ["team_weeks", "teams", "tools"]), "teams")
        XCTAssertEqual(nearest("prs_merge", in: ["change_failures", "prs_merged"]), "prs_merged")
        XCTAssertEqual(nearest("privcy", in: ["privacy", "period"]), "privacy")
        XCTAssertNil(nearest("zzzzzz", in: ["privacy", "period"]))
    }
}

/// A JSON document is read a record at a time: memory is bounded by one record, and each
/// record's issue names the line that record starts on.
final class JSONRecordStreamTests: XCTestCase {
    func records(_ text: String, max: Int = 64 << 20) throws -> [(String, Int, String?, [String: Any])] {
        let folder = TemporaryFolder()
        let path = folder.write("d.json", text)
        var stream = JSONRecordStream()
        stream.maxRecordBytes = max
        var out: [(String, Int, String?, [String: Any])] = []
        try stream.forEach(source: try FileByteSource(path: path)) { bytes, line, key, envelope in
            out.append((String(decoding: bytes, as: UTF8.self), line, key, envelope))
        }
        return out
    }

    func testElementsOfTheRecordArrayComeWithTheirLinesAndTheEnvelope() throws {
        let found = try records("""
        {"object": "page",
         "data": [
          {"a": 1, "s": "x,]}\\"y"},
          {"b": [1, 2, {"c": null}]}
         ],
         "has_more": false, "n": 3}
        """)
        XCTAssertEqual(found.map(\.0), [#"{"a": 1, "s": "x,]}\"y"}"#, #"{"b": [1, 2, {"c": null}]}"#])
        XCTAssertEqual(found.map(\.1), [3, 4])
        XCTAssertEqual(found.map(\.2), ["data", "data"])
        XCTAssertEqual(found[0].3["object"] as? String, "page")
    }

    func testTopLevelArraysScalarsAndSingleObjects() throws {
        XCTAssertEqual(try records("[1, \"two\", {\"x\": [3]}, 4]").map(\.0), ["1", "\"two\"", "{\"x\": [3]}", "4"])
        let single = try records("\u{FEFF}{\"assignee\": {\"login\": \"a\"}, \"n\": 2}")
        XCTAssertEqual(single.count, 1)
        XCTAssertNil(single[0].2)
    }

    func testATruncatedDocumentNamesItsLastRecordsLine() throws {
        XCTAssertThrowsError(try records("{\"data\": [\n{\"a\": 1},\n{\"b\": 2")) { error in
            guard case let JSONRecordStream.Issue.invalid(line)? = error as? JSONRecordStream.Issue else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 3)
        }
        XCTAssertThrowsError(try records("[{\"a\": \"" + String(repeating: "x", count: 5000) + "\"}]", max: 1000)) { error in
            guard case JSONRecordStream.Issue.tooLarge? = error as? JSONRecordStream.Issue else { return XCTFail("\(error)") }
        }
    }
}

import Foundation
import XCTest
@testable import Dataset

let vendorFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/vendors").path

/// A report folder with the vendor fixtures in data/vendor/ and their people directory.
func vendorReport(extraYAML: String = "") -> TemporaryFolder {
    let folder = TemporaryFolder()
    try! FileManager.default.createDirectory(atPath: folder.path + "/data", withIntermediateDirectories: true)
    try! FileManager.default.copyItem(atPath: vendorFixtures, toPath: folder.path + "/data/vendor")
    try! FileManager.default.moveItem(atPath: folder.path + "/data/vendor/people.csv", toPath: folder.path + "/data/people.csv")
    try! FileManager.default.removeItem(atPath: folder.path + "/data/vendor/README.md")
    folder.write("report.yml", "title: Vendors\nsources:\n  - {format: openai-usage, path: data/vendor/openai-usage.json, tool: chatgpt-api}\n" + extraYAML)
    return folder
}

struct Totals: Equatable, CustomStringConvertible {
    var requests: Int64 = 0, shown: Int64 = 0, accepted: Int64 = 0, linesSuggested: Int64 = 0, linesAccepted: Int64 = 0
    var tokens: Int64 = 0, cents: Int64 = 0, rows = 0
    var description: String { "req \(requests) shown \(shown) acc \(accepted) ls \(linesSuggested) la \(linesAccepted) tok \(tokens) ¢\(cents) rows \(rows)" }
}

final class VendorImportTests: XCTestCase {
    /// Expected totals per team, day and tool: computed independently from the fixtures with
    /// the pinned mappings (a Python transcription of the issue's table).
    let expected: [String: Totals] = [
        "Payments|2026-03-02|amazon-q-developer": Totals(requests: 11, shown: 65, accepted: 21, linesSuggested: 40, linesAccepted: 87, rows: 4),
        "Payments|2026-03-02|chatgpt-api": Totals(requests: 15, tokens: 7200, rows: 2),
        "Payments|2026-03-02|claude-code": Totals(shown: 17, accepted: 14, linesAccepted: 120, tokens: 29200, cents: 133, rows: 1),
        "Payments|2026-03-02|cursor": Totals(requests: 11, shown: 120, accepted: 40, linesAccepted: 90, rows: 1),
        "Payments|2026-03-02|github-copilot": Totals(requests: 16, shown: 50, accepted: 20, linesSuggested: 80, linesAccepted: 30, tokens: 15000, rows: 4),
        "Payments|2026-03-03|amazon-q-developer": Totals(requests: 5, shown: 20, accepted: 7, linesSuggested: 33, linesAccepted: 35, rows: 5),
        "Payments|2026-03-03|github-copilot": Totals(shown: 30, accepted: 9, linesSuggested: 40, linesAccepted: 10, rows: 1),
        "Payments|2026-03-04|chatgpt-api": Totals(requests: 6, tokens: 3600, rows: 1),
        "Search|2026-03-02|amazon-q-developer": Totals(shown: 20, accepted: 3, linesAccepted: 7, rows: 1),
        "Search|2026-03-02|github-copilot": Totals(requests: 2, shown: 10, accepted: 2, linesSuggested: 12, linesAccepted: 3, rows: 2),
        "Search|2026-03-03|cursor": Totals(requests: 2, shown: 30, accepted: 6, linesAccepted: 12, rows: 1),
        "organisation|2026-03-02|github-copilot": Totals(requests: 45, shown: 460, accepted: 142, linesSuggested: 730, linesAccepted: 185, rows: 2),
        "unassigned|2026-03-02|chatgpt-api": Totals(requests: 1, tokens: 150, rows: 1),
        "unassigned|2026-03-02|claude-code": Totals(tokens: 100_000, cents: 420, rows: 1),
        "unassigned|2026-03-03|claude-code": Totals(rows: 1),
    ]

    func testEveryFormatGivesTheExactTotalsPerTeamDayAndTool() throws {
        let folder = vendorReport()
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        XCTAssertEqual(inputs.diagnostics, [])
        XCTAssertEqual(Set(inputs.vendorFiles.map(\.format)), Set(VendorFormat.allCases))
        var totals: [String: Totals] = [:]
        var users = Set<String>()
        let summary = try ReportFolder.readUsage(inputs) { record in
            var entry = totals["\(record.team)|\(record.day)|\(record.tool)", default: Totals()]
            entry.requests += record.requests
            entry.shown += record.suggestionsShown ?? 0
            entry.accepted += record.suggestionsAccepted ?? 0
            entry.linesSuggested += record.linesSuggested ?? 0
            entry.linesAccepted += record.linesAccepted ?? 0
            entry.tokens += record.tokens
            entry.cents += Int64(((record.costUSD ?? 0) * 100).rounded())
            entry.rows += 1
            totals["\(record.team)|\(record.day)|\(record.tool)"] = entry
            if let user = record.user { users.insert(user) }
        }
        XCTAssertEqual(summary.diagnostics, [])
        for key in Set(expected.keys).union(totals.keys).sorted() {
            XCTAssertEqual(totals[key], expected[key], key)
        }
        XCTAssertEqual(summary.seats["github-copilot"], 4)
        XCTAssertEqual(summary.overlaps, 1, "octo-bob's 2 March arrives in two Copilot files and counts once")
        XCTAssertEqual(summary.unmatchedIdentities, 3)  // ci-review-bot, zed@example.com, user-unknown
        // Ann appears as an Amazon Q UUID, a GitHub login, an OpenAI id and her e-mail: one person.
        XCTAssertTrue(users.contains("ann@example.com"))
        XCTAssertFalse(users.contains("octo-ann") || users.contains("user-ann"))
        XCTAssertEqual(Set(summary.recognised.map(\.1)).count, 7)  // all but the one named in sources
    }

    func testIdentitiesArePseudonymisedWhenAKeyIsSet() throws {
        let folder = vendorReport()
        let inputs = try ReportFolder.read(folder.path, environment: ["CANDOR_PSEUDONYM_KEY": "s3cret"])
        var users = Set<String>()
        _ = try ReportFolder.readUsage(inputs) { if let user = $0.user { users.insert(user) } }
        XCTAssertFalse(users.contains { $0.contains("@") || $0.hasPrefix("octo") })
        XCTAssertTrue(users.contains(pseudonym("ann@example.com", key: "s3cret")))
    }

    func testBadVendorFilesAreReportedNamingTheExpectedFormat() throws {
        let folder = vendorReport(extraYAML: "  - {format: copilot-users, path: data/vendor/cursor-daily.json}\n  - {format: amazon-q, path: data/vendor/other.csv}\n")
        let claude = try String(contentsOfFile: folder.path + "/data/vendor/claude-code.json", encoding: .utf8)
        folder.write("data/vendor/claude-code.json", String(claude.prefix(400)))
        folder.write("data/vendor/other.csv", "date,user,team,tool,requests\n2026-03-02,a,T,t,1\n")
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        let summary = try ReportFolder.readUsage(inputs) { _ in }
        let messages = summary.diagnostics.map(\.description)
        XCTAssertTrue(messages.contains("data/vendor/cursor-daily.json:1: error: expected a copilot-users export (as report.yml names it), but this looks like cursor-daily; the file was not read"), messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains("data/vendor/other.csv:1: error: not an amazon-q export: the header lacks UserId and Date"), messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.hasPrefix("data/vendor/claude-code.json:") && $0.contains("not valid JSON") }, messages.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(summary.rowsRejected, 3)
    }

    func testDetectionRecognisesEachShape() {
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/cursor-daily.json"), .cursorDaily)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/claude-code.json"), .claudeCode)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/openai-usage.json"), .openAIUsage)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/metrics-legacy.json"), .copilotMetrics)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/seats.json"), .copilotSeats)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/user-teams-1-day.ndjson"), .copilotUserTeams)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/users-1-day-2026-03-02.ndjson"), .copilotUsers)
        XCTAssertNil(VendorFormat.detect(path: vendorFixtures + "/people.csv"))
    }
}

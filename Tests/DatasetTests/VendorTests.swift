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
    for notAnExport in ["README.md", "expected_totals.py", "expected_totals.json"] {
        try! FileManager.default.removeItem(atPath: folder.path + "/data/vendor/" + notAnExport)
    }
    folder.write("report.yml", """
        title: Vendors
        sources:
          - {format: openai-usage, path: data/vendor/openai-usage.json, tool: chatgpt-api}
          - format: anthropic-usage
            path: data/vendor/anthropic/*.ndjson
            teams: {wrkspc_01Pay: Payments, wrkspc_01Search: Search}
          - {format: anthropic-cost, path: data/vendor/anthropic/cost-report.json, teams: {wrkspc_01Pay: Payments, wrkspc_01Search: Search}}
          - {format: openai-costs, path: data/vendor/openai, tool: chatgpt-api, teams: {proj_pay: Payments}}

        """ + extraYAML)
    return folder
}

/// Formats read from single field-note fixtures rather than the integrated vendor folder.
let fieldNoteOnlyFormats: Set<VendorFormat> = [.copilotOrgReport, .copilotBilling, .kiroUsers, .cursorMembers, .cursorSpend, .anthropicAnalyticsUsage,
                                                .chatGPTEnterpriseUsers, .amazonQBusinessSubscriptions, .anthropicAnalyticsCost]

struct Totals: Equatable, CustomStringConvertible, Decodable {
    var requests: Int64 = 0, shown: Int64 = 0, accepted: Int64 = 0, linesSuggested: Int64 = 0, linesAccepted: Int64 = 0
    var tokens: Int64 = 0, costMicros: Int64 = 0, rows = 0
    var description: String { "req \(requests) shown \(shown) acc \(accepted) ls \(linesSuggested) la \(linesAccepted) tok \(tokens) µ$\(costMicros) rows \(rows)" }
    enum CodingKeys: String, CodingKey {
        case requests, shown, accepted, tokens, rows
        case linesSuggested = "lines_suggested", linesAccepted = "lines_accepted", costMicros = "cost_micros"
    }
}

/// Expected totals per team, day and tool, computed independently from the fixtures by
/// Fixtures/vendors/expected_totals.py (a Python transcription of the mapping tables).
struct ExpectedVendorTotals: Decodable {
    var totals: [String: Totals]
    var overlaps: Int
    var unmatchedIdentities: Int
    enum CodingKeys: String, CodingKey { case totals, overlaps, unmatchedIdentities = "unmatched_identities" }

    static func load() throws -> ExpectedVendorTotals {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: vendorFixtures + "/expected_totals.json")))
    }
}

final class VendorImportTests: XCTestCase {
    func testEveryFormatGivesTheExactTotalsPerTeamDayAndTool() throws {
        let folder = vendorReport()
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        XCTAssertEqual(inputs.diagnostics, [])
        // Every format but those whose fixtures are field notes of their own (FieldNoteTests).
        XCTAssertEqual(Set(inputs.vendorFiles.map(\.format)), Set(VendorFormat.allCases).subtracting(fieldNoteOnlyFormats))
        var totals: [String: Totals] = [:]
        var users = Set<String>()
        let expected = try ExpectedVendorTotals.load()
        let summary = try ReportFolder.readUsage(inputs) { record in
            var entry = totals["\(record.team)|\(record.day)|\(record.tool)", default: Totals()]
            entry.requests += record.requests
            entry.shown += record.suggestionsShown ?? 0
            entry.accepted += record.suggestionsAccepted ?? 0
            entry.linesSuggested += record.linesSuggested ?? 0
            entry.linesAccepted += record.linesAccepted ?? 0
            entry.tokens += record.tokens
            entry.costMicros += Int64(((record.costUSD ?? 0) * 1_000_000).rounded())
            entry.rows += 1
            totals["\(record.team)|\(record.day)|\(record.tool)"] = entry
            if let user = record.user { users.insert(user) }
        }
        XCTAssertEqual(summary.diagnostics, [])
        for key in Set(expected.totals.keys).union(totals.keys).sorted() {
            XCTAssertEqual(totals[key], expected.totals[key], key)
        }
        XCTAssertEqual(summary.seats["github-copilot"], 4)
        // octo-bob's 2 March arrives in two Copilot files and counts once; Cursor's daily counts
        // and its token events complement each other: three events lose only their requests; the
        // legacy metrics' three editor-days of 2 and 3 March are the people of the users report.
        XCTAssertEqual(summary.overlaps, expected.overlaps)
        XCTAssertEqual(summary.overlaps, 7)
        XCTAssertEqual(summary.unmatchedIdentities, expected.unmatchedIdentities)  // ci-review-bot, zed@, user-unknown, dee@
        // Ann appears as an Amazon Q UUID, a GitHub login, an OpenAI id and her e-mail: one person.
        XCTAssertTrue(users.contains("ann@example.com"))
        XCTAssertFalse(users.contains("octo-ann") || users.contains("user-ann"))
        XCTAssertEqual(Set(summary.recognised.map(\.1)), Set(VendorFormat.allCases.map(\.rawValue))
            .subtracting(["openai-usage", "anthropic-usage", "anthropic-cost", "openai-costs"])  // named in sources
            .subtracting(fieldNoteOnlyFormats.map(\.rawValue)))
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
        folder.write("data/vendor/cut.json", #"{"data":[{"date":"2026-03-02","#)
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        let summary = try ReportFolder.readUsage(inputs) { _ in }
        let messages = summary.diagnostics.map(\.description)
        XCTAssertTrue(messages.contains("data/vendor/cursor-daily.json:1: error: expected a copilot-users export (as report.yml names it), but this looks like cursor-daily; the file was not read"), messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains("data/vendor/other.csv:1: error: not an amazon-q export: the header lacks UserId and Date"), messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.hasPrefix("data/vendor/claude-code.json:") && $0.contains("not valid JSON") }, messages.joined(separator: "\n"))
        let inputMessages = inputs.diagnostics.map(\.description)
        XCTAssertTrue(inputMessages.contains { $0.hasPrefix("data/vendor/cut.json:1: error: not valid JSON (truncated?), so its format cannot be recognised") }, inputMessages.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(summary.rowsRejected, 3)
    }

    func testDetectionRecognisesEachShape() {
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/cursor-daily.json"), .cursorDaily)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/cursor/usage-events.json"), .cursorEvents)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/anthropic/usage-messages.ndjson"), .anthropicUsage)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/anthropic/cost-report.json"), .anthropicCost)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/openai/costs.json"), .openAICosts)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/claude-code.json"), .claudeCode)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/openai-usage.json"), .openAIUsage)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/metrics-legacy.json"), .copilotMetrics)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/seats.json"), .copilotSeats)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/user-teams-1-day.ndjson"), .copilotUserTeams)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/copilot/users-1-day-2026-03-02.ndjson"), .copilotUsers)
        XCTAssertNil(VendorFormat.detect(path: vendorFixtures + "/people.csv"))
    }
}

final class VendorGroupingTests: XCTestCase {
    /// An Anthropic usage report grouped by account gives per-person rows (tokens only: the
    /// report counts no requests); a cost report in another currency is refused, not converted.
    func testAnthropicAccountRowsArePeopleAndForeignCurrencyIsRefused() throws {
        let folder = TemporaryFolder()
        folder.write("data/people.csv", "user,team,aliases\nann@example.com,Payments,acct_01ann\n")
        folder.write("data/vendor/usage.json", """
            {"data":[{"starting_at":"2026-03-02T00:00:00Z","ending_at":"2026-03-03T00:00:00Z","results":[
              {"uncached_input_tokens":10,"cache_read_input_tokens":5,"output_tokens":7,"account_id":"acct_01ann","model":null},
              {"uncached_input_tokens":1,"cache_read_input_tokens":0,"output_tokens":1,"account_id":"acct_01zed"}]}],"has_more":false}
            """)
        folder.write("data/vendor/cost.json", """
            {"data":[{"starting_at":"2026-03-02T00:00:00Z","results":[{"amount":"250","currency":"EUR","cost_type":"tokens","workspace_id":null}]}]}
            """)
        folder.write("report.yml", "title: T\n")
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        var rows: [UsageRecord] = []
        let summary = try ReportFolder.readUsage(inputs) { rows.append($0) }
        XCTAssertEqual(Set(summary.recognised.map(\.1)), ["anthropic-usage", "anthropic-cost"])
        XCTAssertEqual(rows.count, 2)
        let ann = try XCTUnwrap(rows.first { $0.user == "ann@example.com" })
        XCTAssertEqual([ann.team, ann.tool], ["Payments", "anthropic-api"])
        XCTAssertEqual([ann.inputTokens, ann.cachedTokens, ann.outputTokens, ann.requests], [15, 5, 7, 0])
        XCTAssertEqual(rows.first { $0.user != "ann@example.com" }?.team, "unassigned")
        XCTAssertEqual(summary.diagnostics.map(\.description), ["data/vendor/cost.json:1: error: a cost in EUR: only USD is read",
            "data/vendor/cost.json:1: error: no record of this file could be read as anthropic-cost (1 issue); is it another format? name it under sources: in report.yml"])
    }

    /// A gzipped API response is read through zlib like a plain one, and a file of saved
    /// arrays of responses, one array per line, is read line by line.
    func testGzippedResponsesAndArraysPerLineAreRead() throws {
        let folder = TemporaryFolder()
        folder.write("data/people.csv", "user,team\nann@example.com,Payments\nbob@example.com,Search\n")
        folder.write("report.yml", "title: T\n")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(vendorFixtures)/cursor-daily.json' > '\(folder.path)/data/vendor-cursor.json.gz'"]
        try FileManager.default.createDirectory(atPath: folder.path + "/data/vendor", withIntermediateDirectories: true)
        try gzip.run()
        gzip.waitUntilExit()
        try FileManager.default.moveItem(atPath: folder.path + "/data/vendor-cursor.json.gz", toPath: folder.path + "/data/vendor/cursor.json.gz")
        let page = #"{"object":"page","data":[{"object":"bucket","start_time":1772409600,"end_time":1772496000,"results":[{"input_tokens":10,"output_tokens":5,"input_cached_tokens":0,"num_model_requests":2,"user_id":"bob@example.com"}]}]}"#
        folder.write("data/vendor/openai.ndjson", "[\(page)]\n[\(page),\(page)]\n")
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        var requests: [String: Int64] = [:]
        let summary = try ReportFolder.readUsage(inputs) { requests["\($0.tool)|\($0.team)", default: 0] += $0.requests }
        XCTAssertEqual(summary.diagnostics, [])
        XCTAssertEqual(Set(summary.recognised.map(\.1)), ["cursor-daily", "openai-usage"])
        XCTAssertEqual(requests["cursor|Payments"], 11)
        XCTAssertEqual(requests["cursor|Search"], 2)
        // Rows of one source add up (one person-day has a row per model); only a second
        // source's report of the same person-day is an overlap.
        XCTAssertEqual(requests["openai-api|Search"], 6)
        XCTAssertEqual(summary.overlaps, 0)
    }

    /// Found by FuzzVendor: an Amazon Q row shorter than its header read past the record.
    func testAmazonQRowWithTooFewFieldsIsRejectedNamingItsLine() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\nsources:\n  - {format: amazon-q, path: data/q.csv}\n")
        folder.write("data/q.csv", "UserId,Date,Chat_MessagesSent,Inline_SuggestionsCount\n\"u1\",03-02-2026,2,5\n\"u2\"\n\"u3\",03-02-2026,1,1\n")
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        var users: [String] = []
        let summary = try ReportFolder.readUsage(inputs) { if let user = $0.user { users.append(user) } }
        XCTAssertEqual(summary.diagnostics.map(\.description), ["data/q.csv:3: error: expected 4 fields as in the header, found 1"])
        XCTAssertEqual(Set(users), ["u1", "u3"])
    }

    func testSourceTeamsAreAMappingOfIdsToTeams() throws {
        let config = try ReportConfig.parse("title: T\nsources:\n  - {format: openai-costs, path: x.json, teams: {proj_a: Payments}}\n")
        XCTAssertEqual(config.sources.first?.teams, ["proj_a": "Payments"])
        XCTAssertThrowsError(try ReportConfig.parse("title: T\nsources:\n  - {format: openai-costs, path: x.json, teams: [proj_a]}\n")) { error in
            XCTAssertTrue("\(error)".contains("report.yml:3"), "\(error)")
        }
    }
}

final class HostileNumberTests: XCTestCase {
    /// Counts past any real usage, numbers JSON cannot hold in 64 bits, NaN and 1e300 are
    /// rejected with file:line; nothing traps.
    func testHugeAndNonFiniteNumbersAreRejectedNotTrapped() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\n")
        folder.write("data/usage/u.csv", "date,user,team,tool,requests,input_tokens,output_tokens,cost_usd\n"
            + "2026-03-02,a,T,t,1,9223372036854775807,1,\n2026-03-02,b,T,t,1,5,5,1e300\n2026-03-02,c,T,t,1,5,5,0.5\n")
        folder.write("data/vendor/o.json", #"""
            {"object":"page","data":[{"object":"bucket","start_time":1e300,"results":[]},{"object":"bucket","start_time":1772409600,"results":[
             {"input_tokens":1e300,"output_tokens":"1e30","num_model_requests":9223372036854775807,"user_id":"a"},
             {"input_tokens":5,"output_tokens":5,"num_model_requests":18446744073709551615,"user_id":"b"},
             {"input_tokens":5,"output_tokens":5,"num_model_requests":2,"user_id":"c"}]}]}
            """#)
        folder.write("data/vendor/c.json", #"""
            {"data":[{"date":"2026-03-02","actor":{"email_address":"x@y"},"model_breakdown":[
             {"tokens":{"input":9e18,"output":9e18,"cache_read":9e18,"cache_creation":9e18},"estimated_cost":{"amount":1e308}},
             {"tokens":{"input":9e18}}],"tool_actions":{"a":{"accepted":9e18,"rejected":9e18}}}]}
            """#)
        let inputs = try ReportFolder.read(folder.path, environment: [:])
        var kept: [UsageRecord] = []
        let summary = try ReportFolder.readUsage(inputs) { kept.append($0) }
        let messages = summary.diagnostics.map(\.description)
        XCTAssertTrue(messages.contains("data/usage/u.csv:2: error: input_tokens 9223372036854775807 is implausibly large (more than 10^12 in one row)"), messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.hasPrefix("data/usage/u.csv:3: error: cost_usd 1e300 is implausibly large") }, messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains("data/vendor/o.json:1: error: a bucket without a start_time in Unix seconds"))
        // Vendor rows, per measure: each huge figure is dropped (a warning at its line), never
        // trapped and never summed; the rows' other figures are kept.
        XCTAssertGreaterThanOrEqual(messages.filter { $0.contains("warning:") && ($0.contains("implausibly large") || $0.contains("out of range")) }.count, 4,
                                    messages.joined(separator: "\n"))
        XCTAssertEqual(Set(kept.compactMap(\.user)), ["a", "b", "c", "x@y"])
        XCTAssertEqual(kept.map(\.requests).reduce(0, +), 3)
        XCTAssertEqual(kept.map(\.tokens).reduce(0, +), 30, "a and the first claude-code breakdown lose their tokens; b and c keep theirs")
        XCTAssertNil(kept.first { $0.user == "x@y" && $0.costUSD != nil })
    }
}

/// The defects of real vendor files (the vendors issue), each on a fixture shaped as the
/// vendor's field notes describe, with totals from the independent Python readers
/// (Fixtures/field-notes/field_notes.py).
final class VendorFieldNoteTests: XCTestCase {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/field-notes").path

    struct Expected: Decodable {
        var requests: Int64, shown: Int64, accepted: Int64, lines_suggested: Int64, lines_accepted: Int64, tokens: Int64, cost_micros: Int64
        var days: [String]
    }

    func convert(_ name: String, _ format: VendorFormat) throws -> (Expected, [Diagnostic]) {
        var totals = Expected(requests: 0, shown: 0, accepted: 0, lines_suggested: 0, lines_accepted: 0, tokens: 0, cost_micros: 0, days: [])
        var days = Set<String>()
        let diagnostics = try convertVendorFile(path: folder + "/" + name, displayPath: name, format: format, tool: nil, people: nil) { row in
            totals.requests += row.requests; totals.shown += row.suggestionsShown ?? 0; totals.accepted += row.suggestionsAccepted ?? 0
            totals.lines_suggested += row.linesSuggested ?? 0; totals.lines_accepted += row.linesAccepted ?? 0; totals.tokens += row.tokens
            totals.cost_micros += Int64(((row.costUSD ?? 0) * 1_000_000).rounded())
            days.insert(row.day.description)
        }
        totals.days = days.sorted()
        return (totals, diagnostics)
    }

    func expected(_ name: String) throws -> Expected {
        let all = try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/field_notes.json")))
        return try XCTUnwrap(all[name])
    }

    func assertTotals(_ name: String, _ format: VendorFormat, file: StaticString = #filePath, line: UInt = #line) throws -> [Diagnostic] {
        let (got, diagnostics) = try convert(name, format)
        let want = try expected(name)
        XCTAssertEqual("\(got.requests) \(got.shown) \(got.accepted) \(got.lines_suggested) \(got.lines_accepted) \(got.tokens) \(got.cost_micros) \(got.days)",
                       "\(want.requests) \(want.shown) \(want.accepted) \(want.lines_suggested) \(want.lines_accepted) \(want.tokens) \(want.cost_micros) \(want.days)",
                       name, file: file, line: line)
        return diagnostics
    }

    /// 1. Agent edits add lines nobody suggested: the rows are kept and their lines counted as
    /// AI-written, outside the acceptance rate by lines; nothing is rejected.
    func testCopilotAgentEditRowsAreKept() throws {
        let diagnostics = try assertTotals("copilot-agent-edit.ndjson", .copilotUsers)
        XCTAssertEqual(diagnostics, [])
    }

    /// 3. The August 2025 shape's generated_loc_sum / accepted_loc_sum are read, not zeros.
    func testCopilotAugust2025LineFieldsAreRead() throws {
        XCTAssertEqual(try assertTotals("copilot-aug-2025.ndjson", .copilotUsers), [])
    }

    /// 4. One odd figure (JetBrains: acceptances with no suggestions) drops that figure, not the
    /// editor-day: its chat requests stay.
    func testCopilotMetricsKeepsValidFiguresOfAnOddEditorDay() throws {
        let diagnostics = try assertTotals("copilot-metrics-jetbrains.json", .copilotMetrics)
        XCTAssertTrue(diagnostics.allSatisfy { $0.severity == .warning }, "\(diagnostics)")
        XCTAssertTrue(diagnostics.contains { $0.message.contains("suggestions_accepted (4)") }, "\(diagnostics)")
    }

    /// 2. A costs file whose first buckets are empty is recognised as costs, and read.
    func testCostFileStartingWithEmptyBucketsIsRecognisedAndRead() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/openai-costs-empty-first.json"), .openAICosts)
        XCTAssertEqual(try assertTotals("openai-costs-empty-first.json", .openAICosts), [])
    }

    /// 2. Reading a costs file as usage is an error naming the file, never a row of zeros.
    func testAUsageReaderOnACostsFileFailsInsteadOfWritingZeros() throws {
        var rows = 0
        XCTAssertThrowsError(try convertVendorFile(path: folder + "/openai-costs-empty-first.json", displayPath: "costs.json",
                                                   format: .openAIUsage, tool: nil, people: nil) { _ in rows += 1 }) { error in
            let messages = (error as? InputError)?.diagnostics.map(\.message) ?? []
            XCTAssertTrue(messages.contains { $0.contains("no record of this file could be read as openai-usage") }, "\(messages)")
        }
        XCTAssertEqual(rows, 0)
    }

    /// Every bucket empty: detection does not guess, and says which formats it considered.
    func testAllEmptyBucketsAreNotGuessed() throws {
        let scratch = TemporaryFolder()
        scratch.write("empty.json", #"{"object":"page","data":[{"object":"bucket","start_time":1772409600,"end_time":1772496000,"results":[]}]}"#)
        XCTAssertNil(VendorFormat.detect(path: scratch.path + "/empty.json"))
        XCTAssertEqual(VendorFormat.ambiguity(path: scratch.path + "/empty.json"), VendorFormat.bucketFormats)
    }

    /// 5. Amazon Q's March 2025 header (InlineChat_EventCount) is read.
    func testAmazonQMarch2025HeaderIsRead() throws {
        let diagnostics = try assertTotals("amazon-q-2025-03.csv", .amazonQ)
        XCTAssertTrue(diagnostics.allSatisfy { !$0.message.contains("InlineChat_EventCount") }, "\(diagnostics)")
    }

    /// 8. A European spreadsheet's re-save: ";" between fields, a BOM, CRLF and M/D/YYYY dates.
    func testAmazonQSavedBySpreadsheetIsRead() throws {
        XCTAssertEqual(try assertTotals("amazon-q-excel.csv", .amazonQ), [])
    }

    /// 7. Cursor cost is what the team is charged (chargedCents), and a per-request-billed event
    /// without token usage still has its cost.
    func testCursorCostIsChargedCents() throws {
        XCTAssertEqual(try assertTotals("cursor-charged.json", .cursorEvents), [])
    }

    /// Copilot's organisation report: group rows per feature and the CLI, with the day's active
    /// users on one of them (a day's rows add up to daily_active_users), the organisation as group.
    func testCopilotOrganisationReportIsReadAsTheDaysTotals() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/copilot-org-report.json"), .copilotOrgReport)
        XCTAssertEqual(try assertTotals("copilot-org-report.json", .copilotOrgReport), [])
        var active: [String: Int] = [:], groups = Set<String>(), categories = Set<String>()
        var extras = VendorExtras(), diagnostics: [Diagnostic] = []
        try VendorParser(format: .copilotOrgReport, tool: "github-copilot", file: "x").parse(path: folder + "/copilot-org-report.json", extras: &extras, diagnostics: &diagnostics) { row in
            XCTAssertNil(row.record.user)
            active[row.record.day.description, default: 0] += row.record.activeUsers ?? 0
            groups.insert(row.groupID ?? "-")
            categories.insert(row.record.taskCategory ?? "-")
        }
        XCTAssertEqual(active, ["2026-04-24": 12, "2026-04-25": 3])
        XCTAssertEqual(groups, ["100000001"])
        XCTAssertEqual(categories, ["code_completion", "chat_panel_ask_mode", "agent_edit", "cli", "-"])
    }

    /// The organisation report beside the users report: a day already told person by person is
    /// not counted again; a day only the organisation report covers is.
    func testCopilotOrganisationReportGivesWayToPeopleOnTheSameDay() throws {
        let report = TemporaryFolder()
        report.write("report.yml", "title: T\n")
        try FileManager.default.createDirectory(atPath: report.path + "/data/vendor", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: vendorFixtures + "/copilot/users-1-day-2026-03-02.ndjson", toPath: report.path + "/data/vendor/users.ndjson")
        let org = try String(contentsOfFile: folder + "/copilot-org-report.json", encoding: .utf8)
            .replacingOccurrences(of: "2026-04-24", with: "2026-03-02").replacingOccurrences(of: "2026-04-25", with: "2026-03-04")
        report.write("data/vendor/org.json", org)
        let inputs = try ReportFolder.read(report.path, environment: [:])
        var groupDays = Set<String>()
        let summary = try ReportFolder.readUsage(inputs) { record in
            if record.user == nil { groupDays.insert(record.day.description) }
        }
        XCTAssertEqual(groupDays, ["2026-03-04"])
        XCTAssertEqual(summary.overlaps, 4, "the four group rows of 2 March")
    }

    /// GitHub's billing usage CSV: the Copilot rows' net cost per person and day; the other
    /// products' rows are said, not read.
    func testCopilotBillingReadsCopilotCostOnly() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/copilot-billing.csv"), .copilotBilling)
        let diagnostics = try assertTotals("copilot-billing.csv", .copilotBilling)
        XCTAssertEqual(diagnostics.map(\.description), ["copilot-billing.csv:1: warning: rows of other products are not AI usage and were not read: 1 actions, 1 packages"])
    }

    /// Kiro's per-client user report: messages as requests, per client; credits said to be no
    /// dollars; a cell that is not a count drops that figure; not mistaken for Amazon Q's report.
    func testKiroUserReportIsRead() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/kiro-user-report.csv"), .kiroUsers)
        let diagnostics = try assertTotals("kiro-user-report.csv", .kiroUsers)
        XCTAssertEqual(diagnostics.map(\.description), [
            "kiro-user-report.csv:2: warning: Credits_Used and Overage_Credits_Used are Kiro plan credits, not dollars: not read as cost (give Kiro a price_per_seat_month in data/tools.csv)",
            "kiro-user-report.csv:6: warning: Total_Messages \"x\" is not a non-negative whole number: dropped; the row's other figures are kept",
        ])
    }

    /// OpenAI's usage endpoints besides completions are told apart by their result objects;
    /// storage and sessions are said, not read as requests.
    func testOpenAIUsageEndpointsAreToldApart() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/openai-usage-endpoints.json"), .openAIUsage)
        let diagnostics = try assertTotals("openai-usage-endpoints.json", .openAIUsage)
        XCTAssertEqual(diagnostics.map(\.message).sorted(), [
            "1 code_interpreter_sessions result not read: storage and sessions are not model requests",
            "1 vector_stores result not read: storage and sessions are not model requests",
        ])
        var categories: [String] = []
        var extras = VendorExtras(), issues: [Diagnostic] = []
        try VendorParser(format: .openAIUsage, tool: "openai-api", file: "x").parse(path: folder + "/openai-usage-endpoints.json", extras: &extras, diagnostics: &issues) {
            categories.append($0.record.taskCategory ?? "-")
        }
        XCTAssertEqual(categories, ["gpt-4o", "embeddings", "images", "audio_speeches", "moderations", "audio_transcriptions"])
    }

    /// The seats a report folder holding these field-note files (as `data/vendor/<name>`) reads,
    /// and what reading them said.
    func seats(_ files: [(fixture: String, as: String)]) throws -> (seats: [String: Int], diagnostics: [String]) {
        let report = TemporaryFolder()
        report.write("report.yml", "title: T\n")
        try FileManager.default.createDirectory(atPath: report.path + "/data/vendor", withIntermediateDirectories: true)
        for file in files { try FileManager.default.copyItem(atPath: folder + "/" + file.fixture, toPath: report.path + "/data/vendor/" + file.as) }
        try FileManager.default.copyItem(atPath: vendorFixtures + "/cursor-daily.json", toPath: report.path + "/data/vendor/daily.json")
        let summary = try ReportFolder.readUsage(try ReportFolder.read(report.path, environment: [:])) { _ in }
        return (summary.seats, summary.diagnostics.map(\.description))
    }

    /// The seats field_notes.py counted with Python's csv and json.
    func expectedSeats(_ key: String) throws -> [String: Int] {
        let all = try JSONDecoder().decode([String: [String: Int]].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/seats.json")))
        return try XCTUnwrap(all[key])
    }

    /// Cursor's members list gives the paid seats (a free owner holds none), which join the
    /// tool's licence cost like Copilot's seats; the same list saved twice holds its seats once.
    func testCursorMembersGiveSeats() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/cursor-members.json"), .cursorMembers)
        let read = try seats([("cursor-members.json", "members.json"), ("cursor-members.json", "members-again.json")])
        XCTAssertEqual(read.seats, try expectedSeats("cursor-members.json"))
        XCTAssertEqual(read.diagnostics, [])
    }

    /// Seats as cost: ChatGPT Enterprise's monthly user report. Enabled members hold seats;
    /// pending invitations and deleted members do not; a status Candor does not know is told;
    /// of two months, the later month's list is the seats (not their sum). The messages are
    /// monthly totals, not days, and the file says it does not read them as usage.
    func testChatGPTEnterpriseUserReportGivesTheLatestMonthsSeats() throws {
        for month in ["09", "10"] {
            XCTAssertEqual(VendorFormat.detect(path: folder + "/chatgpt-enterprise-users-2025-\(month).csv"), .chatGPTEnterpriseUsers)
        }
        let read = try seats([("chatgpt-enterprise-users-2025-10.csv", "october.csv"), ("chatgpt-enterprise-users-2025-09.csv", "september.csv")])
        XCTAssertEqual(read.seats, try expectedSeats("chatgpt-enterprise-users"))
        let totals = "warning: messages and the other figures per person are totals over a month, not days: not read as usage; the file gives the workspace's seats (enabled members)"
        XCTAssertEqual(read.diagnostics, [
            "data/vendor/october.csv:2: \(totals)",
            "data/vendor/october.csv:1: warning: user_status \"suspended\" (1 member) is not one Candor knows (enabled, pending, deleted): not counted as seats",
            "data/vendor/september.csv:2: \(totals)",
        ])
    }

    /// Seats as cost: Amazon Q Business's ListSubscriptions pages. Pro and Lite are seats of two
    /// tools (priced apart); a user on two pages holds one seat; a group's members are not listed,
    /// so its subscription is told, not guessed at.
    func testAmazonQBusinessSubscriptionsGiveSeatsPerTier() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/amazon-q-business-subscriptions.ndjson"), .amazonQBusinessSubscriptions)
        let read = try seats([("amazon-q-business-subscriptions.ndjson", "q-subscriptions.ndjson")])
        XCTAssertEqual(read.seats, try expectedSeats("amazon-q-business-subscriptions.ndjson"))
        XCTAssertEqual(read.diagnostics, ["data/vendor/q-subscriptions.ndjson:1: warning: 1 group subscription: the response does not list a group's members, so they are not counted as seats (give the count as seats in data/tools.csv)"])
    }

    /// Seats typed into tools.csv count for any tool, and replace an export's count (the
    /// difference is told); a count that is not a whole number is rejected at its line.
    func testSeatsFromToolsCSV() throws {
        let report = TemporaryFolder()
        report.write("report.yml", "title: T\n")
        report.write("data/tools.csv", """
            tool,capability,price_per_seat_month,seats
            chatgpt-enterprise,chat,60,250
            cursor,coding,40,5
            kiro,coding,19,2.5

            """)
        try FileManager.default.createDirectory(atPath: report.path + "/data/vendor", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/cursor-members.json", toPath: report.path + "/data/vendor/members.json")
        try FileManager.default.copyItem(atPath: vendorFixtures + "/cursor-daily.json", toPath: report.path + "/data/vendor/daily.json")
        let inputs = try ReportFolder.read(report.path, environment: [:])
        XCTAssertEqual(inputs.diagnostics.map(\.description), ["data/tools.csv:4: error: seats \"2.5\" is not a whole number of seats"])
        let summary = try ReportFolder.readUsage(inputs) { _ in }
        XCTAssertEqual(summary.seats, ["cursor": 5, "chatgpt-enterprise": 250])
        XCTAssertEqual(summary.diagnostics.map(\.description),
                       ["data/tools.csv:3: warning: cursor has 5 seats here and 3 in its seat export; the count here is used"])
    }

    /// Cursor's cycle spend: a cost row per member on the cycle's first day; beside Cursor's
    /// usage events (the same money, request by request) the file is not read, and it says so.
    func testCursorSpendIsCostUnlessEventsCarryIt() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/cursor-spend.json"), .cursorSpend)
        XCTAssertEqual(try assertTotals("cursor-spend.json", .cursorSpend), [])
        let report = TemporaryFolder()
        report.write("report.yml", "title: T\n")
        try FileManager.default.createDirectory(atPath: report.path + "/data/vendor", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/cursor-spend.json", toPath: report.path + "/data/vendor/spend.json")
        try FileManager.default.copyItem(atPath: vendorFixtures + "/cursor/usage-events.json", toPath: report.path + "/data/vendor/events.json")
        var categories = Set<String>()
        let summary = try ReportFolder.readUsage(try ReportFolder.read(report.path, environment: [:])) { categories.insert($0.taskCategory ?? "-") }
        XCTAssertFalse(categories.contains("billing_cycle"))
        XCTAssertEqual(summary.diagnostics.map(\.description),
                       ["data/vendor/spend.json:1: warning: not read: data/vendor/events.json (cursor-events) carries the same cursor figures day by day"])
    }

    /// 6. Claude Enterprise's analytics usage report is its own format (it was taken for Claude
    /// Code analytics, whose records also have an actor, and failed on dates).
    func testAnthropicAnalyticsUsageIsNotClaudeCode() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/anthropic-analytics-usage.json"), .anthropicAnalyticsUsage)
        XCTAssertEqual(VendorFormat.detect(path: vendorFixtures + "/claude-code.json"), .claudeCode)
        XCTAssertEqual(try assertTotals("anthropic-analytics-usage.json", .anthropicAnalyticsUsage), [])
    }

    /// The Enterprise analytics cost report: amounts in fractional cents become dollars, per
    /// person and day; its items (an actor, a start, requests) are not taken for the usage
    /// report's, nor the usage report's for its. An undated item (fetched without
    /// bucket_width) and a cost in another currency are errors at their line, not guesses.
    func testAnthropicAnalyticsCostIsDollarsPerPersonAndDay() throws {
        XCTAssertEqual(VendorFormat.detect(path: folder + "/anthropic-analytics-cost.json"), .anthropicAnalyticsCost)
        XCTAssertEqual(VendorFormat.detect(path: folder + "/anthropic-analytics-usage.json"), .anthropicAnalyticsUsage)
        XCTAssertEqual(try assertTotals("anthropic-analytics-cost.json", .anthropicAnalyticsCost), [])
        let scratch = TemporaryFolder()
        let path = scratch.write("cost.json", """
            {"data": [{"actor": {"type": "user_actor", "user_id": "user_01Ann"}, "amount": "100", "list_amount": "100", "currency": "USD", "starting_at": null},
                      {"actor": {"type": "user_actor", "user_id": "user_01Ann"}, "amount": "100", "list_amount": "100", "currency": "EUR", "starting_at": "2026-03-02T00:00:00Z"}]}
            """)
        var extras = VendorExtras(), issues: [Diagnostic] = [], rows = 0
        // Every item dropped: the file is an error, with each item's reason at its line.
        XCTAssertThrowsError(try VendorParser(format: .anthropicAnalyticsCost, tool: "claude-enterprise", file: "cost.json")
            .parse(path: path, extras: &extras, diagnostics: &issues) { _ in rows += 1 }) { error in
            XCTAssertTrue("\(error)".contains("no record of this file could be read as anthropic-analytics-cost (2 issues)"), "\(error)")
        }
        XCTAssertEqual(rows, 0)
        XCTAssertEqual(issues.map(\.description), [
            "cost.json:1: error: a cost item without \"starting_at\": the report was fetched without bucket_width, so each item covers the whole range and cannot be dated (fetch it with bucket_width=1d)",
            "cost.json:2: error: a cost in EUR, not USD: not read (Candor's costs are dollars)",
        ])
    }

    /// Every registered format has a distinct name, and each is recognised by no other format's test.
    func testTheRegistryNamesEachFormatOnce() {
        XCTAssertEqual(Set(VendorFormat.registry.map(\.rawValue)).count, VendorFormat.registry.count)
        for format in VendorFormat.registry { XCTAssertEqual(VendorFormat(rawValue: format.rawValue), format) }
        XCTAssertNil(VendorFormat(rawValue: "copilot"))
    }

    /// 9. A report whose only vendor file is not recognised names that file.
    func testASoleUnrecognisedVendorFileIsNamed() throws {
        let scratch = TemporaryFolder()
        scratch.write("report.yml", "title: t\n")
        try FileManager.default.createDirectory(atPath: scratch.path + "/data/vendor", withIntermediateDirectories: true)
        scratch.write("data/vendor/mystery.json", #"{"hello":"world"}"#)
        XCTAssertThrowsError(try ReportFolder.read(scratch.path, environment: [:])) { error in
            let diagnostics = (error as? InputError)?.diagnostics ?? []
            XCTAssertTrue(diagnostics.contains { $0.file == "data/vendor/mystery.json" }, "\(diagnostics)")
        }
    }
}

/// `candor import` and `candor build` read a vendor file through the same code: the same rows,
/// figures and teams for every fixture file (identities compared by the directory's name, as
/// import keeps them as the vendor wrote them).
final class ImportMatchesBuildTests: XCTestCase {
    struct Row: Hashable, CustomStringConvertible {
        var day: String, user: String, team: String, tool: String
        var figures: [Int64]
        var description: String { "\(day) \(user) \(team) \(tool) \(figures)" }
    }

    func row(_ record: UsageRecord, people: PeopleDirectory) -> Row {
        Row(day: record.day.description, user: record.user.map { people.canonical($0) ?? $0 } ?? "-", team: record.team, tool: record.tool,
            figures: [record.requests, record.suggestionsShown ?? -1, record.suggestionsAccepted ?? -1, record.linesSuggested ?? -1,
                      record.linesAccepted ?? -1, record.inputTokens, record.outputTokens, record.cachedTokens,
                      record.costUSD.map { Int64(($0 * 1_000_000).rounded()) } ?? -1, Int64(record.activeUsers ?? -1)])
    }

    func testImportAndBuildGiveTheSameRows() throws {
        let (people, _) = try readPeopleDirectory(path: vendorFixtures + "/people.csv")
        let fieldNotes = URL(fileURLWithPath: vendorFixtures).deletingLastPathComponent().appendingPathComponent("field-notes").path
        let files: [(String, VendorFormat)] = [
            (vendorFixtures + "/claude-code.json", .claudeCode), (vendorFixtures + "/cursor-daily.json", .cursorDaily),
            (vendorFixtures + "/openai-usage.json", .openAIUsage), (vendorFixtures + "/copilot/metrics-legacy.json", .copilotMetrics),
            (vendorFixtures + "/copilot/users-1-day-2026-03-02.ndjson", .copilotUsers), (vendorFixtures + "/anthropic/cost-report.json", .anthropicCost),
            (vendorFixtures + "/anthropic/usage-messages.ndjson", .anthropicUsage), (vendorFixtures + "/cursor/usage-events.json", .cursorEvents),
            (fieldNotes + "/copilot-org-report.json", .copilotOrgReport), (fieldNotes + "/copilot-billing.csv", .copilotBilling),
            (fieldNotes + "/kiro-user-report.csv", .kiroUsers), (fieldNotes + "/amazon-q-excel.csv", .amazonQ),
            (fieldNotes + "/openai-usage-endpoints.json", .openAIUsage), (fieldNotes + "/cursor-spend.json", .cursorSpend),
            (fieldNotes + "/anthropic-analytics-usage.json", .anthropicAnalyticsUsage),
        ]
        for (path, format) in files {
            var imported: [Row] = []
            _ = try convertVendorFile(path: path, displayPath: "f", format: format, tool: nil, people: people) { imported.append(row($0, people: people)) }
            let folder = TemporaryFolder()
            let name = (path as NSString).lastPathComponent
            folder.write("report.yml", "title: T\nsources:\n  - {format: \(format.rawValue), path: data/vendor/\(name)}\n")
            try FileManager.default.createDirectory(atPath: folder.path + "/data/vendor", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path, toPath: folder.path + "/data/vendor/" + name)
            try FileManager.default.copyItem(atPath: vendorFixtures + "/people.csv", toPath: folder.path + "/data/people.csv")
            var built: [Row] = []
            _ = try ReportFolder.readUsage(try ReportFolder.read(folder.path, environment: [:])) { built.append(row($0, people: people)) }
            XCTAssertFalse(built.isEmpty, name)
            // Group rows: import keeps an unmapped group id as the team, a build says "organisation".
            let groupless = imported.map { row -> Row in
                var row = row
                if row.user == "-" { row.team = "organisation" }
                return row
            }
            XCTAssertEqual(groupless.sorted { $0.description < $1.description }, built.sorted { $0.description < $1.description }, name)
        }
    }
}

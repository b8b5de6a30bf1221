import Foundation
import XCTest
@testable import Dataset

final class UsageReaderTests: XCTestCase {
    func read(_ text: String, name: String = "u.csv", config: ReportConfig = ReportConfig(), people: PeopleDirectory? = nil)
        throws -> (rows: [UsageRecord], result: UsageReader.FileResult) {
        let folder = TemporaryFolder()
        let path = folder.write(name, text)
        var rows: [UsageRecord] = []
        let result = try UsageReader(config: config, people: people).read(path: path, displayPath: "data/usage/\(name)") { rows.append($0) }
        return (rows, result)
    }

    func testEachKindOfBadRowIsRejectedWithFileLineAndReasonAndGoodRowsKept() throws {
        let text = """
        date,user,team,tool,requests,input_tokens,output_tokens,suggestions_shown,suggestions_accepted
        2026-01-05,u1,Payments,copilot,3,100,20,10,4
        2026-02-30,u1,Payments,copilot,3,100,20,10,4
        2026-01-05,u2,Payments,copilot,-1,100,20,10,4
        2026-01-05,u2,Payments,copilot,many,100,20,10,4
        2026-01-05,u2,Payments,copilot,3,100,20,10,11
        2026-01-05,u2,Payments,copilot,3
        2026-01-06,u3,Search,cursor,5,10,2,,
        """
        let (rows, result) = try read(text + "\n")
        // Per measure: more accepted than shown drops the suggestion counts, not the row.
        XCTAssertEqual(rows.map(\.user), ["u1", "u2", "u3"])
        XCTAssertEqual(result.rowsRead, 7)
        XCTAssertEqual(result.rowsRejected, 4)
        XCTAssertEqual(result.diagnostics.map(\.description), [
            "data/usage/u.csv:3: error: date \"2026-02-30\" is not a date as YYYY-MM-DD",
            "data/usage/u.csv:4: error: requests is negative (-1)",
            "data/usage/u.csv:5: error: requests \"many\" is not a number",
            "data/usage/u.csv:6: warning: suggestions_accepted (11) is more than suggestions_shown (10) or out of range: both dropped; the row's other figures are kept",
            "data/usage/u.csv:7: error: expected 9 fields as in the header, found 5",
        ])
        XCTAssertEqual(rows[1].tokens, 120)
        XCTAssertNil(rows[1].suggestionsShown)
        XCTAssertNil(rows[1].suggestionsAccepted)
        XCTAssertEqual(rows[2].tokens, 12)
        XCTAssertNil(rows[2].suggestionsShown)
    }

    /// The reading loop fills one record for all its rows: each row reads as itself, whatever
    /// the row before it held (every optional field of the first, none of the second), in CSV
    /// and in JSON lines, and a rejected row in between leaves nothing behind.
    func testEachRowReadsAsItselfWhateverTheRowBeforeHeld() throws {
        let csv = """
        date,user,team,tool,requests,input_tokens,output_tokens,cached_tokens,suggestions_shown,suggestions_accepted,lines_suggested,lines_accepted,task_category,prompt_hash,automated,cost_usd,active_users
        2026-01-05,u1,A,copilot,3,100,20,50,10,4,30,9,coding,abc123,true,0.25,
        2026-01-05,u2,B,cursor,x,1,1,,,,,,,,,,
        2026-01-06,,B,cursor,2,,,,,,,,,,,,4
        2026-01-07,u3,B,cursor,1,,,,,,,,,,,,
        """
        let jsonl = """
        {"date":"2026-01-05","user":"u1","team":"A","tool":"copilot","requests":3,"input_tokens":100,"output_tokens":20,"cached_tokens":50,"suggestions_shown":10,"suggestions_accepted":4,"lines_suggested":30,"lines_accepted":9,"task_category":"coding","prompt_hash":"abc123","automated":true,"cost_usd":0.25}
        {"date":"2026-01-05","user":"u2","team":"B","tool":"cursor","requests":"x"}
        {"date":"2026-01-06","team":"B","tool":"cursor","requests":2,"active_users":4}
        {"date":"2026-01-07","user":"u3","team":"B","tool":"cursor","requests":1}
        """
        for (name, text) in [("u.csv", csv), ("u.jsonl", jsonl)] {
            let (rows, result) = try read(text + "\n", name: name)
            XCTAssertEqual(result.rowsRejected, 1, name)
            XCTAssertEqual(rows.count, 3, name)
            guard rows.count == 3 else { continue }
            XCTAssertEqual(rows[0].cachedTokens, 50, name)
            XCTAssertEqual(rows[0].taskCategory, "coding", name)
            XCTAssertEqual(rows[0].automated, true, name)
            for row in rows.dropFirst() {
                XCTAssertEqual(row.team, "B", name)
                XCTAssertEqual(row.tool, "cursor", name)
                XCTAssertEqual([row.inputTokens, row.outputTokens, row.cachedTokens], [0, 0, 0], name)
                XCTAssertNil(row.suggestionsShown, name)
                XCTAssertNil(row.suggestionsAccepted, name)
                XCTAssertNil(row.linesSuggested, name)
                XCTAssertNil(row.linesAccepted, name)
                XCTAssertNil(row.taskCategory, name)
                XCTAssertNil(row.promptHash, name)
                XCTAssertFalse(row.automated, name)
                XCTAssertNil(row.costUSD, name)
                XCTAssertEqual(row.nameKeys.category, -1, name)
            }
            XCTAssertNil(rows[1].user, name)
            XCTAssertEqual(rows[1].activeUsers, 4, name)
            XCTAssertEqual(rows[2].user, "u3", name)
            XCTAssertNil(rows[2].activeUsers, name)
            XCTAssertEqual(rows[2].requests, 1, name)
        }
    }

    func testInvalidUTF8AndUnterminatedQuoteAreRejectedAtTheirLines() throws {
        let folder = TemporaryFolder()
        var bytes = Array("date,user,team,tool,requests\n2026-01-05,u1,T,t,1\n2026-01-05,".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(",T,t,1\n2026-01-06,u3,T,t,2\n2026-01-07,\"u4,T,t,1\n".utf8)
        let path = folder.write("u.csv", Data(bytes))
        var rows: [UsageRecord] = []
        let result = try UsageReader(config: ReportConfig()).read(path: path, displayPath: "u.csv") { rows.append($0) }
        XCTAssertEqual(rows.map(\.user), ["u1", "u3"])
        XCTAssertEqual(result.diagnostics.map(\.description), [
            "u.csv:3: error: user is not valid UTF-8",
            "u.csv:5: error: a quoted field starting on this line is never closed",
        ])
    }

    func testHeadersAreCaseInsensitiveAliasedAndUnknownColumnsWarnedOnce() throws {
        var config = ReportConfig()
        config.columnAliases = ["user": "employee_id"]
        let (rows, result) = try read("Date,EMPLOYEE_ID,Team,Tool,Requests,colour\n2026-01-05,e1,T,t,2,red\n2026-01-06,e1,T,t,2,blue\n", config: config)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].user, "e1")
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .warning }.count, 1)
        XCTAssertTrue(result.diagnostics[0].message.hasPrefix("unknown column \"colour\" is ignored"))
    }

    func testMissingRequiredColumnFailsTheFileNamingIt() {
        XCTAssertThrowsError(try read("date,user,tool,requests\n2026-01-05,u,t,1\n")) { error in
            XCTAssertEqual("\(error)", "data/usage/u.csv:1: error: missing required column \"team\"; the header has: date, user, tool, requests")
        }
    }

    func testGroupRowsWithActiveUsersAreAccepted() throws {
        let (rows, result) = try read("date,team,tool,requests,active_users\n2026-01-05,Org,copilot-metrics,40,12\n")
        XCTAssertEqual(result.rowsRejected, 0)
        XCTAssertNil(rows[0].user)
        XCTAssertEqual(rows[0].activeUsers, 12)
    }

    func testJSONLinesAreReadWithTheSameRules() throws {
        let text = """
        {"date":"2026-01-05","user":"u1","team":"T","tool":"t","requests":3,"input_tokens":10,"automated":true}
        not json
        {"date":"2026-01-05","user":"u2","team":"T","tool":"t","requests":-2}

        {"date":"2026-01-06","user":"u3","team":"T","tool":"t","requests":"4","extra":1}
        """
        let (rows, result) = try read(text, name: "u.jsonl")
        XCTAssertEqual(rows.map(\.user), ["u1", "u3"])
        XCTAssertTrue(rows[0].automated)
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.map(\.description), [
            "data/usage/u.jsonl:2: error: not a JSON object",
            "data/usage/u.jsonl:3: error: requests is negative (-2)",
        ])
    }

    func testTeamComesFromThePeopleDirectoryWhenTheRowHasNone() throws {
        let people = PeopleDirectory(people: [Person(user: "ann@example.com", team: "Search")], aliases: [["ann-gh"]])
        let (rows, result) = try read("date,user,tool,requests\n2026-01-05,ANN-GH,t,1\n2026-01-05,bob,t,1\n", people: people)
        XCTAssertEqual(rows.map(\.team), ["Search", "unassigned"])
        XCTAssertEqual(result.unmatchedIdentities, ["bob"])
    }

    /// A row of the same person, team, tool or category as the row before leaves those names
    /// where the record holds them (`NameCache.entry(_:column:holding:)`): each row still reads
    /// as its own names, whether the one before was the same, a team from the directory, or
    /// rejected halfway.
    func testNamesHeldFromTheRowBeforeAreEachRowsOwn() throws {
        let people = PeopleDirectory(people: [Person(user: "ann@example.com", team: "Search")], aliases: [["ann-gh"]])
        let text = """
        date,user,team,tool,requests,task_category
        2026-01-05,ann-gh,A,t1,1,coding
        2026-01-05,ann-gh,,t1,1,coding
        2026-01-05,ann-gh,A,,1,
        2026-01-06,ann-gh,A,t2,1,
        2026-01-06,bob,A,t2,1,review
        2026-01-06,bob,,t2,1,review
        2026-01-07,ann-gh,B,t1,1,coding
        2026-01-07,ann-gh,B,t1,1,coding
        """
        let (rows, result) = try read(text + "\n", people: people)
        XCTAssertEqual(result.rowsRejected, 1)
        XCTAssertEqual(rows.map(\.user), ["ann@example.com", "ann@example.com", "ann@example.com", "bob", "bob", "ann@example.com", "ann@example.com"])
        XCTAssertEqual(rows.map(\.team), ["A", "Search", "A", "A", "unassigned", "B", "B"])
        XCTAssertEqual(rows.map(\.tool), ["t1", "t1", "t2", "t2", "t2", "t1", "t1"])
        XCTAssertEqual(rows.map(\.taskCategory), ["coding", "coding", nil, "review", "review", "coding", "coding"])
        // The keys name the same entries as the strings: one key per distinct name.
        for (a, b) in zip(rows, rows.dropFirst()) {
            XCTAssertEqual(a.nameKeys.user == b.nameKeys.user, a.user == b.user)
            XCTAssertEqual(a.nameKeys.tool == b.nameKeys.tool, a.tool == b.tool)
            XCTAssertEqual(a.nameKeys.category == b.nameKeys.category, a.taskCategory == b.taskCategory)
        }
        XCTAssertEqual(result.unmatchedIdentities, ["bob"])
    }

    func testPartFoldersAreReadAsOneTableAndMarkerFilesSkipped() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\n")
        folder.write("data/usage/rollup/part-00000-abc.csv", "date,user,team,tool,requests\n2026-01-05,u1,T,t,1\n")
        folder.write("data/usage/rollup/part-00001-abc.csv", "date,user,team,tool,requests\n2026-01-06,u2,T,t,1\n")
        folder.write("data/usage/rollup/_SUCCESS", "")
        folder.write("data/usage/rollup/.part-00000-abc.csv.crc", "xx")
        let inputs = try ReportFolder.read(folder.path)
        XCTAssertEqual(inputs.usageFiles, ["data/usage/rollup/part-00000-abc.csv", "data/usage/rollup/part-00001-abc.csv"])
        var users: [String] = []
        let summary = try ReportFolder.readUsage(inputs) { users.append($0.user!) }
        XCTAssertEqual(users, ["u1", "u2"])
        XCTAssertEqual(summary.files.count, 2)
    }

    /// Headcount and outcomes are read on another core while the rest is read: their problems,
    /// files and errors still come first, as the tables' order is.
    func testSmallTablesReadMeanwhileAreTakenInTheirOrder() throws {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\n")
        folder.write("data/headcount.csv", "team,headcount,colour\nT,4,red\n")
        folder.write("data/outcomes.csv", "period,team,metric,value\n2026-W02,T,prs,3\n2026-W02,T,prs,-1\n")
        folder.write("data/tools.csv", "tool,capability,size\nt,chat,big\n")
        folder.write("data/usage/u.csv", "date,user,team,tool,requests\n2026-01-05,u1,T,t,1\n")
        let inputs = try ReportFolder.read(folder.path)
        XCTAssertEqual(inputs.diagnostics.map(\.description), [
            "data/headcount.csv:1: warning: unknown column \"colour\" is ignored",
            "data/outcomes.csv:3: error: value is negative (-1)",
            "data/tools.csv:1: warning: unknown column \"size\" is ignored",
        ])
        XCTAssertEqual(inputs.files.map(\.path), ["data/headcount.csv", "data/outcomes.csv", "data/tools.csv"])
        XCTAssertEqual(inputs.files.map(\.rows), [1, 1, 1])
        XCTAssertEqual(inputs.rowsRejected, 1)
        XCTAssertEqual(inputs.rowsRead, 3)
        XCTAssertEqual(inputs.headcount.map(\.headcount), [4])
        XCTAssertEqual(inputs.outcomes.map(\.value), [3])

        // A table's error is told before a later problem of the folder (here: no usage data).
        let empty = TemporaryFolder()
        empty.write("report.yml", "title: T\n")
        empty.write("data/outcomes.csv", "period,team\n")
        XCTAssertThrowsError(try ReportFolder.read(empty.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("data/outcomes.csv:1: error: missing required columns"), "\(error)")
        }
    }

    func testEmptyUsageFolderFailsNamingIt() {
        let folder = TemporaryFolder()
        folder.write("report.yml", "title: T\n")
        XCTAssertThrowsError(try ReportFolder.read(folder.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("data/usage: error: no usage data"), "\(error)")
        }
    }
}

final class ReportConfigTests: XCTestCase {
    func testUnknownKeyNamesItsLineAndSuggests() {
        XCTAssertThrowsError(try ReportConfig.parse("title: T\nsignals:\n  review_date: [2026-03-31]\n")) { error in
            XCTAssertEqual("\(error)", "report.yml:3:3: error: unknown key \"review_date\" in \"signals\"; did you mean \"review_dates\"?; known keys: review_dates, review_window_days, low_value_categories, false_discovery_rate, flag_threshold, weights")
        }
    }

    func testPrivacySettingsAreReadWithTheirDefaults() throws {
        let defaults = try ReportConfig.parse("title: T\n")
        XCTAssertEqual([defaults.dominanceP, defaults.protectionPct], [10, 10])
        let set = try ReportConfig.parse("title: T\nprivacy: {min_group_size: 7, dominance_p: 0, protection_pct: 15}\n")
        XCTAssertEqual(set.minGroupSize, 7)
        XCTAssertEqual([set.dominanceP, set.protectionPct], [0, 15])
        XCTAssertThrowsError(try ReportConfig.parse("title: T\nprivacy: {protection_pct: 150}\n")) { error in
            XCTAssertTrue("\(error)".contains("\"privacy.protection_pct\" must be between 0 and 100"), "\(error)")
        }
    }

    func testClimateFactorsTakeANumberOrARangeAndTheOldSingleFactor() throws {
        let set = try ReportConfig.parse("title: T\nclimate: {wh_per_1k_output: {low: 1, high: 2}, grid_g_co2e_per_kwh: 300}\n")
        XCTAssertEqual(set.whPer1kOutput, .init(low: 1, high: 2))
        XCTAssertEqual(set.gridGramsCO2ePerKWh, .init(low: 300, high: 300))
        XCTAssertEqual(set.whPer1kInput, ReportConfig().whPer1kInput)  // the sourced default stays
        let old = try ReportConfig.parse("title: T\nclimate: {wh_per_1k_tokens: {low: 0.3, high: 3}}\n")
        XCTAssertEqual([old.whPer1kInput, old.whPer1kOutput, old.whPer1kCached], Array(repeating: .init(low: 0.3, high: 3), count: 3))
        XCTAssertThrowsError(try ReportConfig.parse("title: T\nclimate: {grid_g_co2e_per_kwh: {low: 500, high: 100}}\n")) { error in
            XCTAssertTrue("\(error)".contains("high (100) is below low (500)"), "\(error)")
        }
    }

    func testWrongTypesAndImpossibleValuesAreErrors() {
        XCTAssertThrowsError(try ReportConfig.parse("title: T\nprivacy: {min_group_size: 1}\nsignals: {false_discovery_rate: 2}\nperiod: {from: 2026-02-01, to: 2026-01-01}\n")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("report.yml:2:27: error: \"privacy.min_group_size\" must be between 2 and 1000000, not 1"), text)
            XCTAssertTrue(text.contains("\"signals.false_discovery_rate\" must be between 0.001 and 0.5, not 2"), text)
            XCTAssertTrue(text.contains("\"period.to\" (2026-01-01) is before \"period.from\" (2026-02-01)"), text)
        }
    }

    func testAFullConfigIsRead() throws {
        let config = try ReportConfig.parse("""
        title: "AI adoption"
        organisation: Example
        period: {from: 2026-01-05, to: 2026-09-27}
        value: {metric: prs_merged}
        columns: {user: employee_id}
        signals:
          review_dates: [2026-06-30, 2026-03-31]
          weights: {review_spike: 2}
        themes:
          mandate: [mandate, quota]
        redact: ["EMP-\\\\d{6}"]
        """)
        XCTAssertEqual(config.reviewDates.map(\.description), ["2026-03-31", "2026-06-30"])
        XCTAssertEqual(config.weights["review_spike"], 2)
        XCTAssertEqual(config.themes, [.init(name: "mandate", phrases: ["mandate", "quota"])])
        XCTAssertEqual(config.columnAliases, ["user": "employee_id"])
        XCTAssertEqual(config.redact, ["EMP-\\d{6}"])
    }

    func testAliasBombStopsAtTheBudgetInsteadOfHanging() {
        var yaml = "title: T\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "themes: {bomb: *a11}\n"
        let started = Date()
        XCTAssertThrowsError(try ReportConfig.parse(yaml))
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    func testInvalidYAMLNamesTheLine() {
        XCTAssertThrowsError(try ReportConfig.parse("title: T\nperiod: {from: 2026-01-05\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("report.yml:3:"), "\(error)")
        }
    }
}

final class FeedbackReaderTests: XCTestCase {
    func testFrontMatterDocumentAndSurveyRows() throws {
        var diagnostics: [Diagnostic] = []
        let document = FeedbackReader.document(text: "---\ndate: 2026-10-02\nteam: Payments\nchannel: survey\nscores: {usefulness: 2, pressure_to_use: 5}\n---\nFree *text*.\n", file: "feedback/a.md", diagnostics: &diagnostics)
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(document?.team, "Payments")
        XCTAssertEqual(document?.scores.map(\.value), [2, 5])
        XCTAssertEqual(document?.textLine, 7)
        let bad = FeedbackReader.document(text: "---\ndate: 2026-10-02\nchanel: survey\n---\nx\n", file: "feedback/b.md", diagnostics: &diagnostics)
        XCTAssertNil(bad)
        XCTAssertEqual(diagnostics.first?.line, 3)
        XCTAssertTrue(diagnostics.first?.message.contains("did you mean \"channel\"") == true, diagnostics.description)

        let folder = TemporaryFolder()
        let path = folder.write("s.csv", "date,team,usefulness,comment\n2026-10-01,Payments,4,\"Good, helpful\"\n2026-10-01,Payments,9,bad\n")
        var rejected = 0
        diagnostics = []
        let rows = try FeedbackReader.survey(path: path, file: "feedback/s.csv", diagnostics: &diagnostics, rejected: &rejected)
        XCTAssertEqual(rows.map(\.text), ["Good, helpful"])
        XCTAssertEqual(diagnostics.map(\.description), ["feedback/s.csv:3: error: score usefulness \"9\" is not a whole number from 1 to 5"])
    }

    func testSlugsThatLeaveTheFolderAreRefused() {
        XCTAssertNotNil(slugProblem("../etc/passwd"))
        XCTAssertNotNil(slugProblem("/abs"))
        XCTAssertNotNil(slugProblem(".hidden"))
        XCTAssertNil(slugProblem("q3-findings"))
    }
}

/// The per-file name cache: one entry per (column, bytes), found again whatever came between,
/// through every growth of its table.
final class NameCacheTests: XCTestCase {
    func testEverySpellingOfABooleanAndNothingElse() throws {
        for spelling in ["true", "1", "TRUE", "True", "yes", "Y", "t"] {
            XCTAssertTrue(try spelling.utf8CString.withUnsafeBufferPointer { chars in
                try chars.withMemoryRebound(to: UInt8.self) { try parseBool(UnsafeBufferPointer(rebasing: $0.dropLast()), column: "automated") }
            }, spelling)
        }
        for spelling in ["false", "0", "FALSE", "no", "n", "F"] {
            XCTAssertFalse(try spelling.utf8CString.withUnsafeBufferPointer { chars in
                try chars.withMemoryRebound(to: UInt8.self) { try parseBool(UnsafeBufferPointer(rebasing: $0.dropLast()), column: "automated") }
            }, spelling)
        }
        for wrong in ["truee", "tru", "2", "10", "00", "falsey", "yess"] {
            XCTAssertThrowsError(try wrong.utf8CString.withUnsafeBufferPointer { chars in
                try chars.withMemoryRebound(to: UInt8.self) { try parseBool(UnsafeBufferPointer(rebasing: $0.dropLast()), column: "automated") }
            }, wrong)
        }
    }

    func testEveryNameIsFoundAgainAndColumnsAreKeptApart() throws {
        var cache = NameCache()
        func entry(_ text: String, _ column: UsageColumn) throws -> (Int32, String) {
            var bytes = Array(text.utf8)
            return try bytes.withUnsafeMutableBufferPointer { try cache.entry(UnsafeBufferPointer($0), column: column) }
        }
        var first: [String: Int32] = [:]
        for index in 0..<5_000 {
            let (id, string) = try entry("user-\(index * 7919 % 5_000)", .user)
            XCTAssertEqual(string, "user-\(index * 7919 % 5_000)")
            first[string] = id
        }
        XCTAssertEqual(Set(first.values).count, 5_000)
        for index in stride(from: 4_999, through: 0, by: -3) {
            XCTAssertEqual(try entry("user-\(index)", .user).0, first["user-\(index)"])
        }
        let team = try entry("user-42", .team)
        XCTAssertEqual(team.1, "user-42")
        XCTAssertNotEqual(team.0, first["user-42"])
        XCTAssertEqual(try entry("user-42", .team).0, team.0)
        XCTAssertThrowsError(try entry("bad\u{1B}name", .tool))
    }

    /// The table keeps a name of up to 16 bytes beside its hash, and compares longer ones
    /// whole: names equal in their first 16 bytes, names one zero byte apart and names longer
    /// than the length it keeps (255) are each their own entry, found again, also when the
    /// previous row had the other.
    func testNamesAlikeInTheirFirstBytesOrLengthAreKeptApart() throws {
        var cache = NameCache()
        func entry(_ text: String) throws -> (Int32, String) {
            var bytes = Array(text.utf8)
            return try bytes.withUnsafeMutableBufferPointer { try cache.entry(UnsafeBufferPointer($0), column: .team) }
        }
        let prefix = "0123456789abcdef"
        let names = ["", "a", prefix.dropLast().description, prefix, prefix + "0", prefix + "1", prefix + prefix,
                     String(repeating: "x", count: 300), String(repeating: "x", count: 301), String(repeating: "x", count: 255),
                     String(repeating: "x", count: 300) + "y"]
        var ids: [Int32] = []
        for name in names {
            let (id, string) = try entry(name)
            XCTAssertEqual(string, name)
            ids.append(id)
        }
        XCTAssertEqual(Set(ids).count, names.count)
        for _ in 0..<3 {
            for (name, id) in zip(names, ids).reversed() { XCTAssertEqual(try entry(name).0, id, name) }
            for (name, id) in zip(names, ids) {
                let found = try entry(name)
                XCTAssertEqual(found.0, id, name)
                XCTAssertEqual(found.1, name)
            }
        }
        XCTAssertThrowsError(try entry("a\u{0}"), "not the entry of \"a\": a control character is refused")
    }

    /// Short names that share a place among the names found lately (`recent`, placed by an
    /// unkeyed mix) take turns there: each is still found as its own entry, in either column,
    /// however they alternate — three or more of them, as a place holds two.
    func testNamesSharingARecentPlaceAreEachFoundAgain() throws {
        var cache = NameCache()
        func entry(_ text: String, _ column: UsageColumn) throws -> Int32 {
            var bytes = Array(text.utf8)
            return try bytes.withUnsafeMutableBufferPointer { try cache.entry(UnsafeBufferPointer($0), column: column).0 }
        }
        func place(_ text: String, _ column: UsageColumn) -> Int {
            Array(text.utf8).withUnsafeBufferPointer { NameCache.place(of: $0, column: column) }
        }
        var byPlace: [Int: [String]] = [:]
        for index in 0..<20_000 { byPlace[place("team \(index)", .team), default: []].append("team \(index)") }
        let sharing = try XCTUnwrap(byPlace.values.first { $0.count >= 3 })
        var ids: [String: Int32] = [:]
        for name in sharing { ids[name] = try entry(name, .team) }
        XCTAssertEqual(Set(ids.values).count, sharing.count)
        for round in 0..<4 {
            for name in round % 2 == 0 ? sharing : sharing.reversed() {
                XCTAssertEqual(try entry(name, .team), ids[name], name)
                XCTAssertEqual(try entry(name, .team), ids[name], "\(name), again")
            }
        }
        let tool = try entry(sharing[0], .tool)
        XCTAssertFalse(ids.values.contains(tool), "another column's name is another entry")
        XCTAssertEqual(try entry(sharing[0], .team), ids[sharing[0]])
        XCTAssertEqual(try entry(sharing[0], .tool), tool)
    }

    /// A short name's two words are its bytes, zero-padded to 16, for every length to 16,
    /// whatever the bytes.
    func testAShortNamesWordsAreItsBytes() {
        for length in 0...16 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: 0xF1 &- $0 &* 37) }
            var padded = Array(bytes.prefix(16)) + [UInt8](repeating: 0, count: 16)
            padded = Array(padded.prefix(16))
            let expected = padded.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            let words = bytes.withUnsafeBufferPointer { NameCache.words($0) }
            XCTAssertEqual(words.0, UInt64(littleEndian: expected.0), "\(length) bytes")
            XCTAssertEqual(words.1, UInt64(littleEndian: expected.1), "\(length) bytes")
        }
    }

    /// A count read in place (one to twelve digits) is the count the general parser reads, and
    /// every other field — spaces, signs, decimal points, letters, thirteen digits and more —
    /// is left to that parser, with its value or its error.
    func testCountsReadInPlaceAgreeWithTheGeneralParser() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["0", "1", "9", "5", " ", "-", "+", ".", "a", "00", "/", ":"]
        var fields = ["", " ", "0", "007", "999999999999", "1000000000000", "1000000000001", "0000000000005",
                      "12.0", " 42", "42 ", "-0", "+3", "1e3", "12a", "9999999999999999999"]
        for _ in 0..<3_000 {
            fields.append((0..<Int.random(in: 1...15, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        let text = "date,user,team,tool,requests\n" + fields.map { "2026-01-01,u,t,x,\($0)" }.joined(separator: "\n") + "\n"
        var reader = CSVReader(source: MemorySource(text, chunk: 1 << 16))
        var mapping: ColumnMapping?
        var row = 0
        try reader.forEach { record in
            guard let columns = mapping else {
                var diagnostics: [Diagnostic] = []
                mapping = try ColumnMapping(header: record, config: ReportConfig(), hasPeople: false, file: "t.csv", diagnostics: &diagnostics)
                return
            }
            let (general, inPlace) = CSVFields.lending(record, columns) { fields in
                (Result { try fields.with(.requests) { try parseCount($0, column: "requests") } ?? nil },
                 Result { try fields.count(.requests) })
            }
            switch (general, inPlace) {
            case let (.success(expected), .success(found)): XCTAssertEqual(found, expected, "\"\(text.split(separator: "\n", omittingEmptySubsequences: false)[row + 1])\"")
            case (.failure, .failure): break
            default: XCTFail("row \(row + 1): \(general) but \(inPlace)")
            }
            row += 1
        }
        XCTAssertEqual(row, fields.count)
    }

    /// The names' keyed hash is SipHash-1-3 to the bit: the values of an independent
    /// implementation (Fixtures/siphash/make_vectors.py) for every length from 0 to 63 bytes,
    /// which crosses each tail length and word count.
    func testSipHashGivesTheValuesOfAnIndependentImplementation() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/siphash/siphash13-vectors.txt").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 64)
        let key = SipHash13(k0: 0x0706_0504_0302_0100, k1: 0x0F0E_0D0C_0B0A_0908)
        for line in lines {
            let parts = line.split(separator: " ")
            let count = Int(parts[0])!, expected = UInt64(parts[1], radix: 16)!
            let message = (0..<count).map { UInt8($0) }
            XCTAssertEqual(message.withUnsafeBufferPointer { key.hash($0) }, expected, "\(count) bytes")
        }
    }

    /// A date read before is reused only for the very same ten bytes: a date one byte away,
    /// the same month and day of another year, an impossible date after a good one, bytes that
    /// are not digits where the place of a date is worked out (ten zero bytes, the bytes of a
    /// place not yet used, among them), and a longer field are each read afresh; dates in
    /// random order over three years are each their own day.
    func testARepeatedDateIsTheSameDayAndNothingElseIs() {
        var cache = NameCache()
        var fields = ["2026-03-04", "2026-03-04", "2026-03-05", "2026-02-30", "2026-03-05", "2026-03-04x", "2026-03-0", "2025-03-04",
                      "2026-03-04", "2026-13-04", "2026-1c-04", "2026-03-4 ", "2026-03-t4", "2026-02-29", "2024-02-29", "2026-03-04",
                      String(repeating: "\u{0}", count: 10), String(repeating: "\u{0}", count: 8) + "\u{1}\u{1}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let day = Day(index: Day(parsing: "2024-01-01")!.index + Int32.random(in: 0..<1_096, using: &generator))
            fields.append(day.description)
        }
        for field in fields {
            let bytes = Array(field.utf8)
            let day = bytes.withUnsafeBufferPointer { cache.day($0) }
            XCTAssertEqual(day, Day(bytes: bytes), field)
        }
    }

    /// A file of distinct names (every row a new person, as in an export sorted by day) costs a
    /// few comparisons a name, not one per name seen: the hash is keyed, so no file can be made
    /// whose names all land together. Ids that differ only in their last bytes, or only in
    /// length, are the case an unkeyed multiplicative hash spreads worst.
    func testLookUpsStayShortOnManyNearlyEqualNames() throws {
        var cache = NameCache()
        func entry(_ text: String) throws -> Int32 {
            var bytes = Array(text.utf8)
            return try bytes.withUnsafeMutableBufferPointer { try cache.entry(UnsafeBufferPointer($0), column: .user).0 }
        }
        let names = (0..<60_000).map { "user-\(String(repeating: "0", count: $0 % 7))\($0)" }
        var ids: [Int32] = []
        for name in names { ids.append(try entry(name)) }
        XCTAssertEqual(Set(ids).count, names.count)
        for (name, id) in zip(names, ids).reversed() { XCTAssertEqual(try entry(name), id, name) }
        let lookUps = 2 * names.count
        XCTAssertLessThan(Double(cache.probes) / Double(lookUps), 3, "\(cache.probes) comparisons for \(lookUps) look-ups")
    }
}

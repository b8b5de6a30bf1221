@testable import Analysis
@testable import Dataset
@testable import Disclosure
import XCTest

/// Publishes rows given in code, as the pipeline would.
func publish(_ rows: [UsageRecord], headcount: [String: Int] = [:], feedback: [FeedbackDocument] = [],
             configure: (inout ReportConfig) -> Void = { _ in }) throws -> (PublishedReport, CellSuppression) {
    var config = ReportConfig()
    configure(&config)
    var inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
    inputs.feedback = feedback
    inputs.headcount = headcount.sorted { $0.key < $1.key }.map { HeadcountEntry(team: $0.key, headcount: $0.value, from: nil, line: 2) }
    var aggregate = UsageAggregate(config: config, tools: [])
    for row in rows { aggregate.add(row) }
    let model = try Analyzer.analyze(aggregate, inputs: inputs, usage: UsageSummary())
    return try Disclosure.solve(model, config: config)
}

func usage(_ day: String, _ user: String, _ team: String, tool: String = "copilot", tokens: Int64 = 1000) -> UsageRecord {
    var record = UsageRecord(day: Day(parsing: day)!, user: user, team: team, tool: tool)
    record.requests = 1
    record.inputTokens = tokens
    return record
}

/// `people` people of `team` active on each of the given days.
func team(_ team: String, people: Int, days: [String], tokens: Int64 = 1000) -> [UsageRecord] {
    days.flatMap { day in (0..<people).map { usage(day, "\(team)-\($0)", team, tokens: tokens + Int64($0)) } }
}

let twoWeeks = ["2026-01-05", "2026-01-06", "2026-01-12", "2026-01-13"]

final class PublicationTests: XCTestCase {
    /// A team's usage-cohort row is shown only when every level with anyone in it has at least
    /// the floor's number of people; otherwise the whole row is withheld, never one cell.
    func testUsageCohortRowsAreShownWholeOrWithheldWhole() throws {
        // Tokens per person spread so that the terciles split A evenly and put two of B apart.
        var rows: [UsageRecord] = []
        for i in 0..<15 { rows.append(usage("2026-01-05", "a\(i)", "A", tokens: Int64(1000 * (i + 1)))) }
        for i in 0..<12 { rows.append(usage("2026-01-05", "b\(i)", "B", tokens: i < 2 ? 100_000 : Int64(1000 * (i + 1)))) }
        let (report, _) = try publish(rows, headcount: ["A": 15, "B": 12])
        let a = try XCTUnwrap(report.usageCohorts.teams.first { $0.team == "A" })
        let b = try XCTUnwrap(report.usageCohorts.teams.first { $0.team == "B" })
        let counts = try XCTUnwrap(a.counts.shown)
        XCTAssertEqual(counts.reduce(0, +), 15)
        XCTAssertTrue(counts.allSatisfy { $0 == 0 || $0 >= 5 }, "\(counts)")
        XCTAssertNil(b.counts.shown, "B's two heaviest users would be a group of two")
        XCTAssertEqual(report.usageCohorts.org, counts, "the organisation's mix sums the rows shown only")
    }

    /// Hours saved: a team with fewer answers than the floor is absent, and so is a second group,
    /// so that the organisation's total minus the published teams does not give it.
    func testHoursOfASmallGroupCannotBeSolvedFor() throws {
        let rows = team("A", people: 8, days: twoWeeks) + team("B", people: 9, days: twoWeeks) + team("C", people: 10, days: twoWeeks)
        func answer(_ team: String, _ hours: Double, _ line: Int) -> FeedbackDocument {
            FeedbackDocument(file: "feedback/s.csv", line: line, date: Day(parsing: "2026-01-06"), team: team, tool: nil, channel: .survey,
                             title: nil, scores: [], hours: [.init(question: "hours_saved", value: hours)], text: "", textLine: line)
        }
        let feedback = (0..<6).map { answer("A", 2, $0) } + (0..<7).map { answer("B", 3, 10 + $0) } + (0..<2).map { answer("C", 9, 20 + $0) }
        let (report, problem) = try publish(rows, feedback: feedback) { $0.hoursQuestions = ["hours_saved"] }
        let saved = try XCTUnwrap(report.timeSaved.first)
        XCTAssertEqual(saved.n, 15)
        XCTAssertFalse(saved.byTeam.contains { $0.name == "C" })
        XCTAssertEqual(saved.byTeam.count, 1, "a second team is withheld with C: \(saved.byTeam.map(\.name))")
        XCTAssertEqual(problem.cells.first { $0.name == "h|0|C" }?.status, .frequency)
    }

    func status(_ problem: CellSuppression, _ name: String) -> CellSuppression.Status? {
        problem.cells.first { $0.name == name }?.status
    }

    func testTwoSmallTeamsTakeAThirdWithThemSoTheirSumStaysHidden() throws {
        // 3 + 1 people: both below the floor, and their sum (org − the published teams) too.
        let rows = team("A", people: 8, days: twoWeeks) + team("B", people: 9, days: twoWeeks, tokens: 3000)
            + team("C", people: 12, days: twoWeeks, tokens: 2000) + team("Trio", people: 3, days: twoWeeks) + team("Single", people: 1, days: twoWeeks)
        let (report, problem) = try publish(rows)
        let withheld = Set(report.teams.filter { $0.published == nil }.map(\.name))
        XCTAssertTrue(withheld.isSuperset(of: ["Trio", "Single"]))
        XCTAssertEqual(withheld.count, 3, "a third team keeps the pair's sum hidden: \(withheld)")
        XCTAssertEqual(status(problem, "t|Trio"), .frequency)
        XCTAssertEqual(report.suppression.teamsWithheld, 3)
        // Withheld teams are absent from every published table.
        for table in report.tables { for row in table.rows { XCTAssertFalse(row.contains(.text("Trio")), table.descriptor.name) } }
    }

    func testOnePersonActiveInAWeekOfABigTeamIsProtectedFromSubtraction() throws {
        var rows = team("Big", people: 20, days: ["2026-01-05", "2026-01-19"]) + team("Other", people: 15, days: ["2026-01-05", "2026-01-12", "2026-01-19"], tokens: 5000)
        rows.append(usage("2026-01-13", "Big-0", "Big", tokens: 1647))
        let (report, problem) = try publish(rows)
        XCTAssertEqual(status(problem, "tw|Big|2026-W03"), .frequency)
        let big = try XCTUnwrap(report.teams.first { $0.name == "Big" })
        if let published = big.published {
            XCTAssertNil(published.weekly.first { $0.week.description == "2026-W03" }?.cell.shown)
            // Another week of the team is hidden too, or its total would give the week away.
            XCTAssertGreaterThanOrEqual(published.weekly.filter { $0.cell.shown == nil }.count, 2)
        }
        let cell = try XCTUnwrap(problem.cells.firstIndex { $0.name == "tw|Big|2026-W03" })
        let range = problem.attackerRange(of: [cell], measure: .tokens)
        XCTAssertLessThanOrEqual(range.low, 1647 * 0.9)
        XCTAssertGreaterThanOrEqual(range.high, 1647 * 1.1)
    }

    func testACellDominatedByOnePersonIsWithheldByThePRule() throws {
        var rows = team("A", people: 8, days: ["2026-01-05"]) + team("B", people: 8, days: ["2026-01-05"]) + team("C", people: 8, days: ["2026-01-05"])
        rows.append(usage("2026-01-05", "A-heavy", "A", tokens: 10_000_000))  // 9 people, one of them 99 % of the tokens
        let (_, problem) = try publish(rows)
        XCTAssertEqual(status(problem, "tw|A|2026-W02"), .dominance)
        let (_, relaxed) = try publish(rows) { $0.dominanceP = 0 }
        XCTAssertEqual(status(relaxed, "tw|A|2026-W02"), .published)
    }

    func testSameInputsGiveTheSamePatternWhateverTheRowOrder() throws {
        let rows = team("A", people: 8, days: twoWeeks) + team("B", people: 4, days: twoWeeks) + team("C", people: 6, days: twoWeeks)
            + [usage("2026-01-13", "C-9", "C")]
        let (_, first) = try publish(rows)
        let (_, second) = try publish(rows.reversed())
        XCTAssertEqual(first.cells.map(\.status), second.cells.map(\.status))
        XCTAssertEqual(first.cells.map(\.name), second.cells.map(\.name))
    }

    /// The report cache keeps the figures in `CompactEncoder`'s bytes: read back, they are the
    /// same figures, compared through their whole JSON (withheld cells, infinities and all).
    func testTheCachedFiguresAreTheFiguresComputed() throws {
        let rows = team("A", people: 8, days: twoWeeks) + team("B", people: 9, days: twoWeeks, tokens: 3000)
            + team("C", people: 12, days: twoWeeks, tokens: 2000) + team("Trio", people: 3, days: twoWeeks)
        let feedback = (0..<7).map { line in
            FeedbackDocument(file: "feedback/s.csv", line: line, date: Day(parsing: "2026-01-06"), team: line < 4 ? "A" : "B", tool: nil,
                             channel: .survey, title: nil, scores: [], hours: [.init(question: "hours_saved", value: Double(line))],
                             text: "It helps with boilerplate", textLine: line)
        }
        let (report, _) = try publish(rows, feedback: feedback) { $0.hoursQuestions = ["hours_saved"] }
        XCTAssertTrue(report.teams.contains { $0.published == nil } && report.teams.contains { $0.published != nil }, "\(report.teams.map { ($0.name, $0.published != nil) })")
        let decoded = try CompactDecoder().decode(PublishedReport.self, from: try CompactEncoder().encode(report))
        let json = JSONEncoder()
        json.outputFormatting = .sortedKeys
        json.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let (expected, got) = (try json.encode(report), try json.encode(decoded))
        XCTAssertGreaterThan(expected.count, 5_000)
        XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: expected, as: UTF8.self))
    }

    func testAnOrganisationBelowTheFloorPublishesNothing() {
        XCTAssertThrowsError(try publish(team("A", people: 3, days: twoWeeks))) { error in
            XCTAssertTrue("\(error)".contains("fewer than the privacy floor of 5"))
        }
    }
}

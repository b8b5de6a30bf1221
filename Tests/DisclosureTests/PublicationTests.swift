@testable import Analysis
@testable import Dataset
@testable import Disclosure
import XCTest

/// Publishes rows given in code, as the pipeline would.
func publish(_ rows: [UsageRecord], headcount: [String: Int] = [:], configure: (inout ReportConfig) -> Void = { _ in }) throws
    -> (PublishedReport, CellSuppression) {
    var config = ReportConfig()
    configure(&config)
    var inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
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

    func testAnOrganisationBelowTheFloorPublishesNothing() {
        XCTAssertThrowsError(try publish(team("A", people: 3, days: twoWeeks))) { error in
            XCTAssertTrue("\(error)".contains("fewer than the privacy floor of 5"))
        }
    }
}

import Foundation
import XCTest
@testable import candor
import Analysis
import Dataset
import Disclosure

/// Several outcomes on `candor sample` data with planted effects, and on organisations where
/// outcomes have nothing to do with usage.
final class OutcomeTests: XCTestCase {
    func model(_ generator: SampleGenerator) throws -> ReportModel {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-outcomes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try generator.write(to: folder, withCommentary: false)
        let inputs = try ReportFolder.read(folder)
        let config = inputs.config, tools = inputs.tools
        let (usage, partials) = try ReportFolder.readUsage(inputs, workers: 2, makePartial: { UsageAggregate(config: config, tools: tools) },
                                                           add: { $0.add($1) }, progress: { _ in })
        var aggregate = UsageAggregate(config: config, tools: tools)
        for partial in partials { aggregate.merge(partial) }
        return try Analyzer.analyze(aggregate, inputs: inputs, usage: usage)
    }

    /// Two teams ship more pull requests with more usage and, with it, more failed changes: each
    /// is reported as a trade-off, published, and no other team is.
    func testAPrimaryGainWithAWorseGuardrailIsReportedAsATradeoff() throws {
        let model = try model(SampleGenerator(users: 1200, days: 224, seed: 7))
        XCTAssertEqual(model.metrics.map(\.metric), ["prs_merged", "change_failures"])
        XCTAssertEqual(model.metrics.map(\.role), [.primary, .guardrail])
        let teams = Set(model.tradeoffs.compactMap(\.team))
        XCTAssertEqual(teams, SampleGenerator.fragileTeams, "trade-offs: \(model.tradeoffs.map { $0.team ?? "org" })")
        for team in SampleGenerator.fragileTeams {
            XCTAssertEqual(model.outcomes[0].teams[team]?.effect, .better, team)
            XCTAssertEqual(model.outcomes[1].teams[team]?.effect, .worse, team)
        }
        let published = try Disclosure.publish(model, config: try ReportConfig.parse(SampleGenerator(users: 1200, days: 224, seed: 7).reportYML()))
        XCTAssertEqual(Set(published.tradeoffs.compactMap(\.team)), SampleGenerator.fragileTeams)
        // Productive teams gain on the primary metric; the organisation's finding says so.
        XCTAssertEqual(model.outcomes[0].effect, .better)
        // Inflating teams report hours saved that their outcomes do not show.
        let saved = try XCTUnwrap(model.timeSaved.first)
        XCTAssertEqual(saved.byTeam.first { $0.name == "Growth" }?.comparison, .reportedNotMeasured)
        XCTAssertGreaterThan(saved.org?.low ?? 0, 0)
    }

    /// Outcomes unrelated to usage: the organisation's within-team finding is "no clear
    /// association" on every metric in at least 90 % of simulated organisations, and team-level
    /// findings stay rare (the false-discovery control across teams).
    func testANullOrganisationReportsNoClearAssociationOnEveryMetric() throws {
        let runs = 40
        var clean = 0, teamFindings = 0, teamsTested = 0
        for seed in 1...runs {
            var generator = SampleGenerator(users: 320, days: 112, seed: UInt64(seed))
            generator.outcomeModel = .null
            let model = try model(generator)
            XCTAssertEqual(model.outcomes.count, 2)
            if model.outcomes.allSatisfy({ $0.correlation.finding == .unclear }) { clean += 1 }
            for outcome in model.outcomes {
                for figures in outcome.teams.values where figures.trend != nil {
                    teamsTested += 1
                    if figures.effect == .better || figures.effect == .worse { teamFindings += 1 }
                }
            }
        }
        print("null organisations: \(clean) of \(runs) clean; team findings \(teamFindings) of \(teamsTested)")
        XCTAssertGreaterThanOrEqual(clean, runs * 9 / 10, "\(clean) of \(runs) null organisations reported no clear association on every metric")
        XCTAssertLessThan(Double(teamFindings), 0.02 * Double(teamsTested), "\(teamFindings) team findings of \(teamsTested)")
    }
}

final class OutcomeValidationTests: XCTestCase {
    func check(_ edit: (String) -> String) throws -> [Diagnostic] {
        let scratch = Scratch()
        let folder = scratch.path + "/report"
        _ = try SampleGenerator(users: 120, days: 35, seed: 2).write(to: folder)
        let yml = try String(contentsOfFile: folder + "/report.yml", encoding: .utf8)
        try edit(yml).write(toFile: folder + "/report.yml", atomically: true, encoding: .utf8)
        var options = Pipeline.Options(content: folder, output: scratch.path + "/out", theme: repository + "/Themes/default")
        options.checkOnly = true
        do {
            _ = try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
            return []
        } catch let Pipeline.Failure.inputs(diagnostics) {
            return diagnostics.filter { $0.severity == .error }
        }
    }

    /// A misspelt metric is an error naming the metrics the data has, with a suggestion; it never
    /// silently removes the analysis.
    func testAnUnknownMetricIsAnErrorWithTheNamesPresent() throws {
        let errors = try check { $0.replacingOccurrences(of: "metric: prs_merged,", with: "metric: prs_merge,") }
        let error = try XCTUnwrap(errors.first { $0.message.contains("prs_merge\"") })
        XCTAssertEqual(error.file, "report.yml")
        XCTAssertGreaterThan(error.line, 0)
        XCTAssertTrue(error.message.contains("did you mean \"prs_merged\""), error.message)
        XCTAssertTrue(error.message.contains("change_failures, prs_merged"), error.message)
    }

    func testAnUnansweredHoursQuestionIsAnErrorWithTheQuestionsPresent() throws {
        let errors = try check { $0.replacingOccurrences(of: "hours_saved: [hours_saved_per_week]", with: "hours_saved: [hours_saved]") }
        let error = try XCTUnwrap(errors.first { $0.message.contains("hours_saved\"") })
        XCTAssertTrue(error.message.contains("usefulness"), error.message)
    }

    func testValueKeysAreChecked() throws {
        XCTAssertThrowsError(try ReportConfig.parse("title: t\nvalue:\n  metrics:\n    - {metric: a, role: guard}\n")) { error in
            XCTAssertTrue("\(error)".contains("primary or guardrail"), "\(error)")
        }
        XCTAssertThrowsError(try ReportConfig.parse("title: t\nvalue: {metrics: [{metric: a, role: guardrail}]}\n")) { error in
            XCTAssertTrue("\(error)".contains("only guardrail"), "\(error)")
        }
        let config = try ReportConfig.parse("title: t\nvalue: {metrics: [tickets, {metric: incidents, direction: lower, role: guardrail, unit: incidents}]}\n")
        XCTAssertEqual(config.outcomeMetrics.map(\.metric), ["tickets", "incidents"])
        XCTAssertEqual(config.outcomeMetrics[1].direction, .lower)
        XCTAssertEqual(config.valueMetric, "tickets")
        XCTAssertEqual(try ReportConfig.parse("title: t\nvalue: {metric: prs}\n").outcomeMetrics, [OutcomeMetric(metric: "prs", line: 2)])
    }

    /// The new figures reach report.json, the CSV downloads and the `{{ }}` references.
    func testOutcomesCohortsAndHoursArePublishedEverywhere() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 400, days: 84, seed: 5).write(to: folder)
        try "{{ outcomes.change_failures.within }} / {{ time_saved.hours_saved_per_week.mean }} / {{ usage_cohorts.payments.heavy }}\n"
            .write(toFile: folder + "/commentary/refs.md", atomically: true, encoding: .utf8)
        _ = try build(folder, output)
        let report = try json(output + "/data/report.json")
        let outcomes = try XCTUnwrap(report["outcomes"] as? [[String: Any]])
        XCTAssertEqual(outcomes.map { $0["metric"] as? String }, ["prs_merged", "change_failures"])
        XCTAssertEqual(outcomes[1]["role"] as? String, "guardrail")
        XCTAssertEqual(outcomes[0]["interval_level"] as? Double, 0.975)
        let cohorts = try XCTUnwrap(report["usage_cohorts"] as? [String: Any])
        XCTAssertNotNil(cohorts["heavy_from_tokens_per_week"] as? Double)
        let saved = try XCTUnwrap((report["time_saved"] as? [[String: Any]])?.first)
        XCTAssertEqual(saved["question"] as? String, "hours_saved_per_week")
        for file in ["outcomes", "team_outcomes", "usage_cohorts", "weekly_usage_cohorts", "time_saved", "time_saved_by_group"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/data/\(file).csv"), file)
        }
        let refs = try String(contentsOfFile: output + "/refs.html", encoding: .utf8)
        XCTAssertTrue(refs.contains("failed changes"), refs)
        XCTAssertFalse(refs.contains("{{"))
        let page = try String(contentsOfFile: output + "/outcomes.html", encoding: .utf8)
        XCTAssertTrue(page.contains("Usage cohorts") && page.contains("Time saved"))
    }
}

/// The summary's lead paragraph is written from the model, and is right for any organisation:
/// one with no flagged team, one with no outcome data, one with every team withheld but one.
final class LeadParagraphTests: XCTestCase {
    func lead(_ files: [String: String]) throws -> String {
        let scratch = Scratch()
        let folder = scratch.path + "/report"
        for (path, text) in files {
            let full = folder + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        _ = try build(folder, scratch.path + "/out")
        let page = try String(contentsOfFile: scratch.path + "/out/index.html", encoding: .utf8)
        let start = try XCTUnwrap(page.range(of: "<p class=\"lead\">"))
        let end = try XCTUnwrap(page[start.upperBound...].range(of: "</p>"))
        return String(page[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Teams of `people` each active every weekday of eight weeks with even usage.
    func usage(_ teams: [(String, Int)]) -> String {
        var rows = "date,user,team,tool,requests,input_tokens,output_tokens\n"
        for (team, people) in teams {
            for person in 0..<people {
                for day in 0..<56 where day % 7 < 5 {
                    let date = Day(year: 2026, month: 1, day: 5)! + day
                    rows += "\(date),\(team.prefix(3))\(person),\(team),cursor,\(3 + (person + day) % 4),\(900 + 37 * ((person * 7 + day) % 11)),200\n"
                }
            }
        }
        return rows
    }

    func testAnOrganisationWithNoFlaggedTeam() throws {
        let teams = [("Alpha", 8), ("Beta", 9), ("Gamma", 10), ("Delta", 8), ("Epsilon", 9), ("Zeta", 8)]
        var outcomes = "period,team,metric,value\n"
        for (team, people) in teams { for week in 2...9 { outcomes += "2026-W0\(week),\(team),prs,\(people * 2 + week % 3)\n".replacingOccurrences(of: "W010", with: "W10") } }
        let text = try lead([
            "report.yml": "title: Calm\nvalue: {metric: prs}\n",
            "data/usage/u.csv": usage(teams),
            "data/headcount.csv": "team,headcount\n" + teams.map { "\($0.0),\($0.1 + 2)" }.joined(separator: "\n") + "\n",
            "data/outcomes.csv": outcomes,
        ])
        XCTAssertTrue(text.contains("52 of 64 people (81\u{00A0}%) used an AI tool"), text)
        XCTAssertTrue(text.contains("The inflation test flags no team."), text)
        XCTAssertTrue(text.contains("Within teams,"), text)
        XCTAssertFalse(text.contains("withheld"), text)
    }

    func testAnOrganisationWithNoOutcomeData() throws {
        let text = try lead([
            "report.yml": "title: No value yet\n",
            "data/usage/u.csv": usage([("Alpha", 8), ("Beta", 9), ("Gamma", 7)]),
        ])
        XCTAssertTrue(text.contains("24 people used an AI tool"), text)
        XCTAssertTrue(text.contains("no outcome data"), text)
        XCTAssertFalse(text.contains("Within teams"), text)
    }

    func testAnOrganisationWithEveryTeamWithheldButOne() throws {
        let text = try lead([
            "report.yml": "title: Small teams\n",
            "data/usage/u.csv": usage([("Big", 30), ("Tiny", 3), ("Wee", 2), ("Small", 4)]),
            "data/headcount.csv": "team,headcount\nBig,30\nTiny,3\nWee,2\nSmall,4\n",
        ])
        XCTAssertTrue(text.contains("All but 1 of 4 teams are withheld"), text)
        XCTAssertFalse(text.contains("Tiny") || text.contains("Wee") || text.contains("Small,"), text)
    }
}

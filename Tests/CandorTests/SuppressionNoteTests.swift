import Dataset
@testable import Disclosure
import Foundation
import XCTest
@testable import candor

/// One person whose usage dwarfs everyone's can make the dominance rule withhold most teams
/// (each team's figures would let a reader subtract that person's usage back out). The author
/// is told why teams went missing; the report itself never says which rule hid what.
final class SuppressionNoteTests: XCTestCase {
    func summary(dominance: Int, withheld: Int, complements: Int) -> SuppressionSummary {
        var summary = SuppressionSummary(cells: 500, frequency: 10, dominance: dominance, secondary: 200, teamsWithheld: withheld,
                                         toolsWithheld: 0, protectionPct: 10, dominanceP: 10)
        summary.teamsWithheldAsComplements = complements
        return summary
    }

    func testToldOnlyWhenTeamsHiddenForOthersOutnumberTheRestAndTheDominanceRuleHidSomething() {
        let told = Pipeline.suppressionNote(summary(dominance: 4, withheld: 28, complements: 27), teams: 40)
        XCTAssertEqual(told?.hasPrefix("28 of 40 teams are withheld, 27 of them by no rule of their own"), true, told ?? "nil")
        XCTAssertEqual(told?.contains("privacy.dominance_p 10"), true)
        XCTAssertNil(Pipeline.suppressionNote(summary(dominance: 0, withheld: 28, complements: 27), teams: 40), "no dominance cell: the floor's doing")
        XCTAssertNil(Pipeline.suppressionNote(summary(dominance: 2, withheld: 2, complements: 1), teams: 40), "one team hidden beside one: the usual")
        XCTAssertNil(Pipeline.suppressionNote(summary(dominance: 2, withheld: 10, complements: 4), teams: 40), "most hidden by their own rules")
    }

    func testAHeavyUserIsExplainedToTheAuthorAndNotPublished() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report"
        _ = try SampleGenerator(users: 200, days: 56, seed: 11).write(to: folder)
        XCTAssertNil(try build(folder, scratch.path + "/plain").suppressionNote, "the sample has no such outlier")
        // One more row on the first row's day and team, from someone new, with ten billion tokens.
        let rows = try String(contentsOfFile: folder + "/data/usage/usage.csv", encoding: .utf8).split(separator: "\n")
        let first = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        try "date,user,team,tool,requests,input_tokens,output_tokens\n\(first[0]),heavy-one,\(first[2]),\(first[3]),3,9000000000,1000000000\n"
            .write(toFile: folder + "/data/usage/heavy.csv", atomically: true, encoding: .utf8)
        let heavy = try build(folder, scratch.path + "/heavy")
        let note = try XCTUnwrap(heavy.suppressionNote)
        let report = try XCTUnwrap(heavy.report)
        XCTAssertGreaterThan(report.suppression.dominance, 0)
        XCTAssertTrue(note.hasPrefix("\(report.suppression.teamsWithheld) of \(report.teams.count) teams are withheld, \(report.suppression.teamsWithheldAsComplements) of them"), note)
        for (path, bytes) in tree(scratch.path + "/heavy") {
            XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("by no rule of their own"), "\(path) publishes the author's note")
        }
        let json = try String(contentsOfFile: scratch.path + "/heavy/data/report.json", encoding: .utf8)
        XCTAssertFalse(json.contains("complement"), "which rule hid which team is not published")
    }
}

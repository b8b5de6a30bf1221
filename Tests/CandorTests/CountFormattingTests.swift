import Foundation
import Stats
import XCTest
@testable import candor

/// Counts on the pages are written as the site writes every number, thousands grouped: a tool
/// page read "1025 active people" beside "3,052,939 suggestions".
final class CountFormattingTests: XCTestCase {
    func testCountsOfAThousandAndMoreAreGroupedOnToolAndTeamPages() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report", output = scratch.path + "/site"
        _ = try SampleGenerator(users: 2_500, days: 42, seed: 4).write(to: folder)
        let summary = try build(folder, output)
        let report = try XCTUnwrap(summary.report)
        var checked = 0
        for entry in report.tools {
            guard let tool = entry.published?.figures, tool.activeUsers >= 1_000 else { continue }
            let page = try String(contentsOfFile: output + "/tools/\(entry.slug).html", encoding: .utf8)
            let grouped = NumberFormat.integer.format(Double(tool.activeUsers))
            XCTAssertTrue(grouped.contains(","))
            XCTAssertTrue(page.contains("<dt>Active people</dt><dd class=\"value\">\(grouped)</dd>"), "\(entry.slug): \(grouped)")
            XCTAssertFalse(page.contains(">\(tool.activeUsers) →"), "retention counts grouped too")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "a tool with a thousand active people or more")
        var teamsChecked = 0
        for entry in report.teams {
            guard let team = entry.published?.figures, team.intensity.userDays >= 1_000 else { continue }
            let page = try String(contentsOfFile: output + "/teams/\(entry.slug).html", encoding: .utf8)
            XCTAssertTrue(page.contains("(n = \(NumberFormat.integer.format(Double(team.intensity.userDays))))"), entry.slug)
            teamsChecked += 1
        }
        XCTAssertGreaterThan(teamsChecked, 0, "a team with a thousand person-days or more")
    }
}

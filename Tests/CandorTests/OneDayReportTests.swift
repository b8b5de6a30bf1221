import Foundation
import XCTest
@testable import candor

/// The smallest report that builds: one team of six on one day, no outcomes. Its pages say what
/// they lack instead of describing a chart that is not there, and count in the singular.
final class OneDayReportTests: XCTestCase {
    func testOneDayOneTeamNoOutcomes() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report", output = scratch.path + "/site"
        try FileManager.default.createDirectory(atPath: folder + "/data/usage", withIntermediateDirectories: true)
        try "title: Tiny\n".write(toFile: folder + "/report.yml", atomically: true, encoding: .utf8)
        let rows = (1...6).map { "2026-03-04,u\($0),Ops,cursor,\($0),100\($0),20\($0)" }
        try (["date,user,team,tool,requests,input_tokens,output_tokens"] + rows).joined(separator: "\n")
            .write(toFile: folder + "/data/usage/u.csv", atomically: true, encoding: .utf8)
        let summary = try build(folder, output)
        XCTAssertEqual(summary.teams, 1)
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("data for 1 of 1 day;"), "one day, singular")
        XCTAssertTrue(index.contains("The report has no outcome data"), "the missing chart is explained")
        XCTAssertFalse(index.contains("Each point is a team"), "no description of a chart that is not drawn")
        let quality = try String(contentsOfFile: output + "/data-quality.html", encoding: .utf8)
        XCTAssertTrue(quality.contains("Data for 1 of 1 day in the period."))
        XCTAssertEqual(counted(1, "team"), "1 team")
        XCTAssertEqual(counted(1_500, "team"), "1,500 teams")
    }
}

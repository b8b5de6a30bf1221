import Foundation
import XCTest
@testable import candor

/// The data-quality page lists the first 1,000 problems and says how many more there are, only
/// when there are more (the template's section took a count of 0 as true: "… and 0 more").
final class DataQualityPageTests: XCTestCase {
    func qualityPage(badRows: Int) throws -> String {
        let scratch = Scratch()
        let folder = scratch.path + "/report", output = scratch.path + "/site"
        _ = try SampleGenerator(users: 40, days: 14, seed: 2).write(to: folder)
        let rows = (0..<badRows).map { "2026-13-\($0 % 28 + 1),u1,Payments,cursor,1" }
        try (["date,user,team,tool,requests"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: folder + "/data/usage/bad.csv", atomically: true, encoding: .utf8)
        let summary = try build(folder, output)
        XCTAssertEqual(summary.rowsRejected, badRows)
        return try String(contentsOfFile: output + "/data-quality.html", encoding: .utf8)
    }

    func testAFewProblemsAreAllListedWithNoCountOfMore() throws {
        let page = try qualityPage(badRows: 3)
        XCTAssertEqual(page.components(separatedBy: "<tr class=\"error\">").count - 1, 3)
        XCTAssertFalse(page.contains(" more (see data/report.json)"), "no \"… and 0 more\"")
    }

    func testPast1000ProblemsThePageSaysHowManyMore() throws {
        let page = try qualityPage(badRows: 1_002)
        XCTAssertEqual(page.components(separatedBy: "<tr class=\"error\">").count - 1, 1_000)
        XCTAssertTrue(page.contains("… and 2 more (see data/report.json)."))
    }
}

@testable import Analysis
import Dataset
import Foundation
import XCTest
@testable import candor

/// Names in headcount, outcomes, feedback and tools.csv are matched to the usage data's exactly;
/// one that matches nothing there but nearly matches a name is told where it is written.
final class NameMatchingTests: XCTestCase {
    typealias Mention = NameMatching.Mention

    func warned(_ names: [String], known: [String]) -> [String] {
        let mentions = names.enumerated().map { Mention(name: $1, file: "data/headcount.csv", line: $0 + 2) }
        return NameMatching.nearMisses(mentions, known: known, kind: "team", consequence: "…").map { "\($0.line) \($0.message)" }
    }

    func testSlipsOfCaseSpacingAccentsAndTheWordTeamAreTold() {
        let known = ["Payments", "Search", "Équipe Données", "Mobile Apps"]
        let told = warned(["payments", "Search Team", "Equipe donnees", "Mobile-Apps", "Payments"], known: known)
        XCTAssertEqual(told.count, 4, "\(told)")
        XCTAssertTrue(told[0].hasPrefix("2 team \"payments\" is not in the usage data, which has \"Payments\""), told[0])
        XCTAssertTrue(told[1].contains("which has \"Search\""), told[1])
        XCTAssertTrue(told[2].contains("which has \"Équipe Données\""), told[2])
        XCTAssertTrue(told[3].hasPrefix("5 "), "at its own line: \(told[3])")
    }

    func testOneLetterOffIsToldButNotBetweenNumberedOrShortNames() {
        XCTAssertEqual(warned(["Paymnets", "Paymentss", "Pyments", "Paiments"], known: ["Payments"]).count, 4)
        XCTAssertEqual(warned(["Team 27", "Squad 3"], known: ["Team 26", "Squad 2"]), [], "numbered teams are different teams")
        XCTAssertEqual(warned(["Ops", "Web"], known: ["Opt", "Wes"]), [], "too short to call a slip")
        XCTAssertEqual(warned(["Platform", "Data Science"], known: ["Payments", "Search"]), [], "unlike names are new teams")
    }

    func testEachNameIsToldOnceWhereFirstWritten() {
        let told = warned(["payments", "Checkout", "payments"], known: ["Payments", "Checkout"])
        XCTAssertEqual(told.count, 1)
        XCTAssertTrue(told[0].hasPrefix("2 "), told[0])
    }

    func testOneEditApart() {
        XCTAssertTrue(NameMatching.oneEditApart("payments", "paymnets"))
        XCTAssertTrue(NameMatching.oneEditApart("payments", "payment"))
        XCTAssertTrue(NameMatching.oneEditApart("payment", "payments"))
        XCTAssertTrue(NameMatching.oneEditApart("payments", "paymentz"))
        XCTAssertFalse(NameMatching.oneEditApart("payments", "payments"))
        XCTAssertTrue(NameMatching.oneEditApart("payments", "pamyents"), "two neighbours swapped")
        XCTAssertFalse(NameMatching.oneEditApart("payments", "pymaents"))
        XCTAssertFalse(NameMatching.oneEditApart("payments", "paymen"))
    }

    /// A whole build: the warning names the file and line, in the summary and on the data-quality
    /// page, and a rebuild that takes the figures from the cache tells it the same.
    func testABuildTellsASlipInHeadcountAndSoDoesACachedRebuild() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report", cache = scratch.path + "/cache"
        _ = try SampleGenerator(users: 40, days: 14, seed: 5).write(to: folder)
        func build(_ output: String, cache: String?) throws -> Pipeline.Summary {
            var options = Pipeline.Options(content: folder, output: scratch.path + "/" + output, theme: repository + "/Themes/default")
            options.cacheFolder = cache
            return try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
        }
        let untouched = try build("untouched", cache: nil)
        XCTAssertFalse(untouched.diagnostics.contains { $0.message.contains("is not in the usage data") }, "the sample's names all match")

        let path = folder + "/data/headcount.csv"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let team = String(lines[1].split(separator: ",")[0])
        lines[1] = team.uppercased() + String(lines[1].dropFirst(team.count))
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let first = try build("first", cache: cache)
        let warning = try XCTUnwrap(first.diagnostics.first { $0.message.contains("is not in the usage data") })
        XCTAssertEqual(warning.file, "data/headcount.csv")
        XCTAssertEqual(warning.line, 2)
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertTrue(warning.message.contains("\"\(team.uppercased())\" is not in the usage data, which has \"\(team)\""), warning.message)
        let page = try String(contentsOfFile: scratch.path + "/first/data-quality.html", encoding: .utf8)
        XCTAssertTrue(page.contains("is not in the usage data"), "listed among the report's data problems")

        let commentary = folder + "/commentary/reading-this-report.md"
        try (String(contentsOfFile: commentary, encoding: .utf8) + "\nEdited.\n").write(toFile: commentary, atomically: true, encoding: .utf8)
        let cached = try build("cached", cache: cache)
        XCTAssertTrue(cached.reportCached)
        XCTAssertEqual(cached.diagnostics.filter { $0.message.contains("is not in the usage data") }, [warning])
    }
}

import ArgumentParser
import Foundation
import XCTest
@testable import candor
import Dataset

final class InitTests: XCTestCase {
    func testInitWritesAFolderThatBuildsWithoutWarnings() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report"
        try Init.parse([folder]).run()
        for file in ["report.yml", "data/usage/usage.csv", "data/headcount.csv", "data/outcomes.csv", "data/tools.csv",
                     "feedback/survey.csv", "commentary/reading-this-report.md", ".gitignore"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/" + file), file)
        }
        let yaml = try String(contentsOfFile: folder + "/report.yml", encoding: .utf8)
        for key in ["title:", "privacy:", "value:", "signals:", "climate:", "redact:", "themes:", "unsafe_html:", "seed:"] {
            XCTAssertTrue(yaml.contains(key), key)
        }
        let summary = try build(folder, scratch.path + "/out")
        XCTAssertEqual(summary.diagnostics, [], summary.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(summary.rowsRejected, 0)
        let page = try String(contentsOfFile: scratch.path + "/out/reading-this-report.html", encoding: .utf8)
        XCTAssertTrue(page.contains("class=\"chart-figure\""))
        XCTAssertFalse(page.contains("{{ org.adoption_rate }}</strong>"))
    }

    func testInitRefusesANonEmptyFolderAndNeverOverwrites() throws {
        let scratch = Scratch()
        try "mine\n".write(toFile: scratch.path + "/report.yml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Init.parse([scratch.path]).run())
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path + "/data"))
        try Init.parse([scratch.path, "--force"]).run()
        XCTAssertEqual(try String(contentsOfFile: scratch.path + "/report.yml", encoding: .utf8), "mine\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path + "/data/usage/usage.csv"))
    }
}

final class DiagnosticFormatTests: XCTestCase {
    let diagnostic = Diagnostic.error("data/usage/a,b.csv", line: 7, column: 2, "requests is negative (-1)\nsecond: 100%")

    func testTextIsCompilerStyleAndHasNoColourWithNoColor() {
        let printer = DiagnosticPrinter(format: .text, folder: "Content", environment: ["NO_COLOR": "1"])
        XCTAssertFalse(printer.colour)
        XCTAssertEqual(printer.line(diagnostic), "Content/data/usage/a,b.csv:7:2: error: requests is negative (-1)\nsecond: 100%")
    }

    func testGitHubAnnotationsEscapeProperties() {
        let printer = DiagnosticPrinter(format: .github, folder: "Content")
        XCTAssertEqual(printer.line(diagnostic), "::error file=Content/data/usage/a%2Cb.csv,line=7,col=2::requests is negative (-1)%0Asecond: 100%25")
    }

    func testJSONIsOneObjectPerIssue() throws {
        let printer = DiagnosticPrinter(format: .json, folder: "Content")
        let object = try JSONSerialization.jsonObject(with: Data(printer.line(diagnostic).utf8)) as! [String: Any]
        XCTAssertEqual(object["file"] as? String, "Content/data/usage/a,b.csv")
        XCTAssertEqual(object["line"] as? Int, 7)
        XCTAssertEqual(object["severity"] as? String, "error")
    }

    func testIfChangedSkipsExactlyWhenNothingChanged() throws {
        let scratch = Scratch()
        let folder = scratch.path + "/report", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 100, days: 30, seed: 1).write(to: folder)
        XCTAssertFalse(Freshness.unchanged(content: folder, output: output, theme: nil))
        _ = try build(folder, output)
        XCTAssertTrue(Freshness.unchanged(content: folder, output: output, theme: nil))
        try "# New\n".write(toFile: folder + "/commentary/new.md", atomically: true, encoding: .utf8)
        XCTAssertFalse(Freshness.unchanged(content: folder, output: output, theme: nil))
        _ = try build(folder, output)
        XCTAssertTrue(Freshness.unchanged(content: folder, output: output, theme: nil))
        try "title: Changed\n".write(toFile: folder + "/report.yml", atomically: true, encoding: .utf8)
        XCTAssertFalse(Freshness.unchanged(content: folder, output: output, theme: nil))
    }
}

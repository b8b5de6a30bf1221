import ArgumentParser
import Foundation
import XCTest
@testable import candor
import Dataset

final class InitTests: XCTestCase {
    /// The gallery and `serve`'s error page escape scalar by scalar: a quote or a bracket with a
    /// combining mark after it is still escaped (replacing by Character left it whole).
    func testEscapeHTMLEscapesEveryQuoteAndBracket() {
        XCTAssertEqual(escapeHTML("a\"\u{0338}b<\u{0338}c'&>"), "a&quot;\u{0338}b&lt;\u{0338}c&#39;&amp;&gt;")
        XCTAssertEqual(escapeHTML("data/usage/u.csv:3: tool is empty"), "data/usage/u.csv:3: tool is empty")
    }

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

    /// Input text in a diagnostic never reaches the terminal raw: ESC and NUL are shown escaped,
    /// and a megabyte of it is cut.
    func testDiagnosticsEscapeControlCharactersAndTruncate() {
        let printer = DiagnosticPrinter(format: .text, folder: "", environment: ["NO_COLOR": "1"])
        let hostile = Diagnostic.error("data/x.csv", line: 3, "team \"\u{1B}]0;owned\u{7}\u{0}\" is unknown " + String(repeating: "\u{0}", count: 1 << 20))
        let line = printer.line(hostile)
        XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "raw control characters reach the terminal")
        XCTAssertTrue(line.contains("\\u{1b}]0;owned\\u{7}\\u{0}"), line)
        XCTAssertLessThan(line.utf8.count, 3000)
        XCTAssertTrue(line.contains("more characters)"))
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

final class ImportTests: XCTestCase {
    let vendors = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../DatasetTests/Fixtures/vendors").standardized.path

    func testImportWritesTheUsageSchemaWithTeamsFromThePeopleDirectory() throws {
        let scratch = Scratch()
        try Import.parse(["cursor-events", vendors + "/cursor/usage-events.json", "--people", vendors + "/people.csv",
                          "--output", scratch.path + "/out"]).run()
        let written = try String(contentsOfFile: scratch.path + "/out/usage-events.csv", encoding: .utf8)
        XCTAssertEqual(written, """
            date,user,team,tool,requests,input_tokens,output_tokens,cached_tokens,suggestions_shown,suggestions_accepted,lines_suggested,lines_accepted,task_category,prompt_hash,automated,cost_usd,active_users
            2026-03-02,ann@example.com,Payments,cursor,1,6300,300,5000,,,,,,,false,0.045000,
            2026-03-02,ann@example.com,Payments,cursor,1,800,200,0,,,,,,,true,0.022500,
            2026-03-03,bob@example.com,Search,cursor,1,0,0,0,,,,,,,false,,
            2026-03-03,dee@example.com,unassigned,cursor,1,100,50,0,,,,,,,false,0.003000,
            2026-03-04,Cy@Example.com,Search,cursor,1,1400,100,1000,,,,,,,false,0.010000,

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path + "/out/usage-events.csv.partial"))
    }

    func testImportOfGroupRowsKeepsTheirWorkspaceAndAWrongFileFails() throws {
        let scratch = Scratch()
        try Import.parse(["anthropic-cost", vendors + "/anthropic/cost-report.json", "--output", scratch.path]).run()
        let written = try String(contentsOfFile: scratch.path + "/cost-report.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(written.count, 5)
        XCTAssertEqual(written[1], "2026-03-02,,wrkspc_01Pay,anthropic-api,0,0,0,0,,,,,,,false,1.234500,0")
        XCTAssertEqual(written[3], "2026-03-02,,organisation,anthropic-api,0,0,0,0,,,,,,,false,0.010000,0")
        // Seats and team memberships are not usage: refused before anything is written.
        XCTAssertThrowsError(try Import.parse(["copilot-seats", vendors + "/copilot/seats.json", "--output", scratch.path + "/seats"])) { error in
            XCTAssertTrue(Import.message(for: error).contains("licensed seats, not usage"), Import.message(for: error))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path + "/seats"))
        XCTAssertThrowsError(try Import.parse(["chatgpt-enterprise-users", vendors + "/people.csv", "--output", scratch.path + "/seats"])) { error in
            XCTAssertTrue(Import.message(for: error).contains("licensed seats, not usage"), Import.message(for: error))
        }
        // An Amazon Q CSV named as a Claude Code export: an error naming the file, exit status 1.
        XCTAssertThrowsError(try Import.parse(["claude-code", vendors + "/people.csv", "--output", scratch.path]).run()) { error in
            XCTAssertEqual((error as? ExitCode)?.rawValue, 1)
        }
    }
}

final class HelpTextTests: XCTestCase {
    func testParagraphsAreJoinedAndExamplesKept() {
        let text = "Reads the folder\nand writes the site.\n\nExamples:\n  candor build\n  candor build --strict\nLast line"
        XCTAssertEqual(reflow(text), "Reads the folder and writes the site.\n\nExamples:\n  candor build\n  candor build --strict\nLast line")
        // Every command's examples fit 80 columns.
        for command in [Build.self, Check.self, Init.self, Import.self, Rollup.self, Sample.self, Serve.self, GalleryCommand.self, Candor.self] as [ParsableCommand.Type] {
            for line in (command.configuration.discussion).split(separator: "\n") where line.hasPrefix("  ") {
                XCTAssertLessThanOrEqual(line.count, 80, "\(command): \(line)")
            }
        }
    }
}

/// The documented exit statuses, from the binary itself: 2 for a usage error (not
/// ArgumentParser's 64), with the subcommand's own usage line.
final class ExitStatusTests: XCTestCase {
    func run(_ arguments: [String]) throws -> (Int32, String) {
        let binary = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("candor").path
        let fallback = repository + "/.build/debug/candor"
        let path = FileManager.default.isExecutableFile(atPath: binary) ? binary : fallback
        guard FileManager.default.isExecutableFile(atPath: path) else { throw XCTSkip("the candor binary is not built beside the tests") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// A build that fails at once exits 1 every time. It used to exit while a thread was still
    /// hashing in OpenSSL to find the build cache, whose clean-up at exit pulled the tables from
    /// under it: a segmentation fault (139) and a crash report in half the runs, now and then a
    /// hang.
    func testAnEarlyFailureExitsOneEveryTimeWithoutACrash() throws {
        let scratch = Scratch()
        try "title: [unclosed\n".write(toFile: scratch.path + "/report.yml", atomically: true, encoding: .utf8)
        for run in 0..<16 {
            let content = run % 2 == 0 ? scratch.path + "/no-such-report" : scratch.path
            let (status, text) = try self.run(["build", "--content", content, "--output", scratch.path + "/out", "--cache-dir", scratch.path + "/cache"])
            XCTAssertEqual(status, 1, "run \(run): \(text)")
            XCTAssertFalse(text.contains("crashed"), text)
        }
    }

    func testUsageErrorsExitTwoWithTheSubcommandsUsage() throws {
        let (unknown, message) = try run(["build", "--bogus"])
        XCTAssertEqual(unknown, 2)
        XCTAssertTrue(message.contains("Usage: candor build"), message)
        let scratch = Scratch()
        try "x".write(toFile: scratch.path + "/file", atomically: true, encoding: .utf8)
        let (notEmpty, text) = try run(["sample", scratch.path])
        XCTAssertEqual(notEmpty, 2)
        XCTAssertTrue(text.contains("is not empty") && text.contains("Usage: candor sample"), text)
    }
}

import Foundation
import XCTest
@testable import candor
import Site
import Dataset

/// docs/reference.md is generated from the code that resolves figures and chart fences; this
/// keeps the two in sync (CANDOR_RECORD=1 rewrites the file).
final class ReferenceTests: XCTestCase {
    func testTheFigureAndChartReferenceMatchesTheCode() throws {
        var options = Pipeline.Options(content: repository + "/Content", output: Scratch().path + "/out", theme: repository + "/Themes/default")
        options.checkOnly = true
        let summary = try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
        let report = try XCTUnwrap(summary.report)
        let generated = Reference.markdown(report)
        let path = repository + "/docs/reference.md"
        if ProcessInfo.processInfo.environment["CANDOR_RECORD"] == "1" {
            try generated.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let committed = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        XCTAssertEqual(committed, generated, "docs/reference.md differs from the code; run CANDOR_RECORD=1 swift test --filter ReferenceTests and review the diff")
        // A withheld tool's note belongs to tools.<tool> only (it was also written under
        // outcomes., time_saved. and usage_cohorts. with the tool's slug).
        for tool in report.tools where tool.published == nil {
            for line in generated.split(separator: "\n") where line.contains(".\(tool.slug).") {
                XCTAssertTrue(line.hasPrefix("| `tools."), String(line))
            }
        }
        // It names what a page can cite and draw: a few anchors that must be there.
        for needle in ["`org.adoption_rate`", "`teams.<team>.tokens`", "`tools.<tool>.", "| `weekly` |", "`type` |"] {
            XCTAssertTrue(generated.contains(needle), needle)
        }
    }
}

/// Pages name tools as tools.csv's `name` column says, else by their id made readable; the
/// data files keep the ids.
final class DisplayNameTests: XCTestCase {
    func testToolsAreNamedAsToolsCsvSaysOrReadably() throws {
        XCTAssertEqual(displayName(ofTool: "github-copilot"), "GitHub Copilot")
        XCTAssertEqual(displayName(ofTool: "amazon-q-developer"), "Amazon Q Developer")
        XCTAssertEqual(displayName(ofTool: "chatgpt_enterprise"), "ChatGPT Enterprise")
        XCTAssertEqual(displayName(ofTool: "internal-gpt"), "Internal GPT")
        let scratch = Scratch()
        let content = scratch.path + "/report", output = scratch.path + "/site"
        try Init.parse([content]).run()
        let tools = content + "/data/tools.csv"
        let csv = try String(contentsOfFile: tools, encoding: .utf8)
            .replacingOccurrences(of: "tool,capability,", with: "tool,name,capability,")
            .replacingOccurrences(of: "\ncursor,", with: "\ncursor,Cursor Business,")
            .split(separator: "\n").map { line -> String in
                line.hasPrefix("tool,") || line.hasPrefix("cursor,") ? String(line) : line.replacingOccurrences(of: ",", with: ",,", options: [], range: line.range(of: ","))
            }.joined(separator: "\n") + "\n"
        try csv.write(toFile: tools, atomically: true, encoding: .utf8)
        _ = try build(content, output)
        let cursorPage = try String(contentsOfFile: output + "/tools/cursor.html", encoding: .utf8)
        XCTAssertTrue(cursorPage.contains("<title>Cursor Business ·"), String(cursorPage.prefix(400)))
        let copilot = try String(contentsOfFile: output + "/tools/github-copilot.html", encoding: .utf8)
        XCTAssertTrue(copilot.contains("<title>GitHub Copilot ·"))
        // Tools of one capability name each other, under a label (the template tested
        // `siblings.0`, which Mustache never showed).
        XCTAssertTrue(copilot.contains("<p>Other tools with the same capability:</p>\n<ul class=\"link-list\"><li><a href=\"cursor.html\">Cursor Business</a></li>"), copilot)
        let summary = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        XCTAssertTrue(summary.contains(">Cursor Business<") || summary.contains("Cursor Business"))
        // The data keep the ids.
        let report = try json(output + "/data/report.json")
        let entries = (report["tools"] as? [[String: Any]]) ?? []
        let ids = entries.compactMap { $0["tool"] as? String }
        XCTAssertTrue(ids.contains("cursor") && ids.contains("github-copilot"), "\(ids)")
        // Published or withheld, `tool` is the id (here, as the slug) and `name` the display name.
        for entry in entries {
            XCTAssertEqual(entry["tool"] as? String, entry["slug"] as? String, "\(entry)")
            XCTAssertNotNil(entry["name"] as? String)
        }
        let cursor = entries.first { $0["tool"] as? String == "cursor" }
        XCTAssertEqual(cursor?["name"] as? String, "Cursor Business")
    }
}

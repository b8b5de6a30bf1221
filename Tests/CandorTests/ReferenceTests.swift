import Foundation
import XCTest
@testable import candor
import Site

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

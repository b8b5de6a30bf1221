import XCTest
@testable import Markdown

struct FakeResolver: MarkdownResolver {
    func figure(_ path: String) -> Result<String, MarkdownResolverError> {
        path == "org.adoption_rate" ? .success("88 %") : path == "teams.x.name" ? .success("<b>Evil & Co</b>") : .failure(MarkdownResolverError("unknown figure \"\(path)\""))
    }
    func chart(_ request: ChartRequest) -> Result<String, MarkdownResolverError> {
        request["type"] == "bar" ? .success("<figure>chart of \(request["data"] ?? "")</figure>") : .failure(MarkdownResolverError("unknown chart type \"\(request["type"] ?? "")\""))
    }
}

final class MarkdownTests: XCTestCase {
    /// The attack that took 88 s: 200 KB of nested lists (thousands of blocks, each with a
    /// source position to strip). Post-processing is one pass now; the page keeps every item
    /// and every heading's anchor, and no source position leaks.
    func testALargePageOfNestedListsKeepsEveryItem() {
        var source = "# Start\n\n"
        for item in 0..<4000 { source += String(repeating: "  ", count: item % 8) + "- item \(item) {{x}}\n" }
        source += "\n## End\n"
        XCTAssertGreaterThan(source.utf8.count, 60_000)
        let html = Markdown.render(source).html
        XCTAssertEqual(html.components(separatedBy: "<li>").count - 1, 4000)
        XCTAssertTrue(html.contains("<h1 id=\"start\">") && html.contains("<h2 id=\"end\">"), String(html.prefix(200)))
        XCTAssertFalse(html.contains("data-sourcepos"))
        XCTAssertTrue(html.contains("item 3999 {{x}}"))
    }

    func testRawHTMLIsDroppedUnlessAllowed() {
        let source = "Hello <script>alert(1)</script> world\n\n<div onclick=\"x()\">block</div>\n"
        let safe = Markdown.render(source).html
        XCTAssertFalse(safe.contains("<script"))
        XCTAssertFalse(safe.contains("<div"))
        XCTAssertTrue(safe.contains("Hello"))
        let unsafe = Markdown.render(source, options: MarkdownOptions(unsafeHTML: true)).html
        XCTAssertTrue(unsafe.contains("<div onclick"))
    }

    func testDangerousLinkSchemesNeverSurviveEvenWithUnsafeHTML() {
        for options in [MarkdownOptions(unsafeHTML: false), MarkdownOptions(unsafeHTML: true)] {
            let html = Markdown.render("[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](vbscript:y) [d](data:text/html,x) ![e](java\tscript:z) [ok](https://example.com/a:b) [rel](teams/a.html)", options: options).html
            XCTAssertFalse(html.lowercased().contains("javascript:"), html)
            XCTAssertFalse(html.contains("vbscript:"), html)
            XCTAssertFalse(html.contains("data:text"), html)
            XCTAssertTrue(html.contains("href=\"https://example.com/a:b\""), html)
            XCTAssertTrue(html.contains("href=\"teams/a.html\""), html)
        }
    }

    func testFigureReferencesResolveInTextButNotInCode() {
        let rendered = Markdown.render("Adoption is {{ org.adoption_rate }} and `{{ org.adoption_rate }}` stays; {{teams.x.name}}.\n\n    {{ in_code_block }}\n", resolver: FakeResolver())
        XCTAssertTrue(rendered.html.contains("Adoption is 88 % and <code>{{ org.adoption_rate }}</code> stays; &lt;b&gt;Evil &amp; Co&lt;/b&gt;."), rendered.html)
        XCTAssertTrue(rendered.html.contains("{{ in_code_block }}"))
        XCTAssertEqual(rendered.issues, [])
    }

    func testUnknownFigureIsAnIssueAtItsFileLine() {
        let rendered = Markdown.render("Title\n\nline two {{ org.nope }}\n", firstLine: 5, resolver: FakeResolver())
        XCTAssertEqual(rendered.issues, [MarkdownIssue(line: 7, column: 0, message: "unknown figure \"org.nope\"")])
    }

    func testChartFencesBecomeChartsAndBadOnesAreIssues() {
        let source = "Intro\n\n```chart\ntype: bar\ndata: teams\n```\n\n```chart\ntype: pie\n```\n\n```swift\nlet chart = 1\n```\n"
        let rendered = Markdown.render(source, firstLine: 10, resolver: FakeResolver())
        XCTAssertTrue(rendered.html.contains("<figure>chart of teams</figure>"))
        XCTAssertEqual(rendered.charts, 1)
        XCTAssertEqual(rendered.issues, [MarkdownIssue(line: 17, column: 0, message: "unknown chart type \"pie\"")])
        XCTAssertTrue(rendered.html.contains("let chart = 1"))
    }

    func testHeadingsGetStableUniqueAnchors() {
        let rendered = Markdown.render("# What we found\n\n## Usage & value\n\n## Usage & value\n")
        XCTAssertEqual(rendered.headings.map(\.anchor), ["what-we-found", "usage-value", "usage-value-2"])
        XCTAssertTrue(rendered.html.contains("<h2 id=\"usage-value-2\">"), rendered.html)
        XCTAssertFalse(rendered.html.contains("data-sourcepos"))
    }

    func testDoubleBracesAreFoundWhereverTheyAre() {
        for text in ["", "{", "{{", "a{", "{a{", "{{a", "a{{", "é{{", "{é{", "}{", "{}{", "x{ {"] {
            XCTAssertEqual(hasDoubleBrace(text), text.contains("{{"), text)
        }
        // Texts of braces, letters and a two-byte letter, of every length up to 40.
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            for _ in 0..<50 {
                let text = String((0..<length).map { _ in "{{a}é ".randomElement(using: &generator)! })
                XCTAssertEqual(hasDoubleBrace(text), text.contains("{{"), text)
            }
        }
    }

    func testPlainTextDropsMarkup() {
        XCTAssertEqual(Markdown.plainText("# Hi\n\nSome *very* `code` [link](x)."), "Hi Some very code link.")
    }
}

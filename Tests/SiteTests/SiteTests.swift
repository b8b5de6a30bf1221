import Dataset
import Foundation
import XCTest
@testable import Site

final class SiteTests: XCTestCase {
    func testJSONEscapesForJSONAndForInlineHTML() throws {
        let value = JSONValue.object([("a\"b", .string("</script><b>&\n\u{1}")), ("n", .number(0.1 + 0.2)), ("i", .int(3)), ("x", .num(.nan))])
        XCTAssertEqual(value.serialized(pretty: false), #"{"a\"b":"\u003c/script\u003e\u003cb\u003e\u0026\n\u0001","n":0.3,"i":3,"x":null}"#)
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(value.serialized().utf8)))
        // Plain text is copied whole; U+2028 and U+2029 (which end a line in a script) are escaped,
        // and other text starting with the same byte (U+2013, U+2192) is kept as it is.
        XCTAssertEqual(JSONValue.string("Team 7 – Payments → é").serialized(pretty: false), "\"Team 7 – Payments → é\"")
        XCTAssertEqual(JSONValue.string("a\u{2028}b\u{2029}c").serialized(pretty: false), #""a\u2028b\u2029c""#)
        // Each ASCII character is copied as it is exactly when neither JSON nor an inline script
        // needs it escaped.
        for code in UInt8(0)..<0x80 {
            let text = "x" + String(UnicodeScalar(code)) + "y"
            let escaped = code < 0x20 || [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&")].contains(code)
            XCTAssertEqual(JSONValue.string(text).serialized(pretty: false) == "\"\(text)\"", !escaped, "\(code)")
        }
        // Every control character, and every other scalar up to U+02FF and beyond, comes back
        // from a JSON parser as it went in.
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: (0..<0x300).compactMap(Unicode.Scalar.init(_:) as (UInt32) -> Unicode.Scalar?) + ["\u{2028}", "\u{2029}", "\u{1F600}"])
        let text = String(scalars)
        let parsed = try JSONSerialization.jsonObject(with: Data(JSONValue.object([(text, .array([.string(text)]))]).bytes()))
        XCTAssertEqual((parsed as? [String: Any])?[text] as? [String], [text])
    }

    /// Numbers as report.json and the CSV files write them: "%.10g" with a canonical exponent,
    /// compared with Foundation's formatting and string replacement, as it was written before.
    func testNumbersAreFormattedAsPrintfWithACanonicalExponent() {
        func reference(_ value: Double) -> String {
            guard value.isFinite else { return "null" }
            if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
            var text = String(format: "%.10g", value)
            if text.contains("e") {
                text = text.replacingOccurrences(of: "e+", with: "e").replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e0", with: "e")
            }
            return text
        }
        var values: [Double] = [0.1 + 0.2, -0.5, 1e15, 1.5e15, -2.5e20, 1e-5, 1.234e-7, 3.3e-10, 7e100, -1e-300, .pi, 1 / 3, 5e-324, .greatestFiniteMagnitude, .nan, .infinity]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -320...308, using: &generator)
            values.append((Bool.random(using: &generator) ? -1 : 1) * Double.random(in: 1..<10, using: &generator) * pow(10, magnitude.rounded()))
        }
        // Numbers of few digits (most figures), which take the short path, at every scale, and
        // at the edges where "%g" changes notation.
        for _ in 0..<50_000 {
            let digits = Double(Int.random(in: -9_999_999_999...9_999_999_999, using: &generator))
            values.append(digits * pow(10, Double(Int.random(in: -30...20, using: &generator))))
            values.append(Double(Int.random(in: 1...999, using: &generator)) / Double([3, 7, 100, 1_000, 1 << 20].randomElement(using: &generator)!))
        }
        values += [0.0001, 0.00001, 0.00009999999999, 0.000099999, 9_999_999_999.5, 999_999_999.5, 1e10 + 0.5, 123456789.5,
                   0.1, 1e-4, 1.5e-4, 1e21, 1e22, 1.2e15 + 0.5, 4_503_599_627_370_495.5, -0.0001, 0.30000000000000004]
        for value in values {
            XCTAssertEqual(formatJSONNumber(value), reference(value), "\(value)")
        }
        // Both ways of writing are taken.
        var bytes: [UInt8] = []
        XCTAssertTrue(appendShortJSONNumber(0.35, to: &bytes))
        XCTAssertFalse(appendShortJSONNumber(1.0 / 3, to: &bytes))
        XCTAssertEqual(formatJSONNumber(1.5e20), "1.5e20")
        XCTAssertEqual(formatJSONNumber(1.25e-5), "1.25e-5")
    }

    func testCSVQuotesAndDefusesFormulas() {
        XCTAssertEqual(CSVWriter.escape("plain"), "plain")
        XCTAssertEqual(CSVWriter.escape("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVWriter.escape("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVWriter.escape("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CSVWriter.escape("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVWriter.escape("-12.5"), "-12.5")  // a number stays a number
        XCTAssertEqual(CSVWriter.escape("-x"), "'-x")
        // Decided on bytes: "\r\n", and a comma with a combining mark, are each one Character.
        XCTAssertEqual(CSVWriter.escape("a\r\nb"), "\"a\r\nb\"")
        XCTAssertEqual(CSVWriter.escape(",\u{301}"), "\",\u{301}\"")
    }

    /// Every cell comes back from a CSV reader as it went in (a defused formula with its quote
    /// mark before it): commas, quotes, each kind of line end, and a comma or quote followed by
    /// a combining mark.
    func testCSVCellsReadBackAsWritten() throws {
        let cells = ["plain", "a,b", "say \"hi\"", "a\r\nb", "a\nb", "a\rb", ",\u{301}", "\"\u{301}", "=1+1", "-12.5", "-x",
                     "@x", "\tx", "+1e3", "é,ü", "Team 7 – Payments", ""]
        var writer = CSVWriter(header: ["cell", "next"])
        for cell in cells { writer.append([cell, "end"]) }
        let path = NSTemporaryDirectory() + "candor-csv-\(UUID().uuidString).csv"
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = CSVReader(source: try FileByteSource(path: path))
        var rows: [[String]] = []
        try reader.forEach { record in rows.append((0..<record.count).map { record.string($0) ?? "(not UTF-8)" }) }
        XCTAssertEqual(rows.first, ["cell", "next"])
        XCTAssertEqual(rows.count, cells.count + 1)
        for (cell, row) in zip(cells, rows.dropFirst()) {
            let defused = ["=", "+", "-", "@", "\t"].contains { cell.hasPrefix($0) } && Double(cell) == nil
            XCTAssertEqual(row, [(defused ? "'" : "") + cell, "end"], cell.debugDescription)
        }
    }

    func testNothingIsWrittenOutsideTheOutputFolder() {
        var files = SiteFiles()
        for path in ["../x.html", "/etc/passwd", "a/../../b", "a//b", "a\\b", "", "./a"] {
            XCTAssertThrowsError(try files.add(path, "x"), path)
        }
        XCTAssertNoThrow(try files.add("teams/a.html", "x"))
        // A second file of one name is refused, and the first is kept.
        XCTAssertThrowsError(try files.add("teams/a.html", "y"))
        XCTAssertEqual(files.text("teams/a.html"), "x")
    }

    func testOutputIsReplacedWholeAndDotFilesAreKept() throws {
        let base = NSTemporaryDirectory() + "candor-site-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let output = base + "/Output"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try "keep".write(toFile: output + "/.gitkeep", atomically: true, encoding: .utf8)
        try "old".write(toFile: output + "/stale.html", atomically: true, encoding: .utf8)
        // A previous site of Candor's: its manifest says so.
        try FileManager.default.createDirectory(atPath: output + "/data", withIntermediateDirectories: true)
        try "{\"schema\": \"candor.manifest/1\"}".write(toFile: output + "/data/manifest.json", atomically: true, encoding: .utf8)
        var files = SiteFiles()
        try files.add("index.html", "new")
        try files.add("teams/a.html", "team")
        try OutputFolder.write(files, to: output)
        let listing = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        XCTAssertEqual(listing, [".gitkeep", "index.html", "teams"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base), ["Output"])  // no staging left
    }

    func testHTMLEscaping() {
        XCTAssertEqual(esc("<a href=\"x\">'&'</a>\u{7}"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        XCTAssertEqual(esc("Résumé ✓ plain"), "Résumé ✓ plain")
        XCTAssertEqual(esc("a\"\u{0338}b<\u{0338}c"), "a&quot;\u{0338}b&lt;\u{0338}c", "a quote with a combining mark is still a quote")
        XCTAssertEqual(esc("\r\n\t\u{0}x\u{1B}"), "\n\tx")
    }

    /// `{{value}}` in every template, partials included, escapes as `esc` does: Mustache's own
    /// escaping, by Character, let `"` + U+0338 close an attribute value and add an attribute.
    func testTemplatesEscapeAQuoteFollowedByACombiningMark() throws {
        let scratch = NSTemporaryDirectory() + "candor-theme-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/templates", withIntermediateDirectories: true)
        try "<meta content=\"{{d}}\">\n{{> part}}".write(toFile: scratch + "/templates/probe.mustache", atomically: true, encoding: .utf8)
        try "<b title=\"{{d}}\">{{{d}}}</b>".write(toFile: scratch + "/templates/part.mustache", atomically: true, encoding: .utf8)
        let defaultTheme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes/default").standardized.path
        let theme = try Theme(folder: defaultTheme, overrides: scratch)
        let hostile = "x\"\u{0338} onload=alert(1) y=\"'<"
        XCTAssertEqual(theme.render("probe", ["d": hostile]),
                       "<meta content=\"x&quot;\u{0338} onload=alert(1) y=&quot;&#39;&lt;\">\n<b title=\"x&quot;\u{0338} onload=alert(1) y=&quot;&#39;&lt;\">\(hostile)</b>")
    }

    /// `FlatTemplate.sharesLine` reads bytes; it answers as the reading by Characters it
    /// replaced, on random lines of spaces, tabs, text, combining marks, every kind of line end
    /// and characters whose UTF-8 ends or begins like one.
    func testSharesLineAnswersAsCharactersDo() {
        func reference(_ tag: Swift.Range<String.Index>, _ text: String) -> Bool {
            let before = text[..<tag.lowerBound].reversed().prefix { !$0.isNewline }
            let after = text[tag.upperBound...].prefix { !$0.isNewline }
            return !(before + after).allSatisfy { $0 == " " || $0 == "\t" }
        }
        let pieces = [" ", "\t", "x", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{301}",
                      "é", "\u{2027}", "\u{202A}", "\u{0145}", "\u{00A8}", "\u{0885}", "\u{E0A8}"]
        var state: UInt64 = 0x11E5
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var sharing = 0
        for _ in 0..<20_000 {
            let before = (0..<next(5)).map { _ in pieces[next(pieces.count)] }.joined()
            let after = (0..<next(5)).map { _ in pieces[next(pieces.count)] }.joined()
            let text = before + "{{#a}}" + after
            // By bytes, as the template reader finds tags (a mark after "}}" joins its Character).
            let lower = text.utf8.index(text.startIndex, offsetBy: before.utf8.count)
            let tag = lower..<text.utf8.index(lower, offsetBy: 6)
            let expected = reference(tag, text)
            XCTAssertEqual(FlatTemplate.sharesLine(tag, in: text), expected, text.debugDescription)
            if expected { sharing += 1 }
        }
        XCTAssertGreaterThan(sharing, 5_000)
        XCTAssertLessThan(sharing, 19_000)
    }

    /// Templates of text and plain variables are rendered without Mustache (`FlatTemplate`):
    /// random templates, flat and not, with hostile values, missing ones and ones that are not
    /// strings, give the same page both ways, and every template with another kind of tag is
    /// left to Mustache.
    func testFlatTemplatesRenderAsMustacheDoes() throws {
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let names = ["a", "b", "title", "d-e", "f_g", "x9"]
        let spaced = ["", " ", "  ", "\t"]
        // (No text ends in "{": before a tag it would make another tag, which Mustache refuses.)
        let texts = ["<p>", "}}", "}", "{ x", "{ {x", "text ", "\n", "\r\n", "  \n", "é ✓", "\"'&<>", "{x}"]
        // (Sections, dotted names and {{.}} are flat too, and compared in the test below.)
        let others = ["{{! note }}", "{{a..b}}", "{{.a}}", "{{=<% %>=}}<%a%><%={{ }}=%>", "{{uppercased(a)}}",
                      "{{#a.b}}x{{/a.b}}", "{{# a}}x{{/a}}"]
        let scratch = NSTemporaryDirectory() + "candor-flat-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/templates", withIntermediateDirectories: true)
        try "[{{a}}]".write(toFile: scratch + "/templates/part.mustache", atomically: true, encoding: .utf8)
        var flatExpected: [String: Bool] = [:]
        for index in 0..<300 {
            var template = ""
            var flat = true
            for _ in 0..<(1 + next(8)) {
                switch next(6) {
                case 0, 1: template += texts[next(texts.count)]
                case 2: template += "{{" + spaced[next(4)] + names[next(names.count)] + spaced[next(4)] + "}}"
                case 3: template += "{{{" + spaced[next(4)] + names[next(names.count)] + spaced[next(4)] + "}}}"
                case 4: template += "{{&" + spaced[next(4)] + names[next(names.count)] + "}}"
                default:
                    if next(3) == 0 { template += others[next(others.count)]; flat = false } else { template += texts[next(texts.count)] }
                }
            }
            let name = "probe-\(index)"
            flatExpected[name] = flat
            try template.write(toFile: scratch + "/templates/\(name).mustache", atomically: true, encoding: .utf8)
        }
        let defaultTheme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes/default").standardized.path
        let theme = try Theme(folder: defaultTheme, overrides: scratch)
        let pool: [Any] = ["", "plain", "x\"\u{0338} onload=alert(1) y=\"'<", "<script>&amp;</script>", "{{a}}", "line\nbreak", "é\u{301}👩‍💻",
                           true, 0, 3.5]
        for (name, flat) in flatExpected { XCTAssertEqual(theme.flat[name] != nil, flat, name) }
        let compared = compareWithMustache(theme, flatExpected.keys.sorted(), keys: names, pool: pool, rounds: 8, next: next)
        XCTAssertGreaterThan(compared, 200, "enough pages went the flat way to compare")
    }

    /// Renders each template `rounds` times with values drawn from `pool` for some of `keys`,
    /// through Mustache and through the theme (flat where it can be): the pages must be the
    /// same. Returns how many were rendered flat.
    func compareWithMustache(_ theme: Theme, _ templates: [String], keys: [String], pool: [Any], rounds: Int,
                             next: (Int) -> Int) -> Int {
        var compared = 0
        for name in templates {
            for _ in 0..<rounds {
                var values: [String: Any] = [:]
                for key in keys where next(5) != 0 { values[key] = pool[next(pool.count)] }
                let mustache = theme.library.render(Theme.Fields(values), withTemplate: name) ?? ""
                if let page = theme.flat[name]?.render(values, escape: esc, partials: theme.flat) {
                    XCTAssertEqual(page, mustache, "\(name) with \(values)")
                    compared += 1
                }
                XCTAssertEqual(theme.render(name, values), mustache, name)
            }
        }
        return compared
    }

    /// Sections and partials too: random templates of text, variables, sections (nested,
    /// inverted, alone on their lines or not) and partials (flat, not flat, missing) with values
    /// of every type a page passes and some it does not; whenever the template renders without
    /// Mustache, the page is Mustache's.
    func testTemplatesWithSectionsRenderAsMustacheDoes() throws {
        var state: UInt64 = 0x5EC7
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let names = ["a", "b", "c-d"]
        let texts = ["<p>", "}", "x", " ", "\t", "\n", "\r\n", "  \n", "é", "\"'&<>", "\u{2028}", "\n  "]
        func template(depth: Int) -> String {
            var text = ""
            for _ in 0..<(1 + next(5)) {
                switch next(depth < 2 ? 6 : 4) {
                case 0: text += texts[next(texts.count)]
                case 1: text += "{{" + names[next(names.count)] + "}}"
                case 2: text += "{{{" + names[next(names.count)] + "}}}"
                case 3: text += ["{{.}}", "{{{.}}}", "{{& . }}", "{{a.a}}", "{{{b.c-d}}}", "{{a.a.a}}",
                                 "{{> part}}", "{{>part-b}}", "{{> part-c }}", "{{> missing}}"][next(10)]
                default:
                    let name = names[next(names.count)]
                    text += "{{" + (next(2) == 0 ? "#" : "^") + name + "}}" + template(depth: depth + 1) + "{{/" + name + "}}"
                }
            }
            return text
        }
        let scratch = NSTemporaryDirectory() + "candor-sections-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/templates", withIntermediateDirectories: true)
        // Partials: flat ones (one with sections, one with a partial of its own), and one that
        // is not (a comment).
        try "[{{a}}]".write(toFile: scratch + "/templates/part.mustache", atomically: true, encoding: .utf8)
        try "{{#b}}<{{.}}|{{c-d}}>{{/b}}\n{{^a}}none {{> part}}{{/a}}".write(toFile: scratch + "/templates/part-b.mustache", atomically: true, encoding: .utf8)
        try "{{! not flat }}({{a}})".write(toFile: scratch + "/templates/part-c.mustache", atomically: true, encoding: .utf8)
        var written: [String] = [], withPartials: [String] = []
        for index in 0..<400 {
            let text = template(depth: 0)
            guard text.contains("{{#") || text.contains("{{^") else { continue }
            try text.write(toFile: scratch + "/templates/probe-\(index).mustache", atomically: true, encoding: .utf8)
            written.append("probe-\(index)")
            if text.contains("{{> part}}") || text.contains("{{>part-b}}") { withPartials.append("probe-\(index)") }
        }
        let defaultTheme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes/default").standardized.path
        let theme = try Theme(folder: defaultTheme, overrides: scratch)
        let pool: [Any] = ["", "plain", "x\"\u{0338} onload=alert(1) y=\"'<", true, false, 0, 7, 3.5,
                           [] as [[String: Any]], [["a": "in item", "b": 2]] as [[String: Any]], [["b": "one"], ["a": true, "c-d": "two"]] as [[String: Any]],
                           ["a": "in scope"] as [String: Any], ["a": ["a": "deep"], "c-d": 4] as [String: Any], ["s1", "<s2>"], [] as [String], ["one"] as [Any], [1, 2], Optional<String>.none as Any, Optional("opt") as Any]
        let flat = written.filter { theme.flat[$0] != nil }.count
        let compared = compareWithMustache(theme, written, keys: names, pool: pool, rounds: 20, next: next)
        XCTAssertGreaterThan(flat, 100, "enough templates with sections are flat")
        XCTAssertGreaterThan(withPartials.filter { theme.flat[$0] != nil }.count, 20, "enough with flat partials are flat")
        XCTAssertGreaterThan(compared, 500, "enough pages went the flat way to compare")
        // The default theme's pages (each team's and tool's with its partial), and a section or
        // a partial alone on its line (not flat).
        for name in ["commentary", "index", "team", "tool", "figure-list", "layout"] { XCTAssertNotNil(theme.flat[name], name) }
        XCTAssertNil(FlatTemplate("a\n  {{> part}}\nc"))
        XCTAssertNotNil(FlatTemplate("a {{> part}}\nc"))
        // A partial that includes itself is left to Mustache, not followed for ever.
        let loop = try XCTUnwrap(FlatTemplate("({{> loop}})"))
        XCTAssertNil(loop.render([:], escape: esc, partials: ["loop": loop]))
        XCTAssertEqual(try XCTUnwrap(FlatTemplate("x {{> part}}")).render(["a": "<"], escape: esc, partials: ["part": try XCTUnwrap(theme.flat["part"])]), "x [&lt;]")
        XCTAssertNil(FlatTemplate("a\n  {{#b}}\nc\n{{/b}}\n"))
        XCTAssertNotNil(FlatTemplate("a {{#b}}\nc\n{{/b}} d"))
        // Inside an inverted section over an empty list, `{{.}}` is the list to Mustache: left to it.
        let current = try XCTUnwrap(FlatTemplate("{{#a}}[{{.}}{{^b}}{{.}}{{/b}}]{{/a}}"))
        XCTAssertEqual(current.render(["a": ["x"], "b": ["y"]], escape: esc), "[x]")
        XCTAssertNil(current.render(["a": ["x"], "b": [] as [String]], escape: esc))
    }
}

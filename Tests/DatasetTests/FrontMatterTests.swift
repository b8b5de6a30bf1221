import XCTest
import Yams
@testable import Dataset

/// Plain `key: value` front matter is read without the YAML parser; it must give what the parser
/// gives — the same pairs, the same resolved types, the same problems at the same line and column.
final class FrontMatterTests: XCTestCase {
    func pairs(_ node: Node?) -> [[String]] {
        guard case let .mapping(mapping)? = node else { return [] }
        return mapping.map { pair in
            let inner = pairs(pair.value).map { $0.joined(separator: "=") }.joined(separator: ",")
            return [pair.key.string ?? "?", pair.value.string ?? inner, pair.value.tag.description]
        }
    }

    func testPlainFrontMatterIsReadAsTheParserReadsIt() throws {
        let documents = [
            "---\ntitle: Page one\norder: 10\nsummary: What the team said, and why.\n---\n# Body\n",
            "---\ntitle:   Padded   \nslug: page-one\n\norder: -3\n---\nbody",
            "\u{FEFF}---\ntitle: Résumé of Q3\ndate: 2026-03-01\nflag: yes\nnothing: null\nratio: 0.5\n---\n",
            "---\ntitle: x\n...\nafter",
            // Words YAML 1.1 reads as booleans or null, in any case, beside text that only starts like them.
            "---\ntitle: On call\nflag: Off\nempty: Null\nword: yesterday\nkey: n\nshout: TRUE\nodd: tRUE\ninfinity: Inf\n---\n",
            // Numbers and dates, whose tags are decided without the resolver's expressions, and the
            // shapes beside them that the resolver still decides.
            "---\nint: 10\nzero: 0\noctal: 012\nfloat: 2.50\nunderscored: 1_000\nday: 2026-13-45\nshort: 2026-1-5\nversion: 1.2.3\nexp: 1e3\nsigned: -7\n---\n",
            // A feedback file's one-line scores.
            "---\ndate: 2026-02-01\nchannel: retro\nteam: Payments\nscores: {usefulness: 1, onboarding_ease:  4 }\n---\nThe tools are slow.\n",
            "---\nscores: {usefulness: 5}\ntitle: Survey\n---\n",
        ]
        for text in documents {
            let fast = try FrontMatterDocument.split(text, file: "c.md")
            XCTAssertFalse(fast.marks.isEmpty, "read without the parser: \(text.debugDescription)")
            // The same block through the YAML parser.
            let lines = text.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\n", omittingEmptySubsequences: false)
            let close = lines.dropFirst().firstIndex { ["---", "..."].contains($0.trimmingCharacters(in: .whitespacesAndNewlines)) }!
            let parsed = try YAMLReader.compose(lines[1..<close].joined(separator: "\n"), file: "c.md")
            XCTAssertEqual(pairs(fast.meta), pairs(parsed), text)
            XCTAssertEqual(fast.body, lines[(close + 1)...].joined(separator: "\n"), text)
            XCTAssertEqual(fast.bodyLine, close + 2, text)
        }
    }

    func testAnythingButPlainPairsGoesToTheParser() throws {
        for block in ["tags: [a, b]", "title: \"Quoted\"", "title: a # comment", "title: a: b", "list:\n  - a", "title: x\ntitle: y",
                      "title: same\nslug: same", "? complex", "title: *alias", "title: |", "- a", "title:", "key : v", "title: 'q'",
                      "scores: {a: 1,}", "scores: {a: [1]}", "scores: {a: {b: 1}}", "scores: {}", "scores: {a: 1} x", "scores: {a:1}",
                      "scores: {a: 1, a: 2}", "scores: {a: x, b: x}", "scores: {a: 1", "scores: {a: \"q\"}", "scores: { : 1}",
                      "clé: 1", "1key: v", "-key: v", "title: a\"\u{0338}b", "title: a\u{7F}b", "title: a\u{1}b", "title: a\\b",
                      "title: a`b", "title: 50%", "title: a@b", "title: a!b"] {
            let document = try? FrontMatterDocument.split("---\n\(block)\n---\nbody", file: "c.md")
            XCTAssertTrue(document?.marks.isEmpty ?? true, block)
        }
    }

    /// Every node a plain block's fast reading makes, with its text, tag, line and column, in order.
    func described(_ node: Node?, marks: NodeMarks) -> [String] {
        var reader = YAMLReader(file: "c.md")
        reader.marks = marks
        func walk(_ node: Node) -> [String] {
            let place = "\(reader.line(node)):\(reader.column(node))"
            switch node {
            case let .mapping(mapping):
                return ["{ \(place)"] + mapping.flatMap { walk($0.key) + walk($0.value) } + ["}"]
            default:
                return ["\(node.string ?? "?") \(node.tag.description) \(place)"]
            }
        }
        guard case let .mapping(mapping)? = node else { return [] }
        return mapping.flatMap { walk($0.key) + walk($0.value) }
    }

    func testRandomBlocksReadWithoutTheParserGiveItsNodesAtItsPlaces() throws {
        // Lines of a key, a separator and a value (or a one-line mapping of such pairs), each
        // drawn from plain, nearly plain and not plain texts: whatever the fast reading takes
        // must be what the parser makes, node for node, at the same line and column.
        let keys = ["title", "a", "k-1", "_x", "x9", "é", "1k", " t", "t "]
        let separators = [": ", ":  ", ":", " : ", ":\t"]
        let values = ["Page one", "1", "07", "2.5", "-3", "-", "- a", "yes", "Null", "nO", "2026-02-01", "é", "e\u{301}", "日本 語",
                      "\u{212A}", "K", "1.2.3", "2.", "2026-1-50", "1e3", "12-45-7890", "x # y", "\"q\"", "a,b", "?x", "@x", "a\tb", "a\rb", "word  ", "", "x y", "A", "a"]
        var random = SplitMix(state: 17)  // seeded: the same blocks on every run
        func pick(_ texts: [String]) -> String { texts.randomElement(using: &random)! }
        func pair(flow: Bool) -> String {
            guard !flow, Int.random(in: 0..<4, using: &random) == 0 else { return pick(keys) + pick(separators) + pick(values) }
            let inner = (0..<Int.random(in: 1...3, using: &random)).map { _ in pair(flow: true) }
            return pick(keys) + pick(separators) + "{" + pick(["", " "]) + inner.joined(separator: pick([", ", ",", " , "])) + pick(["}", " }", ""])
        }
        var taken = 0
        for _ in 0..<12000 {
            let lines = (0..<Int.random(in: 1...4, using: &random)).map { _ in Int.random(in: 0..<8, using: &random) == 0 ? pick(["", "  "]) : pair(flow: false) }
            let block = lines.joined(separator: "\n")
            guard let (fast, marks) = FrontMatterDocument.plainMapping(Substring(block)) else { continue }
            taken += 1
            let parsed = try YAMLReader.compose(block, file: "c.md")
            XCTAssertEqual(described(fast, marks: marks), described(parsed, marks: NodeMarks()), block.debugDescription)
        }
        // Columns count scalars, as the parser's do, not bytes.
        for block in ["a: {b: é, c: 1}", "a: {b: 日本, c: 1}", "a: {b: \u{212A}, c: 1}"] {
            let (fast, marks) = try XCTUnwrap(FrontMatterDocument.plainMapping(Substring(block)))
            let parsed = try YAMLReader.compose(block, file: "c.md")
            XCTAssertEqual(described(fast, marks: marks), described(parsed, marks: NodeMarks()), block)
        }
        // A block of more texts than are compared one by one goes to the parser, and reads the same.
        let long = (0..<40).map { "key\($0): value \($0)" }.joined(separator: "\n")
        XCTAssertNil(FrontMatterDocument.plainMapping(Substring(long)))
        XCTAssertEqual(pairs(try FrontMatterDocument.split("---\n\(long)\n---\n", file: "c.md").meta).count, 40)
        // A character of two scalars goes to the parser.
        XCTAssertNil(FrontMatterDocument.plainMapping("a: {b: e\u{301}, c: 1}"))
        XCTAssertGreaterThan(taken, 300, "enough random blocks are plain")
    }

    func testProblemsNameTheSameLineAndColumnEitherWay() {
        // The same page, once plain and once with a comment line that sends it to the parser.
        var fast: [Diagnostic] = [], parsed: [Diagnostic] = []
        let plain = "---\ntitle: Fine\norder: many\nslug:  Bad Slug\nextra: unknown key\n---\nbody"
        let withComment = plain.replacingOccurrences(of: "---\nbody", with: "# a comment\n---\nbody")
        _ = CommentarySource.read(text: plain, file: "c.md", defaultSlug: "c", diagnostics: &fast)
        _ = CommentarySource.read(text: withComment, file: "c.md", defaultSlug: "c", diagnostics: &parsed)
        XCTAssertFalse(fast.isEmpty)
        XCTAssertEqual(fast, parsed)
        XCTAssertTrue(fast.contains { $0.line == 3 && $0.message.contains("order") }, "\(fast)")
    }

    func testProblemsInOneLineScoresNameTheSameLineAndColumnEitherWay() {
        var fast: [Diagnostic] = [], parsed: [Diagnostic] = []
        let plain = "---\ndate: 2026-02-01\nscores: {usefulness: 9, speed: 2}\n---\nbody"
        let withComment = plain.replacingOccurrences(of: "---\nbody", with: "# a comment\n---\nbody")
        XCTAssertFalse(try FrontMatterDocument.split(plain, file: "f.md").marks.isEmpty)
        let fastDocument = FeedbackReader.document(text: plain, file: "f.md", diagnostics: &fast)
        let parsedDocument = FeedbackReader.document(text: withComment, file: "f.md", diagnostics: &parsed)
        XCTAssertEqual(fast, parsed)
        XCTAssertTrue(fast.contains { $0.line == 3 && $0.message.contains("usefulness") }, "\(fast)")
        XCTAssertEqual(fastDocument == nil, parsedDocument == nil)
        // And when the scores are good, the same scores either way.
        var none: [Diagnostic] = []
        let good = plain.replacingOccurrences(of: "9", with: "4")
        let scores = { (text: String) in FeedbackReader.document(text: text, file: "f.md", diagnostics: &none)?.scores.map { "\($0.question)=\($0.value)" } }
        XCTAssertEqual(scores(good), ["usefulness=4", "speed=2"])
        XCTAssertEqual(scores(good), scores(good.replacingOccurrences(of: "---\nbody", with: "# a comment\n---\nbody")))
        XCTAssertEqual(none, [])
    }

    func testUnclosedAndOversizedFrontMatterAreErrors() {
        XCTAssertThrowsError(try FrontMatterDocument.split("---\ntitle: x\n", file: "c.md"))
        XCTAssertThrowsError(try FrontMatterDocument.split("---", file: "c.md"))
        XCTAssertThrowsError(try FrontMatterDocument.split("---\n" + String(repeating: "k: v\n", count: 20_000) + "---\n", file: "c.md"))
        XCTAssertEqual(try FrontMatterDocument.split("no front matter\n---\n", file: "c.md").body, "no front matter\n---\n")
    }
}

/// How a small text input's bytes become text: as Foundation reads UTF-8, a leading byte-order
/// mark dropped and CRLF line ends made LF; anything not UTF-8 refused, naming the file.
final class DecodeTextTests: XCTestCase {
    func decode(_ bytes: [UInt8]) -> (String?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let text = ReportFolder.decodeText(bytes, "commentary/a.md", &diagnostics)
        return (text, diagnostics)
    }

    func testByteOrderMarkDroppedLineEndsMadeLFAndBadBytesRefused() {
        XCTAssertEqual(decode([0xEF, 0xBB, 0xBF] + Array("# Title\r\nbody\r\n".utf8)).0, "# Title\nbody\n")
        XCTAssertEqual(decode(Array("a\rb\n".utf8)).0, "a\rb\n", "a lone CR is text")
        XCTAssertEqual(decode([]).0, "")
        XCTAssertEqual(decode([0xEF, 0xBB, 0xBF]).0, "")
        XCTAssertEqual(decode(Array("Résumé ✓".utf8)).0, "Résumé ✓")
        let (text, diagnostics) = decode([0x61, 0xFF, 0x62])
        XCTAssertNil(text)
        XCTAssertEqual(diagnostics.map(\.message), ["is not valid UTF-8"])
        XCTAssertEqual(diagnostics.first?.file, "commentary/a.md")
    }
}

import Yams

/// A Markdown document split into its YAML front matter and its body.
public struct FrontMatterDocument {
    /// The front matter's mapping; nil when the document has none.
    var meta: Node?
    public var body: String
    /// The physical line on which the body starts (1-based), to report Markdown problems.
    public var bodyLine: Int
    /// Where each key and value of a plain front matter was (line within the block, column):
    /// nodes made without the YAML parser carry no mark of their own.
    var marks = NodeMarks()

    static let maxFrontMatterBytes = 64 * 1024

    /// Splits `text` at a front matter block opened by `---` on the first line and closed by
    /// `---` or `...` on a line of its own. Throws with file:line when the YAML is invalid or
    /// the block is never closed. The body is the text after the closing line, as it is; only
    /// the front matter's lines are looked at.
    public static func split(_ text: String, file: String) throws -> FrontMatterDocument {
        let utf8 = text.utf8
        var start = utf8.startIndex
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { start = utf8.index(start, offsetBy: 3) }
        func lineEnd(_ from: String.Index) -> String.Index { utf8[from...].firstIndex(of: 0x0A) ?? utf8.endIndex }
        let firstEnd = lineEnd(start)
        let first = text[start..<firstEnd]
        let opens = first.trimmed(lineEnds: true) == "---"
        guard opens, firstEnd < utf8.endIndex else {
            if opens {
                throw InputError(.error(file, line: 1, "front matter opened with \"---\" is never closed"))
            }
            return FrontMatterDocument(meta: nil, body: text, bodyLine: 1)
        }
        let yamlStart = utf8.index(after: firstEnd)
        var lineStart = yamlStart
        var number = 2
        var size = 0
        while true {
            let end = lineEnd(lineStart)
            let line = text[lineStart..<end].trimmed(lineEnds: true)
            if line == "---" || line == "..." {
                let yaml = lineStart > yamlStart ? text[yamlStart..<utf8.index(before: lineStart)] : ""
                let body = end < utf8.endIndex ? String(text[utf8.index(after: end)...]) : ""
                if let (meta, marks) = plainMapping(yaml) {
                    return FrontMatterDocument(meta: meta, body: body, bodyLine: number + 1, marks: marks)
                }
                // The YAML starts on line 2 of the file: its marks are 1-based within the block.
                let meta = try YAMLReader.compose(String(yaml), file: file, lineOffset: 1)
                return FrontMatterDocument(meta: meta, body: body, bodyLine: number + 1)
            }
            size += utf8.distance(from: lineStart, to: end) + 1
            if size > maxFrontMatterBytes {
                throw InputError(.error(file, line: number, "front matter is longer than \(maxFrontMatterBytes / 1024) KiB"))
            }
            guard end < utf8.endIndex else {
                throw InputError(.error(file, line: 1, "front matter opened with \"---\" is never closed"))
            }
            lineStart = utf8.index(after: end)
            number += 1
        }
    }

    /// Front matter of plain `key: value` lines only — most pages' — read without a YAML round
    /// trip (the parser's set-up cost more than the rest of reading a page). A value may also be a
    /// one-line flow mapping of such pairs (`scores: {usefulness: 4, onboarding_ease: 1}`, as
    /// feedback files write their scores). The nodes are those the YAML parser would make: plain
    /// scalars, resolved by the same rules. Anything else — a list, a quote, a comment, a colon or
    /// a bracket in a value, a key or value written twice — returns nil and goes to the parser.
    static func plainMapping(_ yaml: Substring) -> (Node, NodeMarks)? {
        var reading = PlainReading()
        var pairs: [(Node, Node)] = []
        for (offset, raw) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " }) { continue }
            guard let (key, value) = reading.pair(line, from: line.startIndex, line: offset + 1) else { return nil }
            let valueNode: Node
            if value.first == "{" {
                guard value.last == "}" else { return nil }
                var inner: [(Node, Node)] = []
                let items = value.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                for item in items {
                    guard let start = item.firstIndex(where: { $0 != " " }),
                          let (innerKey, innerValue) = reading.pair(item, from: start, line: offset + 1, in: line, flow: true),
                          let scalar = reading.scalar(innerValue, line: offset + 1, in: line) else { return nil }
                    inner.append((innerKey, scalar))
                }
                guard !inner.isEmpty else { return nil }
                valueNode = Node.mapping(.init(inner, tag(.implicit), .flow))
                reading.marks[valueNode] = (offset + 1, line.distance(from: line.startIndex, to: value.startIndex) + 1)
            } else {
                guard let scalar = reading.scalar(value, line: offset + 1, in: line) else { return nil }
                valueNode = scalar
            }
            pairs.append((key, valueNode))
        }
        guard !pairs.isEmpty else { return nil }
        return (Node.mapping(.init(pairs, tag(.implicit), .block)), reading.marks)
    }

    /// The state of reading plain front matter: the marks of the nodes made so far, and every
    /// key and value text seen (a repeated one goes to the parser: marks are found by node).
    private struct PlainReading {
        var marks = NodeMarks()
        var seen = Set<Substring>()
        /// A byte that sends the block to the parser: YAML syntax (`#:{}[]&*!|>%@` and the
        /// backquote, backslash, quotes), or a control character. Every one is ASCII, and no
        /// byte of a multi-byte UTF-8 sequence is, so bytes can be checked one by one.
        static let forbidden: [Bool] = (0..<256).map { byte in
            byte < 0x20 || byte == 0x7F || "#:{}[]&*!|>%@`\\\t\"'".utf8.contains(UInt8(byte))
        }
        @inline(__always) static func isForbidden(_ byte: UInt8) -> Bool { forbidden[Int(byte)] }
        @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

        /// `key: value` starting at `from`: the key's node (marked) and the value's text, trimmed.
        mutating func pair(_ text: Substring, from: Substring.Index, line: Int, in whole: Substring? = nil,
                           flow: Bool = false) -> (Node, Substring)? {
            let whole = whole ?? text
            guard let colon = text[from...].firstIndex(of: ":") else { return nil }
            let key = text[from..<colon]
            // An ASCII letter or "_", then letters, digits, "_" and "-": checked as bytes (the
            // Unicode property lookups of a check by scalar were a third of reading the block).
            guard let head = key.utf8.first, Self.isLetter(head) || head == 0x5F,
                  key.utf8.allSatisfy({ Self.isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }),
                  seen.insert(key).inserted
            else { return nil }
            let afterColon = text[text.index(after: colon)...]
            guard afterColon.first == " " else { return nil }
            var value = afterColon.drop { $0 == " " }
            while value.last == " " { value = value.dropLast() }
            if flow, value.contains(where: { $0 == "{" || $0 == "}" }) { return nil }
            let node = Node.scalar(.init(String(key), FrontMatterDocument.plainTag(key), .plain))
            marks[node] = (line, whole.distance(from: whole.startIndex, to: key.startIndex) + 1)
            return (node, value)
        }

        /// A plain scalar's node (marked), or nil when the text is not one that reads the same
        /// without the parser.
        mutating func scalar(_ value: Substring, line: Int, in whole: Substring) -> Node? {
            // A leading "-" is a list item unless a digit or letter follows it ("-3").
            guard let lead = value.first, !"?,".contains(lead),
                  lead != "-" || value.dropFirst().first.map({ $0.isNumber || $0.isLetter }) == true,
                  !value.utf8.contains(where: Self.isForbidden),
                  seen.insert(value).inserted
            else { return nil }
            let node = Node.scalar(.init(String(value), FrontMatterDocument.plainTag(value), .plain))
            marks[node] = (line, whole.distance(from: whole.startIndex, to: value.startIndex) + 1)
            return node
        }
    }

    /// The tag Yams resolves for a plain scalar, decided without its regular expressions when
    /// the text is one of the common shapes below (each implicit tag ran seven regular
    /// expressions when the node was first hashed: a tenth of a 10,000-page build). Text that
    /// starts with a letter and is not a YAML 1.1 boolean or null word is a string (no int,
    /// float, timestamp, merge or value pattern starts with a letter); `0` or digits not starting
    /// with 0 are an int; digits, a point and digits a float; `YYYY-MM-DD` a timestamp. Anything
    /// else keeps the implicit tag for Yams to resolve.
    static func plainTag(_ text: Substring) -> Tag {
        let bytes = text.utf8
        guard let first = bytes.first else { return tag(.implicit) }
        func digits(_ part: Substring.UTF8View.SubSequence) -> Bool { !part.isEmpty && part.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        if first >= 0x30 && first <= 0x39 {
            if digits(bytes[...]) { return tag(first != 0x30 || bytes.count == 1 ? .int : .implicit) }
            let parts = bytes.split(separator: 0x2E, omittingEmptySubsequences: false)
            if parts.count == 2, digits(parts[0]), digits(parts[1]) { return tag(.float) }
            let dashed = bytes.split(separator: 0x2D, omittingEmptySubsequences: false)
            if dashed.count == 3, dashed[0].count == 4, dashed[1].count == 2, dashed[2].count == 2, dashed.allSatisfy(digits) {
                return tag(.timestamp)
            }
            return tag(.implicit)
        }
        guard let scalar = text.unicodeScalars.first, scalar.properties.isAlphabetic,
              !yamlWords.contains(text.lowercased()) else { return tag(.implicit) }
        return tag(.str)
    }

    /// A tag with Yams's default resolver and constructor, the constructor made once.
    static func tag(_ name: Tag.Name) -> Tag { Tag(name, .default, yamsConstructor) }

    private static let yamlWords: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"]
}

/// Reads front matter values with line numbers shifted to the file's lines.
struct FrontMatterReader {
    var yaml: YAMLReader
    let lineOffset = 1

    init(file: String, document: FrontMatterDocument? = nil) {
        yaml = YAMLReader(file: file)
        yaml.marks = document?.marks ?? NodeMarks()
    }

    mutating func pairs(_ meta: Node?, allowed: [String]) -> [(String, Node)] {
        guard let meta else { return [] }
        let before = yaml.diagnostics.count
        let result = yaml.mapping(meta, key: "front matter", allowed: allowed)
        shiftNew(from: before)
        return result
    }

    mutating func read<T>(_ body: (inout YAMLReader) -> T) -> T {
        let before = yaml.diagnostics.count
        let result = body(&yaml)
        shiftNew(from: before)
        return result
    }

    private mutating func shiftNew(from index: Int) {
        for position in index..<yaml.diagnostics.count where yaml.diagnostics[position].line > 0 {
            yaml.diagnostics[position].line += lineOffset
        }
    }
}

import Foundation

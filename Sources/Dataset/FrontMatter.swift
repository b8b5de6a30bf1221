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
    ///
    /// The lines are read as bytes: every byte that decides anything is ASCII, and no byte of a
    /// multi-byte UTF-8 sequence is. (Read as characters, this was a tenth of a 10,000-page
    /// build's time: each step asked where a grapheme ends.) A line with a character of several
    /// scalars (a letter and a combining accent) goes to the parser, so that scalars, which
    /// columns are counted in, are the characters the parser counts.
    static func plainMapping(_ yaml: Substring) -> (Node, NodeMarks)? {
        var reading = PlainReading()
        var pairs: [(Node, Node)] = []
        var rest = yaml
        var number = 0
        while true {
            number += 1
            let end = rest.utf8.firstIndex(of: 0x0A) ?? rest.endIndex
            var line = rest[..<end]
            if line.utf8.last == 0x0D { line = line[..<line.utf8.index(before: line.endIndex)] }
            if !line.utf8.allSatisfy({ $0 == 0x20 }) {
                guard let pair = reading.line(line, number: number) else { return nil }
                pairs.append(pair)
            }
            if end == rest.endIndex { break }
            rest = rest[rest.utf8.index(after: end)...]
        }
        guard !pairs.isEmpty else { return nil }
        return (Node.mapping(.init(pairs, tag(.implicit), .block)), reading.marks)
    }

    /// The state of reading plain front matter: the marks of the nodes made so far, and every
    /// key and value text seen (a repeated one goes to the parser: marks are found by node).
    private struct PlainReading {
        var marks = NodeMarks()
        /// Compared one by one, as texts (so as nodes are), not hashed: a block has a few, and
        /// a set of them was a fifth of reading one. Past `maxTexts`, the parser reads it.
        var seen: [Substring] = []
        static let maxTexts = 64
        /// The line being read, and whether it is all ASCII (then a column is a byte offset).
        var line: Substring = ""
        var ascii = true
        /// A byte that sends the block to the parser: YAML syntax (`#:{}[]&*!|>%@` and the
        /// backquote, backslash, quotes), or a control character. Every one is ASCII, and no
        /// byte of a multi-byte UTF-8 sequence is, so bytes can be checked one by one.
        static let forbidden: [Bool] = (0..<256).map { byte in
            byte < 0x20 || byte == 0x7F || "#:{}[]&*!|>%@`\\\t\"'".utf8.contains(UInt8(byte))
        }
        @inline(__always) static func isForbidden(_ byte: UInt8) -> Bool { forbidden[Int(byte)] }
        @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

        /// One line's key and value nodes (marked), or nil when the line is not plain.
        mutating func line(_ text: Substring, number: Int) -> (Node, Node)? {
            line = text
            ascii = text.utf8.allSatisfy { $0 < 0x80 }
            if !ascii && text.count != text.unicodeScalars.count { return nil }
            guard let (key, value) = pair(text, number: number) else { return nil }
            guard value.utf8.first == 0x7B else {  // "{"
                guard let scalar = scalar(value, number: number) else { return nil }
                return (key, scalar)
            }
            guard value.utf8.last == 0x7D else { return nil }  // "}"
            var inner: [(Node, Node)] = []
            let items = value.utf8.dropFirst().dropLast().split(separator: 0x2C, omittingEmptySubsequences: false)  // ","
            for item in items {
                guard let start = item.firstIndex(where: { $0 != 0x20 }),
                      let (innerKey, innerValue) = pair(text[start..<item.endIndex], number: number, flow: true),
                      let scalar = scalar(innerValue, number: number) else { return nil }
                inner.append((innerKey, scalar))
            }
            guard !inner.isEmpty else { return nil }
            let node = Node.mapping(.init(inner, tag(.implicit), .flow))
            marks[node] = (number, column(value.startIndex))
            return (key, node)
        }

        /// The 1-based column of a place in the line: its scalars before it (`line` made sure
        /// that each is a character).
        func column(_ index: Substring.Index) -> Int {
            (ascii ? line.utf8.distance(from: line.startIndex, to: index) : line.unicodeScalars.distance(from: line.startIndex, to: index)) + 1
        }

        /// `key: value` at the start of `text`: the key's node (marked) and the value's text, trimmed.
        mutating func pair(_ text: Substring, number: Int, flow: Bool = false) -> (Node, Substring)? {
            let bytes = text.utf8
            guard let colon = bytes.firstIndex(of: 0x3A) else { return nil }  // ":"
            let key = text[..<colon]
            // An ASCII letter or "_", then letters, digits, "_" and "-".
            guard let head = key.utf8.first, Self.isLetter(head) || head == 0x5F,
                  key.utf8.allSatisfy({ Self.isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }),
                  firstSeen(key)
            else { return nil }
            let afterColon = bytes.index(after: colon)
            guard afterColon < bytes.endIndex, bytes[afterColon] == 0x20 else { return nil }
            let start = bytes[afterColon...].firstIndex { $0 != 0x20 } ?? bytes.endIndex
            var end = bytes.endIndex
            while end > start, bytes[bytes.index(before: end)] == 0x20 { end = bytes.index(before: end) }
            let value = text[start..<end]
            if flow, value.utf8.contains(where: { $0 == 0x7B || $0 == 0x7D }) { return nil }
            let node = Node.scalar(.init(String(key), FrontMatterDocument.plainTag(key), .plain))
            marks[node] = (number, column(key.startIndex))
            return (node, value)
        }

        /// Whether this text is new to the block (and it is now seen).
        mutating func firstSeen(_ text: Substring) -> Bool {
            guard seen.count < Self.maxTexts, !seen.contains(text) else { return false }
            seen.append(text)
            return true
        }

        /// A plain scalar's node (marked), or nil when the text is not one that reads the same
        /// without the parser.
        mutating func scalar(_ value: Substring, number: Int) -> Node? {
            // A leading "-" is a list item unless a digit or letter follows it ("-3").
            guard let lead = value.utf8.first, lead != 0x3F, lead != 0x2C,  // "?", ","
                  lead != 0x2D || value.dropFirst().first.map({ $0.isNumber || $0.isLetter }) == true,
                  !value.utf8.contains(where: Self.isForbidden),
                  firstSeen(value)
            else { return nil }
            let node = Node.scalar(.init(String(value), FrontMatterDocument.plainTag(value), .plain))
            marks[node] = (number, column(value.startIndex))
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
        if first >= 0x30 && first <= 0x39 {
            // One pass: digits, and where the points and dashes are (splitting the text at
            // them made arrays for every date).
            var points = 0, dashes = 0, other = false
            for byte in bytes where byte < 0x30 || byte > 0x39 {
                if byte == 0x2E { points += 1 } else if byte == 0x2D { dashes += 1 } else { other = true }
            }
            if other { return tag(.implicit) }
            if points == 0 && dashes == 0 { return tag(first != 0x30 || bytes.count == 1 ? .int : .implicit) }
            if points == 1 && dashes == 0, let last = bytes.last, last != 0x2E { return tag(.float) }
            if points == 0 && dashes == 2 && bytes.count == 10 {
                let start = bytes.startIndex
                if bytes[bytes.index(start, offsetBy: 4)] == 0x2D && bytes[bytes.index(start, offsetBy: 7)] == 0x2D { return tag(.timestamp) }
            }
            return tag(.implicit)
        }
        // A letter; the words are of at most five letters (lower-casing each value was a
        // fifth of reading plain front matter).
        let letter = first < 0x80 ? PlainReading.isLetter(first) : text.unicodeScalars.first!.properties.isAlphabetic
        guard letter, bytes.count > 5 || !yamlWords.contains(text.lowercased()) else { return tag(.implicit) }
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

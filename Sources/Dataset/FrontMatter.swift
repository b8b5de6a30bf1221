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
    var marks: [Node: (line: Int, column: Int)] = [:]

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
        guard first.trimmingCharacters(in: .whitespaces) == "---" || first == "---\r", firstEnd < utf8.endIndex else {
            if first.trimmingCharacters(in: .whitespacesAndNewlines) == "---" {
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
            let line = text[lineStart..<end].trimmingCharacters(in: .whitespacesAndNewlines)
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
    /// trip (the parser's set-up cost more than the rest of reading a page). The nodes are those
    /// the YAML parser would make: plain scalars, resolved by the same rules. Anything else — a
    /// list, a quote, a comment, a colon or a bracket in a value, a key or value written twice —
    /// returns nil and goes to the parser.
    static func plainMapping(_ yaml: Substring) -> (Node, [Node: (line: Int, column: Int)])? {
        var pairs: [(Node, Node)] = []
        var marks: [Node: (line: Int, column: Int)] = [:]
        var seen = Set<String>()
        let forbidden = Set("#:{}[]&*!|>%@`\\\t\"'")
        for (offset, raw) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " }) { continue }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let key = line[..<colon]
            guard let head = key.unicodeScalars.first, head.properties.isAlphabetic || head == "_",
                  key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
            else { return nil }
            let afterColon = line[line.index(after: colon)...]
            guard afterColon.first == " " else { return nil }
            let padding = afterColon.prefix { $0 == " " }.count
            var value = afterColon.dropFirst(padding)
            while value.last == " " { value = value.dropLast() }
            // A leading "-" is a list item unless a digit or letter follows it ("-3").
            guard let lead = value.first, !"?,".contains(lead),
                  lead != "-" || value.dropFirst().first.map({ $0.isNumber || $0.isLetter }) == true,
                  !value.contains(where: { forbidden.contains($0) || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } })
            else { return nil }
            guard seen.insert(String(key)).inserted, seen.insert(String(value)).inserted else { return nil }
            let keyNode = Node.scalar(.init(String(key), plainTag(key), .plain))
            let valueNode = Node.scalar(.init(String(value), plainTag(value), .plain))
            marks[keyNode] = (offset + 1, 1)
            marks[valueNode] = (offset + 1, key.count + 2 + padding)
            pairs.append((keyNode, valueNode))
        }
        guard !pairs.isEmpty else { return nil }
        return (Node.mapping(.init(pairs, .implicit, .block)), marks)
    }

    /// The tag Yams resolves for a plain scalar, decided without its regular expressions when
    /// the text starts with a letter and is not a YAML 1.1 boolean or null word: no int, float,
    /// timestamp, merge or value pattern starts with a letter, so such text is a string. (Each
    /// implicit tag ran seven regular expressions when the node was first hashed: a tenth of a
    /// 10,000-page build.) Anything else keeps the implicit tag for Yams to resolve.
    static func plainTag(_ text: Substring) -> Tag {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic,
              !yamlWords.contains(text.lowercased()) else { return Tag(.implicit) }
        return Tag(.str)
    }

    private static let yamlWords: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"]
}

/// Reads front matter values with line numbers shifted to the file's lines.
struct FrontMatterReader {
    var yaml: YAMLReader
    let lineOffset = 1

    init(file: String, document: FrontMatterDocument? = nil) {
        yaml = YAMLReader(file: file)
        yaml.marks = document?.marks ?? [:]
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

import Yams

/// A Markdown document split into its YAML front matter and its body.
public struct FrontMatterDocument {
    /// The front matter's mapping; nil when the document has none.
    var meta: Node?
    public var body: String
    /// The physical line on which the body starts (1-based), to report Markdown problems.
    public var bodyLine: Int

    static let maxFrontMatterBytes = 64 * 1024

    /// Splits `text` at a front matter block opened by `---` on the first line and closed by
    /// `---` or `...` on a line of its own. Throws with file:line when the YAML is invalid or
    /// the block is never closed.
    public static func split(_ text: String, file: String) throws -> FrontMatterDocument {
        var lines = text.split(separator: "\n", maxSplits: Int.max, omittingEmptySubsequences: false)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" || first == "---\r" else {
            return FrontMatterDocument(meta: nil, body: text, bodyLine: 1)
        }
        var closing: Int?
        var size = 0
        for index in 1..<lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespacesAndNewlines)
            if line == "---" || line == "..." { closing = index; break }
            size += lines[index].utf8.count + 1
            if size > maxFrontMatterBytes {
                throw InputError(.error(file, line: index + 1, "front matter is longer than \(maxFrontMatterBytes / 1024) KiB"))
            }
        }
        guard let closing else {
            throw InputError(.error(file, line: 1, "front matter opened with \"---\" is never closed"))
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        // The YAML starts on line 2 of the file: its marks are 1-based within the block.
        let meta = try YAMLReader.compose(yaml, file: file, lineOffset: 1)
        let body = lines[(closing + 1)...].joined(separator: "\n")
        return FrontMatterDocument(meta: meta, body: body, bodyLine: closing + 2)
    }
}

/// Reads front matter values with line numbers shifted to the file's lines.
struct FrontMatterReader {
    var yaml: YAMLReader
    let lineOffset = 1

    init(file: String) { yaml = YAMLReader(file: file) }

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

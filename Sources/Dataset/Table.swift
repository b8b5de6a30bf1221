extension StringProtocol {
    /// The text without Unicode's spaces and tabs at either end (and line ends too, with
    /// `lineEnds`), as Foundation's `trimmingCharacters(in: .whitespaces)` (or
    /// `.whitespacesAndNewlines`) gives it, without bridging to NSString: asked for every cell
    /// of the small tables and every front matter line, the bridge was most of reading them.
    func trimmed(lineEnds: Bool = false) -> SubSequence {
        // Nearly every cell starts and ends with a printable ASCII character, which is never
        // blank and is a character of its own (no Unicode space is ASCII but these, and no
        // mark joins an ASCII letter that ends the text): two bytes looked at, not two
        // characters' Unicode properties (a tenth of reading the small inputs, perf).
        let printable = utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return (0x21...0x7E).contains(first) && (0x21...0x7E).contains(last)
        }
        if printable == true { return self[startIndex..<endIndex] }
        func blank(_ character: Character) -> Bool { character.isWhitespace && (lineEnds || !character.isNewline) }
        guard let first = firstIndex(where: { !blank($0) }) else { return self[endIndex...] }
        return self[first...lastIndex(where: { !blank($0) })!]
    }
}

/// Small CSV tables read whole (headcount, outcomes, tools, people, surveys): rows keyed by
/// lower-cased header name, each with its line.
struct Table {
    struct Row {
        var line: Int
        /// The fields in the header's order.
        var fields: [String]
        /// Column name → field, the same for every row of the table (a name written twice in
        /// the header is its last column). A table of names per row was most of reading a
        /// table of thousands of rows (perf: outcomes.csv in a rebuild).
        var columns: [String: Int]

        subscript(_ name: String) -> String? {
            guard let index = columns[name] else { return nil }
            let value = String(fields[index].trimmed())
            return value.isEmpty ? nil : value
        }
    }

    var file: String
    var header: [String]
    var headerLine: Int
    var rows: [Row] = []

    /// Reads the table; rows with the wrong field count or invalid UTF-8 are reported in
    /// `diagnostics` and left out. Throws when a required column is missing.
    static func read(path: String, file: String, required: [String], known: [String]?,
                     diagnostics: inout [Diagnostic], rejected: inout Int) throws -> Table {
        var reader: CSVReader
        do {
            reader = CSVReader(source: try openByteSource(path: path))
        } catch let error as ReadError {
            throw InputError(.error(file, error.message))
        }
        // The header, then the rows, kept apart until the end: appending to the rows of an
        // optional table copied through a local made every append copy the whole array.
        var head: (names: [String], line: Int)?
        var columns: [String: Int] = [:]
        var rows: [Row] = []
        var local: [Diagnostic] = []
        var rejectedHere = 0
        do {
            try reader.forEach { record in
                guard let current = head.map({ (header: $0.names, line: $0.line) }) else {
                    var names: [String] = []
                    for index in 0..<record.count {
                        names.append((record.string(index) ?? "").trimmed().lowercased())
                    }
                    head = (names, record.line)
                    for (index, name) in names.enumerated() { columns[name] = index }
                    return
                }
                if let problem = record.problem {
                    local.append(.error(file, line: record.line, problem)); rejectedHere += 1
                    return
                }
                guard record.count == current.header.count else {
                    local.append(.error(file, line: record.line, "expected \(current.header.count) fields as in the header, found \(record.count)"))
                    rejectedHere += 1
                    return
                }
                var fields: [String] = []
                fields.reserveCapacity(record.count)
                for index in 0..<record.count {
                    guard let value = record.string(index) else {
                        local.append(.error(file, line: record.line, "\(current.header[index]) is not valid UTF-8"))
                        rejectedHere += 1
                        return
                    }
                    // NUL, ESC and the other control characters (tabs and line breaks aside)
                    // would reach pages and terminals: the row is rejected, naming the column.
                    if value.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0x7F }) {
                        local.append(.error(file, line: record.line, "\(current.header[index]) contains a control character (such as NUL or ESC)"))
                        rejectedHere += 1
                        return
                    }
                    fields.append(value)
                }
                rows.append(Row(line: record.line, fields: fields, columns: columns))
            }
        } catch let error as ReadError {
            throw InputError(.error(file, error.message))
        }
        guard let head else { throw InputError(.error(file, line: 1, "is empty: it needs a header row")) }
        var table = Table(file: file, header: head.names, headerLine: head.line)
        table.rows = rows
        let missing = required.filter { !table.header.contains($0) }
        if !missing.isEmpty {
            throw InputError(.error(file, line: table.headerLine,
                "missing required column\(missing.count > 1 ? "s" : "") \(missing.map { "\"\($0)\"" }.joined(separator: ", ")); the header has: \(table.header.joined(separator: ", "))"))
        }
        if let known {
            for name in table.header where !known.contains(name) {
                local.append(.warning(file, line: table.headerLine, "unknown column \"\(name)\" is ignored\(suggestion(name, in: known))"))
            }
        }
        diagnostics += local
        rejected += rejectedHere
        return table
    }
}

import Foundation

import Foundation

/// One data row of a vendor CSV file, by column name, with its counts already checked.
struct VendorCSVRow {
    let line: Int
    let texts: [String: String]
    /// The numeric columns' values: an empty cell is 0; a cell that is not a non-negative whole
    /// number is absent here (and was said once, as a warning at its line).
    let counts: [String: Int64]

    func text(_ name: String) -> String? { texts[name].flatMap { $0.isEmpty ? nil : $0 } }
    func has(_ name: String) -> Bool { texts[name] != nil }
    /// The value of a numeric column, nil when the column is missing or its cell was dropped.
    func value(_ name: String) -> Int64? { counts[name] }
    /// The value, or 0.
    func count(_ name: String) -> Int64 { counts[name] ?? 0 }
    /// A decimal cell (costs, quantities), nil when empty or not a finite number.
    func decimal(_ name: String) -> Double? { text(name).flatMap(Double.init).flatMap { $0.isFinite ? $0 : nil } }
}

extension VendorParser {
    /// Reads a vendor CSV file as the vendors and spreadsheets write it (a BOM, CRLF, quoted
    /// names, `;` as the delimiter after a European spreadsheet's re-save) and hands each data
    /// row to `body`. The header must name every `required` column; columns outside `known`
    /// are named once as not read; a row with another field count than the header is an issue
    /// at its line; a numeric cell that is not a count drops that figure, not the row.
    func forEachCSVRow(path: String, required: [String], known: Set<String>, numeric: Set<String>,
                       diagnostics: inout [Diagnostic], body: (VendorCSVRow, inout [Diagnostic]) throws -> Void) throws {
        var reader = CSVReader(source: try openByteSource(path: path))
        if let head = try? readHead(path: path, bytes: 4096), let header = head.split(separator: 0x0A).first,
           header.contains(0x3B), !header.contains(0x2C) {
            reader.delimiter = 0x3B
        }
        var names: [String]?
        var local: [Diagnostic] = []
        try reader.forEach { record in
            guard let columns = names else {
                let header = (0..<record.count).map {
                    (record.string($0) ?? "").replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces)
                }
                let missing = required.filter { !header.contains($0) }
                guard missing.isEmpty else {
                    throw InputError(.error(file, line: record.line, "not \(format.article) \(format.rawValue) export: the header lacks \(missing.joined(separator: " and "))"))
                }
                names = header
                let unread = header.filter { !known.contains($0) && !$0.isEmpty }.sorted()
                if !unread.isEmpty {
                    local.append(.warning(file, line: record.line, "column\(unread.count == 1 ? "" : "s") \(unread.joined(separator: ", ")) \(unread.count == 1 ? "is" : "are") not read (docs/importers.md lists the columns Candor maps)"))
                }
                return
            }
            if let problem = record.problem { local.append(.error(file, line: record.line, problem)); return }
            guard record.count == columns.count else {
                local.append(.error(file, line: record.line, "expected \(columns.count) fields as in the header, found \(record.count)")); return
            }
            var texts: [String: String] = [:]
            var counts: [String: Int64] = [:]
            for (index, name) in columns.enumerated() {
                let text = (record.string(index) ?? "").trimmingCharacters(in: .whitespaces)
                texts[name] = text
                guard numeric.contains(name) else { continue }
                if text.isEmpty { counts[name] = 0; continue }
                if let whole = Int64(text), whole >= 0 { counts[name] = min(whole, Int64(1.1e12)); continue }
                local.append(.warning(file, line: record.line, "\(name) \"\(text)\" is not a non-negative whole number: dropped; the row's other figures are kept"))
            }
            try body(VendorCSVRow(line: record.line, texts: texts, counts: counts), &local)
        }
        diagnostics += collapsed(local)
        if names == nil { throw InputError(.error(file, line: 1, "is empty: \(format.article) \(format.rawValue) export needs its header row")) }
    }

    /// MM-DD-YYYY as Amazon Q writes it, YYYY-MM-DD as Kiro and GitHub do, or M/D/YYYY as a
    /// spreadsheet re-saves it.
    func vendorDate(_ text: String) -> Day? {
        if let iso = Day(parsing: text, prefix: true) { return iso }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        guard parts.count == 3, parts[2] >= 1000 else { return nil }
        return Day(year: parts[2], month: parts[0], day: parts[1])
    }
}

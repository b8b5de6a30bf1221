/// CSV output: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
/// (starting with =, +, -, @, tab or CR) prefixed with a quote mark (OWASP "CSV injection").
struct CSVWriter {
    private(set) var text = ""

    init(header: [String]) { append(header) }

    mutating func append(_ row: [String]) {
        text += row.map(Self.escape).joined(separator: ",")
        text += "\r\n"
    }

    static func escape(_ cell: String) -> String {
        var value = cell
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
           Double(value) == nil {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation

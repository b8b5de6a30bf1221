/// CSV output: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
/// (starting with =, +, -, @, tab or CR) prefixed with a quote mark (OWASP "CSV injection").
///
/// Written as bytes: the cells of the published tables — tens of thousands in a large report —
/// were each searched Character by Character and joined as Strings, the longest single piece of
/// a rebuild's pages (perf: a fifth of their work). Bytes are also what the rules are about:
/// a cell holding "\r\n", or a comma followed by a combining mark, is one Character that is
/// neither a line end nor a comma, and such a cell went out unquoted, breaking its row.
struct CSVWriter {
    private(set) var bytes: [UInt8] = []

    init(header: [String]) { append(header) }

    mutating func append(_ row: [String]) {
        for (index, cell) in row.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            appendText(cell)
        }
        endRow()
    }

    mutating func endRow() { bytes.append(contentsOf: [0x0D, 0x0A]) }

    /// Starts the next cell of a row (`first`: the row's first).
    mutating func separate(first: Bool) { if !first { bytes.append(0x2C) } }

    /// A cell of text, quoted and defused as it needs.
    mutating func appendText(_ cell: String) {
        var cell = cell
        cell.withUTF8 { Self.escape($0, into: &bytes) }
    }

    /// A cell that needs neither quoting nor defusing: digits, a sign, a point, an exponent.
    mutating func appendPlain<Bytes: Sequence<UInt8>>(_ cell: Bytes) { bytes.append(contentsOf: cell) }

    /// A number as report.json writes it (`appendJSONNumber`): plain, as above.
    mutating func appendNumber(_ value: Double) { appendJSONNumber(value, to: &bytes) }

    static func escape(_ cell: String) -> String {
        var cell = cell, out: [UInt8] = []
        cell.withUTF8 { escape($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // A formula's first character is ASCII, one byte; a number that starts with a sign is
        // data, not a formula.
        let defuse = cell.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } == true
            && Double(String(decoding: cell, as: UTF8.self)) == nil
        let quote = cell.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if quote { out.append(0x22) }
        if defuse { out.append(0x27) }
        if quote {
            for byte in cell {
                out.append(byte)
                if byte == 0x22 { out.append(0x22) }
            }
            out.append(0x22)
        } else {
            out.append(contentsOf: cell)
        }
    }
}

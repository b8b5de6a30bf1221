import Foundation

/// JSON with keys in the order they were written, and numbers written the same way on every
/// run, so `report.json` is byte-identical for the same inputs.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    public static func num(_ value: Double?) -> JSONValue { value.map { $0.isFinite ? .number($0) : .null } ?? .null }
    public static func int(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
    public static func str(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    public func serialized(pretty: Bool = true) -> String { String(decoding: bytes(pretty: pretty), as: UTF8.self) }

    /// The JSON text as UTF-8, written into one array of bytes: built as a String piece by
    /// piece, with a new string for every line's indent, writing report.json was a twelfth of a
    /// rebuild after a commentary edit (perf, 1M-row sample).
    public func bytes(pretty: Bool = true) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1 << 14)
        write(into: &output, indent: pretty ? 0 : -1)
        if pretty { output.append(0x0A) }
        return output
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    private func write(into output: inout [UInt8], indent: Int) {
        let pretty = indent >= 0
        func newline(_ level: Int) {
            guard pretty else { return }
            output.append(0x0A)
            // A slice of spaces is copied; `repeatElement` was appended a byte at a time (a
            // tenth of writing report.json, perf).
            var left = 2 * level
            while left > 0 {
                let run = min(left, Self.spaces.count)
                output.append(contentsOf: Self.spaces[0..<run])
                left -= run
            }
        }
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case let .bool(value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case let .int(value): output.append(contentsOf: String(value).utf8)
        case let .number(value): appendJSONNumber(value, to: &output)
        case let .string(value): escapeJSON(value, into: &output)
        case let .array(items):
            if items.isEmpty { output.append(contentsOf: "[]".utf8); return }
            let simple = items.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            output.append(0x5B)  // [
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(contentsOf: (simple || !pretty ? ", " : ",").utf8) }
                if !simple { newline(indent + 1) }
                item.write(into: &output, indent: pretty ? indent + 1 : -1)
            }
            if !simple { newline(indent) }
            output.append(0x5D)  // ]
        case let .object(pairs):
            if pairs.isEmpty { output.append(contentsOf: "{}".utf8); return }
            output.append(0x7B)  // {
            for (index, pair) in pairs.enumerated() {
                if index > 0 { output.append(0x2C) }
                newline(indent + 1)
                escapeJSON(pair.0, into: &output)
                output.append(contentsOf: (pretty ? ": " : ":").utf8)
                pair.1.write(into: &output, indent: pretty ? indent + 1 : -1)
            }
            newline(indent)
            output.append(0x7D)  // }
        }
    }

    public subscript(_ key: String) -> JSONValue? {
        if case let .object(pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }
}

/// Numbers with at most 10 significant digits: enough for any figure in a report, and short
/// of the last bits where floating-point sums could differ.
func formatJSONNumber(_ value: Double) -> String {
    var bytes: [UInt8] = []
    appendJSONNumber(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// `formatJSONNumber`'s text, appended as bytes.
func appendJSONNumber(_ value: Double, to output: inout [UInt8]) {
    guard value.isFinite else { output.append(contentsOf: "null".utf8); return }
    if value == value.rounded() && abs(value) < 1e15 { output.append(contentsOf: String(Int64(value)).utf8); return }
    if appendShortJSONNumber(value, to: &output) { return }
    // C's "%.10g" into a buffer on the stack (Foundation's String(format:) took a locale and a
    // bridge for every number: a tenth of writing report.json).
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
        let count = withVaList([value]) { vsnprintf(buffer.baseAddress!, 32, "%.10g", $0) }
        let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(max(0, min(count, 31)))).bindMemory(to: UInt8.self)
        guard let e = bytes.firstIndex(of: 0x65) else { output.append(contentsOf: bytes); return }
        // JSON allows exponents, but keep the form canonical: no "+" and no leading zeros.
        output.append(contentsOf: bytes[..<e])
        output.append(0x65)  // e
        var digits = bytes[(e + 1)...]
        if digits.first == 0x2D { output.append(0x2D) }
        if digits.first == 0x2D || digits.first == 0x2B { digits = digits.dropFirst() }
        while digits.count > 1 && digits.first == 0x30 { digits = digits.dropFirst() }
        output.append(contentsOf: digits)
    }
}

/// "%.10g" (with the exponent as above) for a normal number whose shortest round-trip decimal —
/// Swift's `description` — has at most 10 significant digits, as most figures do; false for
/// the others. The two agree: such a number lies within half a unit in its last place of that
/// decimal, at most 1.2e-16 of it, far closer than half a unit of its tenth digit (5e-11 of
/// it), so rounding it to 10 digits gives that decimal. (Not so below the normal numbers,
/// whose last place is coarse: 5e-324 is 4.940656458e-324.)
/// (glibc's "%.10g" works in exact multiple-precision arithmetic: nearly half of writing
/// report.json, perf. `testNumbersAreFormattedAsPrintfWithACanonicalExponent` compares both.)
func appendShortJSONNumber(_ value: Double, to output: inout [UInt8]) -> Bool {
    guard value.isNormal else { return false }
    var digits: (UInt64, UInt64) = (0, 0)  // up to 16 ASCII digits, no leading zeros
    var count = 0
    // The decimal point's place: the number is 0.d₁d₂… × 10^point.
    var point = 0, seenPoint = false, exponent = 0, exponentSign = 1, inExponent = false
    var negative = false
    var fits = true
    withUnsafeMutableBytes(of: &digits) { buffer in
        var text = value.description
        text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case 0x2D: if inExponent { exponentSign = -1 } else { negative = true }
                case 0x2B: break
                case 0x2E: seenPoint = true
                case 0x65, 0x45: inExponent = true
                case 0x30...0x39 where inExponent: exponent = exponent * 10 + Int(byte - 0x30)
                case 0x30 where count == 0:
                    if seenPoint { point -= 1 }  // a leading zero after the point: 0.00…
                case 0x30...0x39:
                    guard count < 16 else { fits = false; return }
                    buffer[count] = byte
                    count += 1
                    if !seenPoint { point += 1 }
                default: fits = false; return
                }
            }
        }
    }
    guard fits, count > 0 else { return false }
    // Trailing zeros are not significant ("1200.0" is 12 × 10²).
    return withUnsafeBytes(of: &digits) { buffer in
        var significant = count
        while significant > 1 && buffer[significant - 1] == 0x30 { significant -= 1 }
        guard significant <= 10 else { return false }
        point += exponentSign * exponent
        let scientific = point - 1  // the exponent of d₁.d₂…
        if negative { output.append(0x2D) }
        if scientific >= -4 && scientific < 10 {
            if point <= 0 {
                output.append(contentsOf: [0x30, 0x2E])  // 0.
                for _ in 0..<(-point) { output.append(0x30) }
                output.append(contentsOf: buffer[0..<significant])
            } else {
                for index in 0..<point { output.append(index < significant ? buffer[index] : 0x30) }
                if significant > point {
                    output.append(0x2E)
                    output.append(contentsOf: buffer[point..<significant])
                }
            }
        } else {
            output.append(buffer[0])
            if significant > 1 {
                output.append(0x2E)
                output.append(contentsOf: buffer[1..<significant])
            }
            output.append(0x65)  // e
            if scientific < 0 { output.append(0x2D) }
            output.append(contentsOf: String(abs(scientific)).utf8)
        }
        return true
    }
}

/// Escapes a string for JSON; also `<`, `>` and `&` as \u escapes, so the JSON is safe to
/// inline in an HTML page.
func escapeJSON(_ text: String, into output: inout [UInt8]) {
    output.append(0x22)
    // Text with nothing to escape — nearly every name, label and key — is copied whole. Every
    // byte that starts something to escape is ASCII (the controls, " & < > \), or 0xE2 (U+2028
    // and U+2029 begin with it); those below 0x40 are the bits of one mask.
    var text = text
    let plain = text.withUTF8 { bytes in
        for byte in bytes {
            let escaped = byte < 0x40 ? (0x5000_0044_FFFF_FFFF as UInt64) >> byte & 1 != 0 : byte == 0x5C || byte == 0xE2
            if escaped { return false }
        }
        output.append(contentsOf: bytes)
        return true
    }
    if plain {
        output.append(0x22)
        return
    }
    let hex = Array("0123456789abcdef".utf8)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": output.append(contentsOf: "\\\"".utf8)
        case "\\": output.append(contentsOf: "\\\\".utf8)
        case "\n": output.append(contentsOf: "\\n".utf8)
        case "\r": output.append(contentsOf: "\\r".utf8)
        case "\t": output.append(contentsOf: "\\t".utf8)
        case "<": output.append(contentsOf: "\\u003c".utf8)
        case ">": output.append(contentsOf: "\\u003e".utf8)
        case "&": output.append(contentsOf: "\\u0026".utf8)
        case "\u{2028}": output.append(contentsOf: "\\u2028".utf8)
        case "\u{2029}": output.append(contentsOf: "\\u2029".utf8)
        default:
            if scalar.value < 0x20 {
                output.append(contentsOf: "\\u00".utf8)
                output.append(hex[Int(scalar.value >> 4)])
                output.append(hex[Int(scalar.value & 0xF)])
            } else {
                UTF8.encode(scalar) { output.append($0) }
            }
        }
    }
    output.append(0x22)
}

/// Parses JSON (the previous edition's report.json, a manifest) into a JSONValue: numbers that
/// are whole and below 10^15 as `.int`, object keys sorted (a key written twice keeps its last
/// value). Nil for anything that is not one complete JSON value.
///
/// Written by hand rather than through JSONSerialization: on Linux that builds NSDictionary and
/// NSNumber objects which then had to be cast back one by one, and parsing the previous
/// edition's 760 KB report.json took 0.35 s of a 1.9 s rebuild (`perf`, 1M-row sample). This
/// reader is linear in the bytes, bounded in depth (512), and checked against JSONSerialization
/// on generated and mutated documents (`JSONParserTests`).
public func parseJSON(_ data: Data) -> JSONValue? {
    var parser = JSONParser(bytes: [UInt8](data))
    guard let value = parser.value(depth: 0) else { return nil }
    parser.skipSpace()
    return parser.index == parser.bytes.count ? value : nil
}

struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return nil }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return nil }
        index += count
        return value
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var pairs: [String: JSONValue] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let item = value(depth: depth + 1) else { return nil }
                pairs[key] = item
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                return .object(pairs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                return .array(items)
            }
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    /// A number by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func number() -> JSONValue? {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, !(integerDigits > 1 && bytes[integerStart] == 0x30) else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard let double = Double(String(decoding: bytes[start..<index], as: UTF8.self)), double.isFinite else { return nil }
        if double == double.rounded() && abs(double) < 1e15 { return .int(Int64(double)) }
        return .number(double)
    }

    /// A string from its opening quote; nil on a bad escape, a control character, invalid UTF-8
    /// or a lone surrogate.
    mutating func string() -> String? {
        index += 1
        var output: [UInt8] = []
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                output += bytes[runStart..<index]
                index += 1
                return String(validating: output, as: UTF8.self)
            }
            if byte < 0x20 { return nil }
            if byte != UInt8(ascii: "\\") { index += 1; continue }
            output += bytes[runStart..<index]
            index += 1
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code) {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                    index += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    return nil
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                output += Array(String(Character(scalar)).utf8)
            default: return nil
            }
            runStart = index
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}

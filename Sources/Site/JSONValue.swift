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

    public func serialized(pretty: Bool = true) -> String {
        var output = ""
        write(into: &output, indent: pretty ? 0 : -1)
        return output + (pretty ? "\n" : "")
    }

    private func write(into output: inout String, indent: Int) {
        let pretty = indent >= 0
        func newline(_ level: Int) { if pretty { output += "\n" + String(repeating: "  ", count: level) } }
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .number(value): output += formatJSONNumber(value)
        case let .string(value): escapeJSON(value, into: &output)
        case let .array(items):
            if items.isEmpty { output += "[]"; return }
            let simple = items.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += simple || !pretty ? ", " : "," }
                if !simple { newline(indent + 1) }
                item.write(into: &output, indent: pretty ? indent + 1 : -1)
            }
            if !simple { newline(indent) }
            output += "]"
        case let .object(pairs):
            if pairs.isEmpty { output += "{}"; return }
            output += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { output += "," }
                newline(indent + 1)
                escapeJSON(pair.0, into: &output)
                output += pretty ? ": " : ":"
                pair.1.write(into: &output, indent: pretty ? indent + 1 : -1)
            }
            newline(indent)
            output += "}"
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
    guard value.isFinite else { return "null" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    var text = String(format: "%.10g", value)
    if text.contains("e") {
        // JSON allows exponents, but keep the form canonical: no "+" and no leading zeros.
        text = text.replacingOccurrences(of: "e+", with: "e").replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e0", with: "e")
    }
    return text
}

/// Escapes a string for JSON; also `<`, `>` and `&` as \u escapes, so the JSON is safe to
/// inline in an HTML page.
func escapeJSON(_ text: String, into output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": output += "\\\""
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        case "<": output += "\\u003c"
        case ">": output += "\\u003e"
        case "&": output += "\\u0026"
        case "\u{2028}": output += "\\u2028"
        case "\u{2029}": output += "\\u2029"
        default:
            if scalar.value < 0x20 {
                output += String(format: "\\u%04x", scalar.value)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
    }
    output += "\""
}

/// Parses JSON (for the previous edition's report.json) into a JSONValue.
public func parseJSON(_ data: Data) -> JSONValue? {
    guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
    return convert(object)
}

private func convert(_ object: Any) -> JSONValue {
    switch object {
    case is NSNull: return .null
    case let string as String: return .string(string)
    case let number as NSNumber:
        if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
        let double = number.doubleValue
        if double == double.rounded() && abs(double) < 1e15 { return .int(Int64(double)) }
        return .number(double)
    case let array as [Any]: return .array(array.map(convert))
    case let dictionary as [String: Any]: return .object(dictionary.keys.sorted().map { ($0, convert(dictionary[$0]!)) })
    default: return .null
    }
}

/// SVG documents as values. Escaping and number formatting happen in one place, when a node
/// is rendered (`Node.render()`), never in callers.

/// An attribute value: text, or a number that is written with fixed precision.
public enum AttributeValue: Equatable, Sendable {
    case text(String)
    case number(Double)
    case path(PathData)
    case numbers([Double])
}

/// One SVG node: an element with attributes (kept in the order they were given) and children,
/// or a text node.
public indirect enum Node: Equatable, Sendable {
    case element(name: String, attributes: [Attribute], children: [Node])
    case text(String)

    /// A node that renders to nothing (for `if` without `else` in builders).
    public static let empty = Node.element(name: "", attributes: [], children: [])
}

public struct Attribute: Equatable, Sendable {
    public var name: String
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// Why a document could not be written.
public enum SVGError: Error, CustomStringConvertible, Equatable {
    case nonFinite(element: String, attribute: String)
    case invalidName(String)

    public var description: String {
        switch self {
        case let .nonFinite(element, attribute):
            return "SVG <\(element)> attribute \"\(attribute)\" is not a finite number"
        case let .invalidName(name):
            return "\"\(name)\" is not a valid XML name"
        }
    }
}

extension Node {
    /// The node as XML text. Throws when a number is NaN or infinite, or a name is invalid.
    /// Written as UTF-8 bytes and made a String once: appended to a String piece by piece, the
    /// text of a report's charts was nearly half the making of its team pages (perf).
    public func render() throws -> String {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        try render(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    public func render(into output: inout [UInt8]) throws {
        switch self {
        case let .text(text):
            escapeText(text, into: &output)
        case let .element(name, attributes, children):
            if name.isEmpty {  // a fragment: its children only
                for child in children { try child.render(into: &output) }
                return
            }
            guard isXMLName(name) else { throw SVGError.invalidName(name) }
            output.append(0x3C)  // <
            output.append(contentsOf: name.utf8)
            for attribute in attributes {
                guard isXMLName(attribute.name) else { throw SVGError.invalidName(attribute.name) }
                output.append(0x20)
                output.append(contentsOf: attribute.name.utf8)
                output.append(contentsOf: [0x3D, 0x22])  // ="
                switch attribute.value {
                case let .text(text):
                    escapeAttribute(text, into: &output)
                case let .number(number):
                    guard appendNumber(number, to: &output) else {
                        throw SVGError.nonFinite(element: name, attribute: attribute.name)
                    }
                case let .numbers(numbers):
                    for (index, number) in numbers.enumerated() {
                        if index > 0 { output.append(0x20) }
                        guard appendNumber(number, to: &output) else {
                            throw SVGError.nonFinite(element: name, attribute: attribute.name)
                        }
                    }
                case let .path(path):
                    guard path.render(into: &output) else {
                        throw SVGError.nonFinite(element: name, attribute: attribute.name)
                    }
                }
                output.append(0x22)  // "
            }
            if children.isEmpty {
                output.append(contentsOf: [0x2F, 0x3E])  // />
            } else {
                output.append(0x3E)  // >
                for child in children { try child.render(into: &output) }
                output.append(contentsOf: [0x3C, 0x2F])  // </
                output.append(contentsOf: name.utf8)
                output.append(0x3E)
            }
        }
    }
}

/// Characters allowed in XML 1.0 text; others (most C0 controls, lone surrogates cannot occur
/// in Swift strings, U+FFFE/U+FFFF) are dropped so the document stays well-formed.
@inline(__always)
func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD: return true
    case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
    default: return false
    }
}

/// Escapes text content: &, < and > (and drops characters XML forbids).
public func escapeText(_ text: String, into output: inout [UInt8]) { escapeXML(text, attribute: false, into: &output) }

/// Escapes an attribute value in double quotes: also " and ', and white space other than a
/// space as character references so it survives attribute normalisation.
public func escapeAttribute(_ text: String, into output: inout [UInt8]) { escapeXML(text, attribute: true, into: &output) }

public func escapeText(_ text: String, into output: inout String) { escapeXML(text, attribute: false, into: &output) }

public func escapeAttribute(_ text: String, into output: inout String) { escapeXML(text, attribute: true, into: &output) }

/// True when every byte is printable ASCII that needs no escaping (the common case, copied
/// whole); anything else goes through the scalar-by-scalar escaper.
@inline(__always)
func isPlainASCII(_ text: String, attribute: Bool) -> Bool {
    text.utf8.allSatisfy { byte in
        byte >= 0x20 && byte < 0x7F && byte != 0x26 && byte != 0x3C && byte != 0x3E
            && (!attribute || (byte != 0x22 && byte != 0x27))
    }
}

/// The one escaper of text (`attribute` false) and attribute values, characters XML forbids
/// dropped.
func escapeXML(_ text: String, attribute: Bool, into output: inout [UInt8]) {
    if isPlainASCII(text, attribute: attribute) { output.append(contentsOf: text.utf8); return }
    for scalar in text.unicodeScalars {
        let reference: String?
        switch scalar {
        case "&": reference = "&amp;"
        case "<": reference = "&lt;"
        case ">": reference = "&gt;"
        case "\"" where attribute: reference = "&quot;"
        case "'" where attribute: reference = "&#39;"
        case "\n" where attribute: reference = "&#10;"
        case "\r" where attribute: reference = "&#13;"
        case "\t" where attribute: reference = "&#9;"
        default: reference = nil
        }
        if let reference { output.append(contentsOf: reference.utf8) } else if isXMLChar(scalar) { UTF8.encode(scalar) { output.append($0) } }
    }
}

func escapeXML(_ text: String, attribute: Bool, into output: inout String) {
    var bytes: [UInt8] = []
    escapeXML(text, attribute: attribute, into: &bytes)
    output += String(decoding: bytes, as: UTF8.self)
}

func isXMLName(_ name: String) -> Bool {
    // Fast path: element and attribute names are ASCII; the Unicode property lookup below
    // was a fifth of a 10,000-point scatter's time (perf, `make bench`). Over the bytes in
    // place: through `enumerated()` of the UTF-8 view, each byte was a call (callgrind: 1 %
    // of a 1M-row build's instructions, for half a million names).
    if let ascii = name.utf8.withContiguousStorageIfAvailable(isASCIIXMLName), let valid = ascii { return valid }
    guard let first = name.unicodeScalars.first,
          first.properties.isAlphabetic || first == "_" else { return false }
    return name.unicodeScalars.allSatisfy {
        $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "."
    }
}

/// Whether ASCII bytes are an XML name (a letter or `_`, then letters, digits, `-`, `_`, `:`
/// and `.`); nil when a byte is not ASCII.
private func isASCIIXMLName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
    var valid = !bytes.isEmpty
    for (index, byte) in zip(bytes.indices, bytes) {
        guard byte < 0x80 else { return nil }
        let letter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
        if index == 0 { valid = valid && (letter || byte == 0x5F) }
        else { valid = valid && (letter || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x5F || byte == 0x3A || byte == 0x2E) }
    }
    return valid
}

/// A number with at most two decimals, trailing zeros trimmed, never "-0"; nil when not finite.
/// Two decimals are a hundredth of a user unit: finer than any screen or printer resolves in a
/// chart's coordinate system, and short enough to keep a 10,000-point scatter small.
public func formatNumber(_ value: Double, decimals: Int = 2) -> String? {
    var bytes: [UInt8] = []
    guard appendNumber(value, decimals: decimals, to: &bytes) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

/// `formatNumber`'s text, appended as bytes; false (nothing appended) when not finite.
@discardableResult
public func appendNumber(_ value: Double, decimals: Int = 2, to output: inout [UInt8]) -> Bool {
    guard value.isFinite else { return false }
    let decimals = min(max(decimals, 0), 6)
    let scale = [1.0, 10, 100, 1000, 10000, 100_000, 1_000_000][decimals]
    let scaled = (value * scale).rounded()
    guard abs(scaled) < 9.0e15 else {
        // Beyond 2^53 no fraction survives; beyond 64 bits no chart coordinate makes sense.
        guard abs(value) < 9.0e18 else { return false }
        appendDigits(Int64(value.rounded()), to: &output)
        return true
    }
    var integer = Int64(scaled)
    if integer == 0 { output.append(0x30); return true }
    if integer < 0 { output.append(0x2D) }
    integer = abs(integer)
    let unit = Int64(scale)
    appendDigits(integer / unit, to: &output)
    var fraction = integer % unit
    if fraction != 0 {
        var digits = decimals
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        output.append(0x2E)  // .
        // The fraction's digits, with the zeros that lead them (0.07: "07").
        var written = 0
        var probe = fraction
        while probe > 0 { written += 1; probe /= 10 }
        for _ in 0..<(digits - written) { output.append(0x30) }
        appendDigits(fraction, to: &output)
    }
    return true
}

/// The decimal digits of a value, with its sign.
@inline(__always)
func appendDigits(_ value: Int64, to output: inout [UInt8]) {
    if value < 0 { output.append(0x2D) }
    var magnitude = value.magnitude
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
        repeat {
            buffer[19 - count] = UInt8(0x30 + magnitude % 10)
            magnitude /= 10
            count += 1
        } while magnitude > 0
        output.append(contentsOf: buffer[(20 - count)...])
    }
}

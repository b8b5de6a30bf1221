/// A template that is only text and plain variables — `{{name}}`, `{{{name}}}`, `{{&name}}` —
/// as the default theme's layout is, rendered by joining its pieces. Every page goes through
/// the layout, and Mustache's general renderer spent most of its time finding each name on its
/// context stack (a dynamic cast per level and name): a quarter of a 10,000-page build (perf).
///
/// It gives way to Mustache whenever it might differ: a template with any other tag (a section,
/// a partial, a comment, a delimiter change, a dotted or transformed name) is not flat, and a
/// page whose value for a name is missing or not a string is rendered by Mustache. A test
/// renders templates and values through both and compares.
struct FlatTemplate: Sendable {
    enum Piece: Sendable {
        case text(String)
        case escaped(String)
        case raw(String)
    }
    let pieces: [Piece]

    /// The template's pieces, or nil when it has any tag but a plain variable. `Theme` puts a
    /// pragma tag before the first line, which makes a first line of only spaces and tabs a
    /// "standalone" line to Mustache, removed with its line break; so it is here.
    init?(_ text: String) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        let blank = rest.prefix { $0 == " " || $0 == "\t" }
        let afterBlank = rest[blank.endIndex...]
        if afterBlank.isEmpty { rest = afterBlank }
        else if afterBlank.first == "\n" || afterBlank.first == "\r\n" { rest = afterBlank.dropFirst() }
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            var inner = rest[open.upperBound...]
            let close: String
            let escaped: Bool
            switch inner.first {
            case "{": inner = inner.dropFirst(); close = "}}}"; escaped = false
            case "&": inner = inner.dropFirst(); close = "}}"; escaped = false
            default: close = "}}"; escaped = true
            }
            guard let end = inner.range(of: close) else { return nil }
            let name = inner[..<end.lowerBound].trimmingSpaces
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte) else { return nil }
            pieces.append(escaped ? .escaped(String(name)) : .raw(String(name)))
            rest = inner[end.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    /// ASCII letters, digits, `_` and `-`: a name Mustache looks up as it is (no `.`, no
    /// parentheses, no sigil).
    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
    }

    /// The page, or nil when a name's value is missing or not a string (Mustache decides then).
    func render(_ values: [String: Any], escape: (String) -> String) -> String? {
        var output = ""
        var strings: [String] = []
        strings.reserveCapacity(pieces.count)
        var length = 0
        for piece in pieces {
            let value: String
            switch piece {
            case let .text(text): value = text
            case let .escaped(name):
                guard let text = values[name] as? String else { return nil }
                value = escape(text)
            case let .raw(name):
                guard let text = values[name] as? String else { return nil }
                value = text
            }
            length += value.utf8.count
            strings.append(value)
        }
        output.reserveCapacity(length)
        for string in strings { output += string }
        return output
    }
}

private extension Substring {
    /// ASCII spaces, tabs and line ends only, as Mustache trims a tag's name (Dataset's
    /// `trimmed()` also drops other Unicode spaces, which Mustache keeps in the name).
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\n" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r" { text = text.dropLast() }
        return text
    }
}

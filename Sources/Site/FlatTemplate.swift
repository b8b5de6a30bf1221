import Dataset

/// A template that is only text, variables — `{{name}}`, `{{{name}}}`, `{{&name}}`, dotted
/// names such as `{{report.title}}`, and `{{.}}` for a list's text — sections over plain
/// names — `{{#name}}…{{/name}}`, `{{^name}}…{{/name}}` — and partials — `{{> name}}` — each
/// sharing its line with other text, as the default theme's templates are: rendered by joining
/// its pieces. Every page goes through the layout, and Mustache's general renderer spent most of
/// its time finding each name on its context stack (a dynamic cast per level and name): a
/// quarter of a 10,000-page build (perf), and the commentary template's sections another tenth.
///
/// It gives way to Mustache whenever it might differ: a template with any other tag (a comment,
/// a delimiter change, a transformed name, a dotted section name), or with a section or partial
/// tag alone on its line (which Mustache removes with its line, or indents the partial by), is
/// not flat; and a page whose value for a name is missing or of another type than those below,
/// or whose partial is not flat, is rendered by Mustache. Tests render random templates and
/// values through both and compare.
///
/// Values, as Mustache reads them: a variable's string, or an integer's digits; a section's
/// `Bool` (shown when true), array of dictionaries (shown for each, its names looked up in it
/// first) or of strings (shown for each, which `{{.}}` is), dictionary (shown once, looked up
/// in first), or string or integer (shown once, even when empty or 0, and `{{.}}` inside; they
/// answer no name).
struct FlatTemplate: Sendable {
    indirect enum Piece: Sendable {
        case text(String)
        case escaped(String)
        case raw(String)
        /// `{{.}}` (escaped) or `{{{.}}}`: the text of the innermost section's value.
        case current(escaped: Bool)
        case section(String, inverted: Bool, [Piece])
        /// `{{> name}}`: the theme's template of that name, in place, on the same stack.
        case partial(String)
    }

    /// What a section puts on the context stack: a dictionary, which names are looked up in; a
    /// text, which `{{.}}` shows; or something Mustache would show some other way.
    private enum Frame {
        case values([String: Any])
        case text(String)
        case opaque
    }
    let pieces: [Piece]

    /// The template's pieces, or nil when it is not flat. `Theme` puts a pragma tag before the
    /// first line, which makes a first line of only spaces and tabs a "standalone" line to
    /// Mustache, removed with its line break (any character that is a newline to Swift); so it
    /// is here.
    init?(_ text: String) {
        var rest = Substring(text)
        let blank = rest.prefix { $0 == " " || $0 == "\t" }
        let afterBlank = rest[blank.endIndex...]
        if afterBlank.isEmpty { rest = afterBlank }
        else if afterBlank.first?.isNewline == true { rest = afterBlank.dropFirst() }
        guard var pieces = Self.pieces(&rest, closing: nil), rest.isEmpty else { return nil }
        // Spaces and tabs after the last line break Mustache drops: it keeps them only for the
        // text or tag that would follow on that line.
        if case let .text(last)? = pieces.last, let lineBreak = last.lastIndex(where: \.isNewline),
           last[last.index(after: lineBreak)...].allSatisfy({ $0 == " " || $0 == "\t" }) {
            pieces[pieces.count - 1] = .text(String(last[...lineBreak]))
        }
        self.pieces = pieces
    }

    /// The pieces up to the tag closing the section `closing` (read past), or to the end.
    private static func pieces(_ rest: inout Substring, closing: String?) -> [Piece]? {
        var pieces: [Piece] = []
        while let open = rest.range(ofASCII: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            var inner = rest[open.upperBound...]
            switch inner.first {
            case "#", "^", "/":
                // A section's name right after its sigil; the tag must share its line.
                let sigil = inner.removeFirst()
                guard let end = inner.range(ofASCII: "}}") else { return nil }
                let name = String(inner[..<end.lowerBound])
                guard !name.isEmpty, name.utf8.allSatisfy(isNameByte),
                      sharesLine(open.lowerBound..<end.upperBound, in: rest.base) else { return nil }
                rest = inner[end.upperBound...]
                if sigil == "/" {
                    return name == closing ? pieces : nil
                }
                guard let inside = Self.pieces(&rest, closing: name) else { return nil }
                pieces.append(.section(name, inverted: sigil == "^", inside))
                continue
            case ">":
                // A partial, when its tag shares its line (alone on it, Mustache would indent it).
                inner.removeFirst()
                guard let end = inner.range(ofASCII: "}}") else { return nil }
                let name = inner[..<end.lowerBound].trimmingSpaces
                guard !name.isEmpty, name.utf8.allSatisfy(isNameByte),
                      sharesLine(open.lowerBound..<end.upperBound, in: rest.base) else { return nil }
                pieces.append(.partial(String(name)))
                rest = inner[end.upperBound...]
                continue
            default:
                break
            }
            let close: String
            let escaped: Bool
            switch inner.first {
            case "{": inner = inner.dropFirst(); close = "}}}"; escaped = false
            case "&": inner = inner.dropFirst(); close = "}}"; escaped = false
            default: close = "}}"; escaped = true
            }
            guard let end = inner.range(ofASCII: close) else { return nil }
            let name = inner[..<end.lowerBound].trimmingSpaces
            if name == "." {
                pieces.append(.current(escaped: escaped))
                rest = inner[end.upperBound...]
                continue
            }
            // A plain name, or names joined by "." (`report.title`), each looked up in the one before.
            guard name.split(separator: ".", omittingEmptySubsequences: false)
                .allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isNameByte) }) else { return nil }
            pieces.append(escaped ? .escaped(String(name)) : .raw(String(name)))
            rest = inner[end.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        rest = rest[rest.endIndex...]
        return closing == nil ? pieces : nil
    }

    /// Whether the line of this tag holds anything but spaces and tabs besides it. A line ends
    /// wherever Mustache ends one: at any character that is a newline to Swift — LF, VT, FF,
    /// CR (and CR LF), U+0085, U+2028 and U+2029, each a character of its own (Unicode breaks
    /// graphemes around them). Read in UTF-8 from the tag outwards, stopping at the first byte
    /// that is not a space or a tab: collecting the line's characters both ways, for every
    /// section tag, was half of reading a theme (perf: 8 ms of each build).
    static func sharesLine(_ tag: Swift.Range<String.Index>, in text: String) -> Bool {
        let utf8 = text.utf8
        func byte(_ index: String.Index, _ offset: Int) -> UInt8? {
            utf8.index(index, offsetBy: offset, limitedBy: offset < 0 ? utf8.startIndex : utf8.endIndex)
                .flatMap { $0 < utf8.endIndex ? utf8[$0] : nil }
        }
        var index = tag.lowerBound
        while index > utf8.startIndex {
            let previous = utf8.index(before: index)
            switch utf8[previous] {
            case 0x20, 0x09: index = previous; continue
            case 0x0A...0x0D: break
            case 0x85 where byte(previous, -1) == 0xC2: break
            case 0xA8...0xA9 where byte(previous, -1) == 0x80 && byte(previous, -2) == 0xE2: break
            default: return true
            }
            break
        }
        index = tag.upperBound
        while index < utf8.endIndex {
            switch utf8[index] {
            case 0x20, 0x09: index = utf8.index(after: index); continue
            case 0x0A...0x0D: break
            case 0xC2 where byte(index, 1) == 0x85: break
            case 0xE2 where byte(index, 1) == 0x80 && (byte(index, 2) == 0xA8 || byte(index, 2) == 0xA9): break
            default: return true
            }
            break
        }
        return false
    }

    /// ASCII letters, digits, `_` and `-`: a name Mustache looks up as it is (no `.`, no
    /// parentheses, no sigil).
    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
    }

    /// The page, or nil when a value is missing or of a type not read here, or a partial is not
    /// among `partials` (Mustache decides then).
    func render(_ values: [String: Any], escape: (String) -> String, partials: [String: FlatTemplate] = [:]) -> String? {
        var output = ""
        var scopes: [Frame] = []
        return Self.append(pieces, values, &scopes, &output, escape, partials, depth: 0) ? output : nil
    }

    /// Partials within partials deeper than this are left to Mustache (a theme's partial that
    /// includes itself would never end).
    static let partialDepth = 8

    /// Appends the pieces; false as soon as one cannot be rendered here. `scopes` are what the
    /// sections around put on the stack, innermost last; names are looked up in their
    /// dictionaries before `values`.
    private static func append(_ pieces: [Piece], _ values: [String: Any], _ scopes: inout [Frame], _ output: inout String,
                               _ escape: (String) -> String, _ partials: [String: FlatTemplate], depth: Int) -> Bool {
        func lookup(_ name: String) -> Any? {
            for case let .values(scope) in scopes.reversed() { if let value = scope[name] { return value } }
            return values[name]
        }
        /// Shows `inside` with `frame` on the stack (nil: as it is).
        func show(_ inside: [Piece], _ frame: Frame?) -> Bool {
            guard let frame else { return append(inside, values, &scopes, &output, escape, partials, depth: depth) }
            scopes.append(frame)
            defer { scopes.removeLast() }
            return append(inside, values, &scopes, &output, escape, partials, depth: depth)
        }
        /// A variable's value: a dotted name's first part found as any name is, each next part in
        /// the dictionary before it (where Mustache, too, looks no further down the stack).
        func text(_ name: String) -> String? {
            var parts = name.split(separator: ".")[...]
            var value = lookup(String(parts.removeFirst()))
            for part in parts { value = (value as? [String: Any])?[String(part)] }
            if let string = value as? String { return string }
            if let number = value as? Int { return String(number) }
            return nil
        }
        for piece in pieces {
            switch piece {
            case let .text(text): output += text
            case let .escaped(name):
                guard let value = text(name) else { return false }
                output += escape(value)
            case let .raw(name):
                guard let value = text(name) else { return false }
                output += value
            case let .partial(name):
                guard depth < partialDepth, let partial = partials[name],
                      append(partial.pieces, values, &scopes, &output, escape, partials, depth: depth + 1) else { return false }
            case let .current(escaped):
                guard case let .text(value)? = scopes.last else { return false }
                output += escaped ? escape(value) : value
            case let .section(name, inverted, inside):
                let value = lookup(name)
                // Whether the section rendered here: true when it is not shown at all.
                let rendered: Bool
                if let flag = value as? Bool {
                    rendered = flag == inverted || show(inside, nil)
                } else if let items = value as? [[String: Any]] {
                    // (An empty list of anything is one of these.) Inverted, Mustache shows an
                    // empty list with the list on the stack.
                    rendered = inverted ? !items.isEmpty || show(inside, .opaque) : items.allSatisfy { show(inside, .values($0)) }
                } else if let items = value as? [String] {
                    rendered = inverted || items.allSatisfy { show(inside, .text($0)) }
                } else if let scope = value as? [String: Any] {
                    rendered = inverted || show(inside, .values(scope))
                } else if let string = value as? String {
                    rendered = inverted || show(inside, .text(string))
                } else if let number = value as? Int {
                    rendered = inverted || show(inside, .text(String(number)))
                } else if value == nil {
                    rendered = !inverted || show(inside, nil)
                } else {
                    rendered = false
                }
                if !rendered { return false }
            }
        }
        return true
    }
}

extension Substring {
    /// Where `needle` (ASCII, as the tags' braces are) first occurs, found in the UTF-8 bytes:
    /// Foundation's `range(of:)` went through CFString (the whole text as UTF-16) for every
    /// tag, half of reading a theme (perf of a rebuild after a commentary edit).
    func range(ofASCII needle: String) -> Swift.Range<Index>? {
        var text = self, needle = needle
        let offset = text.withUTF8 { bytes in needle.withUTF8 { firstOffset(of: $0, in: bytes) } }
        return offset.map { offset in
            let start = utf8.index(startIndex, offsetBy: offset)
            return start..<utf8.index(start, offsetBy: needle.utf8.count)
        }
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

import CCmark
import Foundation
import Yams

/// A problem in a Markdown source, at a line of its file.
public struct MarkdownIssue: Equatable, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
}

/// A heading of a rendered page, for the table of contents.
public struct Heading: Equatable, Sendable {
    public var level: Int
    public var text: String
    public var anchor: String
}

/// A chart declared in a ```chart fence: its YAML keys as text.
public struct ChartRequest: Equatable, Sendable {
    public var fields: [String: String]
    /// The line of the fence in the file.
    public var line: Int
    public subscript(_ key: String) -> String? { fields[key] }
}

/// What the page's content can refer to: figures (`{{ org.adoption_rate }}`) and charts.
public protocol MarkdownResolver {
    /// The formatted figure, or an error sentence (e.g. listing the known paths).
    func figure(_ path: String) -> Result<String, MarkdownResolverError>
    /// The chart's HTML, or an error sentence.
    func chart(_ request: ChartRequest) -> Result<String, MarkdownResolverError>
}

public struct MarkdownResolverError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

public struct RenderedMarkdown: Sendable {
    public var html: String
    public var headings: [Heading]
    public var issues: [MarkdownIssue]
    public var charts: Int
}

public struct MarkdownOptions: Sendable {
    /// Keep raw HTML from the source (report.yml `unsafe_html: true`). Dangerous link schemes
    /// are removed either way.
    public var unsafeHTML = false
    public init(unsafeHTML: Bool = false) { self.unsafeHTML = unsafeHTML }
}

/// CommonMark through libcmark. Every `cmark_*` call of Candor is in this file.
public enum Markdown {
    /// Renders `source`, whose first line is line `firstLine` of its file.
    public static func render(_ source: String, firstLine: Int = 1, options: MarkdownOptions = MarkdownOptions(),
                              resolver: MarkdownResolver? = nil) -> RenderedMarkdown {
        let bytes = Array(source.utf8)
        guard let document = bytes.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                cmark_parse_document($0, buffer.count, CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS)
            }
        }) ?? (bytes.isEmpty ? cmark_parse_document("", 0, CMARK_OPT_DEFAULT) : nil) else {
            return RenderedMarkdown(html: "", headings: [], issues: [MarkdownIssue(line: firstLine, column: 0, message: "could not parse the Markdown")], charts: 0)
        }
        defer { cmark_node_free(document) }
        var walker = Walker(firstLine: firstLine, options: options, resolver: resolver)
        walker.transform(document)
        guard let rendered = cmark_render_html(document, CMARK_OPT_UNSAFE | CMARK_OPT_SOURCEPOS) else {
            return RenderedMarkdown(html: "", headings: [], issues: walker.issues, charts: 0)
        }
        defer { free(rendered) }
        let html = walker.finish(String(cString: rendered))
        return RenderedMarkdown(html: html, headings: walker.headings, issues: walker.issues, charts: walker.charts)
    }

    /// The plain text of a Markdown source, without markup (for summaries and feeds).
    public static func plainText(_ source: String) -> String {
        guard let document = cmark_parse_document(source, source.utf8.count, CMARK_OPT_DEFAULT) else { return "" }
        defer { cmark_node_free(document) }
        var text = ""
        walk(document) { node, entering in
            guard entering else { return }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += literal(node)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_ITEM: if !text.isEmpty { text += " " }
            default: break
            }
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

private func literal(_ node: OpaquePointer) -> String {
    cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
}

/// Calls `visit` for every node in document order (entering and exiting containers).
private func walk(_ root: OpaquePointer, _ visit: (OpaquePointer, Bool) -> Void) {
    guard let iterator = cmark_iter_new(root) else { return }
    defer { cmark_iter_free(iterator) }
    while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard let node = cmark_iter_get_node(iterator) else { continue }
        visit(node, event == CMARK_EVENT_ENTER)
    }
}

/// URL schemes a link or image may use; anything else (javascript:, vbscript:, data:, file:) is
/// removed. Relative URLs and fragments have no scheme and are kept.
let allowedSchemes: Set<String> = ["http", "https", "mailto"]

func isSafeURL(_ url: String) -> Bool {
    // Browsers ignore control characters and white space inside a scheme ("java\tscript:").
    let cleaned = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })
    guard let colon = cleaned.firstIndex(of: ":") else { return true }
    let scheme = cleaned[..<colon]
    // A colon after a slash, ? or # is part of a path, not a scheme.
    if scheme.contains(where: { "/?#".contains($0) }) { return true }
    return allowedSchemes.contains(scheme.lowercased())
}

private struct Walker {
    let firstLine: Int
    let options: MarkdownOptions
    let resolver: MarkdownResolver?
    var issues: [MarkdownIssue] = []
    var headings: [Heading] = []
    var charts = 0
    /// "line:column" of each heading's source position → its anchor.
    var anchors: [String: String] = [:]
    var usedAnchors: [String: Int] = [:]

    init(firstLine: Int, options: MarkdownOptions, resolver: MarkdownResolver?) {
        self.firstLine = firstLine
        self.options = options
        self.resolver = resolver
    }

    func fileLine(_ node: OpaquePointer) -> Int { Int(cmark_node_get_start_line(node)) + firstLine - 1 }

    mutating func transform(_ document: OpaquePointer) {
        var htmlNodes: [OpaquePointer] = []
        var textRuns: [OpaquePointer] = []
        var fences: [OpaquePointer] = []
        var links: [OpaquePointer] = []
        var headingNodes: [OpaquePointer] = []
        walk(document) { node, entering in
            guard entering else { return }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE: htmlNodes.append(node)
            case CMARK_NODE_TEXT:
                // The first text node of a run of adjacent text siblings.
                if let previous = cmark_node_previous(node), cmark_node_get_type(previous) == CMARK_NODE_TEXT { return }
                textRuns.append(node)
            case CMARK_NODE_CODE_BLOCK:
                let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
                if info.trimmingCharacters(in: .whitespaces).lowercased() == "chart" { fences.append(node) }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE: links.append(node)
            case CMARK_NODE_HEADING: headingNodes.append(node)
            default: break
            }
        }
        // Text first: merging frees the later nodes of a run, which are in no other list.
        for node in textRuns { mergeAndResolve(node) }
        if !options.unsafeHTML {
            for node in htmlNodes {
                cmark_node_unlink(node)
                cmark_node_free(node)
            }
        }
        for node in links {
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            if !isSafeURL(url) { cmark_node_set_url(node, "") }
        }
        for node in fences { replaceChart(node) }
        for node in headingNodes { nameHeading(node) }
    }

    /// Joins a run of adjacent text nodes (cmark splits text at characters such as `_` or `[`)
    /// and replaces `{{ path }}` references with their figures.
    mutating func mergeAndResolve(_ first: OpaquePointer) {
        var text = literal(first)
        while let next = cmark_node_next(first), cmark_node_get_type(next) == CMARK_NODE_TEXT {
            text += literal(next)
            cmark_node_unlink(next)
            cmark_node_free(next)
        }
        guard hasDoubleBrace(text) else {
            cmark_node_set_literal(first, text)
            return
        }
        var output = ""
        var rest = Substring(text)
        while let open = findASCII("{{", in: rest) {
            output += rest[..<open.lowerBound]
            guard let close = findASCII("}}", in: rest[open.upperBound...]) else {
                output += rest[open.lowerBound...]
                rest = ""
                break
            }
            let path = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let resolver {
                switch resolver.figure(path) {
                case let .success(value): output += value
                case let .failure(error):
                    issues.append(MarkdownIssue(line: fileLine(first), column: 0, message: error.message))
                    output += "{{ \(path) }}"
                }
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        output += rest
        cmark_node_set_literal(first, output)
    }

    mutating func replaceChart(_ node: OpaquePointer) {
        let line = fileLine(node)
        let body = literal(node)
        var fields: [String: String] = [:]
        do {
            guard body.utf8.count < 64 * 1024, case let .mapping(mapping)? = try Yams.compose(yaml: body, .default, .default, .utf8) else {
                issues.append(MarkdownIssue(line: line, column: 0, message: "a chart block must hold YAML keys such as type, data, x, y and title"))
                return
            }
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { continue }
                switch value {
                case let .scalar(scalar): fields[name] = scalar.string
                case let .sequence(sequence): fields[name] = sequence.compactMap { $0.scalar?.string }.joined(separator: ",")
                default:
                    issues.append(MarkdownIssue(line: line + (key.mark?.line ?? 0), column: 0, message: "chart key \"\(name)\" must be text or a list"))
                }
            }
        } catch {
            issues.append(MarkdownIssue(line: line, column: 0, message: "the chart block is not valid YAML: \(error)"))
            return
        }
        guard let resolver else { return }
        switch resolver.chart(ChartRequest(fields: fields, line: line)) {
        case let .success(html):
            guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
            cmark_node_set_literal(block, html + "\n")
            cmark_node_replace(node, block)
            cmark_node_free(node)
            charts += 1
        case let .failure(error):
            issues.append(MarkdownIssue(line: line, column: 0, message: error.message))
        }
    }

    mutating func nameHeading(_ node: OpaquePointer) {
        var text = ""
        walk(node) { child, entering in
            if entering, [CMARK_NODE_TEXT, CMARK_NODE_CODE].contains(cmark_node_get_type(child)) { text += literal(child) }
        }
        var anchor = headingAnchor(text)
        if let count = usedAnchors[anchor] {
            usedAnchors[anchor] = count + 1
            anchor += "-\(count + 1)"
        } else {
            usedAnchors[anchor] = 1
        }
        let key = "\(cmark_node_get_start_line(node)):\(cmark_node_get_start_column(node))"
        anchors[key] = anchor
        headings.append(Heading(level: Int(cmark_node_get_heading_level(node)), text: text, anchor: anchor))
    }

    /// Gives headings their ids and drops the other source positions, in one pass over the
    /// bytes (Foundation's `range(of:)` on a substring copies it each time: quadratic on a page
    /// of many blocks).
    func finish(_ html: String) -> String {
        // Each marker is found from its "=" (by `memchr`) and the text between markers copied
        // whole: copied byte by byte, with a comparison at every space, this was a fifth of
        // rendering a page (callgrind).
        let name = Array(" data-sourcepos".utf8)
        var html = html
        return html.withUTF8 { bytes -> String in
            guard let base = bytes.baseAddress else { return "" }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var copied = 0, from = 0
            while from < bytes.count, let found = memchr(base + from, 0x3D, bytes.count - from) {  // "="
                let equals = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                from = equals + 1
                guard equals >= name.count, equals + 1 < bytes.count, bytes[equals + 1] == 0x22,
                      memcmp(base + equals - name.count, name, name.count) == 0 else { continue }
                let start = equals + 2
                guard let quote = bytes[start...].firstIndex(of: 0x22) else { break }  // the rest is copied as it is
                out.append(contentsOf: bytes[copied..<(equals - name.count)])
                let position = String(decoding: bytes[start..<quote], as: UTF8.self)
                let first = position.split(separator: "-").first.map(String.init) ?? ""
                let n = out.count
                // Right after "<h1" … "<h6": a heading, which gets its anchor.
                if n >= 3, out[n - 3] == 0x3C, out[n - 2] == 0x68, (0x31...0x36).contains(out[n - 1]), let anchor = anchors[first] {
                    out += Array(" id=\"\(anchor)\"".utf8)
                }
                copied = quote + 1
                from = copied
            }
            out.append(contentsOf: bytes[copied...])
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// The first occurrence of an ASCII `needle` in `text`, found over its UTF-8 bytes (linear).
public func findASCII(_ needle: String, in text: Substring) -> Range<Substring.Index>? {
    let pattern = Array(needle.utf8)
    let view = text.utf8
    var index = view.startIndex
    while index != view.endIndex {
        if view[index] == pattern[0] {
            var probe = index, matched = 0
            while matched < pattern.count, probe != view.endIndex, view[probe] == pattern[matched] {
                matched += 1
                probe = view.index(after: probe)
            }
            if matched == pattern.count { return index..<probe }
        }
        index = view.index(after: index)
    }
    return nil
}

/// A stable anchor for a heading: lower-case letters and digits joined by "-".
public func headingAnchor(_ text: String) -> String {
    var anchor = ""
    var dash = false
    for character in text.lowercased() {
        if character.isLetter || character.isNumber {
            if dash && !anchor.isEmpty { anchor += "-" }
            anchor.append(character)
            dash = false
        } else {
            dash = true
        }
    }
    let safe = anchor.unicodeScalars.allSatisfy { $0.isASCII } ? anchor : String(anchor.unicodeScalars.filter { $0.isASCII })
    return safe.isEmpty ? "section" : safe
}

extension Node {
    var scalar: Node.Scalar? {
        if case let .scalar(scalar) = self { return scalar }
        return nil
    }
}

/// Whether the text holds "{{", by `memchr` over its bytes: Foundation's `contains`, asked for
/// every text node of every page, was 3 % of a 10,000-page build, and a loop over `utf8` still
/// cost some ten instructions a byte (callgrind: 2.6 % of a 1,000-page build).
func hasDoubleBrace(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
        guard var start = bytes.baseAddress, bytes.count >= 2 else { return false }
        let end = start + bytes.count
        while let found = memchr(start, 0x7B, end - start) {
            let brace = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
            if brace + 1 < end && brace[1] == 0x7B { return true }
            start = brace + 1
        }
        return false
    }
}

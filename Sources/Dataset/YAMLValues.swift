import Yams

/// Yams's default constructor, made once: `Constructor.default` builds its three tables anew on
/// every use, and every `Tag` made without one does so (a twentieth of reading 10,000 pages).
/// Never changed after it is made.
nonisolated(unsafe) let yamsConstructor = Constructor.default

/// Begins making Yams's resolver on another core: its seven regular expressions, whose first
/// (ICU starting) held the main thread a millisecond and more when it read report.yml, the
/// first thing every build reads. Called at launch, while the command line is parsed.
public func prepareYAML() {
    _ = Pending { Resolver.default.resolveTag(of: Node("ready")) }
}

/// Typed reading of YAML nodes with errors that name the file, key and line.
///
/// YAML aliases are expanded by sharing (Yams returns the anchored node again), so a small
/// document can stand for an exponentially large tree (the "billion laughs"). Every walk
/// counts the nodes it visits and stops at a budget instead of running for hours.
struct YAMLReader {
    let file: String
    var budget: Int
    var diagnostics: [Diagnostic] = []

    init(file: String, budget: Int = 100_000) {
        self.file = file
        self.budget = budget
    }

    static let maxBytes = 1 << 20

    /// Parses a whole document. Throws an `InputError` naming the line when the YAML is not valid.
    static func compose(_ text: String, file: String, lineOffset: Int = 0) throws -> Node? {
        guard text.utf8.count <= maxBytes else {
            throw InputError(.error(file, "larger than \(maxBytes / 1024) KiB; this is not a settings file"))
        }
        do {
            // UTF-8 named: the default encoding reads the environment on every call (5 % of a
            // 10,000-page build), and Swift's strings are UTF-8 anyway.
            return try Yams.compose(yaml: text, .default, yamsConstructor, .utf8)
        } catch let error as YamlError {
            throw InputError(yamlDiagnostic(error, file: file, lineOffset: lineOffset))
        }
    }

    static func yamlDiagnostic(_ error: YamlError, file: String, lineOffset: Int) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let where_ = context.map { " \($0.text)" } ?? ""
            return .error(file, line: mark.line + lineOffset, column: mark.column, "invalid YAML: \(problem)\(where_)")
        case let .reader(problem, _, _, _):
            return .error(file, line: 1 + lineOffset, "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return .error(file, line: lineOffset + 1, "duplicated key \(duplicates.joined(separator: ", ")) \(context.text)")
        default:
            return .error(file, line: lineOffset + 1, "invalid YAML: \(error)")
        }
    }

    /// Where nodes made without the parser were (see `FrontMatterDocument.plainMapping`).
    var marks = NodeMarks()

    func line(_ node: Node) -> Int { node.mark?.line ?? marks[node]?.line ?? 0 }
    func column(_ node: Node) -> Int { node.mark?.column ?? marks[node]?.column ?? 0 }

    mutating func spend(_ node: Node) -> Bool {
        budget -= 1
        if budget == 0 {
            diagnostics.append(.error(file, line: line(node),
                "the document expands to too many values (aliases repeated inside aliases?); it was not read"))
        }
        return budget > 0
    }

    mutating func error(_ node: Node, _ message: String) {
        diagnostics.append(.error(file, line: line(node), column: column(node), message))
    }

    mutating func warning(_ node: Node, _ message: String) {
        diagnostics.append(.warning(file, line: line(node), column: column(node), message))
    }

    /// The pairs of a mapping with string keys; reports unknown keys with a suggestion.
    mutating func mapping(_ node: Node, key: String, allowed: [String]?) -> [(String, Node)] {
        guard spend(node) else { return [] }
        guard case let .mapping(mapping) = node else {
            error(node, "\"\(key)\" must be a mapping (key: value pairs)")
            return []
        }
        var pairs: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard spend(keyNode), let name = keyNode.scalar?.string else {
                error(keyNode, "a key in \"\(key)\" must be text")
                continue
            }
            if let allowed, !allowed.contains(name) {
                let path = key.isEmpty ? "" : " in \"\(key)\""
                error(keyNode, "unknown key \"\(name)\"\(path)\(suggestion(name, in: allowed)); known keys: \(allowed.joined(separator: ", "))")
                continue
            }
            pairs.append((name, value))
        }
        return pairs
    }

    mutating func string(_ node: Node, key: String) -> String? {
        guard spend(node) else { return nil }
        guard case let .scalar(scalar) = node else {
            error(node, "\"\(key)\" must be text")
            return nil
        }
        return scalar.string
    }

    mutating func bool(_ node: Node, key: String) -> Bool? {
        guard spend(node) else { return nil }
        guard let value = node.bool else {
            error(node, "\"\(key)\" must be true or false")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, key: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard spend(node) else { return nil }
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            error(node, "\"\(key)\" must be a number")
            return nil
        }
        if let range, !range.contains(value) {
            error(node, "\"\(key)\" must be between \(trim(range.lowerBound)) and \(trim(range.upperBound)), not \(trim(value))")
            return nil
        }
        return value
    }

    /// A number, or `{low, high}` with low ≤ high.
    mutating func bounds(_ node: Node, key: String, range: ClosedRange<Double>) -> ReportConfig.Bounds? {
        if case .scalar = node {
            return number(node, key: key, range: range).map { ReportConfig.Bounds(low: $0, high: $0) }
        }
        var low: Double?, high: Double?
        for (bound, value) in mapping(node, key: key, allowed: ["low", "high"]) {
            if bound == "low" { low = number(value, key: "\(key).low", range: range) }
            if bound == "high" { high = number(value, key: "\(key).high", range: range) }
        }
        guard let low, let high else {
            error(node, "\"\(key)\" needs a number or both low and high")
            return nil
        }
        guard high >= low else {
            error(node, "\"\(key)\": high (\(trim(high))) is below low (\(trim(low)))")
            return nil
        }
        return ReportConfig.Bounds(low: low, high: high)
    }

    /// Plain decimal digits (no leading zero, which YAML 1.1 reads as octal), read without Yams's
    /// constructor, which rewrites the text through Foundation for every number; nil for anything
    /// else, which Yams reads.
    static func decimal(_ text: String) -> Int? {
        let digits = text.utf8.first == 0x2D ? text.utf8.dropFirst() : text.utf8[...]
        guard let first = digits.first, digits.count <= 18, first != 0x30 || digits.count == 1,
              digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    mutating func integer(_ node: Node, key: String, range: ClosedRange<Int>) -> Int? {
        guard spend(node) else { return nil }
        guard case let .scalar(scalar) = node, let value = Self.decimal(scalar.string) ?? node.int else {
            error(node, "\"\(key)\" must be a whole number")
            return nil
        }
        guard range.contains(value) else {
            error(node, "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    mutating func day(_ node: Node, key: String) -> Day? {
        guard let text = string(node, key: key) else { return nil }
        guard let day = Day(parsing: text) else {
            error(node, "\"\(key)\" must be a date as YYYY-MM-DD, not \"\(text)\"")
            return nil
        }
        return day
    }

    mutating func list(_ node: Node, key: String) -> [Node] {
        guard spend(node) else { return [] }
        if case let .sequence(sequence) = node { return Array(sequence) }
        error(node, "\"\(key)\" must be a list ([a, b] or lines starting with \"- \")")
        return []
    }

    mutating func strings(_ node: Node, key: String) -> [String] {
        list(node, key: key).compactMap { string($0, key: key) }
    }
}

func trim(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

extension Node {
    var scalar: Node.Scalar? {
        if case let .scalar(scalar) = self { return scalar }
        return nil
    }
}

/// Where each node of a front matter read without the parser was, asked for only to place a
/// message: a list searched in order. (A dictionary keyed by node hashed every key and value
/// of every page's front matter, tags and all, for messages that are almost never written.)
struct NodeMarks {
    private var marks: [(node: Node, line: Int, column: Int)] = []

    init() {}

    /// Whether no node is marked: the front matter went through the parser (or was empty).
    var isEmpty: Bool { marks.isEmpty }

    subscript(node: Node) -> (line: Int, column: Int)? {
        get { marks.first { $0.node == node }.map { ($0.line, $0.column) } }
        set { if let newValue { marks.append((node, newValue.line, newValue.column)) } }
    }
}

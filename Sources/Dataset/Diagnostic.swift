/// Problems found in the inputs, reported like a compiler's: `path:line:column: error: message`.

public struct Diagnostic: Equatable, Hashable, Sendable, CustomStringConvertible, Error, Codable {
    public enum Severity: String, Sendable, Comparable, Codable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// The file, relative to the report folder where it is inside it.
    public var file: String
    /// 1-based physical line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column; 0 when unknown.
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    public static func warning(_ file: String, line: Int = 0, column: Int = 0, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .warning, message: message)
    }

    public static func error(_ file: String, line: Int = 0, column: Int = 0, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .error, message: message)
    }

    public var location: String {
        var text = file
        if line > 0 {
            text += ":\(line)"
            if column > 0 { text += ":\(column)" }
        }
        return text
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// A failure that stops reading at once (a missing required column, an unreadable report.yml).
public struct InputError: Error, CustomStringConvertible, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The Levenshtein distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The closest of `candidates` to `name`, when it is close enough to be a likely typo.
public func nearest(_ name: String, in candidates: [String]) -> String? {
    // A known name that the unknown one starts with (or that starts with it) is the likeliest;
    // among those, the closest by edit distance on the whole name ("token" → "tokens", not
    // "tokens_per_active_user"; "team" → "teams", not "team_weeks").
    let prefixed = candidates.filter { name.count >= 3 && ($0.hasPrefix(name) || name.hasPrefix($0)) }
    if let best = prefixed.min(by: { (editDistance(name, $0), $0) < (editDistance(name, $1), $1) }) {
        return best
    }
    let scored = candidates.map { ($0, editDistance(name, $0)) }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    guard let best = scored.first else { return nil }
    let limit = max(2, name.count / 3)
    return best.1 <= limit ? best.0 : nil
}

/// " (did you mean "x"?)" or "", for messages.
public func suggestion(_ name: String, in candidates: [String]) -> String {
    nearest(name, in: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
}

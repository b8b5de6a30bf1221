import Foundation

/// Raw per-request events rolled up into usage rows, exactly as `sql/rollup.sql` does on a
/// cluster: one row per person, UTC day, tool, task category, prompt hash and automation flag;
/// requests = the number of events; tokens, shown and accepted summed.
///
/// Memory grows with the number of distinct groups, not with events.
public struct EventRollup {
    public struct Key: Hashable, Comparable {
        public var date: String
        public var user: String
        public var team: String
        public var tool: String
        public var category: String
        public var promptHash: String
        public var automated: Bool

        public static func < (a: Key, b: Key) -> Bool {
            if (a.date, a.user, a.team, a.tool) != (b.date, b.user, b.team, b.tool) {
                return (a.date, a.user, a.team, a.tool) < (b.date, b.user, b.team, b.tool)
            }
            return (a.category, a.promptHash, a.automated ? 1 : 0) < (b.category, b.promptHash, b.automated ? 1 : 0)
        }
    }

    public struct Sums {
        public var requests: Int64 = 0
        public var inputTokens: Int64 = 0
        public var outputTokens: Int64 = 0
        public var shown: Int64 = 0
        public var accepted: Int64 = 0
    }

    public private(set) var groups: [Key: Sums] = [:]
    public private(set) var events = 0
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    static let columns = ["ts", "user", "team", "tool", "input_tokens", "output_tokens", "accepted", "shown",
                          "task_category", "prompt_hash", "automated"]

    /// Reads one events file (CSV with a header, or JSON lines) into the groups.
    public mutating func add(path: String, displayPath: String) throws {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl.gz") || lower.hasSuffix(".ndjson.gz") {
            var reader = LineReader(source: try openByteSource(path: path))
            var local: [Diagnostic] = []
            var added: [(Key, Sums)] = []
            try reader.forEach { bytes, line in
                if bytes.isEmpty { return }
                guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                    local.append(.error(displayPath, line: line, "not a JSON object")); return
                }
                var fields: [String: String] = [:]
                for (key, value) in object {
                    switch value {
                    case let text as String: fields[key.lowercased()] = text
                    case let number as NSNumber:
                        fields[key.lowercased()] = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
                    default: break
                    }
                }
                if let event = Self.event(fields, file: displayPath, line: line, diagnostics: &local) { added.append(event) }
            }
            for (key, sums) in added { merge(key, sums) }
            diagnostics += local
            return
        }
        var reader = CSVReader(source: try openByteSource(path: path))
        var header: [String]?
        var local: [Diagnostic] = []
        var added: [(Key, Sums)] = []
        try reader.forEach { record in
            guard let names = header else {
                header = (0..<record.count).map { (record.string($0) ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
                let missing = ["ts", "user", "team", "tool"].filter { !header!.contains($0) }
                if !missing.isEmpty {
                    throw InputError(.error(displayPath, line: record.line, "missing required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")); events need ts, user, team, tool"))
                }
                return
            }
            if let problem = record.problem { local.append(.error(displayPath, line: record.line, problem)); return }
            guard record.count == names.count else {
                local.append(.error(displayPath, line: record.line, "expected \(names.count) fields as in the header, found \(record.count)")); return
            }
            var fields: [String: String] = [:]
            for index in 0..<record.count { fields[names[index]] = record.string(index) ?? "" }
            if let event = Self.event(fields, file: displayPath, line: record.line, diagnostics: &local) { added.append(event) }
            if added.count >= 4096 { for (key, sums) in added { merge(key, sums) }; added.removeAll(keepingCapacity: true) }
        }
        for (key, sums) in added { merge(key, sums) }
        diagnostics += local
    }

    private mutating func merge(_ key: Key, _ sums: Sums) {
        events += 1
        var total = groups[key, default: Sums()]
        // Saturating: a group past 64 bits is written at the limit and rejected when read.
        accumulate(&total.requests, sums.requests)
        accumulate(&total.inputTokens, sums.inputTokens)
        accumulate(&total.outputTokens, sums.outputTokens)
        accumulate(&total.shown, sums.shown)
        accumulate(&total.accepted, sums.accepted)
        groups[key] = total
    }

    static func event(_ fields: [String: String], file: String, line: Int, diagnostics: inout [Diagnostic]) -> (Key, Sums)? {
        func text(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespaces) }
        let ts = text("ts")
        guard ts.count >= 10, Day(parsing: String(ts.prefix(10)), prefix: false) != nil else {
            diagnostics.append(.error(file, line: line, "ts \"\(ts)\" is not a timestamp (YYYY-MM-DD…, UTC)")); return nil
        }
        for name in ["user", "team", "tool"] where text(name).isEmpty {
            diagnostics.append(.error(file, line: line, "\(name) is empty")); return nil
        }
        var sums = Sums(requests: 1)
        for (name, path) in [("input_tokens", \Sums.inputTokens), ("output_tokens", \Sums.outputTokens), ("shown", \Sums.shown), ("accepted", \Sums.accepted)] {
            let value = text(name)
            if value.isEmpty { continue }
            let normalised = value == "true" ? "1" : value == "false" ? "0" : value
            guard let number = Int64(normalised) ?? Double(normalised).flatMap({ Int64(exactly: $0) }), number >= 0 else {
                diagnostics.append(.error(file, line: line, "\(name) \"\(value)\" is not a non-negative whole number")); return nil
            }
            guard number <= maxCount else {
                diagnostics.append(.error(file, line: line, "\(name) \(value) is implausibly large (more than 10^12 in one event)")); return nil
            }
            sums[keyPath: path] = number
        }
        let automated = ["true", "1", "yes", "t"].contains(text("automated").lowercased())
        let key = Key(date: String(ts.prefix(10)), user: text("user"), team: text("team"), tool: text("tool"),
                      category: text("task_category"), promptHash: text("prompt_hash"), automated: automated)
        return (key, sums)
    }
}

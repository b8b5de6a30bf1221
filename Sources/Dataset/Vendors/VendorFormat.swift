import Foundation

/// Vendors' usage exports, read as the vendors write them (docs/importers.md has every
/// field's mapping and what is lost). Each format turns a file into usage rows with the
/// vendor's raw identities; team attribution and pseudonymisation happen in `VendorReader`.
public enum VendorFormat: String, CaseIterable, Sendable {
    case amazonQ = "amazon-q"
    case copilotUsers = "copilot-users"
    case claudeCode = "claude-code"
    case openAIUsage = "openai-usage"
    case cursorDaily = "cursor-daily"
    case copilotUserTeams = "copilot-user-teams"
    case copilotMetrics = "copilot-metrics"
    case copilotSeats = "copilot-seats"
    case anthropicUsage = "anthropic-usage"
    case anthropicCost = "anthropic-cost"
    case openAICosts = "openai-costs"
    case cursorEvents = "cursor-events"

    /// The tool name rows of this format get (openai-usage takes `sources[].tool`).
    public var defaultTool: String {
        switch self {
        case .amazonQ: return "amazon-q-developer"
        case .copilotUsers, .copilotUserTeams, .copilotMetrics, .copilotSeats: return "github-copilot"
        case .claudeCode: return "claude-code"
        case .openAIUsage, .openAICosts: return "openai-api"
        case .anthropicUsage, .anthropicCost: return "anthropic-api"
        case .cursorDaily, .cursorEvents: return "cursor"
        }
    }

    /// Formats that carry usage rows (the others carry teams or seats).
    public var hasUsage: Bool { ![.copilotUserTeams, .copilotSeats].contains(self) }

    /// What this format's per-person rows report, for the overlap rule: two sources that
    /// report the same person, day and tool count each measure once (the first source read
    /// keeps it), so complementary exports (Cursor's daily counts and its token events) add up.
    var measures: UsageMeasures {
        switch self {
        case .amazonQ, .cursorDaily: return [.requests, .suggestions, .lines]
        case .copilotUsers: return [.requests, .suggestions, .lines, .tokens]
        case .claudeCode: return [.suggestions, .lines, .tokens, .cost]
        case .openAIUsage: return [.requests, .tokens]
        case .anthropicUsage: return [.tokens]
        case .cursorEvents: return [.requests, .tokens, .cost]
        case .copilotUserTeams, .copilotSeats, .copilotMetrics, .anthropicCost, .openAICosts: return []
        }
    }

    /// The formats a file of time buckets could be when none of its buckets has a result yet.
    static let bucketFormats: [VendorFormat] = [.openAIUsage, .openAICosts, .anthropicUsage, .anthropicCost]

    /// Formats that a file could be but its contents cannot tell apart (every bucket empty), for
    /// the message; empty when the file is simply not a vendor export.
    public static func ambiguity(path: String) -> [VendorFormat] {
        guard let head = try? readHead(path: path, bytes: 4 << 20) else { return [] }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("\"results\"") && (text.contains("\"start_time\"") || text.contains("\"starting_at\"")) ? bucketFormats : []
    }

    /// Recognises a file's format from its CSV header or JSON shape; nil when none matches.
    /// JSON is looked at over its first 4 MiB, every line of it, so that a file starting with
    /// empty buckets is still told by the first bucket with a result.
    public static func detect(path: String) -> VendorFormat? {
        guard let head = try? readHead(path: path, bytes: 4 << 20) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        if firstLine.contains("UserId") && firstLine.contains("Date") && (firstLine.contains("Inline_") || firstLine.contains("Chat_")) {
            return .amazonQ
        }
        let trimmed = text.drop { $0.isWhitespace }
        guard trimmed.first == "{" || trimmed.first == "[" else { return nil }
        // Look at each line (NDJSON) and then at the whole head.
        let candidates = text.split(separator: "\n").prefix(10_000).map(String.init) + [text]
        for candidate in candidates {
            guard let object = try? JSONSerialization.jsonObject(with: Data(candidate.utf8), options: [.fragmentsAllowed]) else { continue }
            if let format = shape(of: object) { return format }
        }
        // A head cut inside a large JSON document: fall back to telling keys.
        if text.contains("\"totals_by_feature\"") && text.contains("\"user_login\"") { return .copilotUsers }
        if text.contains("\"core_metrics\"") && text.contains("\"actor\"") { return .claudeCode }
        if text.contains("\"organization.costs.result\"") { return .openAICosts }
        if text.contains("\"num_model_requests\"") { return .openAIUsage }
        if text.contains("\"uncached_input_tokens\"") { return .anthropicUsage }
        if text.contains("\"cost_type\"") && text.contains("\"starting_at\"") { return .anthropicCost }
        if text.contains("\"usageEvents\"") { return .cursorEvents }
        if text.contains("\"totalTabsShown\"") || text.contains("\"composerRequests\"") { return .cursorDaily }
        if text.contains("\"copilot_ide_code_completions\"") { return .copilotMetrics }
        if text.contains("\"assigning_team\"") || (text.contains("\"seats\"") && text.contains("\"assignee\"")) { return .copilotSeats }
        return nil
    }

    /// True for a file that starts like JSON but, read whole, does not parse (a cut-off download).
    static func looksLikeBrokenJSON(path: String) -> Bool {
        guard let head = try? readHead(path: path, bytes: 8 << 20) else { return false }
        guard let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return false }
        if (try? JSONSerialization.jsonObject(with: Data(head), options: [])) != nil { return false }
        // Line-delimited JSON parses line by line.
        let lines = head.split(separator: 0x0A).filter { !$0.allSatisfy { [0x20, 0x09, 0x0D].contains($0) } }
        return !lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0), options: [])) != nil }
    }

    static func shape(of object: Any) -> VendorFormat? {
        if let array = object as? [Any], let first = array.first { return shape(of: first) }
        guard let record = object as? [String: Any] else { return nil }
        if record["totals_by_feature"] != nil || (record["user_login"] != nil && record["day"] != nil && record["slug"] == nil) { return .copilotUsers }
        if record["slug"] != nil && record["user_login"] != nil { return .copilotUserTeams }
        if record["seats"] != nil || record["assignee"] != nil { return .copilotSeats }
        if record["copilot_ide_code_completions"] != nil || record["total_engaged_users"] != nil { return .copilotMetrics }
        if record["usageEvents"] != nil { return .cursorEvents }
        if record["tokenUsage"] != nil && record["userEmail"] != nil { return .cursorEvents }
        if let data = record["data"] as? [Any], let first = data.first as? [String: Any] {
            if first["core_metrics"] != nil || first["actor"] != nil { return .claudeCode }
            // Usage and cost APIs return a bucket per day, empty on days without activity: the
            // first result of any bucket tells the format, never the first bucket alone.
            for case let bucket as [String: Any] in data {
                guard let results = bucket["results"] as? [Any], let result = results.first as? [String: Any] else { continue }
                if result["uncached_input_tokens"] != nil || result["cache_read_input_tokens"] != nil { return .anthropicUsage }
                if result["object"] as? String == "organization.costs.result" || result["amount"] is [String: Any] { return .openAICosts }
                if result["cost_type"] != nil || (result["amount"] is String && bucket["starting_at"] != nil) { return .anthropicCost }
                if result["num_model_requests"] != nil || result["object"] as? String == "organization.usage.completions.result" { return .openAIUsage }
                return nil
            }
            if first["isActive"] != nil || first["totalTabsShown"] != nil || first["composerRequests"] != nil { return .cursorDaily }
        }
        if record["core_metrics"] != nil && record["actor"] != nil { return .claudeCode }
        if record["object"] as? String == "bucket", let results = record["results"] as? [[String: Any]], let result = results.first {
            return shape(of: ["data": [["results": [result], "start_time": record["start_time"] ?? 0]]])
        }
        if record["isActive"] != nil && record["email"] != nil { return .cursorDaily }
        return nil
    }
}

func readHead(path: String, bytes: Int) throws -> [UInt8] {
    let source = try openByteSource(path: path)
    var collected: [UInt8] = []
    var chunk: [UInt8] = []
    var source_ = source
    while collected.count < bytes {
        try source_.read(into: &chunk)
        if chunk.isEmpty { break }
        collected += chunk.prefix(bytes - collected.count)
    }
    return collected
}

/// One row a vendor file gave: the usage record (identity still raw) and where it came from.
public struct VendorRow: Sendable {
    public var record: UsageRecord
    public var line: Int
    /// The raw identity, for team attribution and the unmatched count.
    public var identity: String?
    /// The export's own grouping of a row without a person (an Anthropic workspace, an OpenAI
    /// project or API key), mapped to a team through `sources[].teams`.
    public var groupID: String?
}

/// The measures a usage row can carry, for the overlap rule.
struct UsageMeasures: OptionSet, Sendable {
    let rawValue: UInt8
    static let requests = UsageMeasures(rawValue: 1)
    static let suggestions = UsageMeasures(rawValue: 2)
    static let lines = UsageMeasures(rawValue: 4)
    static let tokens = UsageMeasures(rawValue: 8)
    static let cost = UsageMeasures(rawValue: 16)
    static let all: [UsageMeasures] = [.requests, .suggestions, .lines, .tokens, .cost]

    /// Clears the fields of this measure in a row.
    func clear(_ row: inout UsageRecord) {
        if contains(.requests) { row.requests = 0 }
        if contains(.suggestions) { row.suggestionsShown = nil; row.suggestionsAccepted = nil }
        if contains(.lines) { row.linesSuggested = nil; row.linesAccepted = nil }
        if contains(.tokens) { row.inputTokens = 0; row.outputTokens = 0; row.cachedTokens = 0 }
        if contains(.cost) { row.costUSD = nil }
    }
}

/// What a vendor file told besides usage rows.
public struct VendorExtras: Sendable {
    /// (identity, day) → team slug, from copilot-user-teams.
    public var userTeams: [String: String] = [:]
    /// tool → licensed seats, from seat exports.
    public var seats: [String: Int] = [:]
    /// (identity) → team, from seat assignments.
    public var seatTeams: [String: String] = [:]
}

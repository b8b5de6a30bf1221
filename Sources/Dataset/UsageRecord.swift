/// One usage row: one user (or a group of `activeUsers`) × day × tool (DESIGN §3).
public struct UsageRecord: Equatable, Sendable {
    public var day: Day
    /// The opaque (or pseudonymised) user id; nil for a group row.
    public var user: String?
    /// For group rows from aggregate-only sources: how many people were active.
    public var activeUsers: Int?
    public var team: String
    public var tool: String
    public var requests: Int64 = 0
    public var inputTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var cachedTokens: Int64 = 0
    public var suggestionsShown: Int64?
    public var suggestionsAccepted: Int64?
    public var linesSuggested: Int64?
    public var linesAccepted: Int64?
    public var taskCategory: String?
    public var promptHash: String?
    public var automated: Bool = false
    /// Dollars, when the row carries its cost.
    public var costUSD: Double?
    /// Where the usage reader holds the row's names (see `NameKeys`); none for other rows.
    public var nameKeys = NameKeys()

    public init(day: Day, user: String?, team: String, tool: String) {
        self.day = day
        self.user = user
        self.team = team
        self.tool = tool
    }

    /// Tokens, as the report means them: input + output (cached input is part of input).
    public var tokens: Int64 { inputTokens + outputTokens }
}

/// The numbers a usage reader gave the row's person, team, tool and task category in its cache
/// of names, so that the aggregate can find a name it has seen by number instead of hashing its
/// text on every row (which was a tenth of reading rows in random order, perf). A number means the same
/// name only within one reader's cache, its `scope`; −1 (or scope 0) means no number. They are
/// a shortcut, not part of the row: two rows with the same figures are equal whatever their keys.
public struct NameKeys: Equatable, Sendable {
    public var scope = 0
    public var user: Int32 = -1
    public var team: Int32 = -1
    public var tool: Int32 = -1
    public var category: Int32 = -1

    public init() {}

    public static func == (_: NameKeys, _: NameKeys) -> Bool { true }
}

/// The columns of the usage schema.
public enum UsageColumn: String, CaseIterable, Sendable {
    case date, user, team, tool, requests
    case inputTokens = "input_tokens", outputTokens = "output_tokens", cachedTokens = "cached_tokens"
    case suggestionsShown = "suggestions_shown", suggestionsAccepted = "suggestions_accepted"
    case linesSuggested = "lines_suggested", linesAccepted = "lines_accepted"
    case taskCategory = "task_category", promptHash = "prompt_hash", automated
    case costUSD = "cost_usd", activeUsers = "active_users"

    public static let required: [UsageColumn] = [.date, .team, .tool, .requests]
}

extension UsageRecord {
    /// The honesty rules (DESIGN §4), one place for `build` and `import`, CSV and vendor rows
    /// alike, and per measure: an impossible figure is dropped with its partner (more accepted
    /// than shown drops both suggestion counts), never the row's valid figures. Returns what was
    /// dropped, in words, for the data-quality page.
    public mutating func dropImpossibleFigures() -> [String] {
        var dropped: [String] = []
        func plausible(_ value: Int64) -> Bool { value >= 0 && value <= maxCount }
        if !plausible(requests) { dropped.append("requests (\(requests)) \(requests < 0 ? "is negative" : "is implausibly large")"); requests = 0 }
        if !plausible(inputTokens) || !plausible(outputTokens) || !plausible(cachedTokens) {
            dropped.append("tokens (input \(inputTokens), output \(outputTokens), cached \(cachedTokens)) are negative or implausibly large")
            inputTokens = 0; outputTokens = 0; cachedTokens = 0
        } else if cachedTokens > inputTokens {
            dropped.append("cached_tokens (\(cachedTokens)) is more than input_tokens (\(inputTokens)), which includes them: cached tokens dropped")
            cachedTokens = 0
        }
        if let accepted = suggestionsAccepted {
            if let shown = suggestionsShown {
                if accepted > shown || !plausible(accepted) || !plausible(shown) {
                    dropped.append("suggestions_accepted (\(accepted)) is more than suggestions_shown (\(shown)) or out of range: both dropped")
                    suggestionsShown = nil; suggestionsAccepted = nil
                }
            } else {
                dropped.append("suggestions_accepted is given without suggestions_shown: dropped")
                suggestionsAccepted = nil
            }
        } else if let shown = suggestionsShown, !plausible(shown) {
            dropped.append("suggestions_shown (\(shown)) is out of range: dropped"); suggestionsShown = nil
        }
        if let accepted = linesAccepted, let suggested = linesSuggested, accepted > suggested || !plausible(accepted) || !plausible(suggested) {
            dropped.append("lines_accepted (\(accepted)) is more than lines_suggested (\(suggested)) or out of range: both dropped")
            linesAccepted = nil; linesSuggested = nil
        } else {
            if let accepted = linesAccepted, !plausible(accepted) { dropped.append("lines_accepted (\(accepted)) is out of range: dropped"); linesAccepted = nil }
            if let suggested = linesSuggested, !plausible(suggested) { dropped.append("lines_suggested (\(suggested)) is out of range: dropped"); linesSuggested = nil }
        }
        if let people = activeUsers, people < 0 || Int64(people) > maxCount { dropped.append("active_users (\(people)) is out of range: dropped"); activeUsers = 0 }
        if let cost = costUSD, !(cost >= 0) || cost > Double(maxCount) {
            dropped.append("cost \(cost) is negative (a credit?), not a number or implausibly large: dropped; credits are not read")
            costUSD = nil
        }
        return dropped
    }
}

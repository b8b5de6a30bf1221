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

    public init(day: Day, user: String?, team: String, tool: String) {
        self.day = day
        self.user = user
        self.team = team
        self.tool = tool
    }

    /// Tokens, as the report means them: input + output (cached input is part of input).
    public var tokens: Int64 { inputTokens + outputTokens }
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

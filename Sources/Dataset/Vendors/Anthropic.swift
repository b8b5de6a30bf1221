import Foundation

/// Anthropic: Claude Code analytics, the messages usage report and the cost report.
extension VendorParser {
    /// Claude Code analytics: one row per actor and day.
    func claudeCode(_ record: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(record["date"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "date \"\(string(record["date"]) ?? "")\" is not a date")); return
        }
        let actor = record["actor"] as? [String: Any]
        let email = string(actor?["email_address"])
        let key = string(actor?["api_key_name"])
        var row = UsageRecord(day: date, user: email ?? key, team: "", tool: tool)
        row.automated = email == nil && key != nil
        var shown: Int64 = 0, accepted: Int64 = 0, sawActions = false
        for (_, value) in (record["tool_actions"] as? [String: Any]) ?? [:] {
            guard let action = value as? [String: Any] else { continue }
            sawActions = true
            let yes = int(action["accepted"]) ?? 0, no = int(action["rejected"]) ?? 0
            accumulate(&shown, yes + no)
            accumulate(&accepted, yes)
        }
        if sawActions { row.suggestionsShown = shown; row.suggestionsAccepted = accepted }
        if let lines = ((record["core_metrics"] as? [String: Any])?["lines_of_code"] as? [String: Any]).flatMap({ int($0["added"]) }) {
            row.linesAccepted = lines
        }
        var cents = 0.0, sawCost = false
        for model in (record["model_breakdown"] as? [[String: Any]]) ?? [] {
            let tokens = model["tokens"] as? [String: Any] ?? [:]
            let cacheRead = int(tokens["cache_read"]) ?? 0
            accumulate(&row.inputTokens, (int(tokens["input"]) ?? 0) + cacheRead + (int(tokens["cache_creation"]) ?? 0))
            accumulate(&row.cachedTokens, cacheRead)
            accumulate(&row.outputTokens, int(tokens["output"]) ?? 0)
            if let amount = double((model["estimated_cost"] as? [String: Any])?["amount"]) { cents += amount; sawCost = true }
        }
        if sawCost { row.costUSD = cents / 100 }
        try send(row, identity: email ?? key, line: line, diagnostics: &diagnostics, emit: emit)
    }

    /// Anthropic messages usage report: one row per bucket and result. A result grouped by
    /// `account_id` is a person's row; any other is a group row of its workspace (or API key).
    /// The report counts no requests: its rows carry tokens only.
    func anthropicUsageBucket(_ bucket: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(bucket["starting_at"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a \"starting_at\" date")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
            guard carriesAny(result, of: ["uncached_input_tokens", "cache_read_input_tokens", "cache_creation", "output_tokens"],
                             what: "a usage result", line: line, diagnostics: &diagnostics) else { continue }
            let account = string(result["account_id"])
            var row = UsageRecord(day: date, user: account, team: "", tool: tool)
            if account == nil { row.activeUsers = 0 }  // tokens without people
            let creation = result["cache_creation"] as? [String: Any] ?? [:]
            let cacheRead = int(result["cache_read_input_tokens"]) ?? 0
            row.inputTokens = (int(result["uncached_input_tokens"]) ?? 0) + cacheRead
                + (int(creation["ephemeral_5m_input_tokens"]) ?? 0) + (int(creation["ephemeral_1h_input_tokens"]) ?? 0)
            row.cachedTokens = cacheRead
            row.outputTokens = int(result["output_tokens"]) ?? 0
            row.taskCategory = string(result["model"])
            try send(row, identity: account, groupID: string(result["workspace_id"]) ?? string(result["api_key_id"]),
                     line: line, diagnostics: &diagnostics, emit: emit)
        }
    }

    /// Anthropic cost report: workspace-day cost rows (`amount` is a decimal string of cents).
    func anthropicCostBucket(_ bucket: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(bucket["starting_at"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a \"starting_at\" date")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
            guard let cents = double(result["amount"]), cents.isFinite else {
                diagnostics.append(.error(file, line: line, "a cost result without a numeric \"amount\"")); continue
            }
            if let currency = string(result["currency"]), currency.uppercased() != "USD" {
                diagnostics.append(.error(file, line: line, "a cost in \(currency): only USD is read")); continue
            }
            var row = UsageRecord(day: date, user: nil, team: "", tool: tool)
            row.activeUsers = 0
            row.costUSD = cents / 100
            try send(row, identity: nil, groupID: string(result["workspace_id"]), line: line, diagnostics: &diagnostics, emit: emit)
        }
    }
}

extension VendorFormat {
    /// Claude Code analytics (`/v1/organizations/usage_report/claude_code`): a person's day.
    public static let claudeCode = VendorFormat(
        "claude-code", tool: "claude-code", measures: [.suggestions, .lines, .tokens, .cost],
        json: { record in
            // Not the Enterprise analytics reports, whose records also have an `actor`.
            if let first = firstData(record) { return first["core_metrics"] != nil || (first["actor"] != nil && first["date"] != nil) }
            return record["core_metrics"] != nil && record["actor"] != nil
        },
        telltales: [["core_metrics", "actor"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let records = parser.records(in: object, key: "data", orRecordWith: "actor") else {
                return parser.wrong("a response with \"data\"", line: line, diagnostics: &diagnostics)
            }
            for record in records { try parser.claudeCode(record, line: line, diagnostics: &diagnostics, emit: emit) }
        })

    /// Anthropic's messages usage report: tokens per bucket, by account, workspace or key.
    public static let anthropicUsage = VendorFormat(
        "anthropic-usage", tool: "anthropic-api", measures: [.tokens],
        json: { record in
            guard let result = firstBucketResult(record)?.result else { return false }
            return result["uncached_input_tokens"] != nil || result["cache_read_input_tokens"] != nil
        },
        telltales: [["uncached_input_tokens"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            try parser.forEachBucket(object, line: line, diagnostics: &diagnostics) { bucket, diagnostics in
                try parser.anthropicUsageBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit)
            }
        })

    /// Anthropic's cost report: a workspace's cost per day (cents as decimal strings).
    public static let anthropicCost = VendorFormat(
        "anthropic-cost", tool: "anthropic-api", measures: [],
        json: { record in
            guard let (bucket, result) = firstBucketResult(record) else { return false }
            return result["cost_type"] != nil || (result["amount"] is String && bucket["starting_at"] != nil)
        },
        telltales: [["cost_type", "starting_at"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            try parser.forEachBucket(object, line: line, diagnostics: &diagnostics) { bucket, diagnostics in
                try parser.anthropicCostBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit)
            }
        })

    /// Claude Enterprise Analytics API `GET /v1/organizations/analytics/user_cost_report`, fetched
    /// with `bucket_width`: a person's cost per time bucket, in fractional cents. (Its items have
    /// an actor, a start and requests too, so it is told apart before the usage report.)
    public static let anthropicAnalyticsCost = VendorFormat(
        "anthropic-analytics-cost", tool: "claude-enterprise", measures: [.cost],
        json: { record in
            let item = firstData(record) ?? record
            return item["actor"] != nil && item["amount"] != nil && (item["list_amount"] != nil || item["currency"] != nil)
        },
        telltales: [["actor", "list_amount"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let items = parser.records(in: object, key: "data", orRecordWith: "actor") else {
                return parser.wrong("a response with \"data\"", line: line, diagnostics: &diagnostics)
            }
            for item in items { try parser.anthropicAnalyticsCost(item, line: line, diagnostics: &diagnostics, emit: emit) }
        })

    /// Claude Enterprise Analytics API `GET /v1/organizations/analytics/user_usage_report`:
    /// a person's tokens and requests per time bucket, product and model.
    public static let anthropicAnalyticsUsage = VendorFormat(
        "anthropic-analytics-usage", tool: "claude-enterprise", measures: [.requests, .tokens],
        json: { record in
            let item = firstData(record) ?? record
            return item["actor"] != nil && item["starting_at"] != nil
                && (item["uncached_input_tokens"] != nil || item["output_tokens"] != nil || item["requests"] != nil)
        },
        telltales: [["actor", "starting_at", "uncached_input_tokens"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let items = parser.records(in: object, key: "data", orRecordWith: "actor") else {
                return parser.wrong("a response with \"data\"", line: line, diagnostics: &diagnostics)
            }
            for item in items { try parser.anthropicAnalyticsUsage(item, line: line, diagnostics: &diagnostics, emit: emit) }
        })
}

extension VendorParser {
    /// One item of the Enterprise analytics usage report: its person (by e-mail, else the
    /// account id), its day (the bucket's start, UTC), requests and tokens counted as the
    /// messages usage report counts them; the product (chat, Claude Code …) as task category.
    func anthropicAnalyticsUsage(_ item: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(item["starting_at"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "an item without a \"starting_at\" date")); return
        }
        guard carriesAny(item, of: ["requests", "uncached_input_tokens", "cache_read_input_tokens", "cache_creation", "output_tokens"],
                         what: "a usage item", line: line, diagnostics: &diagnostics) else { return }
        let person = analyticsPerson(item)
        var row = UsageRecord(day: date, user: person, team: "", tool: tool)
        if person == nil { row.activeUsers = 0 }
        let creation = item["cache_creation"] as? [String: Any] ?? [:]
        let cacheRead = int(item["cache_read_input_tokens"]) ?? 0
        row.requests = int(item["requests"]) ?? 0
        row.inputTokens = (int(item["uncached_input_tokens"]) ?? 0) + cacheRead
            + (int(creation["ephemeral_5m_input_tokens"]) ?? 0) + (int(creation["ephemeral_1h_input_tokens"]) ?? 0)
        row.cachedTokens = cacheRead
        row.outputTokens = int(item["output_tokens"]) ?? 0
        row.taskCategory = string(item["product"]) ?? string(item["model"])
        try send(row, identity: person, line: line, diagnostics: &diagnostics, emit: emit)
    }

    /// The person of an Enterprise analytics item: the actor's e-mail, else its account id.
    func analyticsPerson(_ item: [String: Any]) -> String? {
        let actor = item["actor"] as? [String: Any] ?? [:]
        return string(actor["email"]) ?? string(actor["email_address"]) ?? string(actor["user_id"])
    }

    /// One item of the Enterprise analytics cost report: its person and day as in the usage
    /// report, and `amount` (post-discount, pre-credit, in fractional cents) as dollars. An item
    /// without a bucket start covers the whole requested range and cannot be dated.
    func anthropicAnalyticsCost(_ item: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(item["starting_at"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "a cost item without \"starting_at\": the report was fetched without bucket_width, so each item covers the whole range and cannot be dated (fetch it with bucket_width=1d)"))
            return
        }
        guard carriesAny(item, of: ["amount"], what: "a cost item", line: line, diagnostics: &diagnostics) else { return }
        if let currency = string(item["currency"]), currency.uppercased() != "USD" {
            diagnostics.append(.error(file, line: line, "a cost in \(currency), not USD: not read (Candor's costs are dollars)")); return
        }
        guard let cents = double(item["amount"]), cents.isFinite else {
            diagnostics.append(.error(file, line: line, "amount \"\(string(item["amount"]) ?? "")\" is not a number of cents")); return
        }
        let person = analyticsPerson(item)
        var row = UsageRecord(day: date, user: person, team: "", tool: tool)
        if person == nil { row.activeUsers = 0 }
        row.costUSD = cents / 100
        row.taskCategory = string(item["product"]) ?? string(item["model"])
        try send(row, identity: person, line: line, diagnostics: &diagnostics, emit: emit)
    }
}

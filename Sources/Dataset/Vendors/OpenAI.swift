import Foundation

/// OpenAI: the organisation usage APIs (completions, embeddings, moderations, images, audio)
/// and the costs API.
extension VendorParser {
    /// Usage endpoints whose results are not model requests (storage, sessions): left, and said.
    static let openAINonModelUsage: Set<String> = ["vector_stores", "code_interpreter_sessions"]

    /// OpenAI organisation usage: one row per bucket and result. Each endpoint's results name
    /// it in `object` (`organization.usage.<endpoint>.result`); completions keep their model as
    /// the task category, the other endpoints are told apart by theirs ("embeddings", "images",
    /// "audio_speeches" …), with their requests and (embeddings, moderations) input tokens.
    func openAIBucket(_ bucket: [String: Any], line: Int, skipped: inout [String: Int], diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = double(bucket["start_time"]).flatMap({ unixDay(seconds: $0) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a start_time in Unix seconds")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
            let object = string(result["object"]) ?? "organization.usage.completions.result"
            let endpoint = object.hasPrefix("organization.usage.") && object.hasSuffix(".result")
                ? String(object.dropFirst("organization.usage.".count).dropLast(".result".count)) : "completions"
            if Self.openAINonModelUsage.contains(endpoint) { skipped[endpoint, default: 0] += 1; continue }
            guard carriesAny(result, of: ["num_model_requests", "input_tokens", "output_tokens"],
                             what: "a usage result", line: line, diagnostics: &diagnostics) else { continue }
            let user = string(result["user_id"])
            var row = UsageRecord(day: date, user: user, team: "", tool: tool)
            if user == nil { row.activeUsers = 0 }  // not grouped by user: tokens without people
            row.requests = int(result["num_model_requests"]) ?? 0
            row.inputTokens = int(result["input_tokens"]) ?? 0
            row.cachedTokens = int(result["input_cached_tokens"]) ?? 0
            row.outputTokens = int(result["output_tokens"]) ?? 0
            row.automated = (result["batch"] as? Bool) == true || (result["batch"] as? NSNumber)?.boolValue == true
            row.taskCategory = endpoint == "completions" ? string(result["model"]) : endpoint
            try send(row, identity: user, groupID: string(result["project_id"]) ?? string(result["api_key_id"]),
                     line: line, diagnostics: &diagnostics, emit: emit)
        }
    }

    /// OpenAI organisation costs: project-day cost rows (`amount.value` in dollars).
    func openAICostBucket(_ bucket: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = double(bucket["start_time"]).flatMap({ unixDay(seconds: $0) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a start_time in Unix seconds")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
            let amount = result["amount"] as? [String: Any]
            guard let dollars = double(amount?["value"]), dollars.isFinite else {
                diagnostics.append(.error(file, line: line, "a cost result without \"amount.value\"")); continue
            }
            if let currency = string(amount?["currency"]), currency.lowercased() != "usd" {
                diagnostics.append(.error(file, line: line, "a cost in \(currency): only USD is read")); continue
            }
            var row = UsageRecord(day: date, user: nil, team: "", tool: tool)
            row.activeUsers = 0
            row.costUSD = dollars
            try send(row, identity: nil, groupID: string(result["project_id"]), line: line, diagnostics: &diagnostics, emit: emit)
        }
    }
}

extension VendorFormat {
    /// OpenAI organisation usage (`/v1/organization/usage/<endpoint>`): per bucket, by user,
    /// project, key or model.
    public static let openAIUsage = VendorFormat(
        "openai-usage", tool: "openai-api", measures: [.requests, .tokens],
        json: { record in
            guard let result = firstBucketResult(record)?.result else { return false }
            return result["num_model_requests"] != nil || (string(result["object"]) ?? "").hasPrefix("organization.usage.")
        },
        telltales: [["num_model_requests"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            var skipped: [String: Int] = [:]
            try parser.forEachBucket(object, line: line, diagnostics: &diagnostics) { bucket, diagnostics in
                try parser.openAIBucket(bucket, line: line, skipped: &skipped, diagnostics: &diagnostics, emit: emit)
            }
            for (endpoint, count) in skipped.sorted(by: { $0.key < $1.key }) {
                diagnostics.append(.warning(parser.file, line: line, "\(count) \(endpoint) result\(count == 1 ? "" : "s") not read: storage and sessions are not model requests"))
            }
        })

    /// OpenAI organisation costs (`/v1/organization/costs`): a project's cost per day, in dollars.
    public static let openAICosts = VendorFormat(
        "openai-costs", tool: "openai-api", measures: [],
        json: { record in
            guard let result = firstBucketResult(record)?.result else { return false }
            return string(result["object"]) == "organization.costs.result" || result["amount"] is [String: Any]
        },
        telltales: [["organization.costs.result"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            try parser.forEachBucket(object, line: line, diagnostics: &diagnostics) { bucket, diagnostics in
                try parser.openAICostBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit)
            }
        })
}

extension VendorParser {
    /// The columns of ChatGPT Enterprise's weekly and monthly user report (Workspace analytics,
    /// Export), as the report writes them; Candor reads the seat columns and knows the rest.
    static let chatGPTEnterpriseColumns: Set<String> = [
        "cadence", "period_start", "period_end", "account_id", "public_id", "name", "email", "role", "user_role",
        "department", "groups", "user_status", "created_or_invited_date", "is_active", "first_day_active_in_period",
        "last_day_active_in_period", "messages", "messages_rank", "model_to_messages", "gpt_messages", "gpts_messaged",
        "gpt_to_messages", "tool_messages", "tools_messaged", "tool_to_messages", "project_messages", "projects_messaged",
        "project_to_messages", "projects_created", "last_day_active",
    ]

    /// ChatGPT Enterprise's user report: one row per member of the workspace and period. An
    /// `enabled` member holds a seat; pending invitations and deleted members do not. Its
    /// messages are totals over the period (a week or a month), not days, so they are not read
    /// as usage rows (which are days) — the file says so once.
    func parseChatGPTEnterpriseUsers(path: String, extras: inout VendorExtras, diagnostics: inout [Diagnostic]) throws {
        var totalsSaid = false
        var unknownStatuses: [String: Int] = [:]
        try forEachCSVRow(path: path, required: ["email", "user_status", "period_start"], known: Self.chatGPTEnterpriseColumns,
                          numeric: [], diagnostics: &diagnostics) { row, local in
            let startText = row.text("period_start") ?? ""
            guard let start = vendorDate(startText) else {
                local.append(.error(file, line: row.line, "period_start \"\(startText)\" is not a date as YYYY-MM-DD")); return
            }
            guard let email = row.text("email") else { local.append(.error(file, line: row.line, "email is empty")); return }
            if !totalsSaid, row.has("messages") {
                totalsSaid = true
                local.append(.warning(file, line: row.line, "messages and the other figures per person are totals over a \(["monthly": "month", "weekly": "week"][row.text("cadence")?.lowercased() ?? ""] ?? "period"), not days: not read as usage; the file gives the workspace's seats (enabled members)"))
            }
            extras.holdSeat(nil, tool: tool, asOf: start)
            switch (row.text("user_status") ?? "").lowercased() {
            case "enabled": extras.holdSeat(email.lowercased(), tool: tool, asOf: start)
            case "pending", "deleted": break
            case let other: unknownStatuses[other.isEmpty ? "(empty)" : other, default: 0] += 1
            }
        }
        for (status, count) in unknownStatuses.sorted(by: { $0.key < $1.key }) {
            diagnostics.append(.warning(file, line: 1, "user_status \"\(status)\" (\(count) member\(count == 1 ? "" : "s")) is not one Candor knows (enabled, pending, deleted): not counted as seats"))
        }
    }
}

extension VendorFormat {
    /// ChatGPT Enterprise's weekly or monthly user report: the workspace's seats.
    public static let chatGPTEnterpriseUsers = VendorFormat(
        "chatgpt-enterprise-users", tool: "chatgpt-enterprise", measures: [], hasUsage: false,
        header: { names in
            ["email", "user_status", "period_start"].allSatisfy(names.contains)
                && (names.contains("cadence") || names.contains("messages") || names.contains("is_active"))
        },
        reading: .csv { parser, path, extras, diagnostics, _ in
            try parser.parseChatGPTEnterpriseUsers(path: path, extras: &extras, diagnostics: &diagnostics)
        })
}

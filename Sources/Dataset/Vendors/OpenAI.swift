import Foundation

/// OpenAI: the organisation usage (completions) and costs APIs.
extension VendorParser {
    /// OpenAI organisation usage (completions): one row per bucket and user.
    func openAIBucket(_ bucket: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = double(bucket["start_time"]).flatMap({ unixDay(seconds: $0) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a start_time in Unix seconds")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
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
            row.taskCategory = string(result["model"])
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

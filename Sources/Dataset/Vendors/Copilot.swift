import Foundation

/// GitHub Copilot: the usage-metrics users report and the closed legacy metrics API.
extension VendorParser {
    /// GitHub Copilot usage-metrics users report: one row per user, day and feature.
    func copilotUser(_ record: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(record["day"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "day \"\(string(record["day"]) ?? "")\" is not a date as YYYY-MM-DD")); return
        }
        let login = string(record["user_login"]) ?? string(record["user_id"])
        let cli = record["totals_by_cli"] as? [String: Any]
        for feature in (record["totals_by_feature"] as? [[String: Any]]) ?? [] {
            let name = string(feature["feature"]) ?? "unknown"
            if name == "copilot_cli" && cli != nil { continue }  // counted from totals_by_cli
            guard carriesAny(feature, of: ["user_initiated_interaction_count", "code_generation_activity_count", "code_acceptance_activity_count",
                                           "loc_suggested_to_add_sum", "loc_added_sum", "generated_loc_sum", "accepted_loc_sum"],
                             what: "feature \(name)", line: line, diagnostics: &diagnostics) else { continue }
            var row = UsageRecord(day: date, user: login, team: "", tool: tool)
            row.requests = int(feature["user_initiated_interaction_count"]) ?? 0
            row.suggestionsShown = int(feature["code_generation_activity_count"])
            row.suggestionsAccepted = int(feature["code_acceptance_activity_count"])
            // The August 2025 shape named the line sums generated_loc_sum and accepted_loc_sum.
            row.linesSuggested = int(feature["loc_suggested_to_add_sum"]) ?? int(feature["generated_loc_sum"])
            row.linesAccepted = int(feature["loc_added_sum"]) ?? int(feature["accepted_loc_sum"])
            // Agent edits are lines the agent wrote, not suggestions a person accepted
            // (loc_suggested_to_add_sum is 0 for them): their lines count as AI-written lines,
            // outside the acceptance rate by lines.
            if name == "agent_edit" || (row.linesSuggested ?? 0) == 0 && (row.linesAccepted ?? 0) > 0 { row.linesSuggested = nil }
            row.taskCategory = name
            row.automated = name == "agent_edit"
            try send(row, identity: login, line: line, diagnostics: &diagnostics, emit: emit)
        }
        if let cli, let usage = cli["token_usage"] as? [String: Any] {
            var row = UsageRecord(day: date, user: login, team: "", tool: tool)
            row.requests = int(cli["request_count"]) ?? 0
            row.inputTokens = int(usage["prompt_tokens_sum"]) ?? 0
            row.outputTokens = int(usage["output_tokens_sum"]) ?? 0
            row.taskCategory = "cli"
            try send(row, identity: login, line: line, diagnostics: &diagnostics, emit: emit)
        }
    }

    /// Copilot's closed legacy metrics API: aggregate group rows per day and editor.
    func copilotMetricsDay(_ day: [String: Any], date: Day, line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        let completions = day["copilot_ide_code_completions"] as? [String: Any]
        var editors: [String: (active: Int64, shown: Int64, accepted: Int64, linesSuggested: Int64, linesAccepted: Int64, chats: Int64)] = [:]
        for editor in (completions?["editors"] as? [[String: Any]]) ?? [] {
            let name = string(editor["name"]) ?? "ide"
            var entry = editors[name] ?? (int(editor["total_engaged_users"]) ?? 0, 0, 0, 0, 0, 0)
            for model in (editor["models"] as? [[String: Any]]) ?? [] {
                for language in (model["languages"] as? [[String: Any]]) ?? [] {
                    accumulate(&entry.shown, int(language["total_code_suggestions"]) ?? 0)
                    accumulate(&entry.accepted, int(language["total_code_acceptances"]) ?? 0)
                    accumulate(&entry.linesSuggested, int(language["total_code_lines_suggested"]) ?? 0)
                    accumulate(&entry.linesAccepted, int(language["total_code_lines_accepted"]) ?? 0)
                }
            }
            editors[name] = entry
        }
        let chat = day["copilot_ide_chat"] as? [String: Any]
        for editor in (chat?["editors"] as? [[String: Any]]) ?? [] {
            let name = string(editor["name"]) ?? "ide"
            var entry = editors[name] ?? (int(editor["total_engaged_users"]) ?? 0, 0, 0, 0, 0, 0)
            entry.active = max(entry.active, int(editor["total_engaged_users"]) ?? 0)
            for model in (editor["models"] as? [[String: Any]]) ?? [] { accumulate(&entry.chats, int(model["total_chats"]) ?? 0) }
            editors[name] = entry
        }
        // Copilot Chat on github.com: a group row of its own ("editor" github.com).
        if let dotcom = day["copilot_dotcom_chat"] as? [String: Any] {
            var chats: Int64 = 0
            for model in (dotcom["models"] as? [[String: Any]]) ?? [] { accumulate(&chats, int(model["total_chats"]) ?? 0) }
            let engaged = int(dotcom["total_engaged_users"]) ?? 0
            if chats > 0 || engaged > 0 { editors["github.com"] = (engaged, 0, 0, 0, 0, chats) }
        }
        for (name, entry) in editors.sorted(by: { $0.key < $1.key }) {
            var row = UsageRecord(day: date, user: nil, team: "", tool: tool)
            row.activeUsers = Int(entry.active)
            row.requests = entry.chats
            row.suggestionsShown = entry.shown
            row.suggestionsAccepted = entry.accepted
            row.linesSuggested = entry.linesSuggested
            row.linesAccepted = entry.linesAccepted
            row.taskCategory = name
            try send(row, identity: nil, line: line, diagnostics: &diagnostics, emit: emit)
        }
    }
}

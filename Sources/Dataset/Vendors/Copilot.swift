import Foundation

/// GitHub Copilot: the usage-metrics reports (users, organisation, user-teams), seats, the
/// billing usage report and the closed legacy metrics API.
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
            try send(copilotFeatureRow(feature, name: name, date: date, user: login), identity: login, line: line, diagnostics: &diagnostics, emit: emit)
        }
        if let cli, cli["token_usage"] is [String: Any] {
            try send(copilotCLIRow(cli, date: date, user: login), identity: login, line: line, diagnostics: &diagnostics, emit: emit)
        }
    }

    /// One entry of `totals_by_feature` (users and organisation reports alike) as a usage row.
    func copilotFeatureRow(_ feature: [String: Any], name: String, date: Day, user: String?) -> UsageRecord {
        var row = UsageRecord(day: date, user: user, team: "", tool: tool)
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
        return row
    }

    /// `totals_by_cli` as a usage row: the CLI's requests and tokens.
    func copilotCLIRow(_ cli: [String: Any], date: Day, user: String?) -> UsageRecord {
        let usage = cli["token_usage"] as? [String: Any] ?? [:]
        var row = UsageRecord(day: date, user: user, team: "", tool: tool)
        row.requests = int(cli["request_count"]) ?? 0
        row.inputTokens = int(usage["prompt_tokens_sum"]) ?? 0
        row.outputTokens = int(usage["output_tokens_sum"]) ?? 0
        row.taskCategory = "cli"
        return row
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

extension VendorParser {
    /// Copilot's organisation or enterprise report (1-day or 28-day): one record per day with
    /// the organisation's totals. Group rows: one per feature (its interactions, completions and
    /// lines) and one from the CLI's totals (requests and tokens); the day's active users ride
    /// on the first of them, so a day's rows add up to `daily_active_users`.
    func copilotOrgDay(_ day: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(day["day"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "day \"\(string(day["day"]) ?? "")\" is not a date as YYYY-MM-DD")); return
        }
        guard carriesAny(day, of: ["daily_active_users", "totals_by_feature", "user_initiated_interaction_count", "totals_by_cli"],
                         what: "day \(date)", line: line, diagnostics: &diagnostics) else { return }
        let group = string(day["organization_id"]) ?? string(day["enterprise_id"])
        var active = Int(int(day["daily_active_users"]) ?? 0)
        func emitRow(_ row: UsageRecord) throws {
            var row = row
            row.activeUsers = active
            active = 0
            try send(row, identity: nil, groupID: group, line: line, diagnostics: &diagnostics, emit: emit)
        }
        let cli = day["totals_by_cli"] as? [String: Any]
        for feature in (day["totals_by_feature"] as? [[String: Any]]) ?? [] {
            let name = string(feature["feature"]) ?? "unknown"
            if name == "copilot_cli" && cli != nil { continue }  // counted from totals_by_cli
            try emitRow(copilotFeatureRow(feature, name: name, date: date, user: nil))
        }
        if let cli { try emitRow(copilotCLIRow(cli, date: date, user: nil)) }
        if active > 0 {  // active users but no feature broken out
            var row = UsageRecord(day: date, user: nil, team: "", tool: tool)
            row.requests = int(day["user_initiated_interaction_count"]) ?? 0
            try emitRow(row)
        }
    }

    static let copilotBillingColumns: Set<String> = [
        "date", "username", "product", "sku", "model", "quantity", "unit_type", "applied_cost_per_quantity", "gross_amount",
        "discount_amount", "net_amount", "total_monthly_quota", "organization", "repository", "cost_center_name",
        "aic_quantity", "aic_gross_amount", "workflow_path",
    ]

    /// GitHub's billing usage report (premium requests, AI credits): a person's Copilot cost
    /// per day and SKU, what was billed after the plan's allowance (`net_amount`, in dollars).
    /// Other products' rows (Actions, Packages …) are counted and left. Premium-request
    /// quantities are weighted by model multipliers, so they are not read as requests.
    func parseCopilotBilling(path: String, diagnostics: inout [Diagnostic], emit: Emit) throws {
        var otherProducts: [String: Int] = [:]
        try forEachCSVRow(path: path, required: ["date", "username", "product", "sku"], known: Self.copilotBillingColumns,
                          numeric: [], diagnostics: &diagnostics) { row, local in
            let product = (row.text("product") ?? "").lowercased()
            guard product == "copilot" else { otherProducts[product.isEmpty ? "(none)" : product, default: 0] += 1; return }
            guard let date = row.text("date").flatMap(vendorDate) else {
                local.append(.error(file, line: row.line, "date \"\(row.text("date") ?? "")\" is not a date as YYYY-MM-DD")); return
            }
            guard let user = row.text("username") else { local.append(.error(file, line: row.line, "username is empty")); return }
            let net = row.decimal("net_amount") ?? row.decimal("gross_amount").map { $0 - (row.decimal("discount_amount") ?? 0) }
            guard let dollars = net else {
                local.append(.error(file, line: row.line, "a Copilot row without a numeric net_amount or gross_amount")); return
            }
            var record = UsageRecord(day: date, user: user, team: "", tool: tool)
            record.costUSD = dollars
            let sku = row.text("sku") ?? "copilot"
            record.taskCategory = sku
            record.automated = sku.hasPrefix("coding_agent")
            try send(record, identity: user, line: row.line, diagnostics: &local, emit: emit)
        }
        if !otherProducts.isEmpty {
            let list = otherProducts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            diagnostics.append(.warning(file, line: 1, "rows of other products are not AI usage and were not read: \(list)"))
        }
    }
}

extension VendorFormat {
    /// Copilot usage metrics, users report (1-day or 28-day): one record per user and day.
    public static let copilotUsers = VendorFormat(
        "copilot-users", tool: "github-copilot", measures: [.requests, .suggestions, .lines, .tokens],
        json: { record in
            (record["totals_by_feature"] != nil && (record["user_login"] != nil || record["user_id"] != nil))
                || (record["user_login"] != nil && record["day"] != nil && record["slug"] == nil)
        },
        telltales: [["totals_by_feature", "user_login"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let record = object as? [String: Any], record["day"] != nil else {
                return parser.wrong("records with \"day\" and \"user_login\"", line: line, diagnostics: &diagnostics)
            }
            try parser.copilotUser(record, line: line, diagnostics: &diagnostics, emit: emit)
        })

    /// Copilot's organisation and enterprise reports (1-day, 28-day): the organisation's totals per day.
    public static let copilotOrgReport = VendorFormat(
        "copilot-org-report", tool: "github-copilot", measures: [], aggregatesPeople: true,
        json: { record in
            record["day_totals"] != nil || (record["daily_active_users"] != nil && record["day"] != nil && record["user_login"] == nil)
        },
        telltales: [["day_totals"], ["daily_active_users", "totals_by_feature"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let record = object as? [String: Any] else { return parser.wrong("a report with \"day_totals\"", line: line, diagnostics: &diagnostics) }
            for day in (record["day_totals"] as? [[String: Any]]) ?? (record["day"] != nil ? [record] : []) {
                try parser.copilotOrgDay(day, line: line, diagnostics: &diagnostics, emit: emit)
            }
        })

    /// Copilot's user-teams report: which team each user was in on a day.
    public static let copilotUserTeams = VendorFormat(
        "copilot-user-teams", tool: "github-copilot", measures: [], hasUsage: false,
        json: { $0["slug"] != nil && $0["user_login"] != nil },
        reading: .json { parser, object, line, extras, diagnostics, _ in
            guard let record = object as? [String: Any], let login = string(record["user_login"]), let slug = string(record["slug"]) else {
                return parser.wrong("records with \"user_login\", \"day\" and \"slug\"", line: line, diagnostics: &diagnostics)
            }
            let day = string(record["day"]) ?? ""
            extras.userTeams["\(login.lowercased())|\(day)"] = slug
            extras.userTeams[login.lowercased()] = extras.userTeams[login.lowercased()] ?? slug
        })

    /// Copilot seat assignments: the licensed population and a login → team hint.
    public static let copilotSeats = VendorFormat(
        "copilot-seats", tool: "github-copilot", measures: [], hasUsage: false,
        json: { $0["seats"] != nil || $0["assignee"] != nil },
        telltales: [["assigning_team"], ["seats", "assignee"]],
        reading: .json { parser, object, line, extras, diagnostics, _ in
            guard let response = object as? [String: Any] else { return parser.wrong("a seats response", line: line, diagnostics: &diagnostics) }
            let tool = parser.tool
            let seats = (response["seats"] as? [[String: Any]]) ?? (response["assignee"] != nil ? [response] : [])
            if let total = int(response["total_seats"]) { extras.seats[tool] = max(extras.seats[tool] ?? 0, Int(total)) }
            else { extras.seats[tool, default: 0] += seats.count }
            for seat in seats {
                let team = seat["assigning_team"] as? [String: Any]
                if let login = string((seat["assignee"] as? [String: Any])?["login"]), let name = string(team?["slug"]) ?? string(team?["name"]) {
                    extras.seatTeams[login.lowercased()] = name
                }
            }
        })

    /// Copilot's closed legacy metrics API (saved responses): per-day aggregates by editor.
    public static let copilotMetrics = VendorFormat(
        "copilot-metrics", tool: "github-copilot", measures: [], aggregatesPeople: true,
        json: { $0["copilot_ide_code_completions"] != nil || $0["total_engaged_users"] != nil },
        telltales: [["copilot_ide_code_completions"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            for day in (object as? [Any]) ?? [object] {  // one saved response per line: an array of days
                guard let day = day as? [String: Any], let date = string(day["date"]).flatMap({ Day(parsing: $0) }) else {
                    parser.wrong("an array of days with \"date\"", line: line, diagnostics: &diagnostics); continue
                }
                try parser.copilotMetricsDay(day, date: date, line: line, diagnostics: &diagnostics, emit: emit)
            }
        })

    /// GitHub's billing usage report CSV (premium requests and AI credits; other products left).
    public static let copilotBilling = VendorFormat(
        "copilot-billing", tool: "github-copilot", measures: [.cost],
        header: { ["date", "username", "product", "sku"].allSatisfy($0.contains) && ($0.contains("net_amount") || $0.contains("gross_amount")) },
        reading: .csv { parser, path, _, diagnostics, emit in try parser.parseCopilotBilling(path: path, diagnostics: &diagnostics, emit: emit) })
}

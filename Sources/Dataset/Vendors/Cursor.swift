import Foundation

/// Cursor's admin API: daily usage and usage events.
extension VendorParser {
    /// Cursor admin API daily usage: one row per user and day; inactive days give no usage.
    func cursorDay(_ record: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        if let active = record["isActive"], (active as? Bool) == false || (active as? NSNumber)?.boolValue == false { return }
        var date = string(record["day"]).flatMap { Day(parsing: $0, prefix: true) }
        if date == nil, let millis = double(record["date"]) { date = unixDay(seconds: millis / 1000) }
        guard let date else { diagnostics.append(.error(file, line: line, "a record without \"day\" or \"date\"")); return }
        guard carriesAny(record, of: ["composerRequests", "chatRequests", "agentRequests", "cmdkUsages", "totalTabsShown", "totalTabsAccepted", "acceptedLinesAdded"],
                         what: "a daily record", line: line, diagnostics: &diagnostics) else { return }
        let email = string(record["email"])
        var row = UsageRecord(day: date, user: email, team: "", tool: tool)
        row.requests = ["composerRequests", "chatRequests", "agentRequests", "cmdkUsages"].reduce(0) { $0 + (int(record[$1]) ?? 0) }
        row.suggestionsShown = int(record["totalTabsShown"])
        row.suggestionsAccepted = int(record["totalTabsAccepted"])
        row.linesAccepted = int(record["acceptedLinesAdded"])
        try send(row, identity: email, line: line, diagnostics: &diagnostics, emit: emit)
    }

    /// Cursor admin API usage events: one row per event, with its tokens and cost. Cursor's
    /// `inputTokens` excludes the cache, so input = input + cache writes + cache reads.
    func cursorEvent(_ event: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = double(event["timestamp"]).flatMap({ unixDay(seconds: $0 / 1000) }) else {
            diagnostics.append(.error(file, line: line, "an event without a \"timestamp\" in epoch milliseconds")); return
        }
        let email = string(event["userEmail"])
        var row = UsageRecord(day: date, user: email, team: "", tool: tool)
        if email == nil { row.activeUsers = 0 }
        row.requests = 1
        let usage = event["tokenUsage"] as? [String: Any] ?? [:]
        let cacheRead = int(usage["cacheReadTokens"]) ?? 0
        row.inputTokens = (int(usage["inputTokens"]) ?? 0) + (int(usage["cacheWriteTokens"]) ?? 0) + cacheRead
        row.cachedTokens = cacheRead
        row.outputTokens = int(usage["outputTokens"]) ?? 0
        // What the team is charged: `chargedCents` (it matches Cursor's spend endpoint; a
        // per-request-billed event may carry no token usage at all); older events only have
        // the token cost before plan effects, `tokenUsage.totalCents`.
        if let cents = double(event["chargedCents"]) ?? double(usage["totalCents"]) { row.costUSD = cents / 100 }
        row.automated = (event["isHeadless"] as? Bool) == true || (event["isHeadless"] as? NSNumber)?.boolValue == true
        try send(row, identity: email, line: line, diagnostics: &diagnostics, emit: emit)
    }
}

extension VendorFormat {
    /// Cursor admin API `/teams/daily-usage-data`: one record per user and day.
    public static let cursorDaily = VendorFormat(
        "cursor-daily", tool: "cursor", measures: [.requests, .suggestions, .lines],
        json: { record in
            if let first = firstData(record) {
                return first["isActive"] != nil || first["totalTabsShown"] != nil || first["composerRequests"] != nil
            }
            return record["isActive"] != nil && record["email"] != nil
        },
        telltales: [["totalTabsShown"], ["composerRequests"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let records = parser.records(in: object, key: "data", orRecordWith: "email") else {
                return parser.wrong("a response with \"data\"", line: line, diagnostics: &diagnostics)
            }
            for record in records { try parser.cursorDay(record, line: line, diagnostics: &diagnostics, emit: emit) }
        })

    /// Cursor admin API `/teams/filtered-usage-events`: one record per request, with tokens and cost.
    public static let cursorEvents = VendorFormat(
        "cursor-events", tool: "cursor", measures: [.requests, .tokens, .cost],
        json: { $0["usageEvents"] != nil || ($0["tokenUsage"] != nil && $0["userEmail"] != nil) },
        telltales: [["usageEvents"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let events = parser.records(in: object, key: "usageEvents", orRecordWith: "timestamp") else {
                return parser.wrong("a response with \"usageEvents\"", line: line, diagnostics: &diagnostics)
            }
            for event in events { try parser.cursorEvent(event, line: line, diagnostics: &diagnostics, emit: emit) }
        })

    /// Cursor admin API `GET /teams/members`: the team's paid seats (members whose role is not
    /// a free one, such as `free-owner`), which with a `price_per_seat_month` give licence cost.
    public static let cursorMembers = VendorFormat(
        "cursor-members", tool: "cursor", measures: [], hasUsage: false,
        json: { $0["teamMembers"] != nil },
        telltales: [["teamMembers"]],
        reading: .json { parser, object, line, extras, diagnostics, _ in
            guard let members = (object as? [String: Any])?["teamMembers"] as? [[String: Any]] else {
                return parser.wrong("a response with \"teamMembers\"", line: line, diagnostics: &diagnostics)
            }
            extras.holdSeat(nil, tool: parser.tool)
            for (index, member) in members.enumerated() where !(string(member["role"]) ?? "").lowercased().hasPrefix("free") {
                // Keyed by e-mail, so a members list saved twice holds its seats once.
                extras.holdSeat(string(member["email"])?.lowercased() ?? "\(line)#\(index)", tool: parser.tool)
            }
        })

    /// Cursor admin API `POST /teams/spend`: each member's spend in the current billing cycle,
    /// one cost row per member dated the cycle's first day. Cursor's usage events carry the same
    /// money request by request, so beside them this file is not read.
    public static let cursorSpend = VendorFormat(
        "cursor-spend", tool: "cursor", measures: [.cost], supersededBy: ["cursor-events"],
        json: { $0["teamMemberSpend"] != nil },
        telltales: [["teamMemberSpend"]],
        reading: .json { parser, object, line, _, diagnostics, emit in
            guard let response = object as? [String: Any], let members = response["teamMemberSpend"] as? [[String: Any]] else {
                return parser.wrong("a response with \"teamMemberSpend\"", line: line, diagnostics: &diagnostics)
            }
            guard let start = double(response["subscriptionCycleStart"]).flatMap({ unixDay(seconds: $0 / 1000) }) else {
                diagnostics.append(.error(parser.file, line: line, "a spend response without \"subscriptionCycleStart\" (epoch milliseconds): its spend cannot be dated"))
                return
            }
            for member in members {
                guard let cents = double(member["overallSpendCents"]) ?? double(member["spendCents"]) else {
                    diagnostics.append(.error(parser.file, line: line, "a member without \"spendCents\"")); continue
                }
                let email = string(member["email"])
                var row = UsageRecord(day: start, user: email, team: "", tool: parser.tool)
                if email == nil { row.activeUsers = 0 }
                row.costUSD = cents / 100
                row.taskCategory = "billing_cycle"
                try parser.send(row, identity: email, line: line, diagnostics: &diagnostics, emit: emit)
            }
        })
}

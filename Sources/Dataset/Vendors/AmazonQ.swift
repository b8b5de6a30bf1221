import Foundation

/// Amazon Q Developer's user-activity CSV, and Kiro's (legacy and per-client).
extension VendorParser {
    /// The columns this importer maps (the others are reported once as not read).
    static let amazonQColumns: Set<String> = [
        "UserId", "Date", "Inline_SuggestionsCount", "Inline_AcceptanceCount", "Inline_AICodeLines", "Chat_MessagesSent", "Chat_AICodeLines",
        "Chat_MessagesInteracted", "InlineChat_TotalEventCount", "InlineChat_EventCount", "InlineChat_AcceptanceEventCount",
        "InlineChat_AcceptedLineAdditions", "InlineChat_AcceptedLineDeletions", "InlineChat_DismissalEventCount", "InlineChat_DismissedLineAdditions",
        "InlineChat_DismissedLineDeletions", "InlineChat_RejectedLineAdditions", "InlineChat_RejectedLineDeletions", "InlineChat_RejectionEventCount",
        "Dev_GenerationEventCount", "Dev_AcceptanceEventCount", "Dev_GeneratedLines", "Dev_AcceptedLines",
        "TestGeneration_EventCount", "TestGeneration_GeneratedTests", "TestGeneration_AcceptedTests", "TestGeneration_GeneratedLines", "TestGeneration_AcceptedLines",
        "DocGeneration_EventCount", "DocGeneration_AcceptedLineAdditions", "DocGeneration_AcceptedFileUpdates", "DocGeneration_AcceptedFilesCreations",
        "DocGeneration_AcceptedLineUpdates", "DocGeneration_RejectedFileCreations", "DocGeneration_RejectedFileUpdates", "DocGeneration_RejectedLineAdditions",
        "DocGeneration_RejectedLineUpdates", "Transformation_EventCount", "Transformation_LinesGenerated", "Transformation_LinesIngested",
        "CodeFix_GenerationEventCount", "CodeFix_AcceptanceEventCount", "CodeFix_GeneratedLines", "CodeFix_AcceptedLines",
        "CodeReview_SucceededEventCount", "CodeReview_FailedEventCount", "CodeReview_FindingsCount",
    ]

    /// Amazon Q Developer user-activity CSV: one row per user, day and feature family.
    func parseAmazonQ(path: String, diagnostics: inout [Diagnostic], emit: Emit) throws {
        let numeric = Self.amazonQColumns.subtracting(["UserId", "Date"])
        try forEachCSVRow(path: path, required: ["UserId", "Date"], known: Self.amazonQColumns, numeric: numeric,
                          diagnostics: &diagnostics) { row, local in
            guard let user = row.text("UserId") else { local.append(.error(file, line: row.line, "UserId is empty")); return }
            let dateText = row.text("Date") ?? ""
            guard let date = vendorDate(dateText) else {
                local.append(.error(file, line: row.line, "Date \"\(dateText)\" is not a date as MM-DD-YYYY (Amazon Q), YYYY-MM-DD (Kiro) or M/D/YYYY (a spreadsheet's)")); return
            }
            func family(_ name: String, requests: Int64, shown: Int64? = nil, accepted: Int64? = nil,
                        linesSuggested: Int64? = nil, linesAccepted: Int64? = nil) throws {
                let total = requests + (shown ?? 0) + (accepted ?? 0) + (linesSuggested ?? 0) + (linesAccepted ?? 0)
                guard total > 0 else { return }
                var record = UsageRecord(day: date, user: user, team: "", tool: tool)
                record.requests = requests
                record.suggestionsShown = shown
                record.suggestionsAccepted = accepted
                record.linesSuggested = linesSuggested
                record.linesAccepted = linesAccepted
                record.taskCategory = name
                try send(record, identity: user, line: row.line, diagnostics: &local, emit: emit)
            }
            try family("completions", requests: 0, shown: row.count("Inline_SuggestionsCount"), accepted: row.count("Inline_AcceptanceCount"),
                       linesAccepted: row.count("Inline_AICodeLines"))
            try family("chat", requests: row.count("Chat_MessagesSent"), linesAccepted: row.count("Chat_AICodeLines"))
            // March 2025 files count inline-chat events as InlineChat_EventCount, without acceptances.
            let inlineChat = row.value("InlineChat_TotalEventCount") ?? row.count("InlineChat_EventCount")
            try family("inline_chat", requests: inlineChat, shown: row.has("InlineChat_AcceptanceEventCount") ? inlineChat : nil,
                       accepted: row.value("InlineChat_AcceptanceEventCount"))
            try family("dev", requests: row.count("Dev_GenerationEventCount"), shown: row.count("Dev_GenerationEventCount"),
                       accepted: row.count("Dev_AcceptanceEventCount"), linesSuggested: row.count("Dev_GeneratedLines"), linesAccepted: row.count("Dev_AcceptedLines"))
            try family("test", requests: row.count("TestGeneration_EventCount"), shown: row.count("TestGeneration_GeneratedTests"),
                       accepted: row.count("TestGeneration_AcceptedTests"), linesSuggested: row.count("TestGeneration_GeneratedLines"),
                       linesAccepted: row.count("TestGeneration_AcceptedLines"))
            try family("doc", requests: row.count("DocGeneration_EventCount"), linesAccepted: row.count("DocGeneration_AcceptedLineAdditions"))
            try family("transform", requests: row.count("Transformation_EventCount"), linesSuggested: row.count("Transformation_LinesGenerated"))
            try family("code_fix", requests: row.count("CodeFix_GenerationEventCount"), shown: row.count("CodeFix_GenerationEventCount"),
                       accepted: row.count("CodeFix_AcceptanceEventCount"), linesSuggested: row.count("CodeFix_GeneratedLines"),
                       linesAccepted: row.count("CodeFix_AcceptedLines"))
            try family("review", requests: row.count("CodeReview_SucceededEventCount") + row.count("CodeReview_FailedEventCount"))
        }
    }

    /// The columns of Kiro's per-client user report this importer reads or knowingly leaves.
    static let kiroColumns: Set<String> = [
        "Date", "UserId", "Client_Type", "Chat_Conversations", "Total_Messages", "Credits_Used", "Overage_Cap",
        "Overage_Credits_Used", "Overage_Enabled", "Profile_Id", "ProfileId", "Subscription_Tier",
    ]

    /// Kiro's user report: one row per user, day and client (IDE, CLI, plugin). Messages (to
    /// and from Kiro, as Amazon Q's Chat_MessagesSent) are its requests; credits are plan units,
    /// not dollars, and are not read as cost (price Kiro per seat in data/tools.csv).
    func parseKiroUsers(path: String, diagnostics: inout [Diagnostic], emit: Emit) throws {
        var creditsSeen = false
        try forEachCSVRow(path: path, required: ["Date", "UserId", "Client_Type"], known: Self.kiroColumns,
                          numeric: ["Chat_Conversations", "Total_Messages"], diagnostics: &diagnostics) { row, local in
            guard let user = row.text("UserId") else { local.append(.error(file, line: row.line, "UserId is empty")); return }
            let dateText = row.text("Date") ?? ""
            guard let date = vendorDate(dateText) else {
                local.append(.error(file, line: row.line, "Date \"\(dateText)\" is not a date as YYYY-MM-DD (or M/D/YYYY, a spreadsheet's)")); return
            }
            guard row.has("Total_Messages") || row.has("Chat_Conversations") else {
                local.append(.error(file, line: row.line, "a row carries none of Total_Messages, Chat_Conversations: not read (a file of another format, or columns Kiro renamed?)")); return
            }
            if !creditsSeen, row.has("Credits_Used") {
                creditsSeen = true
                local.append(.warning(file, line: row.line, "Credits_Used and Overage_Credits_Used are Kiro plan credits, not dollars: not read as cost (give Kiro a price_per_seat_month in data/tools.csv)"))
            }
            var record = UsageRecord(day: date, user: user, team: "", tool: tool)
            // Conversations only when the file has no message count (a dropped cell counts nothing).
            record.requests = row.has("Total_Messages") ? row.count("Total_Messages") : row.count("Chat_Conversations")
            record.taskCategory = (row.text("Client_Type") ?? "kiro").lowercased()
            guard record.requests > 0 else { return }  // a subscriber's idle day
            try send(record, identity: user, line: row.line, diagnostics: &local, emit: emit)
        }
    }
}

extension VendorFormat {
    /// Amazon Q Developer's user-activity report (and Kiro's legacy report of the same shape).
    public static let amazonQ = VendorFormat(
        "amazon-q", tool: "amazon-q-developer", measures: [.requests, .suggestions, .lines],
        header: { names in
            names.contains("UserId") && names.contains("Date") && !names.contains("Client_Type")
                && !names.isDisjoint(with: VendorParser.amazonQColumns.subtracting(["UserId", "Date"]))
        },
        reading: .csv { parser, path, _, diagnostics, emit in try parser.parseAmazonQ(path: path, diagnostics: &diagnostics, emit: emit) })

    /// Kiro's per-client user report (`KiroLogs/user_report/…`).
    public static let kiroUsers = VendorFormat(
        "kiro-users", tool: "kiro", measures: [.requests],
        header: { names in
            names.contains("UserId") && names.contains("Date") && names.contains("Client_Type")
                && (names.contains("Total_Messages") || names.contains("Credits_Used") || names.contains("Chat_Conversations"))
        },
        reading: .csv { parser, path, _, diagnostics, emit in try parser.parseKiroUsers(path: path, diagnostics: &diagnostics, emit: emit) })
}

extension VendorFormat {
    /// Amazon Q Business `ListSubscriptions` (one page per line, or a page saved alone): the
    /// users subscribed to an application, Pro (`Q_BUSINESS`) as the tool's seats and Lite
    /// (`Q_LITE`) as seats of the tool with `-lite` added, since the two are priced apart.
    public static let amazonQBusinessSubscriptions = VendorFormat(
        "amazon-q-business-subscriptions", tool: "amazon-q-business", measures: [], hasUsage: false,
        json: { response in
            if let list = response["subscriptions"] as? [Any] {
                return list.contains { ($0 as? [String: Any]).map { $0["currentSubscription"] != nil || $0["subscriptionArn"] != nil } ?? false }
            }
            return response["currentSubscription"] != nil && response["principal"] != nil
        },
        telltales: [["subscriptions", "currentSubscription"]],
        reading: .json { parser, object, line, extras, diagnostics, _ in
            guard let subscriptions = parser.records(in: object, key: "subscriptions", orRecordWith: "currentSubscription") else {
                return parser.wrong("a ListSubscriptions response with \"subscriptions\"", line: line, diagnostics: &diagnostics)
            }
            extras.holdSeat(nil, tool: parser.tool)
            var groups = 0
            for subscription in subscriptions {
                let principal = subscription["principal"] as? [String: Any]
                guard let user = string(principal?["user"]) else {
                    if principal?["group"] != nil { groups += 1 }
                    else { diagnostics.append(.error(parser.file, line: line, "a subscription without a principal user or group")) }
                    continue
                }
                let type = string((subscription["currentSubscription"] as? [String: Any])?["type"]) ?? ""
                switch type {
                case "Q_BUSINESS": extras.holdSeat(user, tool: parser.tool)
                case "Q_LITE": extras.holdSeat(user, tool: parser.tool + "-lite")
                default:
                    diagnostics.append(.warning(parser.file, line: line, "a subscription of type \"\(type)\" (neither Q_BUSINESS nor Q_LITE): not counted as a seat"))
                }
            }
            if groups > 0 {
                diagnostics.append(.warning(parser.file, line: line, "\(groups) group subscription\(groups == 1 ? "" : "s"): the response does not list a group's members, so they are not counted as seats (give the count as seats in data/tools.csv)"))
            }
        })
}

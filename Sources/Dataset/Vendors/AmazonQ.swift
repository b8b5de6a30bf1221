import Foundation

/// Amazon Q Developer (and Kiro) user-activity CSV.
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

    /// MM-DD-YYYY as Amazon Q writes it, YYYY-MM-DD as Kiro does, or M/D/YYYY as a spreadsheet
    /// re-saves it.
    func amazonQDate(_ text: String) -> Day? {
        if let iso = Day(parsing: text) { return iso }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        guard parts.count == 3, parts[2] >= 1000 else { return nil }
        return Day(year: parts[2], month: parts[0], day: parts[1])
    }

    /// Amazon Q Developer user-activity CSV: one row per user, day and feature family.
    func parseAmazonQ(path: String, diagnostics: inout [Diagnostic], emit: Emit) throws {
        var reader = CSVReader(source: try openByteSource(path: path))
        // A re-saved file from a European spreadsheet separates fields with ";".
        if let head = try? readHead(path: path, bytes: 4096), let header = head.split(separator: 0x0A).first,
           header.contains(0x3B), !header.contains(0x2C) {
            reader.delimiter = 0x3B
        }
        var header: [String: Int]?
        var local: [Diagnostic] = []
        var headerCount = 0
        try reader.forEach { record in
            guard let columns = header else {
                var map: [String: Int] = [:]
                for index in 0..<record.count { map[(record.string(index) ?? "").trimmingCharacters(in: .whitespaces)] = index }
                guard map["UserId"] != nil, map["Date"] != nil else {
                    throw InputError(.error(file, line: record.line, "not an amazon-q export: the header lacks UserId and Date"))
                }
                header = map
                headerCount = record.count
                let unread = map.keys.filter { !Self.amazonQColumns.contains($0) && !$0.isEmpty }.sorted()
                if !unread.isEmpty {
                    local.append(.warning(file, line: record.line, "column\(unread.count == 1 ? "" : "s") \(unread.joined(separator: ", ")) \(unread.count == 1 ? "is" : "are") not read (docs/importers.md lists the columns Candor maps)"))
                }
                return
            }
            if let problem = record.problem { local.append(.error(file, line: record.line, problem)); return }
            guard record.count == headerCount else {
                local.append(.error(file, line: record.line, "expected \(headerCount) fields as in the header, found \(record.count)")); return
            }
            var bad = Set<String>()
            func value(_ name: String) -> Int64? {
                guard !bad.contains(name), let index = columns[name], index < record.count, let text = record.string(index)?.trimmingCharacters(in: .whitespaces) else { return nil }
                return text.isEmpty ? 0 : Int64(text).map { min($0, Int64(1.1e12)) }  // an empty cell means 0
            }
            func count(_ name: String) -> Int64 { value(name) ?? 0 }
            guard let user = columns["UserId"].flatMap({ record.string($0) }).map({ $0.trimmingCharacters(in: .whitespaces) }), !user.isEmpty else {
                local.append(.error(file, line: record.line, "UserId is empty")); return
            }
            let dateText = (columns["Date"].flatMap { record.string($0) } ?? "").trimmingCharacters(in: .whitespaces)
            guard let date = amazonQDate(dateText) else {
                local.append(.error(file, line: record.line, "Date \"\(dateText)\" is not a date as MM-DD-YYYY (Amazon Q), YYYY-MM-DD (Kiro) or M/D/YYYY (a spreadsheet's)")); return
            }
            // Per measure: a figure that is not a count is dropped (and said), not the row.
            for name in columns.keys.sorted() where Self.amazonQColumns.contains(name) && name != "UserId" && name != "Date" {
                if let text = record.string(columns[name]!)?.trimmingCharacters(in: .whitespaces), !text.isEmpty, Int64(text) == nil || Int64(text)! < 0 {
                    local.append(.warning(file, line: record.line, "\(name) \"\(text)\" is not a non-negative whole number: dropped; the row's other figures are kept"))
                    bad.insert(name)
                }
            }
            func family(_ name: String, requests: Int64, shown: Int64? = nil, accepted: Int64? = nil,
                        linesSuggested: Int64? = nil, linesAccepted: Int64? = nil) throws {
                let total = requests + (shown ?? 0) + (accepted ?? 0) + (linesSuggested ?? 0) + (linesAccepted ?? 0)
                guard total > 0 else { return }
                var row = UsageRecord(day: date, user: user, team: "", tool: tool)
                row.requests = requests
                row.suggestionsShown = shown
                row.suggestionsAccepted = accepted
                row.linesSuggested = linesSuggested
                row.linesAccepted = linesAccepted
                row.taskCategory = name
                try send(row, identity: user, line: record.line, diagnostics: &local, emit: emit)
            }
            try family("completions", requests: 0, shown: count("Inline_SuggestionsCount"), accepted: count("Inline_AcceptanceCount"),
                       linesAccepted: count("Inline_AICodeLines"))
            try family("chat", requests: count("Chat_MessagesSent"), linesAccepted: count("Chat_AICodeLines"))
            // March 2025 files count inline-chat events as InlineChat_EventCount, without acceptances.
            let inlineChat = value("InlineChat_TotalEventCount") ?? count("InlineChat_EventCount")
            try family("inline_chat", requests: inlineChat, shown: columns["InlineChat_AcceptanceEventCount"] == nil ? nil : inlineChat,
                       accepted: value("InlineChat_AcceptanceEventCount"))
            try family("dev", requests: count("Dev_GenerationEventCount"), shown: count("Dev_GenerationEventCount"),
                       accepted: count("Dev_AcceptanceEventCount"), linesSuggested: count("Dev_GeneratedLines"), linesAccepted: count("Dev_AcceptedLines"))
            try family("test", requests: count("TestGeneration_EventCount"), shown: count("TestGeneration_GeneratedTests"),
                       accepted: count("TestGeneration_AcceptedTests"), linesSuggested: count("TestGeneration_GeneratedLines"),
                       linesAccepted: count("TestGeneration_AcceptedLines"))
            try family("doc", requests: count("DocGeneration_EventCount"), linesAccepted: count("DocGeneration_AcceptedLineAdditions"))
            try family("transform", requests: count("Transformation_EventCount"), linesSuggested: count("Transformation_LinesGenerated"))
            try family("code_fix", requests: count("CodeFix_GenerationEventCount"), shown: count("CodeFix_GenerationEventCount"),
                       accepted: count("CodeFix_AcceptanceEventCount"), linesSuggested: count("CodeFix_GeneratedLines"),
                       linesAccepted: count("CodeFix_AcceptedLines"))
            try family("review", requests: count("CodeReview_SucceededEventCount") + count("CodeReview_FailedEventCount"))
        }
        diagnostics += collapsed(local)
        if header == nil { throw InputError(.error(file, line: 1, "is empty: an amazon-q export needs its header row")) }
    }
}

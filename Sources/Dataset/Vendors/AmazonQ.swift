import Foundation

/// Amazon Q Developer (and Kiro) user-activity CSV.
extension VendorParser {
    /// Amazon Q Developer user-activity CSV: one row per user, day and feature family.
    func parseAmazonQ(path: String, diagnostics: inout [Diagnostic], emit: Emit) throws {
        var reader = CSVReader(source: try openByteSource(path: path))
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
                return
            }
            if let problem = record.problem { local.append(.error(file, line: record.line, problem)); return }
            guard record.count == headerCount else {
                local.append(.error(file, line: record.line, "expected \(headerCount) fields as in the header, found \(record.count)")); return
            }
            func value(_ name: String) -> Int64? {
                guard let index = columns[name], index < record.count, let text = record.string(index)?.trimmingCharacters(in: .whitespaces) else { return nil }
                return text.isEmpty ? 0 : Int64(text).map { min($0, Int64(1.1e12)) }  // an empty cell means 0
            }
            func count(_ name: String) -> Int64 { value(name) ?? 0 }
            guard let user = columns["UserId"].flatMap({ record.string($0) }).map({ $0.trimmingCharacters(in: .whitespaces) }), !user.isEmpty else {
                local.append(.error(file, line: record.line, "UserId is empty")); return
            }
            let dateText = columns["Date"].flatMap { record.string($0) } ?? ""
            let parts = dateText.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, let date = Day(year: parts[2], month: parts[0], day: parts[1]) else {
                local.append(.error(file, line: record.line, "Date \"\(dateText)\" is not a date as MM-DD-YYYY")); return
            }
            for name in columns.keys where name != "UserId" && name != "Date" {
                if let text = record.string(columns[name]!)?.trimmingCharacters(in: .whitespaces), !text.isEmpty, Int64(text) == nil || Int64(text)! < 0 {
                    local.append(.error(file, line: record.line, "\(name) \"\(text)\" is not a non-negative whole number")); return
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
            try family("inline_chat", requests: count("InlineChat_TotalEventCount"), shown: count("InlineChat_TotalEventCount"),
                       accepted: count("InlineChat_AcceptanceEventCount"))
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
        diagnostics += local
        if header == nil { throw InputError(.error(file, line: 1, "is empty: an amazon-q export needs its header row")) }
    }
}

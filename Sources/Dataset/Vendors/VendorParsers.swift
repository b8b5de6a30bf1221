import Foundation

/// Reads one vendor file into rows. JSON files may hold one API response, an array of
/// responses, or one response (or record) per line; NDJSON is streamed line by line.
struct VendorParser {
    let format: VendorFormat
    let tool: String
    let file: String

    typealias Emit = (VendorRow) throws -> Void

    func parse(path: String, extras: inout VendorExtras, diagnostics: inout [Diagnostic], emit: Emit) throws {
        if format == .amazonQ {
            try parseAmazonQ(path: path, diagnostics: &diagnostics, emit: emit)
            return
        }
        var found: [Diagnostic] = []
        var collected = extras
        try forEachJSON(path: path, diagnostics: &diagnostics) { object, line in
            try parseJSON(object, line: line, extras: &collected, diagnostics: &found, emit: emit)
        }
        extras = collected
        diagnostics += found
    }

    // MARK: JSON documents

    /// Calls `body` with each top-level value: each line of an NDJSON file, each element of a
    /// top-level array, or the one document.
    func forEachJSON(path: String, diagnostics: inout [Diagnostic], body: (Any, Int) throws -> Void) throws {
        let head = try readHead(path: path, bytes: 1 << 20)
        let firstLine = head.split(separator: 0x0A, maxSplits: 1).first.map(Array.init) ?? []
        // One value per line when the first line is a whole object (or, for saved legacy
        // metrics responses, a whole array) and more follows.
        let firstValue = try? JSONSerialization.jsonObject(with: Data(firstLine), options: [])
        let isLines = (firstValue is [String: Any] || firstValue is [Any])
            && head.count > firstLine.count + 1
        if isLines {
            var reader = LineReader(source: try openByteSource(path: path))
            var localDiagnostics: [Diagnostic] = []
            try reader.forEach { bytes, number in
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: []) else {
                    localDiagnostics.append(.error(file, line: number, "not valid JSON (a truncated or damaged \(format.rawValue) export?)"))
                    return
                }
                if let array = object as? [Any] {  // a saved array of responses (or of days) per line
                    for element in array { try body(element, number) }
                } else {
                    try body(object, number)
                }
            }
            diagnostics += localDiagnostics
            return
        }
        let data = try readWhole(path: path)
        guard let object = try? JSONSerialization.jsonObject(with: data, options: []) else {
            diagnostics.append(.error(file, line: lineOfJSONError(data), "not valid JSON (a truncated or damaged \(format.rawValue) export?)"))
            return
        }
        if let array = object as? [Any] {  // an array of responses (or of legacy metrics days)
            for element in array { try body(element, 1) }
        } else {
            try body(object, 1)
        }
    }

    /// A whole (possibly gzipped) file; API responses are small, and larger exports are NDJSON.
    func readWhole(path: String) throws -> Data {
        var source = try openByteSource(path: path)
        var data = Data(), chunk: [UInt8] = []
        repeat {
            try source.read(into: &chunk)
            data.append(contentsOf: chunk)
            if data.count > 1 << 30 { throw InputError(.error(file, line: 1, "is a JSON document over 1 GiB; export it as NDJSON (one response per line)")) }
        } while !chunk.isEmpty
        return data
    }

    /// The line where a JSON document stops being valid (its last line when cut short).
    func lineOfJSONError(_ data: Data) -> Int {
        data.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    func parseJSON(_ object: Any, line: Int, extras: inout VendorExtras, diagnostics: inout [Diagnostic], emit: Emit) throws {
        func wrong(_ expected: String) {
            diagnostics.append(.error(file, line: line, "not a \(format.rawValue) export: expected \(expected)"))
        }
        switch format {
        case .copilotUsers:
            guard let record = object as? [String: Any], record["day"] != nil else { return wrong("records with \"day\" and \"user_login\"") }
            try copilotUser(record, line: line, diagnostics: &diagnostics, emit: emit)
        case .copilotUserTeams:
            guard let record = object as? [String: Any], let login = string(record["user_login"]), let slug = string(record["slug"]) else {
                return wrong("records with \"user_login\", \"day\" and \"slug\"")
            }
            let day = string(record["day"]) ?? ""
            extras.userTeams["\(login.lowercased())|\(day)"] = slug
            extras.userTeams[login.lowercased()] = extras.userTeams[login.lowercased()] ?? slug
        case .copilotSeats:
            guard let response = object as? [String: Any] else { return wrong("a seats response") }
            let seats = (response["seats"] as? [[String: Any]]) ?? (response["assignee"] != nil ? [response] : [])
            if let total = int(response["total_seats"]) { extras.seats[tool] = max(extras.seats[tool] ?? 0, Int(total)) }
            else { extras.seats[tool, default: 0] += seats.count }
            for seat in seats {
                if let login = string((seat["assignee"] as? [String: Any])?["login"]),
                   let team = string((seat["assigning_team"] as? [String: Any])?["slug"]) ?? string((seat["assigning_team"] as? [String: Any])?["name"]) {
                    extras.seatTeams[login.lowercased()] = team
                }
            }
        case .copilotMetrics:
            if let days = object as? [Any] {  // one saved response per line: an array of days
                for day in days { try parseJSON(day, line: line, extras: &extras, diagnostics: &diagnostics, emit: emit) }
                return
            }
            guard let day = object as? [String: Any], let date = string(day["date"]).flatMap({ Day(parsing: $0) }) else {
                return wrong("an array of days with \"date\"")
            }
            try copilotMetricsDay(day, date: date, line: line, diagnostics: &diagnostics, emit: emit)
        case .claudeCode:
            guard let response = object as? [String: Any] else { return wrong("a response with \"data\"") }
            let records = (response["data"] as? [[String: Any]]) ?? (response["actor"] != nil ? [response] : nil)
            guard let records else { return wrong("a response with \"data\"") }
            for record in records { try claudeCode(record, line: line, diagnostics: &diagnostics, emit: emit) }
        case .openAIUsage:
            guard let response = object as? [String: Any] else { return wrong("pages with \"data\" buckets") }
            let buckets = (response["data"] as? [[String: Any]]) ?? (response["results"] != nil ? [response] : nil)
            guard let buckets else { return wrong("pages with \"data\" buckets") }
            for bucket in buckets { try openAIBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit) }
        case .cursorDaily:
            guard let response = object as? [String: Any] else { return wrong("a response with \"data\"") }
            let records = (response["data"] as? [[String: Any]]) ?? (response["email"] != nil ? [response] : nil)
            guard let records else { return wrong("a response with \"data\"") }
            for record in records { try cursorDay(record, line: line, diagnostics: &diagnostics, emit: emit) }
        case .anthropicUsage, .anthropicCost, .openAICosts:
            guard let response = object as? [String: Any] else { return wrong("pages with \"data\" buckets") }
            let buckets = (response["data"] as? [[String: Any]]) ?? (response["results"] != nil ? [response] : nil)
            guard let buckets else { return wrong("pages with \"data\" buckets") }
            for bucket in buckets {
                switch format {
                case .anthropicUsage: try anthropicUsageBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit)
                case .anthropicCost: try anthropicCostBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit)
                default: try openAICostBucket(bucket, line: line, diagnostics: &diagnostics, emit: emit)
                }
            }
        case .cursorEvents:
            guard let response = object as? [String: Any] else { return wrong("a response with \"usageEvents\"") }
            let events = (response["usageEvents"] as? [[String: Any]]) ?? (response["timestamp"] != nil ? [response] : nil)
            guard let events else { return wrong("a response with \"usageEvents\"") }
            for event in events { try cursorEvent(event, line: line, diagnostics: &diagnostics, emit: emit) }
        case .amazonQ:
            break
        }
    }

    // MARK: Formats

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
            var row = UsageRecord(day: date, user: login, team: "", tool: tool)
            row.requests = int(feature["user_initiated_interaction_count"]) ?? 0
            row.suggestionsShown = int(feature["code_generation_activity_count"])
            row.suggestionsAccepted = int(feature["code_acceptance_activity_count"])
            row.linesSuggested = int(feature["loc_suggested_to_add_sum"])
            row.linesAccepted = int(feature["loc_added_sum"])
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

    /// OpenAI organisation usage (completions): one row per bucket and user.
    func openAIBucket(_ bucket: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = double(bucket["start_time"]).flatMap({ unixDay(seconds: $0) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a start_time in Unix seconds")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
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

    /// Cursor admin API daily usage: one row per user and day; inactive days give no usage.
    func cursorDay(_ record: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        if let active = record["isActive"], (active as? Bool) == false || (active as? NSNumber)?.boolValue == false { return }
        var date = string(record["day"]).flatMap { Day(parsing: $0, prefix: true) }
        if date == nil, let millis = double(record["date"]) { date = unixDay(seconds: millis / 1000) }
        guard let date else { diagnostics.append(.error(file, line: line, "a record without \"day\" or \"date\"")); return }
        let email = string(record["email"])
        var row = UsageRecord(day: date, user: email, team: "", tool: tool)
        row.requests = ["composerRequests", "chatRequests", "agentRequests", "cmdkUsages"].reduce(0) { $0 + (int(record[$1]) ?? 0) }
        row.suggestionsShown = int(record["totalTabsShown"])
        row.suggestionsAccepted = int(record["totalTabsAccepted"])
        row.linesAccepted = int(record["acceptedLinesAdded"])
        try send(row, identity: email, line: line, diagnostics: &diagnostics, emit: emit)
    }

    /// Anthropic messages usage report: one row per bucket and result. A result grouped by
    /// `account_id` is a person's row; any other is a group row of its workspace (or API key).
    /// The report counts no requests: its rows carry tokens only.
    func anthropicUsageBucket(_ bucket: [String: Any], line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        guard let date = string(bucket["starting_at"]).flatMap({ Day(parsing: $0, prefix: true) }) else {
            diagnostics.append(.error(file, line: line, "a bucket without a \"starting_at\" date")); return
        }
        for result in (bucket["results"] as? [[String: Any]]) ?? [] {
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
        if let cents = double(usage["totalCents"]) { row.costUSD = cents / 100 }
        row.automated = (event["isHeadless"] as? Bool) == true || (event["isHeadless"] as? NSNumber)?.boolValue == true
        try send(row, identity: email, line: line, diagnostics: &diagnostics, emit: emit)
    }

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

    // MARK: Shared

    /// Checks a row against the honesty rules, then hands it on.
    func send(_ row: UsageRecord, identity: String?, groupID: String? = nil, line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        if let problem = usageProblem(row) {
            diagnostics.append(.error(file, line: line, "\(row.taskCategory.map { "\($0): " } ?? "")\(problem)"))
            return
        }
        try emit(VendorRow(record: row, line: line, identity: identity, groupID: groupID))
    }
}

/// Why a row cannot be published (DESIGN §4, honesty rules), or nil.
func usageProblem(_ row: UsageRecord) -> String? {
    if let accepted = row.suggestionsAccepted, let shown = row.suggestionsShown, accepted > shown {
        return "suggestions_accepted (\(accepted)) is more than suggestions_shown (\(shown))"
    }
    if let accepted = row.linesAccepted, let suggested = row.linesSuggested, accepted > suggested {
        return "lines_accepted (\(accepted)) is more than lines_suggested (\(suggested))"
    }
    if row.cachedTokens > row.inputTokens { return "cached tokens (\(row.cachedTokens)) are more than input tokens (\(row.inputTokens))" }
    if row.requests < 0 || row.inputTokens < 0 || row.outputTokens < 0 { return "a negative count" }
    let counts = [row.requests, row.inputTokens, row.outputTokens, row.cachedTokens, row.suggestionsShown ?? 0,
                  row.suggestionsAccepted ?? 0, row.linesSuggested ?? 0, row.linesAccepted ?? 0, Int64(row.activeUsers ?? 0)]
    if counts.contains(where: { $0 > maxCount }) { return "a count is implausibly large (more than 10^12 in one row)" }
    if let cost = row.costUSD, cost > Double(maxCount) { return "cost \(cost) is implausibly large" }
    if let cost = row.costUSD, !(cost >= 0) { return "cost \(cost) is negative (a credit?) or not a number; credits are not read" }
    return nil
}

func string(_ value: Any?) -> String? {
    switch value {
    case let text as String: return text.isEmpty ? nil : text
    case let number as NSNumber: return number.stringValue
    default: return nil
    }
}

/// A whole number from a JSON value, never trapping: a fraction is cut, a value beyond ±1.1 × 10^12
/// is held there (and its row then rejected as implausible, see `maxCount`), and what is not a
/// finite number is nil.
func int(_ value: Any?) -> Int64? {
    func fromDouble(_ number: Double) -> Int64? {
        guard number.isFinite else { return nil }
        return Int64(max(-1.1e12, min(1.1e12, number)))
    }
    switch value {
    case let number as NSNumber:
        let type = String(cString: number.objCType)
        if type == "d" || type == "f" { return fromDouble(number.doubleValue) }
        if type == "Q" { return number.uint64Value > UInt64(Int64.max) ? Int64(1.1e12) : min(Int64(1.1e12), number.int64Value) }
        return max(-Int64(1.1e12), min(Int64(1.1e12), number.int64Value))
    case let text as String:
        if let whole = Int64(text) { return max(-Int64(1.1e12), min(Int64(1.1e12), whole)) }
        return Double(text).flatMap(fromDouble)
    default: return nil
    }
}

/// Adds without trapping: a sum past Int64's range stays at its end (and its row is rejected
/// as implausible).
func accumulate(_ total: inout Int64, _ value: Int64) {
    let (sum, overflow) = total.addingReportingOverflow(value)
    total = overflow ? (value > 0 ? .max : .min) : sum
}

/// A day from Unix seconds, nil when out of any plausible range.
func unixDay(seconds: Double) -> Day? {
    guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
    return Day(index: Int32((seconds / 86400).rounded(.down)))
}

func double(_ value: Any?) -> Double? {
    switch value {
    case let number as NSNumber: return number.doubleValue
    case let text as String: return Double(text)
    default: return nil
    }
}

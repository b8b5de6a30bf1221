/// The report's small tables: headcount, outcomes, tools and the people directory.

/// `data/headcount.csv`: team,headcount[,period]. With a period (a date or an ISO week), the
/// headcount holds from that period on.
public struct HeadcountEntry: Equatable, Sendable {
    public var team: String
    public var headcount: Int
    public var from: Day?
    public var line: Int
}

/// `data/outcomes.csv`: period,team,metric,value; the period is a date or an ISO week.
public struct OutcomeRecord: Equatable, Sendable {
    public var week: Week
    public var team: String
    public var metric: String
    public var value: Double
    public var line: Int
}

/// `data/tools.csv`: tool,capability[,vendor,price_in_per_1k,price_out_per_1k,
/// price_cached_per_1k,price_per_seat_month,seats].
public struct ToolInfo: Equatable, Sendable {
    public var tool: String
    /// How pages write the tool ("GitHub Copilot" for `github-copilot`); else `displayName(ofTool:)`.
    public var name: String?
    public var capability: String
    public var vendor: String?
    public var priceInPer1k: Double?
    public var priceOutPer1k: Double?
    /// Dollars per 1k cached input tokens read from a prompt cache (the vendor's cache-read price).
    public var priceCachedPer1k: Double?
    /// Dollars per licensed seat and month, for seat exports.
    public var pricePerSeatMonth: Double?
    /// Licensed seats as the author gives them (a contract's count, a group's members): they
    /// replace a seat export's count.
    public var seats: Int?
    /// The line of tools.csv the tool is on, for messages.
    public var line = 0
}

/// One person of `data/people.csv`.
public struct Person: Equatable, Sendable {
    public var user: String
    public var team: String
    public var role: String?
    public var location: String?
    public var startDate: Day?
}

/// `data/people.csv`: joins vendor identities (e-mail, login, vendor id; aliases separated by
/// `|`) to teams. Matching ignores case.
public struct PeopleDirectory: Sendable {
    public static let unassigned = "unassigned"
    public private(set) var people: [Person] = []
    private var byIdentity: [String: Int] = [:]

    public init(people: [Person] = [], aliases: [[String]] = []) {
        for (index, person) in people.enumerated() {
            self.people.append(person)
            byIdentity[person.user.lowercased()] = index
            if index < aliases.count {
                for alias in aliases[index] { byIdentity[alias.lowercased()] = index }
            }
        }
    }

    public func lookup(_ identity: String) -> Person? {
        byIdentity[identity.lowercased()].map { people[$0] }
    }

    /// The directory's own name for an identity (its `user` column), for joining sources.
    public func canonical(_ identity: String) -> String? { lookup(identity)?.user }
}

/// A period cell of outcomes or headcount: `YYYY-MM-DD` or `YYYY-Www`.
func parsePeriod(_ text: String) -> Week? {
    if let day = Day(parsing: text) { return day.week }
    return Week(parsing: text)
}

enum TableReaders {
    static func headcount(path: String, file: String, diagnostics: inout [Diagnostic], rejected: inout Int) throws -> [HeadcountEntry] {
        let table = try Table.read(path: path, file: file, required: ["team", "headcount"], known: ["team", "headcount", "period"],
                                   diagnostics: &diagnostics, rejected: &rejected)
        var entries: [HeadcountEntry] = []
        for row in table.rows {
            guard let team = row["team"] else { reject(&diagnostics, &rejected, file, row.line, "team is empty"); continue }
            guard let text = row["headcount"], let count = Int(text) else {
                reject(&diagnostics, &rejected, file, row.line, "headcount \"\(row["headcount"] ?? "")\" is not a whole number"); continue
            }
            guard count >= 0 else { reject(&diagnostics, &rejected, file, row.line, "headcount is negative (\(count))"); continue }
            var from: Day?
            if let period = row["period"] {
                guard let week = parsePeriod(period) else {
                    reject(&diagnostics, &rejected, file, row.line, "period \"\(period)\" is not a date (YYYY-MM-DD) or ISO week (YYYY-Www)"); continue
                }
                from = Day(parsing: period) ?? week.monday
            }
            entries.append(HeadcountEntry(team: team, headcount: count, from: from, line: row.line))
        }
        return entries
    }

    static func outcomes(path: String, file: String, diagnostics: inout [Diagnostic], rejected: inout Int) throws -> [OutcomeRecord] {
        let table = try Table.read(path: path, file: file, required: ["period", "team", "metric", "value"],
                                   known: ["period", "team", "metric", "value"], diagnostics: &diagnostics, rejected: &rejected)
        var records: [OutcomeRecord] = []
        for row in table.rows {
            guard let period = row["period"], let week = parsePeriod(period) else {
                reject(&diagnostics, &rejected, file, row.line, "period \"\(row["period"] ?? "")\" is not a date (YYYY-MM-DD) or ISO week (YYYY-Www)"); continue
            }
            guard let team = row["team"] else { reject(&diagnostics, &rejected, file, row.line, "team is empty"); continue }
            guard let metric = row["metric"] else { reject(&diagnostics, &rejected, file, row.line, "metric is empty"); continue }
            guard let text = row["value"], let value = Double(text), value.isFinite else {
                reject(&diagnostics, &rejected, file, row.line, "value \"\(row["value"] ?? "")\" is not a number"); continue
            }
            guard value >= 0 else { reject(&diagnostics, &rejected, file, row.line, "value is negative (\(text))"); continue }
            records.append(OutcomeRecord(week: week, team: team, metric: metric, value: value, line: row.line))
        }
        return records
    }

    static func tools(path: String, file: String, diagnostics: inout [Diagnostic], rejected: inout Int) throws -> [ToolInfo] {
        let known = ["tool", "name", "capability", "vendor", "price_in_per_1k", "price_out_per_1k", "price_cached_per_1k", "price_per_seat_month", "seats"]
        let table = try Table.read(path: path, file: file, required: ["tool", "capability"], known: known,
                                   diagnostics: &diagnostics, rejected: &rejected)
        var tools: [ToolInfo] = []
        for row in table.rows {
            guard let tool = row["tool"] else { reject(&diagnostics, &rejected, file, row.line, "tool is empty"); continue }
            var info = ToolInfo(tool: tool, name: row["name"], capability: row["capability"] ?? "other", vendor: row["vendor"])
            var bad = false
            for (column, assign) in [("price_in_per_1k", { (v: Double) in info.priceInPer1k = v }),
                                     ("price_out_per_1k", { (v: Double) in info.priceOutPer1k = v }),
                                     ("price_cached_per_1k", { (v: Double) in info.priceCachedPer1k = v }),
                                     ("price_per_seat_month", { (v: Double) in info.pricePerSeatMonth = v })] {
                guard let text = row[column] else { continue }
                guard let value = Double(text), value.isFinite, value >= 0 else {
                    reject(&diagnostics, &rejected, file, row.line, "\(column) \"\(text)\" is not a non-negative number"); bad = true; break
                }
                assign(value)
            }
            if !bad, let text = row["seats"] {
                if let seats = Int(text), seats >= 0 { info.seats = seats }
                else { reject(&diagnostics, &rejected, file, row.line, "seats \"\(text)\" is not a whole number of seats"); bad = true }
            }
            info.line = row.line
            if !bad { tools.append(info) }
        }
        return tools
    }

    static func people(path: String, file: String, diagnostics: inout [Diagnostic], rejected: inout Int) throws -> PeopleDirectory {
        let known = ["user", "team", "aliases", "role", "location", "start_date"]
        let table = try Table.read(path: path, file: file, required: ["user", "team"], known: known,
                                   diagnostics: &diagnostics, rejected: &rejected)
        var people: [Person] = []
        var aliases: [[String]] = []
        for row in table.rows {
            guard let user = row["user"], let team = row["team"] else {
                reject(&diagnostics, &rejected, file, row.line, "user and team must not be empty"); continue
            }
            var person = Person(user: user, team: team, role: row["role"], location: row["location"])
            if let start = row["start_date"] {
                guard let day = Day(parsing: start) else {
                    reject(&diagnostics, &rejected, file, row.line, "start_date \"\(start)\" is not a date as YYYY-MM-DD"); continue
                }
                person.startDate = day
            }
            people.append(person)
            aliases.append((row["aliases"] ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return PeopleDirectory(people: people, aliases: aliases)
    }

    static func reject(_ diagnostics: inout [Diagnostic], _ rejected: inout Int, _ file: String, _ line: Int, _ message: String) {
        diagnostics.append(.error(file, line: line, message))
        rejected += 1
    }
}

import Foundation

/// A tool id as a reader would write it, when tools.csv gives no `name`: words split at `-` and
/// `_`, capitalised, with the spellings vendors use for their names and acronyms
/// (`github-copilot` → "GitHub Copilot", `chatgpt-enterprise` → "ChatGPT Enterprise").
public func displayName(ofTool id: String) -> String {
    let known = ["ai": "AI", "api": "API", "gpt": "GPT", "llm": "LLM", "ide": "IDE", "cli": "CLI", "q": "Q",
                 "github": "GitHub", "gitlab": "GitLab", "chatgpt": "ChatGPT", "openai": "OpenAI", "jetbrains": "JetBrains",
                 "codewhisperer": "CodeWhisperer", "deepseek": "DeepSeek", "vscode": "VS Code"]
    let words = id.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " }).map(String.init)
    guard !words.isEmpty else { return id }
    return words.map { word in known[word.lowercased()] ?? (word.first.map { String($0).uppercased() + word.dropFirst() } ?? word) }
        .joined(separator: " ")
}

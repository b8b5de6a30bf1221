import Dataset
import Foundation
import Stats

/// A seeded synthetic organisation with planted stories, for demos, tests and benchmarks:
/// productive teams (usage and value rise together), inflating teams (usage spikes before
/// review dates, low-value automated requests, repeated prompts, low acceptance), untapped
/// teams (little usage, high value), one team too small to publish, a tool too small to
/// publish, and feedback with themes and hostile text.
struct SampleGenerator {
    enum Story: String { case productive, inflated, untapped, ordinary, small }

    struct Team {
        var name: String
        var story: Story
        var size: Int
        var headcount: Int
    }

    struct Tool {
        var name: String
        var capability: String
        var vendor: String
        var priceIn: Double?
        var priceOut: Double?
        var completions: Bool
        var tokensPerRequest: Double
        var priceCached: Double? = nil
        var seatMonth: Double? = nil
    }

    var users: Int
    var days: Int
    var seed: UInt64
    /// Each person-day-tool written as this many rows (as an hourly or per-category export
    /// would), so row counts can grow while people and days stay the same.
    var split = 1
    /// Only the first this-many teams of the list (for `candor init`'s small example).
    var teamLimit: Int?
    /// Also write vendor exports (an Amazon Q user-activity report for three teams, Copilot
    /// seats) and the people directory that joins them, as the example report has.
    var vendorSources = false
    /// `planted`: productive teams' outcomes rise with their usage, and two of them ship more
    /// failed changes as they do (a guardrail trade-off). `null`: outcomes have nothing to do with
    /// usage — each team's own level with weekly noise — for tests of false findings.
    enum Outcomes: String { case planted, null }
    var outcomeModel = Outcomes.planted
    /// Productive teams whose change failures rise with their usage.
    static let fragileTeams: Set<String> = ["Web Frontend", "Data Engineering"]
    static let amazonQTeams: Set<String> = ["Platform", "Storage", "Networking"]
    /// Teams that also call the OpenAI API directly, each under its own OpenAI project.
    static let openAIProjects: [String: String] = ["Data Engineering": "proj_dataeng", "ML Platform": "proj_mlplatform", "Analytics": "proj_analytics"]
    var start = Day(year: 2026, month: 1, day: 5)!
    var reviewDates: [Day] {
        [Day(year: 2026, month: 3, day: 31)!, Day(year: 2026, month: 6, day: 30)!, Day(year: 2026, month: 9, day: 30)!]
            .filter { $0 < start + days && $0 - start >= 42 }
    }

    static let teamNames = [
        "Payments", "Search", "Checkout", "Mobile Apps", "Platform", "Data Engineering", "Identity", "Fraud", "Ledger", "Growth",
        "Developer Tools", "Observability", "Storage", "Networking", "Billing", "Onboarding", "Messaging", "Recommendations",
        "Maps", "Pricing", "Support Tools", "Security", "Compliance Eng", "Design Systems", "Web Frontend", "Analytics",
        "ML Platform", "Catalog", "Logistics", "Partner API", "Infra Reliability", "Release Engineering", "QA Automation",
        "Documentation", "Internal Apps", "Finance Systems", "HR Systems", "Sales Engineering", "Customer Data", "Legal Ops",
    ]

    static let tools = [
        // GitHub Copilot is licensed by the seat (Copilot Business lists $19 a month); the others are
        // priced by the token, with cache reads at the vendors' cache-read price where they have one.
        Tool(name: "github-copilot", capability: "code completion", vendor: "GitHub", priceIn: nil, priceOut: nil, completions: true, tokensPerRequest: 900, seatMonth: 19),
        Tool(name: "cursor", capability: "code completion", vendor: "Anysphere", priceIn: 0.003, priceOut: 0.015, completions: true, tokensPerRequest: 2400, priceCached: 0.0003),
        Tool(name: "claude-code", capability: "coding agent", vendor: "Anthropic", priceIn: 0.003, priceOut: 0.015, completions: false, tokensPerRequest: 9000, priceCached: 0.0003),
        Tool(name: "chatgpt-enterprise", capability: "chat assistant", vendor: "OpenAI", priceIn: 0.0025, priceOut: 0.01, completions: false, tokensPerRequest: 1800, priceCached: 0.00125),
        Tool(name: "internal-gpt", capability: "chat assistant", vendor: "in-house", priceIn: 0.0008, priceOut: 0.0024, completions: false, tokensPerRequest: 1500),
        Tool(name: "notebook-ai", capability: "data notebooks", vendor: "Example Notebooks", priceIn: 0.002, priceOut: 0.008, completions: false, tokensPerRequest: 1200),
        Tool(name: "slides-ai", capability: "presentations", vendor: "Example Slides", priceIn: 0.001, priceOut: 0.004, completions: false, tokensPerRequest: 800),
    ]

    /// Teams with their stories. The inflating and small teams are fixed so tests can find them.
    func teams() -> [Team] {
        var generator = SplitMix64(seed: seed ^ 0x7EA5)
        let storyFor: [String: Story] = [
            "Growth": .inflated, "Support Tools": .inflated, "Sales Engineering": .inflated, "Internal Apps": .inflated, "Billing": .inflated,
            "Payments": .productive, "Search": .productive, "Platform": .productive, "Developer Tools": .productive, "ML Platform": .productive,
            "Checkout": .productive, "Observability": .productive, "Data Engineering": .productive, "Web Frontend": .productive,
            "Ledger": .untapped, "Fraud": .untapped, "Security": .untapped, "Maps": .untapped, "Storage": .untapped, "Pricing": .untapped,
            "Legal Ops": .small,
        ]
        let names = teamLimit.map { Array(Self.teamNames.prefix($0)) } ?? Self.teamNames
        let regular = max(names.count - 1, 1)
        let base = max(6, (users - 3) / regular)
        return names.map { name in
            let story = storyFor[name] ?? .ordinary
            if story == .small { return Team(name: name, story: .small, size: 3, headcount: 3) }
            let size = max(6, base + generator.below(max(base / 2, 1)) - base / 4)
            return Team(name: name, story: story, size: size, headcount: size + generator.below(4))
        }
    }

    struct Written {
        var usageRows = 0
        var files: [String] = []
    }

    /// Writes a report folder into `folder`.
    func write(to folder: String, withCommentary: Bool = true, skipExisting: Bool = false) throws -> Written {
        let fileManager = FileManager.default
        for sub in ["data/usage", "feedback", "commentary"] {
            try fileManager.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        var written = Written()
        let teams = teams()
        func save(_ relative: String, _ text: String) throws {
            if skipExisting && fileManager.fileExists(atPath: folder + "/" + relative) { return }
            try text.write(toFile: folder + "/" + relative, atomically: true, encoding: .utf8)
            written.files.append(relative)
        }
        try save("report.yml", teamLimit == nil ? reportYML() : InitTemplate.reportYML(start: start, days: days, reviewDates: reviewDates))
        try save("data/headcount.csv", "team,headcount\n" + teams.map { "\(csv($0.name)),\($0.headcount)" }.joined(separator: "\n") + "\n")
        func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        try save("data/tools.csv", "tool,capability,vendor,price_in_per_1k,price_out_per_1k,price_cached_per_1k,price_per_seat_month\n" + Self.tools.map {
            "\($0.name),\($0.capability),\($0.vendor),\(cell($0.priceIn)),\(cell($0.priceOut)),\(cell($0.priceCached)),\(cell($0.seatMonth))"
        }.joined(separator: "\n") + "\n" + (vendorSources ? "amazon-q-developer,code completion,AWS,,,,\nopenai-api,chat assistant,OpenAI,,,,\n" : ""))

        // Usage, streamed to the file in blocks.
        let usagePath = folder + "/data/usage/usage.csv"
        if skipExisting && fileManager.fileExists(atPath: usagePath) { return written }
        guard fileManager.createFile(atPath: usagePath, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: usagePath))
        defer { try? handle.close() }
        var block = "date,user,team,tool,requests,input_tokens,output_tokens,cached_tokens,suggestions_shown,suggestions_accepted,lines_suggested,lines_accepted,task_category,prompt_hash,automated\n"
        var outcomes = "period,team,metric,value\n"
        var generator = SplitMix64(seed: seed)
        var vendorGenerator = SplitMix64(seed: seed ^ 0xA11A5)
        var person = 0
        let reviews = reviewDates
        var peopleCSV = "user,team,aliases,role\n"
        var seatsJSON: [String] = []
        var amazonQ: [String: String] = [:]  // month → CSV rows
        var openAIGenerator = SplitMix64(seed: seed ^ 0x0BE7A1)
        var failureGenerator = SplitMix64(seed: seed ^ 0xFA11ED)
        var openAIResults: [Int: [String]] = [:]  // day offset → results of that day's bucket
        var openAICost: [Int: [String: (input: Double, output: Double)]] = [:]  // day offset → project → dollars
        for team in teams {
            // Weekly activity of this team, to derive its value.
            var teamTokensByWeek = [Double](repeating: 0, count: days / 7 + 1)
            for member in 0..<team.size {
                person += 1
                let user = String(format: "u%05d", person)
                let profile = PersonProfile(team: team, member: member, generator: &generator, days: days)
                if vendorSources {
                    let uuid = String(format: "%08x-%04x-4%03x-a%03x-%012llx", UInt32(truncatingIfNeeded: vendorGenerator.next()),
                                      UInt16(truncatingIfNeeded: vendorGenerator.next()), vendorGenerator.below(4096), vendorGenerator.below(4096),
                                      vendorGenerator.next() & 0xFFFF_FFFF_FFFF)
                    var aliases = "\(uuid)|gh-\(user)"
                    // Some people of three teams call the OpenAI API under an OpenAI user id.
                    if let project = Self.openAIProjects[team.name], openAIGenerator.unit() < 0.6 {
                        let id = String(format: "user-%012llx", openAIGenerator.next() & 0xFFFF_FFFF_FFFF)
                        aliases += "|\(id)"
                        for offset in 14..<days where (start + offset).weekday <= 5 && openAIGenerator.unit() < 0.3 {
                            let requests = 1 + openAIGenerator.below(30)
                            let input = requests * (800 + openAIGenerator.below(1200)), cached = input * openAIGenerator.below(40) / 100
                            let output = requests * (300 + openAIGenerator.below(300))
                            openAIResults[offset, default: []].append(#"{"object":"organization.usage.completions.result","input_tokens":\#(input),"output_tokens":\#(output),"input_cached_tokens":\#(cached),"input_audio_tokens":0,"output_audio_tokens":0,"num_model_requests":\#(requests),"project_id":null,"user_id":"\#(id)","api_key_id":null,"model":"gpt-4.1-2025-04-14","batch":false}"#)
                            var cost = openAICost[offset, default: [:]][project, default: (0, 0)]
                            cost.input += Double(input - cached) * 2e-6 + Double(cached) * 5e-7
                            cost.output += Double(output) * 8e-6
                            openAICost[offset, default: [:]][project] = cost
                        }
                    }
                    peopleCSV += "\(user),\(csv(team.name)),\(aliases),engineer\n"
                    if profile.tools.contains(0) {
                        seatsJSON.append("{\"created_at\":\"2026-01-05T09:00:00Z\",\"plan_type\":\"business\",\"assignee\":{\"login\":\"gh-\(user)\",\"type\":\"User\"}}")
                    }
                    // Amazon Q for some people of three teams, from the second month on.
                    if Self.amazonQTeams.contains(team.name) && vendorGenerator.unit() < 0.6 {
                        for offset in 28..<days where (start + offset).weekday <= 5 && vendorGenerator.unit() < 0.35 {
                            let day = start + offset
                            let (y, m, d) = day.civil
                            let shown = 5 + vendorGenerator.below(60), accepted = vendorGenerator.below(shown / 3 + 1)
                            let chat = vendorGenerator.unit() < 0.4 ? vendorGenerator.below(8) : 0
                            // UserId, Date, Chat_AICodeLines, Chat_MessagesSent, Inline_AICodeLines, Inline_AcceptanceCount, Inline_SuggestionsCount
                            amazonQ[String(format: "%04d/%02d", y, m), default: ""] += "\"\(uuid)\",\(String(format: "%02d-%02d-%04d", m, d, y)),\(chat > 0 ? String(chat * 3) : ""),\(chat > 0 ? String(chat) : ""),\(accepted * 2),\(accepted),\(shown)\n"
                        }
                    }
                }
                for offset in 0..<days {
                    let day = start + offset
                    guard day.weekday <= 5 || generator.unit() < 0.04 else { continue }
                    guard offset >= profile.firstDay, offset <= profile.lastDay else { continue }
                    var activity = profile.activity
                    // Growth over the year for productive teams; spikes before reviews for inflating ones.
                    if team.story == .productive { activity *= 0.7 + 0.6 * Double(offset) / Double(max(days, 1)) }
                    let beforeReview = reviews.contains { $0 - day >= 1 && $0 - day <= 7 }
                    if team.story == .inflated && beforeReview { activity = min(0.98, activity * 2.2) }
                    guard generator.unit() < activity else { continue }
                    for toolIndex in profile.tools {
                        let tool = Self.tools[toolIndex]
                        var requests = 1 + Int(generator.unit() * profile.intensity * (tool.completions ? 30 : 12))
                        if team.story == .inflated && beforeReview { requests = requests * 3 + 10 }
                        let perRequest = tool.tokensPerRequest * (0.6 + generator.unit() * 0.8)
                        let tokens = Double(requests) * perRequest
                        let input = Int(tokens * 0.78), output = Int(tokens * 0.22)
                        let cached = Int(Double(input) * (0.2 + generator.unit() * 0.3))
                        var shown = "", accepted = "", linesSuggested = "", linesAccepted = ""
                        if tool.completions {
                            let s = requests * (2 + generator.below(3))
                            let rate = team.story == .inflated ? 0.08 + generator.unit() * 0.08 : 0.24 + generator.unit() * 0.16
                            let a = Int(Double(s) * rate)
                            let ls = s * 3, la = Int(Double(ls) * rate * 0.8)
                            (shown, accepted, linesSuggested, linesAccepted) = (String(s), String(a), String(ls), String(la))
                        }
                        let lowValue = team.story == .inflated ? (beforeReview ? 0.85 : 0.45) : 0.05
                        let category: String
                        if generator.unit() < lowValue {
                            category = generator.unit() < 0.5 ? "status-report" : "auto-summary"
                        } else {
                            category = ["coding", "debugging", "review", "docs", "chat", "testing"][generator.below(6)]
                        }
                        let automated = team.story == .inflated ? generator.unit() < (beforeReview ? 0.75 : 0.4) : generator.unit() < 0.02
                        let hash: String
                        if team.story == .inflated && generator.unit() < 0.7 {
                            hash = "h-\(user)-\(generator.below(3))"
                        } else if generator.unit() < 0.5 {
                            hash = String(format: "h%016llx", generator.next())
                        } else {
                            hash = ""
                        }
                        if split <= 1 {
                            block += "\(day),\(user),\(csv(team.name)),\(tool.name),\(requests),\(input),\(output),\(cached),\(shown),\(accepted),\(linesSuggested),\(linesAccepted),\(category),\(hash),\(automated ? "true" : "false")\n"
                            written.usageRows += 1
                        } else {
                            // Counts shared out over the parts; suggestions stay on the first.
                            for part in 0..<split {
                                func share(_ total: Int) -> Int { total * (part + 1) / split - total * part / split }
                                let first = part == 0
                                block += "\(day),\(user),\(csv(team.name)),\(tool.name),\(share(requests)),\(share(input)),\(share(output)),\(min(share(cached), share(input))),\(first ? shown : ""),\(first ? accepted : ""),\(first ? linesSuggested : ""),\(first ? linesAccepted : ""),\(category),\(hash),\(automated ? "true" : "false")\n"
                            }
                            written.usageRows += split
                        }
                        teamTokensByWeek[offset / 7] += tokens
                    }
                    if block.utf8.count > 1 << 20 {
                        handle.write(Data(block.utf8))
                        block = ""
                    }
                }
            }
            // Value: merged pull requests per week, and the guardrail, changes that failed in
            // production (drawn from a generator of their own, so the other files stay the same).
            let weeks = (days + 6) / 7
            var nullLevel = 1.0 + 2.0 * failureGenerator.unit()
            if outcomeModel == .null { nullLevel = max(0.3, nullLevel) }
            // A team's usage in a week relative to its own mean week (per day, so a cut-short
            // last week compares fairly): productive teams' outcomes follow it.
            let perDay = (0..<weeks).map { week in teamTokensByWeek[week] / Double(max(1, min(7, days - week * 7))) }
            let typicalDay = max(perDay.reduce(0, +) / Double(max(weeks, 1)), 1)
            for week in 0..<weeks {
                let monday = start + week * 7
                let heads = Double(team.headcount)
                let relative = max(perDay[week] / typicalDay, 0.05)
                var perHead: Double
                switch team.story {
                case .productive:  // rises with the team's usage; the fragile teams ship faster still
                    perHead = 2.4 * pow(relative, Self.fragileTeams.contains(team.name) && outcomeModel == .planted ? 1.2 : 0.6)
                case .inflated: perHead = 1.1
                case .untapped: perHead = 2.6
                case .ordinary: perHead = 1.5
                case .small: perHead = 1.5
                }
                perHead *= 0.85 + generator.unit() * 0.3
                if outcomeModel == .null { perHead = nullLevel * (0.8 + failureGenerator.unit() * 0.4) }
                let value = max(0, (perHead * heads).rounded())
                outcomes += "\(monday.week),\(csv(team.name)),prs_merged,\(Int(value))\n"
                // Failed changes: about 0.15 per head a week; in two productive teams they rise
                // with usage faster than the pull requests do.
                var failuresPerHead = 0.15
                var noise = 0.7 + failureGenerator.unit() * 0.6
                if outcomeModel == .planted && Self.fragileTeams.contains(team.name) {
                    failuresPerHead = 0.15 * pow(relative, 4)
                    noise = 0.9 + (noise - 0.7) / 3
                }
                let failures = (failuresPerHead * heads * noise).rounded()
                outcomes += "\(monday.week),\(csv(team.name)),change_failures,\(Int(failures))\n"
            }
        }
        handle.write(Data(block.utf8))
        written.files.append("data/usage/usage.csv")
        if vendorSources {
            try save("data/people.csv", peopleCSV)
            // Licensed seats: everyone given Copilot or Cursor got a Copilot seat, plus unused ones.
            let unused = (0..<(seatsJSON.count / 10)).map { "{\"created_at\":\"2026-01-05T09:00:00Z\",\"plan_type\":\"business\",\"assignee\":{\"login\":\"gh-unused-\($0)\",\"type\":\"User\"}}" }
            try fileManager.createDirectory(atPath: folder + "/data/vendor/copilot", withIntermediateDirectories: true)
            try save("data/vendor/copilot/seats.json", "{\"total_seats\":\(seatsJSON.count + unused.count),\"seats\":[\n" + (seatsJSON + unused).joined(separator: ",\n") + "\n]}\n")
            for (month, rows) in amazonQ.sorted(by: { $0.key < $1.key }) {
                let dir = "data/vendor/amazon-q/AWSLogs/123456789012/QDeveloperLogs/by_user_analytic/eu-west-1/\(month)"
                try fileManager.createDirectory(atPath: folder + "/" + dir, withIntermediateDirectories: true)
                try save("\(dir)/123456789012_by_user_analytic_\(month.replacingOccurrences(of: "/", with: ""))_part_1.csv",
                         "UserId,Date,Chat_AICodeLines,Chat_MessagesSent,Inline_AICodeLines,Inline_AcceptanceCount,Inline_SuggestionsCount\n" + rows)
            }
            try writeOpenAI(folder: folder, results: openAIResults, costs: openAICost, save: save)
        }
        try save("data/outcomes.csv", outcomes)
        try writeFeedback(teams: teams, generator: &generator, save: save)
        if withCommentary { try save("commentary/reading-this-report.md", teamLimit == nil ? Self.starterCommentary : InitTemplate.commentary) }
        return written
    }

    /// One person's habits.
    struct PersonProfile {
        var activity: Double
        var intensity: Double
        var tools: [Int]
        var firstDay: Int
        var lastDay: Int

        init(team: Team, member: Int, generator: inout SplitMix64, days: Int) {
            switch team.story {
            case .productive: activity = 0.55 + generator.unit() * 0.3; intensity = 0.8 + generator.unit() * 0.6
            case .inflated: activity = 0.5 + generator.unit() * 0.3; intensity = 1.0 + generator.unit() * 0.6
            case .untapped: activity = 0.06 + generator.unit() * 0.1; intensity = 0.3 + generator.unit() * 0.3
            case .ordinary: activity = 0.25 + generator.unit() * 0.3; intensity = 0.5 + generator.unit() * 0.5
            case .small: activity = 0.4; intensity = 0.6
            }
            // Some people never take it up; some try and drop out (onboarding pain).
            let roll = generator.unit()
            if team.story != .small && roll < 0.08 { activity = 0 }
            firstDay = generator.below(max(days / 3, 1))
            lastDay = roll > 0.08 && roll < 0.2 ? min(days - 1, firstDay + 3 + generator.below(10)) : days - 1
            let primary = generator.below(2)  // copilot or cursor
            var chosen = [primary]
            if generator.unit() < 0.45 { chosen.append(2) }
            if generator.unit() < 0.5 { chosen.append(generator.unit() < 0.6 ? 3 : 4) }
            if team.name == "Data Engineering" && member < 3 { chosen.append(5) }  // tools below the privacy floor
            if team.name == "Design Systems" && member < 2 { chosen.append(6) }
            if generator.unit() < 0.08 { chosen.append(1 - primary) }
            tools = chosen
        }
    }

    func writeFeedback(teams: [Team], generator: inout SplitMix64, save: (String, String) throws -> Void) throws {
        let comments: [Story: [String]] = [
            .productive: [
                "Copilot saved time on boilerplate and tests; genuinely helpful for our migrations.",
                "The agent is useful for refactoring. It saves me an hour a day, and reviews are faster.",
                "Helpful for writing tests. Onboarding was easy once the setup guide existed.",
            ],
            .inflated: [
                "We were told the usage dashboard matters for the review, so people run scripts to keep the numbers up. The quota feels forced.",
                "Mandate pressure: managers check token counts weekly. Most of my requests are status reports nobody reads.",
                "Honestly the auto-summary bot inflates our numbers. The mandate makes us look busy, not productive.",
            ],
            .untapped: [
                "I'd use it more but onboarding was confusing and I could not get access for weeks.",
                "Setup was hard; I tried it once and the licence expired. Would like training.",
                "The tools look helpful but nobody showed us how to fit them into our review process.",
            ],
            .ordinary: [
                "Useful for small things. Sometimes it hallucinates APIs, so I double-check everything.",
                "It is fine. I use the chat assistant for docs; completions are hit and miss.",
                "Mixed: helpful for SQL, useless for our legacy code.",
            ],
            .small: ["We are a small team and use it for contract templates."],
        ]
        var survey = "date,team,tool,usefulness,pressure_to_use,onboarding_ease,hours_saved_per_week,comment\n"
        var hoursGenerator = SplitMix64(seed: seed ^ 0x40B5)
        var count = 0
        for team in teams {
            let answers = max(3, team.size / 3)
            for _ in 0..<answers {
                let day = start + min(days - 1, max(0, days - 30 + generator.below(28)))
                let options = comments[team.story]!
                var comment = options[generator.below(options.count)]
                if generator.unit() < 0.03 { comment += " Contact me at jane.doe@example.com or @jdoe for details." }
                let (useful, pressure, ease): (Int, Int, Int)
                switch team.story {
                case .productive: (useful, pressure, ease) = (4 + generator.below(2), 1 + generator.below(3), 3 + generator.below(3))
                case .inflated: (useful, pressure, ease) = (1 + generator.below(3), 4 + generator.below(2), 3 + generator.below(2))
                case .untapped: (useful, pressure, ease) = (3 + generator.below(2), 1 + generator.below(2), 1 + generator.below(2))
                default: (useful, pressure, ease) = (2 + generator.below(3), 2 + generator.below(3), 2 + generator.below(3))
                }
                // Hours saved a week as people report them: inflating teams report time saved that
                // their outcomes do not show.
                let typical: Double
                switch team.story {
                case .productive: typical = 3
                case .inflated: typical = 2.5
                case .untapped: typical = 0.5
                default: typical = 1.2
                }
                let hours = (max(0, typical * (0.2 + hoursGenerator.unit() * 1.6)) * 2).rounded() / 2
                let tool = ["github-copilot", "cursor", "claude-code", "chatgpt-enterprise"][hoursGenerator.below(4)]
                survey += "\(day),\(csv(team.name)),\(tool),\(useful),\(pressure),\(ease),\(hours),\(csv(comment))\n"
                count += 1
            }
        }
        try save("feedback/survey.csv", survey)
        let last = start + (days - 1)
        try save("feedback/open-letter-on-usage-quotas.md", """
        ---
        date: \(last + (-10))
        channel: letter
        title: Open letter on usage quotas
        ---
        We, engineers across several teams, ask leadership to stop ranking people by **token counts**.

        Since usage became part of performance reviews, colleagues have set up scripts that send
        requests nobody reads. This inflates the numbers and *hides* where the tools really help:
        test generation, migrations, reading unfamiliar code. It is mandate pressure, and it is
        forced on us.

        We propose measuring outcomes instead, and keeping usage data anonymous and aggregated.

        <script>alert('this letter was not escaped')</script>
        [a link that must not run](javascript:alert(1))

        Questions to the organisers: organisers@example.com.

        """)
        try save("feedback/retro-onboarding.md", """
        ---
        date: \(last + (-20))
        channel: retro
        team: Ledger
        scores: {usefulness: 4, onboarding_ease: 1}
        ---
        Retro notes: the tools are helpful once set up, but onboarding took three weeks. Access
        requests were confusing and there was no training. Several people tried it once and gave up.

        """)
    }

    func reportYML() -> String {
        let last = start + (days - 1)
        return """
        # Candor report settings. Every key but title is optional; `candor init` shows them all.
        title: "AI adoption and value, \(start.readable) to \(last.readable)"
        organisation: "Example Corp"
        period: {from: \(start), to: \(last)}
        privacy: {min_group_size: 5}
        value:
          metrics:
            - {metric: prs_merged, name: Pull requests merged, unit: PRs, direction: higher, role: primary}
            - {metric: change_failures, name: Failed changes, unit: failed changes, direction: lower, role: guardrail}
          hours_saved: [hours_saved_per_week]
        signals:
          review_dates: [\(reviewDates.map(\.description).joined(separator: ", "))]
          review_window_days: 7
          low_value_categories: [status-report, auto-summary]
          false_discovery_rate: 0.1
        redact: ["EMP-\\\\d{6}"]
        themes:
          mandate_pressure: [mandate, quota, forced, pressure, dashboard, review]
          genuine_value: [saved time, helpful, useful, saves, faster]
          onboarding: [onboarding, setup, access, training, licence]
          quality_concerns: [hallucinate, double-check, hit and miss, useless]
          inflation: [inflate, scripts, status reports, auto-summary, look busy]
        seed: \(seed)
        \(vendorSources ? Self.vendorSourcesYAML : "")
        """
    }

    static let vendorSourcesYAML = """
        sources:
          - {format: amazon-q, path: data/vendor/amazon-q/}
          - {format: copilot-seats, path: data/vendor/copilot/seats.json}
          - {format: openai-usage, path: "data/vendor/openai/usage-*.ndjson", tool: openai-api}
          - format: openai-costs
            path: data/vendor/openai/costs.json
            tool: openai-api
            teams: {\(openAIProjects.sorted { $0.key < $1.key }.map { "\($0.value): \($0.key)" }.joined(separator: ", "))}

        """

    /// The OpenAI organisation usage API's pages (a week of daily buckets each, one page per
    /// line, a file per month) and its costs API's pages (per project and day, in dollars).
    func writeOpenAI(folder: String, results: [Int: [String]], costs: [Int: [String: (input: Double, output: Double)]],
                     save: (String, String) throws -> Void) throws {
        try FileManager.default.createDirectory(atPath: folder + "/data/vendor/openai", withIntermediateDirectories: true)
        func bucket(_ offset: Int, _ results: [String]) -> String {
            let startTime = Int(start.index + Int32(offset)) * 86400
            return #"{"object":"bucket","start_time":\#(startTime),"end_time":\#(startTime + 86400),"results":[\#(results.joined(separator: ","))]}"#
        }
        var months: [String: [Int]] = [:]
        for offset in 14..<days {
            let (y, m, _) = (start + offset).civil
            months[String(format: "%04d-%02d", y, m), default: []].append(offset)
        }
        for (month, offsets) in months.sorted(by: { $0.key < $1.key }) {
            let weeks = stride(from: 0, to: offsets.count, by: 7).map { Array(offsets[$0..<min($0 + 7, offsets.count)]) }
            let pages = weeks.enumerated().map { index, week in
                #"{"object":"page","data":[\#(week.map { bucket($0, results[$0] ?? []) }.joined(separator: ","))],"has_more":\#(index + 1 < weeks.count),"next_page":\#(index + 1 < weeks.count ? "\"page_\(index + 2)\"" : "null")}"#
            }
            try save("data/vendor/openai/usage-\(month).ndjson", pages.joined(separator: "\n") + "\n")
        }
        var pages: [String] = []
        let offsets = Array(14..<days)
        for first in stride(from: 0, to: offsets.count, by: 30) {
            let chunk = offsets[first..<min(first + 30, offsets.count)]
            let buckets = chunk.map { offset in
                let lines = (costs[offset] ?? [:]).sorted { $0.key < $1.key }.flatMap { project, dollars in
                    [(project, dollars.input, "gpt-4.1-2025-04-14, input"), (project, dollars.output, "gpt-4.1-2025-04-14, output")]
                }.map { project, value, item in
                    #"{"object":"organization.costs.result","amount":{"value":\#(String(format: "%.6f", value)),"currency":"usd"},"line_item":"\#(item)","project_id":"\#(project)"}"#
                }
                return bucket(offset, lines)
            }
            pages.append(#"{"object":"page","data":[\#(buckets.joined(separator: ","))],"has_more":\#(first + 30 < offsets.count),"next_page":null}"#)
        }
        try save("data/vendor/openai/costs.json", "[\n" + pages.joined(separator: ",\n") + "\n]\n")
    }

    static let starterCommentary = """
    ---
    title: Reading this report
    summary: What the figures mean and how to write commentary.
    order: 1
    ---
    # Reading this report

    Adoption stands at **{{ org.adoption_rate }}** of {{ org.headcount }} people, who used
    {{ org.tokens }} tokens. Across team-weeks, usage per head and value per head have a rank
    correlation of {{ org.correlation.spearman }} (95 % interval {{ org.correlation.spearman_ci95 }},
    n = {{ org.correlation.n }}): an association, not a cause.

    {{ org.teams_flagged }} teams are flagged for possible inflation. A flag is a risk to look
    at, not a verdict.

    ```chart
    type: scatter
    data: teams
    x: tokens_per_active_user
    y: value_per_head
    title: Adoption versus value
    ```

    Write `{{ org.adoption_rate }}` in a page to cite a figure; figures of suppressed teams
    are replaced by a note, never shown.

    """
}

/// Quotes a CSV field when it needs it.
func csv(_ value: String) -> String {
    value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
}

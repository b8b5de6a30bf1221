import Analysis
import Disclosure
import Charts
import Dataset
import Foundation
import Markdown
import Stats

let si = NumberFormat.si
let pct = NumberFormat.percent
let usd = NumberFormat.currency
let whole = NumberFormat.integer

func rate(_ value: Double?) -> String { value.map(pct.format) ?? "n/a" }
/// "$30.1k–$37.2k", or one figure when both ends agree.
func dollarRange(_ range: Analysis.Range) -> String {
    let low = usd.format(range.low), high = usd.format(range.high)
    return low == high ? high : "\(low)–\(high)"
}
func interval(_ estimate: Estimate?) -> String {
    estimate.map { String(format: "%.2f (95 %% interval %.2f to %.2f, n = %d)", $0.value, $0.low, $0.high, $0.n) } ?? "not enough data"
}

extension SiteBuilder {
    // MARK: Summary

    mutating func summaryPage() throws {
        let org = report.org
        let coverage = report.coverage
        let scatter = chart("index/scatter") { $0.adoptionVersusValue() }
        var coverageParts = ["data for \(whole.format(coverage.daysWithData)) of \(whole.format(coverage.daysInPeriod)) day\(coverage.daysInPeriod == 1 ? "" : "s")"]
        let withheld = report.suppression.teamsWithheld
        coverageParts.append("\(whole.format(withheld)) team\(withheld == 1 ? "" : "s") withheld to protect small groups")
        coverageParts.append("\(whole.format(Double(coverage.rowsRejected))) row\(coverage.rowsRejected == 1 ? "" : "s") rejected")
        if let partial = coverage.partialLastWeek { coverageParts.append("week \(partial.short) is partial") }
        let headline: [[String: Any]] = [
            ["label": "Adoption rate", "value": rate(org.adoptionRate),
             "detail": "\(whole.format(Double(org.activeUsers))) active of \(org.headcount.map { whole.format(Double($0)) } ?? "n/a") (\(org.adoptionDenominator))"],
            ["label": "Active people", "value": whole.format(Double(org.activeUsers)), "detail": "used an AI tool at least once in the period"],
            ["label": "Tokens", "value": si.format(Double(org.tokens)), "detail": "\(si.format(Double(org.requests))) requests; \(si.format(Double(org.cachedTokens))) cached input tokens"],
            ["label": "Cost", "value": dollarRange(org.costRange),
             "detail": (org.seatCostUSD > 0 ? "\(usd.format(org.seatCostUSD)) of it seat licences; " : "")
                + (org.costCoverage.map { "\(pct.format($0)) of tokens priced" + ($0 < 1 ? ": a lower bound" : "") } ?? "no tokens")],
            ["label": "CO₂e", "value": NumberFormat.range(org.co2eKg.low, org.co2eKg.high) + "\u{00A0}kg",
             "detail": "energy " + NumberFormat.range(org.energyKWh.low, org.energyKWh.high) + "\u{00A0}kWh"],
            ["label": "Adoption versus value", "value": adoptionValueHeadline,
             "detail": "within teams: \(withinSentence(report.correlation, level: report.correlationLevel)); an association, not a cause"],
            ["label": "Teams flagged", "value": String(report.teamsFlagged),
             "detail": "by the inflation test, of \(whole.format(report.publishedTeams.count)) published teams; at most \(pct.format(report.falseDiscoveryRate)) of flags expected to be false alarms"],
        ]
        let published = report.publishedTeams.map(\.figures)
        let flagged = published.filter { $0.inflation.flagged }
        let signalRows = published.sorted { ($0.inflation.index ?? -1, $1.team) > ($1.inflation.index ?? -1, $0.team) }
        let signalNames = ReportConfig.signalNames
        var signalTable = tableOpening(className: "figures signals", caption: "Inflation signals (0 = none, 1 = strongest)",
                                       columns: ["Team", "Index"] + signalNames.map { $0.replacingOccurrences(of: "_", with: " ") })
        for team in signalRows {
            signalTable += "<tr\(team.inflation.flagged ? " class=\"flagged\"" : "")><th scope=\"row\"><a href=\"teams/\(esc(team.slug)).html\">\(esc(team.team))</a>\(team.inflation.flagged ? " <span class=\"badge\">flagged</span>" : "")</th>"
            signalTable += "<td>\(team.inflation.index.map { String(format: "%.2f", $0) } ?? "–")</td>"
            for name in signalNames {
                let signal = team.inflation.signals.first { $0.name == name }
                signalTable += "<td title=\"\(esc(signal?.evidence ?? ""))\">\(signal?.value.map { String(format: "%.2f", $0) } ?? "–")</td>"
            }
            signalTable += "</tr>\n"
        }
        signalTable += "</tbody></table></div>\n"

        let teamsTable = teamsTableHTML()
        let context: [String: Any] = [
            "lead": leadParagraph,
            "outcomesTable": outcomesTableHTML(), "hasOutcomes": !report.outcomes.isEmpty,
            "guardrail": guardrailNotice,
            "timeSaved": report.timeSaved.compactMap { saved -> String? in
                guard let estimate = saved.org else { return nil }
                return "People report saving \(OutcomeWords.hours(estimate)) (\(whole.format(saved.n)) answers). " + (OutcomeWords.comparison(saved.comparison, primary: report.primaryOutcome?.metric) ?? "")
            },
            "coverage": coverageParts.joined(separator: "; "),
            "headline": headline,
            "scatter": scatter, "hasScatter": !scatter.isEmpty,
            "scatterAbsent": report.primaryOutcome == nil
                ? "The report has no outcome data (data/outcomes.csv and value: in report.yml), so there is no value to set adoption against."
                : "Fewer than two published teams have both usage and value per head, so there is nothing to plot.",
            "trendActive": chart("index/weekly-active") { $0.weeklyActive() },
            "trendTokens": chart("index/weekly-tokens") { $0.weeklyTokens() },
            "inflation": chart("index/inflation") { $0.inflationRanking() },
            "signalTable": signalTable,
            "flagged": flagged.map { ["team": $0.team, "href": "teams/\($0.slug).html", "index": String(format: "%.2f", $0.inflation.index ?? 0),
                                      "evidence": $0.inflation.signals.filter { ($0.value ?? 0) >= 0.5 }.map(\.evidence).joined(separator: "; ")] },
            "hasFlagged": !flagged.isEmpty,
            "themes": chart("themes") { $0.themes() },
            "scores": chart("scores") { $0.scores() },
            "quotes": quoteContext(Array(report.feedback.quotes.prefix(4))),
            "feedbackDocuments": whole.format(report.feedback.documents),
            "netSentiment": report.feedback.netSentiment.map { String(format: "%+.0f", $0) } ?? "n/a",
            "funnel": chart("index/funnel") { $0.funnel($0.report.toolRetention) },
            "onboarding": onboardingQuotes(),
            "capabilities": report.sprawl.capabilities.map { ["capability": $0.capability, "tools": $0.tools.map(report.toolName).joined(separator: ", "), "count": $0.tools.count] },
            "sprawlSummary": sprawlSentence(),
            "teamsTable": teamsTable,
            "commentary": inputs.commentary.map { ["href": "\($0.slug).html", "title": $0.title, "summary": $0.summary ?? "", "hasSummary": !($0.summary ?? "").isEmpty] },
            "hasCommentary": !inputs.commentary.isEmpty,
        ]
        try page(path: "index.html", title: report.title, template: "index", context: context, description: headlineSentence())
    }

    /// The within-team finding as a tile's value: a few words.
    var adoptionValueHeadline: String {
        switch report.correlation.finding {
        case .more: return "more value with more usage"
        case .less: return "less value with more usage"
        case .unclear: return "no clear association"
        case .notEnoughData: return "not enough data"
        }
    }

    func quoteContext(_ quotes: [Quote]) -> [[String: Any]] {
        quotes.map { quote in
            ["text": quote.text, "theme": quote.theme.replacingOccurrences(of: "_", with: " "), "sentiment": quote.sentiment,
             "standsFor": quote.standsFor, "documents": quote.standsFor == 1 ? "1 document" : "\(quote.standsFor) documents", "channel": quote.channel]
        }
    }

    func onboardingQuotes() -> [[String: Any]] {
        quoteContext(report.feedback.quotes.filter { $0.theme.contains("onboard") }.prefix(2).map { $0 })
    }

    func sprawlSentence() -> String {
        let sprawl = report.sprawl
        var parts = ["\(report.tools.count) tools in \(sprawl.capabilities.count) capabilities"]
        parts.append("\(sprawl.toolsBelowFloor) with fewer active people than the privacy floor")
        if let median = sprawl.medianToolsPerPerson { parts.append("a median of \(NumberFormat.plain(decimals: 1).format(median)) tools per person") }
        if sprawl.peopleUsingTools > 0 {
            parts.append("\(whole.format(Double(sprawl.peopleWithOverlappingTools))) of \(whole.format(Double(sprawl.peopleUsingTools))) people use two or more tools for the same capability")
        }
        return parts.joined(separator: "; ") + "."
    }

    func teamsTableHTML(order: [String]? = nil, root: String = "") -> String {
        let entries = order.map { names in names.compactMap { name in report.teams.first { $0.name == name } } } ?? report.teams
        let valueColumn = NumberFormat.column(entries.compactMap { $0.published?.figures.valuePerHead })
        var html = tableOpening(className: "figures teams", caption: "Teams", columns: ["Team", "Active / headcount", "Adoption", "Tokens per active person, period", "\(report.primaryOutcome?.metric.name ?? "Value") per head, period", "Quadrant", "Tokens per week"])
        for entry in entries {
            html += "<tr><th scope=\"row\"><a href=\"\(root)teams/\(esc(entry.slug)).html\">\(esc(entry.name))</a></th>"
            guard let published = entry.published else {
                html += "<td colspan=\"6\" class=\"suppressed\">withheld to protect small groups</td></tr>\n"
                continue
            }
            let team = published.figures
            html += "<td>\(whole.format(Double(team.activeUsers))) / \(team.headcount.map { whole.format(Double($0)) } ?? "n/a")</td><td>\(rate(team.adoptionRate))</td>"
            html += "<td>\(team.tokensPerActiveUser.map(si.format) ?? "n/a")</td><td>\(team.valuePerHead.map(valueColumn.format) ?? "n/a")</td>"
            html += "<td>\(team.quadrant?.rawValue ?? "–")</td>"
            let spark = sparkline("team \(team.team)#spark", Sparkline(id: "spark-\(team.slug)", label: "\(team.team): tokens per week", values: published.weekly.map { $0.cell.shown.map { Double($0.tokens) } }).draw())
            html += "<td class=\"spark\">\(spark)</td></tr>\n"
        }
        return html + "</tbody></table></div>\n"
    }

    // MARK: Teams and tools

    /// Teams ranked by adoption and tools by people, each with its weekly sparkline; withheld
    /// ones listed by name only.
    mutating func groupIndexPages() throws {
        let published = report.publishedTeams.sorted { ($0.figures.adoptionRate ?? -1, $1.figures.team) > ($1.figures.adoptionRate ?? -1, $0.figures.team) }
        let order = published.map(\.figures.team) + report.teams.filter { $0.published == nil }.map(\.name)
        try page(path: "teams.html", title: "Teams", template: "group-index", context: [
            "heading": "Teams", "table": teamsTableHTML(order: order, root: ""),
            "intro": "\(whole.format(report.teams.count)) teams, ranked by adoption; \(whole.format(report.suppression.teamsWithheld)) withheld to protect small groups. Each row links to the team's page.",
        ])
        var html = tableOpening(className: "figures tools", caption: "Tools, by active people", columns: ["Tool", "Capability", "Active people", "Tokens", "Cost", "Tried → returned → sustained", "People per week"])
        let tools = report.publishedTools.sorted { ($0.figures.activeUsers, $1.figures.tool) > ($1.figures.activeUsers, $0.figures.tool) }
        for published in tools {
            let tool = published.figures
            html += "<tr><th scope=\"row\"><a href=\"tools/\(esc(tool.slug)).html\">\(esc(tool.name))</a></th><td>\(esc(tool.capability))</td><td>\(whole.format(Double(tool.activeUsers)))</td>"
            html += "<td>\(si.format(Double(tool.tokens)))</td><td>\(dollarRange(tool.costRange))</td><td>\(whole.format(tool.retention.tried)) → \(whole.format(tool.retention.returned)) → \(whole.format(tool.retention.sustained))</td>"
            let spark = sparkline("tool \(tool.tool)#spark", Sparkline(id: "spark-tool-\(tool.slug)", label: "\(tool.name): active people per week", values: published.weekly.map { $0.cell.shown.map { Double($0.activeUsers) } }).draw())
            html += "<td class=\"spark\">\(spark)</td></tr>\n"
        }
        for entry in report.tools where entry.published == nil {
            html += "<tr><th scope=\"row\"><a href=\"tools/\(esc(entry.slug)).html\">\(esc(entry.name))</a></th><td>\(esc(entry.capability))</td><td colspan=\"5\" class=\"suppressed\">withheld to protect small groups</td></tr>\n"
        }
        html += "</tbody></table></div>\n"
        try page(path: "tools.html", title: "Tools", template: "group-index", context: [
            "heading": "Tools", "table": html,
            "intro": "\(report.tools.count) tools in \(report.sprawl.capabilities.count) capabilities, by active people; \(report.suppression.toolsWithheld) withheld to protect small groups.",
        ])
    }

    mutating func teamPage(_ entry: TeamEntry) throws {
        let path = "teams/\(entry.slug).html"
        guard let published = entry.published else {
            let reason = if case let .withheld(group) = entry { group.reason } else { "" }
            try page(path: path, title: entry.name, template: "team", context: [
                "team": entry.name, "suppressed": true, "reason": reason, "floor": report.minGroupSize,
            ])
            return
        }
        let team = published.figures
        let figures: [[String: Any]] = [
            ["label": "Active people", "value": whole.format(team.activeUsers), "detail": "of \(team.headcount.map(whole.format) ?? "unknown") (headcount)"],
            ["label": "Adoption rate", "value": rate(team.adoptionRate), "detail": team.headcount == nil ? "no headcount given" : "active ÷ headcount"],
            ["label": "Tokens", "value": si.format(Double(team.tokens)), "detail": "\(si.format(Double(team.requests))) requests"],
            ["label": "Tokens per active person", "value": team.tokensPerActiveUser.map(si.format) ?? "n/a", "detail": "over the period; median per person-day \(team.intensity.tokens.map { si.format($0.median) } ?? "n/a") (n = \(whole.format(team.intensity.userDays)))"],
            ["label": "\(report.primaryOutcome?.metric.name ?? "Value") per head", "value": team.valuePerHead.map { NumberFormat.column([$0]).format($0) } ?? "n/a",
             "detail": report.primaryOutcome.map { "\($0.metric.unit) per person of the headcount, over the period (\(report.period.from.readable) to \(report.period.to.readable))" } ?? "no value metric"],
            ["label": "Acceptance", "value": rate(team.acceptanceRate), "detail": "by lines: \(rate(team.acceptanceRateLines))"],
            ["label": "Position", "value": team.quadrant?.rawValue ?? "n/a", "detail": quadrantDetail(team)],
            ["label": "Inflation index", "value": team.inflation.index.map { String(format: "%.2f", $0) } ?? "n/a", "detail": team.inflation.flagged ? "flagged: a risk to look at, not a verdict" : "not flagged"],
        ]
        let signals = team.inflation.signals.map { signal -> [String: Any] in
            ["name": signal.name.replacingOccurrences(of: "_", with: " "), "value": signal.value.map { String(format: "%.2f", $0) } ?? "–",
             "weight": NumberFormat.plain(decimals: 2).format(signal.weight), "evidence": signal.evidence]
        }
        let retention = published.retention.map { entry -> [String: Any] in
            guard let figures = entry.funnel.shown else { return ["tool": entry.name, "suppressed": true] }
            return ["tool": entry.name, "tried": whole.format(figures.tried), "returned": whole.format(figures.returned), "sustained": whole.format(figures.sustained),
                    "days": figures.medianDaysToSecondUse.map { NumberFormat.plain(decimals: 1).format($0) } ?? "–", "suppressed": false]
        }
        try page(path: path, title: team.team, template: "team", context: [
            "team": team.team, "suppressed": false, "figures": figures,
            "flagged": team.inflation.flagged,
            "active": chart("team \(team.team)#active") { $0.weeklyActive(id: "team-active", weekly: published.weekly, title: "\(team.team): active people per week") },
            "tokens": chart("team \(team.team)#tokens") { $0.weeklyTokens(id: "team-tokens", weekly: published.weekly, title: "\(team.team): tokens per week") },
            "signals": signals, "retention": retention, "outcomes": teamOutcomesHTML(team.team),
            "funnel": chart("team \(team.team)#funnel") { $0.funnel(published.retention, id: "team-funnel") },
        ])
    }

    /// The team's weekly means per head with their intervals, against the median team.
    func quadrantDetail(_ team: TeamFigures) -> String {
        guard let usage = team.usagePerHeadWeekly, let value = team.valuePerHeadWeekly, let cut = report.quadrantCut else { return "needs headcount and value" }
        let decimals = NumberFormat.plain(decimals: 2)
        return "tokens per head per week \(si.format(usage.value)) (95 % interval \(si.format(usage.low))–\(si.format(usage.high)); median team \(si.format(cut.usage))); "
            + "value per head per week \(decimals.format(value.value)) (\(decimals.format(value.low))–\(decimals.format(value.high)); median team \(decimals.format(cut.value)))"
    }

    mutating func toolPage(_ entry: ToolEntry) throws {
        let path = "tools/\(entry.slug).html"
        guard let published = entry.published else {
            let reason = if case let .withheld(group, _) = entry { group.reason } else { "" }
            try page(path: path, title: entry.name, template: "tool", context: [
                "tool": entry.name, "capability": entry.capability, "suppressed": true, "reason": reason, "floor": report.minGroupSize,
            ])
            return
        }
        let tool = published.figures
        let figures: [[String: Any]] = [
            ["label": "Active people", "value": whole.format(tool.activeUsers),
             "detail": "in \(whole.format(tool.teamsUsing)) teams" + (tool.seats.map { "; \(pct.format(Double(tool.activeUsers) / Double(max($0, 1)))) of \(whole.format(Double($0))) licensed seats" } ?? "")],
            ["label": "Tokens", "value": si.format(Double(tool.tokens)), "detail": "\(si.format(Double(tool.requests))) requests"],
            ["label": "Acceptance by count", "value": rate(tool.acceptanceRate), "detail": tool.suggestionsShown > 0 ? "of \(whole.format(Double(tool.suggestionsShown))) suggestions shown" : "this source reports no suggestions"],
            ["label": "Acceptance by lines", "value": rate(tool.acceptanceRateLines), "detail": tool.linesSuggested > 0 ? "of \(whole.format(Double(tool.linesSuggested))) lines suggested" : "this source reports no suggested lines"],
            ["label": "Cost", "value": dollarRange(tool.costRange),
             "detail": (tool.seatCostUSD > 0 ? "\(usd.format(tool.seatCostUSD)) for \(whole.format(Double(tool.seats ?? 0))) seats; " : "")
                + (tool.priced ? "usage from cost_usd or the price table" : "usage has no price: a lower bound")],
            ["label": "Retention", "value": "\(whole.format(tool.retention.tried)) → \(whole.format(tool.retention.returned)) → \(whole.format(tool.retention.sustained))",
             "detail": "tried → returned (of \(whole.format(tool.retention.eligibleReturned)) observed 14 days or more) → sustained (of \(whole.format(tool.retention.eligibleSustained)) observed four weeks or more); median \(tool.retention.medianDaysToSecondUse.map { NumberFormat.plain(decimals: 1).format($0) } ?? "–") days to second use (Kaplan–Meier)"],
        ]
        let siblings = report.tools.filter { $0.capability == tool.capability && $0.slug != tool.slug }.map { ["tool": $0.name, "href": "\($0.slug).html"] }
        try page(path: path, title: tool.name, template: "tool", context: [
            "tool": tool.name, "capability": tool.capability, "vendor": tool.vendor ?? "", "hasVendor": !(tool.vendor ?? "").isEmpty, "suppressed": false, "figures": figures,
            "active": chart("tool \(tool.tool)#active") { $0.weeklyActive(id: "tool-active", weekly: published.weekly, title: "\(tool.name): active people per week") },
            "sprawl": sprawlSentence(),
            "siblings": siblings, "hasSiblings": !siblings.isEmpty,
        ])
    }

    // MARK: Feedback

    /// A letter's page (`feedbackPage` links them all).
    mutating func letterPage(_ letter: Letter) throws {
        let rendered = Markdown.render(letter.body, firstLine: letter.bodyLine, options: MarkdownOptions(unsafeHTML: false))
        try page(path: "feedback/\(letter.slug).html", title: letter.title, template: "letter", context: [
            "title": letter.title, "date": letter.date?.readable ?? "", "team": letter.team ?? "", "hasTeam": !(letter.team ?? "").isEmpty, "html": rendered.html,
        ])
    }

    mutating func feedbackPage() throws {
        let feedback = report.feedback
        let byTeam = feedback.byTeam.map { team -> [String: Any] in
            ["team": team.team, "documents": team.documents,
             "themes": team.themes.compactMap { theme -> String? in
                 let name = theme.theme.replacingOccurrences(of: "_", with: " ")
                 guard let count = theme.count.shown, let share = theme.share.shown else { return "\(name) withheld" }
                 return count > 0 ? "\(name) \(pct.format(share))" : nil
             }.joined(separator: ", ")]
        }
        let letters: [[String: Any]] = feedback.letters.map { letter in
            ["title": letter.title, "href": "\(letter.slug).html", "date": letter.date?.readable ?? ""]
        }
        // Themes by team as a heatmap: share of each published team's documents that mention the
        // theme; a withheld cell is drawn as withheld, never as zero.
        var heatmap = Heatmap(id: "themes-by-team", title: "Themes by team: share of the team's documents",
                              rowLabels: feedback.byTeam.map(\.team),
                              columnLabels: report.feedback.themes.map { $0.theme.replacingOccurrences(of: "_", with: " ") },
                              values: feedback.byTeam.map { row in row.themes.map { $0.share.shown.map { $0 * 100 } } }, unit: "% of documents")
        heatmap.format = .plain(decimals: 0)
        let themesByTeam = feedback.byTeam.isEmpty || report.feedback.themes.isEmpty ? "" : chart("feedback/themes-by-team") { _ in heatmap.draw() }
        try page(path: "feedback/index.html", title: "What employees say", template: "feedback", context: [
            "heatmap": themesByTeam,
            "documents": feedback.documents, "netSentiment": feedback.netSentiment.map { String(format: "%+.0f", $0) } ?? "n/a",
            "positive": feedback.positive, "neutral": feedback.neutral, "negative": feedback.negative,
            "themes": chart("themes") { $0.themes() }, "scores": chart("scores") { $0.scores() },
            "quotes": quoteContext(feedback.quotes), "hasQuotes": !feedback.quotes.isEmpty,
            "byTeam": byTeam, "hasByTeam": !byTeam.isEmpty, "letters": letters, "hasLetters": !letters.isEmpty,
            "floor": report.minGroupSize,
        ])
    }

    // MARK: Reference pages

    /// How many cells each rule family withheld in this edition (never which).
    var suppressionSentence: String {
        let s = report.suppression
        return "\(whole.format(Double(s.frequency + s.dominance + s.secondary))) of \(whole.format(Double(s.cells))) cells withheld: "
            + "\(whole.format(Double(s.frequency))) by the frequency rule, \(whole.format(Double(s.dominance))) by the dominance rule, "
            + "\(whole.format(Double(s.secondary))) as secondary suppressions; \(whole.format(s.teamsWithheld)) team\(s.teamsWithheld == 1 ? "" : "s") and "
            + "\(whole.format(s.toolsWithheld)) tool\(s.toolsWithheld == 1 ? "" : "s") withheld whole."
    }

    /// A folder holding more files than this is one row of the pages' file tables.
    static let filesPerFolderListed = 100

    /// The input files as the methodology and data-quality pages list them, by path: one row per
    /// file, except that a folder of more than `filesPerFolderListed` files is one row with its
    /// files' count and their rows, problems and bytes summed (data/manifest.json lists every
    /// file with its hash). A table of 10,000 feedback files helps no reader, and rendering two
    /// of them took a tenth of a 10,000-page build.
    func fileRows(rejected: [String: Int]) -> [[String: Any]] {
        func folder(_ path: String) -> String { path.lastIndex(of: "/").map { String(path[...$0]) } ?? "" }
        let byFolder = Dictionary(grouping: report.coverage.files, by: { folder($0.path) })
        var rows: [(path: String, row: [String: Any])] = []
        for (name, files) in byFolder {
            if files.count > Self.filesPerFolderListed {
                let formats = Set(files.map(\.format))
                rows.append((name, ["path": "\(name) (\(whole.format(Double(files.count))) files)",
                                    "format": formats.count == 1 ? formats.first! : "several",
                                    "rows": whole.format(Double(files.reduce(0) { $0 + $1.rows })),
                                    "rejected": whole.format(Double(files.reduce(0) { $0 + (rejected[$1.path] ?? 0) })),
                                    "bytes": si.format(Double(files.reduce(0) { $0 + $1.bytes })), "folder": true]))
            } else {
                for file in files {
                    rows.append((file.path, ["path": file.path, "format": file.format, "rows": whole.format(Double(file.rows)),
                                             "rejected": whole.format(Double(rejected[file.path] ?? 0)),
                                             "bytes": si.format(Double(file.bytes)), "sha": String(file.sha256.prefix(12)), "folder": false]))
                }
            }
        }
        return rows.sorted { $0.path < $1.path }.map(\.row)
    }

    mutating func methodologyPage() throws {
        let sections = report.methodology.sections.map { section -> [String: Any] in
            var entries = section.entries.map { entry -> [String: Any] in
                ["name": entry.name, "formula": entry.formula,
                 "parameters": entry.parameters.map { ["key": $0.0, "value": $0.1] }, "hasParameters": !entry.parameters.isEmpty]
            }
            if section.title == "Privacy" {
                entries.append(["name": "In this edition", "formula": suppressionSentence, "parameters": [], "hasParameters": false])
            }
            return ["title": section.title, "anchor": headingAnchor(section.title), "entries": entries]
        }
        let sources = fileRows(rejected: [:])
        try page(path: "methodology.html", title: "Methodology", template: "methodology", context: [
            "sections": sections, "sources": sources, "floor": report.minGroupSize,
            "coverage": "Data for \(report.coverage.daysWithData) of \(report.coverage.daysInPeriod) days in the period \(periodText).",
        ])
    }

    mutating func dataQualityPage() throws {
        let coverage = report.coverage
        let issues = coverage.issues.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
        let shown = issues.prefix(1000).map { issue -> [String: Any] in
            ["location": issue.location, "severity": issue.severity.rawValue, "message": issue.message]
        }
        let rejectedByFile = Dictionary(grouping: issues.filter { $0.severity == .error }, by: \.file).mapValues(\.count)
        let files = fileRows(rejected: rejectedByFile)
        var gaps: [String] = []
        gaps.append("Data for \(whole.format(coverage.daysWithData)) of \(whole.format(coverage.daysInPeriod)) day\(coverage.daysInPeriod == 1 ? "" : "s") in the period.")
        gaps.append("Privacy: " + suppressionSentence)
        if !coverage.teamsWithoutHeadcount.isEmpty { gaps.append("Teams without headcount (adoption shown against people seen): \(coverage.teamsWithoutHeadcount.joined(separator: ", ")).") }
        if !coverage.teamsWithoutValue.isEmpty { gaps.append("Teams without outcome data: \(coverage.teamsWithoutValue.joined(separator: ", ")).") }
        if !coverage.toolsWithoutPrices.isEmpty { gaps.append("Tools without prices (cost is a lower bound): \(coverage.toolsWithoutPrices.joined(separator: ", ")).") }
        if let week = coverage.partialFirstWeek { gaps.append("The first week, \(week), is partial.") }
        if let week = coverage.partialLastWeek { gaps.append("The last week, \(week), is partial.") }
        if coverage.rowsOutsidePeriod > 0 { gaps.append("\(whole.format(Double(coverage.rowsOutsidePeriod))) rows fall outside the period and were left out.") }
        if coverage.overlaps > 0 { gaps.append("\(whole.format(Double(coverage.overlaps))) rows overlapped an earlier source's report of the same person, day and tool: what that source already gave was dropped from them (each measure counts once).") }
        for file in coverage.recognised { gaps.append("Read \(file), recognised from its contents.") }
        if coverage.unmatchedIdentities > 0 { gaps.append("\(whole.format(coverage.unmatchedIdentities)) identities matched nobody in data/people.csv and were counted under \"unassigned\".") }
        try page(path: "data-quality.html", title: "Data quality", template: "data-quality", context: [
            "rowsRead": whole.format(Double(coverage.rowsRead)), "rowsRejected": whole.format(Double(coverage.rowsRejected)),
            "files": files, "issues": shown, "hasIssues": !shown.isEmpty, "moreIssues": issues.count > 1000 ? whole.format(issues.count - 1000) : false,  // Mustache takes 0 as true
            "gaps": gaps,
        ])
    }

    mutating func downloadsPage() throws {
        let downloads: [[String: String]] = [
            ["href": "data/report.json", "label": "report.json", "what": "every published figure, machine-readable (schema candor.report/2)"],
        ] + PublishedReport.descriptors.map { table in
            ["href": table.file, "label": "\(table.name).csv", "what": table.title.prefix(1).lowercased() + table.title.dropFirst()]
        } + [
            ["href": "data/manifest.json", "label": "manifest.json", "what": "every input file with its SHA-256 and row count"],
            ["href": "feed.xml", "label": "feed.xml", "what": "Atom feed of editions"],
        ] + (options.singleFile ? [["href": "report.html", "label": "report.html", "what": "the whole report as one file"]] : [])
        try page(path: "downloads.html", title: "Downloads", template: "downloads", context: ["downloads": downloads])
    }
}

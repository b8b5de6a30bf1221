import Analysis
import Charts
import Dataset
import Disclosure
import Foundation
import Stats

/// Outcomes in words: every sentence here is written from the published figures, for any data.
enum OutcomeWords {
    static let decimals = NumberFormat.plain(decimals: 2)

    /// "more PRs" / "fewer failed changes".
    static func direction(_ finding: Correlation.Finding, _ metric: OutcomeMetric) -> String {
        finding == .more ? "more \(metric.unit)" : "fewer \(metric.unit)"
    }

    /// "95 %", "97.5 %": an interval's level (one decimal where it has one).
    static func levelText(_ level: Double) -> String {
        let percent = level * 100
        return (percent == percent.rounded() ? NumberFormat.integer.format(percent) : NumberFormat.plain(decimals: 1).format(percent)) + "\u{00A0}%"
    }

    /// "+0.20", "−0.04": two decimals, a true minus sign.
    static func signed(_ value: Double) -> String { (value >= 0 ? "+" : "−") + String(format: "%.2f", abs(value)) }

    /// The within-team figure of one metric, as a clause: "weeks with more usage had more PRs
    /// (better): +0.20 PRs per head a week per doubling of usage (97.5 % interval +0.04 to +0.36)".
    static func within(_ outcome: OutcomeFigures) -> String {
        guard let doubling = outcome.correlation.withinPerDoubling, let fit = outcome.correlation.within else {
            return "\(outcome.metric.name): not enough team-weeks to say"
        }
        let figures = "\(signed(doubling.value)) \(outcome.metric.unit) per head a week per doubling of usage (\(levelText(outcome.level)) interval \(signed(doubling.low)) to \(signed(doubling.high)); \(fit.clusters) teams, \(whole.format(Double(fit.observations))) team-weeks)"
        switch outcome.correlation.finding {
        case .more, .less:
            return "weeks with more usage had \(direction(outcome.correlation.finding, outcome.metric)) — \(outcome.effect.rawValue): \(figures)"
        case .unclear: return "no clear association with \(outcome.metric.name.lowercased()): \(figures)"
        case .notEnoughData: return "\(outcome.metric.name): not enough team-weeks to say"
        }
    }

    /// "faster, with more failed changes": a primary gain that costs a guardrail.
    static func tradeoff(_ tradeoff: Tradeoff) -> String {
        "usage went with more \(tradeoff.primary.direction == .higher ? "" : "reduction in ")\(tradeoff.primary.name.lowercased()) but also with \(tradeoff.guardrail.direction == .lower ? "more" : "fewer") \(tradeoff.guardrail.unit) (a guardrail)"
    }

    static func hours(_ estimate: Estimate?) -> String {
        guard let estimate else { return "too few answers to say" }
        return String(format: "%.1f hours a week (95 %% interval %.1f to %.1f)", estimate.value, estimate.low, estimate.high)
    }

    /// Reported hours against the measured primary outcome, said plainly.
    static func comparison(_ comparison: TimeSaved.Comparison, primary: OutcomeMetric?, team: Bool = false) -> String? {
        let measured = primary.map { "the measured \($0.name.lowercased())" } ?? "the measured outcomes"
        let whose = team ? "this team's" : "the"
        switch comparison {
        case .agree: return "People report saving time, and \(measured) rose with usage: the two agree."
        case .reportedNotMeasured:
            return "People report saving time, but \(measured) shows no clear gain with usage in \(whose) weeks: time saved is not yet showing up in the outcomes measured."
        case .measuredNotReported: return "\(measured.prefix(1).uppercased() + measured.dropFirst()) rose with usage, but people do not report saving time."
        case .neither: return "Neither the reported hours nor \(measured) show a gain."
        case .unknown: return nil
        }
    }
}

extension SiteBuilder {
    /// Two or three sentences of what the report finds, written from the model (DESIGN §5:
    /// summary first); correct whatever the data holds.
    var leadParagraph: String {
        let org = report.org
        var sentences: [String] = []
        let people = whole.format(Double(org.activeUsers))
        if let headcount = org.headcount, let rate = org.adoptionRate {
            sentences.append("\(people) of \(whole.format(Double(headcount))) people (\(pct.format(rate))) used an AI tool from \(report.period.from.readable) to \(report.period.to.readable).")
        } else {
            sentences.append("\(people) people used an AI tool from \(report.period.from.readable) to \(report.period.to.readable).")
        }
        if let primary = report.primaryOutcome {
            var clause = "Within teams, " + OutcomeWords.within(primary)
            let others = report.outcomes.filter { $0.index != primary.index }
            let clear = others.filter { $0.correlation.finding == .more || $0.correlation.finding == .less }
            let unclear = others.filter { $0.correlation.finding == .unclear }
            if !clear.isEmpty { clause += "; " + clear.map { "\($0.metric.name.lowercased()): \(OutcomeWords.direction($0.correlation.finding, $0.metric)) (\($0.effect.rawValue))" }.joined(separator: "; ") }
            if !unclear.isEmpty { clause += "; no clear association with " + unclear.map { $0.metric.name.lowercased() }.joined(separator: " or ") }
            sentences.append(clause + ". An association, not a cause.")
        } else {
            sentences.append("The report has no outcome data (data/outcomes.csv), so it cannot say whether the usage goes with value.")
        }
        let teamTradeoffs = report.tradeoffs.filter { $0.team != nil }
        if let orgTradeoff = report.tradeoffs.first(where: { $0.team == nil }) {
            sentences.append("Across the organisation, \(OutcomeWords.tradeoff(orgTradeoff)).")
        }
        if !teamTradeoffs.isEmpty {
            let names = Array(Set(teamTradeoffs.compactMap(\.team))).sorted()
            sentences.append("In \(listText(names)), \(OutcomeWords.tradeoff(teamTradeoffs[0])).")
        }
        let flagged = report.publishedTeams.filter { $0.figures.inflation.flagged }.map(\.figures.team)
        sentences.append(flagged.isEmpty ? "The inflation test flags no team." : "The inflation test flags \(whole.format(flagged.count)) team\(flagged.count == 1 ? "" : "s") (\(listText(flagged))) as worth a look.")
        if let saved = report.timeSaved.first, let estimate = saved.org {
            var sentence = "People report saving \(OutcomeWords.hours(estimate))."
            if let comparison = OutcomeWords.comparison(saved.comparison, primary: report.primaryOutcome?.metric) { sentence += " " + comparison }
            sentences.append(sentence)
        }
        if report.publishedTeams.count <= 1 && report.teams.count > 1 {
            sentences.append("All but \(whole.format(report.publishedTeams.count)) of \(whole.format(report.teams.count)) teams are withheld to protect small groups, so most figures are for the organisation as a whole.")
        }
        return sentences.joined(separator: " ")
    }

    func listText(_ names: [String]) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        case 2: return "\(names[0]) and \(names[1])"
        default: return names.dropLast().joined(separator: ", ") + " and " + names.last!
        }
    }

    /// One row per metric: its role, what it does with usage within and between teams, its cost.
    func outcomesTableHTML() -> String {
        guard !report.outcomes.isEmpty else { return "" }
        var html = tableOpening(className: "figures outcomes", caption: "Outcome metrics against usage", columns: ["Metric", "Role", "Total", "Within teams, per doubling of usage", "Between teams (ρ)", "Cost per unit"])
        for outcome in report.outcomes {
            let metric = outcome.metric
            let role = metric.role == .primary ? "primary" : "guardrail"
            let within: String
            if let doubling = outcome.correlation.withinPerDoubling {
                within = "\(OutcomeWords.signed(doubling.value)) per head a week [\(OutcomeWords.signed(doubling.low)), \(OutcomeWords.signed(doubling.high))]: <strong class=\"effect-\(outcome.effect == .notEnoughData ? "none" : outcome.effect.rawValue)\">\(esc(outcome.effect.rawValue))</strong>"
            } else {
                within = "not enough data"
            }
            let between = outcome.correlation.spearman.map { String(format: "%.2f [%.2f, %.2f]", $0.value, $0.low, $0.high) } ?? "n/a"
            html += "<tr\(metric.role == .guardrail && outcome.effect == .worse ? " class=\"breach\"" : "")><th scope=\"row\">\(esc(metric.name))<br><span class=\"unit\">\(esc(metric.unit)), \(metric.direction == .higher ? "higher" : "lower") is better</span></th>"
            html += "<td>\(role)</td><td>\(outcome.total.map(si.format) ?? "n/a")</td><td>\(within)</td><td>\(between)</td>"
            html += "<td>\(outcome.costPerUnit.map(dollarRange) ?? "n/a")</td></tr>\n"
        }
        let level = report.outcomes.first.map { OutcomeWords.levelText($0.level) } ?? "95 %"
        return html + "</tbody></table></div>\n<p class=\"note\">Intervals in brackets are simultaneous \(level) intervals across the \(report.outcomes.count) metric\(report.outcomes.count == 1 ? "" : "s"); cost per unit is the cost range (seats included) ÷ the total. An association, not a cause.</p>\n"
    }

    /// Guardrail breaches and trade-offs, for the summary: nothing when there are none.
    var guardrailNotice: String {
        let breaches = report.outcomes.filter { $0.metric.role == .guardrail && $0.effect == .worse }
        var items = breaches.map { "Across teams, " + esc(OutcomeWords.within($0)) + "." }
        for tradeoff in report.tradeoffs {
            if let team = tradeoff.team, let entry = report.teams.first(where: { $0.name == team }) {
                items.append("<a href=\"teams/\(esc(entry.slug)).html\">\(esc(team))</a>: \(esc(OutcomeWords.tradeoff(tradeoff))).")
            } else if tradeoff.team == nil {
                items.append("The organisation: \(esc(OutcomeWords.tradeoff(tradeoff))).")
            }
        }
        guard !items.isEmpty else { return "" }
        return "<div class=\"guardrail-notice\" role=\"note\"><p><strong>Guardrail</strong> — a gain on the primary outcome that comes with a worse guardrail:</p><ul>" + items.map { "<li>\($0)</li>" }.joined() + "</ul></div>\n"
    }

    /// A team's metrics: its totals, and what its own weeks say.
    func teamOutcomesHTML(_ team: String) -> String {
        guard !report.outcomes.isEmpty else { return "" }
        var html = tableOpening(className: "figures", caption: "Outcome metrics in this team", columns: ["Metric", "Total", "Per head (period)", "In this team's weeks, per doubling of usage", "Cost per unit"])
        for outcome in report.outcomes {
            guard let figures = outcome.teams[team] else { continue }
            let trend: String
            if let doubling = figures.trendPerDoubling {
                trend = "\(OutcomeWords.signed(doubling.value)) [\(OutcomeWords.signed(doubling.low)), \(OutcomeWords.signed(doubling.high))], \(whole.format(doubling.n)) weeks: <strong>\(esc(figures.effect.rawValue))</strong>"
            } else {
                trend = "not enough weeks"
            }
            html += "<tr><th scope=\"row\">\(esc(outcome.metric.name)) <span class=\"unit\">(\(outcome.metric.role.rawValue))</span></th><td>\(figures.value.map(si.format) ?? "n/a")</td>"
            html += "<td>\(figures.perHead.map { OutcomeWords.decimals.format($0) } ?? "n/a")</td><td>\(trend)</td><td>\(figures.costPerUnit.map(dollarRange) ?? "n/a")</td></tr>\n"
        }
        html += "</tbody></table></div>\n"
        for tradeoff in report.tradeoffs where tradeoff.team == team {
            html += "<p class=\"guardrail-notice\"><strong>Guardrail</strong>: in this team, \(esc(OutcomeWords.tradeoff(tradeoff))).</p>\n"
        }
        for saved in report.timeSaved {
            guard let group = saved.byTeam.first(where: { $0.name == team }) else { continue }
            var text = "People in this team report saving \(OutcomeWords.hours(group.mean)) (\(whole.format(group.n)) answers to \(saved.question.replacingOccurrences(of: "_", with: " ")))."
            if let comparison = group.comparison.flatMap({ OutcomeWords.comparison($0, primary: report.primaryOutcome?.metric, team: true) }) { text += " " + comparison }
            html += "<p>\(esc(text))</p>\n"
        }
        return html + "<p class=\"note\">In this team's weeks: the robust (Theil–Sen) slope of the metric per head on ln(usage per head), week-to-week changes against the median team's; called better or worse only when it survives the false-discovery control across teams.</p>\n"
    }

    /// Usage cohorts, outcomes by cohort mix, reported time saved, and every metric by team.
    mutating func outcomesPage() throws {
        let cohorts = report.usageCohorts
        let levelNames = UsageCohorts.Level.allCases.map(\.rawValue)
        let orgTotal = cohorts.org.reduce(0, +)
        let cohortSentence = orgTotal > 0
            ? "Across the teams shown below, \(zip(levelNames, cohorts.org).map { "\(whole.format(Double($1))) \($0) (\(pct.format(Double($1) / Double(orgTotal))))" }.joined(separator: ", ")) users. Light means under \(si.format(cohorts.lightBelow)) tokens a week, heavy \(si.format(cohorts.heavyFrom)) or more: the terciles of people's weekly tokens."
            : "No usage to group people by."
        var cohortTable = tableOpening(className: "figures", caption: "Usage cohorts by team (people)", columns: ["Team", "None", "Light", "Moderate", "Heavy", "Heavy share"])
        for row in cohorts.teams {
            cohortTable += "<tr><th scope=\"row\"><a href=\"teams/\(esc(row.slug)).html\">\(esc(row.team))</a></th><td>\(row.none.map { whole.format(Double($0)) } ?? "n/a")</td>"
            if let counts = row.counts.shown {
                cohortTable += counts.map { "<td>\(whole.format(Double($0)))</td>" }.joined()
                cohortTable += "<td>\(row.headcount.flatMap { $0 > 0 ? pct.format(Double(counts[2]) / Double($0)) : nil } ?? "n/a")</td></tr>\n"
            } else {
                cohortTable += "<td colspan=\"4\" class=\"suppressed\">withheld to protect small groups</td></tr>\n"
            }
        }
        cohortTable += "</tbody></table></div>\n"
        let weekly = LineChart(id: "usage-cohorts-weekly", title: "People by usage level, per week", xLabels: report.weekly.map(\.week.short),
                               series: levelNames.indices.map { level in
                                   .init(name: levelNames[level], values: cohorts.weekly.map { $0.counts.shown.map { Double($0[level]) } })
                               }, unit: "people")
        let mix = report.outcomes.map { outcome -> String in
            guard let fit = outcome.cohortMix else { return "\(outcome.metric.name): not enough team-weeks to say." }
            let clear = fit.low > 0 || fit.high < 0
            return "\(outcome.metric.name): \(OutcomeWords.signed(fit.slope * 0.1)) \(outcome.metric.unit) per head a week for every 10 points more heavy users in a team (\(OutcomeWords.levelText(outcome.level)) interval \(OutcomeWords.signed(fit.low * 0.1)) to \(OutcomeWords.signed(fit.high * 0.1))): \(clear ? "a clear association" : "no clear association")."
        }
        let saved = report.timeSaved.map { question -> [String: Any] in
            let rows = question.byTeam.map { ("team", $0) } + question.byTool.map { ("tool", $0) }
            var table = tableOpening(className: "figures", caption: "Hours saved a week, as reported (\(question.question.replacingOccurrences(of: "_", with: " ")))", columns: ["Group", "Answers", "Mean hours a week", "95 % interval", "Against measured outcomes"])
            for (kind, group) in rows {
                table += "<tr><th scope=\"row\">\(esc(kind == "tool" ? report.toolName(group.name) : group.name)) <span class=\"unit\">(\(kind))</span></th><td>\(whole.format(group.n))</td>"
                table += "<td>\(group.mean.map { String(format: "%.1f", $0.value) } ?? "n/a")</td><td>\(group.mean.map { String(format: "%.1f–%.1f", $0.low, $0.high) } ?? "n/a")</td>"
                table += "<td>\(esc(group.comparison.map(comparisonLabel) ?? ""))</td></tr>\n"
            }
            table += "</tbody></table></div>\n"
            var withheld: [String] = []
            if question.teamsWithheld > 0 { withheld.append("\(whole.format(question.teamsWithheld)) team\(question.teamsWithheld == 1 ? "" : "s")") }
            if question.toolsWithheld > 0 { withheld.append("\(whole.format(question.toolsWithheld)) tool\(question.toolsWithheld == 1 ? "" : "s")") }
            return ["question": question.question.replacingOccurrences(of: "_", with: " "),
                    "summary": "\(whole.format(question.n)) answers; the organisation's mean: \(OutcomeWords.hours(question.org)).",
                    "comparison": OutcomeWords.comparison(question.comparison, primary: report.primaryOutcome?.metric) ?? "",
                    "table": table,
                    "withheld": withheld.isEmpty ? "" : "Withheld to protect small groups: \(withheld.joined(separator: " and ")) with too few answers.",
                    "hasWithheld": !withheld.isEmpty]
        }
        try page(path: "outcomes.html", title: "Outcomes", template: "outcomes", context: [
            "outcomesTable": outcomesTableHTML(), "hasOutcomes": !report.outcomes.isEmpty,
            "within": report.outcomes.map { "\($0.metric.name): \(OutcomeWords.within($0))." },
            "guardrail": guardrailNotice,
            "cohortSentence": cohortSentence, "cohortTable": cohortTable, "cohortChart": chart("outcomes/cohorts") { _ in weekly.draw() },
            "mix": mix, "hasMix": !mix.isEmpty,
            "saved": saved, "hasSaved": !saved.isEmpty,
        ], description: "Outcome metrics against usage, usage cohorts and reported time saved")
    }

    func comparisonLabel(_ comparison: TimeSaved.Comparison) -> String {
        switch comparison {
        case .agree: "agree"
        case .reportedNotMeasured: "reported, not measured"
        case .measuredNotReported: "measured, not reported"
        case .neither: "neither shows a gain"
        case .unknown: "cannot compare"
        }
    }
}

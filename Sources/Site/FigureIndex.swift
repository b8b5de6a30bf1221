import Foundation
import Analysis
import Disclosure
import Charts
import Dataset
import Markdown
import Stats

/// The figures a page may cite as `{{ path }}`, already formatted. Organisation figures are
/// listed here; every team and tool figure comes from the published tables' descriptors
/// (`teams.<slug>.<column>`, `tools.<slug>.<column>`), and a withheld group resolves to a
/// note saying so, never to a number.
struct FigureIndex {
    private(set) var figures: [String: String] = [:]

    init(_ report: PublishedReport) {
        let si = NumberFormat.si, pct = NumberFormat.percent, usd = NumberFormat.currency
        func set(_ path: String, _ value: String?) { figures[path] = value ?? "n/a" }
        let org = report.org
        set("title", report.title)
        set("organisation", report.organisation)
        set("period.from", report.period.from.readable)
        set("period.to", report.period.to.readable)
        set("privacy.min_group_size", String(report.minGroupSize))
        set("org.headcount", org.headcount.map { NumberFormat.integer.format(Double($0)) })
        set("org.active_users", NumberFormat.integer.format(Double(org.activeUsers)))
        set("org.adoption_rate", org.adoptionRate.map(pct.format))
        set("org.tokens", si.format(Double(org.tokens)))
        set("org.requests", si.format(Double(org.requests)))
        set("org.cached_tokens", si.format(Double(org.cachedTokens)))
        set("org.cost_usd", dollarRange(org.costRange))
        set("org.cost_usd_list", usd.format(org.costUSD))
        set("org.seat_cost_usd", usd.format(org.seatCostUSD))
        set("org.energy_kwh", NumberFormat.range(org.energyKWh.low, org.energyKWh.high) + "\u{00A0}kWh")
        set("org.co2e_kg", NumberFormat.range(org.co2eKg.low, org.co2eKg.high) + "\u{00A0}kg")
        set("org.correlation.spearman", report.correlation.spearman.map { String(format: "%.2f", $0.value) })
        set("org.correlation.spearman_ci95", report.correlation.spearman.map { String(format: "%.2f to %.2f", $0.low, $0.high) })
        set("org.correlation.pearson", report.correlation.pearson.map { String(format: "%.2f", $0.value) })
        set("org.correlation.pearson_ci95", report.correlation.pearson.map { String(format: "%.2f to %.2f", $0.low, $0.high) })
        set("org.correlation.n", String(report.correlation.n))
        set("org.correlation.level", OutcomeWords.levelText(report.correlationLevel))
        set("org.correlation.finding", report.correlation.finding.rawValue)
        set("org.correlation.within", withinSentence(report.correlation, level: report.correlationLevel))
        set("org.correlation.within_per_doubling", report.correlation.withinPerDoubling.map { String(format: "%+.2f", $0.value) })
        set("org.correlation.within_ci95", report.correlation.withinPerDoubling.map { String(format: "%+.2f to %+.2f", $0.low, $0.high) })
        set("org.gini", org.gini.map { String(format: "%.2f", $0) })
        set("org.top10_share", org.top10Share.map(pct.format))
        set("org.acceptance_rate", org.acceptanceRate.map(pct.format))
        set("org.acceptance_rate_lines", org.acceptanceRateLines.map(pct.format))
        set("org.value", org.value.map(si.format))
        set("org.value_per_1k_tokens", org.valuePer1kTokens.map { NumberFormat.plain(decimals: 3).format($0) })
        set("org.cost_per_value", org.costPerValue.map(usd.format))
        set("org.teams_flagged", String(report.teamsFlagged))
        for outcome in report.outcomes {
            set("outcomes.\(figureKey(outcome.metric.metric)).within", OutcomeWords.within(outcome))
        }
        set("org.tradeoffs", String(report.tradeoffs.count))
        set("org.teams_suppressed", String(report.suppression.teamsWithheld))
        set("org.tools_withheld", String(report.suppression.toolsWithheld))
        set("coverage.days_with_data", String(report.coverage.daysWithData))
        set("coverage.days_in_period", String(report.coverage.daysInPeriod))
        set("data_quality.rows_rejected", NumberFormat.integer.format(Double(report.coverage.rowsRejected)))
        set("data_quality.rows_read", NumberFormat.integer.format(Double(report.coverage.rowsRead)))
        set("feedback.documents", String(report.feedback.documents))
        set("feedback.net_sentiment", report.feedback.netSentiment.map { String(format: "%+.0f", $0) })
        for theme in report.feedback.themes {
            set("feedback.themes.\(theme.theme).count", String(theme.count))
            set("feedback.themes.\(theme.theme).share", pct.format(theme.share))
        }

        // Teams and tools: every measure of their table, for published rows; a note for withheld ones.
        for table in report.tables {
            guard let prefix = table.descriptor.figurePrefix else { continue }
            for (slug, row) in zip(table.slugs, table.rows) {
                for (column, value) in zip(table.descriptor.columns, row) where !column.isDimension {
                    set("\(prefix).\(slug).\(column.name)", display(value, column.format))
                }
            }
            // Withheld teams and tools have no row in their table: their paths read as withheld.
            // (Other tables keep their withheld rows, whose cells read "withheld".)
            let withheld = prefix == "teams" ? report.teams.filter { $0.published == nil }.map(\.slug)
                : prefix == "tools" ? report.tools.filter { $0.published == nil }.map(\.slug) : []
            for slug in withheld {
                for column in table.descriptor.measures {
                    set("\(prefix).\(slug).\(column.name)", "withheld (a small group)")
                }
            }
        }
    }

    func resolve(_ path: String) -> Result<String, MarkdownResolverError> {
        if let value = figures[path] { return .success(value) }
        let known = figures.keys.sorted()
        let hint = nearest(path, in: known).map { "; did you mean \"\($0)\"?" } ?? ""
        let examples = known.filter { $0.hasPrefix("org.") }.prefix(8).joined(separator: ", ")
        return .failure(MarkdownResolverError("unknown figure \"{{ \(path) }}\"\(hint) (figures look like \(examples), teams.<slug>.tokens, …)"))
    }
}

/// A table value as a reader sees it, in the format its column declares.
func display(_ value: TableValue, _ format: TableDescriptor.Format) -> String {
    switch value {
    case let .text(text): return text
    case let .bool(flag): return flag ? "yes" : "no"
    case .missing: return "n/a"
    case .withheld: return "withheld"
    case .integer, .number:
        let number = value.number ?? 0
        switch format {
        case .integer: return NumberFormat.integer.format(number)
        case .si: return NumberFormat.si.format(number)
        case .percent: return NumberFormat.percent.format(number)
        case .currency: return NumberFormat.currency.format(number)
        case let .decimals(places): return NumberFormat.plain(decimals: places).format(number)
        case .text, .bool: return formatJSONNumber(number)
        }
    }
}

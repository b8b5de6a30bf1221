import Analysis
import Charts
import Dataset
import Markdown

/// The figures a page may cite as `{{ path }}`, already formatted; suppressed groups resolve
/// to their suppression note.
struct FigureIndex {
    private(set) var figures: [String: String] = [:]

    init(_ model: ReportModel) {
        let si = NumberFormat.si, pct = NumberFormat.percent, usd = NumberFormat.currency
        func set(_ path: String, _ value: String?) { figures[path] = value ?? "n/a" }
        let org = model.org
        set("title", model.title)
        set("organisation", model.organisation)
        set("period.from", model.period.from.readable)
        set("period.to", model.period.to.readable)
        set("privacy.min_group_size", String(model.minGroupSize))
        set("org.headcount", org.headcount.map { NumberFormat.integer.format(Double($0)) })
        set("org.active_users", NumberFormat.integer.format(Double(org.activeUsers)))
        set("org.adoption_rate", org.adoptionRate.map(pct.format))
        set("org.tokens", si.format(Double(org.tokens)))
        set("org.requests", si.format(Double(org.requests)))
        set("org.cached_tokens", si.format(Double(org.cachedTokens)))
        set("org.cost_usd", usd.format(org.costUSD))
        set("org.energy_kwh", "\(si.format(org.energyKWh.low))–\(si.format(org.energyKWh.high)) kWh")
        set("org.co2e_kg", "\(si.format(org.co2eKg.low))–\(si.format(org.co2eKg.high)) kg")
        set("org.correlation.spearman", org.correlation.spearman.map { String(format: "%.2f", $0.value) })
        set("org.correlation.spearman_ci95", org.correlation.spearman.map { String(format: "%.2f to %.2f", $0.low, $0.high) })
        set("org.correlation.pearson", org.correlation.pearson.map { String(format: "%.2f", $0.value) })
        set("org.correlation.pearson_ci95", org.correlation.pearson.map { String(format: "%.2f to %.2f", $0.low, $0.high) })
        set("org.correlation.n", String(org.correlation.n))
        set("org.gini", org.gini.map { String(format: "%.2f", $0) })
        set("org.top10_share", org.top10Share.map(pct.format))
        set("org.acceptance_rate", org.acceptanceRate.map(pct.format))
        set("org.acceptance_rate_lines", org.acceptanceRateLines.map(pct.format))
        set("org.value", org.value.map(si.format))
        set("org.value_per_1k_tokens", org.valuePer1kTokens.map { NumberFormat.plain(decimals: 3).format($0) })
        set("org.cost_per_value", org.costPerValue.map(usd.format))
        set("org.teams_flagged", String(org.teamsFlagged))
        set("org.teams_suppressed", String(org.teamsSuppressed))
        set("coverage.days_with_data", String(model.coverage.daysWithData))
        set("coverage.days_in_period", String(model.coverage.daysInPeriod))
        set("data_quality.rows_rejected", NumberFormat.integer.format(Double(model.coverage.rowsRejected)))
        set("data_quality.rows_read", NumberFormat.integer.format(Double(model.coverage.rowsRead)))
        set("feedback.documents", String(model.feedback.documents))
        set("feedback.net_sentiment", model.feedback.netSentiment.map { String(format: "%+.0f", $0) })
        for theme in model.feedback.themes {
            set("feedback.themes.\(theme.theme).count", String(theme.count))
            set("feedback.themes.\(theme.theme).share", pct.format(theme.share))
        }
        let teamFields = ["headcount", "active_users", "adoption_rate", "tokens", "requests", "tokens_per_active_user", "tokens_per_head",
                          "value_per_head", "value", "quadrant", "inflation.index", "inflation.flagged", "acceptance_rate", "cost_usd"]
        for team in model.teams {
            if team.suppressed {
                for field in teamFields { set("teams.\(team.slug).\(field)", "suppressed (fewer than \(model.minGroupSize) people)") }
                continue
            }
            set("teams.\(team.slug).headcount", team.headcount.map(String.init))
            set("teams.\(team.slug).active_users", String(team.activeUsers))
            set("teams.\(team.slug).adoption_rate", team.adoptionRate.map(pct.format))
            set("teams.\(team.slug).tokens", si.format(Double(team.tokens)))
            set("teams.\(team.slug).requests", si.format(Double(team.requests)))
            set("teams.\(team.slug).tokens_per_active_user", team.tokensPerActiveUser.map(si.format))
            set("teams.\(team.slug).tokens_per_head", team.tokensPerHead.map(si.format))
            set("teams.\(team.slug).value_per_head", team.valuePerHead.map { NumberFormat.plain(decimals: 2).format($0) })
            set("teams.\(team.slug).value", team.value.map(si.format))
            set("teams.\(team.slug).quadrant", team.quadrant?.rawValue)
            set("teams.\(team.slug).inflation.index", team.inflation.index.map { String(format: "%.2f", $0) })
            set("teams.\(team.slug).inflation.flagged", team.inflation.flagged ? "flagged" : "not flagged")
            set("teams.\(team.slug).acceptance_rate", team.acceptanceRate.map(pct.format))
            set("teams.\(team.slug).cost_usd", usd.format(team.costUSD))
        }
        for tool in model.tools {
            let prefix = "tools.\(tool.slug)"
            if tool.suppressed {
                for field in ["active_users", "tokens", "requests", "acceptance_rate", "acceptance_rate_lines"] {
                    set("\(prefix).\(field)", "suppressed (fewer than \(model.minGroupSize) people)")
                }
                continue
            }
            set("\(prefix).active_users", String(tool.activeUsers))
            set("\(prefix).tokens", si.format(Double(tool.tokens)))
            set("\(prefix).requests", si.format(Double(tool.requests)))
            set("\(prefix).acceptance_rate", tool.acceptanceRate.map(pct.format))
            set("\(prefix).acceptance_rate_lines", tool.acceptanceRateLines.map(pct.format))
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

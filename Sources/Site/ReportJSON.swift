import Foundation
import Analysis
import Disclosure
import Dataset
import Stats

/// `data/report.json` (`"schema": "candor.report/2"`, DESIGN §5, docs/report-json.md): every published figure.
/// Withheld teams and tools carry only their name, slug and reason; withheld cells are null with
/// `"suppressed": true`; the flat figures of teams and tools come from the table descriptors.
enum ReportJSON {
    static func make(_ report: PublishedReport, version: String) -> JSONValue {
        let teamRows = rows(report, "teams"), toolRows = rows(report, "tools")
        return .object([
            ("schema", .string("candor.report/2")),
            ("generator", .string("candor \(version)")),
            ("title", .string(report.title)),
            ("organisation", .str(report.organisation)),
            ("period", .object([("from", .string(report.period.from.description)), ("to", .string(report.period.to.description))])),
            ("privacy", .object([("min_group_size", .int(report.minGroupSize)),
                                 ("dominance_p", .number(report.suppression.dominanceP)),
                                 ("protection_pct", .number(report.suppression.protectionPct))])),
            ("value_metric", .str(report.valueMetric)),
            ("org", org(report)),
            ("teams", .array(report.teams.map { team($0, row: teamRows[$0.slug]) })),
            ("tools", .array(report.tools.map { tool($0, row: toolRows[$0.slug]) })),
            ("weekly", .array(report.weekly.map(week))),
            ("cohorts", .array(report.cohorts.compactMap(\.shown).map { row in
                .object([("week", .string(row.week.description)), ("size", .int(row.size)),
                         ("retained", .array(row.retained.map { .num($0) }))])
            })),
            ("outcomes", tableRows(report, "outcomes")),
            ("team_outcomes", tableRows(report, "team_outcomes")),
            ("tradeoffs", .array(report.tradeoffs.map { tradeoff in
                .object([("team", .str(tradeoff.team)), ("primary", .string(tradeoff.primary.metric)), ("guardrail", .string(tradeoff.guardrail.metric))])
            })),
            ("usage_cohorts", .object([
                ("light_below_tokens_per_week", .number(report.usageCohorts.lightBelow)),
                ("heavy_from_tokens_per_week", .number(report.usageCohorts.heavyFrom)),
                ("org", .object(zip(UsageCohorts.Level.allCases, report.usageCohorts.org).map { ($0.rawValue, .int($1)) })),
                ("teams", tableRows(report, "usage_cohorts")),
                ("weekly", tableRows(report, "weekly_usage_cohorts")),
            ])),
            ("time_saved", tableRows(report, "time_saved")),
            ("time_saved_by_group", tableRows(report, "time_saved_by_group")),
            ("feedback", feedback(report.feedback)),
            ("sprawl", sprawl(report.sprawl)),
            ("coverage", coverage(report.coverage)),
            ("data_quality", .object([
                ("rows_read", .int(report.coverage.rowsRead)),
                ("rows_rejected", .int(report.coverage.rowsRejected)),
                ("rows_outside_period", .int(report.coverage.rowsOutsidePeriod)),
                ("issues", .array(report.coverage.issues.map { issue in
                    .object([("file", .string(issue.file)), ("line", .int(issue.line)), ("severity", .string(issue.severity.rawValue)),
                             ("message", .string(issue.message))])
                })),
            ])),
            ("signals", .object([("false_discovery_rate", .number(report.falseDiscoveryRate)),
                                 ("review_dates", .array(report.reviewDates.map { .string($0.description) }))])),
            ("disclosure", .object([
                ("cells", .int(report.suppression.cells)), ("withheld_frequency", .int(report.suppression.frequency)),
                ("withheld_dominance", .int(report.suppression.dominance)), ("withheld_secondary", .int(report.suppression.secondary)),
                ("teams_withheld", .int(report.suppression.teamsWithheld)), ("tools_withheld", .int(report.suppression.toolsWithheld)),
            ])),
            ("tables", .array(PublishedReport.descriptors.map { table in
                .object([("name", .string(table.name)), ("file", .string(table.file)), ("title", .string(table.title)),
                         ("columns", .array(table.columns.map { column in
                             .object([("name", .string(column.name)), ("unit", .string(column.unit)),
                                      ("dimension", .bool(column.isDimension)), ("format", .string(formatName(column.format)))])
                         }))])
            })),
        ])
    }

    static func formatName(_ format: TableDescriptor.Format) -> String {
        switch format {
        case .text: "text"
        case .integer: "integer"
        case .si: "number"
        case .percent: "share"
        case .currency: "usd"
        case let .decimals(places): "decimal(\(places))"
        case .bool: "boolean"
        }
    }

    /// A published table's row as an object keyed by its column names.
    static func rowObject(_ table: PublishedTable, _ index: Int) -> [(String, JSONValue)] {
        zip(table.descriptor.columns, table.rows[index]).map { column, value in
            let json: JSONValue
            switch value {
            case let .text(text): json = .string(text)
            case let .integer(number): json = .int(number)
            case let .number(number): json = .num(number)
            case let .bool(flag): json = .bool(flag)
            case .missing, .withheld: json = .null
            }
            return (column.name, json)
        }
    }

    static func estimate(_ estimate: Estimate?) -> (JSONValue, JSONValue) {
        guard let estimate else { return (.null, .null) }
        return (.number(estimate.value), .array([.number(estimate.low), .number(estimate.high)]))
    }

    static func estimateObject(_ estimate: Estimate?) -> JSONValue {
        guard let estimate else { return .null }
        return .object([("mean", .number(estimate.value)), ("ci95", .array([.number(estimate.low), .number(estimate.high)])), ("weeks", .int(estimate.n))])
    }

    static func range(_ range: Analysis.Range) -> JSONValue { .object([("low", .number(range.low)), ("high", .number(range.high))]) }

    static func spread(_ spread: Spread?) -> JSONValue {
        guard let spread else { return .null }
        return .object([("median", .number(spread.median)), ("p90", .number(spread.p90)), ("p99", .number(spread.p99)), ("n", .int(spread.n))])
    }

    static func intensity(_ value: Intensity) -> JSONValue {
        .object([("user_days", .int(value.userDays)), ("tokens_per_user_day", spread(value.tokens)), ("requests_per_user_day", spread(value.requests))])
    }

    static func org(_ report: PublishedReport) -> JSONValue {
        let org = report.org
        let (spearman, spearmanCI) = estimate(report.correlation.spearman)
        let (pearson, pearsonCI) = estimate(report.correlation.pearson)
        return .object([
            ("headcount", .int(org.headcount)), ("active_users", .int(org.activeUsers)), ("adoption_rate", .num(org.adoptionRate)),
            ("adoption_denominator", .string(org.adoptionDenominator)),
            ("requests", .int(org.requests)), ("tokens", .int(org.tokens)), ("input_tokens", .int(org.inputTokens)),
            ("output_tokens", .int(org.outputTokens)), ("cached_tokens", .int(org.cachedTokens)),
            ("cost_usd", .number(org.costUSD)), ("cost_usd_range", range(org.costRange)), ("seat_cost_usd", .number(org.seatCostUSD)),
            ("cost_coverage", .num(org.costCoverage)),
            ("energy_kwh", range(org.energyKWh)), ("co2e_kg", range(org.co2eKg)),
            ("correlation", .object([
                ("spearman", spearman), ("spearman_ci95", spearmanCI), ("pearson", pearson), ("pearson_ci95", pearsonCI),
                ("n", .int(report.correlation.n)), ("n_unit", .string("teams")),
                ("within", report.correlation.within.map { fit in
                    .object([("slope_value_per_head_on_log_tokens_per_head", .number(fit.slope)), ("se_team_clustered", .number(fit.standardError)),
                             ("ci95", .array([.number(fit.low), .number(fit.high)])), ("per_doubling", .num(report.correlation.withinPerDoubling?.value)),
                             ("team_weeks", .int(fit.observations)), ("teams", .int(fit.clusters))])
                } ?? .null),
                ("finding", .string(report.correlation.finding.rawValue)),
            ])),
            ("intensity", intensity(org.intensity)), ("gini", .num(org.gini)), ("top10_share", .num(org.top10Share)),
            ("acceptance_rate", .num(org.acceptanceRate)), ("suggestions_shown", .int(org.suggestionsShown)),
            ("acceptance_rate_lines", .num(org.acceptanceRateLines)), ("lines_suggested", .int(org.linesSuggested)),
            ("value", .num(org.value)), ("value_per_1k_tokens", .num(org.valuePer1kTokens)), ("cost_per_value", .num(org.costPerValue)),
            ("cost_per_value_range", org.costPerValueRange.map(range) ?? .null),
            ("teams_flagged", .int(report.teamsFlagged)), ("teams_suppressed", .int(report.suppression.teamsWithheld)),
        ])
    }

    /// Each published row of a table with a figure prefix, as an object, by slug.
    /// Every row of a published table, as objects keyed by column name.
    static func tableRows(_ report: PublishedReport, _ name: String) -> JSONValue {
        guard let table = report.table(named: name) else { return .array([]) }
        return .array(table.rows.indices.map { .object(rowObject(table, $0)) })
    }

    static func rows(_ report: PublishedReport, _ name: String) -> [String: [(String, JSONValue)]] {
        guard let table = report.table(named: name) else { return [:] }
        var result: [String: [(String, JSONValue)]] = [:]
        for (index, slug) in table.slugs.enumerated() { result[slug] = rowObject(table, index) }
        return result
    }

    /// A published table's columns first, then the figures that are not in the table.
    static func merged(_ row: [(String, JSONValue)]?, _ extra: [(String, JSONValue)]) -> JSONValue {
        let flat = row ?? []
        let names = Set(flat.map(\.0))
        return .object(flat + extra.filter { !names.contains($0.0) })
    }

    static func team(_ entry: TeamEntry, row: [(String, JSONValue)]?) -> JSONValue {
        guard let published = entry.published else {
            if case let .withheld(group) = entry {
                return .object([("team", .string(group.name)), ("slug", .string(group.slug)), ("suppressed", .bool(true)), ("reason", .string(group.reason))])
            }
            return .null
        }
        let team = published.figures
        return merged(row, [
            ("team", .string(team.team)), ("slug", .string(team.slug)), ("suppressed", .bool(false)),
            ("headcount", .int(team.headcount)), ("active_users", .int(team.activeUsers)), ("adoption_rate", .num(team.adoptionRate)),
            ("requests", .int(team.requests)), ("tokens", .int(team.tokens)),
            ("tokens_per_active_user", .num(team.tokensPerActiveUser)), ("tokens_per_head", .num(team.tokensPerHead)),
            ("value", .num(team.value)), ("value_per_head", .num(team.valuePerHead)), ("value_per_1k_tokens", .num(team.valuePer1kTokens)),
            ("cost_usd", .number(team.costUSD)), ("cost_usd_range", range(team.costRange)), ("cost_per_value", .num(team.costPerValue)),
            ("cost_per_value_range", team.costPerValueRange.map(range) ?? .null),
            ("quadrant", .str(team.quadrant?.rawValue)), ("usage_percentile", .num(team.usagePercentile)), ("value_percentile", .num(team.valuePercentile)),
            ("tokens_per_head_weekly", estimateObject(team.usagePerHeadWeekly)), ("value_per_head_weekly", estimateObject(team.valuePerHeadWeekly)),
            ("acceptance_rate", .num(team.acceptanceRate)), ("acceptance_rate_lines", .num(team.acceptanceRateLines)),
            ("intensity", intensity(team.intensity)), ("gini", .num(team.gini)), ("tools_used", .int(team.toolCount)),
            ("inflation", .object([
                ("index", .num(team.inflation.index)), ("flagged", .bool(team.inflation.flagged)),
                ("signals", .object(team.inflation.signals.map { ($0.name, .num($0.value)) })),
                ("evidence", .object(team.inflation.signals.map { ($0.name, .string($0.evidence)) })),
                ("weights", .object(team.inflation.signals.map { ($0.name, .number($0.weight)) })),
            ])),
            ("weekly", .array(published.weekly.map(week))),
            ("retention", .array(published.retention.map(retention))),
        ])
    }

    static func retention(_ entry: RetentionEntry) -> JSONValue {
        guard let funnel = entry.funnel.shown else {
            return .object([("tool", .string(entry.tool)), ("suppressed", .bool(true))])
        }
        return .object([("tool", .string(entry.tool)), ("tried", .int(funnel.tried)), ("returned", .int(funnel.returned)),
                         ("observed_to_return", .int(funnel.eligibleReturned)), ("sustained", .int(funnel.sustained)),
                         ("observed_to_sustain", .int(funnel.eligibleSustained)), ("median_days_to_second_use", .num(funnel.medianDaysToSecondUse))])
    }

    static func tool(_ entry: ToolEntry, row: [(String, JSONValue)]?) -> JSONValue {
        guard let published = entry.published else {
            if case let .withheld(group, capability) = entry {
                return .object([("tool", .string(entry.id)), ("name", .string(entry.name)), ("slug", .string(group.slug)), ("capability", .string(capability)),
                                 ("suppressed", .bool(true)), ("reason", .string(group.reason))])
            }
            return .null
        }
        let tool = published.figures
        return merged(row, [
            ("tool", .string(tool.tool)), ("name", .string(tool.name)), ("slug", .string(tool.slug)), ("capability", .string(tool.capability)), ("vendor", .str(tool.vendor)),
            ("suppressed", .bool(false)), ("active_users", .int(tool.activeUsers)), ("tokens", .int(tool.tokens)), ("requests", .int(tool.requests)),
            ("cost_usd", .number(tool.costUSD)), ("cost_usd_range", range(tool.costRange)), ("seat_cost_usd", .number(tool.seatCostUSD)),
            ("priced", .bool(tool.priced)),
            ("acceptance_rate", .num(tool.acceptanceRate)), ("suggestions_shown", .int(tool.suggestionsShown)),
            ("acceptance_rate_lines", .num(tool.acceptanceRateLines)), ("lines_suggested", .int(tool.linesSuggested)),
            ("lines_accepted", .int(tool.linesAccepted)), ("seats", .int(tool.seats)), ("teams_using", .int(tool.teamsUsing)),
            ("retention", .object([
                ("tried", .int(tool.retention.tried)), ("returned", .int(tool.retention.returned)), ("observed_to_return", .int(tool.retention.eligibleReturned)),
                ("sustained", .int(tool.retention.sustained)), ("observed_to_sustain", .int(tool.retention.eligibleSustained)),
                ("median_days_to_second_use", .num(tool.retention.medianDaysToSecondUse)),
            ])),
            ("weekly", .array(published.weekly.map(week))),
        ])
    }

    static func week(_ week: WeekRow) -> JSONValue {
        let cell = week.cell.shown
        return .object([
            ("week", .string(week.week.description)), ("active_users", .int(cell?.activeUsers)),
            ("tokens", cell.map { .int($0.tokens) } ?? .null), ("requests", cell.map { .int($0.requests) } ?? .null),
            ("value", .num(cell?.value)), ("headcount", .int(week.headcount)), ("partial", .bool(week.partial)),
            ("suppressed", .bool(cell == nil)),
        ])
    }

    static func feedback(_ feedback: PublishedFeedback) -> JSONValue {
        .object([
            ("documents", .int(feedback.documents)),
            ("themes", .array(feedback.themes.map { .object([("theme", .string($0.theme)), ("count", .int($0.count)), ("share", .number($0.share))]) })),
            ("scores", .object(feedback.scores.map { score in
                (score.question, .object([("counts", .array(score.counts.map { .int($0) })), ("n", .int(score.n)), ("mean", .num(score.mean)),
                                          ("by_team", .object(score.byTeam.map { ($0.team, .array($0.counts.map { .int($0) })) }))]))
            })),
            ("net_sentiment", .num(feedback.netSentiment)),
            ("sentiment", .object([("positive", .int(feedback.positive)), ("neutral", .int(feedback.neutral)), ("negative", .int(feedback.negative))])),
            ("quotes", .array(feedback.quotes.map { quote in
                .object([("text", .string(quote.text)), ("theme", .string(quote.theme)), ("sentiment", .string(quote.sentiment)),
                         ("stands_for", .int(quote.standsFor)), ("channel", .string(quote.channel))])
            })),
            ("letters", .array(feedback.letters.map { .object([("slug", .string($0.slug)), ("title", .string($0.title))]) })),
            ("by_team", .array(feedback.byTeam.map { team in
                .object([("team", .string(team.team)), ("documents", .int(team.documents)),
                         ("themes", .array(team.themes.map { theme in
                             .object([("theme", .string(theme.theme)), ("count", .int(theme.count.shown)), ("share", .num(theme.share.shown)),
                                      ("suppressed", .bool(theme.count.shown == nil))])
                         }))])
            })),
            ("teams_withheld", .int(feedback.teamsWithheld)),
        ])
    }

    static func sprawl(_ sprawl: SprawlFigures) -> JSONValue {
        .object([
            ("tools_per_capability", .object(sprawl.capabilities.map { ($0.capability, .array($0.tools.map(JSONValue.string))) })),
            ("tools_below_floor", .int(sprawl.toolsBelowFloor)),
            ("team_overlap", .array(sprawl.overlap.map { .object([("a", .string($0.a)), ("b", .string($0.b)), ("jaccard", .number($0.jaccard))]) })),
            ("team_overlap_pairs", .int(sprawl.overlapPairs)),
            ("median_tools_per_person", .num(sprawl.medianToolsPerPerson)),
            ("people_with_overlapping_tools", .int(sprawl.peopleWithOverlappingTools)),
            ("people_using_tools", .int(sprawl.peopleUsingTools)),
        ])
    }

    static func coverage(_ coverage: Coverage) -> JSONValue {
        .object([
            ("days_in_period", .int(coverage.daysInPeriod)), ("days_with_data", .int(coverage.daysWithData)),
            ("teams_without_headcount", .array(coverage.teamsWithoutHeadcount.map(JSONValue.string))),
            ("teams_without_value", .array(coverage.teamsWithoutValue.map(JSONValue.string))),
            ("tools_without_prices", .array(coverage.toolsWithoutPrices.map(JSONValue.string))),
            ("partial_first_week", .str(coverage.partialFirstWeek?.description)),
            ("partial_last_week", .str(coverage.partialLastWeek?.description)),
            ("unmatched_identities", .int(coverage.unmatchedIdentities)),
            ("overlapping_rows", .int(coverage.overlaps)),
        ])
    }
}

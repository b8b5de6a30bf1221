import Analysis
import Dataset
import Stats

/// `data/report.json` (`"schema": "candor.report/1"`, DESIGN §5): every figure of the model.
/// Suppressed teams carry only their name, slug and reason; no user id is in the model.
enum ReportJSON {
    static func make(_ model: ReportModel, version: String) -> JSONValue {
        .object([
            ("schema", .string("candor.report/1")),
            ("generator", .string("candor \(version)")),
            ("title", .string(model.title)),
            ("organisation", .str(model.organisation)),
            ("period", .object([("from", .string(model.period.from.description)), ("to", .string(model.period.to.description))])),
            ("privacy", .object([("min_group_size", .int(model.minGroupSize))])),
            ("value_metric", .str(model.valueMetric)),
            ("org", org(model.org)),
            ("teams", .array(model.teams.map(team))),
            ("tools", .array(model.tools.map(tool))),
            ("weekly", .array(model.weekly.map(week))),
            ("cohorts", .array(model.cohorts.map { row in
                .object([("week", .string(row.week.description)), ("size", .int(row.size)),
                         ("retained", .array(row.retained.map { .num($0) }))])
            })),
            ("feedback", feedback(model.feedback)),
            ("sprawl", sprawl(model.sprawl)),
            ("coverage", coverage(model.coverage)),
            ("data_quality", .object([
                ("rows_read", .int(model.coverage.rowsRead)),
                ("rows_rejected", .int(model.coverage.rowsRejected)),
                ("rows_outside_period", .int(model.coverage.rowsOutsidePeriod)),
                ("issues", .array(model.coverage.issues.map { issue in
                    .object([("file", .string(issue.file)), ("line", .int(issue.line)), ("severity", .string(issue.severity.rawValue)),
                             ("message", .string(issue.message))])
                })),
            ])),
            ("signals", .object([("flag_threshold", .number(model.flagThreshold)),
                                 ("review_dates", .array(model.reviewDates.map { .string($0.description) }))])),
        ])
    }

    static func estimate(_ estimate: Estimate?) -> (JSONValue, JSONValue) {
        guard let estimate else { return (.null, .null) }
        return (.number(estimate.value), .array([.number(estimate.low), .number(estimate.high)]))
    }

    static func range(_ range: Analysis.Range) -> JSONValue { .object([("low", .number(range.low)), ("high", .number(range.high))]) }

    static func spread(_ spread: Spread?) -> JSONValue {
        guard let spread else { return .null }
        return .object([("median", .number(spread.median)), ("p90", .number(spread.p90)), ("p99", .number(spread.p99)), ("n", .int(spread.n))])
    }

    static func intensity(_ value: Intensity) -> JSONValue {
        .object([("user_days", .int(value.userDays)), ("tokens_per_user_day", spread(value.tokens)), ("requests_per_user_day", spread(value.requests))])
    }

    static func org(_ org: OrgFigures) -> JSONValue {
        let (spearman, spearmanCI) = estimate(org.correlation.spearman)
        let (pearson, pearsonCI) = estimate(org.correlation.pearson)
        return .object([
            ("headcount", .int(org.headcount)), ("active_users", .int(org.activeUsers)), ("adoption_rate", .num(org.adoptionRate)),
            ("adoption_denominator", .string(org.adoptionDenominator)),
            ("requests", .int(org.requests)), ("tokens", .int(org.tokens)), ("input_tokens", .int(org.inputTokens)),
            ("output_tokens", .int(org.outputTokens)), ("cached_tokens", .int(org.cachedTokens)),
            ("cost_usd", .number(org.costUSD)), ("cost_coverage", .num(org.costCoverage)),
            ("energy_kwh", range(org.energyKWh)), ("co2e_kg", range(org.co2eKg)),
            ("correlation", .object([
                ("spearman", spearman), ("spearman_ci95", spearmanCI), ("pearson", pearson), ("pearson_ci95", pearsonCI),
                ("n", .int(org.correlation.n)), ("ols_slope_value_on_log_usage", .num(org.correlation.slope)),
                ("ols_slope_se", .num(org.correlation.slopeStandardError)),
            ])),
            ("intensity", intensity(org.intensity)), ("gini", .num(org.gini)), ("top10_share", .num(org.top10Share)),
            ("acceptance_rate", .num(org.acceptanceRate)), ("suggestions_shown", .int(org.suggestionsShown)),
            ("acceptance_rate_lines", .num(org.acceptanceRateLines)), ("lines_suggested", .int(org.linesSuggested)),
            ("value", .num(org.value)), ("value_per_1k_tokens", .num(org.valuePer1kTokens)), ("cost_per_value", .num(org.costPerValue)),
            ("teams_flagged", .int(org.teamsFlagged)), ("teams_suppressed", .int(org.teamsSuppressed)),
        ])
    }

    static func team(_ team: TeamFigures) -> JSONValue {
        if team.suppressed {
            return .object([("team", .string(team.team)), ("slug", .string(team.slug)), ("suppressed", .bool(true)),
                             ("reason", .string(team.reason ?? "below the privacy floor"))])
        }
        return .object([
            ("team", .string(team.team)), ("slug", .string(team.slug)), ("suppressed", .bool(false)),
            ("headcount", .int(team.headcount)), ("active_users", .int(team.activeUsers)), ("adoption_rate", .num(team.adoptionRate)),
            ("requests", .int(team.requests)), ("tokens", .int(team.tokens)),
            ("tokens_per_active_user", .num(team.tokensPerActiveUser)), ("tokens_per_head", .num(team.tokensPerHead)),
            ("value", .num(team.value)), ("value_per_head", .num(team.valuePerHead)), ("value_per_1k_tokens", .num(team.valuePer1kTokens)),
            ("cost_usd", .number(team.costUSD)), ("cost_per_value", .num(team.costPerValue)),
            ("quadrant", .str(team.quadrant?.rawValue)), ("usage_percentile", .num(team.usagePercentile)), ("value_percentile", .num(team.valuePercentile)),
            ("acceptance_rate", .num(team.acceptanceRate)), ("acceptance_rate_lines", .num(team.acceptanceRateLines)),
            ("intensity", intensity(team.intensity)), ("gini", .num(team.gini)), ("tools_used", .int(team.toolCount)),
            ("inflation", .object([
                ("index", .num(team.inflation.index)), ("flagged", .bool(team.inflation.flagged)),
                ("signals", .object(team.inflation.signals.map { ($0.name, .num($0.value)) })),
                ("evidence", .object(team.inflation.signals.map { ($0.name, .string($0.evidence)) })),
                ("weights", .object(team.inflation.signals.map { ($0.name, .number($0.weight)) })),
            ])),
            ("retention", .array(team.retention.map(retention))),
        ])
    }

    static func retention(_ figures: RetentionFigures) -> JSONValue {
        if figures.suppressed {
            return .object([("tool", .string(figures.tool)), ("suppressed", .bool(true))])
        }
        return .object([("tool", .string(figures.tool)), ("tried", .int(figures.tried)), ("returned", .int(figures.returned)),
                         ("sustained", .int(figures.sustained)), ("median_days_to_second_use", .num(figures.medianDaysToSecondUse))])
    }

    static func tool(_ tool: ToolFigures) -> JSONValue {
        if tool.suppressed {
            return .object([("tool", .string(tool.tool)), ("slug", .string(tool.slug)), ("capability", .string(tool.capability)),
                             ("suppressed", .bool(true)), ("reason", .string("fewer active people than the privacy floor, or complementary suppression"))])
        }
        return .object([
            ("tool", .string(tool.tool)), ("slug", .string(tool.slug)), ("capability", .string(tool.capability)), ("vendor", .str(tool.vendor)),
            ("suppressed", .bool(false)), ("active_users", .int(tool.activeUsers)), ("tokens", .int(tool.tokens)), ("requests", .int(tool.requests)),
            ("cost_usd", .number(tool.costUSD)), ("priced", .bool(tool.priced)),
            ("acceptance_rate", .num(tool.acceptanceRate)), ("suggestions_shown", .int(tool.suggestionsShown)),
            ("acceptance_rate_lines", .num(tool.acceptanceRateLines)), ("lines_suggested", .int(tool.linesSuggested)),
            ("lines_accepted", .int(tool.linesAccepted)), ("seats", .int(tool.seats)), ("teams_using", .int(tool.teamsUsing)),
            ("retention", .object([
                ("tried", .int(tool.retention.tried)), ("returned", .int(tool.retention.returned)), ("sustained", .int(tool.retention.sustained)),
                ("median_days_to_second_use", .num(tool.retention.medianDaysToSecondUse)),
            ])),
        ])
    }

    static func week(_ week: WeekFigures) -> JSONValue {
        .object([
            ("week", .string(week.week.description)), ("active_users", .int(week.activeUsers)),
            ("tokens", week.tokens.map { .int($0) } ?? .null), ("requests", week.requests.map { .int($0) } ?? .null),
            ("value", .num(week.value)), ("headcount", .int(week.headcount)), ("partial", .bool(week.partial)),
        ])
    }

    static func feedback(_ feedback: FeedbackFigures) -> JSONValue {
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
                         ("themes", .array(team.themes.map { .object([("theme", .string($0.theme)), ("count", .int($0.count)), ("share", .number($0.share))]) }))])
            })),
        ])
    }

    static func sprawl(_ sprawl: SprawlFigures) -> JSONValue {
        .object([
            ("tools_per_capability", .object(sprawl.capabilities.map { ($0.capability, .array($0.tools.map(JSONValue.string))) })),
            ("tools_below_floor", .int(sprawl.toolsBelowFloor)),
            ("team_overlap", .array(sprawl.overlap.map { .object([("a", .string($0.a)), ("b", .string($0.b)), ("jaccard", .number($0.jaccard))]) })),
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

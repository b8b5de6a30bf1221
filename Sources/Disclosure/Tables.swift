import Analysis
import Dataset

/// One published table, declared once (its dimensions, measures, units and formats): the CSV
/// download, the tables of `data/report.json`, the `{{ figure }}` references and the datasets
/// of commentary charts are all derived from it, so a new measure is one line here.
public struct TableDescriptor: Sendable {
    public enum Format: Sendable, Equatable {
        case text, integer, si, percent, currency, decimals(Int), bool
    }

    public struct Column: Sendable {
        public var name: String
        /// What a value means, in words, with its unit ("tokens over the period").
        public var unit: String
        public var format: Format
        /// Dimensions name a row; measures are its figures.
        public var isDimension: Bool
    }

    public var name: String
    public var title: String
    public var columns: [Column]
    /// The dimension whose slug names a row in figure references (`teams.<slug>.tokens`).
    public var figurePrefix: String?

    public var dimensions: [Column] { columns.filter(\.isDimension) }
    public var measures: [Column] { columns.filter { !$0.isDimension } }
    public var file: String { "data/\(name).csv" }
}

/// A cell of a published table: a value, a figure that does not apply, or a withheld one.
public enum TableValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case missing
    case withheld

    public var number: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .number(value): value
        default: nil
        }
    }
}

public struct PublishedTable: Sendable {
    public var descriptor: TableDescriptor
    /// Each row's slug (for figure references), when the table has a figure prefix.
    public var slugs: [String]
    public var rows: [[TableValue]]

    public func column(_ name: String) -> Int? { descriptor.columns.firstIndex { $0.name == name } }
}

/// A column of a table of `Row`s: its declaration and how a row gives its value.
struct Column<Row> {
    var declaration: TableDescriptor.Column
    var value: (Row) -> TableValue

    static func dimension(_ name: String, _ unit: String, _ value: @escaping (Row) -> String) -> Column {
        Column(declaration: .init(name: name, unit: unit, format: .text, isDimension: true), value: { .text(value($0)) })
    }
    static func measure(_ name: String, _ unit: String, _ format: TableDescriptor.Format, _ value: @escaping (Row) -> TableValue) -> Column {
        Column(declaration: .init(name: name, unit: unit, format: format, isDimension: false), value: value)
    }
}

/// A published table: its descriptor, its rows in the published report, and its columns.
struct TableSpec<Row> {
    var name: String
    var title: String
    var figurePrefix: String? = nil
    var slug: ((Row) -> String)? = nil
    var rows: (PublishedReport) -> [Row]
    var columns: [Column<Row>]

    var descriptor: TableDescriptor {
        TableDescriptor(name: name, title: title, columns: columns.map(\.declaration), figurePrefix: figurePrefix)
    }

    func table(_ report: PublishedReport) -> PublishedTable {
        let rows = self.rows(report)
        return PublishedTable(descriptor: descriptor, slugs: slug.map { slug in rows.map(slug) } ?? [],
                              rows: rows.map { row in columns.map { $0.value(row) } })
    }
}

/// A name as written when it is already a plain identifier (`prs_merged`), otherwise its slug:
/// the key of a metric or a survey question in figure references.
public func figureKey(_ name: String) -> String {
    name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }) && !name.isEmpty ? name : slugify(name)
}

func int(_ value: Int?) -> TableValue { value.map { .integer(Int64($0)) } ?? .missing }
func int(_ value: Int64) -> TableValue { .integer(value) }
func num(_ value: Double?) -> TableValue { value.map { .number($0) } ?? .missing }
func cell<Value>(_ value: Disclosed<Value>, _ make: (Value) -> TableValue) -> TableValue { value.shown.map(make) ?? .withheld }

/// Every published table. A new measure is one line in its table here: the CSV file, the
/// tables and flat figures of report.json, the `{{ figure }}` references and the datasets of
/// commentary charts all follow.
// Immutable once built; its closures capture nothing.
nonisolated(unsafe) let tableSpecs: [(descriptor: TableDescriptor, table: (PublishedReport) -> PublishedTable)] = [
    erase(TableSpec<TeamFigures>(name: "teams", title: "Published teams", figurePrefix: "teams", slug: \.slug,
                                 rows: { $0.publishedTeams.map(\.figures) }, columns: [
        .dimension("team", "team") { $0.team },
        .measure("headcount", "people in the team", .integer) { int($0.headcount) },
        .measure("active_users", "people who used an AI tool in the period", .integer) { int($0.activeUsers) },
        .measure("adoption_rate", "active people ÷ headcount", .percent) { num($0.adoptionRate) },
        .measure("requests", "requests over the period", .si) { int($0.requests) },
        .measure("tokens", "tokens over the period", .si) { int($0.tokens) },
        .measure("tokens_per_active_user", "tokens per active person over the period", .si) { num($0.tokensPerActiveUser) },
        .measure("tokens_per_head", "tokens per head over the period", .si) { num($0.tokensPerHead) },
        .measure("value", "outcome over the period", .si) { num($0.value) },
        .measure("value_per_head", "outcome per head over the period", .decimals(2)) { num($0.valuePerHead) },
        .measure("cost_usd", "usage cost over the period at list prices, dollars", .currency) { .number($0.costUSD) },
        .measure("cost_usd_low", "usage cost with cached input at its cache-read price, dollars", .currency) { .number($0.costRange.low) },
        .measure("acceptance_rate", "suggestions accepted ÷ shown", .percent) { num($0.acceptanceRate) },
        .measure("quadrant", "adoption-versus-value quadrant", .text) { $0.quadrant.map { .text($0.rawValue) } ?? .missing },
        .measure("inflation_index", "inflation index, 0–1", .decimals(2)) { num($0.inflation.index) },
        .measure("flagged", "flagged by the inflation test", .bool) { .bool($0.inflation.flagged) },
    ])),
    erase(TableSpec<WeekRow>(name: "weekly", title: "The organisation by week", rows: \.weekly, columns: [
        .dimension("week", "ISO week") { $0.week.description },
        .measure("active_users", "people active in the week", .integer) { row in cell(row.cell) { int($0.activeUsers) } },
        .measure("tokens", "tokens in the week", .si) { row in cell(row.cell) { int($0.tokens) } },
        .measure("requests", "requests in the week", .si) { row in cell(row.cell) { int($0.requests) } },
        .measure("value", "outcome in the week", .si) { row in cell(row.cell) { num($0.value) } },
        .measure("partial", "the week is cut by the period", .bool) { .bool($0.partial) },
    ])),
    erase(TableSpec<TeamWeekRow>(name: "team_weeks", title: "Published team-weeks (the correlation also uses those withheld only to protect smaller groups)",
                                 rows: \.teamWeeks, columns: [
        .dimension("team", "team") { $0.team },
        .dimension("week", "ISO week") { $0.week.description },
        .measure("headcount", "people in the team", .integer) { int($0.headcount) },
        .measure("active_users", "people active in the week", .integer) { int($0.activeUsers) },
        .measure("requests", "requests in the week", .si) { int($0.requests) },
        .measure("tokens", "tokens in the week", .si) { int($0.tokens) },
        .measure("value", "outcome in the week", .si) { .number($0.value) },
        .measure("usage_per_head", "tokens per head in the week", .si) { .number($0.usagePerHead) },
        .measure("value_per_head", "outcome per head in the week", .decimals(2)) { .number($0.valuePerHead) },
    ])),
    erase(TableSpec<ToolFigures>(name: "tools", title: "Published tools", figurePrefix: "tools", slug: \.slug,
                                 rows: { $0.publishedTools.map(\.figures) }, columns: [
        .dimension("tool", "tool") { $0.tool },
        .dimension("capability", "capability") { $0.capability },
        .measure("active_users", "people who used the tool in the period", .integer) { int($0.activeUsers) },
        .measure("tokens", "tokens over the period", .si) { int($0.tokens) },
        .measure("requests", "requests over the period", .si) { int($0.requests) },
        .measure("cost_usd", "usage cost over the period at list prices, dollars", .currency) { .number($0.costUSD) },
        .measure("cost_usd_low", "cost range, low end: cache-read prices, plus seats", .currency) { .number($0.costRange.low) },
        .measure("cost_usd_high", "cost range, high end: list prices, plus seats", .currency) { .number($0.costRange.high) },
        .measure("seat_cost_usd", "seat licences over the period, dollars", .currency) { .number($0.seatCostUSD) },
        .measure("acceptance_rate", "suggestions accepted ÷ shown", .percent) { num($0.acceptanceRate) },
        .measure("acceptance_rate_lines", "lines accepted ÷ suggested", .percent) { num($0.acceptanceRateLines) },
        .measure("seats", "licensed seats", .integer) { int($0.seats) },
        .measure("tried", "people with at least one active day", .integer) { int($0.retention.tried) },
        .measure("returned", "people active in two or more weeks", .integer) { int($0.retention.returned) },
        .measure("observed_to_return", "people observed for 14 days or more from their first use", .integer) { int($0.retention.eligibleReturned) },
        .measure("sustained", "people active in at least half the weeks since first use", .integer) { int($0.retention.sustained) },
        .measure("observed_to_sustain", "people whose first use was four weeks or more before the period's end", .integer) { int($0.retention.eligibleSustained) },
        .measure("median_days_to_second_use", "Kaplan–Meier median days from first to second active day", .decimals(1)) { num($0.retention.medianDaysToSecondUse) },
    ])),
    erase(TableSpec<(team: String, signal: Signal)>(name: "signals", title: "Inflation signals of published teams",
                                                    rows: { $0.publishedTeams.flatMap { team in team.figures.inflation.signals.map { (team.figures.team, $0) } } },
                                                    columns: [
        .dimension("team", "team") { $0.team },
        .dimension("signal", "signal") { $0.signal.name },
        .measure("value", "signal, 0–1", .decimals(2)) { num($0.signal.value) },
        .measure("weight", "weight in the index", .decimals(2)) { .number($0.signal.weight) },
        .measure("evidence", "what the signal rests on", .text) { .text($0.signal.evidence) },
    ])),
    erase(TableSpec<ThemeCount>(name: "themes", title: "Feedback themes", rows: \.feedback.themes, columns: [
        .dimension("theme", "theme") { $0.theme },
        .measure("count", "documents mentioning the theme", .integer) { int($0.count) },
        .measure("share", "share of all documents", .percent) { .number($0.share) },
    ])),
    erase(TableSpec<(row: PublishedFeedback.TeamRow, theme: (theme: String, count: Disclosed<Int>, share: Disclosed<Double>))>(
        name: "themes_by_team", title: "Feedback themes by team",
        rows: { $0.feedback.byTeam.flatMap { row in row.themes.map { (row, $0) } } }, columns: [
        .dimension("team", "team") { $0.row.team },
        .dimension("theme", "theme") { $0.theme.theme },
        .measure("documents", "the team's documents", .integer) { int($0.row.documents) },
        .measure("count", "documents mentioning the theme", .integer) { cell($0.theme.count) { int($0) } },
        .measure("share", "share of the team's documents", .percent) { cell($0.theme.share) { .number($0) } },
    ])),
    erase(TableSpec<OutcomeFigures>(name: "outcomes", title: "Outcome metrics: adoption versus value for each", figurePrefix: "outcomes",
                                    slug: { figureKey($0.metric.metric) }, rows: \.outcomes, columns: [
        .dimension("metric", "metric as data/outcomes.csv names it") { $0.metric.metric },
        .measure("name", "display name", .text) { .text($0.metric.name) },
        .measure("unit", "unit", .text) { .text($0.metric.unit) },
        .measure("role", "primary (the tools should improve it) or guardrail (it must not get worse)", .text) { .text($0.metric.role.rawValue) },
        .measure("direction", "which direction is better", .text) { .text($0.metric.direction.rawValue) },
        .measure("total", "the organisation's total over the period", .si) { num($0.total) },
        .measure("per_head", "total ÷ the organisation's headcount, over the period", .decimals(2)) { num($0.perHead) },
        .measure("per_1k_tokens", "total ÷ thousands of tokens", .decimals(4)) { num($0.per1kTokens) },
        .measure("cost_per_unit_low", "cost range ÷ total, low end, dollars", .currency) { num($0.costPerUnit?.low) },
        .measure("cost_per_unit_high", "cost range ÷ total, high end, dollars", .currency) { num($0.costPerUnit?.high) },
        .measure("interval_level", "level of the simultaneous intervals", .percent) { .number($0.level) },
        .measure("spearman", "between teams: Spearman's ρ of usage per head and the metric per head", .decimals(2)) { num($0.correlation.spearman?.value) },
        .measure("spearman_low", "between teams: interval, low end", .decimals(2)) { num($0.correlation.spearman?.low) },
        .measure("spearman_high", "between teams: interval, high end", .decimals(2)) { num($0.correlation.spearman?.high) },
        .measure("teams", "teams in the between-team figure", .integer) { int($0.correlation.n) },
        .measure("within_per_doubling", "within teams: the metric per head per doubling of usage", .decimals(3)) { num($0.correlation.withinPerDoubling?.value) },
        .measure("within_low", "within teams: interval, low end", .decimals(3)) { num($0.correlation.withinPerDoubling?.low) },
        .measure("within_high", "within teams: interval, high end", .decimals(3)) { num($0.correlation.withinPerDoubling?.high) },
        .measure("finding", "within teams, read against the better direction: better, worse, unclear", .text) { .text($0.effect.rawValue) },
        .measure("cohort_mix_per_10pp", "the metric per head per 10 points more heavy users in the team, within teams", .decimals(3)) { num($0.cohortMix.map { $0.slope * 0.1 }) },
        .measure("cohort_mix_low", "interval, low end", .decimals(3)) { num($0.cohortMix.map { $0.low * 0.1 }) },
        .measure("cohort_mix_high", "interval, high end", .decimals(3)) { num($0.cohortMix.map { $0.high * 0.1 }) },
    ])),
    erase(TableSpec<(outcome: OutcomeFigures, team: String, figures: TeamOutcome)>(
        name: "team_outcomes", title: "Outcome metrics by published team",
        rows: { report in report.outcomes.flatMap { outcome in outcome.teams.keys.sorted().map { (outcome, $0, outcome.teams[$0]!) } } }, columns: [
        .dimension("team", "team") { $0.team },
        .dimension("metric", "metric") { $0.outcome.metric.metric },
        .measure("value", "the team's total over the period", .si) { num($0.figures.value) },
        .measure("per_head", "total ÷ the team's headcount, over the period", .decimals(2)) { num($0.figures.perHead) },
        .measure("cost_per_unit_low", "usage cost range ÷ total, low end, dollars", .currency) { num($0.figures.costPerUnit?.low) },
        .measure("cost_per_unit_high", "usage cost range ÷ total, high end, dollars", .currency) { num($0.figures.costPerUnit?.high) },
        .measure("trend_per_doubling", "in the team's own weeks: the metric per head per doubling of usage", .decimals(3)) { num($0.figures.trendPerDoubling?.value) },
        .measure("trend_low", "interval, low end", .decimals(3)) { num($0.figures.trendPerDoubling?.low) },
        .measure("trend_high", "interval, high end", .decimals(3)) { num($0.figures.trendPerDoubling?.high) },
        .measure("weeks", "weeks in the trend", .integer) { int($0.figures.trend?.observations) },
        .measure("finding", "after the false-discovery control across teams: better, worse, unclear", .text) { .text($0.figures.effect.rawValue) },
    ])),
    erase(TableSpec<PublishedUsageCohorts.TeamRow>(name: "usage_cohorts", title: "Usage cohorts by published team", figurePrefix: "usage_cohorts",
                                                   slug: \.slug, rows: { $0.usageCohorts.teams }, columns: [
        .dimension("team", "team") { $0.team },
        .measure("headcount", "people in the team", .integer) { int($0.headcount) },
        .measure("none", "people who did not use the tools", .integer) { int($0.none) },
        .measure("light", "light users", .integer) { row in cell(row.counts) { int($0[0]) } },
        .measure("moderate", "moderate users", .integer) { row in cell(row.counts) { int($0[1]) } },
        .measure("heavy", "heavy users", .integer) { row in cell(row.counts) { int($0[2]) } },
        .measure("unclassified", "active people counted only by vendors' group rows", .integer) { int($0.unclassified) },
        .measure("heavy_share", "heavy users ÷ headcount", .percent) { row in
            cell(row.counts) { counts in num(row.headcount.flatMap { $0 > 0 ? Double(counts[2]) / Double($0) : nil }) }
        },
    ])),
    erase(TableSpec<PublishedUsageCohorts.WeekRow>(name: "weekly_usage_cohorts", title: "Usage cohorts of the organisation by week",
                                                   rows: { $0.usageCohorts.weekly }, columns: [
        .dimension("week", "ISO week") { $0.week.description },
        .measure("light", "light users that week", .integer) { row in cell(row.counts) { int($0[0]) } },
        .measure("moderate", "moderate users that week", .integer) { row in cell(row.counts) { int($0[1]) } },
        .measure("heavy", "heavy users that week", .integer) { row in cell(row.counts) { int($0[2]) } },
        .measure("unclassified", "active people counted only by vendors' group rows", .integer) { int($0.unclassified) },
        .measure("partial", "the week is cut by the period", .bool) { .bool($0.partial) },
    ])),
    erase(TableSpec<PublishedTimeSaved>(name: "time_saved", title: "Hours saved per week, as people report them", figurePrefix: "time_saved",
                                        slug: { figureKey($0.question) }, rows: \.timeSaved, columns: [
        .dimension("question", "survey question") { $0.question },
        .measure("n", "answers", .integer) { int($0.n) },
        .measure("mean", "mean hours saved per week", .decimals(1)) { num($0.org?.value) },
        .measure("low", "95 % interval, low end (teams resampled)", .decimals(1)) { num($0.org?.low) },
        .measure("high", "95 % interval, high end", .decimals(1)) { num($0.org?.high) },
        .measure("comparison", "reported hours against the measured primary outcome", .text) { .text($0.comparison.rawValue) },
    ])),
    erase(TableSpec<(question: String, kind: String, group: TimeSaved.Group)>(
        name: "time_saved_by_group", title: "Hours saved per week by published team and tool",
        rows: { report in report.timeSaved.flatMap { q in q.byTeam.map { (q.question, "team", $0) } + q.byTool.map { (q.question, "tool", $0) } } }, columns: [
        .dimension("question", "survey question") { $0.question },
        .dimension("kind", "team or tool") { $0.kind },
        .dimension("group", "the team or tool") { $0.group.name },
        .measure("n", "answers", .integer) { int($0.group.n) },
        .measure("mean", "mean hours saved per week", .decimals(1)) { num($0.group.mean?.value) },
        .measure("low", "95 % interval, low end", .decimals(1)) { num($0.group.mean?.low) },
        .measure("high", "95 % interval, high end", .decimals(1)) { num($0.group.mean?.high) },
        .measure("comparison", "for a team: reported hours against its own measured trend", .text) { .text($0.group.comparison?.rawValue ?? "") },
    ])),
    erase(TableSpec<PublishedCohort>(name: "cohorts", title: "Weekly cohorts", rows: { $0.cohorts.compactMap(\.shown) }, columns: [
        .dimension("week", "week of first use") { $0.week.description },
        .measure("size", "people who first used a tool that week", .integer) { int($0.size) },
    ] + (1...8).map { k in
        .measure("retained_week_\(k)", "share of the cohort active \(k) week\(k == 1 ? "" : "s") later", .percent) { row in
            row.retained.count >= k ? num(row.retained[k - 1]) : .missing
        }
    })),
]

func erase<Row>(_ spec: TableSpec<Row>) -> (descriptor: TableDescriptor, table: (PublishedReport) -> PublishedTable) {
    (spec.descriptor, spec.table)
}

extension PublishedReport {
    public static let descriptors = tableSpecs.map(\.descriptor)

    /// Every published table, in the order of `descriptors`. Only published figures reach them.
    public var tables: [PublishedTable] { tableSpecs.map { $0.table(self) } }

    /// One published table, made alone (making every table to find one was done once per
    /// table of report.json and per chart).
    public func table(named name: String) -> PublishedTable? {
        tableSpecs.first { $0.descriptor.name == name }.map { $0.table(self) }
    }
}

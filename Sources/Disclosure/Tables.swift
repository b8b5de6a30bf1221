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

private func dim(_ name: String, _ unit: String) -> TableDescriptor.Column { .init(name: name, unit: unit, format: .text, isDimension: true) }
private func measure(_ name: String, _ unit: String, _ format: TableDescriptor.Format) -> TableDescriptor.Column {
    .init(name: name, unit: unit, format: format, isDimension: false)
}

private func int(_ value: Int?) -> TableValue { value.map { .integer(Int64($0)) } ?? .missing }
private func int64(_ value: Int64) -> TableValue { .integer(value) }
private func num(_ value: Double?) -> TableValue { value.map { .number($0) } ?? .missing }

extension PublishedReport {
    public static let teamsTable = TableDescriptor(name: "teams", title: "Published teams", columns: [
        dim("team", "team"),
        measure("headcount", "people in the team", .integer),
        measure("active_users", "people who used an AI tool in the period", .integer),
        measure("adoption_rate", "active people ÷ headcount", .percent),
        measure("requests", "requests over the period", .si),
        measure("tokens", "tokens over the period", .si),
        measure("tokens_per_active_user", "tokens per active person over the period", .si),
        measure("tokens_per_head", "tokens per head over the period", .si),
        measure("value", "outcome over the period", .si),
        measure("value_per_head", "outcome per head over the period", .decimals(2)),
        measure("cost_usd", "cost over the period, dollars", .currency),
        measure("acceptance_rate", "suggestions accepted ÷ shown", .percent),
        measure("quadrant", "adoption-versus-value quadrant", .text),
        measure("inflation_index", "inflation index, 0–1", .decimals(2)),
        measure("flagged", "flagged by the inflation test", .bool),
    ], figurePrefix: "teams")

    public static let weeklyTable = TableDescriptor(name: "weekly", title: "The organisation by week", columns: [
        dim("week", "ISO week"),
        measure("active_users", "people active in the week", .integer),
        measure("tokens", "tokens in the week", .si),
        measure("requests", "requests in the week", .si),
        measure("value", "outcome in the week", .si),
        measure("partial", "the week is cut by the period", .bool),
    ], figurePrefix: nil)

    public static let teamWeeksTable = TableDescriptor(name: "team_weeks", title: "Published team-weeks (the correlation also uses those withheld only to protect smaller groups)", columns: [
        dim("team", "team"), dim("week", "ISO week"),
        measure("headcount", "people in the team", .integer),
        measure("active_users", "people active in the week", .integer),
        measure("requests", "requests in the week", .si),
        measure("tokens", "tokens in the week", .si),
        measure("value", "outcome in the week", .si),
        measure("usage_per_head", "tokens per head in the week", .si),
        measure("value_per_head", "outcome per head in the week", .decimals(2)),
    ], figurePrefix: nil)

    public static let toolsTable = TableDescriptor(name: "tools", title: "Published tools", columns: [
        dim("tool", "tool"), dim("capability", "capability"),
        measure("active_users", "people who used the tool in the period", .integer),
        measure("tokens", "tokens over the period", .si),
        measure("requests", "requests over the period", .si),
        measure("cost_usd", "cost over the period, dollars", .currency),
        measure("acceptance_rate", "suggestions accepted ÷ shown", .percent),
        measure("acceptance_rate_lines", "lines accepted ÷ suggested", .percent),
        measure("seats", "licensed seats", .integer),
        measure("tried", "people with at least one active day", .integer),
        measure("returned", "people active in two or more weeks", .integer),
        measure("sustained", "people active in at least half the weeks since first use", .integer),
    ], figurePrefix: "tools")

    public static let signalsTable = TableDescriptor(name: "signals", title: "Inflation signals of published teams", columns: [
        dim("team", "team"), dim("signal", "signal"),
        measure("value", "signal, 0–1", .decimals(2)),
        measure("weight", "weight in the index", .decimals(2)),
        measure("evidence", "what the signal rests on", .text),
    ], figurePrefix: nil)

    public static let themesTable = TableDescriptor(name: "themes", title: "Feedback themes", columns: [
        dim("theme", "theme"),
        measure("count", "documents mentioning the theme", .integer),
        measure("share", "share of all documents", .percent),
    ], figurePrefix: nil)

    public static let themesByTeamTable = TableDescriptor(name: "themes_by_team", title: "Feedback themes by team", columns: [
        dim("team", "team"), dim("theme", "theme"),
        measure("documents", "the team's documents", .integer),
        measure("count", "documents mentioning the theme", .integer),
        measure("share", "share of the team's documents", .percent),
    ], figurePrefix: nil)

    public static let cohortsTable = TableDescriptor(name: "cohorts", title: "Weekly cohorts", columns: [
        dim("week", "week of first use"),
        measure("size", "people who first used a tool that week", .integer),
    ] + (1...8).map { measure("retained_week_\($0)", "share of the cohort active \($0) week\($0 == 1 ? "" : "s") later", .percent) },
    figurePrefix: nil)

    public static let descriptors = [teamsTable, weeklyTable, teamWeeksTable, toolsTable, signalsTable, themesTable, themesByTeamTable, cohortsTable]

    /// Every published table, in the order of `descriptors`. Only published figures reach them.
    public var tables: [PublishedTable] {
        var result: [PublishedTable] = []
        let teams = publishedTeams.map(\.figures)
        result.append(PublishedTable(descriptor: Self.teamsTable, slugs: teams.map(\.slug), rows: teams.map { team in
            [.text(team.team), int(team.headcount), int(team.activeUsers), num(team.adoptionRate), int64(team.requests), int64(team.tokens),
             num(team.tokensPerActiveUser), num(team.tokensPerHead), num(team.value), num(team.valuePerHead), .number(team.costUSD),
             num(team.acceptanceRate), team.quadrant.map { .text($0.rawValue) } ?? .missing, num(team.inflation.index), .bool(team.inflation.flagged)]
        }))
        result.append(PublishedTable(descriptor: Self.weeklyTable, slugs: [], rows: weekly.map { week in
            let cell = week.cell.shown
            return [.text(week.week.description), cell.map { int($0.activeUsers) } ?? .withheld, cell.map { int64($0.tokens) } ?? .withheld,
                    cell.map { int64($0.requests) } ?? .withheld, cell.map { num($0.value) } ?? .withheld, .bool(week.partial)]
        }))
        result.append(PublishedTable(descriptor: Self.teamWeeksTable, slugs: [], rows: teamWeeks.map { row in
            [.text(row.team), .text(row.week.description), int(row.headcount), int(row.activeUsers), int64(row.requests), int64(row.tokens),
             .number(row.value), .number(row.usagePerHead), .number(row.valuePerHead)]
        }))
        let tools = publishedTools.map(\.figures)
        result.append(PublishedTable(descriptor: Self.toolsTable, slugs: tools.map(\.slug), rows: tools.map { tool in
            [.text(tool.tool), .text(tool.capability), int(tool.activeUsers), int64(tool.tokens), int64(tool.requests), .number(tool.costUSD),
             num(tool.acceptanceRate), num(tool.acceptanceRateLines), int(tool.seats),
             int(tool.retention.tried), int(tool.retention.returned), int(tool.retention.sustained)]
        }))
        result.append(PublishedTable(descriptor: Self.signalsTable, slugs: [], rows: teams.flatMap { team in
            team.inflation.signals.map { [.text(team.team), .text($0.name), num($0.value), .number($0.weight), .text($0.evidence)] }
        }))
        result.append(PublishedTable(descriptor: Self.themesTable, slugs: [], rows: feedback.themes.map {
            [.text($0.theme), int($0.count), .number($0.share)]
        }))
        result.append(PublishedTable(descriptor: Self.themesByTeamTable, slugs: [], rows: feedback.byTeam.flatMap { row in
            row.themes.map { theme in
                [.text(row.team), .text(theme.theme), int(row.documents), theme.count.shown.map { int($0) } ?? .withheld,
                 theme.share.shown.map { .number($0) } ?? .withheld]
            }
        }))
        result.append(PublishedTable(descriptor: Self.cohortsTable, slugs: [], rows: cohorts.compactMap(\.shown).map { row in
            [.text(row.week.description), int(row.size)] + (0..<8).map { row.retained.count > $0 ? num(row.retained[$0]) : .missing }
        }))
        return result
    }
}

import Analysis
import Dataset
import Stats

/// The organisation as a whole is about too few people to publish anything.
public struct OrganisationTooSmall: Error, CustomStringConvertible {
    public var people: Int
    public var floor: Int
    public var description: String {
        "data/usage: the organisation has \(people) active \(people == 1 ? "person" : "people"), fewer than the privacy floor of \(floor) (privacy.min_group_size in report.yml); no figure can be published without describing them"
    }
}

/// The publication stage (DESIGN §8): takes the full model, withholds what the disclosure
/// rules require across every published table at once, and returns what may be published.
public enum Disclosure {
    static let reason = "Withheld to protect small groups: figures about this group, or figures that would let a reader work out those of a smaller group by subtraction, could identify people. The methodology page explains the rules."

    public static func publish(_ model: ReportModel, config: ReportConfig) throws -> PublishedReport {
        try solve(model, config: config).report
    }

    /// The published report and the solved problem behind it (for the dev-time attacker test,
    /// which needs the true values of withheld cells; never written to the output folder).
    public static func solve(_ model: ReportModel, config: ReportConfig) throws -> (report: PublishedReport, problem: CellSuppression) {
        guard model.org.activeUsers == 0 || model.org.activeUsers >= model.minGroupSize else {
            throw OrganisationTooSmall(people: model.org.activeUsers, floor: model.minGroupSize)
        }
        var grid = Grid(model: model, rules: .init(minGroupSize: model.minGroupSize, dominanceP: config.dominanceP,
                                                    protection: config.protectionPct / 100))
        grid.problem.solve()
        return (grid.published(model), grid.problem)
    }
}

/// Every published additive figure of the model as a cell of one suppression problem.
struct Grid {
    typealias Measure = CellSuppression.Measure
    var problem: CellSuppression
    var org = 0
    var teams: [String: Int] = [:]
    var teamWeeks: [String: [Int]] = [:]
    var weeks: [Int] = []
    var tools: [String: Int] = [:]
    var toolWeeks: [String: [Int]] = [:]
    var retention: [String: [String: Int]] = [:]  // team → tool → cell
    var cohorts: [Int] = []
    var feedbackTeams: [String: Int] = [:]
    var feedbackThemes: [String: [Int]] = [:]     // team → cell per theme
    var scoreCells: [String: [String: [Int]]] = [:]  // team → question → cell per score
    var hoursTeams: [[String: Int]] = []          // question → team → cell
    var hoursTools: [[String: Int]] = []          // question → tool → cell

    init(model: ReportModel, rules: CellSuppression.Rules) {
        problem = CellSuppression(rules: rules)
        func parts(_ contributors: Contributors) -> [CellSuppression.Part] { contributors.parts }
        func cell(_ name: String, _ figures: WeekFigures) -> CellSuppression.Cell {
            var values: CellSuppression.Values = [.people: Double(figures.activeUsers), .tokens: Double(figures.tokens), .requests: Double(figures.requests)]
            for (k, value) in figures.outcomes.enumerated() { if let value { values[.outcome(k)] = value } }
            return .init(name: name, values: values, parts: parts(figures.contributors), anonymousPeople: figures.contributors.anonymous)
        }
        let o = model.org
        var orgValues: CellSuppression.Values = [.people: Double(o.activeUsers), .tokens: Double(o.tokens), .requests: Double(o.requests), .cost: o.costUSD]
        for (k, value) in o.outcomes.enumerated() { if let value { orgValues[.outcome(k)] = value } }
        let outcomeMeasures = model.metrics.indices.map { Measure.outcome($0) }
        var orgCell = CellSuppression.Cell(name: "o", values: orgValues)
        orgCell.fixed = true
        org = problem.add(orgCell)

        // Team × week, with the teams and the organisation's weeks as margins.
        weeks = model.weekly.map { problem.add(cell("w|\($0.week)", $0)) }
        for figures in model.teams {
            var values: CellSuppression.Values = [.people: Double(figures.activeUsers), .tokens: Double(figures.tokens),
                                             .requests: Double(figures.requests), .cost: figures.costUSD]
            for (k, value) in figures.outcomes.enumerated() { if let value { values[.outcome(k)] = value } }
            var teamCell = CellSuppression.Cell(name: "t|\(figures.team)", values: values, parts: parts(figures.contributors),
                                                anonymousPeople: figures.contributors.anonymous)
            if figures.belowFloorHeadcount { teamCell.forced = true }
            let team = problem.add(teamCell)
            teams[figures.team] = team
            let cells = (model.teamWeekly[figures.team] ?? []).map { problem.add(cell("tw|\(figures.team)|\($0.week)", $0)) }
            teamWeeks[figures.team] = cells
            problem.implies(team, cells)
            for measure in [Measure.tokens, .requests, .people] + outcomeMeasures { problem.addLine(measure, total: team, parts: cells) }
        }
        let teamOrder = model.teams.map(\.team)
        for (position, week) in weeks.enumerated() {
            let parts = teamOrder.compactMap { teamWeeks[$0]?[position] }
            for measure in [Measure.tokens, .requests, .people] + outcomeMeasures { problem.addLine(measure, total: week, parts: parts) }
        }
        for measure in [Measure.tokens, .requests, .cost, .people] + outcomeMeasures {
            problem.addLine(measure, total: org, parts: teamOrder.compactMap { teams[$0] })
        }
        for measure in [Measure.tokens, .requests, .people] + outcomeMeasures { problem.addLine(measure, total: org, parts: weeks) }

        // Tool × week, with the tools and the same weeks as margins; each tool's use by team.
        for figures in model.tools {
            var values: CellSuppression.Values = [.people: Double(figures.activeUsers), .tokens: Double(figures.tokens),
                                             .requests: Double(figures.requests), .cost: figures.costUSD,
                                             .tried: Double(figures.retention.tried)]
            if figures.retention.tried == 0 { values[.tried] = nil }
            let tool = problem.add(.init(name: "l|\(figures.tool)", values: values, parts: parts(figures.contributors),
                                         anonymousPeople: figures.contributors.anonymous))
            tools[figures.tool] = tool
            let cells = (model.toolWeekly[figures.tool] ?? []).map { problem.add(cell("lw|\(figures.tool)|\($0.week)", $0)) }
            toolWeeks[figures.tool] = cells
            problem.implies(tool, cells)
            for measure in [Measure.tokens, .requests, .people] { problem.addLine(measure, total: tool, parts: cells) }
        }
        let toolOrder = model.tools.map(\.tool)
        for (position, week) in weeks.enumerated() {
            let parts = toolOrder.compactMap { toolWeeks[$0]?[position] }
            for measure in [Measure.tokens, .requests, .people] { problem.addLine(measure, total: week, parts: parts) }
        }
        for measure in [Measure.tokens, .requests, .cost, .people] {
            problem.addLine(measure, total: org, parts: toolOrder.compactMap { tools[$0] })
        }
        for team in teamOrder {
            for funnel in model.teamRetention[team] ?? [] {
                let cell = problem.add(.init(name: "r|\(team)|\(funnel.tool)", values: [.tried: Double(funnel.tried)],
                                             parts: parts(funnel.contributors)))
                retention[team, default: [:]][funnel.tool] = cell
                if let teamCell = teams[team] { problem.implies(teamCell, [cell]) }
                if let toolCell = tools[funnel.tool] { problem.implies(toolCell, [cell]) }
            }
        }
        for tool in toolOrder {
            guard let total = tools[tool] else { continue }
            problem.addLine(.tried, total: total, parts: teamOrder.compactMap { retention[$0]?[tool] })
        }

        // Hours saved: answers and their sum by team and by tool, with the organisation's total;
        // answers without a team (or tool) are an unknown part.
        for (q, question) in model.timeSaved.enumerated() {
            var total = CellSuppression.Cell(name: "ho|\(q)", values: [.documents: Double(question.n), .hours: question.hours])
            total.fixed = true
            let totalCell = problem.add(total)
            func group(_ name: String, _ group: TimeSaved.Group, structural: Bool = false) -> Int {
                problem.add(.init(name: name, values: [.documents: Double(group.n), .hours: group.hours],
                                  anonymousPeople: group.n, structural: structural))
            }
            var byTeam: [String: Int] = [:], byTool: [String: Int] = [:]
            for row in question.byTeam {
                let cell = group("h|\(q)|\(row.name)", row)
                byTeam[row.name] = cell
                if let team = teams[row.name] { problem.implies(team, [cell]) }
            }
            for row in question.byTool {
                let cell = group("hl|\(q)|\(row.name)", row)
                byTool[row.name] = cell
                if let tool = tools[row.name] { problem.implies(tool, [cell]) }
            }
            let noTeam = group("hn|\(q)", question.withoutTeam, structural: true)
            let noTool = group("hln|\(q)", question.withoutTool, structural: true)
            for measure in [Measure.documents, .hours] {
                problem.addLine(measure, total: totalCell, parts: question.byTeam.map { byTeam[$0.name]! } + [noTeam])
                problem.addLine(measure, total: totalCell, parts: question.byTool.map { byTool[$0.name]! } + [noTool])
            }
            hoursTeams.append(byTeam)
            hoursTools.append(byTool)
        }

        // Weekly cohorts: their sizes add up to the people identified one by one.
        let identified = model.cohorts.reduce(0) { $0 + $1.size }
        var identifiedCell = CellSuppression.Cell(name: "identified", values: [.people: Double(identified)],
                                                  structural: identified != o.activeUsers)
        identifiedCell.fixed = true
        let identifiedIndex = problem.add(identifiedCell)
        cohorts = model.cohorts.map { problem.add(.init(name: "c|\($0.week)", values: [.people: Double($0.size)], anonymousPeople: $0.size)) }
        problem.addLine(.people, total: identifiedIndex, parts: cohorts)

        // Feedback: documents by team, and each team's theme counts and score counts; the
        // documents without a team are an unknown part of every total.
        let feedback = model.feedback
        let withTeam = feedback.byTeam.reduce(0) { $0 + $1.documents }
        var totalDocs = CellSuppression.Cell(name: "fd", values: [.documents: Double(feedback.documents)])
        totalDocs.fixed = true
        let documents = problem.add(totalDocs)
        let noTeam = problem.add(.init(name: "fn", values: [.documents: Double(feedback.documents - withTeam)],
                                       anonymousPeople: feedback.documents - withTeam, structural: true))
        var themeTotals: [Int] = []
        var themeNoTeam: [Int] = []
        for (position, theme) in feedback.themes.enumerated() {
            var total = CellSuppression.Cell(name: "ftt|\(theme.theme)", values: [.documents: Double(theme.count)])
            total.fixed = true
            themeTotals.append(problem.add(total))
            let known = feedback.byTeam.reduce(0) { $0 + ($1.themes.count > position ? $1.themes[position].count : 0) }
            themeNoTeam.append(problem.add(.init(name: "ftn|\(theme.theme)", values: [.documents: Double(theme.count - known)],
                                                 anonymousPeople: feedback.documents - withTeam, structural: true)))
        }
        for row in feedback.byTeam {
            let cell = problem.add(.init(name: "f|\(row.team)", values: [.documents: Double(row.documents)], anonymousPeople: row.documents))
            feedbackTeams[row.team] = cell
            // A theme count stands for the team's respondents, not only those who wrote on the theme.
            let themes = row.themes.map { problem.add(.init(name: "ft|\(row.team)|\($0.theme)", values: [.documents: Double($0.count)],
                                                            anonymousPeople: row.documents)) }
            feedbackThemes[row.team] = themes
            problem.implies(cell, themes)
            if let team = teams[row.team] { problem.implies(team, [cell]) }
        }
        problem.addLine(.documents, total: documents, parts: feedback.byTeam.map { feedbackTeams[$0.team]! } + [noTeam])
        for position in themeTotals.indices {
            let parts = feedback.byTeam.compactMap { feedbackThemes[$0.team].flatMap { $0.count > position ? $0[position] : nil } }
            problem.addLine(.documents, total: themeTotals[position], parts: parts + [themeNoTeam[position]])
        }
        for score in feedback.scores {
            var totals: [Int] = []
            var unknown: [Int] = []
            let answered = score.byTeam.reduce(0) { $0 + $1.counts.reduce(0, +) }
            for value in 0..<5 {
                var total = CellSuppression.Cell(name: "st|\(score.question)|\(value + 1)", values: [.documents: Double(score.counts[value])])
                total.fixed = true
                totals.append(problem.add(total))
                let known = score.byTeam.reduce(0) { $0 + $1.counts[value] }
                unknown.append(problem.add(.init(name: "sn|\(score.question)|\(value + 1)",
                                                 values: [.documents: Double(score.counts[value] - known)],
                                                 anonymousPeople: score.n - answered, structural: true)))
            }
            var parts = [[Int]](repeating: [], count: 5)
            for (team, counts) in score.byTeam {
                let answers = counts.reduce(0, +)
                let cells = counts.enumerated().map { value, count in
                    problem.add(.init(name: "s|\(team)|\(score.question)|\(value + 1)", values: [.documents: Double(count)], anonymousPeople: answers))
                }
                scoreCells[team, default: [:]][score.question] = cells
                // Fewer answers than the floor withhold the team's breakdown of this question.
                if answers < rules.minGroupSize { for cell in cells { problem.force(cell) } }
                if let feedbackCell = feedbackTeams[team] { problem.implies(feedbackCell, cells) }
                for value in 0..<5 { parts[value].append(cells[value]) }
            }
            for value in 0..<5 { problem.addLine(.documents, total: totals[value], parts: parts[value] + [unknown[value]]) }
        }
    }

    /// A team's signals rest on all its days, withheld weeks included; published to two
    /// decimals (as the pages show them), they cannot be combined with the team's totals to
    /// solve for a withheld week exactly.
    func coarsened(_ figures: TeamFigures) -> TeamFigures {
        var copy = figures
        func round(_ value: Double?) -> Double? { value.map { ($0 * 100).rounded() / 100 } }
        copy.inflation.index = round(figures.inflation.index)
        for index in copy.inflation.signals.indices { copy.inflation.signals[index].value = round(copy.inflation.signals[index].value) }
        return copy
    }

    func shown(_ cell: Int?) -> Bool { cell.map { !problem.cells[$0].status.isHidden } ?? false }

    func rows(_ figures: [WeekFigures], _ cells: [Int]) -> [WeekRow] {
        zip(figures, cells).map { week, cell in
            WeekRow(week: week.week, partial: week.partial, headcount: week.headcount,
                    cell: shown(cell) ? .shown(.init(activeUsers: week.activeUsers, tokens: week.tokens, requests: week.requests, value: week.value)) : .withheld)
        }
    }

    func published(_ model: ReportModel) -> PublishedReport {
        let toolNames = Dictionary(model.tools.map { ($0.tool, $0.name) }, uniquingKeysWith: { first, _ in first })
        let teamEntries: [TeamEntry] = model.teams.map { figures in
            guard shown(teams[figures.team]) else { return .withheld(WithheldGroup(name: figures.team, slug: figures.slug, reason: Disclosure.reason)) }
            let funnels = (model.teamRetention[figures.team] ?? []).map { funnel in
                RetentionEntry(tool: funnel.tool, name: toolNames[funnel.tool] ?? displayName(ofTool: funnel.tool), funnel: shown(self.retention[figures.team]?[funnel.tool]) ? .shown(funnel) : .withheld)
            }
            return .published(PublishedTeam(figures: coarsened(figures), weekly: rows(model.teamWeekly[figures.team] ?? [], teamWeeks[figures.team] ?? []),
                                             retention: funnels))
        }
        let toolEntries: [ToolEntry] = model.tools.map { figures in
            guard shown(tools[figures.tool]) else {
                return .withheld(WithheldGroup(name: figures.name, slug: figures.slug, reason: Disclosure.reason, id: figures.tool), capability: figures.capability)
            }
            return .published(PublishedTool(figures: figures, weekly: rows(model.toolWeekly[figures.tool] ?? [], toolWeeks[figures.tool] ?? [])))
        }
        let publishedTeamNames = Set(teamEntries.compactMap { $0.published?.figures.team })
        // The correlation's rows that may be shown: published team-weeks only.
        let shownWeeks = Set(teamEntries.compactMap(\.published).flatMap { team in
            team.weekly.compactMap { $0.cell.shown == nil ? nil : "\(team.figures.team)|\($0.week)" }
        })
        var sprawl = model.sprawl
        (sprawl.overlap, sprawl.overlapPairs) = TeamOverlap.mostAlike(Array(publishedTeamNames), tools: sprawl.teamTools)
        sprawl.teamTools = [:]

        let feedback = model.feedback
        let byTeam: [PublishedFeedback.TeamRow] = feedback.byTeam.compactMap { row in
            guard shown(feedbackTeams[row.team]) else { return nil }
            let cells = feedbackThemes[row.team] ?? []
            return PublishedFeedback.TeamRow(team: row.team, documents: row.documents, themes: zip(row.themes, cells).map { theme, cell in
                shown(cell) ? (theme.theme, .shown(theme.count), .shown(theme.share)) : (theme.theme, .withheld, .withheld)
            })
        }
        let scores = feedback.scores.map { score in
            PublishedFeedback.Scores(question: score.question, counts: score.counts, n: score.n, mean: score.mean,
                                     byTeam: score.byTeam.filter { team, _ in
                                         (scoreCells[team]?[score.question] ?? []).allSatisfy { shown($0) }
                                     })
        }
        let withheldFeedbackTeams = feedback.byTeam.count - byTeam.count
        let publishedFeedback = PublishedFeedback(
            documents: feedback.documents, themes: feedback.themes, scores: scores, netSentiment: feedback.netSentiment,
            positive: feedback.positive, negative: feedback.negative, neutral: feedback.neutral,
            quotes: feedback.quotes.filter { quote in quote.team.map { shown(feedbackTeams[$0]) && publishedTeamNames.contains($0) } ?? true },
            letters: feedback.letters.map { letter in
                var copy = letter
                if let team = letter.team, !publishedTeamNames.contains(team) { copy.team = nil }
                return copy
            },
            byTeam: byTeam, teamsWithheld: withheldFeedbackTeams)

        var outcomes = model.outcomes
        for index in outcomes.indices { outcomes[index].teams = outcomes[index].teams.filter { publishedTeamNames.contains($0.key) } }
        let tradeoffs = model.tradeoffs.filter { $0.team.map(publishedTeamNames.contains) ?? true }
        // Usage cohorts, row by row: a team's (or a week's) light, moderate and heavy users are
        // shown only when each group that has anyone in it is about at least the floor's number
        // of people; otherwise the whole row is withheld. A row's only published total is its
        // active people, so a withheld row's counts can each lie anywhere from zero to that
        // total; no total across rows is published (the organisation's mix is summed over the
        // rows shown), so nothing links one row to another.
        let floor = model.minGroupSize
        func rowShown(_ counts: [Int]) -> Bool { counts.allSatisfy { $0 == 0 || $0 >= floor } }
        let usage = model.usageCohorts
        let slugs = Dictionary(uniqueKeysWithValues: model.teams.map { ($0.team, $0.slug) })
        let cohortTeams = usage.teams.filter { publishedTeamNames.contains($0.team) }.map { row in
            PublishedUsageCohorts.TeamRow(team: row.team, slug: slugs[row.team] ?? slugify(row.team), headcount: row.headcount,
                                          counts: rowShown(row.counts) ? .shown(row.counts) : .withheld,
                                          unclassified: row.unclassified, none: row.none)
        }
        let weekShown = Dictionary(uniqueKeysWithValues: zip(model.weekly.map(\.week), weeks.map(shown)))
        let usageCohorts = PublishedUsageCohorts(
            lightBelow: usage.lightBelow, heavyFrom: usage.heavyFrom,
            org: UsageCohorts.Level.allCases.indices.map { level in cohortTeams.reduce(0) { $0 + ($1.counts.shown?[level] ?? 0) } },
            teams: cohortTeams,
            weekly: usage.weekly.map { row in
                PublishedUsageCohorts.WeekRow(week: row.week, counts: rowShown(row.counts) && weekShown[row.week] == true ? .shown(row.counts) : .withheld,
                                              unclassified: row.unclassified, partial: row.week.monday < model.period.from || row.week.sunday > model.period.to)
            })
        let timeSaved = model.timeSaved.enumerated().map { q, question in
            let teams = question.byTeam.filter { shown(hoursTeams[q][$0.name]) && (self.teams[$0.name] == nil || publishedTeamNames.contains($0.name)) }
            let tools = question.byTool.filter { shown(hoursTools[q][$0.name]) }
            return PublishedTimeSaved(question: question.question, org: question.org, n: question.n, comparison: question.comparison,
                                      byTeam: teams, byTool: tools,
                                      teamsWithheld: question.byTeam.count - teams.count, toolsWithheld: question.byTool.count - tools.count)
        }

        let statuses = problem.cells.map(\.status)
        var summary = SuppressionSummary(
            cells: statuses.count(where: { $0 != .structural }),
            frequency: statuses.count(where: { $0 == .frequency }),
            dominance: statuses.count(where: { $0 == .dominance }),
            secondary: statuses.count(where: { $0 == .secondary }),
            teamsWithheld: teamEntries.count - publishedTeamNames.count,
            toolsWithheld: toolEntries.count(where: { $0.published == nil }),
            protectionPct: problem.rules.protection * 100, dominanceP: problem.rules.dominanceP)
        summary.teamsWithheldAsComplements = teams.values.count(where: { problem.cells[$0].status == .secondary })

        return PublishedReport(
            title: model.title, organisation: model.organisation, period: model.period, minGroupSize: model.minGroupSize,
            valueMetric: model.valueMetric, outcomes: outcomes, tradeoffs: tradeoffs, usageCohorts: usageCohorts, timeSaved: timeSaved,
            org: model.org,
            teamsFlagged: teamEntries.compactMap(\.published).count(where: { $0.figures.inflation.flagged }),
            teams: teamEntries, tools: toolEntries, weekly: rows(model.weekly, weeks),
            teamWeeks: model.teamWeeks.filter { shownWeeks.contains("\($0.team)|\($0.week)") },
            feedback: publishedFeedback, sprawl: sprawl,
            cohorts: zip(model.cohorts, cohorts).map { row, cell in
                shown(cell) ? .shown(PublishedCohort(week: row.week, size: row.size, retained: row.retained)) : .withheld
            },
            coverage: model.coverage, methodology: model.methodology, reviewDates: model.reviewDates,
            falseDiscoveryRate: model.falseDiscoveryRate, suppression: summary, quadrantCut: model.quadrantCut)
    }
}

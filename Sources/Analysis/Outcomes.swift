import Dataset
import Foundation
import Stats

/// Adoption versus value for one outcome metric (DESIGN §4 "Value"): its totals, the between-
/// and within-team association with usage, what each team's own weeks say, and cost per unit.
public struct OutcomeFigures: Sendable, Codable {
    public var metric: OutcomeMetric
    /// Position in `ReportModel.outcomes` (and in every `outcomes` array of the model).
    public var index: Int
    /// The organisation's total over the period.
    public var total: Double?
    /// The total ÷ the organisation's headcount: per head over the whole period.
    public var perHead: Double?
    public var per1kTokens: Double?
    /// The organisation's cost range (seats included) ÷ the total.
    public var costPerUnit: Range?
    /// Intervals at the simultaneous level `level` (Bonferroni over the metrics).
    public var correlation: Correlation
    public var level: Double
    /// Within teams (two-way fixed effects, team-clustered): the metric per head on the share of
    /// the team's headcount who are heavy users that week.
    public var cohortMix: FixedEffectsFit?
    /// Team name → the team's figures for this metric.
    public var teams: [String: TeamOutcome]

    /// What the within-team finding means for this metric, given which direction is better.
    public var effect: Effect { Effect(correlation.finding, metric.direction) }
}

public struct TeamOutcome: Sendable, Codable {
    public var value: Double?
    public var perHead: Double?
    public var costPerUnit: Range?
    /// The robust slope of the metric per head on ln(tokens per head) across the team's own
    /// week-to-week changes, each relative to the median team's change that week.
    public var trend: TheilSenFit?
    /// The trend after Benjamini–Hochberg across the teams at the report's false-discovery rate.
    public var finding: Correlation.Finding
    public var effect: Effect

    /// The trend per doubling of usage (slope × ln 2), with its interval.
    public var trendPerDoubling: Estimate? {
        trend.map { Estimate(value: $0.slope * log(2.0), low: $0.low * log(2.0), high: $0.high * log(2.0), n: $0.observations) }
    }
}

/// A finding read against the metric's better direction.
public enum Effect: String, Sendable, Codable {
    case better, worse, unclear, notEnoughData = "not enough data"

    init(_ finding: Correlation.Finding, _ direction: OutcomeMetric.Direction) {
        switch finding {
        case .more: self = direction == .higher ? .better : .worse
        case .less: self = direction == .higher ? .worse : .better
        case .unclear: self = .unclear
        case .notEnoughData: self = .notEnoughData
        }
    }
}

/// A team (or the organisation, `team == nil`) whose usage goes with a better primary outcome
/// and a worse guardrail: "faster, with more failed changes".
public struct Tradeoff: Sendable, Codable {
    public var team: String?
    public var primary: OutcomeMetric
    public var guardrail: OutcomeMetric
}

/// People by how much they use the tools (DESIGN §4 "Usage cohorts").
public struct UsageCohorts: Sendable {
    public enum Level: String, Sendable, CaseIterable { case light, moderate, heavy }
    /// Tokens per week: light below `lightBelow`, heavy at or above `heavyFrom`.
    public var lightBelow: Double
    public var heavyFrom: Double
    public var teams: [TeamCohorts]
    public var weekly: [WeekCohorts]
}

public struct TeamCohorts: Sendable {
    public var team: String
    public var headcount: Int?
    /// Light, moderate and heavy users, with the people behind each (for the disclosure stage).
    public var counts: [Int]
    public var contributors: [Contributors]
    /// Active people the data counts without naming them (vendors' group rows): no level.
    public var unclassified: Int
    /// Headcount − active people, when the headcount is known.
    public var none: Int? { headcount.map { max(0, $0 - counts.reduce(0, +) - unclassified) } }
}

public struct WeekCohorts: Sendable {
    public var week: Week
    public var counts: [Int]
    public var contributors: [Contributors]
    public var unclassified: Int
}

/// Hours saved per week, as people report them in surveys.
public struct TimeSaved: Sendable {
    public var question: String
    public var org: Estimate?
    public var n: Int
    public var hours: Double
    public var byTeam: [Group]
    public var byTool: [Group]
    /// Answers without a team or without a tool.
    public var withoutTeam: Group
    public var withoutTool: Group
    /// How the reported hours compare with the measured primary outcome.
    public var comparison: Comparison

    public struct Group: Sendable, Codable {
        public var name: String
        public var n: Int
        /// Sum of the hours (for the disclosure stage).
        public var hours: Double
        public var mean: Estimate?
        /// For a team: how its reported hours compare with its own measured trend.
        public var comparison: Comparison?
    }

    public enum Comparison: String, Sendable, Codable {
        /// People report time saved and the measured primary outcome improves with usage.
        case agree
        /// People report time saved; the measured outcome shows no such gain.
        case reportedNotMeasured
        /// The measured outcome improves with usage; people do not report time saved.
        case measuredNotReported
        /// Neither shows a gain.
        case neither
        /// One side cannot be read.
        case unknown

        init(reported: Estimate?, measured: Effect) {
            guard let reported, measured != .notEnoughData else { self = .unknown; return }
            switch (reported.low > 0, measured == .better) {
            case (true, true): self = .agree
            case (true, false): self = .reportedNotMeasured
            case (false, true): self = .measuredNotReported
            case (false, false): self = .neither
            }
        }
    }
}

extension Context {
    /// The metrics that stand for value: those `value:` names (each must be in the data), or the
    /// data's only metric when report.yml names none.
    static func resolveMetrics(config: ReportConfig, outcomes: [OutcomeRecord], feedback: [FeedbackDocument]) throws -> [OutcomeMetric] {
        // Hours questions must be answered somewhere: a misspelt column would otherwise be read
        // as a 1–5 score and the hours silently missing.
        var questions = Set<String>()
        for document in feedback { for score in document.scores { questions.insert(score.question) } }
        var answered = Set<String>()
        for document in feedback { for hours in document.hours { answered.insert(hours.question) } }
        var hourProblems: [Diagnostic] = []
        for question in config.hoursQuestions where !answered.contains(question) {
            let columns = questions.sorted()
            hourProblems.append(.error("report.yml", line: config.valueLine, "value.hours_saved names \"\(question)\", which no feedback survey answers\(suggestion(question, in: columns))\(columns.isEmpty ? "" : "; the survey questions are: " + columns.joined(separator: ", "))"))
        }
        if !hourProblems.isEmpty { throw InputError(hourProblems) }
        let present = Set(outcomes.map(\.metric)).sorted()
        guard !config.outcomeMetrics.isEmpty else {
            return present.count == 1 ? [OutcomeMetric(metric: present[0])] : []
        }
        var problems: [Diagnostic] = []
        for metric in config.outcomeMetrics where !present.contains(metric.metric) {
            let line = metric.line > 0 ? metric.line : config.valueLine
            if present.isEmpty {
                problems.append(.error("report.yml", line: line, "value names the metric \"\(metric.metric)\", but data/outcomes.csv has no rows (period,team,metric,value); add them, or remove \"value\""))
            } else {
                problems.append(.error("report.yml", line: line, "value names the metric \"\(metric.metric)\", which data/outcomes.csv does not have\(suggestion(metric.metric, in: present)); its metrics are: \(present.joined(separator: ", "))"))
            }
        }
        if !problems.isEmpty { throw InputError(problems) }
        return config.outcomeMetrics
    }

    /// Every metric's figures, and the trade-offs between primary outcomes and guardrails.
    func outcomeFigures(teams: [TeamFigures], teamWeekly: [String: [WeekFigures]], org: OrgFigures,
                        cohortShares: [String: [Week: Double]]) -> (outcomes: [OutcomeFigures], tradeoffs: [Tradeoff]) {
        let level = 1 - 0.05 / Double(max(metrics.count, 1))
        let eligibleTeams = teams.filter { !$0.belowFloorHeadcount && $0.activeUsers >= floor }
        // Each metric on its own thread: they share nothing, and each is resampled at length.
        let figures = parallelMap(Array(metrics.enumerated())) { k, metric -> OutcomeFigures in
            // Rows of the within-team analyses: full weeks with a headcount, usage, this metric
            // and at least the floor's number of active people.
            var rows: [(team: String, week: Week, x: Double, y: Double, heavy: Double?)] = []
            for team in eligibleTeams {
                for week in teamWeekly[team.team] ?? [] where week.activeUsers >= floor && !week.partial {
                    guard let heads = week.headcount, heads > 0, week.tokens > 0, k < week.outcomes.count, let value = week.outcomes[k] else { continue }
                    rows.append((team.team, week.week, log(Double(week.tokens) / Double(heads)), value / Double(heads),
                                 cohortShares[team.team]?[week.week]))
                }
            }
            let correlation = correlate(metric: k, rows: rows.map { ($0.team, $0.week, $0.x, $0.y) }, teams: eligibleTeams, level: level)
            let withMix = rows.filter { $0.heavy != nil }
            let teamIndex = Dictionary(uniqueKeysWithValues: Set(withMix.map(\.team)).sorted().enumerated().map { ($1, $0) })
            let weekIndex = Dictionary(uniqueKeysWithValues: Set(withMix.map(\.week)).sorted().enumerated().map { ($1, $0) })
            let mix = FixedEffectsFit(y: withMix.map(\.y), x: withMix.map { $0.heavy! }, group: withMix.map { teamIndex[$0.team]! },
                                      period: withMix.map { weekIndex[$0.week]! }, level: level)

            // Each team's own weeks, net of what moved every team that week: the week effects
            // of y = team + week + slope_team × x, fitted by alternating least squares (given
            // the slopes, a week's effect is the mean residual of the teams that week; given the
            // week effects, each team's slope is a least-squares fit). A team's own trend in
            // usage and outcome stays its own; a season or a shared shock does not count.
            let trends = teamTrends(rows.map { ($0.team, $0.week, $0.x, $0.y) }, teams: eligibleTeams.map(\.team), level: level)
            let tested = trends.keys.sorted()
            let discovered = Dictionary(uniqueKeysWithValues: zip(tested, benjaminiHochberg(tested.map { trends[$0]!.pValue }, q: config.falseDiscoveryRate)))

            var byTeam: [String: TeamOutcome] = [:]
            for team in teams {
                let value = k < team.outcomes.count ? team.outcomes[k] : nil
                let finding: Correlation.Finding
                if let fit = trends[team.team] {
                    finding = discovered[team.team] == true ? (fit.slope > 0 ? .more : .less) : .unclear
                } else {
                    finding = .notEnoughData
                }
                byTeam[team.team] = TeamOutcome(
                    value: value, perHead: value.flatMap { v in team.headcount.flatMap { $0 > 0 ? v / Double($0) : nil } },
                    costPerUnit: value.flatMap { $0 > 0 && team.costUSD > 0 ? per(team.costRange, $0) : nil },
                    trend: trends[team.team], finding: finding, effect: Effect(finding, metric.direction))
            }
            let total = k < org.outcomes.count ? org.outcomes[k] : nil
            let tokensK = Double(org.tokens) / 1000
            return OutcomeFigures(
                metric: metric, index: k, total: total,
                perHead: total.flatMap { v in org.headcount.flatMap { $0 > 0 ? v / Double($0) : nil } },
                per1kTokens: total.flatMap { tokensK > 0 ? $0 / tokensK : nil },
                costPerUnit: total.flatMap { $0 > 0 && org.costRange.high > 0 ? per(org.costRange, $0) : nil },
                correlation: correlation, level: level, cohortMix: mix, teams: byTeam)
        }

        // Trade-offs: a better primary outcome with a worse guardrail, for the organisation and each team.
        var tradeoffs: [Tradeoff] = []
        let primaries = figures.filter { $0.metric.role == .primary }, guardrails = figures.filter { $0.metric.role == .guardrail }
        for primary in primaries where primary.effect == .better {
            for guardrail in guardrails where guardrail.effect == .worse {
                tradeoffs.append(Tradeoff(team: nil, primary: primary.metric, guardrail: guardrail.metric))
            }
        }
        for team in teams.map(\.team) {
            for primary in primaries where primary.teams[team]?.effect == .better {
                for guardrail in guardrails where guardrail.teams[team]?.effect == .worse {
                    tradeoffs.append(Tradeoff(team: team, primary: primary.metric, guardrail: guardrail.metric))
                }
            }
        }
        return (figures, tradeoffs)
    }

    /// Each team's week-to-week changes of the metric per head against those of ln(tokens per
    /// head), each taken relative to the median team's change that week (so a holiday or a
    /// shared shock that moves every team does not count, and a few teams moving together do not
    /// set the yardstick), fitted by Theil and Sen's robust slope. Changes, not levels: a team's
    /// slow drift — people joining over the months — is not read as an association.
    func teamTrends(_ rows: [(team: String, week: Week, x: Double, y: Double)], teams: [String], level: Double) -> [String: TheilSenFit] {
        var levels: [String: [(week: Week, x: Double, y: Double)]] = [:]
        for row in rows { levels[row.team, default: []].append((row.week, row.x, row.y)) }
        var changes: [String: [(week: Week, x: Double, y: Double)]] = [:]
        var byWeek: [Week: (x: [Double], y: [Double])] = [:]
        for (team, unsorted) in levels {
            let weeks = unsorted.sorted { $0.week < $1.week }
            for (previous, current) in zip(weeks, weeks.dropFirst()) where previous.week + 1 == current.week {
                let change = (current.week, current.x - previous.x, current.y - previous.y)
                changes[team, default: []].append(change)
                byWeek[current.week, default: ([], [])].x.append(change.1)
                byWeek[current.week, default: ([], [])].y.append(change.2)
            }
        }
        let medians = byWeek.mapValues { (x: median($0.x) ?? 0, y: median($0.y) ?? 0) }
        var fits: [String: TheilSenFit] = [:]
        for team in teams {
            guard let own = changes[team] else { continue }
            if let fit = TheilSenFit(y: own.map { $0.y - medians[$0.week]!.y }, x: own.map { $0.x - medians[$0.week]!.x }, level: level) {
                fits[team] = fit
            }
        }
        return fits
    }

    /// Between teams: ranks across teams over the period (n = teams; resampling teams gives the
    /// interval). Within teams: two-way fixed effects across team-weeks with team-clustered
    /// errors. Only teams and team-weeks about at least the privacy floor's number of people.
    func correlate(metric k: Int, rows: [(team: String, week: Week, x: Double, y: Double)], teams: [TeamFigures], level: Double) -> Correlation {
        let eligible = teams.filter { team in
            team.tokensPerHead != nil && k < team.outcomes.count && team.outcomes[k] != nil && (team.headcount ?? 0) > 0
        }
        let x = eligible.map { $0.tokensPerHead! }, y = eligible.map { $0.outcomes[k]! / Double($0.headcount!) }
        let seed = config.seed &+ UInt64(k) &* 7919
        let spearmanEstimate = bootstrapSpearman(x, y, seed: seed, level: level)
        let pearsonEstimate = bootstrapPaired(x, y, seed: seed &+ 1, level: level, statistic: pearson)
        let teamIndex = Dictionary(uniqueKeysWithValues: Set(rows.map(\.team)).sorted().enumerated().map { ($1, $0) })
        let weekIndex = Dictionary(uniqueKeysWithValues: Set(rows.map(\.week)).sorted().enumerated().map { ($1, $0) })
        let within = FixedEffectsFit(y: rows.map(\.y), x: rows.map(\.x), group: rows.map { teamIndex[$0.team]! },
                                     period: rows.map { weekIndex[$0.week]! }, level: level)
        let finding: Correlation.Finding = within.map { $0.low > 0 ? .more : $0.high < 0 ? .less : .unclear } ?? .notEnoughData
        return Correlation(spearman: spearmanEstimate, pearson: pearsonEstimate, n: eligible.count, within: within, finding: finding)
    }

    /// Light, moderate and heavy users by tokens per week: a person's level in a team over the
    /// period is their tokens there ÷ the weeks of the period; the cut points are the terciles of
    /// that figure across the people with tokens (people active without tokens are light). A
    /// person's level in a week is their tokens that week against the same cut points.
    /// `teams`: every team's name, in the order of the report's teams.
    func usageCohorts(teams: [String], teamWeekCells: [String: [Week: TeamWeekCell]],
                      teamGroupPeople: [String: Int]) -> (cohorts: UsageCohorts, heavyShare: [String: [Week: Double]]) {
        let weeksInPeriod = Double(to - from + 1) / 7
        var perPair: [(user: Int32, team: String, weekly: Double)] = []
        for (key, tokens) in aggregate.userTeamTokens {
            let (user, team) = UsageAggregate.split(key)
            perPair.append((user, aggregate.teams[team], Double(tokens) / weeksInPeriod))
        }
        perPair.sort { ($0.team, $0.user) < ($1.team, $1.user) }
        let positive = perPair.map(\.weekly).filter { $0 > 0 }.sorted()
        let lightBelow = quantile(sorted: positive, 1.0 / 3) ?? 0, heavyFrom = quantile(sorted: positive, 2.0 / 3) ?? 0
        func level(_ weekly: Double) -> Int { weekly <= 0 || weekly < lightBelow ? 0 : weekly < heavyFrom ? 1 : 2 }
        func contributors(_ people: [Int32]) -> Contributors {
            Contributors(parts: people.sorted().map { .init(person: $0, tokens: 0, requests: 0, cost: 0) })
        }
        var byTeam: [String: [[Int32]]] = [:]
        for pair in perPair { byTeam[pair.team, default: [[], [], []]][level(pair.weekly)].append(pair.user) }
        let teamRows = teams.map { team in
            let people = byTeam[team] ?? [[], [], []]
            return TeamCohorts(team: team, headcount: headcount(team), counts: people.map(\.count),
                               contributors: people.map(contributors), unclassified: teamGroupPeople[team] ?? 0)
        }
        var heavyShare: [String: [Week: Double]] = [:]
        for (team, cells) in teamWeekCells {
            for (week, cell) in cells {
                if let heads = headcounts.at(team, week.sunday), heads > 0 {
                    heavyShare[team, default: [:]][week] = Double(cell.shares.count(where: { level(Double($0.value.tokens)) == 2 })) / Double(heads)
                }
            }
        }
        var weekPeople = WeekPeople(people: aggregate.users.count)
        let cellsByTeam = Array(teamWeekCells.values)
        let weekly = weeks.map { week in
            for cells in cellsByTeam {
                if let cell = cells[week] { weekPeople.add(cell.shares) }
            }
            var people: [[Int32]] = [[], [], []]
            for part in weekPeople.take(anonymous: 0).parts { people[level(part.tokens)].append(part.person) }
            let groups = teams.reduce(0) { $0 + groupWeekPeople($1, week) }
            return WeekCohorts(week: week, counts: people.map(\.count), contributors: people.map(contributors), unclassified: groups)
        }
        return (UsageCohorts(lightBelow: lightBelow, heavyFrom: heavyFrom, teams: teamRows, weekly: weekly), heavyShare)
    }

    /// Each declared hours question: the organisation's mean (teams resampled whole), and each
    /// team's and tool's mean (answers resampled), with n; how they compare with the measured
    /// primary outcome is left `unknown` for `comparing`. Apart so that the resampling, which
    /// needs only the surveys, runs while the usage figures are computed.
    func timeSaved(_ documents: [FeedbackDocument]) -> [TimeSaved] {
        let sorted = documents.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
        return config.hoursQuestions.map { question in
            let answers = sorted.compactMap { document in
                document.hours.first { $0.question == question }.map { (team: document.team, tool: document.tool, hours: $0.value) }
            }
            let seed = config.seed ^ stableHash(question)
            var clusterOf: [String: Int] = [:]
            let clusters = answers.enumerated().map { position, answer in
                answer.team.map { team in clusterOf[team] ?? { clusterOf[team] = clusterOf.count; return clusterOf.count - 1 }() } ?? -1 - position
            }
            let org = clusterBootstrapMean(answers.map(\.hours), clusters: clusters, seed: seed)
            func group(_ name: String, _ values: [Double], salt: UInt64) -> TimeSaved.Group {
                TimeSaved.Group(name: name, n: values.count, hours: values.reduce(0, +),
                                mean: blockBootstrapMean(values, block: 1, resamples: 2000, seed: seed &+ salt), comparison: nil)
            }
            let byTeam = Set(answers.compactMap(\.team)).sorted().map { team in
                group(team, answers.filter { $0.team == team }.map(\.hours), salt: stableHash(team))
            }
            let byTool = Set(answers.compactMap(\.tool)).sorted().map { tool in
                group(tool, answers.filter { $0.tool == tool }.map(\.hours), salt: stableHash("tool " + tool))
            }
            return TimeSaved(question: question, org: org, n: answers.count, hours: answers.reduce(0) { $0 + $1.hours },
                             byTeam: byTeam, byTool: byTool,
                             withoutTeam: group("", answers.filter { $0.team == nil }.map(\.hours), salt: 1),
                             withoutTool: group("", answers.filter { $0.tool == nil }.map(\.hours), salt: 2),
                             comparison: .unknown)
        }
    }

    /// The reported hours (`timeSaved`) against the measured primary outcome, for the
    /// organisation and each team.
    static func comparing(_ timeSaved: [TimeSaved], with outcomes: [OutcomeFigures]) -> [TimeSaved] {
        let primary = outcomes.first { $0.metric.role == .primary }
        return timeSaved.map { question in
            var compared = question
            for index in compared.byTeam.indices {
                let effect = primary?.teams[compared.byTeam[index].name]?.effect ?? .notEnoughData
                compared.byTeam[index].comparison = TimeSaved.Comparison(reported: compared.byTeam[index].mean, measured: effect)
            }
            compared.comparison = TimeSaved.Comparison(reported: question.org, measured: primary?.effect ?? .notEnoughData)
            return compared
        }
    }
}

import Dataset
import Foundation
import Stats

/// A figure that cannot be true (more people active than the team has, a rate above 100 %):
/// the build stops and names the inputs behind it.
public struct ImpossibleFigure: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Turns the aggregate of the usage rows and the small inputs into the report's figures.
public enum Analyzer {
    /// The parts of the coverage that come from the inputs as this build read them — every file
    /// with its hash, every problem, the rows read — commentary included. Figures taken from
    /// the cache (which does not depend on commentary) get these afresh.
    public static func refreshInputs(of coverage: inout Coverage, inputs: ReportInputs, usage: UsageSummary) {
        coverage.rowsRead = usage.rowsRead + inputs.rowsRead
        coverage.rowsRejected = usage.rowsRejected + inputs.rowsRejected
        coverage.issues = inputs.diagnostics + usage.diagnostics + coverage.nameWarnings
        coverage.files = inputs.files + usage.files
    }

    public static func analyze(_ aggregate: UsageAggregate, inputs: ReportInputs, usage: UsageSummary) throws -> ReportModel {
        var context = try Context(aggregate: aggregate, inputs: inputs, usage: usage)
        return try context.build()
    }
}

extension Context {
    /// Team and tool names of headcount, outcomes, feedback and tools.csv that match no usage
    /// name but nearly match one (see `NameMatching`), each told once where first written.
    func nameWarnings() -> [Diagnostic] {
        typealias Mention = NameMatching.Mention
        let (teams, tools) = (aggregate.teams.names, aggregate.tools.names)
        func near(_ mentions: [Mention], _ known: [String], _ kind: String, _ consequence: String) -> [Diagnostic] {
            NameMatching.nearMisses(mentions, known: known, kind: kind, consequence: consequence)
        }
        return near(inputs.headcount.map { Mention(name: $0.team, file: "data/headcount.csv", line: $0.line) }, teams, "team",
                    "its headcount makes a team of its own, with no usage")
            + near(inputs.outcomes.map { Mention(name: $0.team, file: "data/outcomes.csv", line: $0.line) }, teams, "team",
                   "these outcomes are not the other team's")
            + near(inputs.feedback.compactMap { doc in doc.team.map { Mention(name: $0, file: doc.file, line: doc.line) } }, teams, "team",
                   "this feedback is not the other team's")
            + near(inputs.tools.map { Mention(name: $0.tool, file: "data/tools.csv", line: $0.line) }, tools, "tool",
                   "its prices, seats and name are not the other tool's")
            + near(inputs.feedback.compactMap { doc in doc.tool.map { Mention(name: $0, file: doc.file, line: doc.line) } }, tools, "tool",
                   "this feedback is not about the other tool")
    }
}

struct Context {
    let aggregate: UsageAggregate
    let inputs: ReportInputs
    let usage: UsageSummary
    let config: ReportConfig
    let from: Day, to: Day
    let weeks: [Week]
    let headcounts: Headcounts
    let floor: Int
    /// The metrics that stand for value, and for each (in that order) team → week → value.
    let metrics: [OutcomeMetric]
    var metricValues: [[String: [Week: Double]]] = []
    /// The first primary metric: the quadrants, the scatter and the headline read it.
    let primary: Int?
    var values: [String: [Week: Double]] { primary.map { metricValues[$0] } ?? [:] }
    var valueMetric: String? { primary.map { metrics[$0].metric } }
    var impossible: [Diagnostic] = []
    /// The aggregate's per-tool totals, summed once.
    let toolTotals: [Int32: Totals]

    init(aggregate: UsageAggregate, inputs: ReportInputs, usage: UsageSummary) throws {
        self.aggregate = aggregate.settled()
        toolTotals = self.aggregate.toolTotals  // settled: every row's totals are in the cells
        self.inputs = inputs
        self.usage = usage
        config = inputs.config
        guard aggregate.shadowTotal < 4.6e18 else {
            throw InputError(.error("data/usage", "the usage totals exceed 4.6 × 10^18 (tokens, requests and micro-dollars together), more than the report's counters hold; the inputs cannot be real usage"))
        }
        guard let period = aggregate.effectivePeriod else {
            throw InputError(.error("data/usage", "no usage rows in the report period\(aggregate.rowsOutsidePeriod > 0 ? " (\(aggregate.rowsOutsidePeriod) rows fall outside it)" : "")"))
        }
        from = period.from
        to = period.to
        var list: [Week] = []
        var week = from.week
        while week.monday <= to { list.append(week); week = week + 1 }
        weeks = list
        headcounts = Headcounts(inputs.headcount)
        floor = config.minGroupSize
        metrics = try Self.resolveMetrics(config: config, outcomes: inputs.outcomes, feedback: inputs.feedback)
        primary = metrics.firstIndex { $0.role == .primary }
        // Sorted first, so that the sums do not depend on the order of the rows.
        let sorted = inputs.outcomes.sorted { ($0.team, $0.week.monday.index, $0.value) < ($1.team, $1.week.monday.index, $1.value) }
        let position = Dictionary(uniqueKeysWithValues: metrics.enumerated().map { ($1.metric, $0) })
        metricValues = metrics.map { _ in [:] }
        for outcome in sorted where outcome.week.sunday >= from && outcome.week.monday <= to {
            guard let k = position[outcome.metric] else { continue }
            metricValues[k][outcome.team, default: [:]][outcome.week, default: 0] += outcome.value
        }
    }

    func headcount(_ team: String) -> Int? { headcounts.at(team, to) }

    /// Usage cost from cache-read prices (low) to list prices (high), plus `seats` dollars.
    func costRange(_ totals: Totals, seats: Double) -> Range {
        Range(low: totals.costUSD - Double(totals.cachedSavingMicros) / 1_000_000 + seats, high: totals.costUSD + seats)
    }

    func per(_ range: Range, _ value: Double) -> Range { Range(low: range.low / value, high: range.high / value) }

    /// Seat licences of a tool over the period: seats × price per seat-month × months in the
    /// period (days ÷ 30.44).
    func seatCost(_ tool: String) -> Double {
        guard let seats = usage.seats[tool], let price = aggregate.prices[tool]?.perSeatMonth else { return 0 }
        return Double(seats) * price * Double(to - from + 1) / (365.25 / 12)
    }

    /// kWh: fresh input, output and cached input tokens, each at its own Wh per 1k (a range).
    func energy(_ totals: Totals) -> Range {
        let cached = Double(max(0, min(totals.cachedTokens, totals.inputTokens)))
        let fresh = Double(totals.inputTokens) - cached, output = Double(totals.outputTokens)
        func wh(_ bound: KeyPath<ReportConfig.Bounds, Double>) -> Double {
            (fresh * config.whPer1kInput[keyPath: bound] + output * config.whPer1kOutput[keyPath: bound] + cached * config.whPer1kCached[keyPath: bound]) / 1000
        }
        return Range(low: wh(\.low) / 1000, high: wh(\.high) / 1000)
    }

    /// kg CO₂e: energy × grid intensity, low with low and high with high.
    func co2e(_ energy: Range) -> Range {
        Range(low: energy.low * config.gridGramsCO2ePerKWh.low / 1000, high: energy.high * config.gridGramsCO2ePerKWh.high / 1000)
    }

    mutating func build() throws -> ReportModel {
        let agg = aggregate
        // Team names: from usage and headcount.
        var teamNames = Set(agg.teams.names)
        teamNames.formUnion(headcounts.teams)
        let sortedTeams = teamNames.sorted()
        // Independent of the team figures below, so worked out beside them on another core.
        let context = self
        let toolWork = Pending { context.toolFigures(teamTotalsCount: sortedTeams.count) }
        let feedbackWork = Pending { FeedbackAnalysis(config: context.config).analyze(context.inputs.feedback) }
        let timeSavedWork = Pending { context.timeSaved(context.inputs.feedback) }

        // People per team over the period, and per-user tokens inside each team.
        var teamPeople: [String: Set<Int32>] = [:]
        var teamUserTokens: [String: [Double]] = [:]
        for (key, tokens) in agg.userTeamTokens {
            let (user, team) = UsageAggregate.split(key)
            let name = agg.teams[team]
            teamPeople[name, default: []].insert(user)
            teamUserTokens[name, default: []].append(Double(tokens))
        }
        // Group rows: the largest daily count stands for the team's people who are not identified.
        var teamGroupPeople: [String: Int] = [:]
        for (key, count) in agg.groupActive {
            let (team, _) = UsageAggregate.split(key)
            teamGroupPeople[agg.teams[team], default: 0] = max(teamGroupPeople[agg.teams[team], default: 0], count)
        }
        var teamTotals: [String: Totals] = [:]
        var teamWeekCells: [String: [Week: TeamWeekCell]] = [:]
        for (key, cell) in agg.teamWeeks {
            let (team, monday) = UsageAggregate.split(key)
            let name = agg.teams[team]
            teamTotals[name, default: Totals()].add(cell.totals)
            teamWeekCells[name, default: [:]][Week(monday: Day(index: monday))] = cell
        }
        // The usage cohorts need only the cells and the group counts: worked out on another
        // core beside the rest (on one core, the analysis of 1M rows in random order left the
        // other idle for a third of its time).
        let cohortWork = Pending { [teamWeekCells, teamGroupPeople] in
            context.usageCohorts(teams: sortedTeams, teamWeekCells: teamWeekCells, teamGroupPeople: teamGroupPeople)
        }
        var orgTotals = Totals()
        for totals in teamTotals.values { orgTotals.add(totals) }
        let allPeople = Set(agg.userTeamTokens.keys.map { UsageAggregate.split($0).0 })
        let groupPeople = teamGroupPeople.values.reduce(0, +)
        let orgActive = allPeople.count + groupPeople

        // Headcount and impossible figures.
        // The organisation's headcount: the teams listed in data/headcount.csv, plus, for teams in
        // the usage data that it does not list, the people seen (at least that many work there).
        let unlisted = sortedTeams.filter { headcount($0) == nil }
        let unlistedPeople = unlisted.reduce(0) { $0 + (teamPeople[$1]?.count ?? 0) + (teamGroupPeople[$1] ?? 0) }
        let orgHeadcount: Int? = headcounts.teams.isEmpty ? nil : headcounts.teams.compactMap { headcount($0) }.reduce(0, +) + unlistedPeople
        for team in sortedTeams {
            let active = (teamPeople[team]?.count ?? 0) + (teamGroupPeople[team] ?? 0)
            if let count = headcount(team), active > count {
                let line = inputs.headcount.last { $0.team == team }?.line ?? 0
                impossible.append(.error("data/headcount.csv", line: line,
                    "team \"\(team)\" has \(active) active people in the usage data but a headcount of \(count): an adoption rate above 100 % cannot be published; correct the headcount or the team names in data/usage"))
            }
        }
        if !impossible.isEmpty { throw ImpossibleFigure(diagnostics: impossible) }

        // Weekly trend for the organisation.
        var weekly: [WeekFigures] = []
        var people = WeekPeople(people: agg.users.count)
        for week in weeks {
            var totals = Totals()
            var groups = 0
            for team in sortedTeams {
                if let cell = teamWeekCells[team]?[week] {
                    people.add(cell.shares)
                    totals.add(cell.totals)
                }
                groups += groupWeekPeople(team, week)
            }
            let contributors = people.take(anonymous: groups)
            let outcomes = metricValues.map { values in sortedTeams.compactMap { values[$0]?[week] }.reduceOrNil(+) }
            weekly.append(WeekFigures(week: week, activeUsers: contributors.people, tokens: totals.tokens, requests: totals.requests,
                                      outcomes: outcomes, primary: primary, headcount: orgHeadcountAt(week), partial: isPartial(week),
                                      contributors: contributors))
        }

        // Intensity per active user-day, for the organisation and each team.
        var orgTokensPerDay: [Double] = [], orgRequestsPerDay: [Double] = []
        var userPrimaryTeam: [Int32: Int32] = [:]
        var best: [Int32: Int64] = [:]
        for (key, tokens) in agg.userTeamTokens.sorted(by: { $0.key < $1.key }) {
            let (user, team) = UsageAggregate.split(key)
            if tokens > best[user, default: -1] { best[user] = tokens; userPrimaryTeam[user] = team }
        }
        // Machine-regular people: ≥ 10 active days whose daily requests vary by less than 10 %.
        // The person-days come person by person, so each person's days are judged together.
        // A team's samples are its people's days, which lie together in the organisation's:
        // kept as ranges of those by team id, and gathered one team at a time when its figures
        // are made (at 10M rows in random order, a copy of every sample per team was 44 MB
        // held through the analysis; the peak fell from 288 to 280 MB).
        var teamRanges = [[Swift.Range<Int>]](repeating: [], count: agg.teams.count)
        var regularUsers = Set<Int32>()
        orgTokensPerDay.reserveCapacity(agg.userDays.count)
        orgRequestsPerDay.reserveCapacity(agg.userDays.count)
        agg.userDays.forEachPerson { person, days in
            // Into the organisation's and the primary team's samples (a table look-up per
            // person, not per person-day), then judged. The daily requests are summed with
            // their squares, so the spread is judged exactly whatever order the days come in
            // (`isRegular`); a day above 2^40 requests (the sums could then wrap) leaves it to
            // the floating-point test.
            let start = orgTokensPerDay.count
            var requestSum: Int128 = 0, squareSum: Int128 = 0, hugeDay = false
            for totals in days {
                orgTokensPerDay.append(Double(totals.tokens))
                orgRequestsPerDay.append(Double(totals.requests))
                if totals.requests > 1 << 40 { hugeDay = true }
                requestSum &+= Int128(totals.requests)
                squareSum &+= Int128(totals.requests) &* Int128(totals.requests)
            }
            if let team = userPrimaryTeam[person], !days.isEmpty { teamRanges[Int(team)].append(start..<orgTokensPerDay.count) }
            guard days.count >= 10 else { return }
            let exact = hugeDay ? nil : isRegular(count: days.count, sum: requestSum, squares: squareSum)
            if exact ?? { var daily = Array(orgRequestsPerDay[start...]); return isRegular(&daily) }() { regularUsers.insert(person) }
        }
        // The spreads of intensity — the organisation's over every person-day, and each team's
        // over its people's — on another core beside the team figures: selecting quantiles of
        // a million person-days was the analysis's last tenth, on one core.
        let intensityWork = Pending { [orgTokensPerDay, orgRequestsPerDay, teamRanges, agg] in
            var teams: [String: Intensity] = [:]
            for team in sortedTeams {
                let ranges = agg.teams.lookup(team).map { teamRanges[Int($0)] } ?? []
                func gathered(_ samples: [Double]) -> [Double] {
                    var values: [Double] = []
                    values.reserveCapacity(ranges.reduce(0) { $0 + $1.count })
                    for range in ranges { values.append(contentsOf: samples[range]) }
                    return values
                }
                let tokens = gathered(orgTokensPerDay)
                teams[team] = Intensity(userDays: tokens.count, tokens: Spread(tokens), requests: Spread(gathered(orgRequestsPerDay)))
            }
            let org = Intensity(userDays: orgTokensPerDay.count, tokens: Spread(orgTokensPerDay), requests: Spread(orgRequestsPerDay))
            return (org: org, teams: teams)
        }
        let orgUserTokens = userTokenTotals()
        let orgGini = gini(orgUserTokens)
        let orgAcceptance = ratio(orgTotals.accepted, orgTotals.shown)
        let orgLines = ratio(orgTotals.linesAcceptedOfSuggested, orgTotals.linesSuggested)

        // Teams.
        var rawSignals: [String: RawSignals] = [:]
        var orgToolAcceptance: [Int32: Double] = [:]
        for (tool, totals) in toolTotals where totals.shown > 0 { orgToolAcceptance[tool] = Double(totals.accepted) / Double(totals.shown) }
        var teams: [TeamFigures] = []
        var teamWeekly: [String: [WeekFigures]] = [:]
        let teamSlugs = distinctSlugs(sortedTeams)
        for team in sortedTeams {
            let slug = teamSlugs[team]!
            let totals = teamTotals[team] ?? Totals()
            let active = (teamPeople[team]?.count ?? 0) + (teamGroupPeople[team] ?? 0)
            let count = headcount(team)
            let teamOutcomes = metricValues.map { values in values[team].map { weeks in weeks.keys.sorted().reduce(0) { $0 + weeks[$1]! } } }
            let teamValue = primary.flatMap { teamOutcomes[$0] }
            for cell in (teamWeekCells[team] ?? [:]).values { people.add(cell.shares) }
            var figures = TeamFigures(
                team: team, slug: slug, belowFloorHeadcount: count.map { $0 < floor } ?? false,
                contributors: people.take(anonymous: teamGroupPeople[team] ?? 0),
                headcount: count, activeUsers: active,
                adoptionRate: count.flatMap { $0 > 0 ? Double(active) / Double($0) : nil } ?? (active > 0 ? 1 : nil),
                requests: totals.requests, tokens: totals.tokens,
                tokensPerActiveUser: active > 0 ? Double(totals.tokens) / Double(active) : nil,
                tokensPerHead: count.flatMap { $0 > 0 ? Double(totals.tokens) / Double($0) : nil },
                valuePerHead: teamValue.flatMap { value in count.flatMap { $0 > 0 ? value / Double($0) : nil } },
                value: teamValue,
                valuePer1kTokens: teamValue.flatMap { totals.tokens > 0 ? $0 / (Double(totals.tokens) / 1000) : nil },
                costUSD: totals.costUSD, costRange: costRange(totals, seats: 0),
                costPerValue: teamValue.flatMap { $0 > 0 && totals.pricedTokens > 0 ? totals.costUSD / $0 : nil },
                costPerValueRange: teamValue.flatMap { $0 > 0 && totals.pricedTokens > 0 ? per(costRange(totals, seats: 0), $0) : nil },
                quadrant: nil, usagePercentile: nil, valuePercentile: nil, usagePerHeadWeekly: nil, valuePerHeadWeekly: nil,
                inflation: Inflation(index: nil, flagged: false, signals: []),
                acceptanceRate: ratio(totals.accepted, totals.shown),
                acceptanceRateLines: ratio(totals.linesAcceptedOfSuggested, totals.linesSuggested),
                intensity: Intensity(userDays: 0, tokens: nil, requests: nil),  // below, once worked out
                gini: gini(teamUserTokens[team] ?? []),
                toolCount: 0, outcomes: teamOutcomes)
            if figures.headcount == nil { figures.adoptionRate = nil }
            teamWeekly[team] = weeks.map { week in
                let cell = teamWeekCells[team]?[week]
                let groups = groupWeekPeople(team, week)
                return WeekFigures(week: week, activeUsers: (cell?.shares.count ?? 0) + groups,
                                   tokens: cell?.totals.tokens ?? 0, requests: cell?.totals.requests ?? 0,
                                   outcomes: metricValues.map { $0[team]?[week] }, primary: primary, headcount: headcounts.at(team, week.sunday),
                                   partial: isPartial(week), contributors: Contributors(cell?.shares ?? PersonShares(), anonymous: groups))
            }
            rawSignals[team] = self.rawSignals(team: team, totals: totals, teamWeekCells: teamWeekCells[team] ?? [:],
                                               orgToolAcceptance: orgToolAcceptance, userTokens: teamUserTokens[team] ?? [],
                                               regularUsers: regularUsers, people: teamPeople[team] ?? [])
            teams.append(figures)
        }
        let intensities = intensityWork.value
        for index in teams.indices { teams[index].intensity = intensities.teams[teams[index].team]! }
        // The inflation test, over the teams about enough people to be published.
        let family = teams.filter { !$0.belowFloorHeadcount && $0.activeUsers >= floor }.map(\.team)
        let tested = inflationTest(rawSignals, family: family)
        for index in teams.indices { teams[index].inflation = tested[teams[index].team] ?? teams[index].inflation }
        assignQuadrants(&teams, weekly: teamWeekly)

        // Team-weeks for the correlation: with a headcount and a value, and about at least as
        // many people as the privacy floor (a model estimate is never fed a group that small).
        var rows: [TeamWeekRow] = []
        for team in teams where !team.belowFloorHeadcount && team.activeUsers >= floor {
            for week in teamWeekly[team.team] ?? [] where week.activeUsers >= floor {
                guard let count = week.headcount, count > 0, let value = week.value else { continue }
                rows.append(TeamWeekRow(team: team.team, week: week.week, headcount: count, activeUsers: week.activeUsers,
                                        requests: week.requests, tokens: week.tokens, value: value))
            }
        }

        let (tools, toolWeekly, retentionByTeam, cohorts) = toolWork.value
        for index in teams.indices {
            teams[index].toolCount = retentionByTeam[teams[index].team]?.count ?? 0
        }

        let orgOutcomes = metricValues.indices.map { k in weekly.compactMap { $0.outcomes[k] }.reduceOrNil(+) }
        let orgValue = primary.flatMap { orgOutcomes[$0] }
        let tokensK = Double(orgTotals.tokens) / 1000
        let pricedTokens = toolTotals.values.reduce(Int64(0)) { $0 &+ $1.coveredTokens }
        let org = OrgFigures(
            headcount: orgHeadcount, activeUsers: orgActive,
            adoptionRate: orgHeadcount.map { $0 > 0 ? Double(orgActive) / Double($0) : 0 } ?? (orgActive > 0 ? 1 : nil),
            adoptionDenominator: orgHeadcount == nil ? "people seen in the usage data (no headcount given)"
                : unlistedPeople > 0 ? "headcount, with the people seen in \(NumberFormat.integer.format(unlisted.count)) team\(unlisted.count == 1 ? "" : "s") without one" : "headcount",
            requests: orgTotals.requests, tokens: orgTotals.tokens, inputTokens: orgTotals.inputTokens,
            outputTokens: orgTotals.outputTokens, cachedTokens: orgTotals.cachedTokens,
            costUSD: orgTotals.costUSD, costRange: costRange(orgTotals, seats: tools.reduce(0) { $0 + $1.seatCostUSD }),
            seatCostUSD: tools.reduce(0) { $0 + $1.seatCostUSD }, costCoverage: orgTotals.tokens > 0 ? Double(pricedTokens) / Double(orgTotals.tokens) : nil,
            energyKWh: energy(orgTotals), co2eKg: co2e(energy(orgTotals)),
            intensity: intensities.org,
            gini: orgGini, top10Share: topShare(orgUserTokens),
            acceptanceRate: orgAcceptance, acceptanceRateLines: orgLines,
            suggestionsShown: orgTotals.shown, linesSuggested: orgTotals.linesSuggested,
            value: orgValue, valuePer1kTokens: orgValue.flatMap { tokensK > 0 ? $0 / tokensK : nil },
            costPerValue: orgValue.flatMap { $0 > 0 && orgTotals.pricedTokens > 0 ? orgTotals.costUSD / $0 : nil },
            costPerValueRange: orgValue.flatMap { value in
                value > 0 ? per(costRange(orgTotals, seats: tools.reduce(0) { $0 + $1.seatCostUSD }), value) : nil
            }, outcomes: orgOutcomes)
        if let rate = org.adoptionRate, rate > 1 {
            throw ImpossibleFigure(diagnostics: [.error("data/headcount.csv",
                "the organisation has \(orgActive) active people but a headcount of \(orgHeadcount ?? 0): teams in data/usage are missing from data/headcount.csv")])
        }

        let (usageCohorts, heavyShare) = cohortWork.value
        let (outcomes, tradeoffs) = outcomeFigures(teams: teams, teamWeekly: teamWeekly, org: org, cohortShares: heavyShare)
        let timeSaved = Self.comparing(timeSavedWork.value, with: outcomes)
        let feedback = feedbackWork.value
        let sprawl = sprawlFigures(tools: tools, retention: retentionByTeam)

        var coverage = Coverage(
            daysInPeriod: to - from + 1,
            daysWithData: agg.daysWithData.filter { $0 >= from.index && $0 <= to.index }.count,
            teamsWithoutHeadcount: sortedTeams.filter { headcount($0) == nil },
            toolsWithoutPrices: agg.tools.names.filter { name in !(toolTotals[agg.tools.lookup(name)!]?.fullyPriced ?? true) }.sorted(),
            partialLastWeek: weeks.last.flatMap { $0.sunday > to ? $0 : nil },
            partialFirstWeek: weeks.first.flatMap { $0.monday < from ? $0 : nil },
            rowsRead: usage.rowsRead + inputs.rowsRead, rowsRejected: usage.rowsRejected + inputs.rowsRejected,
            rowsOutsidePeriod: agg.rowsOutsidePeriod, unmatchedIdentities: usage.unmatchedIdentities,
            overlaps: usage.overlaps, recognised: usage.recognised.map { "\($0.0) as \($0.1)" },
            issues: inputs.diagnostics + usage.diagnostics,
            files: inputs.files + usage.files,
            teamsWithoutValue: valueMetric == nil ? [] : teams.filter { $0.value == nil }.map(\.team))
        coverage.nameWarnings = nameWarnings()
        Analyzer.refreshInputs(of: &coverage, inputs: inputs, usage: usage)

        return ReportModel(
            title: config.title, organisation: config.organisation, period: (from, to), minGroupSize: floor,
            valueMetric: valueMetric, metrics: metrics, outcomes: outcomes, tradeoffs: tradeoffs,
            usageCohorts: usageCohorts, timeSaved: timeSaved, org: org, teams: teams, teamWeekly: teamWeekly, teamRetention: retentionByTeam,
            tools: tools, toolWeekly: toolWeekly, weekly: weekly, teamWeeks: rows,
            feedback: feedback, sprawl: sprawl, cohorts: cohorts, coverage: coverage,
            methodology: Methodology.describe(config: config, metrics: metrics, cohorts: usageCohorts, floor: floor),
            reviewDates: config.reviewDates.filter { $0 >= from && $0 <= to }, falseDiscoveryRate: config.falseDiscoveryRate,
            quadrantCut: quadrantCut(teams))
    }

    func groupWeekPeople(_ team: String, _ week: Week) -> Int {
        guard let id = aggregate.teams.lookup(team) else { return 0 }
        var most = 0
        for offset in 0..<7 {
            most = max(most, aggregate.groupActive[UsageAggregate.key(id, (week.monday + offset).index)] ?? 0)
        }
        return most
    }

    func orgHeadcountAt(_ week: Week) -> Int? {
        headcounts.teams.isEmpty ? nil : headcounts.teams.compactMap { headcounts.at($0, week.sunday) }.reduce(0, +)
    }

    func isPartial(_ week: Week) -> Bool { week.monday < from || week.sunday > to }

    /// Tokens per person over the period, across teams.
    func userTokenTotals() -> [Double] {
        var perUser: [Int32: Int64] = [:]
        for (key, tokens) in aggregate.userTeamTokens { perUser[UsageAggregate.split(key).0, default: 0] += tokens }
        return perUser.values.map(Double.init)
    }

    func quadrantCut(_ teams: [TeamFigures]) -> (usage: Double, value: Double)? {
        let usage = teams.compactMap { $0.quadrant == nil ? nil : $0.usagePerHeadWeekly?.value }
        let value = teams.compactMap { $0.quadrant == nil ? nil : $0.valuePerHeadWeekly?.value }
        guard let u = median(usage), let v = median(value) else { return nil }
        return (u, v)
    }

    /// Descriptive quadrants: a team is high (or low) on an axis when the interval of its mean
    /// weekly figure per head lies wholly above (or below) the median team's; a team whose
    /// interval holds the median on either axis is "unclear". Percentile ranks are kept for
    /// reference. Only teams about at least the privacy floor's number of people take part.
    func assignQuadrants(_ teams: inout [TeamFigures], weekly: [String: [WeekFigures]]) {
        let eligible = teams.indices.filter {
            !teams[$0].belowFloorHeadcount && teams[$0].activeUsers >= floor && teams[$0].tokensPerHead != nil && teams[$0].valuePerHead != nil
        }
        guard eligible.count >= 2 else { return }
        // Each team's resampling on its own thread (seeded by the team, so the same anywhere).
        let names = eligible.map { teams[$0].team }
        let estimates = parallelMap(names) { team in
            let weeks = (weekly[team] ?? []).filter { ($0.headcount ?? 0) > 0 && !isPartial($0.week) }
            let seed = config.seed ^ stableHash(team)
            return (blockBootstrapMean(weeks.map { Double($0.tokens) / Double($0.headcount!) }, seed: seed),
                    blockBootstrapMean(weeks.compactMap { week in week.value.map { $0 / Double(week.headcount!) } }, seed: seed &+ 1))
        }
        for (index, estimate) in zip(eligible, estimates) {
            (teams[index].usagePerHeadWeekly, teams[index].valuePerHeadWeekly) = estimate
        }
        let usageRanks = averageRanks(eligible.map { teams[$0].tokensPerHead! })
        let valueRanks = averageRanks(eligible.map { teams[$0].valuePerHead! })
        let n = Double(eligible.count)
        let medianUsage = median(eligible.compactMap { teams[$0].usagePerHeadWeekly?.value })
        let medianValue = median(eligible.compactMap { teams[$0].valuePerHeadWeekly?.value })
        func side(_ estimate: Estimate?, _ middle: Double?) -> Bool? {
            guard let estimate, let middle else { return nil }
            return estimate.low > middle ? true : estimate.high < middle ? false : nil
        }
        for (position, index) in eligible.enumerated() {
            teams[index].usagePercentile = (usageRanks[position] - 1) / (n - 1)
            teams[index].valuePercentile = (valueRanks[position] - 1) / (n - 1)
            switch (side(teams[index].usagePerHeadWeekly, medianUsage), side(teams[index].valuePerHeadWeekly, medianValue)) {
            case (true?, true?): teams[index].quadrant = .highUsageHighValue
            case (true?, false?): teams[index].quadrant = .highUsageLowValue
            case (false?, true?): teams[index].quadrant = .lowUsageHighValue
            case (false?, false?): teams[index].quadrant = .lowUsageLowValue
            default: teams[index].quadrant = .unclear
            }
        }
    }
}

/// Whether daily requests vary by less than a tenth of their mean (population standard
/// deviation ÷ mean < 0.1, a mean above zero), decided exactly from the count, the sum and the
/// sum of squares: n·Σr² − (Σr)² < (Σr)² ÷ 100. Nil when a product would not fit, for
/// `isRegular(_:)` to decide.
func isRegular(count: Int, sum: Int128, squares: Int128) -> Bool? {
    guard count > 0, sum > 0 else { return count > 0 && sum == 0 ? false : nil }
    let (scaled, overflow) = Int128(count).multipliedReportingOverflow(by: squares)
    let (square, overflow2) = sum.multipliedReportingOverflow(by: sum)
    guard !overflow, !overflow2, scaled >= square else { return nil }
    let (spread, overflow3) = (scaled - square).multipliedReportingOverflow(by: 100)
    guard !overflow3 else { return nil }
    return spread < square
}

/// The same test in floating point, over the values in ascending order (so that it does not
/// depend on their order): for counts too large for `isRegular(count:sum:squares:)`.
func isRegular(_ values: inout [Double]) -> Bool {
    values.sort()
    guard let mean = mean(values), mean > 0 else { return false }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return variance.squareRoot() / mean < 0.1
}

/// One week's people with their shares summed over several cells (a person in two teams counts
/// once), in order of person id. They are summed in an array by id (ids are 0..<people), reused
/// week after week: tables of a week's people, sorted after, were a tenth of the analysis's own
/// thread and a third of the usage cohorts' (perf, rows in random order).
struct WeekPeople {
    private var shares: [Share]
    private var seen: [Bool]
    private var present: [Int32] = []

    init(people: Int) {
        shares = Array(repeating: Share(), count: people)
        seen = Array(repeating: false, count: people)
    }

    mutating func add(_ cell: PersonShares) {
        for (person, share) in cell {
            if !seen[Int(person)] { seen[Int(person)] = true; present.append(person) }
            shares[Int(person)].add(share)
        }
    }

    /// The people added since the last call, by id, with their sums, as the contributors of a
    /// figure; the week is then empty.
    mutating func take(anonymous: Int) -> Contributors {
        present.sort()
        let parts = present.map { person in
            defer { (shares[Int(person)], seen[Int(person)]) = (Share(), false) }
            return Contributors.Part(person: person, share: shares[Int(person)])
        }
        present.removeAll(keepingCapacity: true)
        return Contributors(parts: parts, anonymous: anonymous)
    }
}

extension Contributors.Part {
    /// A person's share of a figure, in the units the disclosure rules weigh (dollars, not
    /// micro-dollars).
    init(person: Int32, share: Share) {
        self.init(person: person, tokens: Double(share.tokens), requests: Double(share.requests), cost: Double(share.costMicros) / 1_000_000)
    }
}

extension Contributors {
    /// A cell's people, in the order `PersonShares` keeps them (by person).
    init(_ shares: PersonShares, anonymous: Int) {
        self.init(parts: shares.parts, anonymous: anonymous)
    }

    /// The people's parts, by person: sorted here only when they come out of order (a tool's
    /// people come sorted, and sorting sorted parts was a twentieth of the analysis: perf,
    /// rows in random order).
    init<People: Sequence>(_ shares: People, anonymous: Int) where People.Element == (key: Int32, value: Share) {
        var parts = shares.map { Part(person: $0.key, share: $0.value) }
        if zip(parts, parts.dropFirst()).contains(where: { $0.person > $1.person }) { parts.sort { $0.person < $1.person } }
        self.init(parts: parts, anonymous: anonymous)
    }
}

func ratio(_ numerator: Int64, _ denominator: Int64) -> Double? {
    denominator > 0 ? Double(numerator) / Double(denominator) : nil
}

extension Sequence {
    func reduceOrNil(_ combine: (Element, Element) -> Element) -> Element? {
        var iterator = makeIterator()
        guard var result = iterator.next() else { return nil }
        while let next = iterator.next() { result = combine(result, next) }
        return result
    }
}

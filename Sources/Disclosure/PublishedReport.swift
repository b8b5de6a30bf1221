import Analysis
import Dataset
import Stats

/// A figure that may be published, or is withheld: the number does not exist in the
/// withheld case, so a writer cannot print it by mistake.
public enum Disclosed<Value: Sendable>: Sendable {
    case shown(Value)
    case withheld

    public var shown: Value? {
        if case let .shown(value) = self { return value }
        return nil
    }
}

/// A group that cannot be shown: its name, its slug and why, in words that do not say which
/// rule hit it (DESIGN §4: the pages say how many cells each rule family withheld, not which).
public struct WithheldGroup: Sendable, Codable {
    public var name: String
    public var slug: String
    public var reason: String
    /// For a tool: its id in the data (`name` is how pages write it).
    public var id: String?
}

public enum TeamEntry: Sendable, Codable {
    case published(PublishedTeam)
    case withheld(WithheldGroup)

    public var name: String {
        switch self {
        case let .published(team): team.figures.team
        case let .withheld(group): group.name
        }
    }
    public var slug: String {
        switch self {
        case let .published(team): team.figures.slug
        case let .withheld(group): group.slug
        }
    }
    public var published: PublishedTeam? {
        if case let .published(team) = self { return team }
        return nil
    }
}

public enum ToolEntry: Sendable, Codable {
    case published(PublishedTool)
    case withheld(WithheldGroup, capability: String)

    /// How pages name the tool.
    public var name: String {
        switch self {
        case let .published(tool): tool.figures.name
        case let .withheld(group, _): group.name
        }
    }
    /// The tool's id in the data.
    public var id: String {
        switch self {
        case let .published(tool): tool.figures.tool
        case let .withheld(group, _): group.id ?? group.name
        }
    }
    public var slug: String {
        switch self {
        case let .published(tool): tool.figures.slug
        case let .withheld(group, _): group.slug
        }
    }
    public var capability: String {
        switch self {
        case let .published(tool): tool.figures.capability
        case let .withheld(_, capability): capability
        }
    }
    public var published: PublishedTool? {
        if case let .published(tool) = self { return tool }
        return nil
    }
}

/// One week of a group: its additive figures, or nothing.
public struct WeekRow: Sendable, Codable {
    public struct Cell: Sendable, Codable {
        public var activeUsers: Int
        public var tokens: Int64
        public var requests: Int64
        public var value: Double?
    }
    public var week: Week
    public var partial: Bool
    public var headcount: Int?
    public var cell: Disclosed<Cell>
}

/// A team's use of one tool: tried → returned → sustained, or nothing.
public struct RetentionEntry: Sendable, Codable {
    /// The tool's id, and how pages name it.
    public var tool: String
    public var name: String
    public var funnel: Disclosed<RetentionFigures>
}

/// A published team: its team-level figures (all about at least the floor's number of people,
/// none dominated), its weeks and its tools, each of which may still be withheld.
public struct PublishedTeam: Sendable, Codable {
    public var figures: TeamFigures
    public var weekly: [WeekRow]
    public var retention: [RetentionEntry]
}

public struct PublishedTool: Sendable, Codable {
    public var figures: ToolFigures
    public var weekly: [WeekRow]
}

public struct PublishedCohort: Sendable, Codable {
    public var week: Week
    public var size: Int
    /// Share of the cohort active k weeks after its first week, k = 1…; nil past the period.
    public var retained: [Double?]
}

/// Feedback as published: breakdowns by team only for teams with enough documents.
public struct PublishedFeedback: Sendable, Codable {
    public struct TeamRow: Sendable {
        public var team: String
        public var documents: Int
        /// Theme counts in the order of `themes`; a withheld cell is absent.
        public var themes: [(theme: String, count: Disclosed<Int>, share: Disclosed<Double>)]
    }
    /// A score question's distribution, with by-team counts for published teams only.
    public typealias Scores = ScoreDistribution
    public var documents: Int
    public var themes: [ThemeCount]
    public var scores: [Scores]
    public var netSentiment: Double?
    public var positive: Int
    public var negative: Int
    public var neutral: Int
    public var quotes: [Quote]
    public var letters: [Letter]
    public var byTeam: [TeamRow]
    public var teamsWithheld: Int
}

/// Usage cohorts as published: the organisation's counts, and each published team's and each
/// week's counts where the disclosure rules allow.
public struct PublishedUsageCohorts: Sendable, Codable {
    public struct TeamRow: Sendable, Codable {
        public var team: String
        public var slug: String
        public var headcount: Int?
        /// Light, moderate, heavy.
        public var counts: Disclosed<[Int]>
        public var unclassified: Int
        /// Headcount − active people.
        public var none: Int?
    }
    public struct WeekRow: Sendable, Codable {
        public var week: Week
        public var counts: Disclosed<[Int]>
        public var unclassified: Int
        public var partial: Bool
    }
    public var lightBelow: Double
    public var heavyFrom: Double
    /// Light, moderate, heavy summed over the team rows shown (a person in two teams counts in each).
    public var org: [Int]
    public var teams: [TeamRow]
    public var weekly: [WeekRow]
}

/// Reported hours saved for one question: groups below the floor, or that would let a reader
/// solve for one, are absent.
public struct PublishedTimeSaved: Sendable, Codable {
    public var question: String
    public var org: Estimate?
    public var n: Int
    public var comparison: TimeSaved.Comparison
    public var byTeam: [TimeSaved.Group]
    public var byTool: [TimeSaved.Group]
    public var teamsWithheld: Int
    public var toolsWithheld: Int
}

/// How many cells each rule family withheld (never which cell).
public struct SuppressionSummary: Sendable, Equatable, Codable {
    public var cells: Int
    public var frequency: Int
    public var dominance: Int
    public var secondary: Int
    public var teamsWithheld: Int
    public var toolsWithheld: Int
    public var protectionPct: Double
    public var dominanceP: Double
    /// Teams withheld by no rule of their own, only so that other cells cannot be solved for:
    /// told to the author (never published: with the other counts it would say which rule hid
    /// the remaining teams).
    public var teamsWithheldAsComplements = 0
}

/// The report as it may be published: what `Site` reads, and all it reads. A figure about a
/// group below the privacy floor, or one that would let a reader solve for such a group,
/// does not exist here.
public struct PublishedReport: Sendable {
    public var title: String
    public var organisation: String?
    public var period: (from: Day, to: Day)
    public var minGroupSize: Int
    public var valueMetric: String?
    /// Every metric, with team figures for published teams only.
    public var outcomes: [OutcomeFigures]
    /// Trade-offs of the organisation and of published teams.
    public var tradeoffs: [Tradeoff]
    public var usageCohorts: PublishedUsageCohorts
    public var timeSaved: [PublishedTimeSaved]
    public var org: OrgFigures
    public var teamsFlagged: Int
    public var teams: [TeamEntry]
    public var tools: [ToolEntry]
    public var weekly: [WeekRow]
    /// Published team-weeks with a headcount and a value (the correlation's rows that may be shown).
    public var teamWeeks: [TeamWeekRow]
    public var feedback: PublishedFeedback
    public var sprawl: SprawlFigures
    public var cohorts: [Disclosed<PublishedCohort>]
    public var coverage: Coverage
    public var methodology: Methodology
    public var reviewDates: [Day]
    public var falseDiscoveryRate: Double
    public var suppression: SuppressionSummary
    public var quadrantCut: (usage: Double, value: Double)?

    public var publishedTeams: [PublishedTeam] { teams.compactMap(\.published) }
    /// The first primary metric's figures, when there is one.
    public var primaryOutcome: OutcomeFigures? { outcomes.first { $0.metric.role == .primary } }
    /// Adoption versus value for the first primary metric, and the level of its intervals.
    public var correlation: Correlation { primaryOutcome?.correlation ?? .none }
    public var correlationLevel: Double { primaryOutcome?.level ?? 0.95 }
    /// Each tool's tried → returned → sustained, withheld with the tool.
    public var toolRetention: [RetentionEntry] {
        tools.map { entry in
            RetentionEntry(tool: entry.id, name: entry.name, funnel: entry.published.map { .shown($0.figures.retention) } ?? .withheld)
        }
    }
    public var publishedTools: [PublishedTool] { tools.compactMap(\.published) }
    /// How pages name a tool given its id.
    public func toolName(_ id: String) -> String { tools.first { $0.id == id }?.name ?? displayName(ofTool: id) }
}

// MARK: - Kept between builds (the report cache)

/// A shown figure as its value, a withheld one as null. (The synthesised coding wrote a keyed
/// container for every figure, naming its case, and decoding one listed its keys and cast them:
/// most of decoding the cached report, which is what a rebuild after a commentary edit waits
/// for, perf.) No `Value` codes as null itself: every one is a number, an array or a struct.
extension Disclosed: Codable where Value: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .withheld : .shown(try container.decode(Value.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .shown(value): try container.encode(value)
        case .withheld: try container.encodeNil()
        }
    }
}

extension PublishedReport: Codable {
    enum CodingKeys: String, CodingKey {
        case title, organisation, periodFrom, periodTo, minGroupSize, valueMetric, outcomes, tradeoffs, usageCohorts, timeSaved, org
        case teamsFlagged, teams, tools, weekly, teamWeeks, feedback, sprawl, cohorts, coverage, methodology, reviewDates
        case falseDiscoveryRate, suppression, quadrantUsage, quadrantValue
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        organisation = try c.decodeIfPresent(String.self, forKey: .organisation)
        period = (try c.decode(Day.self, forKey: .periodFrom), try c.decode(Day.self, forKey: .periodTo))
        minGroupSize = try c.decode(Int.self, forKey: .minGroupSize)
        valueMetric = try c.decodeIfPresent(String.self, forKey: .valueMetric)
        outcomes = try c.decode([OutcomeFigures].self, forKey: .outcomes)
        tradeoffs = try c.decode([Tradeoff].self, forKey: .tradeoffs)
        usageCohorts = try c.decode(PublishedUsageCohorts.self, forKey: .usageCohorts)
        timeSaved = try c.decode([PublishedTimeSaved].self, forKey: .timeSaved)
        org = try c.decode(OrgFigures.self, forKey: .org)
        teamsFlagged = try c.decode(Int.self, forKey: .teamsFlagged)
        teams = try c.decode([TeamEntry].self, forKey: .teams)
        tools = try c.decode([ToolEntry].self, forKey: .tools)
        weekly = try c.decode([WeekRow].self, forKey: .weekly)
        teamWeeks = try c.decode([TeamWeekRow].self, forKey: .teamWeeks)
        feedback = try c.decode(PublishedFeedback.self, forKey: .feedback)
        sprawl = try c.decode(SprawlFigures.self, forKey: .sprawl)
        cohorts = try c.decode([Disclosed<PublishedCohort>].self, forKey: .cohorts)
        coverage = try c.decode(Coverage.self, forKey: .coverage)
        methodology = try c.decode(Methodology.self, forKey: .methodology)
        reviewDates = try c.decode([Day].self, forKey: .reviewDates)
        falseDiscoveryRate = try c.decode(Double.self, forKey: .falseDiscoveryRate)
        suppression = try c.decode(SuppressionSummary.self, forKey: .suppression)
        if let usage = try c.decodeIfPresent(Double.self, forKey: .quadrantUsage), let value = try c.decodeIfPresent(Double.self, forKey: .quadrantValue) {
            quadrantCut = (usage, value)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encodeIfPresent(organisation, forKey: .organisation)
        try c.encode(period.from, forKey: .periodFrom)
        try c.encode(period.to, forKey: .periodTo)
        try c.encode(minGroupSize, forKey: .minGroupSize)
        try c.encodeIfPresent(valueMetric, forKey: .valueMetric)
        try c.encode(outcomes, forKey: .outcomes)
        try c.encode(tradeoffs, forKey: .tradeoffs)
        try c.encode(usageCohorts, forKey: .usageCohorts)
        try c.encode(timeSaved, forKey: .timeSaved)
        try c.encode(org, forKey: .org)
        try c.encode(teamsFlagged, forKey: .teamsFlagged)
        try c.encode(teams, forKey: .teams)
        try c.encode(tools, forKey: .tools)
        try c.encode(weekly, forKey: .weekly)
        try c.encode(teamWeeks, forKey: .teamWeeks)
        try c.encode(feedback, forKey: .feedback)
        try c.encode(sprawl, forKey: .sprawl)
        try c.encode(cohorts, forKey: .cohorts)
        try c.encode(coverage, forKey: .coverage)
        try c.encode(methodology, forKey: .methodology)
        try c.encode(reviewDates, forKey: .reviewDates)
        try c.encode(falseDiscoveryRate, forKey: .falseDiscoveryRate)
        try c.encode(suppression, forKey: .suppression)
        try c.encodeIfPresent(quadrantCut?.usage, forKey: .quadrantUsage)
        try c.encodeIfPresent(quadrantCut?.value, forKey: .quadrantValue)
    }
}

extension PublishedFeedback.TeamRow: Codable {
    struct Theme: Codable {
        var theme: String
        var count: Disclosed<Int>
        var share: Disclosed<Double>
    }
    enum CodingKeys: String, CodingKey { case team, documents, themes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        team = try c.decode(String.self, forKey: .team)
        documents = try c.decode(Int.self, forKey: .documents)
        themes = try c.decode([Theme].self, forKey: .themes).map { ($0.theme, $0.count, $0.share) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(team, forKey: .team)
        try c.encode(documents, forKey: .documents)
        try c.encode(themes.map { Theme(theme: $0.theme, count: $0.count, share: $0.share) }, forKey: .themes)
    }
}

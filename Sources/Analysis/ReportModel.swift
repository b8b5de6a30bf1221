import Foundation
import Dataset
import Stats

/// Every figure of the report, computed once, for every group however small: the disclosure
/// stage decides what may be published, and the site presents only what it returns. No user id
/// is held here: people appear as counts, and (in `Contributors`) as anonymous indices that
/// never leave the process.
public struct ReportModel: Sendable {
    public var title: String
    public var organisation: String?
    public var period: (from: Day, to: Day)
    public var minGroupSize: Int
    public var valueMetric: String?
    /// The metrics that stand for value, in report.yml's order; every `outcomes` array of the
    /// model (team, week, organisation) follows it.
    public var metrics: [OutcomeMetric]
    public var outcomes: [OutcomeFigures]
    public var tradeoffs: [Tradeoff]
    public var usageCohorts: UsageCohorts
    public var timeSaved: [TimeSaved]
    public var org: OrgFigures
    public var teams: [TeamFigures]
    /// Team name → its weeks, in the order of `weekly`.
    public var teamWeekly: [String: [WeekFigures]]
    /// Team name → its use of each tool, by tool name.
    public var teamRetention: [String: [RetentionFigures]]
    public var tools: [ToolFigures]
    /// Tool name → its weeks, in the order of `weekly`.
    public var toolWeekly: [String: [WeekFigures]]
    public var weekly: [WeekFigures]
    /// Team-weeks with a headcount and a value about at least the floor's number of people: the
    /// rows of the correlation.
    public var teamWeeks: [TeamWeekRow]
    public var feedback: FeedbackFigures
    public var sprawl: SprawlFigures
    public var cohorts: [CohortRow]
    public var coverage: Coverage
    public var methodology: Methodology
    public var reviewDates: [Day]
    public var falseDiscoveryRate: Double
    /// The median team's mean weekly tokens per head and value per head: the quadrants' cut.
    public var quadrantCut: (usage: Double, value: Double)?

    public var primaryOutcome: OutcomeFigures? { outcomes.first { $0.metric.role == .primary } }
    /// Adoption versus value for the first primary metric (the headline's).
    public var correlation: Correlation { primaryOutcome?.correlation ?? .none }
}

public struct OrgFigures: Sendable, Codable {
    public var headcount: Int?
    public var activeUsers: Int
    /// Active ÷ headcount, or ÷ people seen when no headcount is known (`adoptionDenominator`).
    public var adoptionRate: Double?
    public var adoptionDenominator: String
    public var requests: Int64
    public var tokens: Int64
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cachedTokens: Int64
    /// Usage cost at list prices (every input token at the input price), without seats.
    public var costUSD: Double
    /// The cost range: cached input at its cache-read price (low) to list prices (high), plus
    /// seat licences at both ends.
    public var costRange: Range
    public var seatCostUSD: Double
    /// Share of tokens whose cost is known (from `cost_usd` or a price).
    public var costCoverage: Double?
    public var energyKWh: Range
    public var co2eKg: Range
    public var intensity: Intensity
    public var gini: Double?
    public var top10Share: Double?
    public var acceptanceRate: Double?
    public var acceptanceRateLines: Double?
    public var suggestionsShown: Int64
    public var linesSuggested: Int64
    public var value: Double?
    public var valuePer1kTokens: Double?
    public var costPerValue: Double?
    /// The cost range ÷ value.
    public var costPerValueRange: Range?
    /// Each metric's total over the period (nil without data).
    public var outcomes: [Double?]
}

public struct Range: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double
}

/// Adoption versus value (DESIGN §4), as two figures kept apart.
public struct Correlation: Sendable, Codable {
    /// Between teams: Spearman's ρ across teams of tokens per head against value per head over
    /// the period, with an interval from resampling teams; `n` is the number of teams.
    public var spearman: Estimate?
    public var pearson: Estimate?
    public var n: Int
    /// Within teams: the slope of value per head on ln(tokens per head) across team-weeks, with
    /// team and week fixed effects and team-clustered standard errors.
    public var within: FixedEffectsFit?
    /// What the within-team interval says.
    public var finding: Finding

    /// The within-team slope as value per head per doubling of usage (slope × ln 2), with its interval.
    public var withinPerDoubling: Estimate? {
        within.map { Estimate(value: $0.slope * log(2.0), low: $0.low * log(2.0), high: $0.high * log(2.0), n: $0.observations) }
    }

    /// No metric to read: nothing computed.
    public static let none = Correlation(spearman: nil, pearson: nil, n: 0, within: nil, finding: .notEnoughData)

    public enum Finding: String, Sendable, Codable {
        case more = "more value with more usage"
        case less = "less value with more usage"
        case unclear = "no clear association"
        case notEnoughData = "not enough data"
    }
}

/// Per active user-day distributions.
public struct Intensity: Sendable, Codable {
    public var userDays: Int
    public var tokens: Spread?
    public var requests: Spread?
}

/// Who stands behind an additive figure, for disclosure control: each identified person's part
/// of the magnitudes, and the people counted only as a number (vendors' group rows, documents).
public struct Contributors: Sendable, Codable {
    public struct Part: Sendable, Codable {
        public var person: Int32
        public var tokens: Double
        public var requests: Double
        public var cost: Double
        public init(person: Int32, tokens: Double, requests: Double, cost: Double) {
            self.person = person; self.tokens = tokens; self.requests = requests; self.cost = cost
        }
    }
    /// Sorted by person.
    public var parts: [Part]
    public var anonymous: Int
    public var people: Int { parts.count + anonymous }

    public init(parts: [Part] = [], anonymous: Int = 0) {
        self.parts = parts
        self.anonymous = anonymous
    }

    /// The build cache keeps the published figures, made after the disclosure rules ran: it
    /// keeps how many people stand behind a figure, not each one's part.
    public init(from decoder: Decoder) throws {
        self.init(parts: [], anonymous: try decoder.singleValueContainer().decode(Int.self))
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(people)
    }
}

public struct TeamFigures: Sendable, Codable {
    public var team: String
    public var slug: String
    /// Why the team cannot be published whatever the rest of the tables (its headcount is below the floor).
    public var belowFloorHeadcount: Bool
    public var contributors: Contributors
    public var headcount: Int?
    public var activeUsers: Int
    public var adoptionRate: Double?
    public var requests: Int64
    public var tokens: Int64
    public var tokensPerActiveUser: Double?
    public var tokensPerHead: Double?
    public var valuePerHead: Double?
    public var value: Double?
    public var valuePer1kTokens: Double?
    public var costUSD: Double
    public var costRange: Range
    public var costPerValue: Double?
    public var costPerValueRange: Range?
    public var quadrant: Quadrant?
    public var usagePercentile: Double?
    public var valuePercentile: Double?
    /// The team's weekly tokens per head and value per head: means with block-bootstrap intervals.
    public var usagePerHeadWeekly: Estimate?
    public var valuePerHeadWeekly: Estimate?
    public var inflation: Inflation
    public var acceptanceRate: Double?
    public var acceptanceRateLines: Double?
    public var intensity: Intensity
    public var gini: Double?
    public var toolCount: Int
    /// Each metric's total over the period.
    public var outcomes: [Double?]
}

/// Where a team stands against the median team, described and never judged: assigned only
/// when the team's interval clears the median on both axes.
public enum Quadrant: String, Sendable, CaseIterable, Codable {
    case highUsageHighValue = "high usage, high value"
    case highUsageLowValue = "high usage, low value"
    case lowUsageHighValue = "low usage, high value"
    case lowUsageLowValue = "low usage, low value"
    case unclear = "unclear"

    /// A name for CSS classes.
    public var slug: String {
        switch self {
        case .highUsageHighValue: "high-high"
        case .highUsageLowValue: "high-low"
        case .lowUsageHighValue: "low-high"
        case .lowUsageLowValue: "low-low"
        case .unclear: "unclear"
        }
    }
}

public struct Inflation: Sendable, Codable {
    public var index: Double?
    public var flagged: Bool
    public var signals: [Signal]
}

public struct Signal: Sendable, Codable {
    public var name: String
    /// 0…1, nil when it cannot be computed for this team (said in `evidence`).
    public var value: Double?
    public var weight: Double
    public var evidence: String
}

public struct ToolFigures: Sendable, Codable {
    /// The tool's id, as in the data (and in report.json and the CSV files).
    public var tool: String
    /// How pages name it: tools.csv's `name`, else the id made readable.
    public var name: String
    public var slug: String
    public var capability: String
    public var vendor: String?
    public var contributors: Contributors
    public var activeUsers: Int
    public var tokens: Int64
    public var requests: Int64
    public var costUSD: Double
    /// Usage cost range plus the tool's seat licences.
    public var costRange: Range
    public var seats: Int?
    public var seatCostUSD: Double
    public var priced: Bool
    public var acceptanceRate: Double?
    public var suggestionsShown: Int64
    public var acceptanceRateLines: Double?
    public var linesSuggested: Int64
    public var linesAccepted: Int64
    public var retention: RetentionFigures
    public var teamsUsing: Int
}

public struct RetentionFigures: Sendable, Codable {
    public var tool: String
    public var tried: Int
    public var returned: Int
    public var sustained: Int
    /// People observed long enough to have returned (14 days from first use) and to be
    /// sustained (a span of four weeks): the denominators of the two rates.
    public var eligibleReturned: Int
    public var eligibleSustained: Int
    /// Kaplan–Meier median, people without a second day censored.
    public var medianDaysToSecondUse: Double?
    /// The people who tried the tool (their parts carry no magnitudes).
    public var contributors: Contributors
}

public struct WeekFigures: Sendable {
    public var week: Week
    public var activeUsers: Int
    public var tokens: Int64
    public var requests: Int64
    /// Each metric's value in the week.
    public var outcomes: [Double?]
    /// The primary metric's value.
    public var value: Double?
    public var headcount: Int?
    /// The week is cut by the period's start or end.
    public var partial: Bool
    public var contributors: Contributors

    public init(week: Week, activeUsers: Int, tokens: Int64, requests: Int64, outcomes: [Double?], primary: Int?,
                headcount: Int?, partial: Bool, contributors: Contributors) {
        self.week = week; self.activeUsers = activeUsers; self.tokens = tokens; self.requests = requests
        self.outcomes = outcomes; value = primary.flatMap { outcomes[$0] }
        self.headcount = headcount; self.partial = partial; self.contributors = contributors
    }
}

public struct TeamWeekRow: Sendable, Codable {
    public var team: String
    public var week: Week
    public var headcount: Int
    public var activeUsers: Int
    public var requests: Int64
    public var tokens: Int64
    public var value: Double
    public var usagePerHead: Double { Double(tokens) / Double(headcount) }
    public var valuePerHead: Double { value / Double(headcount) }
}

public struct CohortRow: Sendable {
    public var week: Week
    public var size: Int
    /// Share of the cohort active k weeks after its first week, k = 1…; nil past the period.
    public var retained: [Double?]
}

public struct Coverage: Sendable, Codable {
    public var daysInPeriod: Int
    public var daysWithData: Int
    public var teamsWithoutHeadcount: [String]
    public var toolsWithoutPrices: [String]
    public var partialLastWeek: Week?
    public var partialFirstWeek: Week?
    public var rowsRead: Int
    public var rowsRejected: Int
    public var rowsOutsidePeriod: Int
    public var unmatchedIdentities: Int
    /// Rows dropped because another source had reported the same person, day and tool.
    public var overlaps: Int
    /// Vendor files recognised by their contents: path and format.
    public var recognised: [String]
    public var issues: [Diagnostic]
    public var files: [InputFile]
    public var teamsWithoutValue: [String]
    /// Team and tool names of the small inputs that nearly match a usage name (`NameMatching`):
    /// made with the figures, from inputs the figures depend on, and kept among `issues`.
    public var nameWarnings: [Diagnostic] = []
}

public struct FeedbackFigures: Sendable {
    public var documents: Int
    public var themes: [ThemeCount]
    public var scores: [ScoreDistribution]
    public var netSentiment: Double?
    public var positive: Int
    public var negative: Int
    public var neutral: Int
    public var quotes: [Quote]
    public var letters: [Letter]
    public var byTeam: [TeamThemes]
}

public struct ThemeCount: Sendable, Codable {
    public var theme: String
    public var count: Int
    public var share: Double
}

public struct ScoreDistribution: Sendable {
    public var question: String
    /// Counts of 1…5.
    public var counts: [Int]
    public var n: Int
    public var mean: Double?
    public var byTeam: [(team: String, counts: [Int])]

    public init(question: String, counts: [Int], n: Int, mean: Double?, byTeam: [(team: String, counts: [Int])]) {
        (self.question, self.counts, self.n, self.mean, self.byTeam) = (question, counts, n, mean, byTeam)
    }
}

public struct TeamThemes: Sendable {
    public var team: String
    public var documents: Int
    public var themes: [ThemeCount]
}

public struct Quote: Sendable, Codable {
    public var text: String
    public var theme: String
    public var sentiment: String
    /// How many documents of this stratum the quote stands for.
    public var standsFor: Int
    public var channel: String
    public var date: Day?
    /// The team of the document quoted, for the disclosure stage; never published.
    public var team: String?
}

public struct Letter: Sendable, Codable {
    public var slug: String
    public var title: String
    public var date: Day?
    public var team: String?
    /// Markdown, redacted.
    public var body: String
    public var file: String
    public var bodyLine: Int
}

public struct SprawlFigures: Sendable, Codable {
    public var capabilities: [CapabilityTools]
    public var toolsBelowFloor: Int
    public var toolsBelowFloorNames: [String]
    /// Jaccard similarity of tool sets between published teams: the `overlapLimit` most alike
    /// pairs (see `TeamOverlap.mostAlike`); empty until the disclosure stage knows the teams.
    public var overlap: [TeamOverlap] = []
    /// How many pairs of published teams have a tool between them (`overlap` lists at most
    /// `overlapLimit` of them).
    public var overlapPairs = 0
    /// Each team's tools, sorted, from which the disclosure stage works out `overlap` over the
    /// teams it publishes; emptied there.
    public var teamTools: [String: [String]] = [:]
    public var medianToolsPerPerson: Double?
    /// People using two or more tools of the same capability.
    public var peopleWithOverlappingTools: Int
    public var peopleUsingTools: Int
}

/// The tools of one capability (for sprawl).
public struct CapabilityTools: Sendable, Codable {
    public var capability: String
    public var tools: [String]
}

/// How alike two teams' tool sets are (Jaccard index).
public struct TeamOverlap: Sendable, Codable, Equatable {
    public var a: String
    public var b: String
    public var jaccard: Double

    /// The most pairs `report.json` lists: every pair of teams made the list, and the report,
    /// grow with the square of the teams (3,000 teams: 4.5 million pairs, 219 MB of JSON).
    public static let limit = 1000

    /// The `limit` pairs of `teams` most alike in their tools, most alike first, then by the
    /// names (the first `limit` of the whole list sorted so), and how many pairs there are
    /// (pairs of teams without a tool between them are none). Memory stays with the teams
    /// and the limit, not the pairs.
    public static func mostAlike(_ teams: [String], tools: [String: [String]], limit: Int = limit) -> (pairs: [TeamOverlap], count: Int) {
        let names = teams.sorted()
        let sets = names.map { Set(tools[$0] ?? []) }
        func jaccard(_ i: Int, _ j: Int) -> Double? {
            let shared = sets[i].intersection(sets[j]).count
            let union = sets[i].count + sets[j].count - shared
            return union > 0 ? Double(shared) / Double(union) : nil
        }
        // How many pairs have each value (few values: tool sets are small), to find the value
        // the limit falls on; then the pairs above it and, in order, enough of those at it.
        var byValue: [Double: Int] = [:]
        var count = 0
        for i in names.indices {
            for j in names.indices where j > i {
                if let value = jaccard(i, j) { byValue[value, default: 0] += 1; count += 1 }
            }
        }
        var threshold = -1.0, atThreshold = 0, above = 0
        for value in byValue.keys.sorted(by: >) {
            if above + byValue[value]! >= limit { threshold = value; atThreshold = limit - above; break }
            above += byValue[value]!
        }
        var pairs: [TeamOverlap] = []
        for i in names.indices {
            for j in names.indices where j > i {
                guard let value = jaccard(i, j), value >= threshold else { continue }
                if value == threshold {
                    guard atThreshold > 0 else { continue }
                    atThreshold -= 1
                }
                pairs.append(TeamOverlap(a: names[i], b: names[j], jaccard: value))
            }
        }
        // Stable: pairs alike in value and first team keep the order of their second.
        return (pairs.sorted { ($0.jaccard, $1.a) > ($1.jaccard, $0.a) }, count)
    }
}

/// A team's counts, as the report cache stores the `(team, counts)` pairs of score tables.
public struct TeamCounts: Codable {
    public var team: String
    public var counts: [Int]
    public init(team: String, counts: [Int]) { (self.team, self.counts) = (team, counts) }
}

extension ScoreDistribution: Codable {
    enum CodingKeys: String, CodingKey { case question, counts, n, mean, byTeam }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        question = try c.decode(String.self, forKey: .question)
        counts = try c.decode([Int].self, forKey: .counts)
        n = try c.decode(Int.self, forKey: .n)
        mean = try c.decodeIfPresent(Double.self, forKey: .mean)
        byTeam = try c.decode([TeamCounts].self, forKey: .byTeam).map { ($0.team, $0.counts) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(question, forKey: .question)
        try c.encode(counts, forKey: .counts)
        try c.encode(n, forKey: .n)
        try c.encodeIfPresent(mean, forKey: .mean)
        try c.encode(byTeam.map { TeamCounts(team: $0.team, counts: $0.counts) }, forKey: .byTeam)
    }
}

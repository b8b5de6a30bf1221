import XCTest
@testable import Analysis
@testable import Dataset
import Stats

/// Builds a model from rows given in code, as the pipeline would.
func model(rows: [UsageRecord], headcount: [String: Int] = [:], outcomes: [(String, String, Double)] = [],
           configure: (inout ReportConfig) -> Void = { _ in }) throws -> ReportModel {
    var config = ReportConfig()
    if !outcomes.isEmpty { config.valueMetric = "prs" }
    configure(&config)
    var inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
    inputs.headcount = headcount.sorted { $0.key < $1.key }.map { HeadcountEntry(team: $0.key, headcount: $0.value, from: nil, line: 2) }
    inputs.outcomes = outcomes.map { OutcomeRecord(week: Week(parsing: $0.1)!, team: $0.0, metric: "prs", value: $0.2, line: 2) }
    var aggregate = UsageAggregate(config: config, tools: [])
    for row in rows { aggregate.add(row) }
    return try Analyzer.analyze(aggregate, inputs: inputs, usage: UsageSummary())
}

func row(_ day: String, _ user: String, _ team: String, tool: String = "copilot", requests: Int64 = 1, tokens: Int64 = 100,
         shown: Int64? = nil, accepted: Int64? = nil) -> UsageRecord {
    var record = UsageRecord(day: Day(parsing: day)!, user: user, team: team, tool: tool)
    record.requests = requests
    record.inputTokens = tokens
    record.suggestionsShown = shown
    record.suggestionsAccepted = accepted
    return record
}

final class AdoptionTests: XCTestCase {
    func teamRows(_ team: String, people: Int, prefix: String) -> [UsageRecord] {
        (0..<people).map { row("2026-01-05", "\(prefix)\($0)", team) }
    }

    func testAdoptionAndSmallGroupsLeftOutOfTheCorrelation() throws {
        let rows = teamRows("A", people: 6, prefix: "a") + teamRows("B", people: 5, prefix: "b") + teamRows("C", people: 2, prefix: "c")
        let result = try model(rows: rows, headcount: ["A": 8, "B": 5, "C": 2])
        XCTAssertEqual(result.org.activeUsers, 13)
        XCTAssertEqual(result.org.headcount, 15)
        XCTAssertEqual(result.org.adoptionRate!, 13.0 / 15.0, accuracy: 1e-12)
        let teams = Dictionary(uniqueKeysWithValues: result.teams.map { ($0.team, $0) })
        XCTAssertEqual(teams["A"]!.adoptionRate!, 0.75, accuracy: 1e-12)
        // The model holds every team; the disclosure stage decides what is published.
        XCTAssertEqual(teams["C"]!.activeUsers, 2)
        XCTAssertTrue(teams["C"]!.belowFloorHeadcount)
        XCTAssertEqual(teams["C"]!.contributors.people, 2)
        // No group below the floor feeds the correlation.
        XCTAssertFalse(result.teamWeeks.contains { $0.team == "C" })
    }

    func testRatesAreRatiosOfSumsNotMeansOfRates() throws {
        var rows = (0..<5).map { row("2026-01-05", "u\($0)", "A", shown: 10, accepted: 1) }
        rows[0] = row("2026-01-05", "u0", "A", shown: 100, accepted: 50)
        let result = try model(rows: rows, headcount: ["A": 5])
        // (50 + 4 × 1) ÷ (100 + 4 × 10) = 54 ÷ 140, not the mean of the rates (0.18).
        XCTAssertEqual(result.org.acceptanceRate!, 54.0 / 140.0, accuracy: 1e-12)
    }

    func testAPersonIsActiveOnlyWithSomeUse() throws {
        let rows = (0..<5).map { row("2026-01-05", "u\($0)", "A") } + [
            row("2026-01-05", "idle", "A", requests: 0, tokens: 0),                  // a placeholder row
            row("2026-01-06", "shown", "A", requests: 0, tokens: 0, shown: 4, accepted: 1),  // completions only
        ]
        let result = try model(rows: rows, headcount: ["A": 10])
        XCTAssertEqual(result.org.activeUsers, 6)
        XCTAssertEqual(result.teams.first?.activeUsers, 6)
    }

    /// A cost export's cost-only rows price the tool as a whole; usage rows of a tool without
    /// prices or cost rows leave the cost a lower bound.
    func testCostOnlyRowsPriceTheirToolAsAWhole() throws {
        var rows = (0..<5).map { row("2026-01-05", "u\($0)", "A", tool: "openai-api") }
        rows += (0..<5).map { row("2026-01-05", "v\($0)", "A", tool: "unpriced") }
        var cost = UsageRecord(day: Day(parsing: "2026-01-05")!, user: nil, team: "A", tool: "openai-api")
        cost.activeUsers = 0
        cost.costUSD = 2.5
        rows.append(cost)
        let result = try model(rows: rows, headcount: ["A": 10])
        XCTAssertEqual(result.coverage.toolsWithoutPrices, ["unpriced"])
        XCTAssertEqual(result.org.costUSD, 2.5, accuracy: 1e-9)
        XCTAssertEqual(result.org.costCoverage!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(result.tools.first { $0.tool == "openai-api" }?.priced, true)
        XCTAssertEqual(result.tools.first { $0.tool == "unpriced" }?.priced, false)
        XCTAssertEqual(result.org.activeUsers, 10)
    }

    func testMoreActivePeopleThanHeadcountFailsNamingTheInput() {
        let rows = teamRows("A", people: 7, prefix: "a")
        XCTAssertThrowsError(try model(rows: rows, headcount: ["A": 5])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("data/headcount.csv:2: error: team \"A\" has 7 active people"), text)
        }
    }

    /// A team missing from data/headcount.csv still counts: with the people seen in it.
    func testTeamsWithoutHeadcountCountTheirPeopleInTheOrganisation() throws {
        let rows = teamRows("A", people: 6, prefix: "a") + teamRows("B", people: 4, prefix: "b")
        let result = try model(rows: rows, headcount: ["A": 10])
        XCTAssertEqual(result.org.headcount, 14)
        XCTAssertEqual(result.org.adoptionRate!, 10.0 / 14.0, accuracy: 1e-12)
        XCTAssertTrue(result.org.adoptionDenominator.contains("1 team without one"), result.org.adoptionDenominator)
    }

    func testNoHeadcountUsesPeopleSeenAndSaysSo() throws {
        let result = try model(rows: teamRows("A", people: 6, prefix: "a"))
        XCTAssertEqual(result.org.adoptionRate, 1)
        XCTAssertTrue(result.org.adoptionDenominator.contains("no headcount"))
        XCTAssertEqual(result.coverage.teamsWithoutHeadcount, ["A"])
    }

    func testQuadrantsAreDescriptiveAndUnclearWhenTheIntervalHoldsTheMedian() throws {
        // Five teams of five over eight weeks. Usage per head per week: 100, 100, 400, 400, 250;
        // value per head: 4, 1, 4, 1, and the median team T sits on both medians.
        let usage: [String: Int64] = ["P": 100, "Q": 100, "R": 400, "S": 400, "T": 250]
        let value: [String: Double] = ["P": 4, "Q": 1, "R": 4, "S": 1, "T": 2.5]
        var rows: [UsageRecord] = []
        var outcomes: [(String, String, Double)] = []
        for week in 0..<8 {
            let day = (Day(parsing: "2026-01-05")! + 7 * week).description
            for (team, tokens) in usage {
                for person in 0..<5 { rows.append(row(day, "\(team)\(person)", team, tokens: tokens + Int64(week % 3))) }
                outcomes.append((team, Day(parsing: day)!.week.description, 5 * value[team]! + Double(week % 2) * 0.5))
            }
        }
        let result = try model(rows: rows, headcount: ["P": 5, "Q": 5, "R": 5, "S": 5, "T": 5], outcomes: outcomes)
        let quadrant = Dictionary(uniqueKeysWithValues: result.teams.map { ($0.team, $0.quadrant) })
        XCTAssertEqual(quadrant, ["P": .lowUsageHighValue, "Q": .lowUsageLowValue, "R": .highUsageHighValue, "S": .highUsageLowValue, "T": .unclear])
        XCTAssertEqual(Quadrant.highUsageLowValue.rawValue, "high usage, low value")
        let cut = try XCTUnwrap(result.quadrantCut)
        // The median team's mean over the seven full weeks (the eighth is cut by the period's end).
        XCTAssertEqual(cut.usage, 250 + Double(0 + 1 + 2 + 0 + 1 + 2 + 0) / 7, accuracy: 1e-9)
    }

    func testReviewSpikeScoresTheRatioAndKeepsItsEvidence() throws {
        // 5 people, 10 tokens a day each for 5 weeks, then 4× in the 7 days before 2026-02-16.
        var rows: [UsageRecord] = []
        let start = Day(parsing: "2026-01-05")!
        for offset in 0..<42 {
            let day = start + offset
            let spike = offset >= 35 && offset < 42
            for person in 0..<5 { rows.append(row(day.description, "u\(person)", "A", tokens: spike ? 40 : 10)) }
        }
        let result = try model(rows: rows, headcount: ["A": 5]) { config in
            config.reviewDates = [Day(parsing: "2026-02-16")!]
        }
        let signal = result.teams[0].inflation.signals.first { $0.name == "review_spike" }!
        // One team has no other team to be compared with: the evidence stands, the test abstains.
        XCTAssertNil(signal.value)
        XCTAssertFalse(result.teams[0].inflation.flagged)
        XCTAssertEqual(signal.evidence, "usage in the 7 days before 16 Feb 2026 was 4.0× its baseline of the 28 days before")
    }

    func testSameRowsInAnyOrderGiveTheSameFigures() throws {
        var rows: [UsageRecord] = []
        for person in 0..<12 {
            for offset in 0..<30 where (person + offset) % 3 != 0 {
                var record = row((Day(parsing: "2026-01-05")! + offset).description, "u\(person)", person < 6 ? "A" : "B",
                                 tool: offset % 2 == 0 ? "copilot" : "cursor", requests: Int64(person + 1), tokens: Int64(offset * 7 + person))
                record.costUSD = Double(offset) * 0.013
                rows.append(record)
            }
        }
        let outcomes = [("A", "2026-W02", 3.3), ("A", "2026-W03", 1.1), ("B", "2026-W02", 2.2), ("B", "2026-W03", 7.7), ("A", "2026-W02", 0.1)]
        let first = try model(rows: rows, headcount: ["A": 6, "B": 6], outcomes: outcomes)
        let second = try model(rows: rows.reversed(), headcount: ["A": 6, "B": 6], outcomes: outcomes.reversed())
        XCTAssertEqual(first.org.costUSD, second.org.costUSD)
        XCTAssertEqual(first.org.value, second.org.value)
        XCTAssertEqual(first.correlation.spearman, second.correlation.spearman)
        XCTAssertEqual(first.org.intensity.tokens, second.org.intensity.tokens)
        XCTAssertEqual(first.teams.map(\.inflation.index), second.teams.map(\.inflation.index))
        XCTAssertEqual(first.tools.map(\.retention.sustained), second.tools.map(\.retention.sustained))
    }

    func testRetentionFunnel() throws {
        // u0: one day only (tried); u1: two weeks (returned); u2..u4: every week (sustained).
        var rows = [row("2026-01-05", "u0", "A")]
        rows += [row("2026-01-05", "u1", "A"), row("2026-01-13", "u1", "A")]
        for person in 2..<5 {
            for week in 0..<6 { rows.append(row((Day(parsing: "2026-01-05")! + week * 7 + 1).description, "u\(person)", "A")) }
        }
        let result = try model(rows: rows, headcount: ["A": 5]) { config in
            config.periodFrom = Day(parsing: "2026-01-05")
            config.periodTo = Day(parsing: "2026-02-15")
        }
        let funnel = result.tools[0].retention
        XCTAssertEqual([funnel.tried, funnel.returned, funnel.sustained], [5, 4, 3])
        XCTAssertEqual([funnel.eligibleReturned, funnel.eligibleSustained], [5, 5])
        XCTAssertEqual(funnel.medianDaysToSecondUse, 7)  // gaps: 8, 7, 7, 7; u0 censored at 41
    }

    /// People who start late cannot have returned or been sustained yet: they are censored, not lost.
    func testRetentionCensorsLateStarters() throws {
        var rows = [row("2026-01-05", "u0", "A")]
        for person in 1..<5 {
            for week in 0..<6 { rows.append(row((Day(parsing: "2026-01-06")! + week * 7).description, "u\(person)", "A")) }
        }
        rows += [row("2026-01-26", "late", "A"), row("2026-02-03", "late", "A")]  // 21 days observed: may return, too short to sustain
        rows += [row("2026-02-10", "new", "A")]                                      // 6 days observed: neither
        let result = try model(rows: rows, headcount: ["A": 8]) { config in
            config.periodFrom = Day(parsing: "2026-01-05")
            config.periodTo = Day(parsing: "2026-02-15")
        }
        let funnel = result.tools[0].retention
        XCTAssertEqual(funnel.tried, 7)
        XCTAssertEqual([funnel.returned, funnel.eligibleReturned], [5, 6])   // "new" is not counted as lost
        XCTAssertEqual([funnel.sustained, funnel.eligibleSustained], [4, 5]) // nor is "late"
    }
}

final class OverflowTests: XCTestCase {
    /// Totals that 64-bit counters could not hold fail the analysis naming the usage data.
    func testTotalsBeyondTheCountersFailTheBuild() throws {
        var config = ReportConfig()
        config.valueMetric = "prs"
        let inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
        var aggregate = UsageAggregate(config: config, tools: [])
        aggregate.add(row("2026-01-05", "u", "A"))
        aggregate.shadowTotal = 5e18
        XCTAssertThrowsError(try Analyzer.analyze(aggregate, inputs: inputs, usage: UsageSummary())) { error in
            XCTAssertTrue("\(error)".contains("exceed 4.6 × 10^18"), "\(error)")
        }
        XCTAssertEqual(UsageAggregate.micros(.infinity), 0)
        XCTAssertEqual(UsageAggregate.micros(1e300), 4_000_000_000_000_000_000)
    }
}

final class ClimateTests: XCTestCase {
    /// Fresh input, output and cached input at their own factors; CO₂e low with low, high with high.
    func testEnergyIsPricedPerTokenTypeAsARange() throws {
        var record = row("2026-01-05", "u0", "A", tokens: 10_000)   // 10k input tokens …
        record.cachedTokens = 4_000                                  // … of which 4k cached
        record.outputTokens = 2_000
        let rows = [record] + (1..<5).map { row("2026-01-05", "u\($0)", "A", tokens: 0) }
        let result = try model(rows: rows, headcount: ["A": 5]) { config in
            config.whPer1kInput = .init(low: 0.2, high: 0.4)
            config.whPer1kOutput = .init(low: 0.6, high: 6)
            config.whPer1kCached = .init(low: 0.02, high: 0.04)
            config.gridGramsCO2ePerKWh = .init(low: 100, high: 700)
        }
        // low: 6 × 0.2 + 2 × 0.6 + 4 × 0.02 = 2.48 Wh; high: 6 × 0.4 + 2 × 6 + 4 × 0.04 = 14.56 Wh.
        XCTAssertEqual(result.org.energyKWh.low, 2.48e-3, accuracy: 1e-12)
        XCTAssertEqual(result.org.energyKWh.high, 14.56e-3, accuracy: 1e-12)
        XCTAssertEqual(result.org.co2eKg.low, 2.48e-3 * 100 / 1000, accuracy: 1e-12)
        XCTAssertEqual(result.org.co2eKg.high, 14.56e-3 * 700 / 1000, accuracy: 1e-12)
    }
}

final class CostRangeTests: XCTestCase {
    /// List prices at the high end; cached input at its cache-read price at the low end; seat
    /// licences at both ends, for the months of the period.
    func testCachedInputAndSeatsMakeTheCostARange() throws {
        var config = ReportConfig()
        config.valueMetric = "prs"
        config.periodFrom = Day(parsing: "2026-01-05")
        config.periodTo = Day(parsing: "2026-02-03")   // 30 days
        config.prices = ["chat": .init(inputPer1k: 0.003, outputPer1k: 0.015, cachedPer1k: 0.0003),
                         "copilot": .init(inputPer1k: 0, outputPer1k: 0, perSeatMonth: 19)]
        var inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
        inputs.headcount = [HeadcountEntry(team: "A", headcount: 6, from: nil, line: 2)]
        inputs.outcomes = [OutcomeRecord(week: Week(parsing: "2026-W02")!, team: "A", metric: "prs", value: 10, line: 2)]
        var aggregate = UsageAggregate(config: config, tools: [])
        for person in 0..<5 {
            var record = row("2026-01-05", "u\(person)", "A", tool: "chat", tokens: 100_000)  // 100k input …
            record.cachedTokens = 60_000                                                     // … 60k of it cached
            record.outputTokens = 10_000
            aggregate.add(record)
            aggregate.add(row("2026-01-06", "u\(person)", "A", tool: "copilot", tokens: 5_000))
        }
        var usage = UsageSummary()
        usage.seats = ["copilot": 8]
        let result = try Analyzer.analyze(aggregate, inputs: inputs, usage: usage)
        // Per person: 100 × 0.003 + 10 × 0.015 = $0.45 at list; the 60k cached save 60 × 0.0027 = $0.162.
        let seats = 8 * 19 * 30 / (365.25 / 12)
        XCTAssertEqual(result.org.costUSD, 5 * 0.45, accuracy: 1e-6)
        XCTAssertEqual(result.org.seatCostUSD, seats, accuracy: 1e-9)
        XCTAssertEqual(result.org.costRange.high, 5 * 0.45 + seats, accuracy: 1e-6)
        XCTAssertEqual(result.org.costRange.low, 5 * (0.45 - 0.162) + seats, accuracy: 1e-6)
        let copilot = try XCTUnwrap(result.tools.first { $0.tool == "copilot" })
        XCTAssertEqual(copilot.costUSD, 0)                          // priced by the seat, not the token
        XCTAssertEqual(copilot.costRange.low, seats, accuracy: 1e-9)
        XCTAssertEqual(result.org.costPerValueRange!.high, (5 * 0.45 + seats) / 10, accuracy: 1e-6)
        XCTAssertEqual(result.teams[0].costRange.high, 5 * 0.45, accuracy: 1e-6)  // teams: usage only
    }

    /// Sprawl counts each person once, each tool of theirs once (whatever the teams they used
    /// it in), and a person as overlapping when two of their tools share a capability.
    func testSprawlCountsPeopleToolsAndOverlapsOnce() throws {
        let config = ReportConfig()
        let tools = [ToolInfo(tool: "chat", capability: "chat"), ToolInfo(tool: "assistant", capability: "chat"),
                     ToolInfo(tool: "complete", capability: "completion")]
        var inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
        inputs.tools = tools
        var aggregate = UsageAggregate(config: config, tools: tools)
        aggregate.add(row("2026-01-07", "both-chats", "A", tool: "chat"))
        aggregate.add(row("2026-01-08", "both-chats", "A", tool: "assistant"))
        aggregate.add(row("2026-01-07", "two-teams", "A", tool: "chat"))
        aggregate.add(row("2026-01-08", "two-teams", "B", tool: "chat"))
        aggregate.add(row("2026-01-09", "two-teams", "B", tool: "complete"))
        aggregate.add(row("2026-01-07", "one", "B", tool: "complete"))
        aggregate.add(row("2026-01-07", "one-more", "B", tool: "chat"))
        let sprawl = try Analyzer.analyze(aggregate, inputs: inputs, usage: UsageSummary()).sprawl
        XCTAssertEqual(sprawl.peopleUsingTools, 4)
        XCTAssertEqual(sprawl.peopleWithOverlappingTools, 1)
        XCTAssertEqual(sprawl.medianToolsPerPerson, 1.5)  // of 2, 2, 1, 1
    }

    /// A tool the company pays seats for and nobody uses is listed, with its licence cost, and
    /// that cost joins the organisation's range (it used to vanish with the tool).
    func testSeatsWithoutUsageAreStillCost() throws {
        var config = ReportConfig()
        config.periodFrom = Day(parsing: "2026-01-05")
        config.periodTo = Day(parsing: "2026-02-03")   // 30 days
        let tools = [ToolInfo(tool: "chat", capability: "chat", priceInPer1k: 0.001, priceOutPer1k: 0.002),
                     ToolInfo(tool: "shelfware", capability: "chat", pricePerSeatMonth: 60)]
        var inputs = ReportInputs(folder: "/tmp", config: config, configSHA256: "")
        inputs.tools = tools
        var aggregate = UsageAggregate(config: config, tools: tools)
        for person in 0..<6 { aggregate.add(row("2026-01-07", "u\(person)", "A", tool: "chat", tokens: 1_000)) }
        var usage = UsageSummary()
        usage.seats = ["shelfware": 20]
        let result = try Analyzer.analyze(aggregate, inputs: inputs, usage: usage)
        let seatCost = 20 * 60 * 30 / (365.25 / 12)
        let shelfware = try XCTUnwrap(result.tools.first { $0.tool == "shelfware" })
        XCTAssertEqual(shelfware.activeUsers, 0)
        XCTAssertEqual(shelfware.seats, 20)
        XCTAssertEqual(shelfware.seatCostUSD, seatCost, accuracy: 1e-9)
        XCTAssertEqual(shelfware.costRange.high, seatCost, accuracy: 1e-9)
        XCTAssertEqual(result.org.seatCostUSD, seatCost, accuracy: 1e-9)
        XCTAssertEqual(result.org.costRange.high, result.org.costUSD + seatCost, accuracy: 1e-9)
        XCTAssertEqual(result.tools.map(\.tool), ["chat", "shelfware"])
    }
}

final class SentimentTests: XCTestCase {
    /// 100 feedback sentences labelled by hand (Fixtures/sentiment_labelled.tsv, written for
    /// this test, not tuned on the scorer's output). The lexicon-only scorer this replaced got
    /// 62 of them right.
    func testLabelledFeedbackSentences() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sentiment_labelled.tsv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 100)
        var right = 0
        var wrong: [String] = []
        for line in lines {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            let expected = ["negative": -1, "neutral": 0, "positive": 1][parts[0]]!
            if Sentiment.label(parts[1]) == expected { right += 1 } else { wrong.append("\(parts[0]): \(parts[1])") }
        }
        print("sentiment: \(right) of 100 labelled sentences right")
        XCTAssertGreaterThanOrEqual(right, 85, "wrong:\n" + wrong.joined(separator: "\n"))
    }

    func testNegationIntensityAndContrast() {
        XCTAssertEqual(Sentiment.label("the bot inflates our numbers… look busy, not productive"), -1)
        XCTAssertEqual(Sentiment.label("nobody showed us how"), -1)
        XCTAssertEqual(Sentiment.label("not bad at all"), 1)
        XCTAssertEqual(Sentiment.label("helpful but slow"), -1)
        XCTAssertEqual(Sentiment.label("slow but helpful"), 1)
        XCTAssertGreaterThan(Sentiment.score("very helpful"), Sentiment.score("helpful"))
        XCTAssertEqual(Sentiment.label("we use it for SQL"), 0)
    }

    /// ASCII text is split into words from its bytes; any other text by characters. Both give
    /// the same words: ASCII text with a non-ASCII word after it (read by characters) gives the
    /// ASCII text's words, then that word.
    func testASCIIWordsAreTheWordsOfCharacters() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["Don't", "SAVES", "time", "it's", "'quoted'", "x2", "a-b", "\r\n", "\t", "...", "Hit", "and", "MISS", "@", "_", "`", "{", "[", "~", " "]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? " " : "")
            XCTAssertEqual(Sentiment.words(text), Array(Sentiment.words(text + " é").dropLast()), text)
            XCTAssertEqual(Sentiment.words(text + " é").last, "é")
        }
    }
}

final class InflationTestTests: XCTestCase {
    /// Twenty ordinary teams and three special ones over twelve weeks, a review on 2026-03-23.
    /// Spike: a 12× usage spike in the week before the review, nothing else (distinct prompts,
    /// not automated). Agent: a CI agent whose volume grows with the team's merged work.
    /// Heavy: three times the usage and three times the value, every week.
    func organisation() throws -> ReportModel {
        var generator = SplitMix64(seed: 42)
        var rows: [UsageRecord] = []
        var outcomes: [(String, String, Double)] = []
        let start = Day(parsing: "2026-01-05")!
        let review = Day(parsing: "2026-03-23")!
        let teams = (0..<20).map { "Team \($0)" } + ["Spike", "Agent", "Heavy"]
        for team in teams {
            for offset in 0..<84 {
                let day = start + offset
                guard day.weekday <= 5 else { continue }
                let beforeReview = day < review && review - day <= 7
                for person in 0..<8 {
                    var tokens = 800 + Int64(generator.below(400))
                    if team == "Spike" && beforeReview { tokens *= 12 }
                    if team == "Heavy" { tokens *= 3 }
                    var record = row(day.description, "\(team)-\(person)", team, requests: 5, tokens: tokens,
                                     shown: 20, accepted: 5 + Int64(generator.below(3)))
                    record.promptHash = "\(team)-\(person)-\(offset)"
                    rows.append(record)
                }
                if team == "Agent" {
                    var agent = row(day.description, "\(team)-ci", team, tool: "agent", requests: 50, tokens: 2000 * Int64(1 + offset / 7))
                    agent.automated = true
                    rows.append(agent)
                }
            }
            for week in 0..<12 {
                let level = team == "Heavy" ? 30.0 : team == "Agent" ? 8.0 + Double(week) : 10.0
                outcomes.append((team, (start + 7 * week).week.description, level + Double(generator.below(3))))
            }
        }
        return try model(rows: rows, headcount: Dictionary(uniqueKeysWithValues: teams.map { ($0, 10) }), outcomes: outcomes) { config in
            config.reviewDates = [review]
        }
    }

    func testOneStrongSignalFlagsAndVolumeOrALegitimateAgentDoesNot() throws {
        let result = try organisation()
        let flagged = Set(result.teams.filter(\.inflation.flagged).map(\.team))
        XCTAssertEqual(flagged, ["Spike"], "flagged: \(flagged); " + result.teams.filter(\.inflation.flagged).flatMap { $0.inflation.signals.map { "\($0.name)=\($0.value ?? -1): \($0.evidence)" } }.joined(separator: " | "))
        let agent = try XCTUnwrap(result.teams.first { $0.team == "Agent" })
        let automation = try XCTUnwrap(agent.inflation.signals.first { $0.name == "automation_share" })
        XCTAssertNil(automation.value)
        XCTAssertTrue(automation.evidence.contains("counted as automation, not inflation"), automation.evidence)
        let spike = try XCTUnwrap(result.teams.first { $0.team == "Spike" }).inflation.signals.first { $0.name == "review_spike" }
        XCTAssertTrue(spike?.evidence.contains("11.9× its baseline") ?? false, spike?.evidence ?? "")  // 12× on weekdays, 5 of its 7 days
    }
}

/// The pairs of teams most alike in their tools are the first of the whole list sorted the
/// way report.json sorts it, however many tie at the limit, and the count is every pair's.
final class TeamOverlapTests: XCTestCase {
    func testTheMostAlikePairsAreTheWholeSortedListsFirst() {
        var random = SplitMix64(seed: 42)
        func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        for round in 0..<40 {
            let teams = (0..<(2 + below(30))).map { "team \($0)" }
            var tools: [String: [String]] = [:]
            for team in teams where below(10) > 0 { tools[team] = Set((0..<below(5)).map { _ in "tool \(below(6))" }).sorted() }
            // The whole list, as the analysis made it before it was bounded.
            var all: [TeamOverlap] = []
            let sorted = teams.sorted()
            for i in sorted.indices {
                for j in sorted.indices where j > i {
                    let a = Set(tools[sorted[i]] ?? []), b = Set(tools[sorted[j]] ?? [])
                    let union = a.union(b).count
                    if union > 0 { all.append(TeamOverlap(a: sorted[i], b: sorted[j], jaccard: Double(a.intersection(b).count) / Double(union))) }
                }
            }
            all.sort { ($0.jaccard, $1.a) > ($1.jaccard, $0.a) }
            let limit = [1, 5, 17, 1000][round % 4]
            let (pairs, count) = TeamOverlap.mostAlike(teams.reversed(), tools: tools, limit: limit)
            XCTAssertEqual(count, all.count)
            XCTAssertEqual(pairs, Array(all.prefix(limit)), "round \(round)")
        }
    }
}

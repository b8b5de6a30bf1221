import Dataset
import Foundation
import Stats

/// The inflation test (DESIGN §4). Each signal is first measured for every team against the
/// organisation (raw, in its own unit, with the evidence in words); then standardised against
/// the other teams with a robust z-score (median and 1.4826 × MAD), which removes what every
/// team shares — a rollout, an organisation-wide spike before a review, one tool's low
/// acceptance; then turned into a one-sided p-value (normal approximation). A team's p-value is
/// the weighted Bonferroni minimum over the signals it has (min pᵢ · W ÷ wᵢ): one strong signal
/// can flag a team, and a signal that cannot be computed neither helps nor dilutes. Teams are
/// flagged by Benjamini–Hochberg at the configured false-discovery rate. A flag is a risk to
/// look at, not a verdict; no signal measures volume itself.
struct RawSignals {
    /// Signal name → raw value (larger = more like inflation) and its evidence; nil value when
    /// it cannot be computed for the team.
    var values: [String: Double] = [:]
    var evidence: [String: String] = [:]
}

extension Context {
    /// The least spread each signal is standardised by, in its own unit.
    static let minimumSpread: [String: Double] = [
        "decoupling": 0.25, "review_spike": 0.25, "low_value_share": 0.05, "low_acceptance": 0.05,
        "repetition": 0.1, "automation_share": 0.05, "concentration": 0.05,
    ]

    func rawSignals(team: String, totals: Totals, teamWeekCells: [Week: TeamWeekCell], orgToolAcceptance: [Int32: Double],
                    userTokens: [Double], regularUsers: Set<Int32>, people: Set<Int32>) -> RawSignals {
        var raw = RawSignals()
        func add(_ name: String, _ value: Double?, _ evidence: String) {
            if let value, value.isFinite { raw.values[name] = value }
            raw.evidence[name] = evidence
        }
        let full = weeks.filter { !isPartial($0) }

        // Declared automation whose volume moves with value is automation, not inflation: the
        // weekly rank correlation of automated tokens and value, over ≥ 8 weeks with both.
        var legitimateAutomation: (rho: Double, weeks: Int)?
        if let teamValues = values[team] {
            let paired = full.compactMap { week -> (Double, Double)? in
                guard let cell = teamWeekCells[week], cell.totals.automatedTokens > 0, let value = teamValues[week] else { return nil }
                return (Double(cell.totals.automatedTokens), value)
            }
            if paired.count >= 8, let rho = spearman(paired.map(\.0), paired.map(\.1)), rho >= 0.5 {
                legitimateAutomation = (rho, paired.count)
            }
        }

        // Decoupling: growth of usage per head against growth of value per head, first half of
        // the full weeks against the second: ln(U₂/U₁) − ln(V₂/V₁).
        if full.count >= 4, let teamValues = values[team] {
            let half = full.count / 2
            let first = full.prefix(half), second = full.suffix(full.count - half)
            func perHead(_ slice: ArraySlice<Week>, _ amount: (Week) -> Double) -> Double {
                slice.reduce(0) { sum, week in
                    let heads = Double(headcounts.at(team, week.sunday) ?? 1)
                    return sum + amount(week) / max(heads, 1)
                } / Double(slice.count)
            }
            // With legitimate automation, usage growth is that of people, not of the agent.
            func usage(_ week: Week) -> Double {
                let cell = teamWeekCells[week]?.totals
                return Double((cell?.tokens ?? 0) - (legitimateAutomation == nil ? 0 : cell?.automatedTokens ?? 0))
            }
            let u1 = perHead(first, usage)
            let u2 = perHead(second, usage)
            let v1 = perHead(first) { teamValues[$0] ?? 0 }
            let v2 = perHead(second) { teamValues[$0] ?? 0 }
            if u1 > 0, u2 > 0, v1 + v2 > 0 {
                let usageGrowth = log(u2 / u1)
                let valueGrowth = log((v2 + 1e-9) / (v1 + 1e-9))
                add("decoupling", usageGrowth - max(-5, min(5, valueGrowth)),
                    "\(legitimateAutomation == nil ? "" : "people's ")usage per head changed \(percentChange(u2 / u1)) from the first to the second half of the period; value per head changed \(v1 > 0 ? percentChange(v2 / v1) : "from none")")
            } else {
                add("decoupling", nil, "not enough usage or value in both halves of the period")
            }
        } else {
            add("decoupling", nil, values[team] == nil ? "no outcome data for this team" : "fewer than four full weeks")
        }

        // Review spike: mean daily tokens in the N days before each review date against the
        // mean of the 28 days before that window; the largest ratio, as ln(ratio).
        let window = config.reviewWindowDays
        var worst: (ratio: Double, date: Day)?
        if let id = aggregate.teams.lookup(team) {
            for date in config.reviewDates where date + (-1) <= to {  // the window ends the day before the review
                let windowStart = date + (-window)
                let baselineStart = windowStart + (-28)
                guard baselineStart >= from else { continue }
                func mean(_ start: Day, _ days: Int) -> Double {
                    var sum: Int64 = 0
                    for offset in 0..<days { sum += aggregate.teamDays[UsageAggregate.key(id, (start + offset).index)] ?? 0 }
                    return Double(sum) / Double(days)
                }
                let baseline = mean(baselineStart, 28)
                guard baseline > 0 else { continue }
                let ratio = mean(windowStart, window) / baseline
                if worst == nil || ratio > worst!.ratio { worst = (ratio, date) }
            }
        }
        if let worst {
            add("review_spike", log(max(worst.ratio, 1e-6)),
                "usage in the \(window) days before \(worst.date.readable) was \(String(format: "%.1f", worst.ratio))× its baseline of the 28 days before")
        } else {
            add("review_spike", nil, config.reviewDates.isEmpty ? "no review dates configured" : "no review date with 28 days of baseline in the period")
        }

        // Low-value share: tokens in categories marked low-value.
        if config.lowValueCategories.isEmpty {
            add("low_value_share", nil, "no low-value categories configured")
        } else if totals.tokens > 0 {
            let share = Double(totals.lowValueTokens) / Double(totals.tokens)
            add("low_value_share", share, "\(NumberFormat.percent.format(share)) of tokens went to \(config.lowValueCategories.map { $0.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ") }.joined(separator: ", "))")
        } else {
            add("low_value_share", nil, "no tokens")
        }

        // Low acceptance, within tool: the acceptance the team would have at the organisation's
        // rate for each tool it uses (weighted by its suggestions shown), less its own.
        if let id = aggregate.teams.lookup(team), let rate = ratio(totals.accepted, totals.shown) {
            var expected = 0.0, shown = 0.0
            for (tool, orgRate) in orgToolAcceptance {
                guard let cell = aggregate.teamTools[UsageAggregate.key(id, tool)], cell.shown > 0 else { continue }
                expected += orgRate * Double(cell.shown)
                shown += Double(cell.shown)
            }
            if shown > 0 {
                let baseline = expected / shown
                add("low_acceptance", baseline - rate,
                    "accepted \(NumberFormat.percent.format(rate)) of \(groupThousands(totals.shown)) suggestions; the organisation accepts \(NumberFormat.percent.format(baseline)) with the same tools")
            } else {
                add("low_acceptance", nil, "no suggestions shown")
            }
        } else {
            add("low_acceptance", nil, "no suggestions shown")
        }

        // Repetition: the larger of the share of prompts that repeat an earlier prompt of the
        // same person, and the share of the team's people whose daily volume is machine-regular
        // (≥ 10 active days, coefficient of variation of daily requests below 0.1).
        let repeated = aggregate.teams.lookup(team).flatMap { aggregate.teamPrompts[$0]?.repeatedShare }
        let regular = people.isEmpty ? nil : Double(people.intersection(regularUsers).count) / Double(people.count)
        if repeated != nil || regular != nil {
            var parts: [String] = []
            if let repeated { parts.append("\(NumberFormat.percent.format(repeated)) of prompts repeated an earlier prompt of the same person") }
            if let regular, regular > 0 { parts.append("\(people.intersection(regularUsers).count) of \(people.count) people had machine-regular daily volume (\(NumberFormat.percent.format(regular)))") }
            if parts.isEmpty { parts.append("no repeated prompts and no machine-regular daily volume") }
            add("repetition", max(repeated ?? 0, regular ?? 0), parts.joined(separator: "; "))
        } else {
            add("repetition", nil, "no prompt hashes and no per-person rows")
        }

        // Automation share: tokens from calls made by scripts or agents, unless their volume
        // moves with the team's value.
        if let legitimate = legitimateAutomation {
            add("automation_share", nil, "\(NumberFormat.percent.format(Double(totals.automatedTokens) / Double(max(totals.tokens, 1)))) of tokens came from declared automation whose volume moves with value (weekly rank correlation \(String(format: "%.2f", legitimate.rho)) over \(legitimate.weeks) weeks): counted as automation, not inflation")
        } else if totals.tokens > 0 {
            let share = Double(totals.automatedTokens) / Double(totals.tokens)
            add("automation_share", share, "\(NumberFormat.percent.format(share)) of tokens came from automated calls")
        } else {
            add("automation_share", nil, "no tokens")
        }

        // Concentration: the Gini of tokens across the team's people (compared with other
        // teams' when standardised).
        if legitimateAutomation != nil {
            add("concentration", nil, "declared automation holds much of the team's tokens under one account: not scored")
        } else if let teamGini = gini(userTokens) {
            add("concentration", teamGini,
                "Gini of tokens across people \(String(format: "%.2f", teamGini)); the top 10 % used \(NumberFormat.percent.format(topShare(userTokens) ?? 0))")
        } else {
            add("concentration", nil, "not available without per-person rows")
        }
        return raw
    }

    /// Standardises every signal across the `family` (teams about enough people), combines
    /// each team's signals, and flags by Benjamini–Hochberg.
    func inflationTest(_ raw: [String: RawSignals], family: [String]) -> [String: Inflation] {
        var z: [String: [String: Double]] = [:]
        for name in ReportConfig.signalNames {
            let reference = family.compactMap { raw[$0]?.values[name] }
            guard reference.count >= 3, let middle = median(reference) else { continue }
            // The spread is never taken below a floor of practical size: teams alike to the last
            // decimal would otherwise make a small difference look extreme.
            let spread = (median(reference.map { abs($0 - middle) }) ?? 0) * 1.4826
            let scale = max(spread, Self.minimumSpread[name] ?? 0)
            for (team, signals) in raw {
                guard let value = signals.values[name] else { continue }
                z[team, default: [:]][name] = scale > 0 ? (value - middle) / scale : 0
            }
        }
        var combined: [String: Double] = [:]
        var result: [String: Inflation] = [:]
        for (team, signals) in raw {
            var list: [Signal] = []
            var weights = 0.0
            var pValues: [(p: Double, weight: Double)] = []
            for name in ReportConfig.signalNames {
                let weight = config.weights[name] ?? 1
                let score = z[team]?[name]
                let p = score.map { 0.5 * erfc($0 / 2.0.squareRoot()) }
                var evidence = signals.evidence[name] ?? "not computed"
                if let score { evidence += String(format: " (%+.1f robust SD from the median team)", score) }
                list.append(Signal(name: name, value: p.map { 1 - $0 }, weight: weight, evidence: evidence))
                if let p, weight > 0 { weights += weight; pValues.append((p, weight)) }
            }
            let p = pValues.map { min(1, $0.p * weights / $0.weight) }.min()
            if let p { combined[team] = p }
            result[team] = Inflation(index: p.map { 1 - $0 }, flagged: false, signals: list)
        }
        // Benjamini–Hochberg over the family: the largest k with p₍ₖ₎ ≤ k q ÷ m; flag p ≤ p₍ₖ₎.
        let tested = family.compactMap { team in combined[team].map { (team, $0) } }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        let m = Double(tested.count)
        var cutoff = -1.0
        for (rank, entry) in tested.enumerated() where entry.1 <= Double(rank + 1) * config.falseDiscoveryRate / m { cutoff = entry.1 }
        for (team, p) in tested where p <= cutoff { result[team]?.flagged = true }
        return result
    }
}

func percentChange(_ factor: Double) -> String {
    let change = (factor - 1) * 100
    return (change >= 0 ? "+" : "−") + groupThousands(Int64(abs(change).rounded())) + "\u{00A0}%"
}

import Dataset
import Foundation
import Stats

/// The inflation signals (DESIGN §4). Each is scaled to 0…1 and keeps its evidence as a
/// sentence; the index is their weighted mean over the signals that could be computed.
/// A flag is a risk to look at, not a verdict. No signal measures volume itself, so a team
/// that uses a lot *and* delivers a lot is not flagged for its volume.
extension Context {
    func inflation(team: String, totals: Totals, teamWeekCells: [Week: TeamWeekCell], orgAcceptance: Double?,
                   orgGini: Double?, userTokens: [Double], regularUsers: Set<Int32>, people: Set<Int32>) -> Inflation {
        var signals: [Signal] = []
        func add(_ name: String, _ value: Double?, _ evidence: String) {
            let clamped = value.map { min(1, max(0, $0)) }
            signals.append(Signal(name: name, value: clamped, weight: config.weights[name] ?? 1, evidence: evidence))
        }

        // Decoupling: growth of usage per head against growth of value per head, first half of
        // the full weeks against the second. s = clamp((ln(U₂/U₁) − ln(V₂/V₁)) / ln 4, 0, 1):
        // usage growing 4× faster than value scores 1.
        let full = weeks.filter { !isPartial($0) }
        if full.count >= 4, let teamValues = values[team] {
            let half = full.count / 2
            let first = full.prefix(half), second = full.suffix(full.count - half)
            func perHead(_ slice: ArraySlice<Week>, _ amount: (Week) -> Double) -> Double {
                slice.reduce(0) { sum, week in
                    let heads = Double(headcounts.at(team, week.sunday) ?? 1)
                    return sum + amount(week) / max(heads, 1)
                } / Double(slice.count)
            }
            let u1 = perHead(first) { Double(teamWeekCells[$0]?.totals.tokens ?? 0) }
            let u2 = perHead(second) { Double(teamWeekCells[$0]?.totals.tokens ?? 0) }
            let v1 = perHead(first) { teamValues[$0] ?? 0 }
            let v2 = perHead(second) { teamValues[$0] ?? 0 }
            if u1 > 0, u2 > 0, v1 + v2 > 0 {
                let usageGrowth = log(u2 / u1)
                let valueGrowth = log((v2 + 1e-9) / (v1 + 1e-9))
                add("decoupling", (usageGrowth - max(-5, min(5, valueGrowth))) / log(4),
                    "usage per head changed \(percentChange(u2 / u1)) from the first to the second half of the period; value per head changed \(v1 > 0 ? percentChange(v2 / v1) : "from none")")
            } else {
                add("decoupling", nil, "not enough usage or value in both halves of the period")
            }
        } else {
            add("decoupling", nil, values[team] == nil ? "no outcome data for this team" : "fewer than four full weeks")
        }

        // Review spike: mean daily tokens in the N days before each review date against the
        // mean of the 28 days before that window. s = clamp((max ratio − 1) / 2, 0, 1): three
        // times the baseline scores 1.
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
            add("review_spike", (worst.ratio - 1) / 2,
                "usage in the \(window) days before \(worst.date.readable) was \(String(format: "%.1f", worst.ratio))× its baseline of the 28 days before")
        } else {
            add("review_spike", nil, config.reviewDates.isEmpty ? "no review dates configured" : "no review date with 28 days of baseline in the period")
        }

        // Low-value share: tokens in categories marked low-value. s = min(1, 2 · share).
        if config.lowValueCategories.isEmpty {
            add("low_value_share", nil, "no low-value categories configured")
        } else if totals.tokens > 0 {
            let share = Double(totals.lowValueTokens) / Double(totals.tokens)
            add("low_value_share", 2 * share, "\(percent(share)) of tokens went to \(config.lowValueCategories.joined(separator: ", "))")
        } else {
            add("low_value_share", nil, "no tokens")
        }

        // Low acceptance: s = clamp((org rate − team rate) / org rate, 0, 1), by count.
        if let orgRate = orgAcceptance, orgRate > 0, let rate = ratio(totals.accepted, totals.shown) {
            add("low_acceptance", (orgRate - rate) / orgRate,
                "accepted \(percent(rate)) of \(grouped(totals.shown)) suggestions against the organisation's \(percent(orgRate))")
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
            if let repeated { parts.append("\(percent(repeated)) of prompts repeated an earlier prompt of the same person") }
            if let regular, regular > 0 { parts.append("\(people.intersection(regularUsers).count) of \(people.count) people had machine-regular daily volume (\(percent(regular)))") }
            if parts.isEmpty { parts.append("no repeated prompts and no machine-regular daily volume") }
            add("repetition", max(repeated ?? 0, regular ?? 0), parts.joined(separator: "; "))
        } else {
            add("repetition", nil, "no prompt hashes and no per-person rows")
        }

        // Automation share: tokens from calls made by scripts or agents. s = min(1, 2 · share).
        if totals.tokens > 0 {
            let share = Double(totals.automatedTokens) / Double(totals.tokens)
            add("automation_share", 2 * share, "\(percent(share)) of tokens came from automated calls")
        } else {
            add("automation_share", nil, "no tokens")
        }

        // Concentration: s = clamp((team Gini − org Gini) / (1 − org Gini), 0, 1).
        if let teamGini = gini(userTokens), let orgGini, orgGini < 1 {
            add("concentration", (teamGini - orgGini) / (1 - orgGini),
                "Gini of tokens across people \(String(format: "%.2f", teamGini)) against the organisation's \(String(format: "%.2f", orgGini)); the top 10 % used \(percent(topShare(userTokens) ?? 0))")
        } else {
            add("concentration", nil, "not available without per-person rows")
        }

        let usable = signals.filter { $0.value != nil && $0.weight > 0 }
        let weightSum = usable.reduce(0) { $0 + $1.weight }
        let index = weightSum > 0 ? usable.reduce(0) { $0 + $1.weight * $1.value! } / weightSum : nil
        return Inflation(index: index, flagged: (index ?? 0) >= config.flagThreshold && index != nil, signals: signals)
    }
}

func percent(_ value: Double) -> String {
    let scaled = value * 100
    return scaled < 10 && scaled != 0 ? String(format: "%.1f %%", scaled) : String(format: "%.0f %%", scaled)
}

/// 296945 → "296,945".
func grouped(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
        result.append(character)
    }
    return (value < 0 ? "−" : "") + result
}

func percentChange(_ factor: Double) -> String {
    let change = (factor - 1) * 100
    return String(format: "%@%.0f %%", change >= 0 ? "+" : "−", abs(change))
}

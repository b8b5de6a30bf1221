import Foundation
import Analysis
import Disclosure
import Charts
import Dataset
import Markdown

/// The report's charts, drawn from the report's figures (no statistic is computed here).
struct ReportCharts {
    let report: PublishedReport

    var weekLabels: [String] { report.weekly.map(\.week.short) }
    var partialLast: Bool { report.weekly.last?.partial ?? false && report.coverage.partialLastWeek != nil }
    var teams: [TeamFigures] { report.publishedTeams.map(\.figures) }

    /// Review dates as fractional week positions.
    var reviewRules: [LineChart.Rule] {
        guard let first = report.weekly.first?.week else { return [] }
        return report.reviewDates.map { date in
            LineChart.Rule(position: Double(date - first.monday) / 7 - 0.5 + 1.0 / 14, label: "review \(date.readable)")
        }
    }

    func adoptionVersusValue() -> Chart? {
        let teams = self.teams.filter { $0.usagePerHeadWeekly != nil && $0.valuePerHeadWeekly != nil }
        guard teams.count >= 2 else { return nil }
        let usage = teams.map { $0.usagePerHeadWeekly!.value }
        var chart = ScatterChart(id: "adoption-vs-value", title: "Adoption versus value, by team",
                                 points: teams.map { ScatterChart.Point(label: $0.team, x: $0.usagePerHeadWeekly!.value, y: $0.valuePerHeadWeekly!.value,
                                                                         labelled: $0.inflation.flagged,
                                                                         className: $0.inflation.flagged ? "flagged" : ($0.quadrant.map { "q-\($0.slug)" })) },
                                 xLabel: "tokens per head per week", yLabel: "\(report.primaryOutcome?.metric.name ?? "value") per head per week")
        chart.cut = report.quadrantCut.map { ($0.usage, $0.value) }
        chart.quadrantNames = ("high usage, high value", "high usage, low value", "low usage, high value", "low usage, low value")
        chart.yFormat = .plain(decimals: 1)
        chart.logX = (usage.max() ?? 1) / max(usage.min() ?? 1, 1) > 50
        chart.note = adoptionValueNote
        return chart.draw()
    }

    /// The between- and within-team figures in words, as the headline states them.
    var adoptionValueNote: String {
        let correlation = report.correlation
        let level = report.correlationLevel
        var parts: [String] = []
        if let rho = correlation.spearman {
            parts.append(String(format: "Between teams: rank correlation %.2f (%@ interval %.2f to %.2f, %@ teams).", rho.value, OutcomeWords.levelText(level), rho.low, rho.high, whole.format(correlation.n)))
        }
        parts.append("Within teams: " + withinSentence(correlation, level: level) + ".")
        let shown = teams.filter { $0.usagePerHeadWeekly != nil && $0.valuePerHeadWeekly != nil }.count
        if correlation.n > shown {
            parts.append("\(whole.format(correlation.n - shown)) of the \(whole.format(correlation.n)) teams behind these figures \(correlation.n - shown == 1 ? "is" : "are") not drawn: withheld to protect smaller groups.")
        }
        let unclear = teams.filter { $0.quadrant == .unclear }.count
        if unclear > 0 { parts.append("\(whole.format(unclear)) team\(unclear == 1 ? "'s" : "s'") position is unclear: its interval holds the median.") }
        return parts.joined(separator: " ")
    }

    func weeklyActive(id: String = "weekly-active", weekly: [WeekRow]? = nil, title: String = "Active people per week") -> Chart {
        var chart = LineChart(id: id, title: title, xLabels: weekLabels,
                              series: [.init(name: "active people", values: (weekly ?? report.weekly).map { $0.cell.shown.map { Double($0.activeUsers) } })], unit: "people")
        chart.area = true
        chart.partialLast = partialLast
        chart.rules = reviewRules
        chart.format = .integer
        return chart.draw()
    }

    func weeklyTokens(id: String = "weekly-tokens", weekly: [WeekRow]? = nil, title: String = "Tokens per week") -> Chart {
        var chart = LineChart(id: id, title: title, xLabels: weekLabels,
                              series: [.init(name: "tokens", values: (weekly ?? report.weekly).map { $0.cell.shown.map { Double($0.tokens) } })], unit: "tokens")
        chart.partialLast = partialLast
        chart.rules = reviewRules
        return chart.draw()
    }

    func inflationRanking() -> Chart {
        var chart = BarChart(id: "inflation-index", title: "Inflation index by team",
                             bars: report.teams.map { entry in
                                 let team = entry.published?.figures
                                 return BarChart.Bar(label: entry.name, values: team.map { [$0.inflation.index ?? 0] }, highlighted: team?.inflation.flagged ?? false)
                             }, unit: "index (0–1)")
        chart.format = .plain(decimals: 2)
        chart.fixedMax = 1
        return chart.draw()
    }

    func themes() -> Chart? {
        guard !report.feedback.themes.isEmpty else { return nil }
        var chart = BarChart(id: "feedback-themes", title: "Themes in employee feedback",
                             bars: report.feedback.themes.map { .init(label: $0.theme.replacingOccurrences(of: "_", with: " "), values: [$0.share]) },
                             unit: "share of \(whole.format(report.feedback.documents)) documents")
        chart.format = .percent
        return chart.draw()
    }

    func scores() -> Chart? {
        guard !report.feedback.scores.isEmpty else { return nil }
        return LikertChart(id: "feedback-scores", title: "Scores (1 to 5)",
                           questions: report.feedback.scores.map { ($0.question.replacingOccurrences(of: "_", with: " "), $0.counts) }).draw()
    }

    func funnel(_ retention: [RetentionEntry], id: String = "retention-funnel") -> Chart? {
        guard !retention.isEmpty else { return nil }
        var chart = BarChart(id: id, title: "Adoption that lasts: tried, returned, sustained",
                             bars: retention.map { entry in
                                 .init(label: entry.name, values: entry.funnel.shown.map { [Double($0.tried), Double($0.returned), Double($0.sustained)] })
                             }, unit: "people")
        chart.layout = .grouped
        chart.partNames = ["tried", "returned", "sustained"]
        chart.format = .integer
        chart.ranked = false
        return chart.draw()
    }

    func sparkline(_ id: String, _ label: String, _ values: [Double?]) -> Chart {
        Sparkline(id: id, label: label, values: values).draw()
    }

    // MARK: Charts declared in commentary

    static let chartTypes = ["line", "area", "bar", "scatter", "histogram"]

    /// The datasets a commentary chart may draw: the published tables, by name, with their
    /// first dimension as label and their numeric measures as columns.
    static let datasets: [String: [String]] = Dictionary(uniqueKeysWithValues: PublishedReport.descriptors.map { table in
        (table.name, [table.columns[0].name] + table.measures.filter { $0.format != .text && $0.format != .bool }.map(\.name))
    })

    /// Rows of a dataset: label and numeric columns (nil = withheld or missing).
    func rows(_ dataset: String) -> [(label: String, values: [String: Double?])] {
        guard let table = report.table(named: dataset) else { return [] }
        let dimensions = table.descriptor.columns.indices.filter { table.descriptor.columns[$0].isDimension }
        return table.rows.map { row in
            let label = dimensions.map { index -> String in
                guard case let .text(text) = row[index] else { return "" }
                return table.descriptor.columns[index].name == "week" ? String(text.suffix(3)) : text
            }.joined(separator: " ")
            var values: [String: Double?] = [:]
            for (column, value) in zip(table.descriptor.columns, row) where !column.isDimension { values[column.name] = value.number }
            return (label, values)
        }
    }

    func commentaryChart(_ request: ChartRequest, index: Int) -> Result<Chart, MarkdownResolverError> {
        let type = request["type"] ?? ""
        guard Self.chartTypes.contains(type) else {
            return .failure(MarkdownResolverError("unknown chart type \"\(type)\"\(suggestion(type, in: Self.chartTypes)); chart types: \(Self.chartTypes.joined(separator: ", "))"))
        }
        let dataset = request["data"] ?? ""
        guard let columns = Self.datasets[dataset] else {
            let names = Self.datasets.keys.sorted()
            return .failure(MarkdownResolverError("unknown chart data \"\(dataset)\"\(suggestion(dataset, in: names)); datasets: \(names.joined(separator: ", "))"))
        }
        let numeric = Array(columns.dropFirst())
        let known = Set(["type", "data", "x", "y", "series", "title"])
        if let extra = request.fields.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(MarkdownResolverError("unknown chart key \"\(extra)\"\(suggestion(extra, in: known.sorted())); keys: \(known.sorted().joined(separator: ", "))"))
        }
        func column(_ key: String, required: Bool) -> Result<String?, MarkdownResolverError> {
            guard let name = request[key] else {
                return required ? .failure(MarkdownResolverError("chart needs \"\(key)\": one of \(numeric.joined(separator: ", "))")) : .success(nil)
            }
            guard numeric.contains(name) || name == columns[0] else {
                return .failure(MarkdownResolverError("unknown column \"\(name)\" in \(dataset)\(suggestion(name, in: columns)); columns: \(columns.joined(separator: ", "))"))
            }
            return .success(name)
        }
        let data = rows(dataset)
        let title = request["title"] ?? "\(dataset)"
        let id = "c\(index)-\(slugify(title))"
        switch type {
        case "scatter":
            guard case let .success(x?) = column("x", required: true) else { return .failure(column("x", required: true).failureValue!) }
            guard case let .success(y?) = column("y", required: true) else { return .failure(column("y", required: true).failureValue!) }
            let points = data.compactMap { row -> ScatterChart.Point? in
                guard let xv = row.values[x] ?? nil, let yv = row.values[y] ?? nil else { return nil }
                return ScatterChart.Point(label: row.label, x: xv, y: yv)
            }
            var chart = ScatterChart(id: id, title: title, points: points, xLabel: x.replacingOccurrences(of: "_", with: " "), yLabel: y.replacingOccurrences(of: "_", with: " "))
            chart.fit = points.count >= 3
            chart.yFormat = .plain(decimals: 2)
            return .success(chart.draw())
        case "bar":
            guard case let .success(y?) = column("y", required: true) else { return .failure(column("y", required: true).failureValue!) }
            var chart = BarChart(id: id, title: title, bars: data.map { .init(label: $0.label, values: ($0.values[y] ?? nil).map { [$0] }) },
                                 unit: y.replacingOccurrences(of: "_", with: " "))
            if y.contains("rate") || y == "share" { chart.format = .percent }
            return .success(chart.draw())
        case "histogram":
            guard case let .success(x?) = column("x", required: true) else { return .failure(column("x", required: true).failureValue!) }
            return .success(Histogram(id: id, title: title, values: data.compactMap { $0.values[x] ?? nil }, unit: x.replacingOccurrences(of: "_", with: " ")).draw())
        default:  // line, area
            let names = (request["series"] ?? request["y"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { return .failure(MarkdownResolverError("a \(type) chart needs \"y\" (or \"series\"): one of \(numeric.joined(separator: ", "))")) }
            for name in names where !numeric.contains(name) {
                return .failure(MarkdownResolverError("unknown column \"\(name)\" in \(dataset)\(suggestion(name, in: numeric)); columns: \(numeric.joined(separator: ", "))"))
            }
            var chart = LineChart(id: id, title: title, xLabels: data.map(\.label),
                                  series: names.map { name in .init(name: name.replacingOccurrences(of: "_", with: " "), values: data.map { $0.values[name] ?? nil }) },
                                  unit: names.count == 1 ? names[0].replacingOccurrences(of: "_", with: " ") : "")
            chart.area = type == "area"
            if dataset == "weekly" { chart.partialLast = partialLast; chart.rules = reviewRules }
            return .success(chart.draw())
        }
    }
}

/// The within-team association in words: the finding, then the slope per doubling of usage
/// with its interval and how many teams and team-weeks stand behind it.
/// The within-team figure in words; `level` is the interval's (simultaneous across metrics).
func withinSentence(_ correlation: Correlation, level: Double) -> String {
    guard let fit = correlation.within, let doubling = correlation.withinPerDoubling else { return "not enough team-weeks to say" }
    let figures = "\(OutcomeWords.signed(doubling.value)) per head a week per doubling of usage (\(OutcomeWords.levelText(level)) interval \(OutcomeWords.signed(doubling.low)) to \(OutcomeWords.signed(doubling.high)); \(fit.clusters) teams, \(whole.format(Double(fit.observations))) team-weeks)"
    switch correlation.finding {
    case .unclear: return "no clear association, " + figures
    case .more: return "weeks with more usage had more value, " + figures
    case .less: return "weeks with more usage had less value, " + figures
    case .notEnoughData: return "not enough team-weeks to say"
    }
}

extension Result {
    var failureValue: Failure? {
        if case let .failure(error) = self { return error }
        return nil
    }
}

import Foundation

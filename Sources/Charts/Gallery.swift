/// Every chart kind on fixed sample data: for `candor gallery`, and the golden-file tests.
public enum Gallery {
    static let weeks = (1...12).map { String(format: "W%02d", $0) }

    /// One chart of every kind.
    public static func charts() -> [Chart] {
        var line = LineChart(id: "line", title: "Tokens per week", xLabels: weeks,
                             series: [.init(name: "tokens", values: [1200, 1500, 1400, nil, 2100, 2500, 2400, 3900, 2600, 2800, 3000, 1500]),
                                      .init(name: "requests", values: [400, 420, 410, 430, 500, 560, 540, 900, 600, 610, 640, 300])], unit: "per week")
        line.partialLast = true
        line.rules = [.init(position: 7, label: "review 31 Mar")]
        var area = LineChart(id: "area", title: "Active people", xLabels: weeks, series: [.init(name: "people", values: (0..<12).map { Double(100 + $0 * 9) })], unit: "people")
        area.area = true
        var bar = BarChart(id: "bar", title: "Inflation index", bars: [
            .init(label: "Growth", values: [0.66], highlighted: true), .init(label: "Payments", values: [0.09]),
            .init(label: "Legal Ops", values: nil), .init(label: "Search <b>", values: [0.12]),
        ], unit: "index")
        bar.threshold = (0.5, "flag at 0.5")
        bar.format = .plain(decimals: 2)
        var grouped = BarChart(id: "grouped", title: "Tried, returned, sustained", bars: [
            .init(label: "copilot", values: [900, 800, 600]), .init(label: "cursor", values: [700, 500, 300]),
        ], unit: "people")
        grouped.layout = .grouped
        grouped.partNames = ["tried", "returned", "sustained"]
        var stacked = grouped
        stacked.id = "stacked"
        stacked.layout = .stacked
        var scatter = ScatterChart(id: "scatter", title: "Adoption versus value", points: [
            .init(label: "Growth", x: 7.5e6, y: 41, labelled: true, className: "flagged"), .init(label: "Payments", x: 5.8e6, y: 88),
            .init(label: "Ledger", x: 3.9e5, y: 99), .init(label: "Analytics", x: 2.1e6, y: 57), .init(label: "Search", x: 7e6, y: 88),
        ], xLabel: "tokens per head", yLabel: "value per head")
        scatter.cut = (2.6e6, 57.9)
        scatter.quadrantNames = ("productive", "inflated", "untapped", "low")
        scatter.fit = true
        let histogram = Histogram(id: "histogram", title: "Tokens per person-day", values: (0..<200).map { Double(($0 * 37) % 101) * 120 }, unit: "tokens")
        let box = BoxChart(id: "box", title: "Tokens per person-day by team", groups: [("Payments", (0..<50).map { Double($0 * 13 % 40) }), ("Growth", (0..<50).map { Double($0 * 7 % 90) })], unit: "tokens")
        let heatmap = Heatmap(id: "heatmap", title: "Tokens per team and week", rowLabels: ["Payments", "Growth"], columnLabels: Array(weeks.prefix(6)),
                              values: [[1, 2, 3, 4, 5, 6], [6, nil, 4, 3, 2, 1]], unit: "tokens")
        let likert = LikertChart(id: "likert", title: "Scores", questions: [("usefulness", [10, 20, 30, 25, 15]), ("pressure to use", [5, 5, 10, 30, 50])])
        let spark = Sparkline(id: "spark", label: "Payments: tokens per week", values: [1, 3, 2, nil, 5, 4])
        return [line.draw(), area.draw(), bar.draw(), grouped.draw(), stacked.draw(), scatter.draw(), histogram.draw(), box.draw(), heatmap.draw(), likert.draw(), spark.draw()]
    }
}

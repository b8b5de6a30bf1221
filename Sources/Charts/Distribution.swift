import Stats
import SVG

/// A histogram of a sample, with a zero baseline.
public struct Histogram: Sendable {
    public var id: String
    public var title: String
    public var values: [Double]
    public var bins: Int = 20
    public var format: NumberFormat = .si
    public var unit: String
    public var frame = Frame()

    public init(id: String, title: String, values: [Double], unit: String) {
        self.id = id
        self.title = title
        self.values = values
        self.unit = unit
    }

    public func draw() -> Chart {
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 1
        let xScale = LinearScale(domain: (low, high > low ? high : low + 1), range: (frame.plotLeft, frame.plotRight)).niced()
        let width = (xScale.domain.1 - xScale.domain.0) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for value in finite {
            counts[min(bins - 1, max(0, Int((value - xScale.domain.0) / width)))] += 1
        }
        let y = LinearScale(domain: (0, Double(counts.max() ?? 1)), range: (frame.plotBottom, frame.plotTop)).niced(zero: true)
        let spread = Spread(finite)
        let description = spread.map { "\($0.n) values of \(unit); median \(format.format($0.median)), 90th percentile \(format.format($0.p90)), 99th \(format.format($0.p99))." } ?? "\(title): no values."
        let node = chartRoot(id: id, title: title, description: description, frame: frame, kind: "histogram") {
            yAxis(y, frame: frame, format: .integer, label: "count")
            g(class: "axis axis-x") {
                for tick in xScale.ticks() {
                    text(format.format(tick), x: xScale(tick), y: frame.plotBottom + 16, anchor: .middle, class: "tick")
                }
                text(unit, x: frame.plotRight, y: frame.plotBottom + 32, anchor: .end, class: "axis-label")
            }
            for (index, count) in counts.enumerated() where count > 0 {
                let from = xScale.domain.0 + Double(index) * width
                rect(x: xScale(from) + 0.5, y: y(Double(count)), width: xScale(from + width) - xScale(from) - 1, height: y(0) - y(Double(count)), class: "bar series-0") {
                    SVG.title("\(format.format(from))–\(format.format(from + width)): \(count)")
                }
            }
        }
        let rows = counts.enumerated().map { index, count in
            ["\(format.format(xScale.domain.0 + Double(index) * width))–\(format.format(xScale.domain.0 + Double(index + 1) * width))", String(count)]
        }
        return Chart(id: id, title: title, description: description, svg: node, table: DataTable(columns: [unit, "count"], rows: rows), note: nil)
    }
}

/// Box plots (median, quartiles, whiskers at the 5th and 95th percentiles) per group.
public struct BoxChart: Sendable {
    public var id: String
    public var title: String
    public var groups: [(label: String, values: [Double])]
    public var format: NumberFormat = .si
    public var unit: String

    public init(id: String, title: String, groups: [(label: String, values: [Double])], unit: String) {
        self.id = id
        self.title = title
        self.groups = groups
        self.unit = unit
    }

    public func draw() -> Chart {
        let frame = Frame(width: 640, height: max(100, Double(groups.count) * 26 + 56), top: 20, right: 24, bottom: 32, left: 140)
        let all = groups.flatMap(\.values).filter(\.isFinite)
        let x = LinearScale(domain: (0, all.max() ?? 1), range: (frame.plotLeft, frame.plotRight)).niced(zero: true)
        let band = BandScale(count: groups.count, range: (frame.plotTop, frame.plotBottom), padding: 0.35)
        let summaries = groups.map { group -> [Double]? in
            let sorted = group.values.filter(\.isFinite).sorted()
            guard !sorted.isEmpty else { return nil }
            return [0.05, 0.25, 0.5, 0.75, 0.95].map { quantile(sorted: sorted, $0)! }
        }
        let description = zip(groups, summaries).compactMap { group, summary in summary.map { "\(group.label): median \(format.format($0[2]))" } }.prefix(4).joined(separator: "; ") + "."
        let node = chartRoot(id: id, title: title, description: description, frame: frame, kind: "box") {
            g(class: "axis axis-x") {
                for tick in x.ticks(count: 4) {
                    line(x1: x(tick), y1: frame.plotTop, x2: x(tick), y2: frame.plotBottom, class: tick == 0 ? "baseline" : "grid")
                    text(format.format(tick), x: x(tick), y: frame.plotBottom + 16, anchor: .middle, class: "tick")
                }
                text(unit, x: frame.plotRight, y: frame.plotTop - 6, anchor: .end, class: "axis-label")
            }
            for (index, group) in groups.enumerated() {
                text(group.label, x: frame.plotLeft - 6, y: band.center(index) + 4, anchor: .end, class: "bar-label")
                if let q = summaries[index] {
                    g(class: "box series-0") {
                        line(x1: x(q[0]), y1: band.center(index), x2: x(q[4]), y2: band.center(index), class: "whisker")
                        rect(x: x(q[1]), y: band.start(index), width: x(q[3]) - x(q[1]), height: band.bandwidth, class: "box-body") {
                            SVG.title("\(group.label): 5 % \(format.format(q[0])), quartiles \(format.format(q[1]))–\(format.format(q[3])), median \(format.format(q[2])), 95 % \(format.format(q[4]))")
                        }
                        line(x1: x(q[2]), y1: band.start(index), x2: x(q[2]), y2: band.start(index) + band.bandwidth, class: "median")
                    }
                }
            }
        }
        let rows = zip(groups, summaries).map { group, summary in [group.label] + (summary?.map(format.format) ?? Array(repeating: "suppressed", count: 5)) }
        return Chart(id: id, title: title, description: description, svg: node,
                     table: DataTable(columns: ["", "5 %", "25 %", "median", "75 %", "95 %"], rows: rows), note: nil)
    }
}

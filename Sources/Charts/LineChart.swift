import SVG

/// Lines (or a filled area) over weeks, with direct labels at the line ends, the partial last
/// period dashed, gaps where values are suppressed, and vertical rules at marked positions.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double?]
        public init(name: String, values: [Double?]) { self.name = name; self.values = values }
    }
    public struct Rule: Sendable {
        public var position: Double
        public var label: String
        public init(position: Double, label: String) { self.position = position; self.label = label }
    }

    public var id: String
    public var title: String
    public var xLabels: [String]
    public var series: [Series]
    public var format: NumberFormat = .si
    public var unit: String
    /// Draws the first series as a filled area.
    public var area = false
    /// The last x position is a partial period: its segment is dashed.
    public var partialLast = false
    /// Rules at fractional band positions (0 = first label), e.g. review dates.
    public var rules: [Rule] = []
    public var frame = Frame(right: 96)

    public init(id: String, title: String, xLabels: [String], series: [Series], unit: String) {
        self.id = id
        self.title = title
        self.xLabels = xLabels
        self.series = series
        self.unit = unit
    }

    public func draw() -> Chart {
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let y = LinearScale(domain: (0, values.max() ?? 1), range: (frame.plotBottom, frame.plotTop)).niced(zero: true)
        let x = BandScale(count: xLabels.count, range: (frame.plotLeft, frame.plotRight), padding: 0)
        let hasGaps = series.contains { $0.values.contains { $0 == nil } }
        let description = describe()
        let svgNode = chartRoot(id: id, title: title, description: description, frame: frame, kind: area ? "area" : "line") {
            yAxis(y, frame: frame, format: format, label: unit)
            xBandLabels(xLabels, scale: x, frame: frame)
            for rule in rules {
                let position = frame.plotLeft + (rule.position + 0.5) * x.step
                g(class: "rule") {
                    line(x1: position, y1: frame.plotTop, x2: position, y2: frame.plotBottom, class: "rule-line") { SVG.title(rule.label) }
                    text(rule.label, x: position + 3, y: frame.plotTop + 10, anchor: .start, class: "rule-label")
                }
            }
            for (index, serie) in series.enumerated() {
                g(class: "series \(seriesClass(index))") {
                    for segment in segments(serie.values, x: x, y: y) {
                        if area && index == 0 {
                            path(areaPath(segment.points, baseline: y(0)), class: "area-fill")
                        }
                        path(PathData.polyline(segment.points), class: segment.dashed ? "line line-partial" : "line")
                    }
                    for (position, value) in serie.values.enumerated() {
                        if let value {
                            circle(cx: x.center(position), cy: y(value), r: 2.5, class: "point") {
                                SVG.title("\(serie.name), \(xLabels[position]): \(format.format(value))\(partialLast && position == xLabels.count - 1 ? " (partial)" : "")")
                            }
                        }
                    }
                    if let last = serie.values.lastIndex(where: { $0 != nil }), let value = serie.values[last] {
                        text(serie.name, x: x.center(last) + 6, y: y(value) + 4, anchor: .start, class: "direct-label")
                    }
                }
            }
        }
        var rows: [[String]] = []
        for (position, label) in xLabels.enumerated() {
            rows.append([label + (partialLast && position == xLabels.count - 1 ? " (partial)" : "")]
                        + series.map { $0.values.indices.contains(position) ? ($0.values[position].map(format.format) ?? "suppressed") : "" })
        }
        return Chart(id: id, title: title, description: description, svg: svgNode,
                     table: DataTable(columns: ["Week"] + series.map(\.name), rows: rows),
                     note: hasGaps ? "Gaps are weeks suppressed to protect small groups, not zero." : nil)
    }

    struct Segment { var points: [(Double, Double)]; var dashed: Bool }

    /// Runs of consecutive values; the step into a partial last period is its own dashed segment.
    func segments(_ values: [Double?], x: BandScale, y: LinearScale) -> [Segment] {
        var result: [Segment] = []
        var current: [(Double, Double)] = []
        let solidEnd = partialLast ? values.count - 1 : values.count
        for position in 0..<solidEnd {
            if let value = values[position] {
                current.append((x.center(position), y(value)))
            } else if !current.isEmpty {
                result.append(Segment(points: current, dashed: false))
                current = []
            }
        }
        if !current.isEmpty { result.append(Segment(points: current, dashed: false)) }
        if partialLast, values.count >= 2, let last = values[values.count - 1], let before = values[values.count - 2] {
            result.append(Segment(points: [(x.center(values.count - 2), y(before)), (x.center(values.count - 1), y(last))], dashed: true))
        }
        return result
    }

    func areaPath(_ points: [(Double, Double)], baseline: Double) -> PathData {
        guard let first = points.first, let last = points.last else { return PathData() }
        var pathData = PathData().move(first.0, baseline)
        for point in points { pathData = pathData.line(point.0, point.1) }
        return pathData.line(last.0, baseline).close()
    }

    func describe() -> String {
        var sentences: [String] = []
        for serie in series.prefix(2) {
            let known = serie.values.enumerated().compactMap { index, value in value.map { (index, $0) } }
            guard let first = known.first, let last = known.last, first.0 != last.0 else { continue }
            let change = first.1 > 0 ? (last.1 / first.1 - 1) : nil
            let peak = known.max { $0.1 < $1.1 }!
            var sentence = "\(serie.name) went from \(format.format(first.1)) in \(xLabels[first.0]) to \(format.format(last.1)) in \(xLabels[last.0])"
            if let change { sentence += " (\(change >= 0 ? "+" : "−")\(NumberFormat.percent.format(abs(change))))" }
            sentence += ", peaking at \(format.format(peak.1)) in \(xLabels[peak.0])."
            sentences.append(sentence)
        }
        if !rules.isEmpty { sentences.append("Vertical rules mark \(rules.map(\.label).joined(separator: ", ")).") }
        return sentences.isEmpty ? "\(title): no data over time." : sentences.joined(separator: " ")
    }
}

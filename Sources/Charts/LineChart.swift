import SVG
import Stats

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
        var rows: [[String]] = []
        for (position, label) in xLabels.enumerated() {
            rows.append([label + (partialLast && position == xLabels.count - 1 ? " (partial)" : "")]
                        + series.map { $0.values.indices.contains(position) ? ($0.values[position].map(format.format) ?? "suppressed") : "" })
        }
        let hasGaps = series.contains { $0.values.contains { $0 == nil } }
        return Chart(id: id, title: title, description: describe(), svg: svg(.wide), narrowSVG: svg(.narrow),
                     table: DataTable(columns: ["Week"] + series.map(\.name), rows: rows),
                     note: hasGaps ? "Gaps are weeks suppressed to protect small groups, not zero." : nil)
    }

    /// The chart for one layout. Rule labels (review dates) sit above the plot, in as many rows
    /// as keep them apart from each other and from the unit, never on the line; series are named
    /// at their line ends when wide, and in a legend row when narrow (or when the ends crowd).
    func svg(_ layout: ChartLayout) -> Node {
        let narrow = layout == .narrow
        var frame = self.frame
        if narrow { frame = Frame(width: layout.width, height: 260, top: frame.top, right: 14, bottom: 40, left: 44) }
        frame.bottom = max(frame.bottom, layout.fontSize + 26)
        let x0 = frame.plotLeft, band = (frame.plotRight - frame.plotLeft) / Double(max(xLabels.count, 1))
        // Rule labels in rows above the plot; the unit label holds the start of the first row.
        let ruleTexts = rules.map { narrow ? Self.shortRuleLabel($0.label) : $0.label }
        let unitSpan = (row: 0, start: x0, end: x0 + layout.textWidth(unit))
        let spans = rules.indices.map { index -> (start: Double, width: Double) in
            let position = x0 + (rules[index].position + 0.5) * band
            let width = layout.textWidth(ruleTexts[index])
            let start = position + 3 + width > frame.plotRight ? position - 3 - width : position + 3
            return (start, width)
        }
        let rows = labelRows(spans, occupied: [unitSpan])
        let ruleRows = (rows.max() ?? -1) + 1
        let legendRow = narrow && series.count > 1
        frame.top = layout.lineHeight + 4 + Double(max(ruleRows - 1, 0)) * layout.lineHeight + (legendRow ? layout.lineHeight : 0)
        if narrow && series.count == 1 { frame.right = 14 }
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let y = LinearScale(domain: (0, values.max() ?? 1), range: (frame.plotBottom, frame.plotTop)).niced(zero: true)
        let x = BandScale(count: xLabels.count, range: (frame.plotLeft, frame.plotRight), padding: 0)
        let labelY = { (row: Int) in frame.plotTop - 6 - Double(row) * layout.lineHeight }
        return chartRoot(id: id, title: title, description: describe(), frame: frame, kind: area ? "area" : "line", layout: layout) {
            yAxis(y, frame: frame, format: format, label: unit, layout: layout)
            xBandLabels(xLabels, scale: x, frame: frame, layout: layout)
            for (index, rule) in rules.enumerated() {
                let position = frame.plotLeft + (rule.position + 0.5) * x.step
                g(class: "rule") {
                    line(x1: position, y1: labelY(rows[index]) + 3, x2: position, y2: frame.plotBottom, class: "rule-line") { SVG.title(rule.label) }
                    text(ruleTexts[index], x: spans[index].start, y: labelY(rows[index]), anchor: .start, class: "rule-label")
                }
            }
            if legendRow {
                g(class: "legend") {
                    var offset = frame.plotLeft
                    for (index, serie) in series.enumerated() {
                        text(serie.name, x: offset, y: layout.fontSize, anchor: .start, class: "direct-label \(seriesClass(index))")
                        let _ = offset += layout.textWidth(serie.name) + 14
                    }
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
                    if !narrow, let last = serie.values.lastIndex(where: { $0 != nil }), let value = serie.values[last] {
                        text(serie.name, x: x.center(last) + 6, y: y(value) + 4, anchor: .start, class: "direct-label")
                    }
                }
            }
        }
    }

    /// "review 31 Mar 2026" → "31 Mar" for narrow charts (the full label is the rule's tooltip,
    /// and the description names every rule).
    static func shortRuleLabel(_ label: String) -> String {
        let words = label.split(separator: " ")
        guard words.count >= 3, Int(words[words.count - 1]) != nil else { return label }
        return words.dropFirst(words.count - 3).prefix(2).joined(separator: " ")
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
            if known.allSatisfy({ $0.1 == 0 }) {
                sentences.append("\(serie.name) was 0 in every week from \(xLabels[first.0]) to \(xLabels[last.0]).")
                continue
            }
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

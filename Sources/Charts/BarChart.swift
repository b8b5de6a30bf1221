import SVG

/// Horizontal bars ranked by value (or in the given order), from a zero baseline, with value
/// labels, an optional threshold rule, and suppressed items drawn as empty slots with a note.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        /// Stacked or grouped parts; one value for a simple bar. nil = suppressed.
        public var values: [Double]?
        public var highlighted: Bool
        public init(label: String, values: [Double]?, highlighted: Bool = false) {
            self.label = label
            self.values = values
            self.highlighted = highlighted
        }
    }
    public enum Layout: Sendable { case single, stacked, grouped }

    public var id: String
    public var title: String
    public var bars: [Bar]
    public var partNames: [String] = []
    public var layout = Layout.single
    public var format: NumberFormat = .si
    public var unit: String
    public var threshold: (value: Double, label: String)?
    public var ranked = true
    public var fixedMax: Double?

    public init(id: String, title: String, bars: [Bar], unit: String) {
        self.id = id
        self.title = title
        self.bars = bars
        self.unit = unit
    }

    func total(_ bar: Bar) -> Double {
        guard let values = bar.values else { return -1 }
        return layout == .grouped ? (values.max() ?? 0) : values.reduce(0, +)
    }

    public func draw() -> Chart {
        let ordered = ranked ? bars.enumerated().sorted { (total($0.element), -$0.offset) > (total($1.element), -$1.offset) }.map(\.element) : bars
        let labelWidth = min(200, Double(ordered.map(\.label.count).max() ?? 4) * 6.8 + 12)
        let rowHeight: Double = layout == .grouped ? Double(max(partNames.count, 1)) * 9 + 8 : 22
        let frame = Frame(width: 640, height: max(80, Double(ordered.count) * rowHeight + 52), top: 24, right: 64, bottom: 28, left: labelWidth)
        let maxValue = max(fixedMax ?? 0, ordered.map(total).max() ?? 0, threshold?.value ?? 0)
        let x = LinearScale(domain: (0, maxValue > 0 ? maxValue : 1), range: (frame.plotLeft, frame.plotRight)).niced(zero: true)
        let band = BandScale(count: ordered.count, range: (frame.plotTop, frame.plotBottom), padding: 0.25)
        let suppressedCount = ordered.filter { $0.values == nil }.count
        let description = describe(ordered)
        let node = chartRoot(id: id, title: title, description: description, frame: frame, kind: "bar") {
            g(class: "axis axis-x") {
                for tick in x.ticks(count: 4) {
                    line(x1: x(tick), y1: frame.plotTop, x2: x(tick), y2: frame.plotBottom, class: tick == 0 ? "baseline" : "grid")
                    text(format.format(tick), x: x(tick), y: frame.plotBottom + 16, anchor: .middle, class: "tick")
                }
                text(unit, x: frame.plotRight, y: frame.plotTop - 8, anchor: .end, class: "axis-label")
            }
            for (index, bar) in ordered.enumerated() {
                g(class: bar.highlighted ? "bar-row highlighted" : "bar-row") {
                    text(bar.label, x: frame.plotLeft - 6, y: band.center(index) + 4, anchor: .end, class: "bar-label")
                    if let values = bar.values {
                        barMarks(values, label: bar.label, index: index, x: x, band: band)
                        text(format.format(layout == .grouped ? (values.max() ?? 0) : values.reduce(0, +)),
                             x: x(layout == .grouped ? (values.max() ?? 0) : values.reduce(0, +)) + 4, y: band.center(index) + 4,
                             anchor: .start, class: "value-label")
                    } else {
                        rect(x: frame.plotLeft, y: band.start(index), width: frame.plotRight - frame.plotLeft, height: band.bandwidth, class: "suppressed-slot") {
                            SVG.title("\(bar.label): suppressed (fewer people than the privacy floor)")
                        }
                        text("suppressed", x: frame.plotLeft + 6, y: band.center(index) + 4, anchor: .start, class: "suppressed-label")
                    }
                }
            }
            if let threshold {
                g(class: "threshold") {
                    line(x1: x(threshold.value), y1: frame.plotTop - 4, x2: x(threshold.value), y2: frame.plotBottom, class: "threshold-line") { SVG.title(threshold.label) }
                    text(threshold.label, x: x(threshold.value), y: frame.plotTop - 10, anchor: .middle, class: "threshold-label")
                }
            }
            if partNames.count > 1 { legend(frame: frame) }
        }
        let columns = [""] + (partNames.isEmpty ? [unit] : partNames)
        let rows = ordered.map { bar in [bar.label] + (bar.values.map { $0.map(format.format) } ?? Array(repeating: "suppressed", count: columns.count - 1)) }
        return Chart(id: id, title: title, description: description, svg: node, table: DataTable(columns: columns, rows: rows),
                     note: suppressedCount > 0 ? "\(suppressedCount) suppressed: too few people to publish; shown as an empty slot, not as zero." : nil)
    }

    @SVGBuilder
    func barMarks(_ values: [Double], label: String, index: Int, x: LinearScale, band: BandScale) -> [Node] {
        switch layout {
        case .single, .stacked:
            let starts = values.indices.map { values.prefix($0).reduce(0, +) }
            for (part, value) in values.enumerated() {
                let from = starts[part]
                rect(x: x(from), y: band.start(index), width: x(from + value) - x(from), height: band.bandwidth, class: "bar \(seriesClass(part))") {
                    SVG.title("\(label)\(partNames.indices.contains(part) ? ", " + partNames[part] : ""): \(format.format(value))")
                }
            }
        case .grouped:
            let height = band.bandwidth / Double(max(values.count, 1))
            for (part, value) in values.enumerated() {
                rect(x: x(0), y: band.start(index) + Double(part) * height, width: x(value) - x(0), height: height * 0.9, class: "bar \(seriesClass(part))") {
                    SVG.title("\(label)\(partNames.indices.contains(part) ? ", " + partNames[part] : ""): \(format.format(value))")
                }
            }
        }
    }

    func legend(frame: Frame) -> Node {
        g(class: "legend") {
            for (index, name) in partNames.enumerated() {
                rect(x: frame.plotLeft + Double(index) * 110, y: 4, width: 10, height: 10, class: "bar \(seriesClass(index))")
                text(name, x: frame.plotLeft + Double(index) * 110 + 14, y: 13, anchor: .start, class: "legend-label")
            }
        }
    }

    func describe(_ ordered: [Bar]) -> String {
        let shown = ordered.filter { $0.values != nil }
        // Highest and lowest by value, whatever order the bars are drawn in (first of equals).
        guard let top = shown.enumerated().max(by: { (total($0.element), $1.offset) < (total($1.element), $0.offset) })?.element else {
            return "\(title): nothing to show."
        }
        var sentence = "\(shown.count) of \(ordered.count) shown; \(top.label) is highest at \(format.format(total(top)))"
        if shown.count > 1, let bottom = shown.enumerated().min(by: { (total($0.element), $0.offset) < (total($1.element), $1.offset) })?.element {
            sentence += " and \(bottom.label) lowest at \(format.format(max(0, total(bottom))))"
        }
        sentence += "."
        if let threshold {
            let above = shown.filter { total($0) >= threshold.value }.count
            sentence += " \(above) at or above \(threshold.label)."
        }
        return sentence
    }
}

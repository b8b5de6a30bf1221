import SVG
import Stats

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
        let suppressedCount = ordered.filter { $0.values == nil }.count
        let columns = [""] + (partNames.isEmpty ? [unit] : partNames)
        let rows = ordered.map { bar in [bar.label] + (bar.values.map { $0.map(format.format) } ?? Array(repeating: "suppressed", count: columns.count - 1)) }
        return Chart(id: id, title: title, description: describe(ordered), svg: svg(.wide, ordered), narrowSVG: svg(.narrow, ordered),
                     table: DataTable(columns: columns, rows: rows),
                     note: suppressedCount > 0 ? "\(suppressedCount) suppressed: too few people to publish; shown as an empty slot, not as zero." : nil)
    }

    /// One layout: wide charts put the labels left of the bars; narrow ones above them, so the
    /// bars keep the width. The legend, unit and threshold label share rows above the plot
    /// without touching; the right margin fits the longest value label.
    func svg(_ layout: ChartLayout, _ ordered: [Bar]) -> Node {
        let narrow = layout == .narrow
        let valueOf = { (values: [Double]) in self.layout == .grouped ? (values.max() ?? 0) : values.reduce(0, +) }
        let valueTexts = ordered.map { $0.values.map { format.format(valueOf($0)) } }
        let right = max(24, (valueTexts.compactMap { $0 }.map(layout.textWidth).max() ?? 0) + 12)
        let left = narrow ? 8 : min(200, (ordered.map { layout.textWidth($0.label) }.max() ?? 24) + 12)
        let barHeight: Double = self.layout == .grouped ? Double(max(partNames.count, 1)) * 9 : 16
        let rowHeight = narrow ? layout.lineHeight + barHeight + 8 : (self.layout == .grouped ? barHeight + 8 : 22)
        var frame = Frame(width: layout.width, height: 0, top: 0, right: right, bottom: layout.fontSize + 16, left: left)
        let maxValue = max(fixedMax ?? 0, ordered.map(total).max() ?? 0, threshold?.value ?? 0)
        let x = LinearScale(domain: (0, maxValue > 0 ? maxValue : 1), range: (frame.plotLeft, frame.plotRight)).niced(zero: true)
        // Texts above the plot, in rows: the legend's names, the unit, the threshold's label.
        var spans: [(start: Double, width: Double)] = []
        var legendX = frame.plotLeft
        for name in partNames.count > 1 ? partNames : [] {
            if legendX + 14 + layout.textWidth(name) > frame.plotRight { legendX = frame.plotLeft }  // wraps to a row below
            spans.append((legendX, 14 + layout.textWidth(name)))
            legendX += 14 + layout.textWidth(name) + 16
        }
        spans.append((frame.plotRight - layout.textWidth(unit), layout.textWidth(unit)))
        if let threshold { spans.append((x(threshold.value) - layout.textWidth(threshold.label) / 2, layout.textWidth(threshold.label))) }
        let rows = labelRows(spans)
        frame.top = Double((rows.max() ?? 0) + 1) * layout.lineHeight + 6
        frame.height = frame.top + max(40, Double(ordered.count) * rowHeight) + frame.bottom
        let band = BandScale(count: ordered.count, range: (frame.plotTop, frame.plotBottom), padding: 0.25)
        let barTop = { (index: Int) in narrow ? frame.plotTop + Double(index) * rowHeight + layout.lineHeight : band.start(index) }
        let height = narrow ? barHeight : band.bandwidth
        let baselineY = { (row: Int) in Double(row + 1) * layout.lineHeight - 4 }
        let legendCount = partNames.count > 1 ? partNames.count : 0
        return chartRoot(id: id, title: title, description: describe(ordered), frame: frame, kind: "bar", layout: layout) {
            g(class: "axis axis-x") {
                for tick in x.ticks(count: narrow ? 3 : 4) {
                    line(x1: x(tick), y1: frame.plotTop, x2: x(tick), y2: frame.plotBottom, class: tick == 0 ? "baseline" : "grid")
                    text(format.format(tick), x: x(tick), y: frame.plotBottom + layout.fontSize + 4, anchor: .middle, class: "tick")
                }
                text(unit, x: frame.plotRight, y: baselineY(rows[legendCount]), anchor: .end, class: "axis-label")
            }
            for (index, bar) in ordered.enumerated() {
                g(class: bar.highlighted ? "bar-row highlighted" : "bar-row") {
                    if narrow {
                        text(bar.label, x: frame.plotLeft, y: barTop(index) - 4, anchor: .start, class: "bar-label")
                    } else {
                        text(bar.label, x: frame.plotLeft - 6, y: barTop(index) + height / 2 + layout.fontSize * 0.35, anchor: .end, class: "bar-label")
                    }
                    if let values = bar.values {
                        barMarks(values, label: bar.label, top: barTop(index), height: height, x: x)
                        text(valueTexts[index] ?? "", x: x(valueOf(values)) + 4, y: barTop(index) + height / 2 + layout.fontSize * 0.35,
                             anchor: .start, class: "value-label")
                    } else {
                        rect(x: frame.plotLeft, y: barTop(index), width: frame.plotRight - frame.plotLeft, height: height, class: "suppressed-slot") {
                            SVG.title("\(bar.label): suppressed (fewer people than the privacy floor)")
                        }
                        text("suppressed", x: frame.plotLeft + 6, y: barTop(index) + height / 2 + layout.fontSize * 0.35, anchor: .start, class: "suppressed-label")
                    }
                }
            }
            if let threshold {
                g(class: "threshold") {
                    line(x1: x(threshold.value), y1: frame.plotTop - 4, x2: x(threshold.value), y2: frame.plotBottom, class: "threshold-line") { SVG.title(threshold.label) }
                    text(threshold.label, x: x(threshold.value), y: baselineY(rows[legendCount + 1]), anchor: .middle, class: "threshold-label")
                }
            }
            if legendCount > 0 {
                g(class: "legend") {
                    for (index, name) in partNames.enumerated() {
                        rect(x: spans[index].start, y: baselineY(rows[index]) - 10, width: 10, height: 10, class: "bar \(seriesClass(index))")
                        text(name, x: spans[index].start + 14, y: baselineY(rows[index]), anchor: .start, class: "legend-label")
                    }
                }
            }
        }
    }

    @SVGBuilder
    func barMarks(_ values: [Double], label: String, top: Double, height: Double, x: LinearScale) -> [Node] {
        switch layout {
        case .single, .stacked:
            let starts = values.indices.map { values.prefix($0).reduce(0, +) }
            for (part, value) in values.enumerated() {
                let from = starts[part]
                rect(x: x(from), y: top, width: x(from + value) - x(from), height: height, class: "bar \(seriesClass(part))") {
                    SVG.title("\(label)\(partNames.indices.contains(part) ? ", " + partNames[part] : ""): \(format.format(value))")
                }
            }
        case .grouped:
            let part = height / Double(max(values.count, 1))
            for (index, value) in values.enumerated() {
                rect(x: x(0), y: top + Double(index) * part, width: x(value) - x(0), height: part * 0.9, class: "bar \(seriesClass(index))") {
                    SVG.title("\(label)\(partNames.indices.contains(index) ? ", " + partNames[index] : ""): \(format.format(value))")
                }
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

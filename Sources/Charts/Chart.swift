import SVG
import Stats

/// A drawn chart: its SVG, the sentences that describe it, and the same numbers as a table
/// for readers who cannot see it (and for print).
public struct Chart: Sendable {
    public var id: String
    public var title: String
    /// One or two sentences that say what the chart shows, generated from the data.
    public var description: String
    public var svg: Node
    /// The same chart laid out for phones (nil for charts that need none, as sparklines);
    /// the theme's CSS shows one of the two by the width of the page.
    public var narrowSVG: Node?
    public var table: DataTable
    /// A note under the chart (e.g. why values are missing).
    public var note: String?

    public init(id: String, title: String, description: String, svg: Node, narrowSVG: Node? = nil, table: DataTable, note: String?) {
        self.id = id
        self.title = title
        self.description = description
        self.svg = svg
        self.narrowSVG = narrowSVG
        self.table = table
        self.note = note
    }

    /// The SVG markup (both layouts when there are two). Throws when a coordinate is not a finite number.
    public func renderSVG() throws -> String {
        guard let narrowSVG else { return try svg.render() }
        return try svg.render() + "\n" + narrowSVG.render()
    }
}

/// The page width a chart is laid out for. Wide charts are drawn 640 units across with 11 px
/// text and shown from 42rem (672 px) up, where they are drawn at least at their size; narrow
/// ones are drawn 340 across with 13 px text for phones, so that at 320–360 px screens the text
/// stays at 11 px or more, and labels are placed for that size (not scaled down from the wide).
public enum ChartLayout: String, Sendable, CaseIterable {
    case wide, narrow

    public var width: Double { self == .wide ? 640 : 340 }
    /// The font size the theme gives this layout's text (style.css: `svg.chart.narrow`).
    public var fontSize: Double { self == .wide ? 11 : 13 }
    /// An upper estimate of a character's advance, for placing labels.
    public var charWidth: Double { fontSize * 0.62 }
    public func textWidth(_ text: String) -> Double { Double(text.count) * charWidth }
    public var lineHeight: Double { fontSize + 5 }
}

/// A chart's numbers as a table.
public struct DataTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]
    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// The drawing area inside a chart's margins.
public struct Frame: Sendable {
    public var width: Double
    public var height: Double
    public var top: Double
    public var right: Double
    public var bottom: Double
    public var left: Double

    public init(width: Double = 640, height: Double = 320, top: Double = 16, right: Double = 24, bottom: Double = 36, left: Double = 56) {
        self.width = width
        self.height = height
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    public var plotLeft: Double { left }
    public var plotRight: Double { width - right }
    public var plotTop: Double { top }
    public var plotBottom: Double { height - bottom }
}

/// The root element every chart shares: sized by viewBox, labelled by its title and desc.
func chartRoot(id: String, title titleText: String, description: String, frame: Frame, kind: String,
               layout: ChartLayout? = nil, @SVGBuilder _ content: () -> [Node]) -> Node {
    // The narrow twin has ids of its own (one page holds both).
    let id = layout == .narrow ? id + "-narrow" : id
    let growth = layout == .narrow ? 1.25 : 1.5
    return svg(width: frame.width, height: frame.height, class: "chart chart-\(kind)" + (layout.map { " \($0.rawValue)" } ?? ""), extra: attributes(
        ("role", .text("img")),
        ("aria-labelledby", .text("\(id)-title \(id)-desc")),
        ("id", .text(id)),
        ("preserveAspectRatio", .text("xMidYMid meet")),
        // Charts fill the column but grow at most half again their drawn size, so a small
        // chart (a heatmap of few weeks, a sparkline) does not blow its text up to headline size.
        // A chart drawn in one layout only (a heatmap, a distribution) keeps at least its drawn
        // size on a phone and scrolls sideways in its figure, rather than shrinking its text.
        ("style", .text("max-width:\(formatNumber(frame.width * growth) ?? "960")px" + (layout == nil && kind != "sparkline" ? ";min-width:\(formatNumber(frame.width) ?? "640")px" : "")))
    )) {
        title(titleText, id: "\(id)-title")
        desc(description, id: "\(id)-desc")
        content()
    }
}

/// Places labels along a line (start positions and widths) in as few rows as keep them apart;
/// returns each label's row.
func labelRows(_ spans: [(start: Double, width: Double)], gap: Double = 6, occupied: [(row: Int, start: Double, end: Double)] = []) -> [Int] {
    var ends: [Int: [(Double, Double)]] = [:]
    for taken in occupied { ends[taken.row, default: []].append((taken.start, taken.end)) }
    return spans.map { span in
        var row = 0
        while (ends[row] ?? []).contains(where: { span.start < $0.1 + gap && $0.0 < span.start + span.width + gap }) { row += 1 }
        ends[row, default: []].append((span.start, span.start + span.width))
        return row
    }
}

/// A vertical axis with grid lines at the ticks.
func yAxis(_ scale: LinearScale, frame: Frame, format: NumberFormat, label: String?, layout: ChartLayout = .wide) -> Node {
    g(class: "axis axis-y") {
        // Counts have whole ticks only: a scale of zeros (a tool with seats and no use) or of a
        // few people steps by fractions, which written as counts repeat ("1, 1, 1").
        for tick in scale.ticks(count: 5) where format != .integer || tick == tick.rounded() {
            line(x1: frame.plotLeft, y1: scale(tick), x2: frame.plotRight, y2: scale(tick), class: tick == 0 ? "baseline" : "grid")
            text(format.format(tick), x: frame.plotLeft - 6, y: scale(tick) + layout.fontSize * 0.35, anchor: .end, class: "tick")
        }
        if let label {
            text(label, x: frame.plotLeft, y: frame.plotTop - 6, anchor: .start, class: "axis-label")
        }
    }
}

/// Labels under bands (weeks, categories), thinned so they never collide.
func xBandLabels(_ labels: [String], scale: BandScale, frame: Frame, layout: ChartLayout = .wide) -> Node {
    let positions = labels.indices.map { scale.center($0) }
    let widest = Double(labels.map(\.count).max() ?? 1) * layout.charWidth + 8
    let shown = thinnedLabels(positions: positions, width: widest)
    return g(class: "axis axis-x") {
        for index in labels.indices where shown[index] {
            text(labels[index], x: positions[index], y: frame.plotBottom + layout.fontSize + 6, anchor: .middle, class: "tick")
        }
    }
}

/// The palette slot for a series: CSS gives each `series-N` its colour, so dark mode and print
/// restyle the chart without drawing it again.
func seriesClass(_ index: Int) -> String { "series-\(index % 8)" }

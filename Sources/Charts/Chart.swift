import SVG

/// A drawn chart: its SVG, the sentences that describe it, and the same numbers as a table
/// for readers who cannot see it (and for print).
public struct Chart: Sendable {
    public var id: String
    public var title: String
    /// One or two sentences that say what the chart shows, generated from the data.
    public var description: String
    public var svg: Node
    public var table: DataTable
    /// A note under the chart (e.g. why values are missing).
    public var note: String?

    /// The SVG markup. Throws when a coordinate is not a finite number.
    public func renderSVG() throws -> String { try svg.render() }
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
               @SVGBuilder _ content: () -> [Node]) -> Node {
    svg(width: frame.width, height: frame.height, class: "chart chart-\(kind)", extra: attributes(
        ("role", .text("img")),
        ("aria-labelledby", .text("\(id)-title \(id)-desc")),
        ("id", .text(id)),
        ("preserveAspectRatio", .text("xMidYMid meet")),
        // Charts fill the column but grow at most half again their drawn size, so a small
        // chart (a heatmap of few weeks, a sparkline) does not blow its text up to headline size.
        ("style", .text("max-width:\(formatNumber(frame.width * 1.5) ?? "960")px"))
    )) {
        title(titleText, id: "\(id)-title")
        desc(description, id: "\(id)-desc")
        content()
    }
}

/// A vertical axis with grid lines at the ticks.
func yAxis(_ scale: LinearScale, frame: Frame, format: NumberFormat, label: String?) -> Node {
    g(class: "axis axis-y") {
        for tick in scale.ticks(count: 5) {
            line(x1: frame.plotLeft, y1: scale(tick), x2: frame.plotRight, y2: scale(tick), class: tick == 0 ? "baseline" : "grid")
            text(format.format(tick), x: frame.plotLeft - 6, y: scale(tick) + 4, anchor: .end, class: "tick")
        }
        if let label {
            text(label, x: frame.plotLeft, y: frame.plotTop - 4, anchor: .start, class: "axis-label")
        }
    }
}

/// Labels under bands (weeks, categories), thinned so they never collide.
func xBandLabels(_ labels: [String], scale: BandScale, frame: Frame) -> Node {
    let positions = labels.indices.map { scale.center($0) }
    let widest = Double(labels.map(\.count).max() ?? 1) * 6.5 + 8
    let shown = thinnedLabels(positions: positions, width: widest)
    return g(class: "axis axis-x") {
        for index in labels.indices where shown[index] {
            text(labels[index], x: positions[index], y: frame.plotBottom + 16, anchor: .middle, class: "tick")
        }
    }
}

/// The palette slot for a series: CSS gives each `series-N` its colour, so dark mode and print
/// restyle the chart without drawing it again.
func seriesClass(_ index: Int) -> String { "series-\(index % 8)" }

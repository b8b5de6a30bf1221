import Foundation
import Stats
import SVG

/// Points with quadrant lines at chosen cut points, labels for chosen points, and a
/// least-squares fit with its 95 % band.
public struct ScatterChart: Sendable {
    public struct Point: Sendable {
        public var label: String
        public var x: Double
        public var y: Double
        public var labelled: Bool
        public var className: String?
        public init(label: String, x: Double, y: Double, labelled: Bool = false, className: String? = nil) {
            self.label = label
            self.x = x
            self.y = y
            self.labelled = labelled
            self.className = className
        }
    }

    public var id: String
    public var title: String
    public var points: [Point]
    public var xLabel: String
    public var yLabel: String
    public var xFormat: NumberFormat = .si
    public var yFormat: NumberFormat = .si
    public var cut: (x: Double, y: Double)?
    public var quadrantNames: (topRight: String, bottomRight: String, topLeft: String, bottomLeft: String)?
    public var fit = false
    public var logX = false
    /// What the points show, in words, from the figures the report states (replaces the
    /// chart's own counts and rank correlation, so caption and headline cannot disagree).
    public var note: String?
    public var frame = Frame(width: 640, height: 420, top: 24, right: 24, bottom: 44, left: 64)

    public init(id: String, title: String, points: [Point], xLabel: String, yLabel: String) {
        self.id = id
        self.title = title
        self.points = points
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public func draw() -> Chart {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) }
        let xs = finite.map(\.x), ys = finite.map(\.y)
        let line = fit ? LinearFit(x: logX ? xs.map { Foundation.log($0) } : xs, y: ys) : nil
        let rows = finite.map { [$0.label, xFormat.format($0.x), yFormat.format($0.y)] }
        return Chart(id: id, title: title, description: describe(finite, fit: line), svg: svg(.wide, finite), narrowSVG: svg(.narrow, finite),
                     table: DataTable(columns: ["", xLabel, yLabel], rows: rows), note: nil)
    }

    /// One layout. Axis titles wrap rather than run off; the quadrant names take as many rows
    /// as keep them apart; point labels sit next to their point where there is room, else
    /// further out with a leader line to it, never on another label, name or point.
    func svg(_ layout: ChartLayout, _ finite: [Point]) -> Node {
        let narrow = layout == .narrow
        var frame = narrow ? Frame(width: layout.width, height: 360, top: 0, right: 14, bottom: 0, left: 48) : self.frame
        let yTitle = wrap(yLabel, width: layout.width - 8, layout: layout)
        let xTitle = wrap(xLabel + (logX ? " (log scale)" : ""), width: layout.width - frame.left, layout: layout)
        frame.top = Double(yTitle.count) * layout.lineHeight + 8
        frame.bottom = layout.fontSize + 8 + Double(xTitle.count) * layout.lineHeight + 4
        if narrow { frame.height = 340 + frame.top + frame.bottom - 60 }
        let xs = finite.map(\.x), ys = finite.map(\.y)
        let linear = LinearScale(domain: (min(xs.min() ?? 0, 0), xs.max() ?? 1), range: (frame.plotLeft, frame.plotRight)).niced(zero: true)
        let log = LogScale(domain: (xs.min() ?? 1, xs.max() ?? 10), range: (frame.plotLeft, frame.plotRight))
        let xScale: (Double) -> Double = logX ? { log($0) } : { linear($0) }
        let allTicks = logX ? log.ticks() : linear.ticks(count: narrow ? 4 : 5)
        let tickShown = thinnedLabels(positions: allTicks.map(xScale), width: (allTicks.map { layout.textWidth(xFormat.format($0)) }.max() ?? 20) + 8)
        let y = LinearScale(domain: (min(ys.min() ?? 0, 0), ys.max() ?? 1), range: (frame.plotBottom, frame.plotTop)).niced(zero: true)
        let line = fit ? LinearFit(x: logX ? xs.map { Foundation.log($0) } : xs, y: ys) : nil
        // Quadrant names: the top pair in rows downward from the top, the bottom pair upward.
        var quadrantTexts: [(text: String, x: Double, y: Double, anchor: TextAnchor)] = []
        if cut != nil, let names = quadrantNames {
            for (leftName, rightName, top) in [(names.topLeft, names.topRight, true), (names.bottomLeft, names.bottomRight, false)] {
                let spans = [(start: frame.plotLeft + 4, width: layout.textWidth(leftName)),
                             (start: frame.plotRight - 4 - layout.textWidth(rightName), width: layout.textWidth(rightName))]
                let rows = labelRows(spans)
                for (index, name) in [leftName, rightName].enumerated() {
                    let offset = Double(rows[index]) * layout.lineHeight
                    quadrantTexts.append((name, index == 0 ? frame.plotLeft + 4 : frame.plotRight - 4,
                                          top ? frame.plotTop + layout.fontSize + 2 + offset : frame.plotBottom - 6 - offset, index == 0 ? .start : .end))
                }
            }
        }
        let obstacles = quadrantTexts.map { item -> Box in
            let width = layout.textWidth(item.text)
            let x0 = item.anchor == .start ? item.x : item.x - width
            return Box(x0: x0, y0: item.y - layout.fontSize, x1: x0 + width, y1: item.y + 3)
        }
        let labels = placeLabels(finite, xScale: xScale, y: y, frame: frame, layout: layout, obstacles: obstacles)
        return chartRoot(id: id, title: title, description: describe(finite, fit: line), frame: frame, kind: "scatter", layout: layout) {
            g(class: "axis axis-y") {
                for tick in y.ticks(count: 5) {
                    SVG.line(x1: frame.plotLeft, y1: y(tick), x2: frame.plotRight, y2: y(tick), class: tick == 0 ? "baseline" : "grid")
                    text(yFormat.format(tick), x: frame.plotLeft - 6, y: y(tick) + layout.fontSize * 0.35, anchor: .end, class: "tick")
                }
                for (index, part) in yTitle.enumerated() {
                    text(part, x: narrow ? 4 : frame.plotLeft, y: Double(index + 1) * layout.lineHeight - 2, anchor: .start, class: "axis-label")
                }
            }
            g(class: "axis axis-x") {
                for (index, tick) in allTicks.enumerated() {
                    SVG.line(x1: xScale(tick), y1: frame.plotTop, x2: xScale(tick), y2: frame.plotBottom, class: "grid")
                    if tickShown[index] {
                        text(xFormat.format(tick), x: xScale(tick), y: frame.plotBottom + layout.fontSize + 5, anchor: .middle, class: "tick")
                    }
                }
                for (index, part) in xTitle.enumerated() {
                    text(part, x: frame.plotRight, y: frame.plotBottom + layout.fontSize + 8 + Double(index + 1) * layout.lineHeight - 2, anchor: .end, class: "axis-label")
                }
            }
            if let cut {
                g(class: "quadrants") {
                    SVG.line(x1: xScale(cut.x), y1: frame.plotTop, x2: xScale(cut.x), y2: frame.plotBottom, class: "quadrant-line")
                    SVG.line(x1: frame.plotLeft, y1: y(cut.y), x2: frame.plotRight, y2: y(cut.y), class: "quadrant-line")
                    for item in quadrantTexts {
                        text(item.text, x: item.x, y: item.y, anchor: item.anchor, class: "quadrant-label")
                    }
                }
            }
            if let line, let band = fitBand(line, xs: logX ? xs.map { Foundation.log($0) } : xs, xScale: xScale, y: y) {
                g(class: "fit") {
                    path(band.area, class: "fit-band")
                    path(band.line, class: "fit-line") { SVG.title("Least-squares fit: slope \(String(format: "%.3g", line.slope)) ± \(String(format: "%.2g", 1.96 * line.slopeStandardError)) (95 %)") }
                }
            }
            g(class: "points") {
                for placed in labels where placed.leader {
                    SVG.line(x1: placed.px, y1: placed.py, x2: placed.lx, y2: placed.ly, class: "leader-line")
                }
                for point in finite {
                    circle(cx: xScale(point.x), cy: y(point.y), r: point.labelled ? 4.5 : 3.5, class: ["point", point.className].compactMap { $0 }.joined(separator: " ")) {
                        SVG.title("\(point.label): \(xFormat.format(point.x)), \(yFormat.format(point.y))")
                    }
                }
                for placed in labels {
                    text(placed.label, x: placed.x, y: placed.y, anchor: placed.anchor, class: "point-label")
                }
            }
        }
    }

    struct Box {
        var x0, y0, x1, y1: Double
        func intersects(_ other: Box) -> Bool { x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1 }
    }

    struct PlacedLabel {
        var label: String
        var x: Double, y: Double
        var anchor: TextAnchor
        /// The point, and where the leader line meets the label, when the label is not beside it.
        var px: Double, py: Double, lx: Double, ly: Double
        var leader: Bool
    }

    /// Words of `text` in lines no wider than `width`.
    func wrap(_ text: String, width: Double, layout: ChartLayout) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if layout.textWidth(candidate) > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }

    /// Label positions for the labelled points, highest first: beside the point (right, left,
    /// above, below), else on rings further out with a leader line; a position must lie inside
    /// the plot and clear every placed label, the quadrant names and every point.
    func placeLabels(_ finite: [Point], xScale: (Double) -> Double, y: LinearScale, frame: Frame, layout: ChartLayout, obstacles: [Box]) -> [PlacedLabel] {
        var taken = obstacles + finite.map { point in
            let px = xScale(point.x), py = y(point.y)
            return Box(x0: px - 4.5, y0: py - 4.5, x1: px + 4.5, y1: py + 4.5)
        }
        var placed: [PlacedLabel] = []
        // A text's box reaches from its ascender to its descender; point labels are bold.
        let height = layout.fontSize * 1.25
        for point in finite.filter(\.labelled).sorted(by: { ($0.y, $0.label) > ($1.y, $1.label) }) {
            let px = xScale(point.x), py = y(point.y)
            let width = layout.textWidth(point.label) * 1.08
            // Candidate boxes by their left, top corner: ring 0 beside the point, then rings out.
            var chosen: (Box, Bool)?
            search: for ring in 0..<8 {
                let d = 7 + Double(ring) * (height + 4)
                let candidates: [(Double, Double)] = [
                    (px + d, py - height / 2), (px - d - width, py - height / 2),
                    (px - width / 2, py - d - height), (px - width / 2, py + d),
                    (px + d, py - d - height), (px + d, py + d), (px - d - width, py - d - height), (px - d - width, py + d),
                ]
                for (x0, y0) in candidates {
                    let box = Box(x0: x0, y0: y0, x1: x0 + width, y1: y0 + height)
                    guard box.x0 >= frame.plotLeft, box.x1 <= frame.width - 2, box.y0 >= frame.plotTop, box.y1 <= frame.plotBottom else { continue }
                    if taken.contains(where: { $0.intersects(box) }) { continue }
                    chosen = (box, ring > 0)
                    break search
                }
            }
            // Nowhere free: beside the point, as before (the data table still names it).
            let (box, leader) = chosen ?? (Box(x0: px + 7, y0: py - height / 2, x1: px + 7 + width, y1: py + height / 2), false)
            taken.append(Box(x0: box.x0 - 2, y0: box.y0 - 1, x1: box.x1 + 2, y1: box.y1 + 1))
            // The leader meets the box at its nearest edge point.
            let lx = min(max(px, box.x0), box.x1), ly = min(max(py, box.y0), box.y1)
            placed.append(PlacedLabel(label: point.label, x: box.x0, y: box.y1 - layout.fontSize * 0.27, anchor: .start,
                                      px: px, py: py, lx: lx, ly: ly, leader: leader))
        }
        return placed
    }

    /// The fitted line and its 95 % confidence band for the mean, ŷ ± 1.96 · s · √(1/n + (x − x̄)²/Sxx).
    func fitBand(_ fit: LinearFit, xs: [Double], xScale: (Double) -> Double, y: LinearScale) -> (line: PathData, area: PathData)? {
        guard let low = xs.min(), let high = xs.max(), high > low else { return nil }
        let n = Double(xs.count)
        let meanX = xs.reduce(0, +) / n
        let sxx = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        let s = fit.slopeStandardError * sxx.squareRoot()  // residual standard error
        let steps = 24
        var upper: [(Double, Double)] = [], lower: [(Double, Double)] = [], centre: [(Double, Double)] = []
        for step in 0...steps {
            let value = low + (high - low) * Double(step) / Double(steps)
            let predicted = fit.predict(value)
            let half = 1.96 * s * (1 / n + (value - meanX) * (value - meanX) / sxx).squareRoot()
            let px = xScale(logX ? exp(value) : value)
            let clampTop = y.range.1, clampBottom = y.range.0
            centre.append((px, min(clampBottom, max(clampTop, y(predicted)))))
            upper.append((px, min(clampBottom, max(clampTop, y(predicted + half)))))
            lower.append((px, min(clampBottom, max(clampTop, y(predicted - half)))))
        }
        var area = PathData.polyline(upper)
        for point in lower.reversed() { area = area.line(point.0, point.1) }
        return (PathData.polyline(centre), area.close())
    }

    func describe(_ shown: [Point], fit: LinearFit?) -> String {
        guard !shown.isEmpty else { return "\(title): no points to show." }
        var sentence = "\(shown.count) points of \(yLabel) against \(xLabel)."
        if let note {
            let labelled = shown.filter(\.labelled).map(\.label)
            if !labelled.isEmpty { sentence += " Labelled: \(labelled.prefix(6).joined(separator: ", "))\(labelled.count > 6 ? " and \(labelled.count - 6) more" : "")." }
            return sentence + " " + note
        }
        if let cut, let names = quadrantNames {
            let tr = shown.filter { $0.x >= cut.x && $0.y >= cut.y }.count
            let br = shown.filter { $0.x >= cut.x && $0.y < cut.y }.count
            sentence += " \(tr) \(names.topRight), \(br) \(names.bottomRight)."
        }
        let labelled = shown.filter(\.labelled).map(\.label)
        if !labelled.isEmpty { sentence += " Labelled: \(labelled.prefix(6).joined(separator: ", "))\(labelled.count > 6 ? " and \(labelled.count - 6) more" : "")." }
        if let r = spearman(shown.map(\.x), shown.map(\.y)) { sentence += " Rank correlation \(String(format: "%.2f", r))." }
        return sentence
    }
}

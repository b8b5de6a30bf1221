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
        let linear = LinearScale(domain: (min(xs.min() ?? 0, 0), xs.max() ?? 1), range: (frame.plotLeft, frame.plotRight)).niced(zero: true)
        let log = LogScale(domain: (xs.min() ?? 1, xs.max() ?? 10), range: (frame.plotLeft, frame.plotRight))
        let xScale: (Double) -> Double = logX ? { log($0) } : { linear($0) }
        let xTicks = logX ? log.ticks() : linear.ticks()
        let y = LinearScale(domain: (min(ys.min() ?? 0, 0), ys.max() ?? 1), range: (frame.plotBottom, frame.plotTop)).niced(zero: true)
        let line = fit ? LinearFit(x: logX ? xs.map { Foundation.log($0) } : xs, y: ys) : nil
        let description = describe(finite, fit: line)
        let node = chartRoot(id: id, title: title, description: description, frame: frame, kind: "scatter") {
            yAxis(y, frame: frame, format: yFormat, label: yLabel)
            g(class: "axis axis-x") {
                for tick in xTicks {
                    SVG.line(x1: xScale(tick), y1: frame.plotTop, x2: xScale(tick), y2: frame.plotBottom, class: "grid")
                    text(xFormat.format(tick), x: xScale(tick), y: frame.plotBottom + 16, anchor: .middle, class: "tick")
                }
                text(xLabel + (logX ? " (log scale)" : ""), x: frame.plotRight, y: frame.plotBottom + 34, anchor: .end, class: "axis-label")
            }
            if let cut {
                g(class: "quadrants") {
                    SVG.line(x1: xScale(cut.x), y1: frame.plotTop, x2: xScale(cut.x), y2: frame.plotBottom, class: "quadrant-line")
                    SVG.line(x1: frame.plotLeft, y1: y(cut.y), x2: frame.plotRight, y2: y(cut.y), class: "quadrant-line")
                    if let names = quadrantNames {
                        text(names.topRight, x: frame.plotRight - 4, y: frame.plotTop + 12, anchor: .end, class: "quadrant-label")
                        text(names.bottomRight, x: frame.plotRight - 4, y: frame.plotBottom - 6, anchor: .end, class: "quadrant-label")
                        text(names.topLeft, x: frame.plotLeft + 4, y: frame.plotTop + 12, anchor: .start, class: "quadrant-label")
                        text(names.bottomLeft, x: frame.plotLeft + 4, y: frame.plotBottom - 6, anchor: .start, class: "quadrant-label")
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
                for point in finite {
                    circle(cx: xScale(point.x), cy: y(point.y), r: point.labelled ? 4.5 : 3.5, class: ["point", point.className].compactMap { $0 }.joined(separator: " ")) {
                        SVG.title("\(point.label): \(xFormat.format(point.x)), \(yFormat.format(point.y))")
                    }
                }
                for placed in placeLabels(finite.filter(\.labelled), xScale: xScale, y: y) {
                    text(placed.label, x: placed.x, y: placed.y, anchor: placed.anchor, class: "point-label")
                }
            }
        }
        let rows = finite.map { [$0.label, xFormat.format($0.x), yFormat.format($0.y)] }
        return Chart(id: id, title: title, description: description, svg: node,
                     table: DataTable(columns: ["", xLabel, yLabel], rows: rows), note: nil)
    }

    /// Label positions that do not overlap: beside each point, moved down (or to the left of the
    /// point near the right edge) until the label's box is free. Labels are about 6.5 px a
    /// character at the chart's 11 px font.
    func placeLabels(_ points: [Point], xScale: (Double) -> Double, y: LinearScale) -> [(label: String, x: Double, y: Double, anchor: TextAnchor)] {
        var boxes: [(Double, Double, Double, Double)] = []  // x0, y0, x1, y1
        var placed: [(String, Double, Double, TextAnchor)] = []
        for point in points.sorted(by: { ($0.y, $0.label) > ($1.y, $1.label) }) {
            let width = Double(point.label.count) * 6.5
            let px = xScale(point.x), py = y(point.y)
            let leftSide = px + 7 + width > frame.plotRight
            let x0 = leftSide ? px - 7 - width : px + 7
            var baseline = py - 6
            func overlaps(_ top: Double) -> Bool {
                boxes.contains { box in x0 < box.2 && x0 + width > box.0 && top < box.3 && top + 12 > box.1 }
            }
            var attempts = 0
            while overlaps(baseline - 10) && attempts < 40 { baseline += 12; attempts += 1 }
            boxes.append((x0, baseline - 10, x0 + width, baseline + 2))
            placed.append((point.label, leftSide ? px - 7 : px + 7, baseline, leftSide ? .end : .start))
        }
        return placed.map { (label: $0.0, x: $0.1, y: $0.2, anchor: $0.3) }
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

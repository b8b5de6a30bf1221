import SVG
import Stats

/// Diverging bars for 1…5 answers: disagreement (1, 2) to the left of the centre, agreement
/// (4, 5) to the right, the neutral 3 split across it.
public struct LikertChart: Sendable {
    public var id: String
    public var title: String
    /// Question and counts of answers 1…5.
    public var questions: [(label: String, counts: [Int])]

    public init(id: String, title: String, questions: [(label: String, counts: [Int])]) {
        self.id = id
        self.title = title
        self.questions = questions
    }

    public func draw() -> Chart {
        let names = ["1 (lowest)", "2", "3", "4", "5 (highest)"]
        let table = DataTable(columns: ["Question"] + names + ["n"], rows: questions.map { [$0.label] + $0.counts.map(String.init) + [String($0.counts.reduce(0, +))] })
        return Chart(id: id, title: title, description: describe(), svg: svg(.wide), narrowSVG: svg(.narrow), table: table, note: nil)
    }

    func describe() -> String {
        questions.map { question -> String in
            let n = max(question.counts.reduce(0, +), 1)
            let low = Double(question.counts[0] + question.counts[1]) / Double(n)
            let high = Double(question.counts[3] + question.counts[4]) / Double(n)
            return "\(question.label): \(NumberFormat.percent.format(high)) answered 4 or 5, \(NumberFormat.percent.format(low)) 1 or 2"
        }.joined(separator: "; ") + "."
    }

    /// One layout: questions left of their bars when wide, above them when narrow; the legend
    /// in as many rows as it needs.
    func svg(_ layout: ChartLayout) -> Node {
        let narrow = layout == .narrow
        let names = ["1 (lowest)", "2", "3", "4", "5 (highest)"]
        let left = narrow ? 8 : min(220, (questions.map { layout.textWidth($0.label) }.max() ?? 40) + 12)
        var frame = Frame(width: layout.width, height: 0, top: 0, right: narrow ? 14 : 24, bottom: layout.fontSize + 14, left: left)
        var spans: [(start: Double, width: Double)] = []
        var legendX = frame.plotLeft
        for name in names {
            let width = 14 + layout.textWidth(name)
            if legendX + width > frame.plotRight { legendX = frame.plotLeft }
            spans.append((legendX, width))
            legendX += width + 12
        }
        let rows = labelRows(spans)
        frame.top = Double((rows.max() ?? 0) + 1) * layout.lineHeight + 8
        let barHeight = 18.0
        let rowHeight = narrow ? layout.lineHeight + barHeight + 8 : 30
        frame.height = frame.top + Double(questions.count) * rowHeight + frame.bottom
        let x = LinearScale(domain: (-1, 1), range: (frame.plotLeft, frame.plotRight))
        let band = BandScale(count: questions.count, range: (frame.plotTop, frame.plotBottom), padding: 0.3)
        let barTop = { (row: Int) in narrow ? frame.plotTop + Double(row) * rowHeight + layout.lineHeight : band.start(row) }
        let height = narrow ? barHeight : band.bandwidth
        return chartRoot(id: id, title: title, description: describe(), frame: frame, kind: "likert", layout: layout) {
            g(class: "axis axis-x") {
                for tick in narrow ? [-1.0, 0, 1] : [-1.0, -0.5, 0, 0.5, 1] {
                    line(x1: x(tick), y1: frame.plotTop, x2: x(tick), y2: frame.plotBottom, class: tick == 0 ? "baseline" : "grid")
                    text(NumberFormat.percent.format(abs(tick)), x: x(tick), y: frame.plotBottom + layout.fontSize + 4,
                         anchor: tick == -1 && narrow ? .start : tick == 1 && narrow ? .end : .middle, class: "tick")
                }
            }
            g(class: "legend") {
                for (index, name) in names.enumerated() {
                    let baseline = Double(rows[index] + 1) * layout.lineHeight - 4
                    rect(x: spans[index].start, y: baseline - 10, width: 10, height: 10, class: "likert-\(index + 1)")
                    text(name, x: spans[index].start + 14, y: baseline, anchor: .start, class: "legend-label")
                }
            }
            for (row, question) in questions.enumerated() {
                if narrow {
                    text(question.label, x: frame.plotLeft, y: barTop(row) - 4, anchor: .start, class: "bar-label")
                } else {
                    text(question.label, x: frame.plotLeft - 6, y: barTop(row) + height / 2 + layout.fontSize * 0.35, anchor: .end, class: "bar-label")
                }
                let n = Double(max(question.counts.reduce(0, +), 1))
                let shares = question.counts.map { Double($0) / n }
                let start = -(shares[0] + shares[1] + shares[2] / 2)
                let offsets = (0..<5).map { start + shares.prefix($0).reduce(0, +) }
                for level in 0..<5 where shares[level] > 0 {
                    rect(x: x(offsets[level]), y: barTop(row), width: x(offsets[level] + shares[level]) - x(offsets[level]), height: height, class: "likert-\(level + 1)") {
                        SVG.title("\(question.label), answer \(level + 1): \(question.counts[level]) (\(NumberFormat.percent.format(shares[level])))")
                    }
                }
            }
        }
    }
}

/// A word-sized line for table cells: no axes, a dot on the last value.
public struct Sparkline: Sendable {
    public var id: String
    public var label: String
    public var values: [Double?]
    public var format: NumberFormat = .si

    public init(id: String, label: String, values: [Double?]) {
        self.id = id
        self.label = label
        self.values = values
    }

    public func draw() -> Chart {
        let frame = Frame(width: 96, height: 24, top: 3, right: 4, bottom: 3, left: 2)
        let known = values.compactMap { $0 }
        let y = LinearScale(domain: (0, known.max() ?? 1), range: (frame.plotBottom, frame.plotTop)).niced(count: 2, zero: true)
        let x = BandScale(count: values.count, range: (frame.plotLeft, frame.plotRight), padding: 0)
        let description = known.isEmpty ? "\(label): no data." :
            "\(label): from \(format.format(known.first!)) to \(format.format(known.last!)), highest \(format.format(known.max()!))."
        var runs: [[(Double, Double)]] = [[]]
        for (index, value) in values.enumerated() {
            if let value { runs[runs.count - 1].append((x.center(index), y(value))) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        let node = chartRoot(id: id, title: label, description: description, frame: frame, kind: "sparkline") {
            for run in runs where !run.isEmpty { path(PathData.polyline(run), class: "line series-0") }
            if let lastIndex = values.lastIndex(where: { $0 != nil }), let last = values[lastIndex] {
                circle(cx: x.center(lastIndex), cy: y(last), r: 2, class: "point series-0")
            }
        }
        return Chart(id: id, title: label, description: description, svg: node,
                     table: DataTable(columns: [label], rows: values.map { [$0.map(format.format) ?? "suppressed"] }), note: nil)
    }
}

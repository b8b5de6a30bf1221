import SVG

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
        let frame = Frame(width: 640, height: Double(questions.count) * 30 + 64, top: 28, right: 24, bottom: 28, left: 150)
        let x = LinearScale(domain: (-1, 1), range: (frame.plotLeft, frame.plotRight))
        let band = BandScale(count: questions.count, range: (frame.plotTop, frame.plotBottom), padding: 0.3)
        let names = ["1 (lowest)", "2", "3", "4", "5 (highest)"]
        let description = questions.map { question -> String in
            let n = max(question.counts.reduce(0, +), 1)
            let low = Double(question.counts[0] + question.counts[1]) / Double(n)
            let high = Double(question.counts[3] + question.counts[4]) / Double(n)
            return "\(question.label): \(NumberFormat.percent.format(high)) answered 4 or 5, \(NumberFormat.percent.format(low)) 1 or 2"
        }.joined(separator: "; ") + "."
        let node = chartRoot(id: id, title: title, description: description, frame: frame, kind: "likert") {
            g(class: "axis axis-x") {
                for tick in [-1.0, -0.5, 0, 0.5, 1] {
                    line(x1: x(tick), y1: frame.plotTop, x2: x(tick), y2: frame.plotBottom, class: tick == 0 ? "baseline" : "grid")
                    text(NumberFormat.percent.format(abs(tick)), x: x(tick), y: frame.plotBottom + 16, anchor: .middle, class: "tick")
                }
            }
            g(class: "legend") {
                for (index, name) in names.enumerated() {
                    rect(x: frame.plotLeft + Double(index) * 92, y: 6, width: 10, height: 10, class: "likert-\(index + 1)")
                    text(name, x: frame.plotLeft + Double(index) * 92 + 14, y: 15, anchor: .start, class: "legend-label")
                }
            }
            for (row, question) in questions.enumerated() {
                text(question.label, x: frame.plotLeft - 6, y: band.center(row) + 4, anchor: .end, class: "bar-label")
                let n = Double(max(question.counts.reduce(0, +), 1))
                let shares = question.counts.map { Double($0) / n }
                let start = -(shares[0] + shares[1] + shares[2] / 2)
                let offsets = (0..<5).map { start + shares.prefix($0).reduce(0, +) }
                for level in 0..<5 where shares[level] > 0 {
                    rect(x: x(offsets[level]), y: band.start(row), width: x(offsets[level] + shares[level]) - x(offsets[level]), height: band.bandwidth, class: "likert-\(level + 1)") {
                        SVG.title("\(question.label), answer \(level + 1): \(question.counts[level]) (\(NumberFormat.percent.format(shares[level])))")
                    }
                }
            }
        }
        let table = DataTable(columns: ["Question"] + names + ["n"], rows: questions.map { [$0.label] + $0.counts.map(String.init) + [String($0.counts.reduce(0, +))] })
        return Chart(id: id, title: title, description: description, svg: node, table: table, note: nil)
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

import SVG
import Stats

/// A grid of rows (teams) × columns (weeks), shaded in five steps of the value; suppressed
/// cells are hatched, never shaded as zero.
public struct Heatmap: Sendable {
    public var id: String
    public var title: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// values[row][column]; nil = suppressed.
    public var values: [[Double?]]
    public var format: NumberFormat = .si
    public var unit: String

    public init(id: String, title: String, rowLabels: [String], columnLabels: [String], values: [[Double?]], unit: String) {
        self.id = id
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.unit = unit
    }

    public func draw() -> Chart {
        let left = min(180, Double(rowLabels.map(\.count).max() ?? 4) * 6.8 + 12)
        // A few long categorical columns (themes) get cells as wide as their labels, so that
        // every column is named; many short ones (weeks) stay narrow.
        let widest = Double(columnLabels.map(\.count).max() ?? 1) * 6.5 + 8
        let cell = columnLabels.count <= 8 && widest > 40 ? min(120, widest)
            : max(6, min(22, (640 - left - 16) / Double(max(columnLabels.count, 1))))
        let frame = Frame(width: left + cell * Double(columnLabels.count) + 16, height: Double(rowLabels.count) * 18 + 48, top: 8, right: 16, bottom: 40, left: left)
        let all = values.flatMap { $0.compactMap { $0 } }
        let high = all.max() ?? 1
        let columns = BandScale(count: columnLabels.count, range: (frame.plotLeft, frame.plotRight), padding: 0.08)
        let rows = BandScale(count: rowLabels.count, range: (frame.plotTop, frame.plotBottom), padding: 0.1)
        let suppressed = values.flatMap { $0 }.filter { $0 == nil }.count
        let description = "\(rowLabels.count) rows by \(columnLabels.count) columns of \(unit); darker is more, up to \(format.format(high))." + (suppressed > 0 ? " \(suppressed) cells are suppressed." : "")
        let node = chartRoot(id: id, title: title, description: description, frame: frame, kind: "heatmap") {
            xBandLabels(columnLabels, scale: columns, frame: frame)
            for (r, label) in rowLabels.enumerated() {
                text(label, x: frame.plotLeft - 6, y: rows.center(r) + 4, anchor: .end, class: "bar-label")
                for c in columnLabels.indices {
                    let value = values[r].indices.contains(c) ? values[r][c] : nil
                    let level = value.map { high > 0 ? min(4, Int($0 / high * 5)) : 0 }
                    rect(x: columns.start(c), y: rows.start(r), width: columns.bandwidth, height: rows.bandwidth,
                         class: level.map { "cell level-\($0)" } ?? "cell suppressed-cell") {
                        SVG.title("\(label), \(columnLabels[c]): \(value.map(format.format) ?? "suppressed")")
                    }
                }
            }
        }
        let table = DataTable(columns: [""] + columnLabels, rows: rowLabels.indices.map { r in
            [rowLabels[r]] + columnLabels.indices.map { c in (values[r].indices.contains(c) ? values[r][c] : nil).map(format.format) ?? "suppressed" }
        })
        return Chart(id: id, title: title, description: description, svg: node, table: table,
                     note: suppressed > 0 ? "Hatched cells are suppressed to protect small groups, not zero." : nil)
    }
}

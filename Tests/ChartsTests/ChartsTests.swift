import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Charts
import SVG
import Stats

final class ScaleTests: XCTestCase {
    /// A count axis has whole ticks only: people per week of a tool nobody used (all zeros) or
    /// of two people were labelled "0, 0, 0, 1, 1, 1" from their fractional ticks.
    func testCountAxesHaveWholeTicks() throws {
        for (values, expected) in [([0.0, 0, 0], ["0", "1"]), ([1.0, 2, 1], ["0", "1", "2"])] {
            var chart = LineChart(id: "c", title: "People", xLabels: ["W01", "W02", "W03"], series: [.init(name: "people", values: values)], unit: "people")
            chart.format = .integer
            let svg = try chart.draw().svg.render()
            let axis = try XCTUnwrap(svg.range(of: "axis axis-y"))
            let yAxis = svg[axis.upperBound...].components(separatedBy: "</g>")[0]
            let ticks = yAxis.components(separatedBy: "class=\"tick\"").dropFirst()
                .map { $0.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" } }.map(String.init)
            XCTAssertEqual(ticks, expected, "\(values)")
        }
        let none = LineChart(id: "c", title: "People", xLabels: ["W01", "W02", "W03"], series: [.init(name: "people", values: [0, 0, 0])], unit: "people")
        XCTAssertEqual(none.draw().description, "people was 0 in every week from W01 to W03.")
    }

    func testNiceTicksOnAwkwardDomains() {
        // 0–0: a unit domain rather than nothing.
        let zero = LinearScale(domain: (0, 0), range: (0, 100)).niced(zero: true)
        XCTAssertEqual(zero.domain.0, 0)
        XCTAssertEqual(zero.domain.1, 1)
        XCTAssertEqual(zero.ticks(), [0, 0.2, 0.4, 0.6, 0.8, 1])
        // 0–1e-9: tiny but finite steps.
        let tiny = LinearScale(domain: (0, 1e-9), range: (0, 100)).niced()
        let tinyTicks = tiny.ticks()
        XCTAssertEqual(tinyTicks.first, 0)
        XCTAssertEqual(tinyTicks.count, 6)
        XCTAssertEqual(tinyTicks.last!, 1e-9, accuracy: 1e-20)
        // Negative to positive: zero is a tick.
        let mixed = LinearScale(domain: (-37, 81), range: (0, 100)).niced()
        XCTAssertEqual(mixed.domain.0, -40)
        XCTAssertEqual(mixed.domain.1, 100)
        XCTAssertTrue(mixed.ticks().contains(0))
        // One point.
        let one = LinearScale(domain: (7, 7), range: (0, 100)).niced()
        XCTAssertLessThan(one.domain.0, 7)
        XCTAssertGreaterThan(one.domain.1, 7)
        XCTAssertEqual(one(7), (one.range.0 + one.range.1) / 2, accuracy: 1e-9 + 25)
        // 10⁹ range on a log scale: powers of ten, thinned.
        let log = LogScale(domain: (1, 1e9), range: (0, 100))
        XCTAssertEqual(log.ticks(count: 5), [1, 1e2, 1e4, 1e6, 1e8])
        XCTAssertEqual(log(1), 0, accuracy: 1e-9)
        XCTAssertEqual(log(1e9), 100, accuracy: 1e-9)
        // A log scale given zero starts at a positive power of ten.
        XCTAssertGreaterThan(LogScale(domain: (0, 500), range: (0, 1)).domain.0, 0)
    }

    /// An unranked chart (drawn in its data's order) still names the true highest and lowest.
    func testCaptionNamesHighestAndLowestWhateverTheOrder() {
        var chart = BarChart(id: "order", title: "Unsorted", bars: [.init(label: "B", values: [84]), .init(label: "A", values: [91]),
                                                                    .init(label: "C", values: [86]), .init(label: "D", values: [12])], unit: "x")
        chart.ranked = false
        chart.format = .integer
        XCTAssertTrue(chart.draw().description.contains("A is highest at 91 and D lowest at 12"), chart.draw().description)
    }

    func testNumberFormats() {
        XCTAssertEqual(NumberFormat.si.format(1234), "1.2k")
        XCTAssertEqual(NumberFormat.si.format(3_400_000), "3.4M")
        XCTAssertEqual(NumberFormat.si.format(7_282_629_193), "7.3B")
        XCTAssertEqual(NumberFormat.si.format(999), "999")
        XCTAssertEqual(NumberFormat.si.format(250_000), "250k")
        XCTAssertEqual(NumberFormat.percent.format(0.8795), "88\u{00A0}%")  // never wraps before its sign
        XCTAssertEqual(NumberFormat.percent.format(0.034), "3.4\u{00A0}%")
        XCTAssertEqual(NumberFormat.percent.format(30.66), "3,066\u{00A0}%")
        // A column's figures share their decimals (not 56.6 beside 42.22).
        let column = NumberFormat.column([56.6, 42.22, 91.4])
        XCTAssertEqual([56.6, 42.22, 91.4, 5].map(column.format), ["56.6", "42.2", "91.4", "5.0"])
        XCTAssertEqual(NumberFormat.column([1.5, 0.25]).format(1.5), "1.50")
        // Ranges: one way at both ends.
        XCTAssertEqual(NumberFormat.range(179.4, 7963), "179–7,960")
        XCTAssertEqual(NumberFormat.range(1800, 11_460), "1.8k–11.5k")
        XCTAssertEqual(NumberFormat.range(0.01234, 2.5), "0.0123–2.5")
        XCTAssertEqual(NumberFormat.currency.format(36529.5), "$36.5k")
        XCTAssertEqual(NumberFormat.currency.format(12.5), "$12.5")
        XCTAssertEqual(NumberFormat.currency.format(1694.4), "$1,694", "grouped below the suffix too")
        XCTAssertEqual(NumberFormat.currency.format(999.6), "$1,000")
        XCTAssertEqual(NumberFormat.currency.format(123.4), "$123")
        XCTAssertEqual(NumberFormat.integer.format(1824), "1,824")
        XCTAssertEqual(NumberFormat.si.format(.nan), "–")
    }

    func testTickLabelsNeverCollide() {
        let positions = (0..<52).map { Double($0) * 10 }
        let shown = thinnedLabels(positions: positions, width: 35)
        let kept = positions.indices.filter { shown[$0] }.map { positions[$0] }
        for (a, b) in zip(kept, kept.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, 35) }
        XCTAssertTrue(shown[0])
    }
}

/// One chart of each kind on fixed data, compared with golden SVG files
/// (`CANDOR_RECORD=1 swift test` rewrites them; review the diff by eye).
final class ChartGoldenTests: XCTestCase {
    static func gallery() -> [Chart] { Gallery.charts() }

    func testEveryChartKindMatchesItsGoldenFile() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let record = ProcessInfo.processInfo.environment["CANDOR_RECORD"] == "1"
        for chart in Self.gallery() {
            let svg = try chart.renderSVG()
            let url = folder.appendingPathComponent("\(chart.id).svg")
            if record {
                try svg.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let golden = try String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(svg, golden, "\(chart.id).svg differs from its golden file; if the change is intended, run CANDOR_RECORD=1 swift test and review the diff")
        }
    }

    func testEveryChartIsAccessibleAndWellFormed() throws {
        for chart in Self.gallery() {
            let svg = try chart.renderSVG()
            XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse(), chart.id)
            XCTAssertTrue(svg.contains(#"role="img""#), chart.id)
            XCTAssertTrue(svg.contains(#"aria-labelledby="\#(chart.id)-title \#(chart.id)-desc""#), chart.id)
            XCTAssertTrue(svg.contains("<title id=\"\(chart.id)-title\">"), chart.id)
            XCTAssertTrue(svg.contains("<desc id=\"\(chart.id)-desc\">"), chart.id)
            XCTAssertFalse(chart.description.isEmpty)
            XCTAssertFalse(chart.table.rows.isEmpty, chart.id)
            XCTAssertFalse(svg.contains("<script"), chart.id)
            XCTAssertFalse(svg.contains("NaN") || svg.contains("=\"inf") || svg.contains("Infinity"), chart.id)
        }
    }

    func testSuppressedValuesAreGapsNotZero() throws {
        let charts = Self.gallery()
        let bar = charts.first { $0.id == "bar" }!
        XCTAssertEqual(bar.table.rows.first { $0[0] == "Legal Ops" }?[1], "suppressed")
        XCTAssertTrue(try bar.renderSVG().contains("suppressed-slot"))
        XCTAssertNotNil(bar.note)
        let line = charts.first { $0.id == "line" }!
        XCTAssertEqual(line.table.rows[3][1], "suppressed")
        XCTAssertTrue(line.note?.contains("not zero") == true)
    }

    func testDescriptionsSayWhatTheDataShows() {
        let line = Self.gallery().first { $0.id == "line" }!
        XCTAssertEqual(line.description, "tokens went from 1.2k in W01 to 1.5k in W12 (+25\u{00A0}%), peaking at 3.9k in W08. requests went from 400 in W01 to 300 in W12 (−25\u{00A0}%), peaking at 900 in W08. Vertical rules mark review 31 Mar.")
    }

    func testTenThousandPointScatterRenders() throws {
        var state: UInt64 = 1
        let points = (0..<10_000).map { index -> ScatterChart.Point in
            state = state &* 6364136223846793005 &+ 1
            return .init(label: "p\(index)", x: Double(state >> 40), y: Double((state >> 20) & 0xFFFF))
        }
        let chart = ScatterChart(id: "big", title: "Big", points: points, xLabel: "x", yLabel: "y").draw()
        let svg = try chart.renderSVG()
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 20_000, "each point in the wide and the narrow drawing")
        XCTAssertEqual(try chart.svg.render().components(separatedBy: "<circle").count - 1, 10_000)
    }
}

@testable import Disclosure
import XCTest

final class CellSuppressionTests: XCTestCase {
    typealias Measure = CellSuppression.Measure

    /// A rows × columns table of tokens with row totals, column totals and a grand total.
    func table(_ values: [[Double]], people: [[Int]]? = nil, rules: CellSuppression.Rules = .init(minGroupSize: 5, dominanceP: 0, protection: 0.1))
        -> (CellSuppression, [[Int]], [Int], [Int], Int) {
        var problem = CellSuppression(rules: rules)
        let rows = values.count, columns = values[0].count
        var grand = CellSuppression.Cell(name: "total", values: [.tokens: values.flatMap { $0 }.reduce(0, +)], anonymousPeople: 100)
        grand.fixed = true
        let total = problem.add(grand)
        let rowTotals = (0..<rows).map { r in problem.add(.init(name: "row \(r)", values: [.tokens: values[r].reduce(0, +)], anonymousPeople: 50)) }
        let columnTotals = (0..<columns).map { c in problem.add(.init(name: "column \(c)", values: [.tokens: (0..<rows).map { values[$0][c] }.reduce(0, +)], anonymousPeople: 50)) }
        let cells = (0..<rows).map { r in (0..<columns).map { c in
            problem.add(.init(name: "cell \(r) \(c)", values: [.tokens: values[r][c]], anonymousPeople: people?[r][c] ?? 10))
        } }
        for r in 0..<rows { problem.addLine(.tokens, total: rowTotals[r], parts: cells[r]) }
        for c in 0..<columns { problem.addLine(.tokens, total: columnTotals[c], parts: cells.map { $0[c] }) }
        problem.addLine(.tokens, total: total, parts: rowTotals)
        problem.addLine(.tokens, total: total, parts: columnTotals)
        return (problem, cells, rowTotals, columnTotals, total)
    }

    func testAttackerRangeOfARectangleIsBoundedByTheOppositeCorners() {
        var (problem, cells, _, _, _) = table([[10, 20, 30], [40, 50, 60], [70, 80, 90]])
        for cell in [cells[0][0], cells[0][1], cells[1][0], cells[1][1]] { problem.hide(cell, as: .secondary) }
        // x00 + d, x01 − d, x10 − d, x11 + d: d from −10 (x00) to +20 (x01 or x10 at most 20, 40).
        let range = problem.attackerRange(of: [cells[0][0]], measure: .tokens)
        XCTAssertEqual(range.low, 0, accuracy: 1e-9)
        XCTAssertEqual(range.high, 30, accuracy: 1e-9)
        let sum = problem.attackerRange(of: [cells[0][0], cells[0][1]], measure: .tokens)
        XCTAssertEqual(sum.low, 30, accuracy: 1e-9)
        XCTAssertEqual(sum.high, 30, accuracy: 1e-9)
    }

    func testASingleHiddenCellIsSolvedExactly() {
        var (problem, cells, _, _, _) = table([[10, 20], [40, 50]])
        problem.hide(cells[0][0], as: .frequency)
        let range = problem.attackerRange(of: [cells[0][0]], measure: .tokens)
        XCTAssertEqual(range.low, 10, accuracy: 1e-9)
        XCTAssertEqual(range.high, 10, accuracy: 1e-9)
    }

    func testSecondarySuppressionProtectsAPrimaryCell() {
        var (problem, cells, _, _, _) = table([[10, 20, 30], [40, 50, 60], [70, 80, 90]],
                                              people: [[2, 10, 10], [10, 10, 10], [10, 10, 10]])
        problem.solve()
        XCTAssertEqual(problem.cells[cells[0][0]].status, .frequency)
        let hidden = problem.cells.indices.filter { problem.cells[$0].status.isHidden }
        XCTAssertEqual(hidden.count, 4, "a rectangle: \(hidden.map { problem.cells[$0].name })")
        let range = problem.attackerRange(of: [cells[0][0]], measure: .tokens)
        XCTAssertLessThanOrEqual(range.low, 9)
        XCTAssertGreaterThanOrEqual(range.high, 11)
    }
}

@testable import Disclosure
import Stats
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

/// The shortcuts of the attacker problem say only what its linear programs would: a move that
/// proves a cell safe lies inside the programs' range, and a cell alone on an exact line is
/// pinned. Checked on random tables with margins, some of whose lines count people twice (a
/// total less than its parts), under random hidden patterns.
final class AttackerShortcutTests: XCTestCase {
    func testEveryShortcutAgreesWithTheLinearPrograms() {
        var random = SplitMix64(seed: 17)
        var proofs = 0, pinned = 0
        for _ in 0..<300 {
            let rows = 2 + random.below(4), columns = 2 + random.below(4)
            let values = (0..<rows).map { _ in (0..<columns).map { _ in Double(random.below(40)) } }
            var problem = CellSuppression(rules: .init(minGroupSize: 5, dominanceP: 0, protection: [0.05, 0.1, 0.3, 1][random.below(4)]))
            // A row total may be below the sum of its parts (people counted in two columns).
            let rowTotals = values.map { row in
                problem.add(.init(name: "row", values: [.people: max(0, row.reduce(0, +) - Double(random.below(2) * random.below(30)))]))
            }
            let columnTotals = (0..<columns).map { c in problem.add(.init(name: "column", values: [.people: values.map { $0[c] }.reduce(0, +)])) }
            var grand = CellSuppression.Cell(name: "total", values: [.people: columnTotals.map { problem.cells[$0].values[.people]! }.reduce(0, +)])
            grand.fixed = true
            let total = problem.add(grand)
            let cells = values.map { row in row.map { problem.add(.init(name: "cell", values: [.people: $0])) } }
            for r in 0..<rows { problem.addLine(.people, total: rowTotals[r], parts: cells[r]) }
            for c in 0..<columns { problem.addLine(.people, total: columnTotals[c], parts: cells.map { $0[c] }) }
            // (No line of the row totals: with people counted twice, they sum to more than the
            // grand total, which no line of Candor's is.)
            problem.addLine(.people, total: total, parts: columnTotals)
            let candidates = cells.flatMap { $0 } + rowTotals + columnTotals
            for cell in candidates where random.below(100) < 45 { problem.hide(cell, as: .secondary) }
            for cell in candidates where problem.cells[cell].status.isHidden {
                let value = problem.cells[cell].values[.people]!
                guard value > 0 else { continue }
                let amount = problem.rules.protection * value
                let range = problem.attackerRange(of: [cell], measure: .people)
                if problem.hasProtectingMove(cell, measure: .people, by: amount) {
                    proofs += 1
                    XCTAssertLessThanOrEqual(range.low, value - amount + 1e-6 * max(1, value), "\(values)")
                    XCTAssertGreaterThanOrEqual(range.high, value + amount - 1e-6 * max(1, value), "\(values)")
                }
                if problem.isAloneOnAnExactLine(cell, measure: .people) {
                    pinned += 1
                    XCTAssertEqual(range.low, value, accuracy: 1e-6 * max(1, value))
                    XCTAssertEqual(range.high, value, accuracy: 1e-6 * max(1, value))
                }
            }
        }
        // Both shortcuts were taken often enough to mean something.
        XCTAssertGreaterThan(proofs, 300)
        XCTAssertGreaterThan(pinned, 100)
    }
}

extension CellSuppressionTests {
    /// Two withheld columns (a team and its weeks, another team and its weeks): every cell is
    /// smaller than the protection the column total needs, so no cycle of single cells can move
    /// it, but the whole column can move against the other, week by week.
    func testAWholeGroupMovesAgainstAnother() {
        var (problem, cells, _, columnTotals, _) = table([[3, 4, 5], [3, 4, 5], [3, 4, 5], [3, 4, 5]],
                                                         rules: .init(minGroupSize: 5, dominanceP: 0, protection: 1))
        for column in [0, 1] {
            problem.hide(columnTotals[column], as: .secondary)
            for row in cells.indices { problem.hide(cells[row][column], as: .secondary) }
        }
        XCTAssertTrue(problem.hasProtectingMove(columnTotals[0], measure: .tokens, by: 12))
        let range = problem.attackerRange(of: [columnTotals[0]], measure: .tokens)
        XCTAssertLessThanOrEqual(range.low, 1e-9)
        XCTAssertGreaterThanOrEqual(range.high, 24 - 1e-9)
        // The first column's total is less than the 16 the second's needs: no such move (the
        // programs decide).
        XCTAssertFalse(problem.hasProtectingMove(columnTotals[1], measure: .tokens, by: 16))
    }
}

extension SplitMix64 {
    /// A number from 0 to n − 1.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

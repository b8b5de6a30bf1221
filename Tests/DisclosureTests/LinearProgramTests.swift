import XCTest
@testable import Disclosure

/// The simplex solver against SciPy's HiGHS on programs shaped like the attacker's (tables with
/// hidden cells, degenerate with zeros and repeated values, some lines `≥`) and random sparse
/// ones: the same optimum, or the same verdict of infeasible or unbounded
/// (`Fixtures/linear_programs.py` made the references).
final class LinearProgramTests: XCTestCase {
    struct Fixture: Decodable {
        struct Row: Decodable {
            var coefficients: [[Double]]
            var relation: String
            var rhs: Double
        }
        struct Objective: Decodable {
            var objective: [Int]
            var max: Answer
            var min: Answer
        }
        /// An optimum, or "infeasible" / "unbounded".
        enum Answer: Decodable, Equatable {
            case value(Double), verdict(String)
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let value = try? container.decode(Double.self) { self = .value(value) } else { self = .verdict(try container.decode(String.self)) }
            }
        }
        struct Problem: Decodable {
            var variables: Int
            var rows: [Row]
            var objectives: [Objective]
        }
        var problems: [Problem]
    }

    /// Both pivoting rules: Dantzig's (Bland's after 50 degenerate pivots in a row), and
    /// Bland's throughout (the fallback, which these small programs seldom reach).
    func testOptimaMatchAnIndependentSolver() throws {
        try check(blandAfter: 50)
        try check(blandAfter: 0)
    }

    func check(blandAfter: Int) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/linear_programs.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(fixture.problems.count, 40)
        var checked = (values: 0, infeasible: 0, unbounded: 0)
        for (number, problem) in fixture.problems.enumerated() {
            var program = LinearProgram(variables: problem.variables)
            program.blandAfter = blandAfter
            for row in problem.rows {
                program.rows.append(.init(coefficients: row.coefficients.map { (Int($0[0]), $0[1]) },
                                          relation: row.relation == "equal" ? .equal : .atLeast, rhs: row.rhs))
            }
            let start = program.feasible()
            for objective in problem.objectives {
                for (maximise, expected) in [(true, objective.max), (false, objective.min)] {
                    let found: Fixture.Answer
                    if let start {
                        switch program.optimise(start, objective: objective.objective, maximise: maximise) {
                        case let .optimal(value): found = .value(value)
                        case .unbounded: found = .verdict("unbounded")
                        case .infeasible: found = .verdict("infeasible")
                        }
                    } else {
                        found = .verdict("infeasible")
                    }
                    switch (found, expected) {
                    case let (.value(a), .value(b)):
                        XCTAssertEqual(a, b, accuracy: 1e-7 * max(1, abs(b)), "problem \(number), \(maximise ? "max" : "min") \(objective.objective)")
                        checked.values += 1
                    default:
                        XCTAssertEqual(found, expected, "problem \(number), \(maximise ? "max" : "min") \(objective.objective)")
                        if expected == .verdict("infeasible") { checked.infeasible += 1 } else { checked.unbounded += 1 }
                    }
                }
            }
        }
        // Every kind of answer is exercised.
        XCTAssertGreaterThan(checked.values, 100)
        XCTAssertGreaterThan(checked.infeasible, 10)
        XCTAssertGreaterThan(checked.unbounded, 10)
    }
}

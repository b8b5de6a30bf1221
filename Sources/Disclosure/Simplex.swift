/// A small dense linear-programming solver: the attacker's problem of cell suppression.
///
/// Solves `max c·x` (or `min`) subject to rows `a·x = b` or `a·x ≥ b`, and `x ≥ 0`, by the
/// two-phase simplex method on a dense tableau. The entering column is the most negative
/// reduced cost (Dantzig's rule: fewer pivots than Bland's, which this used alone), and
/// Bland's rule takes over after 50 degenerate pivots in a row, so it cannot cycle. The
/// problems have up to a few thousand variables (a report of many small cells hides many).
/// Numbers should be scaled to about 1.
struct LinearProgram {
    enum Relation { case equal, atLeast }
    struct Row {
        var coefficients: [(variable: Int, value: Double)]
        var relation: Relation
        var rhs: Double
    }

    enum Outcome: Equatable {
        case optimal(Double)
        case unbounded
        case infeasible
    }

    var variables: Int
    var rows: [Row] = []

    static let epsilon = 1e-9
    /// Degenerate pivots in a row after which Bland's rule takes over (tests set 0: Bland's
    /// rule throughout).
    var blandAfter = 50

    /// The tableau after phase 1: a feasible basis, reused for every objective.
    struct Feasible {
        var tableau: [Double]
        var width: Int
        var height: Int
        var basis: [Int]
        /// Columns that may enter in phase 2 (structural and slack, not artificial).
        var columns: Int
    }

    /// Phase 1: a basic feasible solution, or nil when the rows contradict each other.
    func feasible() -> Feasible? {
        let m = rows.count
        let slacks = rows.filter { $0.relation == .atLeast }.count
        let columns = variables + slacks
        let width = columns + m + 1  // structural, slack, artificial, right-hand side
        var t = [Double](repeating: 0, count: (m + 1) * width)
        var basis = [Int](repeating: 0, count: m)
        var slack = variables
        for (r, row) in rows.enumerated() {
            let sign: Double = row.rhs < 0 ? -1 : 1
            for (variable, value) in row.coefficients { t[r * width + variable] += sign * value }
            if row.relation == .atLeast {
                t[r * width + slack] = -sign
                slack += 1
            }
            t[r * width + columns + r] = 1
            t[r * width + width - 1] = sign * row.rhs
            basis[r] = columns + r
        }
        // Objective row: minimise the sum of artificials, written as max of its negative and
        // reduced by the rows so that the basic artificials have zero cost.
        let z = m * width
        for r in 0..<m {
            for c in 0..<width where c < columns || c == width - 1 { t[z + c] -= t[r * width + c] }
        }
        var tableau = Feasible(tableau: t, width: width, height: m, basis: basis, columns: columns + m)
        guard Self.iterate(&tableau, blandAfter: blandAfter) else { return nil }
        if tableau.tableau[z + width - 1] < -1e-7 * max(1, rows.map { abs($0.rhs) }.max() ?? 1) { return nil }
        // Drive artificials out of the basis where possible; rows where none can leave are
        // redundant and keep an artificial at zero, which phase 2 never lets enter again.
        for r in 0..<m where tableau.basis[r] >= columns {
            if let c = (0..<columns).first(where: { abs(tableau.tableau[r * width + $0]) > Self.epsilon }) {
                Self.pivot(&tableau, row: r, column: c)
            }
        }
        tableau.columns = columns
        return tableau
    }

    /// Phase 2 from a feasible basis: the optimum of `sense · x[objective...]`.
    func optimise(_ start: Feasible, objective: [Int], maximise: Bool) -> Outcome {
        var tableau = start
        let width = tableau.width, z = tableau.height * width
        for c in 0..<width { tableau.tableau[z + c] = 0 }
        // Maximise s·x: the objective row holds −s for the variables, then is reduced by the basis.
        let sense: Double = maximise ? 1 : -1
        for variable in objective { tableau.tableau[z + variable] -= sense }
        for r in 0..<tableau.height {
            let basic = tableau.basis[r]
            let cost = tableau.tableau[z + basic]
            if cost != 0 {
                for c in 0..<width { tableau.tableau[z + c] -= cost * tableau.tableau[r * width + c] }
            }
        }
        guard Self.iterate(&tableau, blandAfter: blandAfter) else { return .unbounded }
        return .optimal(sense * tableau.tableau[z + width - 1])
    }

    /// Simplex iterations; false when the objective is unbounded.
    static func iterate(_ tableau: inout Feasible, blandAfter: Int) -> Bool {
        let width = tableau.width, m = tableau.height, z = m * width
        var steps = 0
        var bland = blandAfter == 0, degenerate = 0
        while true {
            steps += 1
            if steps > 50_000 { return true }  // cannot happen with Bland's rule; a guard all the same
            var entering = -1
            if bland {
                guard let first = (0..<tableau.columns).first(where: { tableau.tableau[z + $0] < -epsilon }) else { return true }
                entering = first
            } else {
                var most = -epsilon
                for c in 0..<tableau.columns where tableau.tableau[z + c] < most { (most, entering) = (tableau.tableau[z + c], c) }
                guard entering >= 0 else { return true }
            }
            var leaving = -1
            var best = Double.infinity
            for r in 0..<m {
                let a = tableau.tableau[r * width + entering]
                guard a > epsilon else { continue }
                let ratio = tableau.tableau[r * width + width - 1] / a
                if ratio < best - epsilon || (abs(ratio - best) <= epsilon && leaving >= 0 && tableau.basis[r] < tableau.basis[leaving]) {
                    best = ratio
                    leaving = r
                }
            }
            guard leaving >= 0 else { return false }
            // Only degenerate pivots can cycle: after `blandAfter` in a row, Bland's rule to the end.
            degenerate = best <= epsilon ? degenerate + 1 : 0
            if degenerate >= blandAfter { bland = true }
            pivot(&tableau, row: leaving, column: entering)
        }
    }

    /// The other rows take the pivot row's nonzero columns only: the attacker's tableaux stay
    /// mostly zeros (a fifth of the columns of a pivot row, on a report of many small cells),
    /// and updating every column made suppression 70 % of such a build (perf). A multiple of
    /// zero subtracted changed nothing, so the result is the same.
    static func pivot(_ tableau: inout Feasible, row: Int, column: Int) {
        let width = tableau.width
        var nonzero: [Int] = []
        nonzero.reserveCapacity(width)
        tableau.tableau.withUnsafeMutableBufferPointer { t in
            let p = t[row * width + column]
            for c in 0..<width where t[row * width + c] != 0 {
                t[row * width + c] /= p
                nonzero.append(c)
            }
            for r in 0...tableau.height where r != row {
                let factor = t[r * width + column]
                guard factor != 0 else { continue }
                for c in nonzero { t[r * width + c] -= factor * t[row * width + c] }
            }
        }
        tableau.basis[row] = column
    }
}

/// Cell suppression over linked tables (DESIGN §4 "Privacy"), as statistical offices do it.
///
/// Every additive figure the report publishes is a *cell*; every published total is a *line*
/// (total = sum of its parts). Primary suppression marks the cells about too few people
/// (frequency rule) or dominated by one or two of them (p % rule). Secondary suppression then
/// hides further cells until the *attacker problem* of Fischetti and Salazar-González
/// ("Models and algorithms for the 2-dimensional cell suppression problem in statistical
/// disclosure control", Mathematical Programming 84, 1999) finds, for every sensitive cell and
/// every measure, that the cell can lie anywhere from (1 − p) to (1 + p) times its value
/// given everything published (p = `privacy.protection_pct`), and that every exactly
/// derivable sum of hidden cells along a published line is itself a safe group. The attacker
/// problem is solved as two linear programs per cell and measure over all tables at once;
/// cells are added greedily, preferring cells that close a cycle with hidden cells (as the
/// hypercube method does, Repsilber 2002) and then the smallest, as in the heuristics of
/// Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012), §4.2 — the families
/// τ-ARGUS calls "modular" and "optimal" solve the same problem exactly.
///
/// The result depends only on the cells, lines and their order, never on a clock or a random
/// source: the same inputs give the same pattern.
public struct CellSuppression {
    /// What a cell counts. Each outcome metric is a measure of its own (`outcome(k)`), so that a
    /// guardrail is protected as well as the primary metric.
    public struct Measure: Hashable, Comparable, Sendable, CustomStringConvertible {
        public let rawValue: Int
        public static let people = Measure(rawValue: 0), tokens = Measure(rawValue: 1), requests = Measure(rawValue: 2)
        public static let cost = Measure(rawValue: 4), documents = Measure(rawValue: 5), tried = Measure(rawValue: 6)
        /// Hours saved per week, summed over a group's answers.
        public static let hours = Measure(rawValue: 7)
        /// The k-th outcome metric of the report.
        public static func outcome(_ k: Int) -> Measure { Measure(rawValue: 100 + k) }
        /// Magnitudes carry per-person parts and so fall under the dominance rule.
        var isMagnitude: Bool { self == .tokens || self == .requests || self == .cost }
        public static func < (a: Measure, b: Measure) -> Bool { a.rawValue < b.rawValue }
        public var description: String {
            switch rawValue {
            case 0: "people"
            case 1: "tokens"
            case 2: "requests"
            case 4: "cost"
            case 5: "documents"
            case 6: "tried"
            case 7: "hours"
            default: "outcome \(rawValue - 100)"
            }
        }
    }

    public enum Status: Sendable, Equatable {
        case published
        /// About too few people.
        case frequency
        /// One or two people make up nearly all of it.
        case dominance
        /// Hidden so that a sensitive cell cannot be solved for.
        case secondary
        /// Never published, whatever the rules say (an unknown part, such as feedback without a team).
        case structural

        public var isHidden: Bool { self != .published }
        public var isPrimary: Bool { self == .frequency || self == .dominance }
    }

    /// One person's part of a cell's magnitudes (an anonymous index, never written anywhere).
    public struct Part: Sendable {
        public var person: Int32
        public var tokens: Double
        public var requests: Double
        public var cost: Double
        public init(person: Int32, tokens: Double, requests: Double, cost: Double) {
            self.person = person; self.tokens = tokens; self.requests = requests; self.cost = cost
        }
        func value(_ measure: Measure) -> Double {
            switch measure {
            case .tokens: tokens
            case .requests: requests
            case .cost: cost
            default: 0
            }
        }
    }

    public struct Cell: Sendable {
        public var name: String
        public var values: [Measure: Double]
        /// People behind the cell not identified one by one (vendors' group rows, documents).
        public var anonymousPeople: Int
        /// Identified people's parts, sorted by person.
        public var parts: [Part]
        public var status: Status = .published
        /// Cells hidden whenever this one is (a withheld team takes its weeks with it).
        public var implies: [Int] = []
        /// Never hidden to protect another cell (the organisation's own totals).
        public var fixed = false
        /// Withheld whatever its parts say (a team whose headcount is below the floor).
        public var forced = false
        public var people: Int { parts.count + anonymousPeople }

        public init(name: String, values: [Measure: Double], parts: [Part] = [], anonymousPeople: Int = 0, structural: Bool = false) {
            self.name = name
            self.values = values
            self.parts = parts
            self.anonymousPeople = anonymousPeople
            if structural { status = .structural }
        }
    }

    public struct Line: Sendable {
        public var measure: Measure
        public var total: Int
        public var parts: [Int]
        /// True when the total is exactly the sum of the parts; otherwise it is at most their sum
        /// (people counted in two parts).
        public var exact: Bool
    }

    public struct Rules: Sendable {
        public var minGroupSize: Int
        /// p of the p % dominance rule; 0 turns it off.
        public var dominanceP: Double
        /// Required protection, as a fraction of the cell's value on each side.
        public var protection: Double
        public init(minGroupSize: Int, dominanceP: Double, protection: Double) {
            self.minGroupSize = minGroupSize; self.dominanceP = dominanceP; self.protection = protection
        }
    }

    public private(set) var cells: [Cell] = []
    public private(set) var lines: [Line] = []
    var linesOf: [[Int]] = []
    let rules: Rules

    /// Counts the cells hidden so far, so that cached attacker programs are rebuilt after a change.
    var hiddenVersion = 0
    var programs = Programs()

    public init(rules: Rules) { self.rules = rules }

    @discardableResult
    public mutating func add(_ cell: Cell) -> Int {
        cells.append(cell)
        linesOf.append([])
        return cells.count - 1
    }

    /// A published total and its parts for one measure. Exactness is read off the true values.
    public mutating func addLine(_ measure: Measure, total: Int, parts: [Int]) {
        guard !parts.isEmpty else { return }
        let sum = parts.reduce(0.0) { $0 + (cells[$1].values[measure] ?? 0) }
        let totalValue = cells[total].values[measure] ?? 0
        let exact = abs(sum - totalValue) <= 1e-9 * max(1, abs(totalValue))
        lines.append(Line(measure: measure, total: total, parts: parts, exact: exact))
        for cell in [total] + parts where linesOf[cell].last != lines.count - 1 { linesOf[cell].append(lines.count - 1) }
    }

    public mutating func implies(_ cell: Int, _ others: [Int]) { cells[cell].implies += others }

    public mutating func force(_ cell: Int) { cells[cell].forced = true }

    // MARK: Primary suppression

    /// True when a group of `people` with these parts may not be published.
    func isSensitive(people: Int, parts: [Part], values: [Measure: Double]) -> Status? {
        if people > 0 && people < rules.minGroupSize { return .frequency }
        guard rules.dominanceP > 0 else { return nil }
        for measure in [Measure.tokens, .requests, .cost] {
            guard let total = values[measure], total > 0 else { continue }
            // p % rule: the second largest contributor can estimate the largest to within
            // p % when what the others add is less than p % of the largest.
            var first = 0.0, second = 0.0
            for part in parts {
                let v = part.value(measure)
                if v > first { second = first; first = v } else if v > second { second = v }
            }
            if total - first - second < rules.dominanceP / 100 * first { return .dominance }
        }
        return nil
    }

    /// Marks every cell the rules hit, then hides what withheld cells take with them.
    mutating func primary() {
        for index in cells.indices where cells[index].status == .published {
            let cell = cells[index]
            if cell.forced { cells[index].status = .frequency; continue }
            if let status = isSensitive(people: cell.people, parts: cell.parts, values: cell.values) { cells[index].status = status }
        }
        for index in cells.indices where cells[index].status.isPrimary { hide(index, as: cells[index].status) }
    }

    mutating func hide(_ index: Int, as status: Status) {
        if cells[index].status == .published { cells[index].status = status }
        hiddenVersion += 1
        for other in cells[index].implies where cells[other].status == .published { hide(other, as: .secondary) }
    }

    // MARK: Secondary suppression

    /// Runs primary and secondary suppression; afterwards every cell's status is final.
    public mutating func solve() {
        programs = Programs()
        primary()
        let sensitive = cells.indices.filter { cells[$0].status.isPrimary }
        // Larger cells first: protecting them tends to protect smaller neighbours too.
        var budget = cells.count * 4
        for index in sensitive { protect(index, budget: &budget) }
        // Exactly derivable sums along published lines must be safe groups.
        var changed = true
        while changed && budget > 0 {
            changed = false
            for (number, line) in lines.enumerated() where !cells[line.total].status.isHidden && line.exact {
                let hidden = line.parts.filter { cells[$0].status.isHidden && cells[$0].status != .structural }
                guard hidden.count >= 1, unionIsSensitive(hidden) else { continue }
                if let extra = cheapest(line.parts.filter { !cells[$0].status.isHidden }, measure: line.measure, atLeast: 0, line: number) {
                    hide(extra, as: .secondary)
                    changed = true
                    budget -= 1
                }
            }
        }
        // Re-check every sensitive cell: later additions only widen what an attacker can say,
        // but a cell hidden in the last step may need a partner of its own.
        for index in sensitive { protect(index, budget: &budget) }
    }

    /// Hides cells until an attacker cannot pin `index`: first a whole cycle of cells that can
    /// move together without changing any published total (the hypercube idea), then, where
    /// no such cycle exists, single neighbours.
    mutating func protect(_ index: Int, budget: inout Int) {
        while budget > 0, let need = exposure(of: index) {
            budget -= 1
            if let cycle = cycle(through: index, need: need) {
                for cell in cycle { hide(cell, as: .secondary) }
                continue
            }
            guard let extra = partner(for: index, need: need) else { return }
            hide(extra, as: .secondary)
        }
    }

    /// The cheapest set of cells that, hidden with `start`, can all move by ± the required
    /// protection while every line of the measure keeps its total: a partner on the same line
    /// (when neither is on another line), or the other three corners of a rectangle across
    /// two crossing lines. Cells already hidden cost nothing, so cycles share cells.
    func cycle(through start: Int, need: Need) -> [Int]? {
        let measure = need.measure
        // The rectangle search below asks for the same cells' lines and the same lines'
        // members many times over: each is worked out once per call.
        var linesOfCellMemo: [Int: [Int]] = [:]
        var membersMemo: [Int: [Int]] = [:]
        func linesOfCell(_ cell: Int) -> [Int] {
            if let known = linesOfCellMemo[cell] { return known }
            let found = linesOf[cell].filter { self.lines[$0].measure == measure }
            linesOfCellMemo[cell] = found
            return found
        }
        func members(_ line: Int) -> [Int] {
            if let known = membersMemo[line] { return known }
            let found = [lines[line].total] + lines[line].parts
            membersMemo[line] = found
            return found
        }
        func usable(_ cell: Int) -> Bool {
            cell != start && !cells[cell].fixed && (cells[cell].values[measure] ?? 0) >= need.required && cells[cell].status != .structural
        }
        func cost(_ cell: Int) -> Double {
            guard !cells[cell].status.isHidden else { return 0 }
            let value = cells[cell].values[measure] ?? 0
            let totals = linesOfCell(cell).count { lines[$0].total == cell }
            return value + Double(cells[cell].implies.count + totals) * (1 + value) * 1000
        }
        var costMemo: [Int: Double] = [:]
        func memoCost(_ cell: Int) -> Double {
            if let known = costMemo[cell] { return known }
            let found = cost(cell)
            costMemo[cell] = found
            return found
        }
        var best: (cost: Double, cells: [Int])?
        func consider(_ candidate: [Int]) {
            let total = candidate.reduce(0) { $0 + memoCost($1) }
            if best == nil || total < best!.cost || (total == best!.cost && candidate.lexicographicallyPrecedes(best!.cells)) {
                best = (total, candidate)
            }
        }
        let own = linesOfCell(start)
        // Two cells on one line and on no other line: they move in opposite directions.
        if own.count == 1 {
            for cell in members(own[0]) where usable(cell) && linesOfCell(cell).count == 1 && lines[own[0]].total != cell {
                consider([cell])
            }
        }
        // A rectangle: start and a share line A; start and b share line B; a and d share
        // line C; d and b share line D; each line holds exactly two corners.
        guard own.count == 2 else { return best?.cells }
        // The corners a line offers: its usable cells on exactly two lines, each with its other
        // line (worked out once per line, not once per corner tried).
        var cornersMemo: [Int: [(cell: Int, other: Int)]] = [:]
        func corners(_ line: Int) -> [(cell: Int, other: Int)] {
            if let known = cornersMemo[line] { return known }
            var found: [(cell: Int, other: Int)] = []
            for cell in members(line) where usable(cell) {
                let cellLines = linesOfCell(cell)
                guard cellLines.count == 2, let other = cellLines.first(where: { $0 != line }) else { continue }
                found.append((cell, other))
            }
            cornersMemo[line] = found
            return found
        }
        for (first, second) in [(own[0], own[1]), (own[1], own[0])] {
            let onSecond = Set(members(second))
            for (a, third) in corners(first) {
                for (d, fourth) in corners(third) where d != a && !onSecond.contains(d) && fourth != first {
                    for (b, _) in corners(fourth) where b != d && b != a && onSecond.contains(b) {
                        consider([a, b, d])
                    }
                }
            }
        }
        return best?.cells
    }

    func unionIsSensitive(_ members: [Int]) -> Bool {
        var byPerson: [Int32: Part] = [:]
        var anonymous = 0
        var values: [Measure: Double] = [:]
        for member in members {
            let cell = cells[member]
            anonymous += cell.anonymousPeople
            for part in cell.parts {
                var sum = byPerson[part.person] ?? Part(person: part.person, tokens: 0, requests: 0, cost: 0)
                sum.tokens += part.tokens; sum.requests += part.requests; sum.cost += part.cost
                byPerson[part.person] = sum
            }
            for (measure, value) in cell.values { values[measure, default: 0] += value }
        }
        return isSensitive(people: byPerson.count + anonymous, parts: Array(byPerson.values), values: values) != nil
    }

    struct Need {
        var measure: Measure
        var required: Double
        /// The lines of the cell's component that hold no other hidden cell of that measure.
        var openLines: [Int]
    }

    /// What an attacker can say about a hidden cell: nil when it is protected on every measure.
    func exposure(of index: Int) -> Need? {
        for measure in cells[index].values.keys.sorted() {
            guard let value = cells[index].values[measure], value > 0 else { continue }
            let range = attackerRange(of: [index], measure: measure)
            let required = rules.protection * value
            let tolerance = 1e-7 * max(1, value)
            if range.low > value - required + tolerance || range.high < value + required - tolerance {
                let open = linesOf[index].filter { number in
                    let line = lines[number]
                    guard line.measure == measure else { return false }
                    return ([line.total] + line.parts).filter { $0 != index && cells[$0].status.isHidden }.isEmpty
                }
                return Need(measure: measure, required: required, openLines: open)
            }
        }
        return nil
    }

    /// The cell to hide next for `index`: on a line where it stands alone, the cheapest cell
    /// with enough value; otherwise the cheapest cell that closes a cycle (shares a line with
    /// two hidden cells of the component), then any cheapest neighbour.
    func partner(for index: Int, need: Need) -> Int? {
        for number in need.openLines {
            let line = lines[number]
            let candidates = ([line.total] + line.parts).filter { !cells[$0].status.isHidden }
            if let choice = cheapest(candidates, measure: need.measure, atLeast: need.required, line: number) { return choice }
        }
        let component = self.component(of: [index], measure: need.measure)
        let hidden = Set(component.cells)
        var closing: [Int] = [], neighbours: [Int] = []
        var seen = Set<Int>()
        for number in component.lines {
            let line = lines[number]
            for cell in [line.total] + line.parts where !cells[cell].status.isHidden && !seen.contains(cell) {
                seen.insert(cell)
                let touching = linesOf[cell].filter { other in
                    lines[other].measure == need.measure && ([lines[other].total] + lines[other].parts).contains { hidden.contains($0) }
                }.count
                if touching >= 2 { closing.append(cell) } else { neighbours.append(cell) }
            }
        }
        return cheapest(closing, measure: need.measure, atLeast: need.required, line: nil)
            ?? cheapest(neighbours, measure: need.measure, atLeast: need.required, line: nil)
    }

    /// The cheapest candidate: enough value to protect first, then the smallest cost (its value
    /// and the cells it takes with it), then the first in order.
    func cheapest(_ candidates: [Int], measure: Measure, atLeast required: Double, line: Int?) -> Int? {
        func cost(_ cell: Int) -> (Int, Double, Int) {
            let value = cells[cell].values[measure] ?? 0
            let enough = value >= required && value > 0 ? 0 : 1
            // Hiding a total or a whole group costs what it takes with it.
            let weight = value + Double(cells[cell].implies.count) * (1 + value) + Double(linesOf[cell].count(where: { lines[$0].total == cell })) * (1 + value)
            return (enough, weight, cell)
        }
        return candidates.filter { !cells[$0].fixed }.min { cost($0) < cost($1) }
    }

    // MARK: The attacker

    struct Component {
        var cells: [Int]
        var lines: [Int]
    }

    /// Hidden cells linked to `start` through lines of `measure`, and those lines.
    func component(of start: [Int], measure: Measure) -> Component {
        var cellsSeen = Set(start), linesSeen = Set<Int>()
        var queue = start
        while let cell = queue.popLast() {
            for number in linesOf[cell] where lines[number].measure == measure && !linesSeen.contains(number) {
                linesSeen.insert(number)
                for other in [lines[number].total] + lines[number].parts where cells[other].status.isHidden && !cellsSeen.contains(other) {
                    cellsSeen.insert(other)
                    queue.append(other)
                }
            }
        }
        return Component(cells: cellsSeen.sorted(), lines: linesSeen.sorted())
    }

    /// The least and greatest value of the sum of `targets` consistent with everything published
    /// and with every cell being at least zero.
    public func attackerRange(of targets: [Int], measure: Measure) -> (low: Double, high: Double) {
        guard let program = attackerProgram(around: targets[0], measure: measure) else { return (0, .infinity) }
        let objective = targets.compactMap { program.variable[$0] }
        guard objective.count == targets.count else {
            // Targets in different components: the sum of separate ranges.
            return targets.map { attackerRange(of: [$0], measure: measure) }.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let high: Double
        switch program.lp.optimise(program.start, objective: objective, maximise: true) {
        case let .optimal(value): high = value * program.scale
        default: high = .infinity
        }
        let low: Double
        switch program.lp.optimise(program.start, objective: objective, maximise: false) {
        case let .optimal(value): low = max(0, value * program.scale)
        default: low = 0
        }
        return (low, high)
    }

    /// The attacker's program for the component of `cell`, with its feasible basis: built once
    /// per component and measure while no further cell is hidden.
    final class Programs: @unchecked Sendable {
        struct Program {
            var lp: LinearProgram
            var start: LinearProgram.Feasible
            var variable: [Int: Int]
            var scale: Double
        }
        var version = -1
        var byCell: [Measure: [Int: Int]] = [:]
        var programs: [Program?] = []
    }

    func attackerProgram(around cell: Int, measure: Measure) -> Programs.Program? {
        if programs.version != hiddenVersion {
            programs.version = hiddenVersion
            programs.byCell = [:]
            programs.programs = []
        }
        if let index = programs.byCell[measure]?[cell] { return programs.programs[index] }
        let component = component(of: [cell], measure: measure)
        let built = buildProgram(component, measure: measure)
        programs.programs.append(built)
        for member in component.cells { programs.byCell[measure, default: [:]][member] = programs.programs.count - 1 }
        return built
    }

    func buildProgram(_ component: Component, measure: Measure) -> Programs.Program? {
        var variable: [Int: Int] = [:]
        for (position, cell) in component.cells.enumerated() { variable[cell] = position }
        let scale = max(1, component.cells.map { cells[$0].values[measure] ?? 0 }.max() ?? 1)
        var program = LinearProgram(variables: component.cells.count)
        for number in component.lines {
            let line = lines[number]
            var row: [(variable: Int, value: Double)] = []
            var rhs = 0.0
            // parts − total (=, or ≥ when people may be counted twice) 0, with known cells moved right.
            for part in line.parts {
                if let v = variable[part] { row.append((v, 1)) } else { rhs -= (cells[part].values[measure] ?? 0) / scale }
            }
            if let v = variable[line.total] { row.append((v, -1)) } else { rhs += (cells[line.total].values[measure] ?? 0) / scale }
            guard !row.isEmpty else { continue }
            program.rows.append(.init(coefficients: row, relation: line.exact ? .equal : .atLeast, rhs: rhs))
        }
        guard let start = program.feasible() else { return nil }
        return Programs.Program(lp: program, start: start, variable: variable, scale: scale)
    }
}

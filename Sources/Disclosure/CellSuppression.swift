import Analysis

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
/// problem is solved as two linear programs per cell and measure over all tables at once
/// (unless a move of hidden cells proves the cell safe, or a line gives it exactly, which
/// settle it without them: `hasProtectingMove`, `isAloneOnAnExactLine`);
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

    /// A cell's values by measure: a few pairs in ascending order of measure, found by a scan.
    /// (A dictionary hashed the measure on every look-up, and the privacy step looks up cells'
    /// values hundreds of thousands of times: a sixth of it, perf.)
    public struct Values: Sequence, ExpressibleByDictionaryLiteral, Sendable {
        private var pairs: [(key: Measure, value: Double)] = []

        public init() {}

        public init(dictionaryLiteral elements: (Measure, Double)...) {
            for (measure, value) in elements { self[measure] = value }
        }

        /// The place of `measure`, or where it would go.
        private func position(of measure: Measure) -> (index: Int, found: Bool) {
            for (index, pair) in pairs.enumerated() where pair.key >= measure { return (index, pair.key == measure) }
            return (pairs.count, false)
        }

        public subscript(measure: Measure) -> Double? {
            get {
                let (index, found) = position(of: measure)
                return found ? pairs[index].value : nil
            }
            set {
                let (index, found) = position(of: measure)
                switch (found, newValue) {
                case let (true, value?): pairs[index].value = value
                case (true, nil): pairs.remove(at: index)
                case let (false, value?): pairs.insert((measure, value), at: index)
                case (false, nil): break
                }
            }
        }

        public subscript(measure: Measure, default value: Double) -> Double {
            get { self[measure] ?? value }
            set { self[measure] = newValue }
        }

        /// The measures, in ascending order.
        public var keys: [Measure] { pairs.map(\.key) }
        public var isEmpty: Bool { pairs.isEmpty }

        public func makeIterator() -> IndexingIterator<[(key: Measure, value: Double)]> { pairs.makeIterator() }
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

    /// One person's part of a cell's magnitudes (an anonymous index, never written anywhere):
    /// the analysis's own, taken as they are (a copy of every cell's parts was a fifth of
    /// the suppression's model of a report in random order, perf).
    public typealias Part = Contributors.Part

    public struct Cell: Sendable {
        public var name: String
        public var values: Values
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

        public init(name: String, values: Values, parts: [Part] = [], anonymousPeople: Int = 0, structural: Bool = false) {
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
    /// Per measure, each cell's lines of that measure (`linesOf` taken apart by measure as the
    /// lines are added): the searches for protecting cycles asked for them thousands of times
    /// per cell, and filtered and memoised them in a dictionary each time (a fifth of the
    /// privacy step, perf).
    private var linesByMeasure: [Measure: [[Int]]] = [:]
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
        var table = linesByMeasure.removeValue(forKey: measure) ?? []
        for cell in [total] + parts {
            if table.count <= cell { table += [[Int]](repeating: [], count: cell + 1 - table.count) }
            if table[cell].last != lines.count - 1 { table[cell].append(lines.count - 1) }
        }
        linesByMeasure[measure] = table
    }

    /// Each cell's lines of one measure, in the order they were added.
    struct MeasureLines {
        let table: [[Int]]
        subscript(cell: Int) -> [Int] { cell < table.count ? table[cell] : [] }
    }

    func lines(of measure: Measure) -> MeasureLines { MeasureLines(table: linesByMeasure[measure] ?? []) }

    public mutating func implies(_ cell: Int, _ others: [Int]) { cells[cell].implies += others }

    public mutating func force(_ cell: Int) { cells[cell].forced = true }

    // MARK: Primary suppression

    /// True when a group of `people` with these parts may not be published.
    func isSensitive(people: Int, parts: [Part], values: Values) -> Status? {
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
        // The rectangle search below asks for the same lines' corners many times over: each is
        // worked out once per call, in arrays (dictionaries of them hashed an Int thousands of
        // times a call, a third of the privacy step with hundreds of teams).
        let measureLines = lines(of: measure)
        func linesOfCell(_ cell: Int) -> [Int] { measureLines[cell] }
        func members(_ line: Int) -> [Int] { [lines[line].total] + lines[line].parts }
        func usable(_ cell: Int) -> Bool {
            cell != start && !cells[cell].fixed && (cells[cell].values[measure] ?? 0) >= need.required && cells[cell].status != .structural
        }
        func cost(_ cell: Int) -> Double {
            guard !cells[cell].status.isHidden else { return 0 }
            let value = cells[cell].values[measure] ?? 0
            let totals = linesOfCell(cell).count { lines[$0].total == cell }
            return value + Double(cells[cell].implies.count + totals) * (1 + value) * 1000
        }
        var costMemo = [Double?](repeating: nil, count: cells.count)
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
        var cornersMemo = [[(cell: Int, other: Int)]?](repeating: nil, count: lines.count)
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
        // The corners b of the second line by their other line D: the b that closes a rectangle
        // is looked up, not searched for along D (D may be a line of thousands). By line
        // number, in an array: hashing the lines was a tenth of this search.
        var bByLine = [[Int]](repeating: [], count: lines.count)
        for (first, second) in [(own[0], own[1]), (own[1], own[0])] {
            let bLines = corners(second).map(\.other)
            for (b, other) in corners(second) { bByLine[other].append(b) }
            defer { for other in bLines { bByLine[other] = [] } }
            for (a, third) in corners(first) {
                // d is not on the second line: its lines are the third and the fourth.
                for (d, fourth) in corners(third) where d != a && third != second && fourth != second && fourth != first {
                    for b in bByLine[fourth] where b != d && b != a {
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
        var values = Values()
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
        for measure in cells[index].values.keys {
            guard let value = cells[index].values[measure], value > 0 else { continue }
            let required = rules.protection * value
            let tolerance = 1e-7 * max(1, value)
            // The linear programs only when neither shortcut decides (each is what the programs
            // would find): they were nearly all of a build with hundreds of teams.
            let exposed: Bool
            if required <= tolerance || hasProtectingMove(index, measure: measure, by: required) {
                exposed = false
            } else if isAloneOnAnExactLine(index, measure: measure) {
                exposed = true
            } else {
                let range = attackerRange(of: [index], measure: measure)
                exposed = range.low > value - required + tolerance || range.high < value + required - tolerance
            }
            if exposed { return Need(measure: measure, required: required, openLines: openLines(of: index, measure: measure)) }
        }
        return nil
    }

    /// True when `index` is the only hidden cell of an exact line of `measure`: the line's
    /// published cells then give its value exactly.
    func isAloneOnAnExactLine(_ index: Int, measure: Measure) -> Bool {
        openLines(of: index, measure: measure).contains { lines[$0].exact }
    }

    /// The lines of `measure` on which `index` is the only hidden cell.
    func openLines(of index: Int, measure: Measure) -> [Int] {
        linesOf[index].filter { number in
            let line = lines[number]
            return line.measure == measure && !([line.total] + line.parts).contains { $0 != index && cells[$0].status.isHidden }
        }
    }

    /// Cells with the amount each moves by (in units of the protection), in the order they were
    /// given one: the few cells of a cycle, or a group's parts, looked up by a scan. (As a
    /// dictionary, hashing the cells was a sixth of the privacy step, perf.)
    struct Shift {
        private(set) var moves: [(cell: Int, by: Double)] = []
        var cells: some Sequence<Int> { moves.lazy.map(\.cell) }

        subscript(cell: Int) -> Double? {
            get { moves.first { $0.cell == cell }?.by }
            set {
                let index = moves.firstIndex { $0.cell == cell }
                switch (index, newValue) {
                case let (index?, value?): moves[index].by = value
                case let (index?, nil): moves.remove(at: index)
                case let (nil, value?): moves.append((cell, value))
                case (nil, nil): break
                }
            }
        }
    }

    /// Whether some hidden cells can move together with `index`, by `amount` up or down, while
    /// every exact line of `measure` keeps its published total, every other line stays within
    /// its slack, and every cell stays at least zero: a point of the attacker's program on each
    /// side, so a proof without the program that an attacker cannot pin `index` closer than
    /// ± `amount`. Tried, cheapest first: the cell alone; with one partner on one of its lines;
    /// the triangles and rectangles through its two lines (the cycles the hypercube method
    /// builds), at most 64 moves in all; then the shortest longer cycle; then, for a total, its
    /// whole group against another. Each is checked against every line it touches. False when
    /// none is found: the programs decide.
    func hasProtectingMove(_ index: Int, measure: Measure, by amount: Double) -> Bool {
        let measureLines = lines(of: measure)
        func linesOfCell(_ cell: Int) -> [Int] { measureLines[cell] }
        /// Calls `body` with each hidden cell of the line that can give `amount` either way, and
        /// its lines, until `body` returns true (lazily: lines can hold thousands of cells, and
        /// the first cycle found is usually a proof).
        func partners(_ line: Int, _ body: (Int, [Int]) -> Bool) -> Bool {
            func usable(_ cell: Int) -> Bool {
                cell != index && cells[cell].status.isHidden && (cells[cell].values[measure] ?? 0) >= amount
            }
            if usable(lines[line].total), body(lines[line].total, linesOfCell(lines[line].total)) { return true }
            for cell in lines[line].parts where usable(cell) {
                if body(cell, linesOfCell(cell)) { return true }
            }
            return false
        }
        /// A cell's coefficient in a line: +1 for each time it is a part, −1 as the total.
        func coefficient(_ cell: Int, _ line: Int) -> Double {
            Double(lines[line].parts.count { $0 == cell }) - (lines[line].total == cell ? 1 : 0)
        }
        /// How much more the parts of a line sum to than its total.
        func slack(_ line: Int) -> Double {
            lines[line].parts.reduce(0.0) { $0 + (cells[$1].values[measure] ?? 0) } - (cells[lines[line].total].values[measure] ?? 0)
        }
        /// The lines of these cells, each once, in ascending order.
        func linesTouched<Cells: Sequence<Int>>(by cells: Cells) -> [Int] {
            var touched: [Int] = []
            for cell in cells { touched += linesOfCell(cell) }
            touched.sort()
            var unique = touched.isEmpty ? 0 : 1
            for line in touched.dropFirst() where line != touched[unique - 1] {
                touched[unique] = line
                unique += 1
            }
            return Array(touched.prefix(unique))
        }
        var tries = 0
        /// Moves `index` by 1 and the others so that each line balances, then checks every line.
        func moves(_ support: [Int]) -> Bool {
            tries += 1
            var shift = Shift()
            shift[index] = 1
            let touched = linesTouched(by: support)
            // Each cell takes the shift that balances a line on which it is the last unknown:
            // exact lines first, as the others need only stay within their slack.
            for balancing in [touched.filter { lines[$0].exact }, touched] {
                var settled = false
                while !settled {
                    settled = true
                    for line in balancing {
                        let open = support.filter { shift[$0] == nil && coefficient($0, line) != 0 }
                        guard open.count == 1 else { continue }
                        let known = support.reduce(0.0) { $0 + coefficient($1, line) * (shift[$1] ?? 0) }
                        shift[open[0]] = -known / coefficient(open[0], line)
                        settled = false
                    }
                }
            }
            guard support.allSatisfy({ shift[$0] != nil }) else { return false }
            return holds(shift)
        }
        /// Whether moving each cell by its shift × `amount`, up or down, keeps every exact line
        /// it touches at its total (to rounding), every other line within its slack (a line
        /// that is at most the sum of its parts, people counted in two parts), and every cell
        /// at least zero.
        func holds(_ shift: Shift) -> Bool {
            for line in linesTouched(by: shift.cells) {
                let change = abs(shift.moves.reduce(0.0) { $0 + coefficient($1.cell, line) * $1.by })
                if lines[line].exact ? change > 1e-9 : change * amount > slack(line) { return false }
            }
            return shift.moves.allSatisfy { abs($0.by) * amount <= cells[$0.cell].values[measure] ?? 0 }
        }
        /// For a total whose parts are all hidden (a withheld team and its weeks): the whole
        /// group moves up, each part by its own share, while another such group on the total's
        /// other line (another withheld team) moves down part by part in the same other lines
        /// (the same weeks). Cycles of single cells cannot do it when every part is smaller than
        /// the protection the total needs.
        func groupMove(total line: Int, across other: Int) -> Bool {
            let parts = lines[line].parts
            let sum = parts.reduce(0.0) { $0 + (cells[$1].values[measure] ?? 0) }
            guard lines[line].exact, sum > 0, parts.allSatisfy({ cells[$0].status.isHidden }) else { return false }
            // Each part with a share: its share and its other line.
            var shares: [(cell: Int, share: Double, line: Int)] = []
            for part in parts {
                let value = cells[part].values[measure] ?? 0
                guard value > 0 else { continue }
                let partLines = linesOfCell(part)
                guard partLines.count == 2, let partLine = partLines.first(where: { $0 != line }) else { return false }
                shares.append((part, value / sum, partLine))
            }
            var found = false, groups = 0
            _ = partners(other) { partner, partnerLines in
                guard partnerLines.count == 2, let group = partnerLines.first(where: { $0 != other }),
                      group != line, lines[group].total == partner, lines[group].exact else { return false }
                groups += 1
                // The partner group's part in each of this group's other lines.
                var byLine: [Int: Int] = [:]
                for part in lines[group].parts where cells[part].status.isHidden {
                    let partLines = linesOfCell(part)
                    if partLines.count == 2, let partLine = partLines.first(where: { $0 != group }) { byLine[partLine] = part }
                }
                var shift = Shift()
                shift[index] = 1
                shift[partner] = -1
                for (cell, share, partLine) in shares {
                    guard let mirror = byLine[partLine] else { return groups >= 8 }
                    shift[cell] = share
                    shift[mirror] = -share
                }
                found = holds(shift)
                return found || groups >= 8
            }
            return found
        }
        /// The shortest path of usable cells, each on exactly two lines, from one of the cell's
        /// lines to the other (breadth first over lines), which the cell closes into a cycle: the
        /// cycles longer than a rectangle that protect a cell of a team whose other weeks are
        /// published. Checked like every other move.
        func longerCycle(from start: Int, to goal: Int) -> Bool {
            // The line → the cell it was reached by (−1: the start; −2: not reached).
            var cameBy = [Int](repeating: -2, count: lines.count)
            cameBy[start] = -1
            var frontier = [start]
            while !frontier.isEmpty {
                var next: [Int] = []
                for line in frontier {
                    let reached = partners(line) { cell, cellLines in
                        guard cellLines.count == 2 else { return false }
                        let other = cellLines[0] == line ? cellLines[1] : cellLines[0]
                        guard cameBy[other] == -2 else { return false }
                        cameBy[other] = cell
                        next.append(other)
                        return other == goal
                    }
                    guard reached else { continue }
                    var support = [index], at = goal
                    while cameBy[at] >= 0 {
                        let cell = cameBy[at]
                        support.append(cell)
                        let cellLines = linesOfCell(cell)
                        at = cellLines[0] == at ? cellLines[1] : cellLines[0]
                    }
                    return moves(support)
                }
                frontier = next
            }
            return false
        }
        let own = linesOfCell(index)
        // Alone, when the cell's lines have room enough (people of a team counted in two weeks).
        if own.allSatisfy({ !lines[$0].exact }) && moves([index]) { return true }
        // With one partner on one of its lines, when its other lines have room.
        for line in own where own.allSatisfy({ $0 == line || !lines[$0].exact }) {
            var found = false, pairs = 0
            _ = partners(line) { a, _ in
                pairs += 1
                found = moves([index, a])
                return found || pairs >= 16
            }
            if found { return true }
        }
        guard own.count == 2 else { return false }
        let (first, second) = (own[0], own[1])
        var proved = false
        _ = partners(first) { a, aLines in
            guard aLines.count == 2, !aLines.contains(second) else { return false }
            let third = aLines[0] == first ? aLines[1] : aLines[0]
            return partners(second) { b, bLines in
                guard b != a, bLines.count == 2, !bLines.contains(first) else { return false }
                let fourth = bLines[0] == second ? bLines[1] : bLines[0]
                if fourth == third {
                    proved = moves([index, a, b])
                } else {
                    // The fourth corner: on both other lines and on no further one.
                    _ = partners(third) { d, dLines in
                        guard d != b, dLines.count == 2, dLines.contains(fourth) else { return false }
                        proved = moves([index, a, b, d])
                        return true
                    }
                }
                return proved || tries >= 64
            }
        }
        if proved || (tries < 64 && longerCycle(from: first, to: second)) { return true }
        return (lines[first].total == index && groupMove(total: first, across: second))
            || (lines[second].total == index && groupMove(total: second, across: first))
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

extension Contributors.Part {
    func value(_ measure: CellSuppression.Measure) -> Double {
        switch measure {
        case .tokens: tokens
        case .requests: requests
        case .cost: cost
        default: 0
        }
    }
}

import CMemory

/// Every adoption trace — one per person, team and tool — kept by person: an array per person
/// of their traces, in order of team and tool, rather than one hash table of (person, team,
/// tool) keys.
///
/// Why: the rows reach the traces a person at a time (`UsageAggregate.add(personRows:)` sorts
/// each batch by person), so a person's traces are found by an index and a search among the
/// person's own, not a hash a row; the workers' parts hold disjoint people, so a merge moves
/// each person's array whole; and the analysis, which wants each person's traces together
/// (their tools, their first use of any), reads them so. With rows in random order the hash
/// table's look-ups and its merge were a twentieth of a build (perf). Iteration is in order of
/// person, team and tool, whatever order the rows came in. A person may have any number of
/// traces (a service account in every team, a file made so): every search is a binary one, and
/// new traces join a person's in one merge, so no step is quadratic in a person's traces.
struct AdoptionTraces: Sequence {
    struct Entry {
        var team: Int32
        var tool: Int32
        var trace: AdoptionTrace
    }

    /// By person id: their traces, in ascending order of team, then tool.
    private var people: [[Entry]] = []
    /// By person id: how many traces they have (read by `prefetchWeeks`, which cannot ask
    /// their array without copying it out).
    private var sizes: [Int32] = []
    /// Traces in all.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The people with a slot (some may hold no trace): ids are below it.
    var personCount: Int { people.count }

    /// A person's traces, in order of team and tool.
    func traces(of person: Int32) -> [Entry] {
        Int(person) < people.count && person >= 0 ? people[Int(person)] : []
    }

    subscript(key: AdoptionKey) -> AdoptionTrace? {
        get {
            let entries = traces(of: key.user)
            let (index, found) = Self.position(of: key.team, key.tool, in: entries)
            return found ? entries[index].trace : nil
        }
        set {
            withTraces(of: key.user) { entries, count in
                let (index, found) = Self.position(of: key.team, key.tool, in: entries)
                switch (found, newValue) {
                case let (true, trace?): entries[index].trace = trace
                case (true, nil): entries.remove(at: index); count -= 1
                case let (false, trace?): entries.insert(Entry(team: key.team, tool: key.tool, trace: trace), at: index); count += 1
                case (false, nil): break
                }
            }
        }
    }

    /// Calls `body` with a person's traces taken out of the table (so that changing them copies
    /// nothing) and the count of traces, both put back after.
    mutating func withTraces<T>(of person: Int32, _ body: (inout [Entry], inout Int) throws -> T) rethrows -> T {
        precondition(person >= 0, "a person's id is never negative")
        let index = Int(person)
        if index >= people.count {
            people.append(contentsOf: repeatElement([], count: index - people.count + 1))
            sizes.append(contentsOf: repeatElement(0, count: index - sizes.count + 1))
        }
        var entries: [Entry] = []
        swap(&entries, &people[index])
        defer {
            sizes[index] = Int32(entries.count)
            swap(&entries, &people[index])
        }
        return try body(&entries, &count)
    }

    /// Asks the processor for a person's traces (the first few): only a hint.
    func prefetch(_ person: Int32) {
        people.withUnsafeBufferPointer { people in
            guard person >= 0, Int(person) < people.count, let base = people.baseAddress else { return }
            let entries = ArrayAddress.elements(at: UnsafeRawPointer(base + Int(person)))
            candor_prefetch(entries - ArrayAddress.elementsOffset)
            for offset in stride(from: 64, to: 4 * MemoryLayout<Entry>.stride, by: 64) { candor_prefetch(entries + offset) }
        }
    }

    /// Asks the processor for the weeks of each of a person's traces, all of them (`prefetch`
    /// first, or this waits for the traces themselves): only a hint. A person's rows come in no
    /// order of week, and a batch reaches most of a trace's weeks: asked for week by week, two
    /// rows ahead, the weeks were still a miss on a third of the rows (perf), the trace's last
    /// week (read first) and a binary search among weeks with gaps.
    func prefetchWeeks(of person: Int32) {
        people.withUnsafeBufferPointer { people in
            guard person >= 0, Int(person) < people.count, let base = people.baseAddress else { return }
            let entries = ArrayAddress.elements(at: UnsafeRawPointer(base + Int(person)))
            for index in 0..<Swift.min(Int(sizes[Int(person)]), 8) {
                let entry = entries + index * MemoryLayout<Entry>.stride
                // Its weeks with shares are the weeks in its set: most in the set's window.
                let count = Swift.min(entry.load(fromByteOffset: Self.weekBitsOffset, as: UInt64.self).nonzeroBitCount, 64)
                let weeks = ArrayAddress.elements(at: entry + Self.weeksOffset)
                let end = count * MemoryLayout<WeeklyShares.Item>.stride
                candor_prefetch(weeks - ArrayAddress.elementsOffset)
                for offset in stride(from: 0, to: end, by: 64) { candor_prefetch(weeks + offset) }
                if end > 0 { candor_prefetch(weeks + (end - 1)) }
            }
        }
    }

    /// Where in an entry the array of its trace's weeks lies, and the window of its set of weeks.
    private static let weeksOffset = MemoryLayout<Entry>.offset(of: \Entry.trace.weekly.items)!
    private static let weekBitsOffset = MemoryLayout<Entry>.offset(of: \Entry.trace.weeks)! + WeekSet.bitsOffset

    /// Where (team, tool) is or would go among a person's traces.
    @inline(__always)
    static func position(of team: Int32, _ tool: Int32, in entries: [Entry]) -> (index: Int, found: Bool) {
        entries.withUnsafeBufferPointer { entries in
            let index = place(of: team, tool, in: entries)
            return (index, index < entries.count && entries[index].team == team && entries[index].tool == tool)
        }
    }

    /// The first of `entries` (in order of team and tool) not before (team, tool): a walk along
    /// a person's few, a binary search among many.
    @inline(__always)
    static func place(of team: Int32, _ tool: Int32, in entries: UnsafeBufferPointer<Entry>) -> Int {
        if entries.count <= 16 {
            var index = 0
            while index < entries.count, (entries[index].team, entries[index].tool) < (team, tool) { index += 1 }
            return index
        }
        var (low, high) = (0, entries.count)
        while low < high {
            let middle = (low + high) / 2
            if (entries[middle].team, entries[middle].tool) < (team, tool) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// `others` (in any order, a team and tool more than once) joined to `entries` (in order of
    /// team and tool), in one merge, keeping that order; the traces of a team and tool in both,
    /// or repeated, merged. Returns how many teams and tools were new.
    static func merge(_ others: [Entry], into entries: inout [Entry]) -> Int {
        let others = others.sorted { ($0.team, $0.tool) < ($1.team, $1.tool) }
        var merged: [Entry] = []
        merged.reserveCapacity(entries.count + others.count)
        var (mine, theirs, added) = (0, 0, 0)
        while mine < entries.count || theirs < others.count {
            // This table's entry first of equal ones, so that a new team and tool is one that
            // starts a run from `others`.
            let (next, isOther): (Entry, Bool)
            if theirs == others.count || (mine < entries.count
                && (entries[mine].team, entries[mine].tool) <= (others[theirs].team, others[theirs].tool)) {
                (next, isOther) = (entries[mine], false)
                mine += 1
            } else {
                (next, isOther) = (others[theirs], true)
                theirs += 1
            }
            if let last = merged.last, (last.team, last.tool) == (next.team, next.tool) {
                merged[merged.count - 1].trace.merge(next.trace)
            } else {
                merged.append(next)
                if isOther { added += 1 }
            }
        }
        entries = merged
        return added
    }

    /// Takes in another table's traces, its ids mapped to this one's, person by person.
    mutating func merge(_ other: AdoptionTraces, personMap: [Int32], teamMap: [Int32], toolMap: [Int32]) {
        for (person, entries) in other.people.enumerated() where !entries.isEmpty {
            let moved = entries.map { Entry(team: teamMap[Int($0.team)], tool: toolMap[Int($0.tool)], trace: $0.trace) }
            withTraces(of: personMap[person]) { mine, count in count += Self.merge(moved, into: &mine) }
        }
    }

    /// Calls `body` with each trace in place, in order of person, team and tool.
    mutating func updateEach(_ body: (AdoptionKey, inout AdoptionTrace) -> Void) {
        for person in people.indices where !people[person].isEmpty {
            var entries: [Entry] = []
            swap(&entries, &people[person])
            for index in entries.indices {
                body(AdoptionKey(user: Int32(person), team: entries[index].team, tool: entries[index].tool), &entries[index].trace)
            }
            swap(&entries, &people[person])
        }
    }

    var keys: [AdoptionKey] { map(\.key) }

    func makeIterator() -> Iterator { Iterator(people: people) }

    struct Iterator: IteratorProtocol {
        fileprivate let people: [[Entry]]
        private var person = 0, index = 0

        fileprivate init(people: [[Entry]]) { self.people = people }

        mutating func next() -> (key: AdoptionKey, value: AdoptionTrace)? {
            while person < people.count {
                if index < people[person].count {
                    let entry = people[person][index]
                    index += 1
                    return (AdoptionKey(user: Int32(person), team: entry.team, tool: entry.tool), entry.trace)
                }
                person += 1
                index = 0
            }
            return nil
        }
    }
}

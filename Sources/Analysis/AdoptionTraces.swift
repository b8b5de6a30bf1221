import CMemory

/// Every adoption trace — one per person, team and tool — kept by person: an array per person
/// of their traces, in order of team and tool, rather than one hash table of (person, team,
/// tool) keys.
///
/// Why: the rows reach the traces a person at a time (`UsageAggregate.add(personRows:)` sorts
/// each batch by person), so a person's traces are found by an index and a walk along a few
/// entries, not a hash a row; the workers' parts hold disjoint people, so a
/// merge moves each person's array whole; and the analysis, which wants each person's traces
/// together (their tools, their first use of any), reads them so. With rows in random order
/// the hash table's look-ups and its merge were a twentieth of a build (perf). Iteration is in
/// order of person, team and tool, whatever order the rows came in.
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
        var index = 0
        while index < entries.count {
            let entry = entries[index]
            if entry.team == team && entry.tool == tool { return (index, true) }
            if entry.team > team || (entry.team == team && entry.tool > tool) { break }
            index += 1
        }
        return (index, false)
    }

    /// Takes in another table's traces, its ids mapped to this one's: a person's traces move
    /// over whole when this table has none of theirs, and are merged one by one otherwise.
    mutating func merge(_ other: AdoptionTraces, personMap: [Int32], teamMap: [Int32], toolMap: [Int32]) {
        for (person, entries) in other.people.enumerated() where !entries.isEmpty {
            var moved = entries.map { Entry(team: teamMap[Int($0.team)], tool: toolMap[Int($0.tool)], trace: $0.trace) }
            moved.sort { ($0.team, $0.tool) < ($1.team, $1.tool) }
            withTraces(of: personMap[person]) { mine, count in
                if mine.isEmpty {
                    mine = moved
                    count += moved.count
                    return
                }
                for entry in moved {
                    let (index, found) = Self.position(of: entry.team, entry.tool, in: mine)
                    if found {
                        mine[index].trace.merge(entry.trace)  // in place: no third copy of the weeks
                    } else {
                        mine.insert(entry, at: index)
                        count += 1
                    }
                }
            }
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

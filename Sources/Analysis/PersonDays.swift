import CMemory

/// Each person's tokens and requests per active day, kept per person as a run of consecutive
/// days (an array indexed by day) rather than one hash table of (person, day) keys.
///
/// Why: with rows in random order, nearly every row is a new person-day, and a hash table of
/// them grew with the rows until every person-day had been seen, at 32–64 bytes each once its
/// load factor is counted — at 10M such rows, two workers' tables were 200 MB of the 516 MB
/// peak (heaptrack, `bench/bench.py`'s random shape). A run costs 16 bytes per day of the
/// person's span whether one row or ten reached the day, and finding a day is an index, not a
/// hash. A day far from the rest of a person's days (a run would then be mostly gaps) goes to
/// a small table instead (and into its person's list of such days), so memory stays within
/// five slots per person-day (four in a run, one apart, and four bytes in the list) on any data.
struct PersonDays {
    private struct Run {
        /// The day of `days[0]`.
        var first: Int32 = 0
        /// One slot per day from `first`; a day without an active row is `DayTotals.absent`.
        var days: [DayTotals] = []
        /// Days that hold totals, in `days` and in `scattered`.
        var present: Int32 = 0
        /// This person's days kept in `scattered`, in the order they came: when the run widens,
        /// those it now covers move in. (Looking up every day the run newly covered in
        /// `scattered`, whether kept apart or not, was a twentieth of a build of rows in random
        /// order, perf.)
        var apart: [Int32] = []
    }

    private var runs: [Run] = []
    /// Person-days outside their person's run.
    private var scattered: [PairKey: DayTotals] = [:]
    /// Person-days with totals.
    private(set) var count = 0
    /// Slots copied when runs moved to a larger array: kept to show (in tests) that a run's
    /// growth costs a constant per day.
    private(set) var copied = 0

    /// Adds a row's tokens and requests to the person's day. (The person's run is taken out
    /// while it changes: it and the table of days apart may both change.)
    mutating func add(person: Int32, day: Int32, tokens: Int64, requests: Int64) {
        let index = Int(person)
        if index >= runs.count { runs.append(contentsOf: repeatElement(Run(), count: index - runs.count + 1)) }
        var run = Run()
        swap(&run, &runs[index])
        defer { swap(&run, &runs[index]) }
        add(&run, person: person, day: day, tokens: tokens, requests: requests)
    }

    /// Adds a day outside the run's slots: the run's first day, a day it widens to take in,
    /// or one kept apart.
    private mutating func addOutside(_ run: inout Run, person: Int32, day: Int32, tokens: Int64, requests: Int64) {
        if run.days.isEmpty {
            run.first = day
            run.days = [DayTotals(tokens: tokens, requests: requests)]
            run.present = 1
            count += 1
        } else if let slot = widen(&run, person: person, to: day) {
            // Absent, unless the day was kept apart and has just moved into the run.
            if run.days[slot].isAbsent {
                run.days[slot] = DayTotals(tokens: tokens, requests: requests)
                run.present += 1
                count += 1
            } else {
                run.days[slot].add(tokens: tokens, requests: requests)
            }
        } else {
            // One lookup with a default, and the count tells a new day: `table[key]?.add(…)`
            // allocated on every call (heaptrack).
            let known = scattered.count
            scattered[PairKey(person, day), default: DayTotals()].add(tokens: tokens, requests: requests)
            if scattered.count > known {
                run.present += 1
                run.apart.append(day)
                count += 1
            }
        }
    }

    /// Adds rows `range` of `rows`, all of one person: their run is taken out of `runs` once
    /// for them all (a change made through `runs` checked its storage for every row). The
    /// processor is asked for the slot of the day eight rows ahead, this person's or the
    /// next's: the rows come in no order of day, and each slot was a miss of the caches
    /// (perf: half the time of adding a day).
    mutating func add(person: Int32, rows: UnsafeBufferPointer<UsageAggregate.PersonRow>, _ range: Swift.Range<Int>) {
        let index = Int(person)
        if index >= runs.count { runs.append(contentsOf: repeatElement(Run(), count: index - runs.count + 1)) }
        var run = Run()
        swap(&run, &runs[index])
        defer { swap(&run, &runs[index]) }
        for position in range {
            let row = rows[position]
            if position + 8 < rows.count, case let ahead = rows[position + 8] {
                if ahead.user == person {
                    let offset = Int64(ahead.day) - Int64(run.first)
                    run.days.withUnsafeBufferPointer { days in
                        if offset >= 0, offset < Int64(days.count), let base = days.baseAddress { candor_prefetch(base + Int(offset)) }
                    }
                } else {
                    prefetch(ahead.user, day: ahead.day)
                }
            }
            add(&run, person: person, day: row.day, tokens: row.share.tokens, requests: row.share.requests)
        }
    }

    /// Adds a day's tokens and requests to a run taken out of `runs`.
    @inline(__always)
    private mutating func add(_ run: inout Run, person: Int32, day: Int32, tokens: Int64, requests: Int64) {
        let offset = Int64(day) - Int64(run.first)
        if offset >= 0 && offset < Int64(run.days.count) {
            run.days.withUnsafeMutableBufferPointer { days in
                if days[Int(offset)].isAbsent {
                    days[Int(offset)] = DayTotals(tokens: tokens, requests: requests)
                    run.present += 1
                    count += 1
                } else {
                    days[Int(offset)].add(tokens: tokens, requests: requests)
                }
            }
            return
        }
        addOutside(&run, person: person, day: day, tokens: tokens, requests: requests)
    }

    /// Asks the processor for the start of a person's run (its count and first days): only a
    /// hint. (The run is read where it lies, `ArrayAddress`: copied out, its arrays were
    /// retained and released.)
    func prefetch(_ person: Int32) {
        runs.withUnsafeBufferPointer { runs in
            guard person >= 0, Int(person) < runs.count, let base = runs.baseAddress else { return }
            let days = ArrayAddress.elements(at: UnsafeRawPointer(base + Int(person)) + Self.daysOffset)
            candor_prefetch(days - ArrayAddress.elementsOffset)
            candor_prefetch(days + 32)
        }
    }

    /// Asks the processor for the slot of a person's day, when it could lie in their run: only
    /// a hint (nothing is changed, and only the run's first day is read).
    private func prefetch(_ person: Int32, day: Int32) {
        runs.withUnsafeBufferPointer { runs in
            guard person >= 0, Int(person) < runs.count, let base = runs.baseAddress else { return }
            let run = UnsafeRawPointer(base + Int(person))
            let offset = Int64(day) - Int64(run.load(fromByteOffset: Self.firstOffset, as: Int32.self))
            guard offset >= 0, offset < 1 << 16 else { return }
            candor_prefetch(ArrayAddress.elements(at: run + Self.daysOffset) + Int(offset) * MemoryLayout<DayTotals>.stride)
        }
    }

    /// Where in a run its first day and its array of days lie.
    private static let firstOffset = MemoryLayout<Run>.offset(of: \Run.first)!
    private static let daysOffset = MemoryLayout<Run>.offset(of: \Run.days)!

    /// Widens the run to take in `day` when it stays at least a quarter full, and returns the
    /// day's slot; nil when the day is to be kept apart. Room is made an eighth of the run at a
    /// time (not doubled, as an array's appends do: that left runs half empty), and only when
    /// that much fits within the quarter: a run is copied once per eighth it grows, so days in
    /// ascending or descending order, however spaced, cost no more than a constant per day.
    /// Person-days kept apart that the run now covers move into it.
    private mutating func widen(_ run: inout Run, person: Int32, to day: Int32) -> Int? {
        let start = Int64(run.first), end = start + Int64(run.days.count)
        let limit = 4 * Int64(run.present + 1) + 16
        let needed = max(end, Int64(day) + 1) - min(start, Int64(day))
        let room = Int64(run.days.count) / 8 + 4
        let newStart: Int64, newEnd: Int64
        if Int64(day) >= end && needed <= Int64(run.days.capacity) {
            // Later days within the room already made.
            (newStart, newEnd) = (start, Int64(day) + 1)
            run.days.append(contentsOf: repeatElement(DayTotals.absent, count: Int(newEnd - end)))
        } else if needed + room > limit {
            return nil
        } else if Int64(day) < start {
            (newStart, newEnd) = (max(Int64(Int32.min), Int64(day) - room), end)
            var days: [DayTotals] = []
            days.reserveCapacity(Int(newEnd - newStart))
            days.append(contentsOf: repeatElement(DayTotals.absent, count: Int(start - newStart)))
            days.append(contentsOf: run.days)
            copied += run.days.count
            run.days = days
        } else {
            (newStart, newEnd) = (start, Int64(day) + 1)
            copied += run.days.count
            run.days.reserveCapacity(Int(needed + room))
            run.days.append(contentsOf: repeatElement(DayTotals.absent, count: Int(newEnd - end)))
        }
        run.first = Int32(newStart)
        if !run.apart.isEmpty {
            // The days kept apart that the run now covers move into it; the rest stay, in order.
            var kept = 0
            for index in run.apart.indices {
                let apartDay = run.apart[index]
                if Int64(apartDay) >= newStart && Int64(apartDay) < newEnd,
                   let totals = scattered.removeValue(forKey: PairKey(person, apartDay)) {
                    run.days[Int(Int64(apartDay) - newStart)] = totals
                } else {
                    run.apart[kept] = apartDay
                    kept += 1
                }
            }
            run.apart.removeLast(run.apart.count - kept)
        }
        return Int(Int64(day) - newStart)
    }

    /// Every person-day with totals: by person, then (within the run, then apart from it) by day.
    func forEach(_ body: (_ person: Int32, _ day: Int32, DayTotals) -> Void) {
        for index in runs.indices { forEach(of: Int32(index), body) }
    }

    /// Each person with days, and those days' totals in `forEach`'s order, gathered in one
    /// array (reused from person to person): one call per person rather than per day. (The
    /// analysis's walk over a million person-days, a call per day, was a fifth of its own
    /// thread's time: perf, rows in random order.)
    func forEachPerson(_ body: (_ person: Int32, _ days: [DayTotals]) -> Void) {
        var days: [DayTotals] = []
        for index in runs.indices where runs[index].present > 0 {
            days.removeAll(keepingCapacity: true)
            runs[index].days.withUnsafeBufferPointer { run in
                for totals in run where !totals.isAbsent { days.append(totals) }
            }
            for day in runs[index].apart.sorted() { days.append(scattered[PairKey(Int32(index), day)]!) }
            body(Int32(index), days)
        }
    }

    /// One person's days with totals, as `forEach`.
    private func forEach(of person: Int32, _ body: (_ person: Int32, _ day: Int32, DayTotals) -> Void) {
        let run = runs[Int(person)]
        for (offset, totals) in run.days.enumerated() where !totals.isAbsent {
            body(person, Int32(Int64(run.first) + Int64(offset)), totals)
        }
        for day in run.apart.sorted() { body(person, day, scattered[PairKey(person, day)]!) }
    }

    /// Another worker's person-days, its person ids mapped to this one's by `personMap`. A
    /// person with no days here takes the other's run whole (parts that share the people out
    /// hold none in common: `PartsExchange`); the others' days are added one by one.
    mutating func merge(_ other: PersonDays, personMap: [Int32]) {
        for index in other.runs.indices where other.runs[index].present > 0 {
            let person = personMap[index], slot = Int(person)
            if slot >= runs.count { runs.append(contentsOf: repeatElement(Run(), count: slot - runs.count + 1)) }
            guard runs[slot].present > 0 else {
                let run = other.runs[index]
                for day in run.apart { scattered[PairKey(person, day)] = other.scattered[PairKey(Int32(index), day)] }
                runs[slot] = run
                count += Int(run.present)
                continue
            }
            // Both hold days of the person (the rows a part kept for another that had finished
            // reading): the fewer days are added into the run of the more, so that a person's
            // few kept rows do not take the whole of their days, one by one, into a run of a
            // few (perf: a tenth of merging the parts of a 1M-row build in random order).
            var source = other, from = Int32(index)
            if other.runs[index].present > runs[slot].present {
                let mine = PersonDays(taking: person, from: &self)
                let run = other.runs[index]
                for day in run.apart { scattered[PairKey(person, day)] = other.scattered[PairKey(Int32(index), day)] }
                runs[slot] = run
                count += Int(run.present)
                (source, from) = (mine, 0)
            }
            source.forEach(of: from) { _, day, totals in
                add(person: person, day: day, tokens: totals.tokens, requests: totals.requests)
            }
        }
    }

    init() {}

    /// Person `person`'s days, taken out of `days` (as person 0 of the result).
    private init(taking person: Int32, from days: inout PersonDays) {
        var run = Run()
        swap(&run, &days.runs[Int(person)])
        for day in run.apart { scattered[PairKey(0, day)] = days.scattered.removeValue(forKey: PairKey(person, day)) }
        days.count -= Int(run.present)
        runs = [run]
        count = Int(run.present)
    }

    /// Slots held for days, in runs (their capacity) and apart: what memory the days cost.
    var slots: Int { runs.reduce(0) { $0 + $1.days.capacity } + scattered.count }

    /// Whether every day kept apart is listed by its person's run and no day is in both places
    /// (tests).
    var apartIsConsistent: Bool {
        var listed = 0
        for (index, run) in runs.enumerated() {
            for day in run.apart {
                let offset = Int64(day) - Int64(run.first)
                guard scattered[PairKey(Int32(index), day)] != nil, !(offset >= 0 && offset < Int64(run.days.count)) else { return false }
                listed += 1
            }
        }
        return listed == scattered.count
    }

    /// The totals of one person-day (tests and the cache's checks).
    subscript(person: Int32, day: Int32) -> DayTotals? {
        guard Int(person) < runs.count, person >= 0 else { return nil }
        let run = runs[Int(person)]
        let offset = Int64(day) - Int64(run.first)
        if offset >= 0 && offset < Int64(run.days.count) {
            let totals = run.days[Int(offset)]
            return totals.isAbsent ? nil : totals
        }
        return scattered[PairKey(person, day)]
    }
}

extension DayTotals {
    /// A day of a run without an active row. Counts are never negative, and a sum that could
    /// have wrapped this far makes the analysis refuse the inputs (`shadowTotal`).
    static let absent = DayTotals(tokens: 0, requests: .min)
    var isAbsent: Bool { requests == .min }
}

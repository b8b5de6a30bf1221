import CMemory

/// A key of `DeferredSums`: its ids mixed with a table's seed.
protocol MixedKey: Equatable {
    func mixed(seed: Int) -> Int
}

/// A value of `DeferredSums`: sums, so that the order they are added in does not matter.
protocol Summable {
    init()
    mutating func add(_ other: Self)
}

/// Sums per key, each made a few adds after it was asked for. Why: with rows in random order
/// each row's cell (its team, tool and week; its team and day) lies anywhere in a table larger
/// than the processor's caches, and finding and adding to it waited for memory on every row
/// (perf: a tenth of reading such rows, in dictionaries' look-ups and the sums). Here the
/// processor is asked for the key's place when the add comes, and the sum is made `delay` adds
/// later, by when the place is in the cache, so that the waits of successive rows overlap.
///
/// An open-addressed table, at most three quarters full as a dictionary is (at most half, it
/// took 5 MB more than the dictionaries at the peak of a build of 10M rows), its keys in one
/// array (several to a line of memory) and their sums at the same places in another. The keys
/// are mixed with a seed each table draws, so no rows can be made whose keys all collide.
struct DeferredSums<Key: MixedKey & Sendable, Value: Summable & Sendable>: Sendable {
    private var keys: [Key?]
    private var sums: [Value]
    private(set) var count = 0
    private let seed = Int.random(in: .min ... .max)
    /// Adds waiting: `waitingCount` of `delay` places, the oldest at `next`, the latest at
    /// `newest` (−1: none).
    private var waitingKeys: [Key?]
    private var waitingValues: [Value]
    private var waitingCount = 0
    private var next = 0
    private var newest = -1
    private static var delay: Int { 8 }

    init() {
        keys = [Key?](repeating: nil, count: 64)
        sums = Self.unwritten(64)
        waitingKeys = [Key?](repeating: nil, count: Self.delay)
        waitingValues = [Value](repeating: Value(), count: Self.delay)
    }

    var isEmpty: Bool { count == 0 && waitingCount == 0 }

    /// Adds `value` to the sum of `key`, `delay` adds from now (`forEach` makes every one).
    /// A key the same as the previous add's joins that add: rows in order of person and day
    /// mostly repeat their cell.
    mutating func add(_ key: Key, _ value: Value) {
        if newest >= 0, waitingKeys[newest] == key {
            waitingValues[newest].add(value)
            return
        }
        let place = key.mixed(seed: seed) & (keys.count - 1)
        keys.withUnsafeBufferPointer { candor_prefetch($0.baseAddress! + place) }
        sums.withUnsafeBufferPointer { sums in
            // Every line the sum lies on.
            let start = UnsafeRawPointer(sums.baseAddress! + place)
            for offset in stride(from: 0, to: MemoryLayout<Value>.size, by: 64) { candor_prefetch(start + offset) }
            candor_prefetch(start + (MemoryLayout<Value>.size - 1))
        }
        let slot: Int
        if waitingCount < Self.delay {
            slot = waitingCount
            waitingCount += 1
        } else {
            slot = next
            next = next + 1 == Self.delay ? 0 : next + 1
            sum(waitingKeys[slot]!, waitingValues[slot])
        }
        waitingKeys[slot] = key
        waitingValues[slot] = value
        newest = slot
    }

    /// Adds now.
    private mutating func sum(_ key: Key, _ value: Value) {
        let mask = keys.count - 1
        var place = key.mixed(seed: seed) & mask
        while let known = keys[place] {
            if known == key {
                sums[place].add(value)
                return
            }
            place = (place + 1) & mask
        }
        keys[place] = key
        sums[place] = value
        count += 1
        if 4 * count > 3 * keys.count { grow() }
    }

    /// Twice the places, each key placed again.
    private mutating func grow() {
        let (oldKeys, oldSums) = (keys, sums)
        keys = [Key?](repeating: nil, count: 2 * oldKeys.count)
        sums = Self.unwritten(2 * oldKeys.count)
        let mask = keys.count - 1
        for (index, key) in oldKeys.enumerated() {
            guard let key else { continue }
            var place = key.mixed(seed: seed) & mask
            while keys[place] != nil { place = (place + 1) & mask }
            keys[place] = key
            sums[place] = oldSums[index]
        }
    }

    /// Room for `count` sums, not written until a key takes their place: only places with a
    /// key are read, and writing every sum first made the kernel give the whole table memory
    /// at once (a few MB more at the peak of a build, of places never used). The values are
    /// plain numbers (`Summable` types here are trivial), so no sum needs destroying.
    private static func unwritten(_ count: Int) -> [Value] {
        precondition(_isPOD(Value.self), "sums are plain numbers")
        return [Value](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Makes the adds that wait.
    private mutating func sumWaiting() {
        for slot in 0..<waitingCount { sum(waitingKeys[slot]!, waitingValues[slot]) }
        waitingCount = 0
        next = 0
        newest = -1
    }

    /// Every key's sum, the waiting adds made first (in no particular order: use only for sums).
    mutating func forEach(_ body: (Key, Value) -> Void) {
        sumWaiting()
        for (index, key) in keys.enumerated() {
            if let key { body(key, sums[index]) }
        }
    }
}

extension TeamToolWeek: MixedKey {
    func mixed(seed: Int) -> Int { PairKey.mix(team, tool, week, seed: seed) }
}

extension PairKey: MixedKey {
    func mixed(seed: Int) -> Int { Self.mix(raw, seed: seed) }
}

extension Int64: Summable {
    mutating func add(_ other: Int64) { self &+= other }
}

extension Totals: Summable {}

/// The figures nearly every usage row has, a line of memory (64 bytes) where `Totals` takes
/// three: a row with none of the others (cached tokens, lines, automation, low-value tokens,
/// cost-only rows, cache savings) is summed in these. With rows in random order every row's
/// cell is a miss of the caches, and its three lines, their prefetches and the copies of 144
/// bytes through the waiting adds were a twelfth of reading such rows (perf).
struct CommonTotals: Summable {
    var requests: Int64 = 0
    var inputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var shown: Int64 = 0
    var accepted: Int64 = 0
    var rowsWithSuggestions: Int64 = 0
    var costMicros: Int64 = 0
    var pricedTokens: Int64 = 0

    init() {}

    /// The common figures of `totals`, or nil when it has any other.
    @inline(__always)
    init?(_ totals: Totals) {
        guard totals.cachedTokens | totals.linesSuggested | totals.linesAcceptedOfSuggested | totals.linesAccepted
                | totals.automatedTokens | totals.automatedRequests | totals.lowValueTokens | Int64(totals.costOnlyRows)
                | totals.cachedSavingMicros == 0,
              totals.tokens == totals.inputTokens &+ totals.outputTokens else { return nil }
        (requests, inputTokens, outputTokens) = (totals.requests, totals.inputTokens, totals.outputTokens)
        (shown, accepted, rowsWithSuggestions) = (totals.shown, totals.accepted, totals.rowsWithSuggestions)
        (costMicros, pricedTokens) = (totals.costMicros, totals.pricedTokens)
    }

    mutating func add(_ other: CommonTotals) {
        requests &+= other.requests
        inputTokens &+= other.inputTokens
        outputTokens &+= other.outputTokens
        shown &+= other.shown
        accepted &+= other.accepted
        rowsWithSuggestions &+= other.rowsWithSuggestions
        costMicros &+= other.costMicros
        pricedTokens &+= other.pricedTokens
    }

    /// As full totals (the others zero).
    var totals: Totals {
        var totals = Totals()
        (totals.requests, totals.inputTokens, totals.outputTokens) = (requests, inputTokens, outputTokens)
        totals.tokens = inputTokens &+ outputTokens
        (totals.shown, totals.accepted, totals.rowsWithSuggestions) = (shown, accepted, rowsWithSuggestions)
        (totals.costMicros, totals.pricedTokens) = (costMicros, pricedTokens)
        return totals
    }
}

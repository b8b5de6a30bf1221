import CMemory
import Dataset
import Dispatch
import Glibc
import Stats

/// Everything the report needs from the usage rows, accumulated one row at a time. Memory grows
/// with people, teams, tools and days — never with the number of rows. Sums of counts are
/// integers and cost is kept in micro-dollars, so the totals do not depend on the rows' order.
public struct UsageAggregate: Sendable {
    public private(set) var period: (from: Day, to: Day)?
    /// Rows outside the configured period, skipped.
    public internal(set) var rowsOutsidePeriod = 0
    public internal(set) var rowsAccepted = 0

    var users = Interner()
    var teams = Interner()
    var tools = Interner()

    /// (user, day) → tokens and requests that day, over all tools.
    var userDays = PersonDays()
    /// (team, week) → totals and the people active that week.
    var teamWeeks: [PairKey: TeamWeekCell] = [:]
    /// (team, day) → tokens, for the review-spike signal: the rows' sums wait in `teamDaySums`
    /// until `flush`.
    var teamDays: [PairKey: Int64] = [:]
    var teamDaySums = DeferredSums<PairKey, Int64>()
    /// (user, team) → tokens over the period, for concentration: the sum of the person's
    /// adoption traces in the team, made when they are filed (`settle`).
    var userTeamTokens: [PairKey: Int64] = [:]
    /// (user, team, tool) → first days and active weeks, for retention.
    var adoption = AdoptionTraces()
    /// (tool, week) → totals and people.
    var toolWeeks: [PairKey: TeamWeekCell] = [:]
    /// (team, tool) → totals, for acceptance compared within each tool.
    var teamTools: [PairKey: Totals] = [:]
    /// (team, tool, week) → the totals of rows not yet added to `teamWeeks`, `toolWeeks` and
    /// `teamTools` (`flush`): one look-up and one sum per row where those three were three each
    /// (perf: the look-ups and sums of the cells were a twentieth of reading a row), each made
    /// a few rows after its row (`DeferredSums`).
    var teamToolWeeks = DeferredSums<TeamToolWeek, Totals>()
    /// The same, for rows with only the common figures (`CommonTotals`): most rows.
    var teamToolWeeksCommon = DeferredSums<TeamToolWeek, CommonTotals>()
    /// Per tool: totals, the sum of its `teamTools` (every row reaches both, and a table of
    /// its own cost a lookup per row). Worked out on each call: bind it once.
    var toolTotals: [Int32: Totals] {
        var totals: [Int32: Totals] = [:]
        for (key, cell) in teamTools { totals[Self.split(key).1, default: Totals()].add(cell) }
        return totals
    }
    /// Per team: repeated-prompt counting.
    var teamPrompts: [Int32: PromptCounter] = [:]
    /// Days with at least one row: the days of `teamDays`, which every accepted row reaches
    /// (a set of its own cost a hash per row).
    var daysWithData: Set<Int32> { Set(teamDays.keys.map { Self.split($0).1 }) }
    /// (team, day) → the people counted by aggregate-only group rows that day.
    var groupActive: [PairKey: Int] = [:]
    var toolGroupActive: [PairKey: Int] = [:]
    let lowValue: Set<String>
    public let prices: [String: ReportConfig.Price]
    /// Tools priced by the seat only: their tokens carry no per-token price.
    var seatOnly = Set<String>()
    /// Task categories, and per category whether report.yml calls it low-value (lower-cased and
    /// looked up once per category, not per row).
    var categories = Interner()
    var lowValueCategory: [Bool] = []
    /// Per tool id, how its rows are priced (looked up once per tool, not per row).
    var toolPricing: [Pricing] = []
    /// Per user id, the hash of the user's name and a separator, which each prompt hash continues.
    var userPromptSeeds: [UInt64] = []

    enum Pricing {
        case seat
        case perToken(ReportConfig.Price)
        case none
    }
    var minDay = Day(index: .max), maxDay = Day(index: .min)
    /// Whether adoption traces hold weekly shares not yet filed into the cells (`settle`).
    private(set) var unsettled = false

    /// Set while this aggregate is one of the parts of a pass over the usage files (`parts`),
    /// until they are merged: names' ids come from it, and the person parts of rows whose
    /// person another part owns are posted to that part (`outbox`).
    private(set) var exchange: PartsExchange? {
        didSet { owners = exchange?.owners ?? 0 }
    }
    /// The exchange's number of parts (0: none), which every row reads: binding `exchange`
    /// there retained it, an atomic write to a line that every reading thread writes — a
    /// twentieth of a 1M-row build, in the retains and releases of `add` (perf).
    private var owners = 0
    /// This part's number among the parts (`PartsExchange.owner(of:among:)`).
    private var owner = 0
    /// Per owner, the person parts waiting to be posted to it, at most `mailLimit` each.
    private var outbox: [[PersonRow]] = []
    var mailLimit = 1 << 13
    /// The most rows that wait for a part that still reads before a part posting to it waits
    /// too (`send`).
    var backlogLimit = 1 << 19
    /// The ids of the reader's names (with an exchange; without, the interners keep them).
    private var userKeys = KeyedIDs(), teamKeys = KeyedIDs(), toolKeys = KeyedIDs()

    /// The partials of one pass over the usage files on `count` threads
    /// (`ReportFolder.readUsage`): they share the names' ids, and each keeps the days and
    /// traces of its own share of the people, passing the others' rows on (`PartsExchange`).
    /// One alone shares nothing.
    public static func parts(_ count: Int, config: ReportConfig, tools: [ToolInfo]) -> [UsageAggregate] {
        var parts = (0..<count).map { _ in UsageAggregate(config: config, tools: tools) }
        guard count > 1 else { return parts }
        let exchange = PartsExchange(owners: count)
        for index in parts.indices {
            parts[index].exchange = exchange
            parts[index].owner = index
            parts[index].outbox = Array(repeating: [], count: count)
        }
        return parts
    }

    /// The id of a name: this aggregate's own, or the one the parts share.
    private mutating func id(_ kind: PartsExchange.Kind, _ name: String, key: Int32, scope: Int) -> Int32 {
        guard owners > 0 else {
            switch kind {
            case .user: return users.id(name, key: key, scope: scope)
            case .team: return teams.id(name, key: key, scope: scope)
            case .tool: return tools.id(name, key: key, scope: scope)
            }
        }
        let known: Int32?
        switch kind {
        case .user: known = userKeys[key, scope]
        case .team: known = teamKeys[key, scope]
        case .tool: known = toolKeys[key, scope]
        }
        if let known { return known }
        guard let exchange else { preconditionFailure("a part without its exchange") }
        let id = exchange.id(kind, name)
        switch kind {
        case .user: userKeys.remember(id, key: key, scope: scope)
        case .team: teamKeys.remember(id, key: key, scope: scope)
        case .tool: toolKeys.remember(id, key: key, scope: scope)
        }
        return id
    }

    /// The name of an id (see `id`).
    private func name(_ kind: PartsExchange.Kind, _ id: Int32) -> String {
        if let exchange { return exchange.name(kind, id) }
        switch kind {
        case .user: return users[id]
        case .team: return teams[id]
        case .tool: return tools[id]
        }
    }

    public init(config: ReportConfig, tools: [ToolInfo]) {
        if let from = config.periodFrom, let to = config.periodTo { period = (from, to) }
        else if let from = config.periodFrom { period = (from, Day(index: .max)) }
        else if let to = config.periodTo { period = (Day(index: .min), to) }
        lowValue = Set(config.lowValueCategories.map { $0.lowercased() })
        var prices = config.prices
        for tool in tools {
            if let input = tool.priceInPer1k, let output = tool.priceOutPer1k {
                prices[tool.tool] = ReportConfig.Price(inputPer1k: input, outputPer1k: output, cachedPer1k: tool.priceCachedPer1k,
                                                       perSeatMonth: tool.pricePerSeatMonth ?? prices[tool.tool]?.perSeatMonth)
            } else if let seat = tool.pricePerSeatMonth {
                prices[tool.tool, default: ReportConfig.Price(inputPer1k: 0, outputPer1k: 0)].perSeatMonth = seat
                if prices[tool.tool]?.inputPer1k == 0 && prices[tool.tool]?.outputPer1k == 0 { seatOnly.insert(tool.tool) }
            }
        }
        for (tool, price) in config.prices where price.inputPer1k == 0 && price.outputPer1k == 0 && price.perSeatMonth != nil { seatOnly.insert(tool) }
        self.prices = prices
    }

    /// The largest exact sum of tokens, requests, cost micro-dollars and group counts seen
    /// (see `add`); above 2^62 some counter may have wrapped.
    public internal(set) var shadowTotal: Double = 0

    /// Dollars to micro-dollars, clamped so that no price or cost can trap the conversion.
    static func micros(_ dollars: Double) -> Int64 {
        guard dollars.isFinite else { return 0 }
        // To the nearest, halves away from zero, as `rounded()` — whose library call, with the
        // clamp, was a percent of reading a row (perf). The conversion truncates; what it drops
        // is exact (below 2⁵³ the whole part and the difference are representable, and above
        // it every double is whole), so the comparisons with a half are exact too.
        let scaled = max(-4e18, min(4e18, dollars * 1_000_000))
        let whole = Int64(scaled)
        let fraction = scaled - Double(whole)
        return fraction >= 0.5 ? whole + 1 : fraction <= -0.5 ? whole - 1 : whole
    }

    static func key(_ a: Int32, _ b: Int32) -> PairKey { PairKey(a, b) }
    static func split(_ key: PairKey) -> (Int32, Int32) { key.parts }

    /// Adds one row.
    public mutating func add(_ row: UsageRecord) {
        if let period, row.day < period.from || row.day > period.to {
            rowsOutsidePeriod += 1
            return
        }
        rowsAccepted += 1
        minDay = min(minDay, row.day)
        maxDay = max(maxDay, row.day)
        let keys = row.nameKeys
        let team = id(.team, row.team, key: keys.team, scope: keys.scope)
        let tool = id(.tool, row.tool, key: keys.tool, scope: keys.scope)
        let week = row.day.week.monday.index
        var totals = Totals()
        totals.requests = row.requests
        totals.tokens = row.tokens
        totals.inputTokens = row.inputTokens
        totals.outputTokens = row.outputTokens
        totals.cachedTokens = row.cachedTokens
        if let shown = row.suggestionsShown {
            totals.shown = shown
            totals.accepted = row.suggestionsAccepted ?? 0
            totals.rowsWithSuggestions = 1
        }
        if let suggested = row.linesSuggested {
            totals.linesSuggested = suggested
            totals.linesAcceptedOfSuggested = row.linesAccepted ?? 0
        }
        totals.linesAccepted = row.linesAccepted ?? 0
        if row.automated { totals.automatedTokens = row.tokens; totals.automatedRequests = row.requests }
        if let category = row.taskCategory, isLowValue(category, key: keys.category, scope: keys.scope) { totals.lowValueTokens = row.tokens }
        if let cost = row.costUSD {
            totals.costMicros = Self.micros(cost)
            totals.pricedTokens = row.tokens
            if row.tokens == 0 && row.requests == 0 { totals.costOnlyRows = 1 }
        } else {
            switch pricing(tool) {
            case .seat:
                totals.pricedTokens = row.tokens  // licensed by the seat: its cost is the seats'
            case let .perToken(price):
                // List price: all input at the input price. The cache-read price, where the tool
                // has one, lowers the cost of the cached part: the low end of the cost range.
                let cost = Double(row.inputTokens) / 1000 * price.inputPer1k + Double(row.outputTokens) / 1000 * price.outputPer1k
                totals.costMicros = Self.micros(cost)
                totals.pricedTokens = row.tokens
                if let cached = price.cachedPer1k, cached < price.inputPer1k {
                    let cachedTokens = Double(max(0, min(row.cachedTokens, row.inputTokens)))
                    totals.cachedSavingMicros = Self.micros(cachedTokens / 1000 * (price.inputPer1k - cached))
                }
            case .none:
                break
            }
        }
        // Exact sums in Double beside the 64-bit counters: every count is capped per row
        // (Dataset's maxCount), and the counters wrap rather than trap; if a total could have
        // wrapped, these say so and the analysis refuses the inputs.
        shadowTotal += Double(row.tokens) + Double(row.requests) + Double(totals.costMicros) + Double(row.activeUsers ?? 0)

        // A person is active on a day with at least one request; rows of sources that count no
        // requests (suggestions shown, tokens, lines) count too. An all-zero row (a vendor's
        // placeholder for an idle day) makes nobody active.
        let active = row.requests > 0 || row.tokens > 0 || (row.suggestionsShown ?? 0) > 0
            || (row.linesSuggested ?? 0) > 0 || (row.linesAccepted ?? 0) > 0
        let person = active ? row.user.map { id(.user, $0, key: keys.user, scope: keys.scope) } : nil
        let share = Share(tokens: row.tokens, requests: row.requests, costMicros: totals.costMicros)
        teamDaySums.add(Self.key(team, row.day.index), row.tokens)
        // The cells' totals, once per team, tool and week (`flush` adds them to the team-week,
        // tool-week and team-tool cells); the person's share of them is kept in the person's
        // adoption trace below, and filed into the cells once the rows are read (`settle`).
        if let common = CommonTotals(totals) {
            teamToolWeeksCommon.add(TeamToolWeek(team: team, tool: tool, week: week), common)
        } else {
            teamToolWeeks.add(TeamToolWeek(team: team, tool: tool, week: week), totals)
        }

        guard row.user != nil else {
            // An aggregate-only group row: people counted, not identified.
            let people = row.activeUsers ?? 0
            groupActive[Self.key(team, row.day.index), default: 0] &+= people
            toolGroupActive[Self.key(tool, row.day.index), default: 0] &+= people
            return
        }
        guard let user = person else { return }
        let personRow = PersonRow(user: user, team: team, tool: tool, day: row.day.index, share: share)
        if owners > 1, case let to = PartsExchange.owner(of: user, among: owners), to != owner {
            outbox[to].append(personRow)
            if outbox[to].count >= mailLimit, let exchange { send(to: to, exchange) }
        } else {
            pending.append(personRow)
            if pending.count >= batchLimit { addPending() }
        }
        unsettled = true
        if let hash = row.promptHash {
            teamPrompts[team, default: PromptCounter()].add(userSeed: promptSeed(user), hash: hash, requests: row.requests)
        }
    }

    /// A row's part of its person's tables (`userDays`, `adoption`), waiting in `pending`.
    struct PersonRow {
        var user: Int32, team: Int32, tool: Int32, day: Int32
        var share: Share

        /// By person: what makes a run of rows that one look-up of the person's tables serves.
        /// (Not by team and tool as well: a person has few traces, found among them row by row,
        /// and the two more keys took two more passes of a radix sort, a twentieth of reading
        /// rows in random order.)
        static func precedes(_ a: PersonRow, _ b: PersonRow) -> Bool { a.user < b.user }

        /// Sorts rows as `precedes` orders them, stably (a person's rows keep the order they
        /// came in, so the tables receive them in the same order however they are sorted): by
        /// counting each person's rows and placing them, when the ids are not many more than
        /// the rows; otherwise by comparison.
        static func sort(_ rows: inout [PersonRow]) {
            var space = SortSpace()
            sort(&rows, space: &space)
        }

        /// The arrays a sort works in, kept from batch to batch: made afresh for each batch,
        /// they were pages the kernel zeroed for every batch, a third of the time of sorting
        /// (perf, rows in random order).
        struct SortSpace {
            var starts: [Int] = []
            var rows: [PersonRow] = []
        }

        static func sort(_ rows: inout [PersonRow], space: inout SortSpace) {
            guard rows.count > 256 else { rows.sort(by: precedes); return }
            var (users, negative) = (Int32(0), false)
            for row in rows {
                users = max(users, row.user)
                negative = negative || row.user < 0
            }
            guard !negative, Int(users) < 4 * rows.count else { rows.sort(by: precedes); return }
            // Taken out of `space` (so that each is its only holder) and put back at the end.
            var (starts, sorted) = (space.starts, space.rows)
            space = SortSpace()
            defer { space = SortSpace(starts: starts, rows: sorted) }
            starts.removeAll(keepingCapacity: true)
            starts.append(contentsOf: repeatElement(0, count: Int(users) + 2))
            resize(&sorted, to: rows.count, with: rows.first!)
            rows.withUnsafeBufferPointer { rows in
                starts.withUnsafeMutableBufferPointer { starts in
                    for row in rows { starts[Int(row.user) + 1] += 1 }
                    for index in 1..<starts.count { starts[index] += starts[index - 1] }
                    sorted.withUnsafeMutableBufferPointer { sorted in
                        for row in rows {
                            sorted[starts[Int(row.user)]] = row
                            starts[Int(row.user)] += 1
                        }
                    }
                }
            }
            swap(&rows, &sorted)
        }

        /// `array` with `count` elements, keeping its storage: those it keeps are overwritten.
        private static func resize<Element>(_ array: inout [Element], to count: Int, with filler: Element) {
            if array.count > count { array.removeLast(array.count - count) }
            else if array.count < count { array.append(contentsOf: repeatElement(filler, count: count - array.count)) }
        }
    }

    /// Rows' person parts not yet in the person tables (`addPending`), at most `batchLimit`.
    var pending: [PersonRow] = []
    /// Where the batches are sorted (`PersonRow.sort`), emptied once the rows are all added.
    private var sortSpace = PersonRow.SortSpace()
    /// The smallest batch.
    static let pendingLimit = 1 << 15
    /// The batch for as many traces as this aggregate holds: sixteen rows for each, from
    /// `pendingLimit` up to 262,144 rows (10 MB), worked out after each batch. A batch serves
    /// its traces only as well as it holds several rows of each: with rows in random order,
    /// 6,700 people and their tools, batches of 32,768 rows reached each trace for one or two
    /// rows and missed the caches on nearly every one (with batches made for them, builds of
    /// 1M and 10M such rows took 6 % and 10 % less time; sixteen rows a trace rather than
    /// eight, another 7 % at 10M).
    /// The limit grows with people and tools, never with rows.
    private(set) var batchLimit = UsageAggregate.pendingLimit
    /// The most rows added in one batch (tests: the batches stay bounded, mail and all).
    private(set) var largestBatch = 0

    /// Adds the pending person parts to `userDays` and `adoption`, taken by person. Why not row
    /// by row: with rows in random order each row reached a person's days and traces far from
    /// the last row's, and nearly every one was a miss of the processor's caches (perf: two
    /// thirds of the time of `PersonDays.add` was two loads). A batch (`batchLimit` rows) taken
    /// person by person finds each person's run and traces once, then in cache. The tables are
    /// sums, unions, minimums and maximums, so the order they are added in does not change them.
    /// With parts that share people out (`parts`), the rows other parts posted to this one
    /// join the batches (`takeMail`). `all`: until none waits, however few.
    mutating func addPending(all: Bool = false) {
        repeat {
            var batch: [PersonRow] = []
            swap(&batch, &pending)
            add(personRows: &batch)
            swap(&batch, &pending)
            batchLimit = min(1 << 18, max(Self.pendingLimit, 16 * adoption.count))
            takeMail()
        } while all ? !pending.isEmpty : pending.count >= batchLimit
    }

    /// Moves the rows other parts posted to this one into `pending`, to be added in the same
    /// batches as its own rows: a letter of 8,192 rows added as a batch of its own reached
    /// each trace for less than a row (with rows in random order, half of them come so).
    /// Only as many letters as the batch has room for: the rest wait in the exchange, so that
    /// a backlog (the other part read while this one hashed a large file) is added a batch at
    /// a time rather than copied and sorted whole (that doubled the peak memory at 10M rows).
    /// Called whenever this part posts or adds its own rows, so that mail waits for at most
    /// a batch or two of its reading.
    private mutating func takeMail() {
        guard let exchange else { return }
        for mail in exchange.take(for: owner, rows: batchLimit - pending.count, atLeastOne: pending.isEmpty) {
            pending.append(contentsOf: mail)
            unsettled = true
        }
    }

    /// Posts the outbox of owner `to`; if that part has finished reading, keeps the rows
    /// instead (its person then has days here too, which the merge adds up like any other).
    /// While more than `backlogLimit` rows wait for that part, this one adds its own rows and
    /// mail rather than read on: a part that falls behind (its core shared with the hashing of
    /// the inputs, say) had the rows posted to it pile up in the exchange, in proportion to the
    /// rows — 1.4M of them (56 MB) at 10M rows of the sample shape, a third of the peak.
    private mutating func send(to: Int, _ exchange: PartsExchange) {
        if !exchange.post(outbox[to], to: to) {
            for row in outbox[to] {
                pending.append(row)
                if pending.count >= batchLimit { addPending() }
            }
        }
        outbox[to] = []
        outbox[to].reserveCapacity(mailLimit)
        takeMail()
        if pending.count >= batchLimit { addPending() }
        while exchange.isBehind(to, limit: backlogLimit) {
            takeMail()
            if pending.isEmpty { usleep(100) } else { addPending(all: true) }
        }
    }


    /// This part has read its last row (`ReportFolder.readUsage`'s `finished`): it adds its
    /// rows and the mail posted to it, on its own thread while the others still read, and from
    /// now on they keep the rows of its people.
    public mutating func finishReading() {
        guard let exchange else { return }
        exchange.close(owner)
        addPending(all: true)
    }

    /// Adds rows' person parts to the person tables, emptying `rows`. A person's days and
    /// traces are taken out of their tables once for the person's rows of the batch, not once
    /// per row: a change made in place through the tables checked that their storage was not
    /// shared, and retained and released it, on every row (cachegrind: a tenth of the
    /// instructions of reading rows in random order).
    private mutating func add(personRows pending: inout [PersonRow]) {
        guard !pending.isEmpty else { return }
        largestBatch = max(largestBatch, pending.count)
        PersonRow.sort(&pending, space: &sortSpace)
        // Where each person's rows start (and, last, where the batch ends).
        var starts: [Int] = []
        pending.withUnsafeBufferPointer { rows in
            for index in rows.indices where index == 0 || rows[index].user != rows[index - 1].user { starts.append(index) }
        }
        starts.append(pending.count)
        pending.withUnsafeBufferPointer { rows in
            for (position, start) in starts.dropLast().enumerated() {
                let (user, end) = (rows[start].user, starts[position + 1])
                // A person's tables lie somewhere in the heap, each a miss of the caches when
                // reached: the processor is asked for the person's two after this one, then,
                // once those have come, for the weeks of the traces of the next (perf: rows in
                // random order spent a third of this loop waiting for those loads).
                if position + 2 < starts.count - 1, case let ahead = rows[starts[position + 2]].user {
                    userDays.prefetch(ahead)
                    adoption.prefetch(ahead)
                }
                if end < rows.count { adoption.prefetchWeeks(of: rows[end].user) }
                userDays.add(person: user, rows: rows, start..<end)
                adoption.withTraces(of: user) { traces, count in
                    // Each row added to its trace (the row before's, or found among the
                    // person's); the rows of traces new to this batch wait, then their traces
                    // join the person's in one merge and they are added too.
                    var waiting: [Int] = []
                    Self.record(rows, start..<end, into: &traces, missing: &waiting)
                    guard !waiting.isEmpty else { return }
                    let new = waiting.map { AdoptionTraces.Entry(team: rows[$0].team, tool: rows[$0].tool, trace: AdoptionTrace()) }
                    count += AdoptionTraces.merge(new, into: &traces)
                    var none: [Int] = []
                    for position in waiting { Self.record(rows, position..<position + 1, into: &traces, missing: &none) }
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Adds rows `range` of `rows`, all of one person, to their traces among `traces`; the
    /// positions of rows whose trace is not there go to `missing`. (Through a pointer: an entry
    /// reached through the array was copied, retained and released.)
    private static func record(_ rows: UnsafeBufferPointer<PersonRow>, _ range: Swift.Range<Int>,
                               into traces: inout [AdoptionTraces.Entry], missing: inout [Int]) {
        traces.withUnsafeMutableBufferPointer { traces in
            var index = 0
            for position in range {
                let row = rows[position]
                if index >= traces.count || traces[index].team != row.team || traces[index].tool != row.tool {
                    index = AdoptionTraces.place(of: row.team, row.tool, in: UnsafeBufferPointer(traces))
                    guard index < traces.count, traces[index].team == row.team, traces[index].tool == row.tool else {
                        missing.append(position)
                        index = 0
                        continue
                    }
                }
                traces[index].trace.record(Day(index: row.day), share: row.share)
            }
        }
    }

    /// Adds the rows' parts that wait — the person parts (`addPending`), the teams' days and the
    /// cells' totals by team, tool and week — to the tables that the merge, the cache and the
    /// analysis read.
    /// A part of a pass (`parts`) is flushed only by `merging`, once every part's outbox is
    /// posted.
    mutating func flush() {
        precondition(outbox.allSatisfy(\.isEmpty), "a part's person rows not yet posted: parts are flushed by merging")
        addPending(all: true)
        sortSpace = PersonRow.SortSpace()
        if !teamDaySums.isEmpty {
            teamDaySums.forEach { key, tokens in teamDays[key, default: 0] &+= tokens }
            teamDaySums = DeferredSums()
        }
        func file(_ key: TeamToolWeek, _ totals: Totals) {
            teamWeeks[Self.key(key.team, key.week), default: TeamWeekCell()].totals.add(totals)
            toolWeeks[Self.key(key.tool, key.week), default: TeamWeekCell()].totals.add(totals)
            teamTools[Self.key(key.team, key.tool), default: Totals()].add(totals)
        }
        if !teamToolWeeks.isEmpty {
            teamToolWeeks.forEach(file)
            teamToolWeeks = DeferredSums()
        }
        if !teamToolWeeksCommon.isEmpty {
            teamToolWeeksCommon.forEach { key, common in file(key, common.totals) }
            teamToolWeeksCommon = DeferredSums()
        }
    }

    /// Whether report.yml names this task category low-value, decided once per category.
    private mutating func isLowValue(_ category: String, key: Int32, scope: Int) -> Bool {
        let id = Int(categories.id(category, key: key, scope: scope))
        while lowValueCategory.count <= id {
            lowValueCategory.append(lowValue.contains(categories[Int32(lowValueCategory.count)].lowercased()))
        }
        return lowValueCategory[id]
    }

    /// How a tool's rows are priced, decided once per tool.
    private mutating func pricing(_ tool: Int32) -> Pricing {
        while toolPricing.count <= Int(tool) {
            let name = name(.tool, Int32(toolPricing.count))
            toolPricing.append(seatOnly.contains(name) ? .seat : prices[name].map { .perToken($0) } ?? .none)
        }
        return toolPricing[Int(tool)]
    }

    private mutating func promptSeed(_ user: Int32) -> UInt64 {
        while userPromptSeeds.count <= Int(user) {
            userPromptSeeds.append(Stats.stableHash(name(.user, Int32(userPromptSeeds.count)) + "\u{1F}"))
        }
        return userPromptSeeds[Int(user)]
    }

    /// The parallel workers' parts as one aggregate, emptying `parts`: the largest takes in the
    /// others, and each is released as soon as it is merged. (Merged into a fresh aggregate, every
    /// part stayed alive beside the whole: rows in random order put nearly every person-day in
    /// every part, so the peak held three copies of them.)
    ///
    /// Parts of one pass (`parts`) first post what their outboxes hold, then each adds its
    /// pending rows and mail on a core of its own; they then hold the names' ids of the whole
    /// pass, and each person's days and traces in one part only.
    public static func merging(_ parts: inout [UsageAggregate]) -> UsageAggregate? {
        for index in parts.indices { parts[index].post() }
        let boxes = parts.map(Handover.init)
        parts = []
        DispatchQueue.concurrentPerform(iterations: boxes.count) { boxes[$0].value.flush() }
        parts = boxes.map(\.value)
        for index in parts.indices { parts[index].takeSharedNames() }
        parts.sort { $0.userDays.count < $1.userDays.count }
        guard var whole = parts.popLast() else { return nil }
        while let part = parts.popLast() { whole.merge(part) }
        whole.settle()
        return whole
    }

    /// Posts what the outbox holds to the parts it is for.
    private mutating func post() {
        guard let exchange else { return }
        for to in outbox.indices where !outbox[to].isEmpty { exchange.post(outbox[to], to: to, evenIfClosed: true) }
        outbox = []
    }

    /// The names of the whole pass, as this aggregate's own: it is then a part no longer.
    private mutating func takeSharedNames() {
        guard let exchange else { return }
        (users, teams, tools) = exchange.names
        self.exchange = nil
    }

    /// Files each person's weekly shares into the team-week and tool-week cells; until then the
    /// cells hold only their totals. Each row adds its share to its person's adoption trace
    /// (person, team and tool), which it looks up anyway, rather than to two cells: with rows
    /// in random order, the cells' per-person tables were a random access each (without them,
    /// a 1M-row build read its rows a quarter faster in a third less memory). The traces are
    /// taken in order of team (then tool) and person, so each cell gets its people in order.
    public mutating func settle() {
        flush()
        guard unsettled else { return }
        unsettled = false
        var traces: [(key: AdoptionKey, weekly: WeeklyShares)] = []
        traces.reserveCapacity(adoption.count)
        adoption.updateEach { key, trace in
            traces.append((key, trace.weekly))
            userTeamTokens[Self.key(key.user, key.team), default: 0] &+= trace.weekly.items.reduce(0) { $0 &+ $1.share.tokens }
            trace.weekly = WeeklyShares()  // released once filed
        }
        // Teams' cells on another core, tools' here.
        let (teamCells, firstMonday, lastMonday) = (teamWeeks, minDay.week.monday.index, maxDay.week.monday.index)
        teamWeeks = [:]
        let teams = Pending { [traces] in
            Self.file(traces, into: teamCells, by: { $0.team }, mondays: firstMonday...lastMonday)
        }
        toolWeeks = Self.file(traces, into: toolWeeks, by: { $0.tool }, mondays: firstMonday...lastMonday)
        teamWeeks = teams.value
    }

    /// The traces' weekly shares added to the cells of their group (team or tool): the traces
    /// taken by group, then person, so each cell receives its people in ascending order, and a
    /// group's cells kept in an array by week meanwhile (`mondays` spans every row's week).
    private static func file(_ traces: [(key: AdoptionKey, weekly: WeeklyShares)], into cells: [PairKey: TeamWeekCell],
                             by group: (AdoptionKey) -> Int32, mondays: ClosedRange<Int32>) -> [PairKey: TeamWeekCell] {
        var cells = cells
        // The traces' places in that order, sorted rather than the traces: moving and copying
        // the traces (each holds an array) retained and released them (perf). Each place also
        // has the address of its trace's weeks, only to ask the processor for them ahead (below).
        var order = traces.indices.map { index in
            (key: PairKey(group(traces[index].key), traces[index].key.user), index: Int32(index),
             weeks: traces[index].weekly.items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) })
        }
        order.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        // Where the traces lie, likewise only for the processor.
        let traceAddress = traces.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let traceStride = MemoryLayout<(key: AdoptionKey, weekly: WeeklyShares)>.stride
        var column = [PersonShares](repeating: PersonShares(), count: Int(mondays.upperBound - mondays.lowerBound) / 7 + 1)
        var touched: [Int] = []
        // Group by group, in one scope: a nested function that filed a group's column captured
        // it, and every share added to it then paid a dynamic exclusivity check (perf).
        var start = 0
        while start < order.count {
            let id = order[start].key.parts.0
            var end = start
            while end < order.count, case let (group, user) = order[end].key.parts, group == id {
                // The traces come in an order of their own, and each one's weeks are an array
                // somewhere in the heap: reading the trace, then its weeks, missed the caches
                // twice for each (perf: two fifths of this loop's time, on those two loads).
                // The processor is asked for both a few traces ahead. The addresses are only
                // hints: the traces and their weeks are read as arrays, as ever.
                if end + 3 < order.count {
                    let ahead = order[end + 3]
                    if let weeks = ahead.weeks { candor_prefetch(weeks); candor_prefetch(weeks + 64) }
                    if let traceAddress { candor_prefetch(traceAddress + Int(ahead.index) * traceStride) }
                }
                for item in traces[Int(order[end].index)].weekly.items {
                    let week = Int(item.monday - mondays.lowerBound) / 7
                    if column[week].count == 0 { touched.append(week) }
                    column[week].add(user, item.share)
                }
                end += 1
            }
            for week in touched {
                let key = Self.key(id, mondays.lowerBound + Int32(week) * 7)
                if cells[key]?.shares.count ?? 0 == 0 {
                    cells[key, default: TeamWeekCell()].shares = column[week].trimmed()
                } else {
                    for (person, share) in column[week] { cells[key, default: TeamWeekCell()].shares.add(person, share) }
                }
                column[week] = PersonShares()
            }
            touched.removeAll(keepingCapacity: true)
            start = end
        }
        return cells
    }

    /// This aggregate with its shares filed (`settle`).
    public func settled() -> UsageAggregate {
        var copy = self
        copy.settle()
        return copy
    }

    /// Adds another aggregate of other rows (from a parallel worker). Every part is a sum, a
    /// union, a minimum or a maximum, so the result does not depend on how the rows were split.
    public mutating func merge(_ part: UsageAggregate) {
        flush()
        let other = part.pending.isEmpty && part.teamToolWeeks.isEmpty && part.teamToolWeeksCommon.isEmpty && part.teamDaySums.isEmpty ? part : { var copy = part; copy.flush(); return copy }()
        rowsOutsidePeriod += other.rowsOutsidePeriod
        unsettled = unsettled || other.unsettled
        rowsAccepted += other.rowsAccepted
        shadowTotal += other.shadowTotal
        if other.rowsAccepted > 0 {
            minDay = min(minDay, other.minDay)
            maxDay = max(maxDay, other.maxDay)
        }
        let userMap = other.users.names.map { users.id($0) }
        let teamMap = other.teams.names.map { teams.id($0) }
        let toolMap = other.tools.names.map { tools.id($0) }
        func remap(_ key: PairKey, _ first: [Int32]?, _ second: [Int32]?) -> PairKey {
            let (a, b) = Self.split(key)
            return Self.key(first.map { $0[Int(a)] } ?? a, second.map { $0[Int(b)] } ?? b)
        }
        // The person-days (a third of the merge) on another core, beside the rest. They are
        // handed over in a box, their only holder meanwhile, so that merging into them copies
        // nothing.
        let days = Handover(userDays)
        userDays = PersonDays()
        let merging = Pending { [days] in days.value.merge(other.userDays, personMap: userMap) }
        defer {
            merging.value
            swap(&userDays, &days.value)
        }
        func mergeCells(_ cells: [PairKey: TeamWeekCell], into mine: inout [PairKey: TeamWeekCell], groups: [Int32]) {
            for (key, cell) in cells { mine[remap(key, groups, nil), default: TeamWeekCell()].merge(cell, personMap: userMap) }
        }
        mergeCells(other.teamWeeks, into: &teamWeeks, groups: teamMap)
        mergeCells(other.toolWeeks, into: &toolWeeks, groups: toolMap)
        for (key, tokens) in other.teamDays { teamDays[remap(key, teamMap, nil), default: 0] &+= tokens }
        for (key, tokens) in other.userTeamTokens { userTeamTokens[remap(key, userMap, teamMap), default: 0] &+= tokens }
        for (key, count) in other.groupActive { groupActive[remap(key, teamMap, nil), default: 0] &+= count }
        for (key, count) in other.toolGroupActive { toolGroupActive[remap(key, toolMap, nil), default: 0] &+= count }
        for (key, totals) in other.teamTools { teamTools[remap(key, teamMap, toolMap), default: Totals()].add(totals) }
        for (team, counter) in other.teamPrompts { teamPrompts[teamMap[Int(team)], default: PromptCounter()].merge(counter) }
        adoption.merge(other.adoption, personMap: userMap, teamMap: teamMap, toolMap: toolMap)
    }

    /// The period the figures cover: the configured one, or the data's first to last day.
    public var effectivePeriod: (from: Day, to: Day)? {
        guard rowsAccepted > 0 else {
            if let period, period.from.index != .min, period.to.index != .max { return period }
            return nil
        }
        let from = period.map { $0.from.index == .min ? minDay : $0.from } ?? minDay
        let to = period.map { $0.to.index == .max ? maxDay : $0.to } ?? maxDay
        return (from, to)
    }
}

/// A value handed to another thread whole: the box is its only holder until it is swapped back.
private final class Handover<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Additive totals of usage rows.
struct Totals {
    var requests: Int64 = 0
    var tokens: Int64 = 0
    var inputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cachedTokens: Int64 = 0
    var shown: Int64 = 0
    var accepted: Int64 = 0
    var rowsWithSuggestions: Int64 = 0
    var linesSuggested: Int64 = 0
    var linesAcceptedOfSuggested: Int64 = 0
    var linesAccepted: Int64 = 0
    var automatedTokens: Int64 = 0
    var automatedRequests: Int64 = 0
    var lowValueTokens: Int64 = 0
    var costMicros: Int64 = 0
    var pricedTokens: Int64 = 0
    /// Rows that carry only a cost (a vendor's project or workspace cost report): the tool's
    /// tokens are then priced as a whole, not row by row.
    var costOnlyRows = 0
    /// What the cache-read price saves against the list price (micro-dollars).
    var cachedSavingMicros: Int64 = 0

    /// Tokens the cost covers: those of priced rows, or all of them when a cost export reports
    /// the cost on its own rows.
    var coveredTokens: Int64 { costOnlyRows > 0 ? tokens : pricedTokens }
    var fullyPriced: Bool { coveredTokens >= tokens }

    mutating func add(_ other: Totals) {
        requests &+= other.requests
        tokens &+= other.tokens
        inputTokens &+= other.inputTokens
        outputTokens &+= other.outputTokens
        cachedTokens &+= other.cachedTokens
        shown &+= other.shown
        accepted &+= other.accepted
        rowsWithSuggestions &+= other.rowsWithSuggestions
        linesSuggested &+= other.linesSuggested
        linesAcceptedOfSuggested &+= other.linesAcceptedOfSuggested
        linesAccepted &+= other.linesAccepted
        automatedTokens &+= other.automatedTokens
        automatedRequests &+= other.automatedRequests
        lowValueTokens &+= other.lowValueTokens
        costMicros &+= other.costMicros
        pricedTokens &+= other.pricedTokens
        costOnlyRows += other.costOnlyRows
        cachedSavingMicros &+= other.cachedSavingMicros
    }

    var costUSD: Double { Double(costMicros) / 1_000_000 }
}

/// A person's tokens and requests on one day: two counters, as there are many person-days.
struct DayTotals {
    var tokens: Int64 = 0
    var requests: Int64 = 0

    mutating func add(tokens: Int64, requests: Int64) {
        self.tokens &+= tokens
        self.requests &+= requests
    }
}

/// A group's totals and each identified person's part of them (for the disclosure rules).
struct TeamWeekCell {
    var totals = Totals()
    var shares = PersonShares()

    /// Another worker's cell, its person ids mapped to this one's by `personMap`.
    mutating func merge(_ other: TeamWeekCell, personMap: [Int32]) {
        totals.add(other.totals)
        for (person, share) in other.shares { shares.add(personMap[Int(person)], share) }
    }
}

/// Each identified person's share of a cell, in ascending order of person. Cells receive their
/// people in that order (`UsageAggregate.settle`, and the cache as it was written), so adding
/// is an append or a sum into the last; a person out of order is placed by binary search.
struct PersonShares: Sequence {
    private var people: [Int32] = []
    private var shares: [Share] = []

    init() {}

    var count: Int { people.count }

    mutating func add(_ person: Int32, _ share: Share) {
        if let last = people.last, last >= person {
            let index = position(of: person)
            if index < people.count && people[index] == person {
                shares[index].add(share)
            } else {
                people.insert(person, at: index)
                shares.insert(share, at: index)
            }
            return
        }
        people.append(person)
        shares.append(share)
    }

    /// The same shares in arrays without room to grow: a cell's people are filed by appending,
    /// which leaves up to as much room again, and the cells are kept to the end of the build.
    func trimmed() -> PersonShares {
        var copy = PersonShares()
        copy.people = people.withUnsafeBufferPointer { Array($0) }
        copy.shares = shares.withUnsafeBufferPointer { Array($0) }
        return copy
    }

    /// Each person's part, in order of person: made in one array of the right size (through
    /// the iterator, its growth and a check of the order were most of the analysis's time
    /// spent on cells' contributors, perf).
    var parts: [Contributors.Part] {
        people.indices.map { Contributors.Part(person: people[$0], share: shares[$0]) }
    }

    /// The index of `person`, or where it would be inserted.
    private func position(of person: Int32) -> Int {
        var low = 0, high = people.count
        while low < high {
            let middle = (low + high) / 2
            if people[middle] < person { low = middle + 1 } else { high = middle }
        }
        return low
    }

    subscript(person: Int32) -> Share? {
        let index = position(of: person)
        return index < people.count && people[index] == person ? shares[index] : nil
    }

    func makeIterator() -> Iterator { Iterator(people: people, shares: shares) }

    struct Iterator: IteratorProtocol {
        let people: [Int32]
        let shares: [Share]
        var index = 0

        mutating func next() -> (key: Int32, value: Share)? {
            guard index < people.count else { return nil }
            defer { index += 1 }
            return (people[index], shares[index])
        }
    }
}

/// One person's share of a cell in each week (by Monday), in ascending order of week: kept per
/// person, team and tool while the rows are read, and filed into the cells after (`settle`).
/// Rows mostly come in order of day, so adding is mostly an append or a sum into the last.
/// Room is made half again at a time, not doubled: with rows in random order both workers hold
/// nearly every trace, and doubling left a 38-week trace room for 64.
struct WeeklyShares {
    struct Item {
        var monday: Int32
        var share: Share
    }
    private(set) var items: [Item] = []

    mutating func add(_ monday: Int32, _ share: Share) {
        var index = items.count
        if let last = items.last, last.monday >= monday {
            if last.monday == monday { items[index - 1].share.add(share); return }
            // Where the week is when the trace has every week since its first (a person's
            // rows in random order come in no order of week, and searching for the week was
            // most of this function's time).
            let guess = (Int(monday) - Int(items[0].monday)) / 7
            if guess >= 0, guess < items.count, items[guess].monday == monday { items[guess].share.add(share); return }
            var low = 0
            while low < index {
                let middle = (low + index) / 2
                if items[middle].monday < monday { low = middle + 1 } else { index = middle }
            }
            if items[index].monday == monday { items[index].share.add(share); return }
        }
        if items.count == items.capacity { items.reserveCapacity(Swift.max(4, items.count + items.count / 2)) }
        items.insert(Item(monday: monday, share: share), at: index)
    }

    /// Adds `share` to the week at `place`, or puts the week there when it goes there (its
    /// neighbours say so); false, and nothing added, when the week is not at `place` and does
    /// not go there.
    mutating func add(_ monday: Int32, _ share: Share, at place: Int) -> Bool {
        if place < items.count, items[place].monday == monday {
            items[place].share.add(share)
            return true
        }
        guard place <= items.count, place == 0 || items[place - 1].monday < monday,
              place == items.count || items[place].monday > monday else { return false }
        if items.count == items.capacity { items.reserveCapacity(Swift.max(4, items.count + items.count / 2)) }
        items.insert(Item(monday: monday, share: share), at: place)
        return true
    }

    /// Adds another's weeks, in place: the fewer into the more.
    mutating func merge(_ other: WeeklyShares) {
        var fewer = other.items
        if fewer.count > items.count { swap(&fewer, &items) }
        for item in fewer { add(item.monday, item.share) }
    }
}

/// One person's tokens, requests and cost in a cell.
struct Share {
    var tokens: Int64 = 0
    var requests: Int64 = 0
    var costMicros: Int64 = 0

    mutating func add(_ other: Share) {
        tokens &+= other.tokens
        requests &+= other.requests
        costMicros &+= other.costMicros
    }
}

/// A team, a tool and a week (its Monday).
struct TeamToolWeek: Hashable {
    var team: Int32
    var tool: Int32
    var week: Int32

    func _rawHashValue(seed: Int) -> Int { PairKey.mix(team, tool, week, seed: seed) }
}

struct AdoptionKey: Hashable {
    var user: Int32
    var team: Int32
    var tool: Int32

    func _rawHashValue(seed: Int) -> Int { PairKey.mix(user, team, tool, seed: seed) }
}

/// Two 32-bit ids in one key (team and week, person and day, …), hashed by a multiply–xorshift
/// mix (splitmix64's finaliser) of the key and the table's seed rather than by SipHash: the
/// aggregate looks up several such keys for every usage row, and SipHash was a twentieth of
/// ingest (perf). The ids are the order names were first seen in and the days are calendar
/// days, and the mix is keyed by the table's per-process seed, so rows cannot be written to
/// make keys collide.
struct PairKey: Hashable, Comparable {
    var raw: UInt64

    init(_ a: Int32, _ b: Int32) { raw = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }
    init(raw: UInt64) { self.raw = raw }

    var parts: (Int32, Int32) { (Int32(bitPattern: UInt32(raw >> 32)), Int32(bitPattern: UInt32(raw & 0xFFFF_FFFF))) }

    static func < (a: PairKey, b: PairKey) -> Bool { a.raw < b.raw }

    func hash(into hasher: inout Hasher) { hasher.combine(raw) }
    func _rawHashValue(seed: Int) -> Int { Self.mix(raw, seed: seed) }

    /// Three ids' mix, for keys of three parts.
    @inline(__always)
    static func mix(_ a: Int32, _ b: Int32, _ c: Int32, seed: Int) -> Int {
        mix(PairKey(a, b).raw &+ UInt64(UInt32(bitPattern: c)) &* 0x9E37_79B9_7F4A_7C15, seed: seed)
    }

    @inline(__always)
    static func mix(_ value: UInt64, seed: Int) -> Int {
        var z = value ^ UInt64(UInt(bitPattern: seed)) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31))
    }
}

/// A person's use of one tool: the first two distinct active days and the weeks active.
struct AdoptionTrace {
    var first = Day(index: .max)
    var second = Day(index: .max)
    var weeks = WeekSet()
    /// The person's share of each week, until filed into the cells (`UsageAggregate.settle`).
    var weekly = WeeklyShares()

    /// Takes in another trace: the two earliest distinct days of both and every week. (Made
    /// without a set or an array of the days: a merge of two workers' parts made a few for
    /// every trace.)
    mutating func merge(_ other: AdoptionTrace) {
        weeks.formUnion(other.weeks)
        weekly.merge(other.weekly)
        takeDay(other.first)
        takeDay(other.second)
    }

    mutating func record(_ day: Day, share: Share) {
        let monday = day.week.monday.index
        weeks.insert(monday)
        // The week's place among the weekly shares, which hold the set's weeks: as many as the
        // set has before it, when they all lie in its window (searching for it among weeks
        // with gaps mispredicted most of its branches, rows in random order: perf).
        if let place = weeks.rank(of: monday), weekly.add(monday, share, at: place) {} else { weekly.add(monday, share) }
        takeDay(day)
    }

    /// Keeps the two earliest distinct days (`.max` is no day).
    private mutating func takeDay(_ day: Day) {
        if day < first {
            second = first
            first = day
        } else if day != first && day < second {
            second = day
        }
    }
}

/// Weeks (by their Monday's day index), as bits of one word over a window of 64 weeks from the
/// first week seen, which moves back to take in earlier weeks while all fit, and a set for any
/// beyond it. There is one per
/// person and tool; a `Set` each cost a hash and a check of its storage on every row, and an
/// allocation per trace (perf, rows in random order). Only membership is observable: the window
/// depends on the order of the inserts, the weeks in it do not.
struct WeekSet {
    /// Where in a set the bits of its window lie (`AdoptionTraces.prefetchWeeks`).
    static let bitsOffset = MemoryLayout<WeekSet>.offset(of: \WeekSet.bits)!

    /// The Monday of bit 0.
    private var base: Int32 = 0
    private var bits: UInt64 = 0
    /// Weeks outside the window: only a person's use of a tool over more than 64 weeks.
    private var beyond: Set<Int32> = []

    var count: Int { bits.nonzeroBitCount + beyond.count }

    func contains(_ monday: Int32) -> Bool {
        if let bit = bit(monday) { return bits & (1 << bit) != 0 }
        return beyond.contains(monday)
    }

    mutating func insert(_ monday: Int32) {
        if bits == 0 { base = monday }
        if let bit = bit(monday) { bits |= 1 << bit; return }
        let weeks = Int64(monday) - Int64(base)
        if weeks < 0, weeks % 7 == 0, bits.leadingZeroBitCount >= Int(-weeks / 7) {
            // Earlier than the window: move it back, if the weeks in it still fit. (It never
            // moves forward: its first week is always in it.) A week refused once stays
            // outside for good, as the window only moves towards weeks that do fit.
            bits = (bits << UInt64(-weeks / 7)) | 1
            base = monday
        } else {
            beyond.insert(monday)
        }
    }

    mutating func formUnion(_ other: WeekSet) {
        other.forEachInWindow { insert($0) }
        if !other.beyond.isEmpty { for monday in other.beyond.sorted() { insert(monday) } }
    }

    /// The weeks in the window, in ascending order.
    private func forEachInWindow(_ body: (Int32) -> Void) {
        var rest = bits
        while rest != 0 {
            body(Int32(Int64(base) + Int64(rest.trailingZeroBitCount) * 7))
            rest &= rest - 1
        }
    }

    /// The weeks in ascending order.
    func sorted() -> [Int32] {
        var result = beyond.sorted()
        forEachInWindow { result.append($0) }
        return result.sorted()
    }

    /// The bit of this Monday, when it falls in the window.
    /// How many of the set's weeks come before `monday`, when they all lie in the window and
    /// it does too; nil otherwise.
    func rank(of monday: Int32) -> Int? {
        guard beyond.isEmpty, let bit = bit(monday) else { return nil }
        return (bits & ((1 << UInt64(bit)) &- 1)).nonzeroBitCount
    }

    private func bit(_ monday: Int32) -> Int? {
        let weeks = Int64(monday) - Int64(base)
        guard weeks >= 0, weeks < 64 * 7, weeks % 7 == 0 else { return nil }
        return Int(weeks / 7)
    }
}

/// Repeated identical prompts in a team: requests carrying a prompt hash, and the number of
/// distinct (person, prompt) pairs among them, counted in fixed memory. A row of n requests
/// with one prompt is n requests, n − 1 of them repeats.
struct PromptCounter {
    var rows: Int64 = 0
    var distinct = DistinctCounter()

    /// `userSeed` is the stable hash of the user's name and U+001F: the pair's hash is that of
    /// name, separator and prompt hash.
    mutating func add(userSeed: UInt64, hash: String, requests: Int64) {
        rows += max(1, requests)
        distinct.insert(Stats.stableHash(hash, continuing: userSeed) &* 0x9E37_79B9_7F4A_7C15)
    }

    mutating func merge(_ other: PromptCounter) {
        rows += other.rows
        distinct.merge(other.distinct)
    }

    /// Share of requests whose (person, prompt) pair was seen before: 1 − distinct ÷ requests.
    var repeatedShare: Double? {
        guard rows > 0 else { return nil }
        return max(0, min(1, 1 - distinct.estimate / Double(rows)))
    }
}

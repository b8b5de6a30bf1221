import Foundation

/// What the parts of one pass over the usage files share while each reads on its own thread
/// (`UsageAggregate.parts`): the ids of people, teams and tools, the same in every part, and the
/// rows' person parts, which each part passes to the part that owns the person.
///
/// Why: each part used to keep the days and adoption traces of every person its rows named.
/// With rows in random order that was nearly every person in every part, so the parts' person
/// tables were each as large as the whole, and merging them (day by day, trace by trace) took
/// a sixth of a 1M-row build after the reading (perf timeline). Now part `k` of `n` keeps only
/// the people whose id is `k` modulo `n`: its tables are a part's size, and the merge moves
/// each person's days and traces over whole.
final class PartsExchange: @unchecked Sendable {
    enum Kind { case user, team, tool }

    /// The number of parts, each of which owns a share of the people.
    let owners: Int
    private let namesLock = NSLock()
    private var users = Interner(), teams = Interner(), tools = Interner()
    private let mailLock = NSLock()
    /// Per owner, batches of person parts posted to it and not yet taken.
    private var inboxes: [[[UsageAggregate.PersonRow]]]
    /// Per owner, whether it has finished reading (`close`).
    private var closed: [Bool]

    init(owners: Int) {
        self.owners = owners
        inboxes = Array(repeating: [], count: owners)
        closed = Array(repeating: false, count: owners)
    }

    /// The id of a name, the same for every part. Each part asks once per name it meets (it
    /// keeps the ids of its reader's names by number: `KeyedIDs`), so the lock is rarely taken.
    func id(_ kind: Kind, _ name: String) -> Int32 {
        namesLock.lock(); defer { namesLock.unlock() }
        switch kind {
        case .user: return users.id(name)
        case .team: return teams.id(name)
        case .tool: return tools.id(name)
        }
    }

    func name(_ kind: Kind, _ id: Int32) -> String {
        namesLock.lock(); defer { namesLock.unlock() }
        switch kind {
        case .user: return users[id]
        case .team: return teams[id]
        case .tool: return tools[id]
        }
    }

    /// Every name given an id so far, by kind.
    var names: (users: Interner, teams: Interner, tools: Interner) {
        namesLock.lock(); defer { namesLock.unlock() }
        return (users, teams, tools)
    }

    /// The part that keeps a person's days and traces.
    static func owner(of person: Int32, among owners: Int) -> Int { Int(person) % owners }

    /// Posts rows to their owner; false (and not posted) when the owner has finished reading
    /// and `evenIfClosed` is not set: nobody would add them before the merge, and meanwhile
    /// they would be held (the rows of half the people of a long file that one thread reads
    /// whole, were they posted).
    @discardableResult
    func post(_ rows: [UsageAggregate.PersonRow], to owner: Int, evenIfClosed: Bool = false) -> Bool {
        guard !rows.isEmpty else { return true }
        mailLock.lock(); defer { mailLock.unlock() }
        guard evenIfClosed || !closed[owner] else { return false }
        inboxes[owner].append(rows)
        return true
    }

    /// The rows waiting for `owner`.
    func waiting(for owner: Int) -> Int {
        mailLock.lock(); defer { mailLock.unlock() }
        return inboxes[owner].reduce(0) { $0 + $1.count }
    }

    /// Whether more rows than `limit` wait for `owner` while it still reads (`UsageAggregate.send`).
    func isBehind(_ owner: Int, limit: Int) -> Bool {
        mailLock.lock(); defer { mailLock.unlock() }
        return !closed[owner] && inboxes[owner].reduce(0) { $0 + $1.count } > limit
    }

    /// The owner has finished reading: what others post to it from now on, they keep.
    func close(_ owner: Int) {
        mailLock.lock(); defer { mailLock.unlock() }
        closed[owner] = true
    }

    /// The letters posted to `owner` first, taken out: as many as hold at most `rows` rows
    /// together (and the first whatever its size, with `atLeastOne`); the rest wait.
    func take(for owner: Int, rows: Int, atLeastOne: Bool) -> [[UsageAggregate.PersonRow]] {
        mailLock.lock(); defer { mailLock.unlock() }
        var taken = 0, total = 0
        for letter in inboxes[owner] {
            guard total + letter.count <= rows || (taken == 0 && atLeastOne) else { break }
            total += letter.count
            taken += 1
        }
        guard taken > 0 else { return [] }
        defer { inboxes[owner].removeFirst(taken) }
        return Array(inboxes[owner].prefix(taken))
    }
}

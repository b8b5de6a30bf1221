import Dataset

/// Headcount per team as of a day: an entry holds from its period on; before a team's first
/// dated entry, that first entry holds.
struct Headcounts {
    private var entries: [String: [(from: Day?, count: Int)]] = [:]

    init(_ rows: [HeadcountEntry]) {
        for row in rows { entries[row.team, default: []].append((row.from, row.headcount)) }
        for team in entries.keys {
            entries[team]!.sort { ($0.from?.index ?? .min) < ($1.from?.index ?? .min) }
        }
    }

    var teams: [String] { entries.keys.sorted() }

    func at(_ team: String, _ day: Day) -> Int? {
        guard let list = entries[team], let first = list.first else { return nil }
        var current = first.count
        for entry in list where (entry.from?.index ?? .min) <= day.index { current = entry.count }
        return current
    }

    func contains(_ team: String) -> Bool { entries[team] != nil }
}

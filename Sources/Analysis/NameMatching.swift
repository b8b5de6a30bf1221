import Dataset

/// Team and tool names written in the small inputs (headcount, outcomes, feedback, tools.csv)
/// that match no name of the usage data but nearly match one. Names are matched exactly, as
/// the contract says, so "payments" in headcount.csv beside "Payments" in the usage rows makes
/// two teams: one with people and no usage (0 % adoption), one with usage and no headcount.
/// Nothing is lost loudly there, so a likely slip is told, with the file and line.
enum NameMatching {
    struct Mention {
        var name: String
        var file: String
        var line: Int
    }

    /// One warning per distinct name (at its first mention) that is not in `known` but matches
    /// a known name by `key` — the same letters and digits whatever the case, accents, spacing
    /// and punctuation, and a "team" word aside — or, for keys of five or more letters and no
    /// digit, by one letter added, dropped, changed or two swapped ("Paymnets"). Names with
    /// digits are not compared letter by letter: "Team 26" and "Team 27" are two teams.
    static func nearMisses(_ mentions: [Mention], known: [String], kind: String, consequence: String) -> [Diagnostic] {
        let knownSet = Set(known)
        let keyed = known.sorted().map { (name: $0, key: key($0)) }
        var told = Set<String>()
        var diagnostics: [Diagnostic] = []
        for mention in mentions where !knownSet.contains(mention.name) && told.insert(mention.name).inserted {
            let own = key(mention.name)
            guard !own.isEmpty else { continue }
            var near = keyed.filter { $0.key == own }.map(\.name)
            if near.isEmpty, own.count >= 5, !own.contains(where: \.isNumber) {
                near = keyed.filter { $0.key.count >= 5 && !$0.key.contains(where: \.isNumber) && oneEditApart($0.key, own) }.map(\.name)
            }
            guard !near.isEmpty else { continue }
            let names = near.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
            diagnostics.append(.warning(mention.file, line: mention.line,
                "\(kind) \"\(mention.name)\" is not in the usage data, which has \(names); names must match exactly, "
                + "so if they are the same \(kind), write it the same way in both (as it is, \(consequence))"))
        }
        return diagnostics
    }

    /// The name's slug without the words "team" and "teams" ("Search Team" → "search").
    static func key(_ name: String) -> String {
        let words = slugify(name).split(separator: "-")
        let kept = words.filter { $0 != "team" && $0 != "teams" }
        return (kept.isEmpty ? words : kept).joined(separator: "-")
    }

    /// Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours.
    static func oneEditApart(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        if x == y { return false }
        if x.count == y.count {
            let differ = x.indices.filter { x[$0] != y[$0] }
            if differ.count == 1 { return true }
            return differ.count == 2 && differ[1] == differ[0] + 1 && x[differ[0]] == y[differ[1]] && x[differ[1]] == y[differ[0]]
        }
        let (short, long) = x.count < y.count ? (x, y) : (y, x)
        guard long.count == short.count + 1 else { return false }
        var index = 0
        while index < short.count && short[index] == long[index] { index += 1 }
        return short[index...] == long[(index + 1)...]
    }
}

import Analysis
import Disclosure
import Charts
import Foundation
import Stats

/// What changed since the previous edition (DESIGN §5 "Editions"): figures that moved, teams
/// newly flagged or cleared, and restatements — figures for past weeks that changed.
struct EditionChanges {
    struct Moved { var figure: String; var old: String; var new: String }
    struct Restatement { var week: String; var figure: String; var old: String; var new: String }

    var moved: [Moved] = []
    var newlyFlagged: [String] = []
    var cleared: [String] = []
    var restatements: [Restatement] = []
    var previousPeriod: String?

    init(previous: JSONValue, current: JSONValue) {
        if let from = previous["period"]?["from"], let to = previous["period"]?["to"], case let .string(a) = from, case let .string(b) = to {
            previousPeriod = "\(a) to \(b)"
        }
        for key in ["active_users", "adoption_rate", "tokens", "requests", "cost_usd", "teams_flagged", "teams_suppressed", "headcount"] {
            let old = previous["org"]?[key], new = current["org"]?[key]
            if let old, let new, old != new { moved.append(Moved(figure: "organisation \(key.replacingOccurrences(of: "_", with: " "))", old: show(old), new: show(new))) }
        }
        for key in ["spearman", "pearson", "n"] {
            let old = previous["org"]?["correlation"]?[key], new = current["org"]?["correlation"]?[key]
            if let old, let new, old != new { moved.append(Moved(figure: "correlation \(key)", old: show(old), new: show(new))) }
        }
        let oldTeams = teams(previous), newTeams = teams(current)
        for (name, team) in newTeams.sorted(by: { $0.key < $1.key }) {
            let flagged = team["inflation"]?["flagged"] == .bool(true)
            let wasFlagged = oldTeams[name]?["inflation"]?["flagged"] == .bool(true)
            if flagged && !wasFlagged { newlyFlagged.append(name) }
            if !flagged && wasFlagged { cleared.append(name) }
            for key in ["active_users", "adoption_rate", "tokens"] {
                if let old = oldTeams[name]?[key], let new = team[key], old != new, old != .null, new != .null {
                    moved.append(Moved(figure: "\(name): \(key.replacingOccurrences(of: "_", with: " "))", old: show(old), new: show(new)))
                }
            }
        }
        let oldWeeks = weeks(previous), newWeeks = weeks(current)
        for (week, figures) in newWeeks.sorted(by: { $0.key < $1.key }) {
            guard let before = oldWeeks[week] else { continue }
            // The previous edition's partial last week is expected to grow: not a restatement.
            if before["partial"] == .bool(true) { continue }
            for key in ["active_users", "tokens", "requests", "value"] {
                if let old = before[key], let new = figures[key], old != new {
                    restatements.append(Restatement(week: week, figure: key.replacingOccurrences(of: "_", with: " "), old: show(old), new: show(new)))
                }
            }
        }
    }

    func teams(_ report: JSONValue) -> [String: JSONValue] {
        guard case let .array(items)? = report["teams"] else { return [:] }
        var result: [String: JSONValue] = [:]
        for item in items { if case let .string(name)? = item["team"] { result[name] = item } }
        return result
    }

    func weeks(_ report: JSONValue) -> [String: JSONValue] {
        guard case let .array(items)? = report["weekly"] else { return [:] }
        var result: [String: JSONValue] = [:]
        for item in items { if case let .string(week)? = item["week"] { result[week] = item } }
        return result
    }

    func show(_ value: JSONValue) -> String {
        switch value {
        case let .int(number): return whole.format(Double(number))
        case let .number(number): return abs(number) < 10 ? NumberFormat.plain(decimals: 3).format(number) : si.format(number)
        case let .string(text): return text
        case let .bool(flag): return flag ? "yes" : "no"
        case .null: return "n/a"
        default: return "…"
        }
    }
}

extension SiteBuilder {
    mutating func changesPage() throws {
        let current = reportJSON
        // The same bytes as the report.json this build writes: the same figures (JSONValue
        // compares values by their serialisation), so nothing to parse.
        let previous = options.previous.flatMap { $0.bytes == files.files["data/report.json"] ? current : $0.value() }
        var context: [String: Any] = ["hasPrevious": previous != nil]
        if let previous {
            let changes = EditionChanges(previous: previous, current: current)
            context["previousPeriod"] = changes.previousPeriod ?? "unknown"
            context["moved"] = changes.moved.map { ["figure": $0.figure, "old": $0.old, "new": $0.new] }
            context["hasMoved"] = !changes.moved.isEmpty
            context["newlyFlagged"] = changes.newlyFlagged.joined(separator: ", ")
            context["cleared"] = changes.cleared.joined(separator: ", ")
            context["hasFlagChanges"] = !changes.newlyFlagged.isEmpty || !changes.cleared.isEmpty
            context["restatements"] = changes.restatements.map { ["week": $0.week, "figure": $0.figure, "old": $0.old, "new": $0.new] }
            context["hasRestatements"] = !changes.restatements.isEmpty
        }
        try page(path: "changes.html", title: "Changes since the previous edition", template: "changes", context: context)
    }
}

import Disclosure
import Foundation

/// The solved suppression problem as JSON, for the dev-time attacker test: every cell with its
/// true values, people, rule status and (for team-weeks) anonymous parts, and every line.
/// Written only when `CANDOR_DISCLOSURE_AUDIT` names a file; never part of the site.
enum DisclosureAudit {
    static func json(_ problem: CellSuppression) -> Data {
        let cells: [[String: Any]] = problem.cells.map { cell in
            var values: [String: Double] = [:]
            for (measure, value) in cell.values { values["\(measure)"] = value }
            var object: [String: Any] = ["name": cell.name, "status": "\(cell.status)", "people": cell.people, "values": values]
            if cell.name.hasPrefix("tw|") { object["parts"] = cell.parts.map { [Double($0.person), $0.tokens] } }
            return object
        }
        let lines: [[String: Any]] = problem.lines.map { line in
            ["measure": "\(line.measure)", "total": line.total, "parts": line.parts, "exact": line.exact]
        }
        return (try? JSONSerialization.data(withJSONObject: ["cells": cells, "lines": lines], options: [.sortedKeys])) ?? Data()
    }
}

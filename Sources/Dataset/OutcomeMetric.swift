import Foundation

/// One outcome of `data/outcomes.csv` that the report reads as value (DESIGN §4 "Value"): what it
/// is called, its unit, which direction is better, and whether it is a primary outcome or a
/// guardrail (a quality measure that must not get worse while the primary one improves).
public struct OutcomeMetric: Equatable, Sendable, Codable {
    public enum Direction: String, Sendable, Codable { case higher, lower }
    public enum Role: String, Sendable, Codable { case primary, guardrail }

    /// The name in data/outcomes.csv.
    public var metric: String
    public var displayName: String?
    public var unitName: String?
    public var direction: Direction = .higher
    public var role: Role = .primary
    /// Where report.yml declares it (0 when it was taken from the data).
    public var line: Int

    public init(metric: String, displayName: String? = nil, unitName: String? = nil, direction: Direction = .higher,
                role: Role = .primary, line: Int = 0) {
        self.metric = metric; self.displayName = displayName; self.unitName = unitName
        self.direction = direction; self.role = role; self.line = line
    }

    /// The display name, or the metric's id made readable (`prs_merged` → "Prs merged").
    public var name: String { displayName ?? humanise(metric) }
    /// The unit for figures ("PRs"), or the readable id in lower case.
    public var unit: String { unitName ?? humanise(metric).lowercased() }
    /// +1 when more is better, −1 when less is.
    public var sign: Double { direction == .higher ? 1 : -1 }
}

/// `prs_merged` → "Prs merged", `change-failure rate` → "Change failure rate".
public func humanise(_ id: String) -> String {
    let spaced = id.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
    return spaced.prefix(1).uppercased() + spaced.dropFirst()
}

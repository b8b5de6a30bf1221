import Foundation

/// Charts drawn by an earlier build from the same published figures, by key (a chart's place on
/// the site), and the ones this build draws. The report's charts are drawn from the figures
/// alone, so when a build takes its figures from the report cache (a commentary edit), the
/// charts drawn last time are the same bytes; drawing them again was a third of such a
/// rebuild. Commentary charts are drawn afresh: their requests are what changed. Shared by
/// the builders of every core, so it is a locked class.
public final class ChartMemo: @unchecked Sendable {
    private let lock = NSLock()
    private let kept: [String: String]
    private var drawn: [String: String] = [:]

    /// `kept`: what a build with the same figures drew (empty when there is none).
    public init(kept: [String: String] = [:]) { self.kept = kept }

    /// The chart kept under `key`, else the one `draw` makes (remembered unless it failed).
    func figure(_ key: String, _ draw: () -> String?) -> String? {
        lock.lock()
        let known = kept[key] ?? drawn[key]
        lock.unlock()
        if let known { return known }
        guard let html = draw() else { return nil }
        lock.lock()
        drawn[key] = html
        lock.unlock()
        return html
    }

    /// Whether this build drew any chart it did not have (and so has some to keep).
    public var drewAny: Bool { lock.lock(); defer { lock.unlock() }; return !drawn.isEmpty }

    /// Every chart this build used, to keep for the next one.
    public var all: [String: String] {
        lock.lock(); defer { lock.unlock() }
        return kept.merging(drawn) { first, _ in first }
    }
}

import Analysis
import Dataset
import Foundation

/// The published figures kept between builds (beside the usage aggregate, see `BuildCache`):
/// a commentary edit changes no figure, so a build whose every other input is unchanged takes
/// the report from the cache instead of computing every interval and solving the suppression
/// again. The parts of the report that list the inputs themselves (files, problems, rows
/// read) are filled in afresh (`Analyzer.refreshInputs`).
extension BuildCache {
    /// What the figures are made from: the usage key (the aggregate's inputs, report.yml, the
    /// program) and every other input but commentary.
    public static func reportKey(usageKey: String, inputs: ReportInputs) -> String {
        var lines = ["candor report cache \(formatVersion)", usageKey]
        for file in inputs.files where !file.path.hasPrefix("commentary/") { lines.append("\(file.path) \(file.sha256)") }
        return hexDigest(SHA256Hasher.hash(Array(lines.joined(separator: "\n").utf8)))
    }

    /// The figures, and what reading the usage rows said (so that a build which takes the
    /// figures from here needs neither the rows nor their aggregate).
    public func loadReport(report folder: String, key: String) -> Lookup<(PublishedReport, UsageSummary)> {
        read(report: folder, kind: "report", key: key, Self.decodeReport)
    }

    /// The cached figures whatever inputs they were made from, with their key (see `readAnyKey`).
    public func loadAnyReport(report folder: String) -> (key: String, value: (PublishedReport, UsageSummary))? {
        readAnyKey(report: folder, kind: "report", Self.decodeReport)
    }

    /// The teams (over half of the figures' bytes) are decoded on another core while the rest
    /// is decoded here: decoding is what a rebuild after a commentary edit waits for. The
    /// figures are in `CompactEncoder`'s bytes: with JSON, decoding them was a third of that
    /// rebuild's time.
    private static func decodeReport(_ reader: inout ByteReader) throws -> (PublishedReport, UsageSummary) {
        let usage = try UsageSummary(from: &reader)
        let (rest, teams) = (try reader.raw(), try reader.raw())
        let decodedTeams = Pending { Result { try CompactDecoder().decode([TeamEntry].self, from: teams) } }
        var report = try CompactDecoder().decode(PublishedReport.self, from: rest)
        report.teams = try decodedTeams.value.get()
        return (report, usage)
    }

    @discardableResult
    public func saveReport(report folder: String, key: String, _ report: PublishedReport, usage: UsageSummary) -> String? {
        let rest: [UInt8], teams: [UInt8]
        do {
            var withoutTeams = report
            withoutTeams.teams = []
            (rest, teams) = (try CompactEncoder().encode(withoutTeams), try CompactEncoder().encode(report.teams))
        } catch {
            return "cannot encode the report: \(error)"
        }
        return write(report: folder, kind: "report", key: key) { writer in
            usage.encode(to: &writer)
            writer.raw(rest)
            writer.raw(teams)
        }
    }

    /// The report's charts as the last build drew them (page place → markup), with the key of
    /// the figures they were drawn from: use them only when this build's figures have that key.
    public func loadAnyCharts(report folder: String) -> (key: String, value: [String: String])? {
        readAnyKey(report: folder, kind: "charts", Self.decodeCharts)
    }

    /// The charts kept for the figures of `key`; `.ignored` says why a file was not trusted.
    public func loadCharts(report folder: String, key: String) -> Lookup<[String: String]> {
        read(report: folder, kind: "charts", key: key, Self.decodeCharts)
    }

    private static func decodeCharts(_ reader: inout ByteReader) throws -> [String: String] {
        var charts: [String: String] = [:]
        for _ in 0..<(try reader.count(itemBytes: 32)) {
            let pair = try reader.strings()
            guard pair.count == 2 else { throw ByteReader.Malformed(description: "a chart entry has \(pair.count) texts") }
            charts[pair[0]] = pair[1]
        }
        return charts
    }

    @discardableResult
    public func saveCharts(report folder: String, key: String, _ charts: [String: String]) -> String? {
        write(report: folder, kind: "charts", key: key) { writer in
            writer.int(charts.count)
            for (place, markup) in charts.sorted(by: { $0.key < $1.key }) { writer.strings([place, markup]) }
        }
    }
}

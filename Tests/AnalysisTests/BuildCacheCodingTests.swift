import Foundation
import XCTest
@testable import Analysis
@testable import Dataset

/// The usage cache's file, byte by byte: what is written is read back whole, and no truncation
/// or damaged byte makes the reader crash or read out of bounds.
final class BuildCacheCodingTests: XCTestCase {
    let folder = NSTemporaryDirectory() + "candor-cache-" + UUID().uuidString
    let report = "/reports/q3"

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func aggregate() -> (UsageAggregate, UsageSummary) {
        var config = ReportConfig()
        config.lowValueCategories = ["boilerplate"]
        var aggregate = UsageAggregate(config: config, tools: [])
        for (index, day) in ["2026-01-05", "2026-01-06", "2026-01-13", "2026-01-20"].enumerated() {
            for person in 0..<6 {
                var record = row(day, "p\(person)", person < 4 ? "A" : "B", tool: index % 2 == 0 ? "copilot" : "cursor",
                                 requests: Int64(person + 1), tokens: Int64(100 * (person + index)), shown: 10, accepted: Int64(person))
                record.promptHash = "h\(person % 2)"
                record.taskCategory = person == 0 ? "boilerplate" : "feature"
                record.costUSD = person == 5 ? 0.25 : nil
                aggregate.add(record)
            }
        }
        var group = UsageRecord(day: Day(parsing: "2026-01-07")!, user: nil, team: "B", tool: "copilot")
        group.activeUsers = 3
        aggregate.add(group)
        var summary = UsageSummary()
        summary.rowsRead = 25
        summary.rowsRejected = 1
        summary.seats = ["copilot": 12]
        summary.recognised = [("data/vendor/x.json", "cursor-events")]
        summary.diagnostics = [.warning("data/usage/u.csv", line: 7, "an odd row")]
        summary.files = [InputFile(path: "data/usage/u.csv", sha256: "ab", bytes: 10, rows: 24, format: "usage-csv")]
        return (aggregate, summary)
    }

    func testWhatIsWrittenIsReadBack() throws {
        let (original, summary) = aggregate()
        let cache = BuildCache(folder: folder)
        XCTAssertNil(cache.save(report: report, key: "k1", aggregate: original, summary: summary))
        guard case let .hit((loaded, loadedSummary)) = cache.load(report: report, key: "k1", config: ReportConfig(), tools: []) else {
            return XCTFail("no hit")
        }
        XCTAssertEqual(loaded.rowsAccepted, original.rowsAccepted)
        XCTAssertEqual(loaded.users.names, original.users.names)
        XCTAssertEqual(loaded.teams.names, original.teams.names)
        // Saved settled: the person tables complete, the shares filed into the cells.
        let settled = original.settled()
        XCTAssertEqual(loaded.userDays.table, settled.userDays.table)
        XCTAssertFalse(settled.userDays.table.isEmpty)
        XCTAssertEqual(loaded.teamWeeks.mapValues(\.shares.table), settled.teamWeeks.mapValues(\.shares.table))
        XCTAssertEqual(loaded.toolWeeks.mapValues(\.shares.table), settled.toolWeeks.mapValues(\.shares.table))
        XCTAssertFalse(settled.teamWeeks.values.allSatisfy { $0.shares.count == 0 })
        XCTAssertEqual(loaded.toolTotals.mapValues { [$0.tokens, $0.lowValueTokens, $0.costMicros, $0.accepted] },
                       settled.toolTotals.mapValues { [$0.tokens, $0.lowValueTokens, $0.costMicros, $0.accepted] })
        XCTAssertFalse(settled.toolTotals.isEmpty)
        XCTAssertEqual(loaded.groupActive, original.groupActive)
        func traces(_ aggregate: UsageAggregate) -> [[Int32]] {
            aggregate.adoption.map { [$0.key.user, $0.key.team, $0.key.tool, $0.value.first.index, $0.value.second.index, Int32($0.value.weeks.count)] }
        }
        XCTAssertEqual(traces(loaded), traces(settled))
        XCTAssertFalse(settled.adoption.isEmpty)
        XCTAssertEqual(loaded.teamPrompts.mapValues(\.distinct.registers), original.teamPrompts.mapValues(\.distinct.registers))
        XCTAssertEqual(loaded.effectivePeriod?.from, original.effectivePeriod?.from)
        XCTAssertEqual(loadedSummary.diagnostics, summary.diagnostics)
        XCTAssertEqual(loadedSummary.files, summary.files)
        XCTAssertEqual(loadedSummary.seats, summary.seats)
        XCTAssertEqual(loadedSummary.recognised.map { [$0.0, $0.1] }, summary.recognised.map { [$0.0, $0.1] })
        // The model from the cached aggregate is the model from the rows.
        let inputs = ReportInputs(folder: "/tmp", config: ReportConfig(), configSHA256: "")
        let a = try Analyzer.analyze(original, inputs: inputs, usage: summary)
        let b = try Analyzer.analyze(loaded, inputs: inputs, usage: loadedSummary)
        XCTAssertEqual(a.org.activeUsers, b.org.activeUsers)
        XCTAssertEqual(a.org.tokens, b.org.tokens)
        XCTAssertEqual(a.org.costUSD, b.org.costUSD)
        // Another key is another set of inputs: a miss, not an error.
        guard case .miss = cache.load(report: report, key: "k2", config: ReportConfig(), tools: []) else { return XCTFail("not a miss") }
        guard case .miss = cache.load(report: "/reports/other", key: "k1", config: ReportConfig(), tools: []) else { return XCTFail("not a miss") }
    }

    /// Every truncation is refused; every single damaged byte — even with its checksum made to
    /// match, as a forger would — is refused or read, never a crash.
    func testTruncatedAndDamagedFilesNeverCrashTheReader() throws {
        let (original, summary) = aggregate()
        let cache = BuildCache(folder: folder)
        XCTAssertNil(cache.save(report: report, key: "k", aggregate: original, summary: summary))
        let path = cache.path(report: report)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func load(_ bytes: [UInt8]) -> BuildCache.Lookup<(UsageAggregate, UsageSummary)> {
            try! Data(bytes).write(to: URL(fileURLWithPath: path))
            return cache.load(report: report, key: "k", config: ReportConfig(), tools: [])
        }
        for length in stride(from: 0, to: good.count, by: max(1, good.count / 300)) {
            guard case .ignored = load(Array(good.prefix(length))) else { return XCTFail("a file cut at \(length) bytes was used") }
        }
        var refused = 0
        for index in stride(from: BuildCache.magic.count, to: good.count - 32, by: max(1, (good.count - 32) / 1500)) {
            var bytes = Array(good.prefix(good.count - 32))
            bytes[index] ^= 0xFF
            bytes += SHA256Hasher.hash(bytes)
            switch load(bytes) {
            case .ignored: refused += 1
            case .hit, .miss: break
            }
        }
        XCTAssertGreaterThan(refused, 0, "some damage (a count, an id) is seen even behind a matching checksum")
        var unsigned = good
        unsigned[good.count / 2] ^= 1
        guard case let .ignored(reason) = load(unsigned) else { return XCTFail("a damaged byte was used") }
        XCTAssertTrue(reason.contains("damaged"), reason)
    }
}

extension PersonDays {
    /// Every person-day as "person/day" → [tokens, requests].
    var table: [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        forEach { person, day, totals in result["\(person)/\(day)"] = [totals.tokens, totals.requests] }
        return result
    }
}

extension PersonShares {
    /// Every person's share as person → [tokens, requests, cost].
    var table: [Int32: [Int64]] {
        Dictionary(uniqueKeysWithValues: map { ($0.key, [$0.value.tokens, $0.value.requests, $0.value.costMicros]) })
    }
}

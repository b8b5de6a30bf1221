import Analysis
import Dataset
import Foundation
import XCTest
@testable import candor

/// The usage cache (DESIGN §8, issue #17): a build that takes its aggregate from the cache writes
/// the same bytes as one that reads every row; a change to any input the aggregate depends on is
/// never answered from the cache; a damaged or foreign cache file is ignored with a note.
final class BuildCacheTests: XCTestCase {
    let fieldNotes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../DatasetTests/Fixtures/field-notes").standardized.path

    /// A small report with a usage file and two vendor exports (one read by content detection).
    func makeReport(_ scratch: Scratch) throws -> String {
        let folder = scratch.path + "/report"
        _ = try SampleGenerator(users: 40, days: 14, seed: 3).write(to: folder)
        try FileManager.default.createDirectory(atPath: folder + "/data/vendor", withIntermediateDirectories: true)
        for name in ["copilot-agent-edit.ndjson", "cursor-charged.json"] {
            try FileManager.default.copyItem(atPath: fieldNotes + "/" + name, toPath: folder + "/data/vendor/" + name)
        }
        return folder
    }

    func build(_ folder: String, _ output: String, cache: String?) throws -> Pipeline.Summary {
        var options = Pipeline.Options(content: folder, output: output, theme: repository + "/Themes/default")
        options.cacheFolder = cache
        return try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
    }

    func assertSameSite(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) {
        let (left, right) = (tree(a), tree(b))
        XCTAssertFalse(left.isEmpty, file: file, line: line)
        XCTAssertEqual(left.keys.sorted(), right.keys.sorted(), file: file, line: line)
        for (path, bytes) in left where right[path] != bytes {
            XCTFail("\(path) differs between the cached and the clean build", file: file, line: line)
        }
    }

    func testCachedRebuildWritesTheSameBytesAsACleanBuild() throws {
        let scratch = Scratch()
        let folder = try makeReport(scratch), cache = scratch.path + "/cache"
        let first = try build(folder, scratch.path + "/first", cache: cache)
        XCTAssertFalse(first.usageCached)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        XCTAssertEqual(files.filter { $0.hasSuffix(".bin") }.count, 4, "the aggregate, the figures, their charts and the files' digests, once per report folder: \(files)")
        for file in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: cache + "/" + file)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "the cache holds pseudonyms: its owner's only")
        }

        // A commentary edit: the aggregate comes from the cache, and the site is the one a clean
        // build writes, byte for byte.
        let page = folder + "/commentary/reading-this-report.md"
        try (String(contentsOfFile: page, encoding: .utf8) + "\nEdited once.\n").write(toFile: page, atomically: true, encoding: .utf8)
        let cached = try build(folder, scratch.path + "/cached", cache: cache)
        XCTAssertTrue(cached.usageCached)
        XCTAssertTrue(cached.reportCached, "no input of the figures changed")
        XCTAssertGreaterThan(cached.chartsKept, 10, "the charts drawn from the same figures are kept")
        XCTAssertEqual(first.chartsKept, 0)
        XCTAssertNil(cached.cacheNote)
        let clean = try build(folder, scratch.path + "/clean", cache: nil)
        XCTAssertFalse(clean.usageCached)
        assertSameSite(scratch.path + "/cached", scratch.path + "/clean")
        XCTAssertEqual(cached.rowsRead, clean.rowsRead)
        XCTAssertEqual(cached.diagnostics, clean.diagnostics, "the same warnings, from the cache as from the rows")
        XCTAssertTrue(try String(contentsOfFile: scratch.path + "/cached/data/report.json", encoding: .utf8).contains("\"cursor\""),
                      "the vendor export's tool is in the cached report")
    }

    /// Each input the aggregate depends on, changed in turn: never answered from the cache, and
    /// the site is the clean build's of the changed inputs.
    func testAChangeToAnyInputOfTheAggregateIsReadAgain() throws {
        let scratch = Scratch()
        let folder = try makeReport(scratch), cache = scratch.path + "/cache"
        _ = try build(folder, scratch.path + "/warm", cache: cache)
        func append(_ relative: String, _ text: String) throws {
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: folder + "/" + relative))
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            handle.closeFile()
        }
        let usage = try String(contentsOfFile: folder + "/data/usage/usage.csv", encoding: .utf8)
        let lastRow = usage.split(separator: "\n").last!
        let changes: [(String, () throws -> Void)] = [
            ("a usage row", { try append("data/usage/usage.csv", String(lastRow) + "\n") }),
            ("a vendor file", { try append("data/vendor/cursor-charged.json", " ") }),
            ("tools.csv", { try append("data/tools.csv", "\n") }),
            ("report.yml", { try append("report.yml", "\n# a comment changes the file's hash\n") }),
            ("a feedback document", { try append("feedback/retro-onboarding.md", "\nThe new tool saves me an hour a day.\n") }),
            ("outcomes.csv", { try append("data/outcomes.csv", "") ; try append("data/outcomes.csv", "\n") }),
        ]
        for (index, (what, change)) in changes.enumerated() {
            try change()
            let rebuilt = try build(folder, scratch.path + "/rebuilt\(index)", cache: cache)
            // Feedback and outcomes are no input of the usage aggregate, but are of the figures.
            XCTAssertEqual(rebuilt.usageCached, index >= 4, "after changing \(what)")
            XCTAssertFalse(rebuilt.reportCached, "after changing \(what)")
            _ = try build(folder, scratch.path + "/clean\(index)", cache: nil)
            assertSameSite(scratch.path + "/rebuilt\(index)", scratch.path + "/clean\(index)")
            // And once rewritten, the cache answers the next build.
            XCTAssertTrue(try build(folder, scratch.path + "/again\(index)", cache: cache).usageCached, "after changing \(what)")
        }
        // Moving the same bytes to a new time is no change: the key is the content, not the clock.
        let path = folder + "/data/usage/usage.csv"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: path)
        XCTAssertTrue(try build(folder, scratch.path + "/touched", cache: cache).usageCached)
    }

    /// `serve` keeps the aggregate in memory between builds: a change to any of its inputs —
    /// a vendor export dropped in or edited, headcount.csv — is read again, and the site is the
    /// clean build's; with nothing changed, the aggregate is reused.
    func testServesAggregateInMemoryIsReadAgainAfterAnyInputChanges() throws {
        let scratch = Scratch()
        let folder = try makeReport(scratch)
        let memory = Pipeline.Cache()
        func serveBuild(_ output: String) throws {
            let options = Pipeline.Options(content: folder, output: scratch.path + "/" + output, theme: repository + "/Themes/default")
            _ = try Pipeline.run(options, progress: Progress(quiet: true, verbose: false), cache: memory)
        }
        try serveBuild("first")
        XCTAssertEqual(memory.ingests, 1)
        try serveBuild("same")
        XCTAssertEqual(memory.ingests, 1, "nothing changed: the aggregate in memory is reused")
        let changes: [(String, () throws -> Void)] = [
            ("a vendor export dropped in", {
                try FileManager.default.copyItem(atPath: self.fieldNotes + "/cursor-spend.json", toPath: folder + "/data/vendor/cursor-spend.json")
            }),
            ("a vendor export edited", {
                let path = folder + "/data/vendor/cursor-charged.json"
                try (try String(contentsOfFile: path, encoding: .utf8) + " ").write(toFile: path, atomically: true, encoding: .utf8)
            }),
            ("headcount.csv", {
                let path = folder + "/data/headcount.csv"
                try (try String(contentsOfFile: path, encoding: .utf8) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            }),
        ]
        for (index, (what, change)) in changes.enumerated() {
            try change()
            try serveBuild("served\(index)")
            XCTAssertEqual(memory.ingests, 2 + index, "after \(what)")
            _ = try build(folder, scratch.path + "/clean\(index)", cache: nil)
            assertSameSite(scratch.path + "/served\(index)", scratch.path + "/clean\(index)")
        }
    }

    /// An unchanged file is not read again to hash it when its size, times and inode are those
    /// the last build saw; a file rewritten to the same size with its old time put back is.
    func testOnlyChangedFilesAreHashedAgain() throws {
        let scratch = Scratch()
        let folder = try makeReport(scratch), cache = scratch.path + "/cache"
        Thread.sleep(forTimeInterval: 1.2)  // the files are older than the digests by over a second
        _ = try build(folder, scratch.path + "/first", cache: cache)
        let second = try build(folder, scratch.path + "/second", cache: cache)
        XCTAssertEqual(second.filesHashed, 0)
        XCTAssertTrue(second.usageCached)
        let path = folder + "/data/usage/usage.csv"
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let digit = bytes.lastIndex { $0 >= 0x31 && $0 <= 0x38 }!
        bytes[digit] += 1  // one more request on the last row: same size
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        let third = try build(folder, scratch.path + "/third", cache: cache)
        XCTAssertEqual(third.filesHashed, 1, "its change time moved")
        XCTAssertFalse(third.usageCached)
        XCTAssertFalse(third.reportCached)
        _ = try build(folder, scratch.path + "/clean", cache: nil)
        assertSameSite(scratch.path + "/third", scratch.path + "/clean")
    }

    func testADamagedOrForeignCacheIsIgnoredWithANote() throws {
        let scratch = Scratch()
        let folder = try makeReport(scratch), cache = scratch.path + "/cache"
        _ = try build(folder, scratch.path + "/warm", cache: cache)
        _ = try build(folder, scratch.path + "/clean", cache: nil)
        let file = BuildCache(folder: cache).path(report: URL(fileURLWithPath: folder).standardizedFileURL.path)
        let good = try Data(contentsOf: URL(fileURLWithPath: file))
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        let damages: [(String, Data, String)] = [
            ("a flipped byte", flipped, "damaged"),
            ("a truncated file", good.prefix(good.count - 100), "damaged"),
            ("another program's file", Data("not a cache at all, but long enough to have a checksum's worth of bytes".utf8), "not a Candor cache file"),
            ("an empty file", Data(), "not a Candor cache file"),
        ]
        let reportFile = BuildCache(folder: cache).path(report: URL(fileURLWithPath: folder).standardizedFileURL.path, kind: "report")
        for (index, (what, bytes, reason)) in damages.enumerated() {
            // Without cached figures, a build needs the aggregate (with them it does not read it).
            try FileManager.default.removeItem(atPath: reportFile)
            try bytes.write(to: URL(fileURLWithPath: file))
            let rebuilt = try build(folder, scratch.path + "/rebuilt\(index)", cache: cache)
            XCTAssertFalse(rebuilt.usageCached, what)
            XCTAssertTrue(rebuilt.cacheNote?.contains(reason) == true, "\(what): \(rebuilt.cacheNote ?? "no note")")
            assertSameSite(scratch.path + "/rebuilt\(index)", scratch.path + "/clean")
        }
        // The bad file was replaced by a good one.
        XCTAssertTrue(try build(folder, scratch.path + "/again", cache: cache).usageCached)
        // The same for the cached figures.
        var report = try Data(contentsOf: URL(fileURLWithPath: reportFile))
        report[report.count / 2] ^= 0x01
        try report.write(to: URL(fileURLWithPath: reportFile))
        let rebuilt = try build(folder, scratch.path + "/report-damaged", cache: cache)
        XCTAssertTrue(rebuilt.usageCached)
        XCTAssertFalse(rebuilt.reportCached)
        XCTAssertTrue(rebuilt.cacheNote?.contains("damaged") == true, rebuilt.cacheNote ?? "no note")
        assertSameSite(scratch.path + "/report-damaged", scratch.path + "/clean")
        // The same for the kept charts: a damaged file is said and the charts are drawn again.
        let chartsFile = BuildCache(folder: cache).path(report: URL(fileURLWithPath: folder).standardizedFileURL.path, kind: "charts")
        XCTAssertTrue(try build(folder, scratch.path + "/charts-warm", cache: cache).chartsKept > 0)
        var charts = try Data(contentsOf: URL(fileURLWithPath: chartsFile))
        charts[charts.count / 2] ^= 0x01
        try charts.write(to: URL(fileURLWithPath: chartsFile))
        let redrawn = try build(folder, scratch.path + "/charts-damaged", cache: cache)
        XCTAssertTrue(redrawn.reportCached)
        XCTAssertEqual(redrawn.chartsKept, 0)
        XCTAssertTrue(redrawn.cacheNote?.contains("chart cache") == true && redrawn.cacheNote?.contains("damaged") == true, redrawn.cacheNote ?? "no note")
        assertSameSite(scratch.path + "/charts-damaged", scratch.path + "/clean")
    }

    /// Kept charts are used only for the figures they were drawn from: a chart file written for
    /// other figures (here, ones whose key is not this build's) is not drawn from.
    func testChartsAreKeptOnlyForTheirFigures() throws {
        let scratch = Scratch()
        let folder = try makeReport(scratch), cache = scratch.path + "/cache"
        _ = try build(folder, scratch.path + "/warm", cache: cache)
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        let store = BuildCache(folder: cache)
        let (key, charts) = try XCTUnwrap(store.loadAnyCharts(report: root))
        // The same charts with a marker, under the right key: the rebuild shows the marker, so
        // the kept charts are what it writes; under another key it draws its own.
        let marked = charts.mapValues { $0.replacingOccurrences(of: "</figure>", with: "<!-- kept --></figure>") }
        store.saveCharts(report: root, key: key, marked)
        _ = try build(folder, scratch.path + "/kept", cache: cache)
        XCTAssertTrue(try String(contentsOfFile: scratch.path + "/kept/index.html", encoding: .utf8).contains("<!-- kept -->"))
        store.saveCharts(report: root, key: String(repeating: "0", count: key.count), marked)
        let other = try build(folder, scratch.path + "/other", cache: cache)
        XCTAssertEqual(other.chartsKept, 0)
        XCTAssertFalse(try String(contentsOfFile: scratch.path + "/other/index.html", encoding: .utf8).contains("<!-- kept -->"))
    }
}

import Foundation
import XCTest
@testable import candor
@testable import Site

final class SafetyTests: XCTestCase {
    /// Inputs stay inside the report folder: a theme asset or template linked to a system file,
    /// a theme named outside the folder and a headcount file linked outside are each refused,
    /// and nothing of them is published.
    func testLinksAndThemesOutsideTheReportFolderAreRefused() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content"
        _ = try SampleGenerator(users: 60, days: 14, seed: 3).write(to: content)
        let secret = scratch.path + "/secret.txt"
        try "TOP-SECRET-43\n".write(toFile: secret, atomically: true, encoding: .utf8)
        func fails(_ edit: () throws -> Void, undo: () throws -> Void, mentioning needle: String) throws {
            try edit()
            defer { try? undo() }
            let output = scratch.path + "/out-\(UUID().uuidString)"
            XCTAssertThrowsError(try build(content, output)) { error in
                guard case let Pipeline.Failure.inputs(diagnostics) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(diagnostics.contains { $0.description.contains(needle) }, "\(diagnostics)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/index.html"))
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: content + "/theme/assets", withIntermediateDirectories: true)
        try fails({ try fm.createSymbolicLink(atPath: content + "/theme/assets/passwd.txt", withDestinationPath: secret) },
                  undo: { try fm.removeItem(atPath: content + "/theme/assets/passwd.txt") }, mentioning: "outside its theme folder")
        try fm.createDirectory(atPath: content + "/theme/templates", withIntermediateDirectories: true)
        try fails({ try fm.createSymbolicLink(atPath: content + "/theme/templates/404.mustache", withDestinationPath: secret) },
                  undo: { try fm.removeItem(atPath: content + "/theme/templates/404.mustache") }, mentioning: "outside its theme folder")
        let yml = try String(contentsOfFile: content + "/report.yml", encoding: .utf8)
        try fails({ try (yml + "theme: ../../\n").write(toFile: content + "/report.yml", atomically: true, encoding: .utf8) },
                  undo: { try yml.write(toFile: content + "/report.yml", atomically: true, encoding: .utf8) }, mentioning: "outside the report folder")
        let headcount = try String(contentsOfFile: content + "/data/headcount.csv", encoding: .utf8)
        try headcount.write(toFile: scratch.path + "/headcount.csv", atomically: true, encoding: .utf8)
        try fails({
            try fm.removeItem(atPath: content + "/data/headcount.csv")
            try fm.createSymbolicLink(atPath: content + "/data/headcount.csv", withDestinationPath: scratch.path + "/headcount.csv")
        }, undo: {
            try fm.removeItem(atPath: content + "/data/headcount.csv")
            try headcount.write(toFile: content + "/data/headcount.csv", atomically: true, encoding: .utf8)
        }, mentioning: "outside the report folder")
        // With every link gone, the report builds.
        _ = try build(content, scratch.path + "/out-ok")
    }

    /// Hostile names and text reach every output escaped or dropped.
    func testHostileTeamNamesCommentaryAndFeedbackAreEscapedEverywhere() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 200, days: 40, seed: 9).write(to: content)
        let evil = "<script>alert(1)</script>"
        let team = "Evil \(evil) & \"Co\""
        // A team with a hostile name, big enough to be published.
        var rows = ""
        for person in 0..<6 { rows += "2026-01-06,x\(person),\(csv(team)),cursor,3,100,20,0,,,,,coding,,false\n" }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: content + "/data/usage/usage.csv"))
        handle.seekToEndOfFile()
        handle.write(Data(rows.utf8))
        try handle.close()
        try """
        ---
        title: "<img src=x onerror=alert(1)> Notes"
        ---
        # Notes <script>alert(2)</script>

        [click](javascript:alert(3)) and <iframe src="https://evil.example"></iframe>

        Code stays literal: `{{ org.tokens }}` and `<b>`.

        """.write(toFile: content + "/commentary/notes.md", atomically: true, encoding: .utf8)
        try "---\ndate: 2026-02-01\nchannel: letter\ntitle: \"</title><script>alert(4)</script>\"\n---\nHello <script>alert(5)</script> [x](javascript:alert(6)) from @someone and a.b@example.com\n"
            .write(toFile: content + "/feedback/evil.md", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        for (path, data) in tree(output) {
            let text = String(decoding: data, as: UTF8.self)
            // CSV holds names as data, quoted for CSV; every other format escapes markup.
            if path.hasSuffix(".csv") {
                if text.contains("Evil") { XCTAssertTrue(text.contains("\"Evil <script>alert(1)</script> & \"\"Co\"\"\""), path) }
                continue
            }
            XCTAssertFalse(text.contains("<script>alert"), "unescaped script in \(path)")
            XCTAssertFalse(text.contains("javascript:alert"), "javascript: link in \(path)")
            XCTAssertFalse(text.contains("<img src=x"), "raw img in \(path)")
            XCTAssertFalse(text.contains("<iframe"), "raw iframe in \(path)")
            XCTAssertFalse(text.contains("a.b@example.com"), "an e-mail address in \(path)")
        }
        let notes = try String(contentsOfFile: output + "/notes.html", encoding: .utf8)
        XCTAssertTrue(notes.contains("<code>{{ org.tokens }}</code>"))
        XCTAssertTrue(notes.contains("<code>&lt;b&gt;</code>"))
        let teamPage = try String(contentsOfFile: output + "/teams/evil-script-alert-1-script-co.html", encoding: .utf8)
        XCTAssertTrue(teamPage.contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"))
        let json = try String(contentsOfFile: output + "/data/report.json", encoding: .utf8)
        XCTAssertTrue(json.contains("Evil \\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 \\\"Co\\\""))
    }

    /// A restated past week shows in changes.html with its old value.
    func testChangesPageShowsRestatementsAndFlagChanges() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 200, days: 42, seed: 4).write(to: content)
        _ = try build(content, output)
        let first = try String(contentsOfFile: output + "/changes.html", encoding: .utf8)
        XCTAssertTrue(first.contains("This is the first edition"))
        // Late data for the first week arrives.
        var late = ""
        for person in 0..<5 { late += "2026-01-06,u\(String(format: "%05d", person + 1)),Payments,cursor,2,1000000,0,0,,,,,coding,,false\n" }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: content + "/data/usage/usage.csv"))
        handle.seekToEndOfFile()
        handle.write(Data(late.utf8))
        try handle.close()
        _ = try build(content, output)
        let second = try String(contentsOfFile: output + "/changes.html", encoding: .utf8)
        XCTAssertTrue(second.contains("Restatements"))
        XCTAssertTrue(second.contains("<th scope=\"row\">2026-W02</th><td>tokens</td><td><del>"), second)
        XCTAssertTrue(second.contains("organisation tokens"))
    }

    /// A rebuild whose figures did not move writes the same report.json as the previous
    /// edition, and compares the two without parsing the old one: its changes.html is the one
    /// a parse of the old file gives (a copy that differs only by a space, named with
    /// --previous); a previous report.json that is not JSON is no previous edition.
    func testChangesPageOfAnUnchangedRebuildIsTheParsedComparison() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out", saved = scratch.path + "/previous.json"
        _ = try SampleGenerator(users: 200, days: 42, seed: 4).write(to: content)
        _ = try build(content, output)
        _ = try build(content, output)
        let unchanged = try String(contentsOfFile: output + "/changes.html", encoding: .utf8)
        XCTAssertTrue(unchanged.contains("Compared with the edition covering 2026-"), unchanged)
        XCTAssertTrue(unchanged.contains("No headline figure moved."))
        XCTAssertTrue(unchanged.contains("No past week was restated."))

        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output + "/data/report.json")))
        XCTAssertEqual(bytes.first, 0x7B)
        bytes.insert(0x20, at: 1)
        try Data(bytes).write(to: URL(fileURLWithPath: saved))
        func buildAgainst(_ previous: String) throws -> Pipeline.Summary {
            var options = Pipeline.Options(content: content, output: output, theme: repository + "/Themes/default")
            options.previous = previous
            return try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
        }
        _ = try buildAgainst(saved)
        XCTAssertEqual(try String(contentsOfFile: output + "/changes.html", encoding: .utf8), unchanged)

        try Data("{\"org\": ".utf8).write(to: URL(fileURLWithPath: saved))
        let summary = try buildAgainst(saved)
        XCTAssertTrue(summary.diagnostics.contains { $0.message.contains("cannot read the previous edition's report.json") })
        XCTAssertTrue(try String(contentsOfFile: output + "/changes.html", encoding: .utf8).contains("This is the first edition"))
    }
}

final class OutputSafetyTests: XCTestCase {
    /// Write failures say what the user can act on ("no space left on the device"), never a raw
    /// Foundation error text; a rebuild swaps the sites in one step and leaves nothing behind.
    func testWriteFailuresAreExplainedAndRebuildsLeaveNoLeftovers() throws {
        XCTAssertEqual(OutputFolder.explain(ENOSPC), "no space left on the device")
        XCTAssertEqual(OutputFolder.posixCode(NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])), ENOSPC)
        let folder = NSTemporaryDirectory() + "candor-swap-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/site"
        var first = SiteFiles()
        try first.add("index.html", Array("one".utf8))
        try first.add("data/manifest.json", Array(#"{"schema":"candor.manifest/1"}"#.utf8))
        try OutputFolder.write(first, to: output)
        var second = SiteFiles()
        try second.add("index.html", Array("two".utf8))
        try second.add("data/manifest.json", Array(#"{"schema":"candor.manifest/1"}"#.utf8))
        try OutputFolder.write(second, to: output)
        XCTAssertEqual(try String(contentsOfFile: output + "/index.html", encoding: .utf8), "two")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["site"], "no staging or old folder is left")
    }

    /// Files handed over while the site is built are written at once, but the folder put in
    /// place holds exactly the site `finish` is given: a file handed and then left out of the
    /// site is not in it, one handed with other bytes has the site's, one never handed is
    /// written at the end, and one the previous site holds unchanged is linked either way. An
    /// abandoned build leaves the previous site as it was, and no staging folder.
    func testFilesHandedWhileBuildingEndAsExactlyTheSitesFiles() throws {
        let folder = NSTemporaryDirectory() + "candor-staged-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/site"
        let manifest = Array(#"{"schema":"candor.manifest/1"}"#.utf8)
        var old = SiteFiles()
        try old.add("data/manifest.json", manifest)
        try old.add("teams/kept.html", Array("kept".utf8))
        try OutputFolder.write(old, to: output)
        func inode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: output + "/" + path)[.systemFileNumber] as? Int) ?? -1
        }
        let kept = try inode("teams/kept.html")

        let abandoned = try StagedSite(output: output)
        abandoned.hand("index.html", Array("never".utf8))
        abandoned.hand("teams/kept.html", Array("changed".utf8))
        abandoned.abandon()
        XCTAssertEqual(tree(output), old.files.mapValues { Data($0) })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["site"], "no staging folder is left")

        let staged = try StagedSite(output: output)
        var site = SiteFiles(staged: staged)
        try site.add("data/manifest.json", manifest)
        try site.add("teams/kept.html", Array("kept".utf8))
        try site.add("teams/deep/new.html", Array("new".utf8))
        staged.hand("left-out.html", Array("left out".utf8))
        staged.hand("changed.html", Array("early".utf8))
        staged.hand("../outside.html", Array("outside".utf8))
        // What the build ends with: the files added, one handed with other bytes, one new.
        var final = SiteFiles()
        for (path, bytes) in site.files { try final.add(path, bytes) }
        try final.add("changed.html", Array("late".utf8))
        try final.add("late.html", Array("late".utf8))
        try staged.finish(final)
        XCTAssertEqual(tree(output), final.files.mapValues { Data($0) })
        XCTAssertEqual(try inode("teams/kept.html"), kept, "an unchanged file handed early is linked")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["site"], "nothing outside the output folder")
    }

    /// A rebuild links a file the previous site holds unchanged instead of writing it again (it
    /// keeps its inode), and writes every other file anew: a changed one, one the old site held
    /// as a symbolic link (to a file outside it with the same bytes), and one linked elsewhere
    /// too. The new site is the same bytes either way, and the old one is gone.
    func testARebuildLinksUnchangedFilesAndWritesTheRest() throws {
        let folder = NSTemporaryDirectory() + "candor-reuse-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/site"
        func site(_ changed: String) throws -> SiteFiles {
            var files = SiteFiles()
            try files.add("data/manifest.json", Array(#"{"schema":"candor.manifest/1"}"#.utf8))
            try files.add("same.html", Array("unchanged".utf8))
            try files.add("teams/changed.html", Array(changed.utf8))
            try files.add("linked.html", Array("linked".utf8))
            try files.add("elsewhere.html", Array("shared".utf8))
            try files.add("empty.txt", [])
            return files
        }
        func inode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: output + "/" + path)[.systemFileNumber] as? Int) ?? -1
        }
        try OutputFolder.write(try site("old"), to: output)
        let before = try ["same.html", "teams/changed.html", "elsewhere.html", "empty.txt"].map(inode)
        // The old site's linked.html becomes a symbolic link to a file with the same bytes, and
        // elsewhere.html gains a second name outside the site.
        try "linked".write(toFile: folder + "/outside.html", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: output + "/linked.html")
        try FileManager.default.createSymbolicLink(atPath: output + "/linked.html", withDestinationPath: folder + "/outside.html")
        try FileManager.default.linkItem(atPath: output + "/elsewhere.html", toPath: folder + "/second-name.html")

        try OutputFolder.write(try site("new"), to: output)
        let after = try ["same.html", "teams/changed.html", "elsewhere.html", "empty.txt"].map(inode)
        XCTAssertEqual(after[0], before[0], "an unchanged file is linked, not written")
        XCTAssertEqual(after[3], before[3], "an unchanged empty file too")
        XCTAssertNotEqual(after[1], before[1], "a changed file is written anew")
        XCTAssertNotEqual(after[2], before[2], "a file with another name elsewhere is not shared")
        // A folder of the old site that is a symbolic link: the identical file it leads to is
        // not taken either.
        try FileManager.default.createDirectory(atPath: folder + "/elsewhere", withIntermediateDirectories: true)
        try "new".write(toFile: folder + "/elsewhere/changed.html", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: output + "/teams")
        try FileManager.default.createSymbolicLink(atPath: output + "/teams", withDestinationPath: folder + "/elsewhere")
        let outsideFile = try FileManager.default.attributesOfItem(atPath: folder + "/elsewhere/changed.html")[.systemFileNumber] as? Int
        try OutputFolder.write(try site("new"), to: output)
        XCTAssertNotEqual(try inode("teams/changed.html"), outsideFile, "a file reached through a linked folder is not shared")
        XCTAssertEqual(try inode("same.html"), before[0])

        let linked = try FileManager.default.attributesOfItem(atPath: output + "/linked.html")
        XCTAssertEqual(linked[.type] as? FileAttributeType, .typeRegular, "a symbolic link of the old site is not carried over")
        XCTAssertNotEqual(linked[.systemFileNumber] as? Int,
                          try FileManager.default.attributesOfItem(atPath: folder + "/outside.html")[.systemFileNumber] as? Int)
        for (path, bytes) in try site("new").files {
            XCTAssertEqual(FileManager.default.contents(atPath: output + "/" + path).map { Array($0) }, bytes, path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["elsewhere", "outside.html", "second-name.html", "site"])
        XCTAssertEqual(String(decoding: FileManager.default.contents(atPath: folder + "/second-name.html") ?? Data(), as: UTF8.self), "shared")
    }

    func refused(_ content: String, _ output: String) -> String? {
        do { _ = try build(content, output); return nil } catch let Pipeline.Failure.inputs(diagnostics) {
            return diagnostics.map(\.message).joined(separator: "\n")
        } catch { return "\(error)" }
    }

    /// `--output` naming the report folder, a folder above it, or a folder with someone
    /// else's files is refused before any work, and nothing is deleted.
    func testABuildNeverReplacesTheReportItsParentsOrAForeignFolder() throws {
        let scratch = Scratch()
        let content = scratch.path + "/project/report"
        _ = try SampleGenerator(users: 60, days: 30, seed: 3).write(to: content)
        try "keep me".write(toFile: scratch.path + "/project/notes.txt", atomically: true, encoding: .utf8)

        XCTAssertTrue(refused(content, content)?.contains("is the report folder") ?? false)
        XCTAssertTrue(refused(content, scratch.path + "/project")?.contains("contains the report folder") ?? false)
        XCTAssertTrue(refused(content, content + "/..")?.contains("contains the report folder") ?? false)
        XCTAssertTrue(FileManager.default.fileExists(atPath: content + "/report.yml"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path + "/project/notes.txt"))

        let foreign = scratch.path + "/documents"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "thesis".write(toFile: foreign + "/thesis.tex", atomically: true, encoding: .utf8)
        XCTAssertTrue(refused(content, foreign)?.contains("not written by Candor") ?? false)
        XCTAssertTrue(FileManager.default.fileExists(atPath: foreign + "/thesis.tex"))

        // A folder Candor wrote is replaced; one with only dot files is fine too.
        let site = scratch.path + "/site"
        XCTAssertNil(refused(content, site))
        XCTAssertNil(refused(content, site))
        let dotted = scratch.path + "/dotted"
        try FileManager.default.createDirectory(atPath: dotted, withIntermediateDirectories: true)
        try "".write(toFile: dotted + "/.gitkeep", atomically: true, encoding: .utf8)
        XCTAssertNil(refused(content, dotted))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dotted + "/.gitkeep"))
    }

    /// What a killed build left beside the output: its half-written site is removed, and a site
    /// it had moved aside comes back when nothing replaced it.
    func testLeftoversOfKilledBuildsAreCleanedOrRestored() throws {
        let scratch = Scratch()
        let content = scratch.path + "/report"
        _ = try SampleGenerator(users: 60, days: 30, seed: 3).write(to: content)
        let site = scratch.path + "/site"
        _ = try build(content, site)
        let dead: Int32 = 2_000_000_000  // above any pid_max: never a running process
        // Killed between the two renames: the old site aside, no site in place.
        try FileManager.default.moveItem(atPath: site, toPath: scratch.path + "/.site.candor-old-\(dead)")
        try FileManager.default.createDirectory(atPath: scratch.path + "/.site.candor-new-\(dead)", withIntermediateDirectories: true)
        _ = try build(content, site)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.contains("candor-") }
        XCTAssertEqual(left, [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: site + "/index.html"))
    }
}

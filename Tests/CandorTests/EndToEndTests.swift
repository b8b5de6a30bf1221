import Foundation
import XCTest
@testable import candor
import Dataset
@testable import Site
import Charts
import Stats

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

final class Scratch {
    let path = NSTemporaryDirectory() + "candor-e2e-" + UUID().uuidString
    init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func build(_ content: String, _ output: String, strict: Bool = false) throws -> Pipeline.Summary {
    var options = Pipeline.Options(content: content, output: output, theme: repository + "/Themes/default")
    options.strict = strict
    return try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
}

func json(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
}

/// Every file below `folder`, relative path → bytes.
func tree(_ folder: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)!
    while let item = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: folder + "/" + item, isDirectory: &isDirectory)
        if !isDirectory.boolValue { files[item] = FileManager.default.contents(atPath: folder + "/" + item) }
    }
    return files
}

final class ExampleReportTests: XCTestCase {
    /// Builds Content/ once and checks its figures against values computed independently by
    /// Fixtures/content_reference.py from the raw files.
    func testExampleReportFiguresMatchIndependentComputation() throws {
        let scratch = Scratch()
        let output = scratch.path + "/Output"
        let summary = try build(repository + "/Content", output)
        XCTAssertEqual(summary.rowsRejected, 0)
        let reference = try json(repository + "/Tests/CandorTests/Fixtures/content_reference.json")
        let report = try json(output + "/data/report.json")
        XCTAssertEqual(report["schema"] as? String, "candor.report/2")
        let org = report["org"] as! [String: Any]
        XCTAssertEqual(org["active_users"] as? Int, reference["active_users"] as? Int)
        XCTAssertEqual(org["headcount"] as? Int, reference["headcount"] as? Int)
        XCTAssertEqual(org["tokens"] as? Int, reference["tokens"] as? Int)
        XCTAssertEqual(org["requests"] as? Int, reference["requests"] as? Int)
        XCTAssertEqual(org["adoption_rate"] as! Double, reference["adoption_rate"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(org["acceptance_rate"] as! Double, reference["acceptance_rate"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(org["acceptance_rate_lines"] as! Double, reference["acceptance_rate_lines"] as! Double, accuracy: 1e-9)
        let referenceTeams = reference["teams"] as! [String: [String: Any]]
        var published = 0
        for team in report["teams"] as! [[String: Any]] where team["suppressed"] as? Bool == false {
            let name = team["team"] as! String
            XCTAssertEqual(team["active_users"] as? Int, referenceTeams[name]?["active_users"] as? Int, name)
            XCTAssertEqual(team["tokens"] as? Int, referenceTeams[name]?["tokens"] as? Int, name)
            XCTAssertEqual(team["adoption_rate"] as! Double, referenceTeams[name]!["adoption_rate"] as! Double, accuracy: 1e-9, name)
            published += 1
        }
        XCTAssertEqual(published, 38)
        // No identity of any source — the directory's ids, Amazon Q's UUIDs, GitHub logins,
        // OpenAI user ids — anywhere in the site.
        let identity = #"u\d{5}|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-|gh-u|user-[0-9a-f]{12}"#
        let people = try String(contentsOfFile: repository + "/Content/data/people.csv", encoding: .utf8)
        for alias in people.split(separator: "\n")[1].split(separator: ",")[2].split(separator: "|") {
            XCTAssertNotNil(alias.range(of: identity, options: .regularExpression), "the pattern finds \(alias)")
        }
        for (path, data) in tree(output) {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertNil(text.range(of: identity, options: .regularExpression), "an identity in \(path)")
        }
        let referenceWeeks = reference["weekly"] as! [String: [String: Any]]
        let weekly = report["weekly"] as! [[String: Any]]
        XCTAssertEqual(weekly.count, referenceWeeks.count)
        for week in weekly {
            let name = week["week"] as! String
            XCTAssertEqual(week["active_users"] as? Int, referenceWeeks[name]?["active_users"] as? Int, name)
            XCTAssertEqual(week["tokens"] as? Int, referenceWeeks[name]?["tokens"] as? Int, name)
        }
        // The summary carries its chart, and the commentary page was rendered through cmark.
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(index.contains("id=\"adoption-vs-value\""))
        let findings = try String(contentsOfFile: output + "/findings.html", encoding: .utf8)
        XCTAssertTrue(findings.contains("<h2 id=\"usage-does-not-buy-value-on-its-own\">"))
        XCTAssertTrue(findings.contains("<strong>\(NumberFormat.integer.format(Double(reference["active_users"] as! Int)))</strong> of 2,074"))
        XCTAssertTrue(findings.contains("role=\"img\""))
        // The hostile letter is escaped or dropped.
        let letter = try String(contentsOfFile: output + "/feedback/open-letter-on-usage-quotas.html", encoding: .utf8)
        XCTAssertFalse(letter.contains("<script>alert"))
        XCTAssertFalse(letter.contains("javascript:"))
        XCTAssertFalse(letter.contains("organisers@example.com"))
    }
}

final class PlantedStoryTests: XCTestCase {
    static let planted: Set<String> = ["Growth", "Support Tools", "Sales Engineering", "Internal Apps", "Billing"]

    func testSampleFlagsExactlyThePlantedTeamsAndSuppressesTheSmallOneEverywhere() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 600, days: 140, seed: 11).write(to: content)
        _ = try build(content, output)
        let report = try json(output + "/data/report.json")
        let teams = report["teams"] as! [[String: Any]]
        let flagged = Set(teams.filter { (($0["inflation"] as? [String: Any])?["flagged"] as? Bool) == true }.map { $0["team"] as! String })
        XCTAssertEqual(flagged, Self.planted)
        let legal = teams.first { $0["team"] as? String == "Legal Ops" }!
        XCTAssertEqual(legal["suppressed"] as? Bool, true)
        XCTAssertEqual(Set(legal.keys), ["team", "slug", "suppressed", "reason"])

        let files = tree(output)
        for (path, data) in files {
            let text = String(decoding: data, as: UTF8.self)
            // No user id (the sample's are u00001 …) anywhere in the output.
            XCTAssertNil(text.range(of: #"u\d{5}"#, options: .regularExpression), "a user id in \(path)")
            if path.hasSuffix(".csv") { XCTAssertFalse(text.contains("Legal Ops"), "suppressed team in \(path)") }
        }
        let page = String(decoding: files["teams/legal-ops.html"]!, as: UTF8.self)
        XCTAssertTrue(page.contains("Suppressed"))
        XCTAssertFalse(page.contains("figures-grid"))
        // Every field DESIGN §5 names.
        for key in ["schema", "period", "org", "teams", "tools", "weekly", "feedback", "sprawl", "data_quality"] {
            XCTAssertNotNil(report[key], key)
        }
        let org = report["org"] as! [String: Any]
        for key in ["headcount", "active_users", "adoption_rate", "requests", "tokens", "cost_usd", "energy_kwh", "co2e_kg", "correlation"] {
            XCTAssertNotNil(org[key], key)
        }
        let correlation = org["correlation"] as! [String: Any]
        for key in ["spearman", "spearman_ci95", "pearson", "pearson_ci95", "n"] { XCTAssertNotNil(correlation[key], key) }
        let team = teams.first { $0["suppressed"] as? Bool == false }!
        for key in ["team", "slug", "suppressed", "headcount", "active_users", "adoption_rate", "requests", "tokens",
                    "tokens_per_active_user", "value_per_head", "quadrant", "inflation"] { XCTAssertNotNil(team[key], key) }
        let inflation = team["inflation"] as! [String: Any]
        for key in ["index", "flagged", "signals"] { XCTAssertNotNil(inflation[key], key) }
        let tool = (report["tools"] as! [[String: Any]]).first { $0["suppressed"] as? Bool == false }!
        for key in ["tool", "slug", "capability", "active_users", "tokens", "requests", "acceptance_rate", "acceptance_rate_lines", "seats", "retention"] {
            XCTAssertTrue(tool.keys.contains(key), key)
        }
        let retention = tool["retention"] as! [String: Any]
        for key in ["tried", "returned", "sustained", "median_days_to_second_use"] { XCTAssertNotNil(retention[key], key) }
        let week = (report["weekly"] as! [[String: Any]])[0]
        for key in ["week", "active_users", "tokens", "requests", "value"] { XCTAssertTrue(week.keys.contains(key), key) }
        let feedback = report["feedback"] as! [String: Any]
        for key in ["documents", "themes", "scores"] { XCTAssertNotNil(feedback[key], key) }
        let quality = report["data_quality"] as! [String: Any]
        for key in ["rows_read", "rows_rejected", "issues"] { XCTAssertNotNil(quality[key], key) }

        // The within-team estimate uses every team-week about enough people; data/team_weeks.csv
        // lists those published (the rest are withheld to protect smaller groups, and no group
        // below the floor is among them). The between-team figure counts teams.
        let csv = String(decoding: files["data/team_weeks.csv"]!, as: UTF8.self).split(separator: "\r\n").dropFirst()
        XCTAssertGreaterThan(csv.count, 0)
        let within = correlation["within"] as! [String: Any]
        XCTAssertLessThanOrEqual(csv.count, within["team_weeks"] as! Int)
        XCTAssertEqual(correlation["n_unit"] as? String, "teams")
        XCTAssertEqual(correlation["n"] as? Int, within["teams"] as? Int)
        for row in csv { XCTAssertGreaterThanOrEqual(Int(row.split(separator: ",")[3])!, 5, String(row)) }
    }

    func testTwoBuildsAreByteIdenticalAndRowOrderDoesNotMatter() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content"
        _ = try SampleGenerator(users: 300, days: 60, seed: 5).write(to: content)
        _ = try build(content, scratch.path + "/a")
        _ = try build(content, scratch.path + "/b")
        let a = tree(scratch.path + "/a"), b = tree(scratch.path + "/b")
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        for (path, data) in a where path != "changes.html" { XCTAssertEqual(data, b[path], path) }

        // The same rows shuffled, in two files: the same figures and pages.
        let usage = try String(contentsOfFile: content + "/data/usage/usage.csv", encoding: .utf8)
        var lines = usage.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        var generator = SystemRandomNumberGenerator()
        lines.shuffle(using: &generator)
        try FileManager.default.removeItem(atPath: content + "/data/usage/usage.csv")
        let half = lines.count / 2
        try ([header] + lines[..<half]).joined(separator: "\n").write(toFile: content + "/data/usage/one.csv", atomically: true, encoding: .utf8)
        try ([header] + lines[half...]).joined(separator: "\n").write(toFile: content + "/data/usage/two.csv", atomically: true, encoding: .utf8)
        _ = try build(content, scratch.path + "/c")
        let c = tree(scratch.path + "/c")
        for (path, data) in a where path.hasSuffix(".html") || path.hasSuffix(".csv") || path == "data/report.json" {
            if ["changes.html", "methodology.html", "data-quality.html"].contains(path) { continue }  // list input files
            XCTAssertEqual(data, c[path], path)
        }
    }

    func testAFailedBuildLeavesThePreviousOutputWhole() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 200, days: 30, seed: 3).write(to: content)
        _ = try build(content, output)
        let before = tree(output)
        // An unknown figure in commentary fails the build.
        try "# Broken\n\n{{ org.nonsense }}\n".write(toFile: content + "/commentary/broken.md", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try build(content, output)) { error in
            guard case let Pipeline.Failure.inputs(diagnostics) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(diagnostics.first { $0.severity == .error }?.location, "commentary/broken.md:3")
        }
        XCTAssertEqual(tree(output), before)
        // Pages are written into the staging folder while the site is built (`StagedSite`): a
        // commentary page report.md is written before --single-file's report.html is made, and
        // the build then fails on the two; neither is left anywhere.
        try FileManager.default.removeItem(atPath: content + "/commentary/broken.md")
        try "# Report\n\nA page in the single file's place.\n".write(toFile: content + "/commentary/report.md", atomically: true, encoding: .utf8)
        var singleFile = Pipeline.Options(content: content, output: output, theme: repository + "/Themes/default")
        singleFile.singleFile = true
        XCTAssertThrowsError(try Pipeline.run(singleFile, progress: Progress(quiet: true, verbose: false))) { error in
            guard case let Pipeline.Failure.inputs(diagnostics) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(diagnostics.contains { $0.message.contains("two pages of the site would both be written here") }, "\(diagnostics)")
        }
        XCTAssertEqual(tree(output), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted(), ["content", "out"], "no staging folder is left")
        try FileManager.default.removeItem(atPath: content + "/commentary/report.md")
        // A rejected row fails only with --strict.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: content + "/data/usage/usage.csv"))
        handle.seekToEndOfFile()
        handle.write(Data("2026-01-05,u99999,Payments,cursor,-4,,,,,,,,,,\n".utf8))
        try handle.close()
        let summary = try build(content, output)
        XCTAssertEqual(summary.rowsRejected, 1)
        XCTAssertThrowsError(try build(content, output, strict: true))
    }
}

/// A folder of many files is one row of the pages' file tables (its counts summed); the manifest
/// still lists every file.
final class FileListingTests: XCTestCase {
    func testAFolderOfManyFilesIsOneSummedRowAndTheManifestListsEachFile() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 200, days: 30, seed: 3).write(to: content)
        let bulk = content + "/feedback/bulk"
        try FileManager.default.createDirectory(atPath: bulk, withIntermediateDirectories: true)
        let count = SiteBuilder.filesPerFolderListed + 1
        for index in 0..<count {
            try "---\nchannel: retro\nscores: {usefulness: \(index % 5 + 1)}\n---\nNote \(index).\n"
                .write(toFile: bulk + String(format: "/note-%03d.md", index), atomically: true, encoding: .utf8)
        }
        _ = try build(content, output)
        let inputs = try json(output + "/data/manifest.json")["inputs"] as! [[String: Any]]
        let listed = inputs.filter { ($0["path"] as! String).hasPrefix("feedback/bulk/") }
        XCTAssertEqual(listed.count, count)
        let rows = listed.reduce(0) { $0 + ($1["rows"] as! Int) }
        let bytes = listed.reduce(0) { $0 + ($1["bytes"] as! Int) }
        XCTAssertEqual(rows, count)
        let quality = try String(contentsOfFile: output + "/data-quality.html", encoding: .utf8)
        let methodology = try String(contentsOfFile: output + "/methodology.html", encoding: .utf8)
        for page in [quality, methodology] {
            XCTAssertTrue(page.contains("<th scope=\"row\">feedback/bulk/ (\(count) files)</th><td>feedback-md</td><td>\(count)</td>"), page)
            XCTAssertFalse(page.contains("note-050.md"))
            // A folder of few files still lists each.
            XCTAssertTrue(page.contains("<th scope=\"row\">data/usage/"))
        }
        XCTAssertTrue(methodology.contains("each in data/manifest.json"))
        XCTAssertTrue(quality.contains("(\(count) files)</th><td>feedback-md</td><td>\(count)</td><td>0</td><td>\(NumberFormat.si.format(Double(bytes)))B</td>"), quality)
    }
}

/// `--single-file` writes a true single file: opened alone from a folder with nothing else,
/// every link leads to an anchor inside it, every page of the site is a section of it, and
/// nothing is fetched.
final class SingleFileTests: XCTestCase {
    func testTheSingleFileHoldsEveryPageAndEveryLinkLeadsInsideIt() throws {
        let scratch = Scratch()
        let content = scratch.path + "/report", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 200, days: 35, seed: 4).write(to: content)
        var options = Pipeline.Options(content: content, output: output, theme: repository + "/Themes/default")
        options.singleFile = true
        _ = try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))
        // Alone, in a folder with nothing else.
        let alone = scratch.path + "/alone"
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: output + "/report.html", toPath: alone + "/report.html")
        let html = try String(contentsOfFile: alone + "/report.html", encoding: .utf8)
        func values(_ attribute: String) -> [String] {
            html.components(separatedBy: " \(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        }
        let ids = Set(values("id"))
        XCTAssertEqual(ids.count, values("id").count, "ids are unique")
        var checked = 0
        for href in values("href") {
            if href.hasPrefix("http") || href.hasPrefix("mailto:") { continue }
            XCTAssertTrue(href.hasPrefix("#"), "a link to a file next to it: \(href)")
            XCTAssertTrue(ids.contains(String(href.dropFirst())), "a link to a missing anchor: \(href)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
        XCTAssertFalse(html.contains("<link "), "nothing is fetched: no stylesheet or feed link")
        XCTAssertFalse(html.contains(" src=\""), "nothing is fetched: no image or script source")
        // Every page of the site is a section: teams, tools, feedback, commentary, outcomes.
        let pages = try FileManager.default.subpathsOfDirectory(atPath: output).filter { $0.hasSuffix(".html") && $0 != "report.html" && $0 != "404.html" }
        for page in pages {
            let anchor = "page-" + page.replacingOccurrences(of: ".html", with: "").replacingOccurrences(of: "/", with: "-")
            XCTAssertTrue(ids.contains(anchor), "the single file lacks \(page)")
        }
        XCTAssertTrue(ids.contains("page-outcomes") && ids.contains("page-feedback-index") && ids.contains("page-reading-this-report"))
    }
}

/// Every page keeps its own file. Two teams whose names slugify alike ("Data Eng", "data-eng")
/// are two pages and two rows of report.json, each with its own figures: one slug for both had
/// one page overwrite the other and report.json show one team's figures twice, under one name.
/// A letter titled "Index" overwrote the feedback page. Whatever else would share a file
/// fails the build with its name, never silently.
final class PageNameTests: XCTestCase {
    func testTeamsWhoseNamesSlugifyAlikeKeepTheirOwnPagesAndFigures() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        try FileManager.default.createDirectory(atPath: content + "/data/usage", withIntermediateDirectories: true)
        try "title: Slugs\nprivacy: {min_group_size: 3}\n".write(toFile: content + "/report.yml", atomically: true, encoding: .utf8)
        let teams = ["Data Eng", "data-eng", "Zürich", "Zurich", "Équipe Données"]
        var csv = "date,user,team,tool,requests,input_tokens,output_tokens\n"
        var tokens: [String: Int] = [:]
        for (index, team) in teams.enumerated() {
            for person in 0..<6 {
                for day in 1...20 {
                    // Each team's own level, so that figures swapped between teams would show.
                    let input = 100 * (index + 1) + 7 * person + day, output = 10 * (index + 1) + day % 3
                    // Tools alike too: "Cursor" (the first team's) and "cursor" are two tools.
                    csv += String(format: "2026-03-%02d,u%d-%d,%@,%@,%d,%d,%d\n", day, index, person, team, index == 0 ? "Cursor" : "cursor", 2 + day % 4, input, output)
                    tokens[team, default: 0] += input + output
                }
            }
        }
        try csv.write(toFile: content + "/data/usage/usage.csv", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        let rows = try json(output + "/data/report.json")["teams"] as! [[String: Any]]
        XCTAssertEqual(Set(rows.compactMap { $0["team"] as? String }), Set(teams))
        let slugs = rows.compactMap { $0["slug"] as? String }
        XCTAssertEqual(Set(slugs).count, teams.count, "\(slugs)")
        for row in rows {
            let team = row["team"] as! String, slug = row["slug"] as! String
            XCTAssertEqual(row["suppressed"] as? Bool, false, team)
            XCTAssertEqual(row["tokens"] as? Int, tokens[team], team)
            let page = try String(contentsOfFile: output + "/teams/\(slug).html", encoding: .utf8)
            XCTAssertTrue(page.contains("<h1>\(esc(team))</h1>"), "teams/\(slug).html is not \(team)'s page")
        }
        XCTAssertEqual(rows.first { $0["team"] as? String == "Équipe Données" }?["slug"] as? String, "equipe-donnees")
        let tools = try json(output + "/data/report.json")["tools"] as! [[String: Any]]
        let toolSlugs = tools.compactMap { $0["slug"] as? String }
        XCTAssertEqual(tools.count, 2)
        XCTAssertEqual(Set(toolSlugs).count, 2, "\(toolSlugs)")
        for slug in toolSlugs { XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/tools/\(slug).html"), slug) }
    }

    func testALetterTitledIndexKeepsItsPageBesideTheFeedbackPage() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 120, days: 20, seed: 5).write(to: content)
        try "---\ndate: 2026-03-10\nchannel: letter\ntitle: Index\n---\nA letter titled Index.\n"
            .write(toFile: content + "/feedback/index-letter.md", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        let overview = try String(contentsOfFile: output + "/feedback/index.html", encoding: .utf8)
        XCTAssertTrue(overview.contains("<h1>What employees say"), "the feedback page was replaced")
        XCTAssertTrue(overview.contains("href=\"index-2.html\""), "the feedback page does not link the letter")
        let letter = try String(contentsOfFile: output + "/feedback/index-2.html", encoding: .utf8)
        XCTAssertTrue(letter.contains("<h1>Index</h1>") && letter.contains("A letter titled Index."))
    }

    func testACommentaryPageNamedLikeTheSingleFileFailsTheBuildByName() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 120, days: 20, seed: 5).write(to: content)
        try "---\ntitle: Report\n---\nOur report.\n".write(toFile: content + "/commentary/report.md", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/report.html"))
        var options = Pipeline.Options(content: content, output: output + "-single", theme: repository + "/Themes/default")
        options.singleFile = true
        XCTAssertThrowsError(try Pipeline.run(options, progress: Progress(quiet: true, verbose: false))) { error in
            guard case let Pipeline.Failure.inputs(diagnostics) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(diagnostics.contains { $0.severity == .error && $0.file.hasSuffix("-single/report.html") && $0.message.contains("two pages") }, "\(diagnostics)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "-single"))
    }

    /// Optional fields left out leave nothing behind: Mustache shows a section for any string,
    /// even an empty one, and the pages used to (an empty subtitle under a commentary page's
    /// title, "Title — " in the summary's list, "date · " on a letter, "Capability: x · ").
    func testFieldsLeftOutLeaveNoEmptyParagraphOrDanglingSeparator() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        for folder in ["data/usage", "commentary", "feedback"] {
            try FileManager.default.createDirectory(atPath: content + "/" + folder, withIntermediateDirectories: true)
        }
        try "title: Optional\nprivacy: {min_group_size: 3}\n".write(toFile: content + "/report.yml", atomically: true, encoding: .utf8)
        var csv = "date,user,team,tool,requests,input_tokens,output_tokens\n"
        for person in 0..<4 { for day in 1...7 { csv += "2026-03-0\(day),u\(person),Payments,cursor,2,100,10\n" } }
        try csv.write(toFile: content + "/data/usage/usage.csv", atomically: true, encoding: .utf8)
        try "---\ntitle: Plain page\n---\nNo summary here.\n".write(toFile: content + "/commentary/plain.md", atomically: true, encoding: .utf8)
        try "---\ntitle: Summed up\nsummary: The gist.\n---\nBody.\n".write(toFile: content + "/commentary/summed.md", atomically: true, encoding: .utf8)
        try "---\ndate: 2026-03-02\nchannel: letter\ntitle: A letter\n---\nWe would like fewer quotas.\n".write(toFile: content + "/feedback/letter.md", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        let plain = try String(contentsOfFile: output + "/plain.html", encoding: .utf8)
        XCTAssertFalse(plain.contains("<p class=\"subtitle\"></p>"), plain)
        let summed = try String(contentsOfFile: output + "/summed.html", encoding: .utf8)
        XCTAssertTrue(summed.contains("<p class=\"subtitle\">The gist.</p>"), summed)
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<a href=\"plain.html\">Plain page</a></li>"), index)
        XCTAssertTrue(index.contains("<a href=\"summed.html\">Summed up</a> — The gist.</li>"), index)
        let letter = try String(contentsOfFile: output + "/feedback/a-letter.html", encoding: .utf8)
        XCTAssertTrue(letter.contains("<p class=\"subtitle\">2 Mar 2026</p>"), letter)
        let tool = try String(contentsOfFile: output + "/tools/cursor.html", encoding: .utf8)
        XCTAssertTrue(tool.contains("Capability: ") && !tool.contains(" · </p>"), tool)
    }

    /// A commentary page that opens with its own `# Title` shows it as its title, above its
    /// summary and its contents (they stood above it, at the top of the page); one without
    /// shows its front matter's title there, and one whose first heading comes later keeps it
    /// in place.
    func testACommentaryPagesOwnTitleComesBeforeItsSummaryAndContents() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        _ = try SampleGenerator(users: 200, days: 30, seed: 3).write(to: content)
        let sections = "\n\n## One\n\nText.\n\n## Two\n\nMore.\n"
        try ("---\ntitle: Front\nsummary: The gist.\n---\n# The page's own title\n\nIntro." + sections)
            .write(toFile: content + "/commentary/own.md", atomically: true, encoding: .utf8)
        try ("---\ntitle: Front\nsummary: The gist.\n---\nIntro first.\n\n# A title later" + sections)
            .write(toFile: content + "/commentary/later.md", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        let own = try String(contentsOfFile: output + "/own.html", encoding: .utf8)
        let positions = ["<h1 id=\"the-page-s-own-title\">The page's own title</h1>", "<p class=\"subtitle\">The gist.</p>",
                         "<nav class=\"toc\"", "<article class=\"prose\"><p>Intro.</p>"].map { own.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), own)
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "title, summary, contents, text, in that order")
        XCTAssertEqual(own.components(separatedBy: "<h1").count, 2, "one h1")
        XCTAssertFalse(own.contains(">Front</h1>"))
        let later = try String(contentsOfFile: output + "/later.html", encoding: .utf8)
        XCTAssertTrue(later.contains("<article class=\"prose\"><p>Intro first.</p>\n<h1"), later)
        XCTAssertEqual(later.components(separatedBy: "<h1").count, 2, "one h1")
    }

    /// Past 60 teams the footer of every page links the teams page instead of listing them:
    /// listed, 1,500 teams made a 240 MB site (127 KB a team page, nearly all footer).
    func testAFooterOfManyTeamsLinksTheTeamsPageInstead() throws {
        let scratch = Scratch()
        let content = scratch.path + "/content", output = scratch.path + "/out"
        try FileManager.default.createDirectory(atPath: content + "/data/usage", withIntermediateDirectories: true)
        try "title: Many\nprivacy: {min_group_size: 3}\n".write(toFile: content + "/report.yml", atomically: true, encoding: .utf8)
        var csv = "date,user,team,tool,requests,input_tokens,output_tokens\n"
        for team in 0..<65 {
            for person in 0..<4 {
                for day in 1...7 { csv += "2026-03-0\(day),u\(team)-\(person),Team \(team),cursor,\(1 + (team + day) % 5),\(100 + 3 * team + person),\(10 + day)\n" }
            }
        }
        try csv.write(toFile: content + "/data/usage/usage.csv", atomically: true, encoding: .utf8)
        _ = try build(content, output)
        let page = try String(contentsOfFile: output + "/teams/team-7.html", encoding: .utf8)
        XCTAssertTrue(page.contains("<a href=\"../teams.html\">All 65 teams</a>"), page)
        // Without `organisation:` the footer and the summary's subtitle start with the period.
        XCTAssertTrue(page.contains("<p>1 Mar 2026 – 7 Mar 2026 · Made with"), page)
        let index = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<p class=\"subtitle\">1 Mar 2026 – 7 Mar 2026</p>"))
        XCTAssertFalse(page.contains("href=\"../teams/team-8.html\""))
        // The tools, few, are still listed; and the teams page lists every team.
        XCTAssertTrue(page.contains("href=\"../tools/cursor.html\""))
        let teams = try String(contentsOfFile: output + "/teams.html", encoding: .utf8)
        for team in [0, 33, 64] { XCTAssertTrue(teams.contains("teams/team-\(team).html"), "team \(team)") }
        // A report of few teams lists them in every footer, as before.
        let example = scratch.path + "/example"
        _ = try build(repository + "/Content", example)
        let summary = try String(contentsOfFile: example + "/index.html", encoding: .utf8)
        XCTAssertTrue(summary.contains("<li><a href=\"teams/analytics.html\">Analytics</a></li>"))
    }
}

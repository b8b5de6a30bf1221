import ArgumentParser
import Foundation

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a synthetic report folder, for demos, tests and benchmarks.",
        discussion: reflow("""
        A seeded organisation of 40 teams with planted stories: productive teams, teams that
        inflate usage before review dates, untapped teams, a team too small to publish, and
        feedback with themes and hostile text. The same seed gives the same files.

        Examples:
          candor sample demo
          candor sample big --users 20000 --days 266 --seed 7
        """))

    @Argument(help: ArgumentHelp("Folder to write (created; must be empty or new).", valueName: "folder"))
    var folder: String

    @Option(help: "People in the organisation.")
    var users = 2000

    @Option(help: "Days of data, from Monday 5 January 2026.")
    var days = 266

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 2026

    @Option(help: "Write each person-day-tool as this many rows (finer-grained exports: more rows, same people).")
    var split = 1

    @Flag(help: "Also write vendor exports (Amazon Q, Copilot seats) and the people directory that joins them.")
    var vendorSources = false

    @Option(help: "How outcomes relate to usage: planted (productive teams gain with usage, two of them with more failed changes) or null (no relation, for checking false findings).")
    var outcomes = "planted"

    @Flag(help: "Write into a folder that is not empty (files of the same name are replaced).")
    var force = false

    func validate() throws {
        guard users >= 50 else { throw ValidationError("--users must be at least 50 (40 teams need people)") }
        guard (28...3650).contains(days) else { throw ValidationError("--days must be between 28 and 3650") }
        guard (1...1000).contains(split) else { throw ValidationError("--split must be between 1 and 1000") }
    }

    func run() throws {
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if !contents.filter({ !$0.hasPrefix(".") }).isEmpty && !force {
            throw ValidationError("\(folder) is not empty; choose a new folder or pass --force")
        }
        let started = Date()
        guard let model = SampleGenerator.Outcomes(rawValue: outcomes) else {
            throw ValidationError("--outcomes must be planted or null, not \"\(outcomes)\"")
        }
        var generator = SampleGenerator(users: users, days: days, seed: seed, split: split, vendorSources: vendorSources)
        generator.outcomeModel = model
        let written = try generator.write(to: folder)
        FileHandle.standardError.write(Data("candor: wrote \(folder)/ with \(written.usageRows.formatted()) usage rows in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; build it with: candor build --content \(folder)\n".utf8))
    }
}

import ArgumentParser
import Dataset
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert vendor exports to Candor's usage CSV, to inspect or version them.",
        discussion: reflow("""
        Writes one CSV per input file into the output folder (same base name, .csv), with the
        header in Candor's column names. Identities stay as the vendor wrote them: this file is
        input data, not published output. A build reads vendor exports directly too (put them
        in data/vendor/ or name them under sources: in report.yml); converting is optional.

        Formats: \(VendorFormat.allCases.map(\.rawValue).joined(separator: ", ")).
        docs/importers.md maps every field.

        Examples:
          candor import copilot-users exports/users-1-day-*.ndjson \\
              --people data/people.csv --output data/usage
          candor import cursor-daily cursor.json --output /tmp/converted
        """))

    @Argument(help: ArgumentHelp("The vendor format.", valueName: "format"))
    var format: String

    @Argument(help: ArgumentHelp("Export files to convert.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("A people directory (user,team[,aliases]) to fill the team column; unmatched identities get team \"unassigned\".", valueName: "file"))
    var people: String?

    @Option(help: ArgumentHelp("The tool name to write (default: the format's own, e.g. openai-api).", valueName: "name"))
    var tool: String?

    @Option(help: ArgumentHelp("Folder to write the CSV files into.", valueName: "folder"))
    var output: String

    func validate() throws {
        guard VendorFormat(rawValue: format) != nil else {
            let names = VendorFormat.allCases.map(\.rawValue)
            throw ValidationError("unknown format \"\(format)\"\(suggestion(format, in: names)); formats: \(names.joined(separator: ", "))")
        }
        guard !files.isEmpty else { throw ValidationError("name at least one export file") }
        if let vendor = VendorFormat(rawValue: format), !vendor.hasUsage {
            throw ValidationError("\(format) holds \(vendor.givesSeats ? "licensed seats" : "team memberships"), not usage, so there is nothing to convert; put the file in data/vendor/ (or name it under sources: in report.yml) and the build uses it \(vendor.givesSeats ? "as the adoption denominator and, with a price per seat in data/tools.csv, as licence cost" : "to attribute people to teams")")
        }
    }

    static let header = ["date", "user", "team", "tool", "requests", "input_tokens", "output_tokens", "cached_tokens",
                         "suggestions_shown", "suggestions_accepted", "lines_suggested", "lines_accepted", "task_category",
                         "prompt_hash", "automated", "cost_usd", "active_users"]

    func run() throws {
        let vendor = VendorFormat(rawValue: format)!
        var directory: PeopleDirectory?
        var problems: [Diagnostic] = []
        if let people {
            do {
                let (read, diagnostics) = try readPeopleDirectory(path: people)
                directory = read
                problems += diagnostics
            } catch let error as InputError {
                DiagnosticPrinter(format: .text, folder: "").print(error.diagnostics)
                throw ExitCode(1)
            }
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var written = 0
        for file in files {
            let base = (file as NSString).lastPathComponent
            var stem = base
            for suffix in [".gz", ".ndjson", ".jsonl", ".json", ".csv"] where stem.lowercased().hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)) }
            let target = output + "/" + stem + ".csv"
            let temporary = target + ".partial"
            _ = FileManager.default.createFile(atPath: temporary, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: temporary) else { throw ValidationError("cannot write \(temporary)") }
            var block = Self.header.joined(separator: ",") + "\n"
            var rows = 0
            var failed = false
            do {
                problems += try convertVendorFile(path: file, displayPath: file, format: vendor, tool: tool, people: directory) { record in
                    block += line(record)
                    rows += 1
                    if block.utf8.count > 1 << 20 { handle.write(Data(block.utf8)); block = "" }
                }
            } catch let error as InputError {
                problems += error.diagnostics
                failed = true
            } catch let error as ReadError {
                problems.append(.error(file, error.message))
                failed = true
            }
            handle.write(Data(block.utf8))
            try handle.close()
            // A file that could not be read leaves nothing behind: no header-only or partial CSV.
            if failed {
                try? FileManager.default.removeItem(atPath: temporary)
                FileHandle.standardError.write(Data("candor: \(file): not converted (see below); nothing written\n".utf8))
                continue
            }
            _ = try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.moveItem(atPath: temporary, toPath: target)
            written += rows
            FileHandle.standardError.write(Data("candor: \(file) → \(target): \(rows.formatted()) rows\n".utf8))
        }
        DiagnosticPrinter(format: .text, folder: "").print(problems)
        if problems.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }

    func line(_ record: UsageRecord) -> String {
        func n(_ value: Int64?) -> String { value.map(String.init) ?? "" }
        let fields = [record.day.description, record.user ?? "", record.team, record.tool, String(record.requests),
                      String(record.inputTokens), String(record.outputTokens), String(record.cachedTokens),
                      n(record.suggestionsShown), n(record.suggestionsAccepted), n(record.linesSuggested), n(record.linesAccepted),
                      record.taskCategory ?? "", record.promptHash ?? "", record.automated ? "true" : "false",
                      record.costUSD.map { String(format: "%.6f", $0) } ?? "", record.activeUsers.map(String.init) ?? ""]
        return fields.map(csv).joined(separator: ",") + "\n"
    }
}

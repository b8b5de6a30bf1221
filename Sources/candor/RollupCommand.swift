import ArgumentParser
import Dataset
import Foundation

struct Rollup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Roll raw per-request events up into Candor's usage CSV (what sql/rollup.sql does on a cluster).",
        discussion: reflow("""
        Events are CSV (with a header) or JSON lines with the columns ts, user, team, tool,
        input_tokens, output_tokens, accepted, shown, task_category, prompt_hash, automated.
        The result has one row per person, UTC day, tool, task category, prompt hash and
        automation flag, in the columns of sql/rollup.sql (the person column is user_id, so
        report.yml reads it with columns: {user: user_id}).

        Examples:
          candor rollup logs/2026-03-*.jsonl --output report/data/usage/rollup
          candor rollup events.csv.gz --output /tmp/usage
        """))

    @Argument(help: ArgumentHelp("Event files (CSV, JSON lines; .gz is inflated).", valueName: "events"))
    var events: [String]

    @Option(help: ArgumentHelp("Folder to write usage.csv into.", valueName: "folder"))
    var output: String

    func run() throws {
        var rollup = EventRollup()
        for file in events {
            do {
                try rollup.add(path: file, displayPath: file)
            } catch let error as InputError {
                DiagnosticPrinter(format: .text, folder: "").print(error.diagnostics)
                throw ExitCode(1)
            } catch let error as ReadError {
                DiagnosticPrinter(format: .text, folder: "").print([.error(file, error.message)])
                throw ExitCode(1)
            }
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var text = "date,user_id,team,tool,requests,input_tokens,output_tokens,suggestions_shown,suggestions_accepted,task_category,prompt_hash,automated\n"
        for key in rollup.groups.keys.sorted() {
            let sums = rollup.groups[key]!
            text += [key.date, key.user, key.team, key.tool, String(sums.requests), String(sums.inputTokens), String(sums.outputTokens),
                     String(sums.shown), String(sums.accepted), key.category, key.promptHash, key.automated ? "true" : "false"].map(csv).joined(separator: ",") + "\n"
        }
        try text.write(toFile: output + "/usage.csv", atomically: true, encoding: .utf8)
        DiagnosticPrinter(format: .text, folder: "").print(rollup.diagnostics)
        FileHandle.standardError.write(Data("candor: rolled \(rollup.events.formatted()) events into \(rollup.groups.count.formatted()) rows in \(output)/usage.csv\n".utf8))
        if rollup.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}

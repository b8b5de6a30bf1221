import ArgumentParser
import CMemory
import Dataset
import Foundation

@main
struct Candor: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "candor",
        abstract: "Honest reports on AI adoption: usage versus value, with its uncertainty, as a static site.",
        discussion: reflow("""
        Candor reads a report folder (usage exports, outcomes, headcount, feedback and your
        commentary) and writes a plain static site with inline SVG charts.

        Examples:
          candor build                          build Content/ into Output/
          candor build --content q3 --output site --strict
          candor check --format github          validate only, as GitHub annotations
          candor init my-report                 start a new report folder
          candor sample demo --users 500        synthetic data to try things with
          candor serve                          preview with live reload
        """),
        version: version,
        subcommands: [Build.self, Check.self, Init.self, Serve.self, Sample.self, Import.self, Rollup.self, GalleryCommand.self, ScatterBench.self],
        defaultSubcommand: nil)

    /// As documented (README, DESIGN §6): 0 built, 1 the inputs are wrong, 2 a usage error.
    /// ArgumentParser's own code for a usage error is 64 (EX_USAGE); it is mapped to 2.
    static func main() async {
        // Freed memory is kept for the next allocation, not given back to the kernel at once:
        // the analysis makes and drops arrays of a few hundred kB by the thousand (a week's
        // contributors to a tool, say), and each was a fresh mapping whose pages the kernel
        // zeroed anew (perf: page faults were a tenth of the analysis of 1M rows in random
        // order; with this, a fifth less system time in such a build, and the same peak).
        candor_keep_freed_memory()
        // The commands that read report.yml first have Yams made ready meanwhile.
        if let name = CommandLine.arguments.dropFirst().first, ["build", "check", "serve"].contains(name) { prepareYAML() }
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error, Candor.self)
        }
        do {
            var command = command
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            fail(error, type(of: command))
        }
        waitForPendingWork()
    }

    /// Exits with the documented status; a usage error's message names the subcommand's usage.
    static func fail(_ error: Error, _ command: ParsableCommand.Type) -> Never {
        waitForPendingWork()  // no thread may be inside a library while exit cleans it up
        if exitCode(for: error) == .validationFailure {
            var message: String
            if let validation = error as? ValidationError {
                // Thrown by a command's run(): its own usage, not the top-level one.
                message = "Error: \(validation.message)\n"
                let name = command.configuration.commandName ?? String(describing: command).lowercased()
                message += "Usage: candor \(command.usageString())\n"
                message += "  See 'candor \(name) --help' for more information.\n"
            } else {
                message = fullMessage(for: error) + "\n"
            }
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(2)
        }
        exit(withError: error)
    }
}

/// Help text as ArgumentParser should wrap it: the lines of a paragraph joined into one (the
/// parser wraps to the terminal), blank lines and indented lines (examples) kept as they are.
func reflow(_ text: String) -> String {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if let last = lines.last, !last.isEmpty, !line.isEmpty, !line.hasPrefix(" "), !last.hasPrefix(" "), !last.hasSuffix(":") {
            lines[lines.count - 1] = last + " " + line
        } else {
            lines.append(line)
        }
    }
    return lines.joined(separator: "\n")
}

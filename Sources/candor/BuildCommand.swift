import Analysis
import ArgumentParser
import Dataset
import Foundation
import Stats

/// Options shared by build, check and serve.
struct ContentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder of the report to build.", valueName: "folder"))
    var content = "Content"

    @Option(name: .long, help: ArgumentHelp("Theme folder (templates/ and assets/); default: the built-in theme.", valueName: "folder"))
    var theme: String?

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp(
        "Where the usage sums, the figures and their charts are kept between builds, so that a build whose data is unchanged (a commentary edit) neither reads the rows nor computes the figures nor draws the charts again (default: $CANDOR_CACHE_DIR, else $XDG_CACHE_HOME/candor or ~/.cache/candor).",
        valueName: "folder"))
    var cacheDir: String?

    @Flag(name: .customLong("no-cache"), help: "Read every usage row and compute every figure; neither use nor write the cache.")
    var noCache = false

    /// The usage cache's folder, or nil when there is none.
    var cacheFolder: String? { noCache ? nil : cacheDir ?? BuildCache.defaultFolder() }
}

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder the site is written to; replaced whole, and only when the build succeeds.", valueName: "folder"))
    var output = "Output"
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the report site.",
        discussion: reflow("""
        Reads the report folder (default Content/) and writes the site (default Output/). The
        previous Output/ stays whole until the new site is complete. Rows that cannot be read are
        reported as file:line and counted on the data-quality page; the build still succeeds
        unless --strict is given.

        Examples:
          candor build
          candor build --content q3 --output public --base-url https://ai.example.com/
          candor build --strict --format github       (in CI)
        """))

    @OptionGroup var content: ContentOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Absolute URL the site is published at, for feed.xml and sitemap.xml.", valueName: "url"))
    var baseURL: String?

    @Flag(name: .long, help: "Fail (exit 1) when any row is rejected or any input has an error.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("The previous edition's report.json (default: the one in the output folder).", valueName: "file"))
    var previous: String?

    @Flag(name: .long, help: "Also write the whole report as one self-contained file, report.html.")
    var singleFile = false

    @Flag(name: .long, help: "Exit at once when the inputs' hashes equal those of the previous build's manifest.")
    var ifChanged = false

    @Option(name: .long, help: "How to print problems: text, json or github (Actions annotations).")
    var format: DiagnosticFormat = .text

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print every stage.")
    var verbose = false

    func validate() throws {
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url must be an absolute http(s) URL, like https://reports.example.com/ai/")
        }
    }

    func run() throws {
        let progress = Progress(quiet: quiet, verbose: verbose)
        let printer = DiagnosticPrinter(format: format, folder: content.content)
        if ifChanged, Freshness.unchanged(content: content.content, output: output.output, theme: content.theme) {
            progress.note("candor: inputs unchanged since the last build of \(output.output)/; nothing to do")
            return
        }
        var options = Pipeline.Options(content: content.content, output: output.output, theme: content.theme, baseURL: baseURL,
                                       strict: strict, previous: previous, singleFile: singleFile, cacheFolder: content.cacheFolder)
        options.checkOnly = false
        do {
            let summary = try Pipeline.run(options, progress: progress)
            printer.print(summary.diagnostics)
            let errors = summary.diagnostics.filter { $0.severity == .error }.count
            var rejected = summary.rowsRejected > 0 ? "\(summary.rowsRejected.formatted()) rejected (see data-quality.html)" : "0 rejected"
            if errors > 0 { rejected += ", \(counted(errors, "error")) (what they name was left out; --strict fails instead)" }
            progress.note("candor: built \(output.output)/: \(counted(summary.rowsRead, "row")) read, \(rejected), \(counted(summary.teams, "team")), \(counted(summary.pages, "page")), \(counted(summary.charts, "chart")), \(counted(summary.bytes, "byte")) in \(String(format: "%.2f", summary.seconds)) s")
        } catch let Pipeline.Failure.inputs(diagnostics) {
            progress.finish()
            printer.print(diagnostics)
            let count = diagnostics.filter { $0.severity == .error }.count
            FileHandle.standardError.write(Data("candor: build failed with \(counted(count, "error"))\(strict ? " (--strict)" : ""); \(output.output)/ was left as it was\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a report folder without writing a site.",
        discussion: reflow("""
        Reads everything a build reads and computes every figure, then stops. Exit status 0 when
        there is no error, 1 with errors (rejected rows count as errors here).

        Examples:
          candor check
          candor check --content q3 --format json
          candor check --format github     (annotations on the pull request)
        """))

    @OptionGroup var content: ContentOptions

    @Option(name: .long, help: "How to print problems: text, json or github (Actions annotations).")
    var format: DiagnosticFormat = .text

    @Flag(name: .shortAndLong, help: "Print nothing but problems.")
    var quiet = false

    func run() throws {
        let progress = Progress(quiet: quiet || format != .text, verbose: false)
        let printer = DiagnosticPrinter(format: format, folder: content.content)
        var options = Pipeline.Options(content: content.content, theme: content.theme, cacheFolder: content.cacheFolder)
        options.checkOnly = true
        do {
            let summary = try Pipeline.run(options, progress: progress)
            printer.print(summary.diagnostics)
            let errors = summary.diagnostics.filter { $0.severity == .error }.count
            progress.note("candor: checked \(content.content)/: \(counted(summary.rowsRead, "row")), \(summary.rowsRejected.formatted()) rejected, \(counted(errors, "error")), \(counted(summary.diagnostics.count - errors, "warning"))")
            if errors > 0 { throw ExitCode(1) }
        } catch let Pipeline.Failure.inputs(diagnostics) {
            printer.print(diagnostics)
            throw ExitCode(1)
        }
    }
}

/// A count and its noun, singular for one: "1 team", "1,500 teams" (grouped as the site
/// writes numbers, whatever the machine's locale).
func counted(_ count: Int, _ noun: String) -> String { "\(NumberFormat.integer.format(count)) \(noun)\(count == 1 ? "" : "s")" }

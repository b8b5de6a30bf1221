import ArgumentParser

@main
struct Candor: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "candor",
        abstract: "Honest reports on AI adoption: usage versus value, with its uncertainty, as a static site.",
        discussion: """
        Candor reads a report folder (usage exports, outcomes, headcount, feedback and your
        commentary) and writes a plain static site with inline SVG charts.

        Examples:
          candor build                          build Content/ into Output/
          candor build --content q3 --output site --strict
          candor check --format github          validate only, as GitHub annotations
          candor init my-report                 start a new report folder
          candor sample demo --users 500        synthetic data to try things with
          candor serve                          preview with live reload
        """,
        version: version,
        subcommands: [Build.self, Check.self, Init.self, Serve.self, Sample.self, Import.self, Rollup.self, GalleryCommand.self, ScatterBench.self],
        defaultSubcommand: nil)
}

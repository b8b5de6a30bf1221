import Foundation
import Analysis
import Disclosure

/// What commentary can cite (`{{ path }}`) and draw (```chart fences), generated from the code
/// that resolves them: `docs/reference.md` is this text for the example report, and a test
/// keeps the file and the code in sync.
public enum Reference {
    public static func markdown(_ report: PublishedReport) -> String {
        let figures = FigureIndex(report).figures
        // One line per path pattern: a table's row names (team, tool, metric, question …) and
        // feedback themes become placeholders named after the table's first column.
        var rowNames: [String: (slugs: Set<String>, placeholder: String)] = [:]
        for table in report.tables {
            guard let prefix = table.descriptor.figurePrefix else { continue }
            var entry = rowNames[prefix] ?? ([], "<\(table.descriptor.columns[0].name)>")
            entry.slugs.formUnion(table.slugs)
            if prefix == "teams" { entry.slugs.formUnion(report.teams.map(\.slug)) }
            if prefix == "tools" { entry.slugs.formUnion(report.tools.map(\.slug)) }
            rowNames[prefix] = entry
        }
        var examples: [String: (path: String, value: String)] = [:]  // pattern → its first path and value
        for (path, value) in figures {
            let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            var pattern = parts
            if parts.count == 3, let names = rowNames[parts[0]], names.slugs.contains(parts[1]) { pattern[1] = names.placeholder }
            if parts.count == 4, parts[0] == "feedback", parts[1] == "themes" { pattern[2] = "<theme>" }
            let key = pattern.joined(separator: ".")
            if path < (examples[key]?.path ?? "\u{10FFFF}") { examples[key] = (path, value) }
        }
        var text = """
        # Reference: figures and charts in commentary

        Generated from the code that resolves them (`Sources/Site/Reference.swift`), with the example
        report's values; `swift test --filter ReferenceTests` fails when this file and the code
        disagree (`CANDOR_RECORD=1` rewrites it).

        ## Figures: `{{ path }}`

        A figure is written into a commentary page already formatted. A withheld team's or tool's
        figure reads "withheld (a small group)"; a figure the data cannot give reads "n/a". An
        unknown path is an error naming the page and line, with the closest known path.
        A name in angle brackets stands for a row of a published table: `<team>` and `<tool>` are
        slugs (the page names under `teams/` and `tools/`), `<metric>` a `value:` metric, `<theme>`
        a feedback theme; each table's columns are described in `docs/report-json.md`.

        | path | example |
        |---|---|

        """
        for key in examples.keys.sorted() {
            let example = (examples[key]?.value ?? "").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\u{00A0}", with: " ")
            text += "| `\(key)` | \(example.count > 80 ? String(example.prefix(77)) + "…" : example) |\n"
        }
        text += """

        ## Charts: ```chart fences

        A fenced block with the info string `chart` draws a chart from a published table, as
        `key: value` lines:

        ```chart
        type: line
        data: weekly
        y: tokens
        title: Tokens per week
        ```

        | key | meaning |
        |---|---|
        | `type` | \(ReportCharts.chartTypes.map { "`\($0)`" }.joined(separator: ", ")) |
        | `data` | one of the datasets below |
        | `x` | the column along the x axis (`scatter`, `histogram`) |
        | `y` | the column drawn (`bar`, `line`, `area`, `scatter`) |
        | `series` | several columns as lines, separated by commas (`line`, `area`) |
        | `title` | the chart's title (default: the dataset's name) |

        Withheld rows are drawn as gaps or empty slots, never as zero. The datasets and their
        columns (the first is the label):

        | data | columns |
        |---|---|

        """
        for name in ReportCharts.datasets.keys.sorted() {
            text += "| `\(name)` | \(ReportCharts.datasets[name]!.map { "`\($0)`" }.joined(separator: ", ")) |\n"
        }
        return text
    }
}

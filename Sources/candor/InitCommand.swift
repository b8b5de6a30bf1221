import ArgumentParser
import Dataset
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new report folder that builds as it is.",
        discussion: reflow("""
        The folder gets a report.yml that shows every setting with its default and what it does,
        a small example organisation (usage, headcount, outcomes, tools, feedback), a commentary
        page that explains how to write one, and a .gitignore. Replace the example data with
        your own exports and build.

        Examples:
          candor init q3-report && candor build --content q3-report --output q3-site
          candor init . --force          add what is missing to the current folder
        """))

    @Argument(help: ArgumentHelp("The folder to create.", valueName: "folder"))
    var folder: String

    @Flag(help: "Write into a folder that is not empty; files that exist are never overwritten.")
    var force = false

    func run() throws {
        let fileManager = FileManager.default
        let existing = ((try? fileManager.contentsOfDirectory(atPath: folder)) ?? []).filter { $0 != ".git" && $0 != ".DS_Store" }
        if !existing.isEmpty && !force {
            FileHandle.standardError.write(Data("candor: \(folder) is not empty (\(existing.sorted().prefix(3).joined(separator: ", "))\(existing.count > 3 ? ", …" : "")); choose a new folder, or pass --force to add only the files that are missing\n".utf8))
            throw ExitCode(1)
        }
        try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var generator = SampleGenerator(users: 50, days: 84, seed: 7)
        generator.teamLimit = 4
        let written = try generator.write(to: folder, skipExisting: true)
        var files = written.files
        let ignore = folder + "/.gitignore"
        if !fileManager.fileExists(atPath: ignore) {
            try "# The built site; rebuild it with `candor build`.\nOutput/\n".write(toFile: ignore, atomically: true, encoding: .utf8)
            files.append(".gitignore")
        }
        FileHandle.standardError.write(Data("""
        candor: wrote \(files.count) files to \(folder)/
          build it:    candor build --content \(folder) --output \(folder)/Output
          preview it:  candor serve --content \(folder)
          then replace data/ with your exports and edit commentary/reading-this-report.md

        """.utf8))
    }
}

/// The texts `candor init` writes.
enum InitTemplate {
    static func reportYML(start: Day, days: Int, reviewDates: [Day]) -> String {
        let last = start + (days - 1)
        return """
        # Candor report settings. Only `title` is required; every other key below shows its
        # default (or an example) and may be deleted. An unknown key is an error.

        title: "AI adoption and value"          # the report's title
        organisation: "Example Corp"            # shown under the title

        # The period the figures cover. Default: the first to the last day in the usage data.
        period: {from: \(start), to: \(last)}

        # Groups of fewer people than this are withheld everywhere (pages, charts, CSV, JSON), and so
        # are tokens, requests or cost where one or two people make up all but dominance_p % of
        # the figure; further figures are withheld until none of those can be worked out from
        # the rest to within protection_pct % (see the methodology page).
        privacy: {min_group_size: 5, dominance_p: 10, protection_pct: 10}

        # The outcome metrics of data/outcomes.csv that stand for value. A primary metric is what
        # the tools should improve; a guardrail must not get worse while it does ("faster, with
        # more failed changes" is reported as such). direction says which way is better.
        # hours_saved names survey columns answered in hours saved per week.
        value:
          metrics:
            - {metric: prs_merged, name: Pull requests merged, unit: PRs, direction: higher, role: primary}
            - {metric: change_failures, name: Failed changes, unit: failed changes, direction: lower, role: guardrail}
          hours_saved: [hours_saved_per_week]

        # Header aliases for usage files: canonical column → your header.
        # columns: {user: employee_id}

        signals:
          review_dates: [\(reviewDates.map { $0.description }.joined(separator: ", "))]   # when adoption metrics are snapshotted
          review_window_days: 7                 # days before a review compared with the 28 before them
          low_value_categories: [status-report, auto-summary]   # task_category values that add little
          false_discovery_rate: 0.1             # flagged teams: at most this share expected to be false alarms
          # weights: {review_spike: 1, low_value_share: 1, decoupling: 1, low_acceptance: 1,
          #           repetition: 1, automation_share: 1, concentration: 1}

        # Energy per 1k tokens by type and the grid's g CO₂e per kWh, each a number or {low, high};
        # the defaults and their sources are on the methodology page.
        # climate: {wh_per_1k_output: {low: 0.6, high: 6}, grid_g_co2e_per_kwh: {low: 100, high: 700}}

        # Extra patterns (regular expressions) removed from quotes; e-mails and @handles always are.
        redact: ["EMP-\\\\d{6}"]

        # Feedback themes: a document counts for a theme when it contains one of its phrases.
        themes:
          mandate_pressure: [mandate, quota, forced, pressure]
          genuine_value: [saved time, helpful, useful, faster]
          onboarding: [onboarding, setup, access, training]
          quality_concerns: [hallucinate, double-check, useless]

        unsafe_html: false                      # true keeps raw HTML in Markdown (links are still checked)
        seed: 2026                              # seed of the bootstrap and the quote sampling
        # theme: my-theme                       # another theme folder, relative to this one
        # base_url: https://reports.example.com/ai/   # for feed.xml and sitemap.xml
        # prices: {my-tool: {price_in_per_1k: 0.001, price_out_per_1k: 0.002, price_cached_per_1k: 0.0001}, my-seats: {price_per_seat_month: 19}}
        # sources:                              # vendor exports read as they are
        #   - {format: copilot-users, path: data/vendor/copilot/*.ndjson}
        #   - {format: openai-costs, path: data/vendor/openai-costs.json, teams: {proj_abc: Payments}}
        # pseudonym_key_env: CANDOR_PSEUDONYM_KEY   # keyed hash for identities

        """
    }

    static let commentary = """
    ---
    title: Reading this report
    summary: "How to write commentary: figures, charts, and what the numbers mean."
    order: 1
    ---
    # Reading this report

    This page is Markdown in `commentary/reading-this-report.md`. Edit it, add more pages
    beside it, and rebuild.

    ## Citing figures

    Write a figure's path between double braces and Candor puts the formatted number in its
    place: adoption is **{{ org.adoption_rate }}** of {{ org.headcount }} people, who used
    {{ org.tokens }} tokens. Team figures look like `{{ teams.payments.tokens }}`
    ({{ teams.payments.tokens }}). A figure about a group below the privacy floor becomes a
    note that it is suppressed. An unknown path stops the build and names this file and line.

    ## Drawing charts

    A fenced block with the info string `chart` becomes a chart:

    ```chart
    type: bar
    data: teams
    y: tokens_per_active_user
    title: Tokens per active person, by team
    ```

    Chart types: line, area, bar, scatter, histogram. Data: teams, weekly, tools, themes,
    team_weeks. The methodology page lists every formula behind the figures.

    """
}

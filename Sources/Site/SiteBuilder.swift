import Analysis
import Disclosure
import Charts
import Dataset
import Foundation
import Markdown
import Stats

/// How to write the site.
public struct SiteOptions: Sendable {
    public var version: String
    /// Absolute URL for the feed and sitemap (`--base-url`); links stay relative.
    public var baseURL: String?
    /// The previous edition's report.json, for changes.html.
    public var previous: PreviousEdition?
    /// Write the whole report as one self-contained HTML file too (`report.html`).
    public var singleFile = false
    /// The report's charts, drawn or kept from a build with the same figures.
    public var charts: ChartMemo
    /// Where the files are written as they are made (a build that writes the site).
    public var staged: StagedSite?

    public init(version: String, baseURL: String? = nil, previous: PreviousEdition? = nil, singleFile: Bool = false,
                charts: ChartMemo = ChartMemo(), staged: StagedSite? = nil) {
        self.version = version
        self.baseURL = baseURL
        self.previous = previous
        self.singleFile = singleFile
        self.charts = charts
        self.staged = staged
    }
}

/// The previous edition's report.json as read, parsed only when changes.html needs it: a
/// rebuild whose figures did not move writes the very same report.json, and its changes are
/// then worked out from the new one (parsing the old took a tenth of such a rebuild's work).
public struct PreviousEdition: Sendable {
    public let bytes: [UInt8]
    private let parsing: Pending<JSONValue?>

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        parsing = Pending(deferred: true) { parseJSON(Data(bytes)) }
    }

    /// Begins parsing on another thread: for a build whose figures were worked out anew, and
    /// may have moved.
    public func startParsing() { parsing.start() }

    /// The edition as JSON; nil when it is not JSON.
    public func value() -> JSONValue? { parsing.value }
}

public struct SiteResult: Sendable {
    public var files: SiteFiles
    public var diagnostics: [Diagnostic]
    public var pages: Int
    public var charts: Int
}

/// Builds every page of DESIGN §5 from the report, the commentary and the theme. It presents
/// figures; it computes none.
public struct SiteBuilder {
    let report: PublishedReport
    let inputs: ReportInputs
    let theme: Theme
    let options: SiteOptions
    let charts: ReportCharts
    let figures: FigureIndex
    var files: SiteFiles
    var diagnostics: [Diagnostic] = []
    var pageCount = 0
    var chartCount = 0
    /// Pages in navigation order: (path, title).
    var sitemap: [(String, String)] = []

    /// The layout's parts that are the same on every page at one depth — the team and tool
    /// links of the footer, and the site navigation of a page that is not in it (every
    /// commentary page beyond the first eight) — rendered once per build rather than once per
    /// page. (Rendering the navigation per page was a fifth of a 10,000-page build.)
    struct LayoutParts {
        var teams: [[String: Any]]
        var tools: [[String: Any]]
        var groupLinks: String
        var nav: [[String: Any]]
        var navLinks: String
    }
    let layoutParts: [String: LayoutParts]  // root ("", "../") → parts
    /// The site navigation's pages, (path, label).
    let navigationTargets: [(String, String)]
    /// data/report.json, made once for the file and changes.html.
    let reportJSON: JSONValue

    public init(report: PublishedReport, inputs: ReportInputs, theme: Theme, options: SiteOptions) {
        self.report = report
        self.inputs = inputs
        self.theme = theme
        self.options = options
        files = SiteFiles(staged: options.staged)
        charts = ReportCharts(report: report)
        figures = FigureIndex(report)
        reportJSON = ReportJSON.make(report, version: options.version)
        var parts: [String: LayoutParts] = [:]
        let targets = Self.navigationPages(inputs)
        navigationTargets = targets
        for root in ["", "../", "../../"] { parts[root] = Self.layoutParts(root: root, report: report, theme: theme, targets: targets) }
        layoutParts = parts
    }

    /// The most teams (or tools) the footer of every page lists one by one.
    static let footerListLimit = 60

    static func layoutParts(root: String, report: PublishedReport, theme: Theme, targets: [(String, String)]) -> LayoutParts {
        let teams: [[String: Any]] = report.teams.map { ["href": root + "teams/\($0.slug).html", "label": $0.name, "suppressed": $0.published == nil] }
        let tools: [[String: Any]] = report.tools.map { ["href": root + "tools/\($0.slug).html", "label": $0.name] }
        let nav = navigation(targets, root: root, current: nil)
        // Every team in every page's footer made a site of n teams n² in size (1,500 teams: 240
        // MB, 127 KB a team page): past `footerListLimit`, the footer links teams.html instead.
        let context: [String: Any] = ["teams": teams, "tools": tools, "root": root,
                                      "teamsListed": teams.count <= footerListLimit, "teamCount": whole.format(Double(teams.count)),
                                      "toolsListed": tools.count <= footerListLimit, "toolCount": whole.format(Double(tools.count))]
        return LayoutParts(teams: teams, tools: tools, groupLinks: theme.render("group-links", context),
                           nav: nav, navLinks: theme.render("nav-links", ["nav": nav, "root": root]))
    }

    public static func build(report: PublishedReport, inputs: ReportInputs, theme: Theme, options: SiteOptions) throws -> SiteResult {
        var builder = SiteBuilder(report: report, inputs: inputs, theme: theme, options: options)
        try builder.buildAll()
        return SiteResult(files: builder.files, diagnostics: builder.diagnostics, pages: builder.pageCount, charts: builder.chartCount)
    }

    mutating func buildAll() throws {
        let commentary = renderCommentary()
        // Every page but those that list or compare the others depends on the report alone:
        // they are made on whichever core is free first, and added in this order. (Made one
        // after another, the feedback, methodology and data-quality pages were a tenth of the
        // pages of a rebuild after a commentary edit, on one core.) The commentary, made
        // already, is added after them: a builder copied for each of 10,000 pages took longer
        // than adding them.
        enum Work {
            case summary, outcomes, groupIndex, reportJSON, tables, team(TeamEntry), tool(ToolEntry)
            case letter(Letter), feedback, methodology, dataQuality
        }
        let work: [Work] = [.summary, .outcomes, .groupIndex, .reportJSON, .tables] + report.teams.map(Work.team)
            + report.tools.map(Work.tool) + report.feedback.letters.map(Work.letter) + [.feedback, .methodology, .dataQuality]
        try onAllCores(work) { builder, work in
            switch work {
            case .summary: try builder.summaryPage()
            case .outcomes: try builder.outcomesPage()
            case .groupIndex: try builder.groupIndexPages()
            case .reportJSON: try builder.files.add("data/report.json", builder.reportJSON.bytes())
            case .tables: try builder.dataTables()
            case let .team(team): try builder.teamPage(team)
            case let .tool(tool): try builder.toolPage(tool)
            case let .letter(letter): try builder.letterPage(letter)
            case .feedback: try builder.feedbackPage()
            case .methodology: try builder.methodologyPage()
            case .dataQuality: try builder.dataQualityPage()
            }
        }
        for write in commentary { try write(&self) }
        try changesPage()
        try downloadsPage()
        try page(path: "404.html", title: "Page not found", template: "404", context: [:])
        for (path, bytes) in theme.assets.sorted(by: { $0.key < $1.key }) { try files.add("assets/" + path, bytes) }
        try feedAndSitemap()
        if options.singleFile { try singleFilePage() }
    }

    /// Makes one page (or more) per item on all cores, each on a blank copy of the builder, then
    /// adds what each made — files, sitemap entries, counts, problems — in the items' order, so
    /// the site does not depend on which thread finished first.
    mutating func onAllCores<Item>(_ items: [Item], _ make: (inout SiteBuilder, Item) throws -> Void) throws {
        var blank = self
        blank.files = SiteFiles()
        blank.diagnostics = []
        blank.sitemap = []
        (blank.pageCount, blank.chartCount) = (0, 0)
        let parts = parallelMap(items) { item -> Result<SiteBuilder, Error> in
            var part = blank
            return Result { try make(&part, item); return part }
        }
        for part in parts {
            let part = try part.get()
            for path in part.files.paths { try files.add(path, part.files.files[path]!) }
            diagnostics += part.diagnostics
            sitemap += part.sitemap
            pageCount += part.pageCount
            chartCount += part.chartCount
        }
    }

    // MARK: Layout

    /// "../" repeated for the page's depth, so every link is relative.
    func root(of path: String) -> String { String(repeating: "../", count: path.split(separator: "/").count - 1) }

    /// The site navigation's pages, (path, label).
    static func navigationPages(_ inputs: ReportInputs) -> [(String, String)] {
        var items: [(String, String)] = [("index.html", "Summary"), ("outcomes.html", "Outcomes"), ("teams.html", "Teams"), ("tools.html", "Tools"), ("feedback/index.html", "Feedback")]
        // At most eight commentary pages in the navigation (in `order`); all are linked from the summary.
        items += inputs.commentary.prefix(8).map { ("\($0.slug).html", $0.title) }
        items += [("methodology.html", "Methodology"), ("data-quality.html", "Data quality"), ("changes.html", "Changes"), ("downloads.html", "Downloads")]
        return items
    }

    static func navigation(_ targets: [(String, String)], root: String, current path: String?) -> [[String: Any]] {
        targets.map { target, label in ["href": root + target, "label": label, "current": target == path] }
    }

    mutating func page(path: String, title: String, template: String, context: [String: Any], description: String? = nil) throws {
        try addPage(path: path, title: title, html: renderPage(path: path, title: title, template: template, context: context, description: description))
    }

    /// A page's HTML: its template inside the layout. Reads the builder only, so pages can be
    /// rendered on several threads.
    func renderPage(path: String, title: String, template: String, context: [String: Any], description: String? = nil) -> String {
        var body = context
        let root = root(of: path)
        body["root"] = root
        body["report"] = ["title": report.title, "organisation": report.organisation ?? "", "period": periodText, "byline": byline]
        let content = theme.render(template, body)
        let targets = navigationTargets
        let parts = layoutParts[root] ?? Self.layoutParts(root: root, report: report, theme: theme, targets: targets)
        // A page in the navigation marks itself there; any other page shares its depth's.
        var nav = parts.nav, navLinks = parts.navLinks
        if targets.contains(where: { $0.0 == path }) {
            nav = Self.navigation(targets, root: root, current: path)
            navLinks = theme.render("nav-links", ["nav": nav, "root": root])
        }
        let layout: [String: Any] = [
            "title": title, "root": root, "content": content, "nav": nav, "navLinks": navLinks,
            "reportTitle": report.title, "organisation": report.organisation ?? "", "period": periodText, "byline": byline,
            "description": description ?? "\(report.title): \(title)", "generator": "Candor \(options.version)",
            // A theme's own layout may still loop over `teams` and `tools`; the default one
            // writes the links rendered once (`groupLinks`).
            "teams": parts.teams, "tools": parts.tools, "groupLinks": parts.groupLinks,
        ]
        return theme.render("layout", layout)
    }

    mutating func addPage(path: String, title: String, html: String) throws {
        try addPage(path: path, title: title, bytes: Array(html.utf8))
    }

    mutating func addPage(path: String, title: String, bytes: [UInt8]) throws {
        try files.add(path, bytes)
        pageCount += 1
        sitemap.append((path, title))
    }

    var periodText: String { "\(report.period.from.readable) – \(report.period.to.readable)" }
    /// The organisation and the period, or the period alone (a report without `organisation:`
    /// began its footer and subtitle with a stray " · ").
    var byline: String { [report.organisation, periodText].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ") }

    /// A report chart as a figure, under `key` (its place on the site) in the chart memo: kept
    /// from a build with the same figures, else drawn. Nil from `draw`: no such chart here.
    mutating func chart(_ key: String, _ draw: (ReportCharts) -> Chart?) -> String {
        var failure: Diagnostic?
        let charts = charts
        let html = options.charts.figure(key) {
            guard let chart = draw(charts) else { return nil }
            do { return try figureHTML(chart) } catch {
                failure = .error("chart \(chart.id)", "\(error)")
                return nil
            }
        }
        if let failure { diagnostics.append(failure) }
        guard let html else { return "" }
        chartCount += 1
        return html
    }

    /// A sparkline's SVG under `key` in the chart memo ("" when it cannot be drawn).
    func sparkline(_ key: String, _ draw: @autoclosure () -> Chart) -> String {
        options.charts.figure(key) { try? draw().renderSVG() } ?? ""
    }

    // MARK: Commentary

    /// Renders the commentary now (so errors are known early), on all cores, and returns
    /// writers that add the pages in the commentary's order.
    mutating func renderCommentary() -> [(inout SiteBuilder) throws -> Void] {
        let rendered = parallelMap(inputs.commentary) { source -> (html: [UInt8], issues: [MarkdownIssue], charts: Int) in
            let resolver = CommentaryResolver(charts: charts, figures: figures)
            let rendered = Markdown.render(source.body, firstLine: source.bodyLine,
                                           options: MarkdownOptions(unsafeHTML: inputs.config.unsafeHTML), resolver: resolver)
            let headings = rendered.headings.filter { $0.level >= 2 }.map { ["text": $0.text, "anchor": $0.anchor, "level": $0.level] as [String: Any] }
            // A page that opens with its own `# Title` has it as the page's title, in the header
            // above the summary and the contents (which stood above it).
            var body = rendered.html, heading = ""
            if body.hasPrefix("<h1"), let close = body[...].range(ofASCII: "</h1>") {
                heading = String(body[..<close.upperBound])
                body = String(body[close.upperBound...].drop { $0 == "\n" })
            }
            // (Mustache shows a section for any string, even an empty one: the flags say.)
            let context: [String: Any] = ["title": source.title, "summary": source.summary ?? "", "hasSummary": !(source.summary ?? "").isEmpty,
                                          "html": body, "heading": heading,
                                          "toc": headings, "hasToc": headings.count >= 2,
                                          "hasH1": rendered.headings.contains { $0.level == 1 }]
            let path = "\(source.slug).html"
            let html = Array(renderPage(path: path, title: source.title, template: "commentary", context: context, description: source.summary).utf8)
            // Written now, while the other pages are made; added to the site (the same bytes,
            // not written again) in the commentary's order.
            options.staged?.hand(path, html)
            return (html, rendered.issues, rendered.charts)
        }
        var writers: [(inout SiteBuilder) throws -> Void] = []
        for (source, page) in zip(inputs.commentary, rendered) {
            for issue in page.issues {
                diagnostics.append(.error(source.file, line: issue.line, column: issue.column, issue.message))
            }
            chartCount += page.charts
            let path = "\(source.slug).html", title = source.title, html = page.html
            writers.append { builder in try builder.addPage(path: path, title: title, bytes: html) }
        }
        return writers
    }

    // MARK: Data files

    /// `data/report.json`, one CSV file per published table, and the manifest.
    /// The published tables as CSV files, and the manifest of the inputs.
    mutating func dataTables() throws {
        for table in report.tables {
            var csv = CSVWriter(header: table.descriptor.columns.map(\.name))
            for row in table.rows {
                for (index, value) in row.enumerated() {
                    csv.separate(first: index == 0)
                    switch value {
                    case let .text(text): csv.appendText(text)
                    case let .integer(number): csv.appendPlain(String(number).utf8)
                    case let .number(number): csv.appendNumber(number)
                    case let .bool(flag): csv.appendPlain((flag ? "true" : "false").utf8)
                    case .missing, .withheld: break
                    }
                }
                csv.endRow()
            }
            try files.add(table.descriptor.file, csv.bytes)
        }
        try files.add("data/manifest.json", manifest().bytes())
    }

    func manifest() -> JSONValue {
        .object([
            ("schema", .string("candor.manifest/1")),
            ("generator", .string("candor \(options.version)")),
            ("settings_sha256", .string(inputs.configSHA256)),
            ("inputs", .array(report.coverage.files.sorted { $0.path < $1.path }.map { file in
                .object([("path", .string(file.path)), ("sha256", .string(file.sha256)), ("bytes", .int(file.bytes)),
                         ("rows", .int(file.rows)), ("format", .string(file.format))])
            })),
        ])
    }

    // MARK: Feed and sitemap

    mutating func feedAndSitemap() throws {
        let base = (options.baseURL ?? inputs.config.baseURL).map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        var sitemapXML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for (path, _) in sitemap.sorted(by: { $0.0 < $1.0 }) where path != "404.html" {
            sitemapXML += "  <url><loc>\(esc((base ?? "") + path))</loc></url>\n"
        }
        sitemapXML += "</urlset>\n"
        try files.add("sitemap.xml", sitemapXML)
        // One entry per edition: this one, identified by its period end (no clock is read).
        let updated = report.period.to.description + "T00:00:00Z"
        let id = (base ?? "urn:candor:") + "editions/" + report.period.to.description
        var feed = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        feed += "  <title>\(esc(report.title))</title>\n  <id>\(esc((base ?? "urn:candor:") + "feed"))</id>\n  <updated>\(updated)</updated>\n"
        if let base { feed += "  <link rel=\"alternate\" href=\"\(esc(base))index.html\"/>\n  <link rel=\"self\" href=\"\(esc(base))feed.xml\"/>\n" }
        feed += "  <author><name>\(esc(report.organisation ?? report.title))</name></author>\n"
        feed += "  <entry>\n    <title>\(esc("Edition to \(report.period.to.readable)"))</title>\n    <id>\(esc(id))</id>\n    <updated>\(updated)</updated>\n"
        feed += "    <link href=\"\(esc((base ?? "") + "changes.html"))\"/>\n"
        feed += "    <summary>\(esc(headlineSentence()))</summary>\n  </entry>\n</feed>\n"
        try files.add("feed.xml", feed)
    }

    func headlineSentence() -> String {
        let org = report.org
        return "\(NumberFormat.integer.format(Double(org.activeUsers))) active people, adoption \(org.adoptionRate.map(NumberFormat.percent.format) ?? "n/a"), \(NumberFormat.si.format(Double(org.tokens))) tokens, \(report.teamsFlagged) teams flagged."
    }

    // MARK: Single file

    /// The summary, team pages and methodology in one HTML file with the stylesheet inlined.
    /// `--single-file`: every page of the site as a section of one HTML file, its links
    /// rewritten to in-file anchors and its stylesheet inlined, so that it works opened alone
    /// from a folder with nothing else in it; nothing is fetched.
    mutating func singleFilePage() throws {
        guard let index = files.text("index.html") else { return }
        let order = ["index.html", "outcomes.html", "feedback/index.html"]
        let others = files.paths.filter { $0.hasSuffix(".html") && !order.contains($0) && $0 != "404.html" && $0 != "report.html" }
        let pages = order.filter { files.text($0) != nil } + others.sorted { (rank($0), $0) < (rank($1), $1) }
        let position = Dictionary(uniqueKeysWithValues: pages.enumerated().map { ($1, $0) })
        func anchor(_ page: String) -> String { "page-" + page.replacingOccurrences(of: ".html", with: "").replacingOccurrences(of: "/", with: "-") }
        /// A link of page `from`, as a link inside the one file.
        func rewrite(_ href: String, from page: String) -> String {
            if href.hasPrefix("#") { return "#p\(position[page] ?? 0)-" + href.dropFirst() }
            if href.contains(":") { return href }  // https:, mailto: — outside the report
            let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let directory = (page as NSString).deletingLastPathComponent
            var target = URL(fileURLWithPath: "/" + (directory.isEmpty ? "" : directory + "/") + String(parts[0])).standardizedFileURL.path
            target.removeFirst()
            if target.isEmpty || target.hasSuffix("/") { target += "index.html" }
            guard let number = position[target] else { return "#" + anchor("downloads.html") }  // a data file: where downloads are listed
            return parts.count > 1 && !parts[1].isEmpty ? "#p\(number)-\(parts[1])" : "#" + anchor(target)
        }
        var sections = ""
        for page in pages {
            guard let text = files.text(page), let start = text.range(of: "<main"), let end = text.range(of: "</main>") else { continue }
            let number = position[page]!
            // The page's <main …> tag (and its id) gives way to the section.
            guard let tagEnd = text[start.upperBound...].firstIndex(of: ">") else { continue }
            var inner = "<section id=\"\(anchor(page))\" class=\"single-file-part\">" + String(text[text.index(after: tagEnd)..<end.lowerBound]) + "</section>"
            // Each page's sections are named with the page's title before their own heading
            // ("Payments Trend", not "Trend" on every team), so the file's landmarks stay unique.
            var title: String?  // the id of the page's first h1
            if let h1 = inner.range(of: "<h1"), let close = inner[h1.upperBound...].firstIndex(of: ">") {
                let attributes = inner[h1.upperBound..<close]
                if let start = attributes.range(of: "id=\""), let end = attributes[start.upperBound...].firstIndex(of: "\"") {
                    title = String(attributes[start.upperBound..<end])
                } else {
                    inner.replaceSubrange(h1, with: "<h1 id=\"page-title\"")
                    title = "page-title"
                }
            }
            inner = replaceAttribute("href", in: inner) { rewrite($0, from: page) }
            inner = replaceAttribute("id", in: inner) { "p\(number)-\($0)" }
            inner = replaceAttribute("aria-labelledby", in: inner) {
                ((title.map { [$0] } ?? []) + $0.split(separator: " ").map(String.init)).map { "p\(number)-\($0)" }.joined(separator: " ")
            }
            inner = replaceAttribute("aria-describedby", in: inner) { $0.split(separator: " ").map { "p\(number)-\($0)" }.joined(separator: " ") }
            // The section's own id was prefixed with the rest: restore it.
            inner = inner.replacingOccurrences(of: "id=\"p\(number)-\(anchor(page))\"", with: "id=\"\(anchor(page))\"")
            sections += (sections.isEmpty ? "" : "\n<hr>\n") + inner
        }
        let css = theme.assets["style.css"].map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard let mainStart = index.range(of: "<main"), let mainEnd = index.range(of: "</main>") else { return }
        var shell = String(index[..<mainStart.lowerBound]) + "<main id=\"main\">\n" + sections + "\n</main>" + String(index[mainEnd.upperBound...])
        shell = shell.replacingOccurrences(of: "<link rel=\"stylesheet\" href=\"assets/style.css\">", with: "<style>\n\(css)\n</style>")
        shell = shell.replacingOccurrences(of: #"<link rel="alternate"[^>]*>\n?"#, with: "", options: .regularExpression)
        // The header and footer links (outside <main>) belong to the summary.
        let head = shell.range(of: "<main id=\"main\">")!, tail = shell.range(of: "\n</main>", options: .backwards)!
        shell = replaceAttribute("href", in: String(shell[..<head.lowerBound])) { $0.hasPrefix("#") ? $0 : rewrite($0, from: "index.html") }
            + String(shell[head.lowerBound..<tail.upperBound])
            + replaceAttribute("href", in: String(shell[tail.upperBound...])) { $0.hasPrefix("#") ? $0 : rewrite($0, from: "index.html") }
        try files.add("report.html", shell)
    }

    /// The order of pages after the summary, outcomes and feedback: commentary, letters, teams,
    /// tools, then the reference pages.
    func rank(_ page: String) -> Int {
        if page.hasPrefix("feedback/") { return 1 }
        if page.hasPrefix("teams/") { return 2 }
        if page.hasPrefix("tools/") { return 3 }
        if ["methodology.html", "data-quality.html", "changes.html", "downloads.html"].contains(page) { return 4 }
        return 0
    }
}

/// Every `name="value"` attribute of `html` with its value replaced by `transform(value)` (values
/// are Candor's own, already escaped; they hold no quote).
func replaceAttribute(_ name: String, in html: String, _ transform: (String) -> String) -> String {
    let marker = " \(name)=\""
    var out = ""
    out.reserveCapacity(html.utf8.count)
    var rest = Substring(html)
    while let found = findASCII(marker, in: rest) {
        out += rest[..<found.upperBound]
        guard let close = rest[found.upperBound...].firstIndex(of: "\"") else { rest = rest[found.upperBound...]; break }
        out += transform(String(rest[found.upperBound..<close]))
        rest = rest[close...]
    }
    return out + rest
}

/// Resolves `{{ figure }}` and ```chart blocks in commentary.
struct CommentaryResolver: MarkdownResolver {
    let charts: ReportCharts
    let figures: FigureIndex
    let counter = Counter()

    final class Counter: @unchecked Sendable { var value = 0 }

    func figure(_ path: String) -> Result<String, MarkdownResolverError> { figures.resolve(path) }

    func chart(_ request: ChartRequest) -> Result<String, MarkdownResolverError> {
        counter.value += 1
        switch charts.commentaryChart(request, index: counter.value) {
        case let .success(chart):
            do { return .success(try figureHTML(chart)) } catch { return .failure(MarkdownResolverError("\(error)")) }
        case let .failure(error): return .failure(error)
        }
    }
}

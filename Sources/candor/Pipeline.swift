import Analysis
import CMemory
import Disclosure
import Dataset
import Foundation
import Site

/// Content/ → Dataset → Analysis → Site → Output/: the one path every command takes.
struct Pipeline {
    struct Options {
        var content = "Content"
        var output = "Output"
        var theme: String?
        var baseURL: String?
        var strict = false
        var previous: String?
        var singleFile = false
        /// Where the usage aggregate is kept between builds (see `BuildCache`); nil: nowhere.
        var cacheFolder: String?
        /// Validate only: stop before writing.
        var checkOnly = false
    }

    struct Summary {
        var rowsRead = 0
        var rowsRejected = 0
        var teams = 0
        var pages = 0
        var charts = 0
        var bytes = 0
        var seconds = 0.0
        var diagnostics: [Diagnostic] = []
        var report: PublishedReport?
        /// The usage aggregate came from the cache, not from reading the rows.
        var usageCached = false
        /// The published figures came from the cache, not from the analysis.
        var reportCached = false
        /// Charts taken as the last build drew them from the same figures (see `ChartMemo`).
        var chartsKept = 0
        /// Why a cache file was not used, when it could not be.
        var cacheNote: String?
        /// Why whole teams were withheld, when the dominance rule made it so (`suppressionNote`).
        var suppressionNote: String?
        /// Usage and vendor files read to hash them (nil: hashed while their rows were read).
        var filesHashed: Int?
    }

    /// What `serve` keeps between builds: the aggregate of the usage rows, reused while the
    /// files that feed it are unchanged, so a commentary edit does not re-read the usage data.
    final class Cache: @unchecked Sendable {
        var key: String?
        var aggregate: UsageAggregate?
        var usage: UsageSummary?
        /// The build cache's key of that aggregate, when there is a build cache.
        var storeKey: String?
        var ingests = 0
    }

    enum Failure: Error {
        /// Problems in the inputs (exit status 1), already collected in `diagnostics`.
        case inputs([Diagnostic])
    }

    /// Builds (or checks) a report. Throws `Failure.inputs` with every problem when the inputs
    /// cannot make a report; a `--strict` build also fails on rejected rows and warnings of data.
    static func run(_ options: Options, progress: Progress, cache: Cache? = nil) throws -> Summary {
        let started = Date()
        var summary = Summary()
        let saving = DispatchGroup()
        defer { saving.wait() }
        // The cached figures, decoded while the inputs are read (decoding them was a fifth of a
        // rebuild after a commentary edit, on one core); used only if the inputs' key is theirs.
        // Begun first: a rebuild waits for them before anything else.
        let audit = ProcessInfo.processInfo.environment["CANDOR_DISCLOSURE_AUDIT"].flatMap { $0.isEmpty ? nil : $0 }
        let earlyReport = options.cacheFolder.flatMap { folder in
            audit != nil ? nil : Pending { BuildCache(folder: folder).loadAnyReport(report: ReportFolder.root(options.content)) }
        }
        // The previous edition's report.json (for changes.html), read beside the rest of the
        // build: nothing else needs it, and a rebuild after a commentary edit waited for it. It
        // is parsed only once the figures have been worked out anew (below), beside the privacy
        // step, which runs on one core: a rebuild from cached figures writes the same file.
        let previousPath = options.previous ?? (options.output + "/data/report.json")
        let previousEdition = Pending { fileBytes(path: previousPath).map(PreviousEdition.init(bytes:)) }
        // The charts drawn from the cached figures last time (see `ChartMemo`), read alike.
        let earlyCharts = options.cacheFolder.map { folder in
            Pending { BuildCache(folder: folder).loadAnyCharts(report: ReportFolder.root(options.content)) }
        }
        // Refuse a dangerous --output before any work, not after it.
        if !options.checkOnly, let refusal = OutputFolder.refusal(output: options.output, content: options.content) {
            throw Failure.inputs([.error(options.output, refusal)])
        }
        let inputs: ReportInputs
        do {
            inputs = try ReportFolder.read(options.content)
        } catch let error as InputError {
            throw Failure.inputs(error.diagnostics)
        }
        summary.diagnostics = inputs.diagnostics
        progress.detail("read report.yml and \(inputs.files.count) small inputs; \(inputs.usageFiles.count) usage files")
        // The theme, read beside the usage rows: a first build then begins reading them at once
        // (this thread read the theme first while the other core idled, perf), and a rebuild
        // after a commentary edit has it ready while it waits for the cached figures. Its
        // problems are told where they were, below. A theme named in report.yml lies inside the
        // report folder (the report is content, and may come from anyone); --theme on the
        // command line and the installed themes may not: one outside is not read at all.
        let themeOutside = inputs.config.theme.map { !ReportFolder.isInside(inputs.folder + "/" + $0, root: inputs.folder) } ?? false
        let themeFolder = options.theme ?? inputs.config.theme.map { inputs.folder + "/" + $0 } ?? defaultThemeFolder()
        let overrides = inputs.folder + "/theme"
        let loadedTheme = themeOutside ? nil : Pending { Result { try Theme(folder: themeFolder, overrides: overrides) } }

        // Stream the usage rows into the aggregate (or reuse the cached one).
        var aggregate = UsageAggregate(config: inputs.config, tools: inputs.tools)
        var usage = UsageSummary()
        let key = usageKey(inputs)
        let store = options.cacheFolder.map(BuildCache.init(folder:))
        var storeKey: String?
        // The published figures from the cache, when no input of theirs changed.
        var cachedReport: PublishedReport?
        func lookUpReport(_ store: BuildCache, usageKey: String) -> (PublishedReport, UsageSummary)? {
            guard audit == nil else { return nil }
            let reportKey = BuildCache.reportKey(usageKey: usageKey, inputs: inputs)
            // Decoded already: theirs or not (a damaged file is read again below, to say so).
            // While they are decoded, this thread makes the theme: on two cores the others were
            // decoding the figures and the charts, and the theme waited for one of them while
            // this thread waited for the figures (a perf timeline: idle for a fifth of a rebuild).
            if let early = earlyReport {
                _ = loadedTheme?.value
                if let early = early.value { return early.key == reportKey ? early.value : nil }
            }
            switch store.loadReport(report: inputs.folder, key: reportKey) {
            case let .hit(found): return found
            case .miss: return nil
            case let .ignored(reason):
                summary.cacheNote = "ignored the report cache: \(reason); computing the figures"
                progress.note("candor: " + summary.cacheNote!)
                return nil
            }
        }
        if let cache, cache.key == key, let cached = cache.aggregate, let cachedUsage = cache.usage {
            aggregate = cached
            usage = cachedUsage
            storeKey = cache.storeKey
            progress.detail("usage data unchanged: reusing the last aggregate")
        } else {
            let workers = ProcessInfo.processInfo.activeProcessorCount
            var fingerprint: UsageFingerprint?
            /// Every usage and vendor file's digest, when there is a cache to key.
            var digests: [String: (sha256: String, bytes: Int)]?
            var reused = false
            do {
                // Hash the usage files only when there is a cache to compare with: a first build
                // hashes them while it reads them.
                if let store, store.exists(report: inputs.folder) {
                    let known = store.knownDigests(report: inputs.folder)
                    let current = try ReportFolder.fingerprint(inputs, workers: workers, known: known.digests, knownAt: known.at)
                    fingerprint = current
                    digests = current.digests
                    summary.filesHashed = current.hashed
                    storeKey = BuildCache.key(inputs, digests: current.sha256s, program: program)
                    // Figures unchanged: the aggregate is not needed at all (but `serve` keeps it
                    // for the next edit, which may be to feedback).
                    if cache == nil, let (report, reportUsage) = lookUpReport(store, usageKey: storeKey!) {
                        (cachedReport, usage, reused) = (report, reportUsage, true)
                        summary.usageCached = true
                    }
                    switch reused ? .miss : store.load(report: inputs.folder, key: storeKey!, config: inputs.config, tools: inputs.tools) {
                    case let .hit((cachedAggregate, cachedUsage)):
                        (aggregate, usage, reused) = (cachedAggregate, cachedUsage, true)
                        summary.usageCached = true
                        progress.detail("usage data unchanged since the last build: reusing its aggregate from \(store.path(report: inputs.folder))")
                    case .miss:
                        if !reused { progress.detail("usage data changed since the last build: reading it") }
                    case let .ignored(reason):
                        summary.cacheNote = "ignored the usage cache: \(reason); reading the usage data"
                        progress.note("candor: " + summary.cacheNote!)
                    }
                }
                if !reused {
                    let config = inputs.config, tools = inputs.tools
                    let read: UsageSummary
                    var partials: [UsageAggregate]
                    (read, partials) = try ReportFolder.readUsage(
                        inputs, workers: workers,
                        makePartials: { count in UsageAggregate.parts(count, config: config, tools: tools) },
                        add: { partial, record in partial.add(record) },
                        finished: { $0.finishReading() },
                        progress: { rows in
                            let seconds = max(Date().timeIntervalSince(started), 0.001)
                            progress.update("reading usage: \(rows.formatted()) rows (\(Int(Double(rows) / seconds).formatted()) rows/s)")
                        },
                        fingerprint: fingerprint)
                    usage = read
                    aggregate = UsageAggregate.merging(&partials) ?? aggregate
                    returnFreedMemory()

                    if let store {
                        // Written beside the analysis; waited for before the build returns.
                        let all = try fingerprint?.digests ?? Self.digests(inputs, known: usage.files)
                        digests = all
                        let key = BuildCache.key(inputs, digests: all.mapValues(\.sha256), program: program)
                        storeKey = key
                        let (folder, savedAggregate, savedUsage) = (inputs.folder, aggregate, usage)
                        DispatchQueue.global().async(group: saving) {
                            if let problem = store.save(report: folder, key: key, aggregate: savedAggregate, summary: savedUsage) {
                                progress.detail("candor: the usage cache was not written: \(problem)")
                            }
                        }
                    }
                }
            } catch let error as InputError {
                throw Failure.inputs(summary.diagnostics + error.diagnostics)
            }
            // The files' digests with their identities, so the next build hashes only what changed.
            if let store, let known = digests, fingerprint?.hashed ?? 1 > 0 {
                let folder = inputs.folder
                DispatchQueue.global().async(group: saving) { store.saveDigests(report: folder, known) }
            }
            if let cache {
                cache.key = key
                cache.aggregate = aggregate
                cache.usage = usage
                cache.storeKey = storeKey
                cache.ingests += 1
            }
        }
        summary.diagnostics += usage.diagnostics
        for (file, format) in usage.recognised where cache == nil || cache?.ingests ?? 0 <= 1 {
            progress.note("candor: read \(file) as \(format) (recognised from its contents)")
        }
        summary.rowsRead = usage.rowsRead + inputs.rowsRead
        let ingested = Date()
        summary.rowsRejected = usage.rowsRejected + inputs.rowsRejected

        // The published figures: from the cache when nothing but commentary changed, else
        // computed (and kept for the next build).
        var report: PublishedReport
        let reportKey = storeKey.map { BuildCache.reportKey(usageKey: $0, inputs: inputs) }
        if cachedReport == nil, !summary.usageCached || cache != nil, let store, let storeKey {
            cachedReport = lookUpReport(store, usageKey: storeKey)?.0
        }
        do {
            if var cached = cachedReport {
                Analyzer.refreshInputs(of: &cached.coverage, inputs: inputs, usage: usage)
                report = cached
                summary.reportCached = true
                progress.detail("no input of the figures changed since the last build: reusing them")
            } else {
                let model = try Analyzer.analyze(aggregate, inputs: inputs, usage: usage)
                previousEdition.value?.startParsing()
                let modelled = Date()
                let solved = try Disclosure.solve(model, config: inputs.config)
                report = solved.report
                // For the dev-time attacker test (scripts/privacy_attack.py): the true values and
                // the rule status of every cell, written outside the output folder and only when asked.
                if let audit { try? DisclosureAudit.json(solved.problem).write(to: URL(fileURLWithPath: audit)) }
                progress.detail("candor: stage disclosure \(String(format: "%.3f", Date().timeIntervalSince(modelled))) s")
                if let store, let reportKey {
                    let (folder, saved, savedUsage) = (inputs.folder, report, usage)
                    DispatchQueue.global().async(group: saving) {
                        if let problem = store.saveReport(report: folder, key: reportKey, saved, usage: savedUsage) {
                            progress.detail("candor: the report cache was not written: \(problem)")
                        }
                    }
                }
            }
        } catch let error as InputError {
            throw Failure.inputs(summary.diagnostics + error.diagnostics)
        } catch let error as ImpossibleFigure {
            throw Failure.inputs(summary.diagnostics + error.diagnostics)
        } catch let error as OrganisationTooSmall {
            throw Failure.inputs(summary.diagnostics + [.error("data/usage", error.description.replacingOccurrences(of: "data/usage: ", with: ""))])
        }
        summary.report = report
        summary.diagnostics += report.coverage.nameWarnings
        if let note = Self.suppressionNote(report.suppression, teams: report.teams.count) {
            summary.suppressionNote = note
            progress.note("candor: " + note)
        }
        summary.teams = report.teams.count
        let analysed = Date()
        progress.detail("candor: stage ingest+aggregate \(String(format: "%.3f", analysed.timeIntervalSince(started) - analysed.timeIntervalSince(ingested))) s")
        progress.detail("candor: stage analysis \(String(format: "%.3f", analysed.timeIntervalSince(ingested))) s")

        // Theme and pages (commentary errors are found here, so check runs this too).
        guard let loadedTheme else {
            throw Failure.inputs(summary.diagnostics + [.error("report.yml", "theme \"\(inputs.config.theme ?? "")\" is outside the report folder; put the theme in the report folder, or name it with --theme")])
        }
        let theme: Theme
        do {
            theme = try loadedTheme.value.get()
        } catch let error as Theme.Error {
            throw Failure.inputs(summary.diagnostics + [.error(error.file, line: error.line, error.message)])
        }
        let previous = previousEdition.value
        if options.previous != nil && previous?.value() == nil {
            summary.diagnostics.append(.warning(previousPath, "cannot read the previous edition's report.json; changes.html will not compare"))
        }
        progress.update("rendering pages")
        // Charts kept from the last build, only for the very figures they were drawn from.
        var keptCharts: [String: String] = [:]
        if summary.reportCached, let reportKey {
            if let early = earlyCharts?.value {
                if early.key == reportKey { keptCharts = early.value }
            } else if let store, case let .ignored(reason) = store.loadCharts(report: inputs.folder, key: reportKey) {
                summary.cacheNote = "ignored the chart cache: \(reason); drawing the charts"
                progress.note("candor: " + summary.cacheNote!)
            }
        }
        summary.chartsKept = keptCharts.count
        let chartMemo = ChartMemo(kept: keptCharts)
        // The new site's folder, filled as the pages are made; in place only if all goes well.
        let staged = options.checkOnly ? nil : try StagedSite(output: options.output, content: options.content)
        var finished = false
        defer { if !finished { staged?.abandon() } }
        let site: SiteResult
        do {
            site = try SiteBuilder.build(report: report, inputs: inputs,
                                         theme: theme, options: SiteOptions(version: Candor.version, baseURL: options.baseURL,
                                                                            previous: previous, singleFile: options.singleFile,
                                                                            charts: chartMemo, staged: staged))
        } catch let OutputFolder.Error.twoFiles(path) {
            // Named by where it would be written (an absolute path is printed as it is).
            let written = URL(fileURLWithPath: options.output).appendingPathComponent(path).path
            throw Failure.inputs(summary.diagnostics + [.error(written, "two pages of the site would both be written here (a commentary page named like a page Candor writes, such as report.md with --single-file?); give one a `slug:` of its own")])
        }
        if let store, let reportKey, audit == nil, chartMemo.drewAny {
            let folder = inputs.folder
            DispatchQueue.global().async(group: saving) {
                if let problem = store.saveCharts(report: folder, key: reportKey, chartMemo.all) {
                    progress.detail("candor: the chart cache was not written: \(problem)")
                }
            }
        }
        summary.diagnostics += site.diagnostics
        let rendered = Date()
        progress.detail("candor: stage pages \(String(format: "%.3f", rendered.timeIntervalSince(analysed))) s")
        summary.pages = site.pages
        summary.charts = site.charts
        let errors = summary.diagnostics.filter { $0.severity == .error }
        // Errors in the report's own writing (commentary pages, the theme) always fail the build:
        // a page would be missing or wrong. Rejected data rows fail it only with --strict.
        let contentErrors = site.diagnostics.filter { $0.severity == .error }
            + summary.diagnostics.filter { $0.severity == .error && $0.file.hasPrefix("commentary/") }
        if !contentErrors.isEmpty || (options.strict && (!errors.isEmpty || summary.rowsRejected > 0)) {
            throw Failure.inputs(summary.diagnostics)
        }
        if let staged {
            progress.update("writing \(site.files.paths.count) files")
            finished = true
            try staged.finish(site.files)
            summary.bytes = site.files.byteCount
            progress.detail("candor: stage write \(String(format: "%.3f", Date().timeIntervalSince(rendered))) s")
        }
        summary.seconds = Date().timeIntervalSince(started)
        progress.finish()
        return summary
    }

    /// Told to the author (never published) when more teams are withheld only to protect other
    /// cells than by rules of their own, and the dominance rule withheld some cell: most often
    /// one person whose usage dwarfs everyone's, hidden with every figure it could be
    /// subtracted out of, which the author would otherwise see only as teams gone missing.
    static func suppressionNote(_ suppression: SuppressionSummary, teams: Int) -> String? {
        let complements = suppression.teamsWithheldAsComplements
        guard suppression.dominance > 0, complements >= 3, complements > suppression.teamsWithheld - complements else { return nil }
        return "\(suppression.teamsWithheld) of \(teams) teams are withheld, \(complements) of them by no rule of their own, "
            + "so that other figures cannot be worked out from theirs; among those, \(suppression.dominance) "
            + "\(suppression.dominance == 1 ? "is" : "are") withheld because one or two people make up nearly all of "
            + "\(suppression.dominance == 1 ? "it" : "each") (the dominance rule, privacy.dominance_p "
            + "\(String(format: "%g", suppression.dominanceP)) in report.yml). If one person's usage is an outlier "
            + "(an import error, an automated account, a shared key), correct it in the usage data"
    }

    /// This build of Candor: its version and its executable's size, time and inode, so that a
    /// cache written by another build is never read.
    static let program: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "candor \(Candor.version) \(CommandLine.arguments[0])" }
        return "candor \(Candor.version) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
    }()

    /// The SHA-256 of every usage and vendor file: those reading computed, the others (vendor
    /// files not read) hashed now.
    static func digests(_ inputs: ReportInputs, known: [InputFile]) throws -> [String: (sha256: String, bytes: Int)] {
        let paths = inputs.usageFiles + inputs.vendorFiles.map(\.path)
        var digests: [String: (sha256: String, bytes: Int)] = [:]
        for file in known where !file.sha256.isEmpty && digests[file.path] == nil { digests[file.path] = (file.sha256, file.bytes) }
        for path in paths where digests[path] == nil {
            do {
                digests[path] = try fileDigest(path: inputs.folder + "/" + path)
            } catch let error as ReadError {
                throw InputError(.error(path, error.message))
            }
        }
        return digests
    }

    /// What the aggregate depends on: report.yml, the tables that change how rows are read,
    /// and every usage file's name, size and modification time.
    static func usageKey(_ inputs: ReportInputs) -> String {
        // The build cache's inputs (they used to be listed here apart, without the vendor files
        // and headcount.csv, so an export dropped into data/vendor/ while serving was not read
        // until a restart), each file by its size, times and inode: `serve` asks after every edit.
        BuildCache.aggregateInputs(inputs) { ReportFolder.identity(inputs.folder + "/" + $0)?.text ?? "missing" }.joined(separator: "\n")
    }

    /// The default theme: beside the binary when installed (`PREFIX/share/candor/themes/default`),
    /// else `Themes/default` of the working folder or of the source checkout.
    static func defaultThemeFolder() -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/candor/themes/default").path,
            FileManager.default.currentDirectoryPath + "/Themes/default",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Themes/default").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/templates/layout.mustache") } ?? candidates[1]
    }
}

/// Gives the pages the workers' parts of the aggregate held back to the system, now that they
/// are merged and freed. The allocator keeps freed memory for reuse (`candor_keep_freed_memory`),
/// and the parts were freed in pieces among what the analysis then allocates: at 10M rows in
/// random order, the peak resident size after the merge was a third above that of reading the
/// rows.
private func returnFreedMemory() {
    candor_return_freed_memory()
}

import Foundation

/// Everything a report folder holds except the usage rows, which are streamed
/// (`ReportFolder.readUsage`).
public struct ReportInputs: Sendable {
    public var folder: String
    public var config: ReportConfig
    public var configSHA256: String
    public var headcount: [HeadcountEntry] = []
    public var outcomes: [OutcomeRecord] = []
    public var tools: [ToolInfo] = []
    public var people: PeopleDirectory?
    public var feedback: [FeedbackDocument] = []
    public var commentary: [CommentarySource] = []
    /// Usage files, relative to the report folder, sorted.
    public var usageFiles: [String] = []
    /// Vendor exports, in the order they are read.
    public var vendorFiles: [VendorFile] = []
    /// Every input file read, for the manifest.
    public var files: [InputFile] = []
    public var diagnostics: [Diagnostic] = []
    /// Rows and documents rejected in the small tables and feedback.
    public var rowsRejected = 0
    public var rowsRead = 0
    /// The key for pseudonymising identities, when one is configured.
    public var pseudonymKey: String?
}

/// One input file as the manifest lists it.
public struct InputFile: Equatable, Sendable, Codable {
    public var path: String
    public var sha256: String
    public var bytes: Int
    public var rows: Int
    public var format: String
}

/// What streaming the usage tables gave.
public struct UsageSummary: Sendable {
    public init() {}
    /// Licensed seats per tool, from seat exports.
    public var seats: [String: Int] = [:]
    /// Rows dropped because another source had already reported the same person, day and tool.
    public var overlaps = 0
    /// Vendor files whose format was recognised from their contents: path and format.
    public var recognised: [(String, String)] = []
    public var rowsRead = 0
    public var rowsRejected = 0
    public var diagnostics: [Diagnostic] = []
    public var files: [InputFile] = []
    public var unmatchedIdentities = 0
}

public enum ReportFolder {
    /// Reads `report.yml` and every small input of a report folder. Throws an `InputError` when
    /// the folder cannot make a report (no report.yml, an invalid one, no usage data).
    /// The report folder as builds name it (absolute, standardised): the build cache's files are
    /// named after it.
    public static func root(_ folder: String) -> String { URL(fileURLWithPath: folder).standardizedFileURL.path }

    public static func read(_ folder: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ReportInputs {
        let root = Self.root(folder)
        let configPath = root + "/report.yml"
        guard let configData = FileManager.default.contents(atPath: configPath) else {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw InputError(.error(folder, "no such report folder"))
            }
            throw InputError(.error("report.yml", "cannot read the report settings (\(configPath)); `candor init` writes a new report folder"))
        }
        guard let configText = String(data: configData, encoding: .utf8) else {
            throw InputError(.error("report.yml", "is not valid UTF-8"))
        }
        let config = try ReportConfig.parse(configText)
        var inputs = ReportInputs(folder: root, config: config, configSHA256: (try? fileDigest(path: configPath).sha256) ?? "")

        let keyVariable = config.pseudonymKeyEnv ?? "CANDOR_PSEUDONYM_KEY"
        if let key = environment[keyVariable], !key.isEmpty { inputs.pseudonymKey = key }

        // Headcount and outcomes are not needed to read the usage rows, and outcomes is the
        // largest of the small tables: both are read on another core while this one reads the
        // rest (the second core sat idle until the usage rows, perf), and taken in first, as
        // if read first — their problems, files and errors in the same order as before.
        let early = Pending {
            (Result { try smallTable(root: root, "data/headcount.csv", TableReaders.headcount) },
             Result { try smallTable(root: root, "data/outcomes.csv", TableReaders.outcomes) })
        }
        var rest: Error?
        do {
            try readRest(&inputs, root: root, config: config)
        } catch {
            rest = error
        }
        let (headcount, outcomes) = early.value
        let tables = [try headcount.get().taken, try outcomes.get().taken]
        if let rest { throw rest }
        inputs.headcount = try headcount.get().value ?? []
        inputs.outcomes = try outcomes.get().value ?? []
        inputs.diagnostics = tables.flatMap(\.diagnostics) + inputs.diagnostics
        inputs.rowsRejected += tables.reduce(0) { $0 + $1.rejected }
        inputs.files = tables.compactMap(\.file) + inputs.files
        setRows(&inputs, "data/headcount.csv", inputs.headcount.count)
        setRows(&inputs, "data/outcomes.csv", inputs.outcomes.count)
        return inputs
    }

    /// What reading a small table gave besides its value.
    struct TableTaken {
        var diagnostics: [Diagnostic] = []
        var rejected = 0
        var file: InputFile?
    }

    /// A small table of the folder, when it is there (`read` parses it).
    static func smallTable<T>(root: String, _ relative: String, _ read: (String, String, inout [Diagnostic], inout Int) throws -> T)
        throws -> (value: T?, taken: TableTaken) {
        let path = root + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else { return (nil, TableTaken()) }
        guard ReportFolder.isInside(path, root: root) else {
            throw InputError(.error(relative, line: 1, "is a link to a file outside the report folder; inputs are read only from inside it (copy the file in)"))
        }
        var taken = TableTaken()
        let value = try read(path, relative, &taken.diagnostics, &taken.rejected)
        taken.file = try describe(path: path, relative: relative, rows: 0, format: "csv")
        return (value, taken)
    }

    /// Everything `read` reads after report.yml but headcount and outcomes.
    private static func readRest(_ inputs: inout ReportInputs, root: String, config: ReportConfig) throws {
        func optionalTable<T>(_ relative: String, _ read: (String, String, inout [Diagnostic], inout Int) throws -> T) throws -> T? {
            let (value, taken) = try smallTable(root: root, relative, read)
            inputs.diagnostics += taken.diagnostics
            inputs.rowsRejected += taken.rejected
            if let file = taken.file { inputs.files.append(file) }
            return value
        }
        inputs.tools = try optionalTable("data/tools.csv", TableReaders.tools) ?? []
        inputs.people = try optionalTable("data/people.csv", TableReaders.people)
        setRows(&inputs, "data/tools.csv", inputs.tools.count)
        setRows(&inputs, "data/people.csv", inputs.people?.people.count ?? 0)

        // Feedback: Markdown documents and survey CSVs. Documents are read and parsed on all
        // cores (a report may hold thousands), then taken in file order.
        let feedbackFiles = listFiles(root: root, under: "feedback", suffixes: [".md", ".markdown", ".csv"])
        let commentaryFiles = listFiles(root: root, under: "commentary", suffixes: [".md", ".markdown"])
        prefetch((feedbackFiles + commentaryFiles).map { root + "/" + $0 })
        let documents = parallelMap(feedbackFiles.filter { !$0.hasSuffix(".csv") }) { relative -> SmallDocument<FeedbackDocument> in
            readSmallDocument(root: root, relative: relative, format: "feedback-md") { text, diagnostics in
                FeedbackReader.document(text: text, file: relative, diagnostics: &diagnostics)
            }
        }
        var documentIndex = 0
        for relative in feedbackFiles {
            let path = root + "/" + relative
            if relative.hasSuffix(".csv") {
                var diagnostics: [Diagnostic] = [], rejected = 0
                let documents = try FeedbackReader.survey(path: path, file: relative, hours: Set(inputs.config.hoursQuestions), diagnostics: &diagnostics, rejected: &rejected)
                inputs.diagnostics += diagnostics
                inputs.rowsRejected += rejected
                inputs.feedback += documents
                inputs.files.append(try describe(path: path, relative: relative, rows: documents.count, format: "survey-csv"))
            } else {
                let read = documents[documentIndex]
                documentIndex += 1
                inputs.diagnostics += read.diagnostics
                if let document = read.value { inputs.feedback.append(document) } else { inputs.rowsRejected += 1 }
                if let file = read.file { inputs.files.append(file) }
            }
        }

        // Commentary pages.
        var slugs: [String: String] = [:]
        let pages = parallelMap(commentaryFiles) { relative -> SmallDocument<CommentarySource> in
            // The file's name without its folders and extension (a relative path from the
            // listing: no trailing "/"; NSString's `lastPathComponent` bridged it each time).
            let base = relative[(relative.lastIndex(of: "/").map(relative.index(after:)) ?? relative.startIndex)...]
            let stem = String(base.prefix(upTo: base.lastIndex(of: ".") ?? base.endIndex))
            return readSmallDocument(root: root, relative: relative, format: "commentary-md", rows: 0) { text, diagnostics in
                CommentarySource.read(text: text, file: relative, defaultSlug: slugify(stem), diagnostics: &diagnostics)
            }
        }
        for read in pages {
            inputs.diagnostics += read.diagnostics
            let relative = read.relative
            if let page = read.value {
                if let other = slugs[page.slug] {
                    inputs.diagnostics.append(.error(relative, line: 1, "slug \"\(page.slug)\" is already used by \(other)"))
                } else if reservedSlugs.contains(page.slug) {
                    inputs.diagnostics.append(.error(relative, line: 1, "slug \"\(page.slug)\" is the name of a generated page; choose another"))
                } else {
                    slugs[page.slug] = relative
                    inputs.commentary.append(page)
                }
            }
            if let file = read.file { inputs.files.append(file) }
        }
        inputs.commentary.sort { ($0.order, $0.slug) < ($1.order, $1.slug) }

        var vendorDiagnostics: [Diagnostic] = []
        inputs.vendorFiles = vendorFiles(root: root, config: config, diagnostics: &vendorDiagnostics)
        inputs.diagnostics += vendorDiagnostics
        let vendorPaths = Set(inputs.vendorFiles.map(\.path))
        inputs.usageFiles = listUsageFiles(root: root).filter { !vendorPaths.contains($0) }
        if inputs.usageFiles.isEmpty && !inputs.vendorFiles.contains(where: { $0.format.hasUsage }) {
            // Say why a vendor file did not count, not only that nothing did.
            throw InputError(vendorDiagnostics + [.error("data/usage", "no usage data: put *.csv, *.csv.gz or *.jsonl files in \(root)/data/usage/, or vendor exports in data/vendor/\(vendorDiagnostics.isEmpty ? "" : " (the files there were not read: see above)")")])
        }
    }

    /// Every file a build reads besides report.yml, relative to the folder, sorted.
    public static func inputPaths(_ folder: String) -> [String] {
        let root = Self.root(folder)
        var paths = ["data/headcount.csv", "data/outcomes.csv", "data/tools.csv", "data/people.csv"].filter {
            FileManager.default.fileExists(atPath: root + "/" + $0)
        }
        paths += listFiles(root: root, under: "feedback", suffixes: [".md", ".markdown", ".csv"])
        paths += listFiles(root: root, under: "commentary", suffixes: [".md", ".markdown"])
        paths += listUsageFiles(root: root)
        paths += listFiles(root: root, under: "data/vendor", suffixes: [""])
        if let text = try? String(contentsOfFile: root + "/report.yml", encoding: .utf8), let config = try? ReportConfig.parse(text) {
            for spec in config.sources { paths += expand(root: root, pattern: spec.path) }
        }
        return Array(Set(paths)).sorted()
    }

    /// Page names Candor writes itself; a commentary page may not take them.
    public static let reservedSlugs: Set<String> = ["index", "outcomes", "teams", "tools", "methodology", "data-quality", "changes", "404", "feed",
                                                    "sitemap", "teams", "tools", "feedback", "data", "assets", "downloads"]

    /// Streams every usage row to `sink`, one file after another (vendor exports first).
    public static func readUsage(_ inputs: ReportInputs, progress: ((String, Int) -> Void)? = nil,
                                 sink: (UsageRecord) throws -> Void) throws -> UsageSummary {
        try withoutActuallyEscaping(sink) { sink in
            let box = SinkBox(sink)
            let (summary, _) = try readUsage(inputs, workers: 1, makePartial: { () }, add: { _, record in try box.sink(record) },
                                             progress: progress.map { report in { count in report("", count) } })
            return summary
        }
    }

    /// Reads every usage row into per-worker partial results, on `workers` threads: vendor
    /// exports in order (their overlaps and team data depend on it), then the usage files —
    /// whole, or in byte ranges cut at line ends when a plain CSV file is larger than
    /// `splitAbove` bytes (and whole after all if a cut fell inside a quoted field) — and the
    /// files' digests. The caller merges the partials; rows are never held.
    public static func readUsage<Partial>(_ inputs: ReportInputs, workers requested: Int,
                                          makePartial: @escaping () -> Partial,
                                          add: @escaping (inout Partial, UsageRecord) throws -> Void,
                                          progress: ((Int) -> Void)? = nil,
                                          fingerprint: UsageFingerprint? = nil,
                                          splitAbove: Int = 16 << 20) throws -> (UsageSummary, [Partial]) {
        try readUsage(inputs, workers: requested, makePartials: { count in (0..<count).map { _ in makePartial() } }, add: add,
                      progress: progress, fingerprint: fingerprint, splitAbove: splitAbove)
    }

    /// As above, with the partials made together: `makePartials(n)` gives the n partials of one
    /// pass over the files — one for the vendor exports, then one per reading thread, made
    /// afresh if the files are read again — so that the partials of one pass can share state
    /// (`UsageAggregate.parts`); `finished` is called on each reading thread's partial, on
    /// that thread, once it has no more to read.
    public static func readUsage<Partial>(_ inputs: ReportInputs, workers requested: Int,
                                          makePartials: @escaping (_ count: Int) -> [Partial],
                                          add: @escaping (inout Partial, UsageRecord) throws -> Void,
                                          finished: ((inout Partial) -> Void)? = nil,
                                          progress: ((Int) -> Void)? = nil,
                                          fingerprint: UsageFingerprint? = nil,
                                          splitAbove: Int = 16 << 20) throws -> (UsageSummary, [Partial]) {
        var stamps: [String: String] = fingerprint?.stamps ?? [:]
        if fingerprint == nil {
            for path in inputs.usageFiles + inputs.vendorFiles.map(\.path) { stamps[path] = fileStamp(inputs.folder + "/" + path) }
        }
        var pseudonymise: @Sendable (String) -> String = { $0 }
        if let key = inputs.pseudonymKey { pseudonymise = { identity in pseudonym(identity, key: key) } }
        let reader = UsageReader(config: inputs.config, people: inputs.people, pseudonymise: pseudonymise)
        var summary = UsageSummary()
        var unmatched = Set<String>()
        var vendorPartial = makePartials(1)[0]
        let sink: (UsageRecord) throws -> Void = { record in try add(&vendorPartial, record) }
        // Vendor exports first: team and seat files, then usage, in source order.
        var attribution = VendorAttribution(people: inputs.people, pseudonymise: reader.pseudonymise)
        for team in inputs.headcount.map(\.team) + (inputs.people?.people.map(\.team) ?? []) { attribution.teamNames[slugify(team)] = team }
        // Teams and seats first; then usage, per-person sources before aggregate-only ones, so
        // that a day of a tool already told person by person is not counted again by an
        // aggregate export's active-user count (the legacy Copilot metrics beside the users
        // report: 34 active against 9 seats).
        let ordered = inputs.vendorFiles.filter { !$0.format.hasUsage }
            + inputs.vendorFiles.filter { $0.format.hasUsage && !$0.format.aggregatesPeople }
            + inputs.vendorFiles.filter { $0.format.aggregatesPeople }
        var personDays = Set<String>()
        for (index, file) in ordered.enumerated() {
            let path = inputs.folder + "/" + file.path
            var diagnostics: [Diagnostic] = []
            var rows = 0, kept = 0
            if let finer = ordered.first(where: { file.format.supersededBy.contains($0.format.rawValue) && $0.tool == file.tool }) {
                summary.diagnostics.append(.warning(file.path, line: 1, "not read: \(finer.path) (\(finer.format.rawValue)) carries the same \(file.tool) figures day by day"))
                continue
            }
            if !file.detected, let seen = VendorFormat.detect(path: path), seen != file.format {
                summary.diagnostics.append(.error(file.path, line: 1, "expected a \(file.format.rawValue) export (as report.yml names it), but this looks like \(seen.rawValue); the file was not read"))
                summary.rowsRejected += 1
                continue
            }
            var extras = attribution.extras
            defer { attribution.extras = extras }
            do {
                try VendorParser(format: file.format, tool: file.tool, file: file.path).parse(path: path, extras: &extras, diagnostics: &diagnostics) { row in
                    rows += 1
                    if row.identity == nil, file.format.aggregatesPeople || (row.record.activeUsers ?? 0) > 0,
                       personDays.contains("\(row.record.tool)|\(row.record.day)") {
                        summary.overlaps += 1  // the same people, already counted one by one
                        return
                    }
                    if let record = attribution.attribute(row, source: Int32(index), measures: file.format.measures, groupTeams: file.teams) {
                        kept += 1
                        if record.user != nil { personDays.insert("\(record.tool)|\(record.day)") }
                        try sink(record)
                    }
                }
            } catch let error as ReadError {
                diagnostics.append(.error(file.path, error.message))
            } catch let error as InputError {
                diagnostics += error.diagnostics
            }
            let errors = diagnostics.filter { $0.severity == .error }.count
            summary.rowsRead += rows + errors
            summary.rowsRejected += errors
            summary.diagnostics += diagnostics
            if file.detected { summary.recognised.append((file.path, file.format.rawValue)) }
            if let digest = fingerprint?.digests[file.path] {
                summary.files.append(InputFile(path: file.path, sha256: digest.sha256, bytes: digest.bytes, rows: kept, format: file.format.rawValue))
            } else {
                summary.files.append(try describe(path: path, relative: file.path, rows: kept, format: file.format.rawValue))
            }
            progress?(summary.rowsRead)
        }
        for (tool, seats) in attribution.extras.seats { summary.seats[tool] = seats }
        // Seats typed into tools.csv (a contract's count, or members an export cannot list such
        // as a group's) are the author's word: they replace an export's count, and a
        // difference is told.
        for info in inputs.tools {
            guard let seats = info.seats else { continue }
            if let exported = summary.seats[info.tool], exported != seats {
                summary.diagnostics.append(.warning("data/tools.csv", line: info.line, "\(info.tool) has \(seats) seats here and \(exported) in its seat export; the count here is used"))
            }
            summary.seats[info.tool] = seats
        }
        summary.overlaps += attribution.overlaps
        unmatched.formUnion(attribution.unmatched)
        // The usage files, in parallel: a large plain CSV file in pieces cut at line ends (where
        // the quotes are counted, if its first MiB has a line end inside quotes). A cut that was
        // not a record boundary (a line end inside a quoted field) made the rows after it wrong;
        // the files are then read again, that one cut where the quotes are counted (and whole,
        // should that ever fail too).
        let workers = max(1, requested)
        var cutting: [String: UsageCutting] = [:]
        var tasks: [UsageTask] = []
        var state: ParallelState<Partial>
        repeat {
            tasks = try usageTasks(inputs, workers: workers, splitAbove: splitAbove, cutting: cutting, fingerprint: fingerprint)
            state = readInParallel(tasks, workers: workers, folder: inputs.folder, reader: reader, partials: makePartials(workers), add: add,
                                   finished: finished, progress: progress)
            if let error = state.error {
                if let error = error as? ReadError { throw InputError(.error(error.path, error.message)) }
                throw error
            }
            let misread = zip(tasks, state.results).filter { task, result in
                guard task.range != nil, task.range?.end != task.size, case let .rows(rows)? = result else { return false }
                return !rows.endedBetweenRecords
            }
            if misread.isEmpty { break }
            for relative in Set(misread.map(\.0.relative)) { cutting[relative] = cutting[relative] == nil ? .countingQuotes : UsageCutting.none }
        } while true
        // Results in file order, whatever order the workers finished in; a piece's diagnostics
        // at their lines in the file.
        var linesBefore: [String: Int] = [:]
        for (index, task) in tasks.enumerated() where task.range != nil {
            guard case let .rows(result)? = state.results[index] else { continue }
            state.store(index, .rows(result.shiftingLines(by: linesBefore[task.relative, default: 0])))
            linesBefore[task.relative, default: 0] += result.lines
        }
        var perFile: [String: (rows: Int, rejected: Int, digest: (sha256: String, bytes: Int)?)] = [:]
        for (relative, digest) in fingerprint?.digests ?? [:] { perFile[relative] = (0, 0, digest) }
        for (index, task) in tasks.enumerated() {
            switch state.results[index] {
            case let .rows(result)?:
                summary.rowsRead += result.rowsRead
                summary.rowsRejected += result.rowsRejected
                summary.diagnostics += result.diagnostics
                unmatched.formUnion(result.unmatchedIdentities)
                perFile[task.relative, default: (0, 0, nil)].rows += result.rowsRead
                perFile[task.relative, default: (0, 0, nil)].rejected += result.rowsRejected
            case let .digest(digest)?:
                perFile[task.relative, default: (0, 0, nil)].digest = digest
            case nil:
                break
            }
        }
        summary.diagnostics = deduplicatedWarnings(summary.diagnostics)
        for relative in inputs.usageFiles {
            let entry = perFile[relative] ?? (0, 0, nil)
            let format = relative.contains(".jsonl") || relative.contains(".ndjson") ? "usage-jsonl" : "usage-csv"
            summary.files.append(InputFile(path: relative, sha256: entry.digest?.sha256 ?? "", bytes: entry.digest?.bytes ?? 0,
                                           rows: entry.rows - entry.rejected, format: format))
        }
        summary.unmatchedIdentities = unmatched.count
        // A file written to while it was read (a copy still running, a sync client) gave rows of
        // two versions: that is an error, not half a file with "1 rejected".
        let changed = stamps.filter { fileStamp(inputs.folder + "/" + $0.key) != $0.value }.map(\.key).sorted()
        if !changed.isEmpty {
            throw InputError(changed.map { .error($0, line: 1, "changed while it was read (its size or modification time moved); build again once it is complete") })
        }
        return (summary, [vendorPartial] + state.partials)
    }

    /// The reading tasks of the usage files: each whole, or a large plain CSV file in pieces as
    /// `cutting` says (at line ends unless it names the file); and a digest of each file not yet
    /// fingerprinted.
    private static func usageTasks(_ inputs: ReportInputs, workers: Int, splitAbove: Int, cutting: [String: UsageCutting],
                                   fingerprint: UsageFingerprint?) throws -> [UsageTask] {
        var tasks: [UsageTask] = []
        for relative in inputs.usageFiles {
            let path = inputs.folder + "/" + relative
            let size = fileStatus(path)?.size ?? 0
            let how = cutting[relative, default: .atLineEnds]
            if workers > 1 && relative.lowercased().hasSuffix(".csv") && size > splitAbove && how != .none {
                let atLineEnds = try how == .atLineEnds && !csvHasQuotedLineEnds(path: path)
                let targets = pieceTargets(size: size, workers: workers)
                let pieces = atLineEnds ? try csvLineCuts(path: path, targets: targets) : try csvRecordCuts(path: path, targets: targets)
                for range in pieces { tasks.append(UsageTask(relative: relative, range: range, size: size)) }
            } else {
                tasks.append(UsageTask(relative: relative, range: nil, size: size))
            }
            if fingerprint?.digests[relative] == nil { tasks.append(UsageTask(relative: relative, range: nil, size: size, digest: true)) }
        }
        return tasks
    }

    /// Where a large CSV file is cut for reading in parallel: pieces that shrink as the file
    /// goes on — each a quarter of what is left for two threads (1 / (2 × workers)), down to
    /// 1 MiB — so that the threads, which take tasks as they finish them, end within a small
    /// piece of each other. With two pieces per thread, and the file's digest (or an unsplit
    /// file) a long task of its own, one thread sat idle for a seventh of a 1M-row build while
    /// the other read its last piece (perf timeline); with pieces of 1 MiB throughout, their
    /// number cost more than the even end saved. A piece costs a read of the file's header;
    /// the names are kept per thread, not per piece (`NameCache`). (A file under 8 MiB, split
    /// only when asked, as the tests do, ends in pieces of an eighth of it.)
    static func pieceTargets(size: Int, workers: Int) -> [Int] {
        let smallest = max(1, min(1 << 20, size / (4 * max(1, workers))))
        var targets: [Int] = []
        var offset = 0
        while true {
            let piece = max(smallest, (size - offset) / (2 * max(1, workers)))
            guard size - offset - piece >= smallest else { return targets }
            offset += piece
            targets.append(offset)
        }
    }

    /// Runs the tasks on `workers` threads, each adding its rows to a partial of its own.
    private static func readInParallel<Partial>(_ tasks: [UsageTask], workers: Int, folder: String, reader: UsageReader,
                                                partials: [Partial],
                                                add: @escaping (inout Partial, UsageRecord) throws -> Void,
                                                finished: ((inout Partial) -> Void)?,
                                                progress: ((Int) -> Void)?) -> ParallelState<Partial> {
        let state = ParallelState<Partial>(tasks: tasks, partials: partials)
        let context = WorkerContext(reader: reader, folder: folder, add: add, finished: finished, progress: progress)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let (reading, add, progress) = (context.reader, context.add, context.progress)
            var partial = state.take(worker)
            var names = NameCache()
            var rowsHere = 0
            while let (index, task) = state.next() {
                let path = context.folder + "/" + task.relative
                do {
                    if task.digest {
                        state.store(index, .digest(try fileDigest(path: path)))
                        continue
                    }
                    // The sink is written where it is passed, not stored in a variable: a stored
                    // closure escapes, and what it captures is then checked for exclusive access
                    // on every row.
                    let result = try reading.read(path: path, displayPath: task.relative, range: task.range, names: &names) { record in
                        try add(&partial, record)
                        rowsHere &+= 1
                        if rowsHere & 0xFFFF == 0 { state.progressed(0x10000, progress) }
                    }
                    state.store(index, .rows(result))
                } catch {
                    state.fail(error)
                }
            }
            context.finished?(&partial)
            state.finish(partial)
        }
        return state
    }

    /// Every usage and vendor file as it is now — size and modification time, then SHA-256 —
    /// hashed on `workers` threads: what the usage cache is keyed by. Reading the rows with this
    /// fingerprint checks that the files are still these, and does not hash them again.
    ///
    /// `known` are digests of an earlier build with each file's identity then (`identity`); a
    /// file whose identity is the same and whose last change was over a second before
    /// `knownAt` is not read again — git's index does the same, and for the same reason: a
    /// file changed in the second the digests were taken could keep its size and times.
    public static func fingerprint(_ inputs: ReportInputs, workers: Int,
                                   known: [String: KnownDigest] = [:], knownAt: Double = 0) throws -> UsageFingerprint {
        let paths = inputs.usageFiles + inputs.vendorFiles.map(\.path)
        var fingerprint = UsageFingerprint()
        for path in paths { fingerprint.stamps[path] = fileStamp(inputs.folder + "/" + path) }
        let folder = inputs.folder
        var toHash: [String] = []
        for path in paths {
            if let known = known[path], let now = identity(folder + "/" + path), now.text == known.identity, now.changed < knownAt - 1 {
                fingerprint.digests[path] = (known.sha256, known.bytes)
            } else {
                toHash.append(path)
            }
        }
        fingerprint.hashed = toHash.count
        let results = parallelMap(toHash, workers: workers) { path in Result { try fileDigest(path: folder + "/" + path) } }
        for (path, result) in zip(toHash, results) {
            switch result {
            case .success(let digest): fingerprint.digests[path] = digest
            case .failure(let error as ReadError): throw InputError(.error(path, error.message))
            case .failure(let error): throw error
            }
        }
        return fingerprint
    }

    /// Header warnings (unknown columns) are found once per chunk of a file; keep one each.
    static func deduplicatedWarnings(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { $0.severity == .error || seen.insert($0).inserted }
    }

    static func setRows(_ inputs: inout ReportInputs, _ relative: String, _ rows: Int) {
        if let index = inputs.files.firstIndex(where: { $0.path == relative }) { inputs.files[index].rows = rows }
        inputs.rowsRead += rows
    }

    static func describe(path: String, relative: String, rows: Int, format: String) throws -> InputFile {
        do {
            let digest = try fileDigest(path: path)
            return InputFile(path: relative, sha256: digest.sha256, bytes: digest.bytes, rows: rows, format: format)
        } catch let error as ReadError {
            throw InputError(.error(relative, error.message))
        }
    }

    /// Reads and parses one small document (feedback, commentary) with its digest, from the
    /// bytes read once. Safe to call from several threads.
    static func readSmallDocument<Value>(root: String, relative: String, format: String, rows: Int = 1,
                                         parse: (String, inout [Diagnostic]) -> Value?) -> SmallDocument<Value> {
        var diagnostics: [Diagnostic] = []
        // Read with read(2) into an array: Foundation's `contents(atPath:)` was a seventh of
        // reading 20,000 documents on the main thread (perf).
        guard let data = fileBytes(path: root + "/" + relative) else {
            diagnostics.append(.error(relative, "cannot read the file"))
            return SmallDocument(relative: relative, value: nil, diagnostics: diagnostics, file: nil)
        }
        let file = InputFile(path: relative, sha256: hexDigest(data.withUnsafeBytes(SHA256Hasher.hash)), bytes: data.count, rows: rows, format: format)
        guard let text = decodeText(data, relative, &diagnostics) else {
            return SmallDocument(relative: relative, value: nil, diagnostics: diagnostics, file: nil)
        }
        let value = parse(text, &diagnostics)
        return SmallDocument(relative: relative, value: value, diagnostics: diagnostics, file: file)
    }

    /// UTF-8 text with CRLF line ends made LF; nil (with the reason) when too large or not UTF-8.
    static func decodeText(_ data: [UInt8], _ relative: String, _ diagnostics: inout [Diagnostic]) -> String? {
        guard data.count <= 8 << 20 else {
            diagnostics.append(.error(relative, "is larger than 8 MiB; not read"))
            return nil
        }
        // As Foundation's String(data:encoding:) reads it (a leading byte-order mark dropped),
        // without its copying, and from the bytes in place: `Data` walked as a sequence went
        // through its iterator byte by byte (2.4 % of a 10,000-page build).
        let decoded: (text: String, hasCR: Bool)? = data.withUnsafeBufferPointer { whole in
            var bytes = whole
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeBufferPointer(rebasing: bytes.dropFirst(3)) }
            guard let text = utf8Text(bytes) else { return nil }
            return (text, !bytes.isEmpty && memchr(bytes.baseAddress!, 0x0D, bytes.count) != nil)
        }
        guard let decoded else {
            diagnostics.append(.error(relative, "is not valid UTF-8"))
            return nil
        }
        return decoded.hasCR ? decoded.text.replacingOccurrences(of: "\r\n", with: "\n") : decoded.text
    }

    /// What tells a file from a changed one without reading it: size, modification and change
    /// times (to the nanosecond), inode and device; and the later of the two times.
    public static func identity(_ path: String) -> (text: String, changed: Double)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
        return ("\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)|\(info.st_ino)|\(info.st_dev)",
                max(modified, changed))
    }

    /// A file's identity now, to notice it changing under us while it is read.
    static func fileStamp(_ path: String) -> String { identity(path)?.text ?? "missing" }

    /// The one rule for every input and theme file: what `path` resolves to (links followed, `..`
    /// removed) lies inside `root`. Installed themes are read from Candor's own folder instead.
    ///
    /// Both are resolved by realpath(3) when both exist, as open(2) will resolve them
    /// (Foundation's URL took a twelfth of reading the small inputs, and removes `..` before it
    /// follows links), else both as Foundation resolves them.
    public static func isInside(_ path: String, root: String) -> Bool {
        func real(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        func foundation(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        func contains(_ base: String, _ resolved: String) -> Bool {
            resolved == base || resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/")
        }
        if let resolved = real(path), let base = real(root) { return contains(base, resolved) }
        return contains(foundation(root), foundation(path))
    }

    /// Regular files below `root/under` with one of the suffixes, relative to root, sorted.
    /// Links that lead outside the report folder are not followed.
    static func listFiles(root: String, under: String, suffixes: [String]) -> [String] {
        // readdir(3) and the entries' types, not FileManager's enumerator, which stat()ed and
        // bridged every entry (a tenth of reading a folder of 10,000 pages, on one core).
        var found: [String] = []
        var folders = [under]
        while let folder = folders.popLast() {
            let full = root + "/" + folder
            guard let directory = opendir(full) else { continue }
            defer { closedir(directory) }
            // Whether this folder lies inside the report folder, worked out once, when it holds
            // a file: a file that is not a link lies where its folder does.
            var inside: Bool?
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
                if name == "." || name == ".." { continue }
                let relative = folder + "/" + name, path = root + "/" + relative
                var type = Int(entry.pointee.d_type)
                if type == DT_UNKNOWN {  // a file system that does not say: ask
                    var info = stat()
                    guard lstat(path, &info) == 0 else { continue }
                    type = info.st_mode & S_IFMT == S_IFDIR ? DT_DIR : info.st_mode & S_IFMT == S_IFLNK ? DT_LNK
                        : info.st_mode & S_IFMT == S_IFREG ? DT_REG : DT_UNKNOWN
                }
                if type == DT_DIR { folders.append(relative); continue }
                if name.hasPrefix(".") || name.hasPrefix("_") { continue }
                let lower = name.lowercased()
                guard suffixes.contains(where: { lower.hasSuffix($0) }) else { continue }
                if type == DT_LNK {
                    var info = stat()
                    guard isInside(path, root: root), stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
                } else {
                    guard type == DT_REG else { continue }
                    if inside == nil { inside = isInside(full, root: root) }
                    guard inside == true else { continue }
                }
                found.append(relative)
            }
        }
        return found.sorted()
    }

    /// Usage files: *.csv, *.csv.gz, *.jsonl[.gz], *.ndjson, and part files (`part-*`) in
    /// folders written by Spark, Trino or DuckDB (`_SUCCESS`, `.crc` and hidden files are skipped).
    static func listUsageFiles(root: String) -> [String] {
        let all = listFiles(root: root, under: "data/usage", suffixes: [".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".gz", ".json"])
        return all.filter { path in
            let name = (path as NSString).lastPathComponent.lowercased()
            if name.hasSuffix(".gz") && !(name.hasSuffix(".csv.gz") || name.hasSuffix(".jsonl.gz") || name.hasSuffix(".ndjson.gz")) {
                return name.hasPrefix("part-")
            }
            return true
        }
    }
}

/// A small document read on a worker thread: its parsed value (nil when rejected), the
/// problems found, and its entry in the inputs list.
struct SmallDocument<Value> {
    var relative: String
    var value: Value?
    var diagnostics: [Diagnostic]
    /// Its entry among the inputs; nil when it could not be read as text.
    var file: InputFile?
}

/// One piece of parallel reading work.
/// A file's SHA-256 as an earlier build found it, with the file's identity then.
public struct KnownDigest: Sendable {
    public var identity: String
    public var sha256: String
    public var bytes: Int
    public init(identity: String, sha256: String, bytes: Int) { (self.identity, self.sha256, self.bytes) = (identity, sha256, bytes) }
}

/// The usage and vendor files as they were when a build began (see `ReportFolder.fingerprint`).
public struct UsageFingerprint: Sendable {
    public var stamps: [String: String] = [:]
    public var digests: [String: (sha256: String, bytes: Int)] = [:]
    /// How many files were read to hash them (the others' digests were known).
    public var hashed = 0

    public var sha256s: [String: String] { digests.mapValues(\.sha256) }
}

/// How a large CSV file is cut for reading in parallel: at line ends (`csvLineCuts`), at line
/// ends outside quotes (`csvRecordCuts`, a pass over the file first), or not at all.
enum UsageCutting { case atLineEnds, countingQuotes, none }

struct UsageTask {
    var relative: String
    var range: (start: Int, end: Int)?
    /// The file's size in bytes.
    var size: Int
    var digest = false
}

enum UsageTaskResult {
    case rows(UsageReader.FileResult)
    case digest((sha256: String, bytes: Int))
}

/// Shared between the reading threads, always under its lock.
final class ParallelState<Partial>: @unchecked Sendable {
    private let lock = NSLock()
    private let tasks: [UsageTask]
    private var nextIndex = 0
    private var rowsSeen = 0
    private(set) var results: [UsageTaskResult?]
    private(set) var partials: [Partial] = []
    /// Each reading thread's partial until it takes it (`take`).
    private var waiting: [Partial?]
    private(set) var error: Error?

    /// The order the tasks are handed out in: whole files and digests first, longest first,
    /// then the pieces of split files in file order; the short pieces then fill in around the
    /// long tasks, and the threads finish together.
    private let order: [Int]

    init(tasks: [UsageTask], partials: [Partial]) {
        self.tasks = tasks
        waiting = partials
        results = Array(repeating: nil, count: tasks.count)
        order = tasks.indices.sorted { a, b in
            let (x, y) = (tasks[a], tasks[b])
            if (x.range == nil) != (y.range == nil) { return x.range == nil }
            if x.range == nil && x.size != y.size { return x.size > y.size }
            return a < b
        }
    }

    /// The next task and its index in the tasks (results are stored by that index).
    func next() -> (Int, UsageTask)? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, nextIndex < tasks.count else { return nil }
        nextIndex += 1
        let index = order[nextIndex - 1]
        return (index, tasks[index])
    }

    /// The partial of reading thread `worker`, handed over whole (this state keeps no copy).
    func take(_ worker: Int) -> Partial {
        lock.lock(); defer { lock.unlock() }
        defer { waiting[worker] = nil }
        return waiting[worker]!
    }

    func store(_ index: Int, _ result: UsageTaskResult) {
        lock.lock(); defer { lock.unlock() }
        results[index] = result
    }

    func fail(_ failure: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = failure }
    }

    func finish(_ partial: Partial) {
        lock.lock(); defer { lock.unlock() }
        partials.append(partial)
    }

    func progressed(_ rows: Int, _ report: ((Int) -> Void)?) {
        lock.lock()
        rowsSeen += rows
        let total = rowsSeen
        lock.unlock()
        report?(total)
    }
}

/// What every reading thread needs; each uses it from its own thread only.
final class WorkerContext<Partial>: @unchecked Sendable {
    let reader: UsageReader
    let folder: String
    let add: (inout Partial, UsageRecord) throws -> Void
    let finished: ((inout Partial) -> Void)?
    let progress: ((Int) -> Void)?

    init(reader: UsageReader, folder: String, add: @escaping (inout Partial, UsageRecord) throws -> Void,
         finished: ((inout Partial) -> Void)?, progress: ((Int) -> Void)?) {
        self.reader = reader
        self.folder = folder
        self.finished = finished
        self.add = add
        self.progress = progress
    }
}

/// Lets a non-escaping sink be called from the reading machinery.
final class SinkBox: @unchecked Sendable {
    let sink: (UsageRecord) throws -> Void
    init(_ sink: @escaping (UsageRecord) throws -> Void) { self.sink = sink }
}

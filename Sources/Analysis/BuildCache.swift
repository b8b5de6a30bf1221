import Dataset
import Foundation

/// The usage aggregate kept between builds, so that a build whose usage data has not changed —
/// an edited commentary page, a new theme — does not read millions of rows again.
///
/// One file per report folder, in a cache folder outside the published site (by default
/// `$XDG_CACHE_HOME/candor`, else `~/.cache/candor`), readable by its owner only: it holds the
/// people's pseudonyms or ids, as the usage files do. The file is named after the report folder
/// and carries the key of what it was made from: the SHA-256 of every usage and vendor file, of
/// report.yml and of the small tables, and the program that wrote it. A file whose key differs is
/// out of date; one that is damaged, truncated or not Candor's is ignored with a note, and the
/// data read again. Nothing in it is trusted before its checksum and every id in it are checked.
public struct BuildCache: Sendable {
    public enum Lookup<Value> {
        case hit(Value)
        /// No file, or one made from other inputs: read the data (nothing to say).
        case miss
        /// A file that could not be used: read the data, and say why.
        case ignored(String)
    }

    public let folder: String
    static let magic = Array("CANDOR-BUILD-CACHE\u{0}".utf8)
    public static let formatVersion: Int64 = 9

    public init(folder: String) { self.folder = folder }

    /// `CANDOR_CACHE_DIR`, else `$XDG_CACHE_HOME/candor`, else `~/.cache/candor`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let folder = environment["CANDOR_CACHE_DIR"], !folder.isEmpty { return folder }
        if let base = environment["XDG_CACHE_HOME"], base.hasPrefix("/") { return base + "/candor" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/candor" }
        return nil
    }

    /// A cache file of a report folder (by the SHA-256 of its absolute path): `usage` holds
    /// the aggregate, `report` the published figures.
    public func path(report folder: String, kind: String = "usage") -> String {
        let name = hexDigest(SHA256Hasher.hash(Array(folder.utf8))).prefix(24)
        return self.folder + "/\(kind)-\(name).bin"
    }

    public func exists(report folder: String) -> Bool { FileManager.default.fileExists(atPath: path(report: folder)) }

    /// What the aggregate is made from. `digests` maps every usage and vendor file (relative
    /// path) to its SHA-256; `program` names the build of Candor.
    public static func key(_ inputs: ReportInputs, digests: [String: String], program: String) -> String {
        let lines = ["candor usage cache \(formatVersion)", program] + aggregateInputs(inputs) { digests[$0] ?? "?" }
        return hexDigest(SHA256Hasher.hash(Array(lines.joined(separator: "\n").utf8)))
    }

    /// The inputs of the aggregate, one line each, with `version` naming each usage and vendor
    /// file's content (its digest here; `serve`'s in-memory key uses its size, times and inode).
    public static func aggregateInputs(_ inputs: ReportInputs, version: (String) -> String) -> [String] {
        var lines = ["report.yml \(inputs.configSHA256)"]
        // The small tables that change how rows are attributed (people, the teams' names) and
        // priced (tools); outcomes and feedback are inputs of the figures only (`reportKey`).
        for file in inputs.files where ["data/people.csv", "data/headcount.csv", "data/tools.csv"].contains(file.path) {
            lines.append("\(file.path) \(file.sha256)")
        }
        if let key = inputs.pseudonymKey {
            lines.append("pseudonym key \(hexDigest(SHA256Hasher.hmac(key: Array(key.utf8), message: Array("candor usage cache".utf8))))")
        }
        for path in inputs.usageFiles { lines.append("usage \(path) \(version(path))") }
        for file in inputs.vendorFiles {
            lines.append("vendor \(file.path) \(file.format.rawValue) \(file.tool) \(file.detected) \(version(file.path))")
        }
        return lines
    }

    /// Reads the cache file of `kind` for a report folder when it was made from `key`:
    /// `decode` reads its payload, and must read all of it.
    public func read<Value>(report folder: String, kind: String, key: String,
                            _ decode: (inout ByteReader) throws -> Value) -> Lookup<Value> {
        readFile(report: folder, kind: kind) { reader in
            guard try reader.string() == key else { return nil }  // made from other inputs
            return try decode(&reader)
        }
    }

    /// The cache file of `kind` whatever inputs it was made from, with the key it was made from:
    /// for decoding it before the inputs' key is known, and using it only if that key matches.
    public func readAnyKey<Value>(report folder: String, kind: String,
                                  _ decode: (inout ByteReader) throws -> Value) -> (key: String, value: Value)? {
        let found = readFile(report: folder, kind: kind) { reader -> (key: String, value: Value)? in
            let key = try reader.string()
            return (key, try decode(&reader))
        }
        guard case let .hit(value) = found else { return nil }
        return value
    }

    /// Reads a cache file: its frame and checksum checked, then `decode` reads the key and the
    /// payload (all of it), or gives nil for a file of other inputs.
    private func readFile<Value>(report folder: String, kind: String,
                                 _ decode: (inout ByteReader) throws -> Value?) -> Lookup<Value> {
        let file = path(report: folder, kind: kind)
        guard let bytes = fileBytes(path: file) else { return .miss }
        let head = Self.magic.count
        guard bytes.count > head + 32, bytes[0..<head].elementsEqual(Self.magic) else {
            return .ignored("\(file) is not a Candor cache file")
        }
        let body = bytes.count - 32
        let checksum = bytes.withUnsafeBytes { SHA256Hasher.hash(UnsafeRawBufferPointer(rebasing: $0[..<body])) }
        guard bytes[body...].elementsEqual(checksum) else {
            return .ignored("\(file) is damaged (its checksum does not match)")
        }
        var reader = ByteReader(bytes, offset: head)
        do {
            guard try reader.int() == Self.formatVersion, try reader.string() == kind else { return .miss }
            guard let value = try decode(&reader) else { return .miss }
            guard reader.offset == body else { throw ByteReader.Malformed(description: "has \(body - reader.offset) bytes left over") }
            utimes(file, nil)  // used: not stale (see pruneStale)
            return .hit(value)
        } catch {
            return .ignored("\(file) cannot be read: \(error)")
        }
    }

    /// Writes the cache file of `kind` whole (a temporary file renamed over the old one),
    /// readable by its owner only. Returns why it could not, if it could not; a build never
    /// fails for its cache.
    @discardableResult
    public func write(report folder: String, kind: String, key: String, _ encode: (inout ByteWriter) -> Void) -> String? {
        var writer = ByteWriter(capacity: 1 << 20)
        writer.unframed(Self.magic)
        writer.int(Self.formatVersion)
        writer.string(kind)
        writer.string(key)
        encode(&writer)
        var bytes = writer.bytes
        bytes += SHA256Hasher.hash(bytes)
        let file = path(report: folder, kind: kind)
        do {
            try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let temporary = file + ".\(getpid()).tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return "cannot write \(temporary): \(String(cString: strerror(errno)))" }
            var written = 0
            let ok = bytes.withUnsafeBytes { buffer -> Bool in
                while written < buffer.count {
                    let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if count <= 0 { return false }
                    written += count
                }
                return true
            }
            close(descriptor)
            guard ok, rename(temporary, file) == 0 else {
                unlink(temporary)
                return "cannot write \(file): \(String(cString: strerror(errno)))"
            }
            pruneStale(keeping: file)
            return nil
        } catch {
            return "cannot make \(self.folder): \(error.localizedDescription)"
        }
    }

    /// The usage aggregate and what reading the rows said, when the cache holds them for `key`.
    public func load(report folder: String, key: String, config: ReportConfig, tools: [ToolInfo]) -> Lookup<(UsageAggregate, UsageSummary)> {
        read(report: folder, kind: "usage", key: key) { reader in
            let summary = try UsageSummary(from: &reader)
            var aggregate = UsageAggregate(config: config, tools: tools)
            try aggregate.decode(from: &reader)
            return (aggregate, summary)
        }
    }

    @discardableResult
    public func save(report folder: String, key: String, aggregate: UsageAggregate, summary: UsageSummary) -> String? {
        write(report: folder, kind: "usage", key: key) { writer in
            summary.encode(to: &writer)
            aggregate.settled().encode(to: &writer)  // the cells' shares, not the traces' weeks
        }
    }
}

extension BuildCache {
    /// Cache files not used for 30 days (report folders since moved or deleted) are removed.
    func pruneStale(keeping kept: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let limit = Date().timeIntervalSince1970 - 30 * 86_400
        for name in names where ["usage-", "report-", "charts-", "files-"].contains(where: name.hasPrefix) && name.hasSuffix(".bin") && folder + "/" + name != kept {
            let path = folder + "/" + name
            if let modified = fileStatus(path)?.modified, modified < limit {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}

// MARK: - The aggregate as bytes

extension UsageAggregate {
    func encode(to writer: inout ByteWriter) {
        writer.int(rowsOutsidePeriod)
        writer.int(rowsAccepted)
        writer.double(shadowTotal)
        writer.int32(minDay.index)
        writer.int32(maxDay.index)
        writer.strings(users.names)
        writer.strings(teams.names)
        writer.strings(tools.names)
        writer.int(userDays.count)
        userDays.forEach { person, day, value in
            writer.uint64(PairKey(person, day).raw)
            writer.int(value.tokens)
            writer.int(value.requests)
        }
        for cells in [teamWeeks, toolWeeks] {
            writer.int(cells.count)
            for (key, cell) in cells {
                writer.uint64(key.raw)
                cell.totals.encode(to: &writer)
                writer.int(cell.shares.count)
                for (person, share) in cell.shares {
                    writer.int32(person)
                    writer.int(share.tokens)
                    writer.int(share.requests)
                    writer.int(share.costMicros)
                }
            }
        }
        for counts in [teamDays, userTeamTokens] {
            writer.int(counts.count)
            for (key, value) in counts { writer.uint64(key.raw); writer.int(value) }
        }
        for counts in [groupActive, toolGroupActive] {
            writer.int(counts.count)
            for (key, value) in counts { writer.uint64(key.raw); writer.int(value) }
        }
        writer.int(adoption.count)
        for (key, trace) in adoption {
            writer.int32(key.user)
            writer.int32(key.team)
            writer.int32(key.tool)
            writer.int32(trace.first.index)
            writer.int32(trace.second.index)
            writer.int(trace.weeks.count)
            for week in trace.weeks.sorted() { writer.int32(week) }
        }
        writer.int(teamTools.count)
        for (key, totals) in teamTools { writer.uint64(key.raw); totals.encode(to: &writer) }
        writer.int(teamPrompts.count)
        for (team, counter) in teamPrompts {
            writer.int32(team)
            writer.int(counter.rows)
            writer.raw(counter.distinct.registers)
        }
    }

    /// Fills an aggregate made with the same settings from bytes `encode` wrote, checking that
    /// every person, team and tool id names one of the file's own.
    mutating func decode(from reader: inout ByteReader) throws {
        rowsOutsidePeriod = try reader.int(in: 0...Int64.max)
        rowsAccepted = try reader.int(in: 0...Int64.max)
        shadowTotal = try reader.double()
        minDay = Day(index: try reader.int32())
        maxDay = Day(index: try reader.int32())
        for interner in [\Self.users, \Self.teams, \Self.tools] as [WritableKeyPath<Self, Interner>] {
            let names = try reader.strings()
            for name in names { _ = self[keyPath: interner].id(name) }
            guard self[keyPath: interner].count == names.count else { throw ByteReader.Malformed(description: "lists a name twice") }
        }
        let (userCount, teamCount, toolCount) = (Int32(users.count), Int32(teams.count), Int32(tools.count))
        func malformed(_ what: String) -> ByteReader.Malformed { ByteReader.Malformed(description: "names a \(what) it does not list") }
        func check(_ id: Int32, below count: Int32, _ what: String) throws {
            guard id >= 0, id < count else { throw malformed(what) }
        }
        func pair(_ reader: inout ByteReader, _ first: (Int32, String), _ second: (Int32, String)?) throws -> PairKey {
            let key = PairKey(raw: try reader.uint64())
            let (a, b) = Self.split(key)
            try check(a, below: first.0, first.1)
            if let second { try check(b, below: second.0, second.1) }
            return key
        }
        let days = try reader.count(itemBytes: 24)
        for _ in 0..<days {
            let (person, day) = try pair(&reader, (userCount, "person"), nil).parts
            guard userDays[person, day] == nil else { throw ByteReader.Malformed(description: "lists a person-day twice") }
            userDays.add(person: person, day: day, tokens: Int64(try reader.int(in: 0...Int64.max)), requests: Int64(try reader.int(in: 0...Int64.max)))
        }
        for (index, groups) in [(teamCount, "team"), (toolCount, "tool")].enumerated() {
            let count = try reader.count(itemBytes: 8 + Totals.encodedSize + 8)
            var cells: [PairKey: TeamWeekCell] = [:]
            cells.reserveCapacity(count)
            for _ in 0..<count {
                let key = try pair(&reader, groups, nil)
                var cell = TeamWeekCell(totals: try Totals(from: &reader))
                let people = try reader.count(itemBytes: 28)
                var previous: Int32 = -1
                for _ in 0..<people {
                    let person = try reader.int32()
                    try check(person, below: userCount, "person")
                    // Written in ascending order (`PersonShares`): anything else, a person twice
                    // included, is not this program's file.
                    guard person > previous else { throw ByteReader.Malformed(description: "lists a cell's people out of order") }
                    previous = person
                    cell.shares.add(person, Share(tokens: try reader.int(), requests: Int64(try reader.int(in: 0...Int64.max)), costMicros: try reader.int()))
                }
                cells[key] = cell
            }
            if index == 0 { teamWeeks = cells } else { toolWeeks = cells }
        }
        for (index, first, second) in [(0, (teamCount, "team"), nil), (1, (userCount, "person"), (teamCount, "team"))] as [(Int, (Int32, String), (Int32, String)?)] {
            var counts: [PairKey: Int64] = [:]
            for _ in 0..<(try reader.count(itemBytes: 16)) { counts[try pair(&reader, first, second)] = try reader.int() }
            if index == 0 { teamDays = counts } else { userTeamTokens = counts }
        }
        for (index, groups) in [(teamCount, "team"), (toolCount, "tool")].enumerated() {
            var counts: [PairKey: Int] = [:]
            for _ in 0..<(try reader.count(itemBytes: 16)) { counts[try pair(&reader, groups, nil)] = try reader.int(in: Int64(Int.min)...Int64(Int.max)) }
            if index == 0 { groupActive = counts } else { toolGroupActive = counts }
        }
        for _ in 0..<(try reader.count(itemBytes: 28)) {
            let key = AdoptionKey(user: try reader.int32(), team: try reader.int32(), tool: try reader.int32())
            try check(key.user, below: userCount, "person")
            try check(key.team, below: teamCount, "team")
            try check(key.tool, below: toolCount, "tool")
            var trace = AdoptionTrace(first: Day(index: try reader.int32()), second: Day(index: try reader.int32()))
            for _ in 0..<(try reader.count(itemBytes: 4)) { trace.weeks.insert(try reader.int32()) }
            adoption[key] = trace
        }
        for _ in 0..<(try reader.count(itemBytes: 8 + Totals.encodedSize)) {
            teamTools[try pair(&reader, (teamCount, "team"), (toolCount, "tool"))] = try Totals(from: &reader)
        }
        for _ in 0..<(try reader.count(itemBytes: 4 + 8 + 8)) {
            let team = try reader.int32()
            try check(team, below: teamCount, "team")
            let rows = try reader.int()
            guard let distinct = DistinctCounter(registers: try reader.raw()) else { throw ByteReader.Malformed(description: "has a damaged prompt counter") }
            teamPrompts[team] = PromptCounter(rows: rows, distinct: distinct)
        }
    }
}

extension Totals {
    static let encodedSize = 18 * 8

    func encode(to writer: inout ByteWriter) {
        for value in [requests, tokens, inputTokens, outputTokens, cachedTokens, shown, accepted, rowsWithSuggestions,
                      linesSuggested, linesAcceptedOfSuggested, linesAccepted, automatedTokens, automatedRequests,
                      lowValueTokens, costMicros, pricedTokens, Int64(costOnlyRows), cachedSavingMicros] {
            writer.int(value)
        }
    }

    init(from reader: inout ByteReader) throws {
        self.init()
        requests = try reader.int()
        tokens = try reader.int()
        inputTokens = try reader.int()
        outputTokens = try reader.int()
        cachedTokens = try reader.int()
        shown = try reader.int()
        accepted = try reader.int()
        rowsWithSuggestions = try reader.int()
        linesSuggested = try reader.int()
        linesAcceptedOfSuggested = try reader.int()
        linesAccepted = try reader.int()
        automatedTokens = try reader.int()
        automatedRequests = try reader.int()
        lowValueTokens = try reader.int()
        costMicros = try reader.int()
        pricedTokens = try reader.int()
        costOnlyRows = try reader.int(in: Int64(Int.min)...Int64(Int.max))
        cachedSavingMicros = try reader.int()
    }
}

// MARK: - Digests of the usage files, to hash only what changed

extension BuildCache {
    /// The digests an earlier build took, and when it wrote them (seconds since 1970).
    public func knownDigests(report folder: String) -> (digests: [String: KnownDigest], at: Double) {
        let file = path(report: folder, kind: "files")
        guard case let .hit(digests) = read(report: folder, kind: "files", key: "files", { reader -> [String: KnownDigest] in
            var digests: [String: KnownDigest] = [:]
            for _ in 0..<(try reader.count(itemBytes: 32)) {
                let texts = try reader.strings()
                guard texts.count == 3 else { throw ByteReader.Malformed(description: "a digest entry has \(texts.count) texts") }
                digests[texts[0]] = KnownDigest(identity: texts[1], sha256: texts[2], bytes: try reader.int(in: 0...Int64.max))
            }
            return digests
        }), let written = fileStatus(file)?.modified else { return ([:], 0) }
        return (digests, written)
    }

    /// Keeps the digests of this build with each file's identity now.
    public func saveDigests(report folder: String, _ digests: [String: (sha256: String, bytes: Int)]) {
        write(report: folder, kind: "files", key: "files") { writer in
            let entries = digests.compactMap { path, digest in
                ReportFolder.identity(folder + "/" + path).map { (path, $0.text, digest) }
            }.sorted { $0.0 < $1.0 }
            writer.int(entries.count)
            for (path, identity, digest) in entries {
                writer.strings([path, identity, digest.sha256])
                writer.int(digest.bytes)
            }
        }
    }
}

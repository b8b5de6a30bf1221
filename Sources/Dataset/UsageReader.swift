import Synchronization
import Foundation

/// Reads the usage tables of a report (`data/usage/`: *.csv, *.csv.gz, *.jsonl[.gz], and
/// folders of part files) and hands every good row to a sink, one at a time: rows are never
/// held, so memory does not grow with their number. Bad rows are reported as
/// `file:line: reason` and counted; the rows around them are kept.
/// A class: the reading loop's closures capture it, and a struct of this size was copied (and
/// its dozens of references retained and released) for every row — a fifth of ingest (perf).
public final class UsageReader: Sendable {
    public let config: ReportConfig
    public let people: PeopleDirectory?
    /// Turns a raw identity into the id Analysis sees (a keyed hash, or the identity itself).
    public let pseudonymise: @Sendable (String) -> String

    public init(config: ReportConfig, people: PeopleDirectory? = nil,
                pseudonymise: @escaping @Sendable (String) -> String = { $0 }) {
        self.config = config
        self.people = people
        self.pseudonymise = pseudonymise
    }

    /// What reading one file gave.
    public struct FileResult: Sendable {
        public var path: String
        public var rowsRead = 0
        public var rowsRejected = 0
        public var diagnostics: [Diagnostic] = []
        /// Identities that the people directory did not know, when a row needed it for its team.
        public var unmatchedIdentities = Set<String>()
        /// For a byte range: the line ends in it, and whether it ended between records (see
        /// `read(path:displayPath:range:sink:)`).
        public var lines = 0
        public var endedBetweenRecords = true
    }

    /// Reads one file. `displayPath` is how the file is named in messages (relative to the
    /// report folder). Throws an `InputError` only for problems that make the whole file
    /// unusable (a missing required column, an unreadable file).
    /// With a `range` (from `csvLineCuts`), reads that byte range of a plain CSV file; the
    /// column mapping comes from the file's header, and a range starting at 0 includes it. Its
    /// lines are numbered from 1 at the range's start: the caller adds the lines before it (the
    /// earlier ranges' `lines`) to its diagnostics (`shiftingLines`). Where the range ends inside
    /// a quoted field (`endedBetweenRecords` false), the next range did not start at a record
    /// and its rows are not those of the file.
    public func read(path: String, displayPath: String, range: (start: Int, end: Int)? = nil,
                     sink: (UsageRecord) throws -> Void) throws -> FileResult {
        var names = NameCache()
        return try read(path: path, displayPath: displayPath, range: range, names: &names, sink: sink)
    }

    /// Reads one file or byte range with the names of `names`, a cache that a reading thread
    /// keeps over all the pieces it reads: with a cache per piece, every piece made each
    /// person's name and resolved their identity again, and the aggregate looked each up again.
    func read(path: String, displayPath: String, range: (start: Int, end: Int)?, names: inout NameCache,
              sink: (UsageRecord) throws -> Void) throws -> FileResult {
        if let range { return try read(path: path, displayPath: displayPath, csvRange: range, names: &names, sink: sink) }
        let lower = path.lowercased()
        let isJSON = lower.hasSuffix(".jsonl") || lower.hasSuffix(".jsonl.gz") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".ndjson.gz")
        do {
            let source = try openByteSource(path: path)
            if isJSON {
                return try readJSONLines(source: source, displayPath: displayPath, names: &names, sink: sink)
            }
            var reader = CSVReader(source: source)
            return try readRecords(&reader, mapping: nil, displayPath: displayPath, names: &names, sink: sink)
        } catch let error as ReadError {
            throw InputError(.error(displayPath, error.message))
        }
    }

    private func read(path: String, displayPath: String, csvRange range: (start: Int, end: Int), names: inout NameCache,
                      sink: (UsageRecord) throws -> Void) throws -> FileResult {
        if range.start == 0 {
            var reader = CSVReader(source: try FileRangeByteSource(path: path, start: 0, end: range.end))
            return try readRecords(&reader, mapping: nil, displayPath: displayPath, names: &names, sink: sink)
        }
        // The header, from the start of the file.
        var headerDiagnostics: [Diagnostic] = []
        var mapping: ColumnMapping?
        struct Stop: Error {}
        var headReader = CSVReader(source: try FileRangeByteSource(path: path, start: 0, end: Int.max))
        do {
            try headReader.forEach { record in
                mapping = try ColumnMapping(header: record, config: config, hasPeople: people != nil, file: displayPath, diagnostics: &headerDiagnostics)
                throw Stop()
            }
        } catch is Stop {}
        guard let mapping else { throw InputError(.error(displayPath, line: 1, "is empty: a usage file needs a header row")) }
        var reader = CSVReader(source: try FileRangeByteSource(path: path, start: range.start, end: range.end))
        reader.skipsByteOrderMark = false
        return try readRecords(&reader, mapping: mapping, displayPath: displayPath, names: &names, sink: sink)
    }

    // MARK: CSV

    /// Reads records; without a mapping, the first record is the header that gives it.
    private func readRecords(_ reader: inout CSVReader, mapping given: ColumnMapping?, displayPath: String, names: inout NameCache,
                             sink: (UsageRecord) throws -> Void) throws -> FileResult {
        var result = FileResult(path: displayPath)
        var mapping = given
        var row = UsageRecord.blank
        try reader.forEach { record in
            guard let columns = mapping else {
                mapping = try ColumnMapping(header: record, config: config, hasPeople: people != nil,
                                            file: displayPath, diagnostics: &result.diagnostics)
                return
            }
            result.rowsRead += 1
            if let problem = record.problem {
                result.reject(displayPath, record.line, problem)
                return
            }
            guard record.count == columns.fieldCount else {
                result.reject(displayPath, record.line,
                              "expected \(columns.fieldCount) fields as in the header, found \(record.count)")
                return
            }
            do {
                try CSVFields.lending(record, columns) { fields in
                    try fill(&row, from: fields, names: &names, file: displayPath, line: record.line, result: &result)
                }
                try pass(&row, to: sink)
            } catch let FieldError.message(message) {
                result.reject(displayPath, record.line, message)
            }
        }
        if mapping == nil {
            throw InputError(.error(displayPath, line: 1, "is empty: a usage file needs a header row"))
        }
        result.lines = reader.linesRead
        result.endedBetweenRecords = reader.endedBetweenRecords
        return result
    }

    /// Calls `sink` with `row` in place. `sink(row)` on the reading loop's record, a variable
    /// its closure captures, copied the record whole (its strings retained) and destroyed the
    /// copy after, on every row (perf: 3 % of a 1M-row build); through `inout` the record is
    /// known not to change during the call, and is lent as it is.
    @inline(__always)
    private func pass(_ row: inout UsageRecord, to sink: (UsageRecord) throws -> Void) rethrows {
        try sink(row)
    }

    // MARK: JSON lines

    private func readJSONLines(source: ByteSource, displayPath: String, names: inout NameCache,
                               sink: (UsageRecord) throws -> Void) throws -> FileResult {
        var result = FileResult(path: displayPath)
        var row = UsageRecord.blank
        let aliases = ColumnMapping.aliasTable(config)
        var lines = LineReader(source: source)
        try lines.forEach { line, number in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            result.rowsRead += 1
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])) as? [String: Any] else {
                result.reject(displayPath, number, "not a JSON object")
                return
            }
            var fields: [UsageColumn: [UInt8]] = [:]
            for (key, value) in object {
                guard let column = aliases[key.lowercased()] else {
                    result.warnOnce(displayPath, number, "unknown field \"\(key)\" is ignored")
                    continue
                }
                switch value {
                case let text as String: fields[column] = Array(text.utf8)
                case is NSNull: break
                case let number as NSNumber:
                    if String(cString: number.objCType) == "c" {  // a JSON true or false
                        fields[column] = Array((number.boolValue ? "true" : "false").utf8)
                    } else {
                        fields[column] = Array(number.stringValue.utf8)
                    }
                default:
                    result.reject(displayPath, number, "field \"\(key)\" must be text or a number")
                    return
                }
            }
            let missing = UsageColumn.required.filter { fields[$0] == nil && !($0 == .team && people != nil) }
            if !missing.isEmpty || (fields[.user] == nil && fields[.activeUsers] == nil) {
                let names = missing.map(\.rawValue) + (fields[.user] == nil && fields[.activeUsers] == nil ? ["user"] : [])
                result.reject(displayPath, number, "missing \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
                return
            }
            do {
                try fill(&row, from: JSONFields(fields: fields), names: &names, file: displayPath, line: number, result: &result)
                try pass(&row, to: sink)
            } catch let FieldError.message(message) {
                result.reject(displayPath, number, message)
            }
        }
        return result
    }

    // MARK: Rows

    /// Reads a row's fields into `record`, every field of it (the reading loop keeps one record
    /// for all its rows: a record returned by value was copied whole — 248 bytes, its strings
    /// retained — and the first destroyed, on every row; perf put a tenth of a 1M-row build
    /// there). On a throw, `record` is left as it was.
    private func fill<F: FieldAccess>(_ record: inout UsageRecord, from fields: F, names: inout NameCache, file displayPath: String,
                                      line: Int, result: inout FileResult) throws {
        guard let day = fields.with(.date, { names.day($0) }) ?? nil else {
            let shown = fields.with(.date) { text($0) } ?? ""
            throw FieldError.message(shown.isEmpty ? "date is empty" : "date \"\(shown)\" is not a date as YYYY-MM-DD")
        }
        // The names the record holds from its previous row, which a name of the same entry
        // leaves in place (`NameCache.entry(_:column:holding:)`).
        let held = record.nameKeys.scope == names.scope ? record.nameKeys : NameKeys()
        // The person's entry without its string: the record holds their identity's name
        // (`identity()`), and reading the entry's own string for a row in random order missed
        // the cache and retained the string, only to let it go.
        let user = try fields.with(.user) { try names.entry($0, column: .user, holding: held.user, needsString: false) }
        let activeUsers = try fields.count(.activeUsers)
        if user == nil && activeUsers == nil {
            throw FieldError.message("user is empty (a group row needs active_users instead)")
        }
        guard let (toolKey, tool) = try fields.with(.tool, { try names.entry($0, column: .tool, holding: held.tool) }) else {
            throw FieldError.message("tool is empty")
        }
        // Who the person is, resolved once per identity and file: the directory's own name
        // (so one person seen under several identities is counted once), pseudonymised, and
        // the directory's team when the row names none. A row of the person the record holds
        // needs it only for that team.
        func resolve(_ user: String) -> NameCache.Identity {
            let person = people?.lookup(user)
            return NameCache.Identity(user: pseudonymise(person?.user ?? user), team: person?.team,
                                      unmatched: person == nil ? pseudonymise(user) : nil)
        }
        func identity() -> NameCache.Identity? { user.map { entry, name in names.identity(entry, name, resolve: resolve) } }
        let userHeld = user.map { $0.0 >= 0 && $0.0 == held.user } ?? false
        // A row that names its team needs only the person's name (`identityUser`).
        let resolvedUser = userHeld ? nil : user.map { entry, name in names.identityUser(entry, name, resolve: resolve) }
        var keys = NameKeys()
        keys.scope = names.scope
        keys.tool = toolKey
        // The person's name is their identity, which is the same for every row of their entry.
        keys.user = user?.0 ?? -1
        // The team's name, or nil for the one the record holds.
        var team: String?
        if let (teamKey, name) = try fields.with(.team, { try names.entry($0, column: .team, holding: held.team) }) {
            team = name
            keys.team = teamKey
        } else if let person = identity() {
            team = person.team ?? PeopleDirectory.unassigned
            if let unmatched = person.unmatched { result.unmatchedIdentities.insert(unmatched) }
        } else {
            throw FieldError.message("team is empty")
        }
        guard let requests = try fields.count(.requests) else { throw FieldError.message("requests is empty") }
        let inputTokens = try fields.count(.inputTokens) ?? 0
        let outputTokens = try fields.count(.outputTokens) ?? 0
        let cachedTokens = try fields.count(.cachedTokens) ?? 0
        let suggestionsShown = try fields.count(.suggestionsShown)
        let suggestionsAccepted = try fields.count(.suggestionsAccepted)
        let linesSuggested = try fields.count(.linesSuggested)
        let linesAccepted = try fields.count(.linesAccepted)
        let category = try fields.with(.taskCategory, { try names.entry($0, column: .taskCategory, holding: held.category) })
        let promptHash = try fields.with(.promptHash) { try names.repeatedText($0, column: .promptHash) }
        let automated = try fields.with(.automated) { try parseBool($0, column: "automated") } ?? false
        let costUSD = try fields.with(.costUSD) { try parseDecimal($0, column: "cost_usd") } ?? nil
        record.day = day
        if !userHeld { record.user = resolvedUser }
        if let team { record.team = team }
        if let tool { record.tool = tool }
        record.nameKeys = keys
        record.activeUsers = activeUsers.map { Int($0) }
        record.requests = requests
        record.inputTokens = inputTokens
        record.outputTokens = outputTokens
        record.cachedTokens = cachedTokens
        record.suggestionsShown = suggestionsShown
        record.suggestionsAccepted = suggestionsAccepted
        record.linesSuggested = linesSuggested
        record.linesAccepted = linesAccepted
        if let category {
            if let name = category.1 { record.taskCategory = name }
        } else {
            record.taskCategory = nil
        }
        record.nameKeys.category = category?.0 ?? -1
        record.promptHash = promptHash
        record.automated = automated
        record.costUSD = costUSD
        for problem in record.dropImpossibleFigures() { result.dropped(displayPath, line, problem) }
    }
}

extension UsageReader.FileResult {
    /// The result of a byte range with its diagnostics at their lines in the file: `offset`
    /// line ends come before the range.
    public func shiftingLines(by offset: Int) -> Self {
        var shifted = self
        for index in shifted.diagnostics.indices where shifted.diagnostics[index].line > 0 { shifted.diagnostics[index].line += offset }
        return shifted
    }

    /// A figure dropped from a row whose other figures are kept.
    mutating func dropped(_ file: String, _ line: Int, _ message: String) {
        diagnostics.append(.warning(file, line: line, message + "; the row's other figures are kept"))
    }

    mutating func reject(_ file: String, _ line: Int, _ message: String) {
        rowsRejected += 1
        diagnostics.append(.error(file, line: line, message))
    }

    mutating func warnOnce(_ file: String, _ line: Int, _ message: String) {
        if !diagnostics.contains(where: { $0.message == message }) {
            diagnostics.append(.warning(file, line: line, message))
        }
    }
}

/// Access to one row's fields by column, whatever the file format.
protocol FieldAccess {
    /// Calls `body` with the field's bytes (trimmed of surrounding spaces) when the column is
    /// present and not empty.
    func with<T>(_ column: UsageColumn, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T?
    /// The field as a count (`parseCount`); nil when absent or empty.
    func count(_ column: UsageColumn) throws -> Int64?
}

extension FieldAccess {
    func count(_ column: UsageColumn) throws -> Int64? {
        try with(column) { try parseCount($0, column: column.rawValue) } ?? nil
    }

    func string(_ column: UsageColumn) throws -> String? {
        try with(column) { try validatedText($0, column: column) }
    }
}

/// A field's bytes as text: valid UTF-8 without control characters (a NUL, ESC or other control
/// character in a name would reach every page and terminal; tabs and quoted line breaks are
/// text, and kept).
func validatedText(_ bytes: UnsafeBufferPointer<UInt8>, column: UsageColumn) throws -> String {
    // One pass for both checks; ASCII text (prompt hashes, most ids) is made without
    // `String(validating:)`, whose generic metadata was looked up on every call (4 % of ingest).
    var ascii = true, control = false
    for byte in bytes {
        if byte >= 0x80 { ascii = false } else if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F { control = true }
    }
    let value: String
    if ascii {
        value = String(decoding: bytes, as: UTF8.self)
    } else {
        guard let valid = String(validating: bytes, as: UTF8.self) else {
            throw FieldError.message("\(column.rawValue) is not valid UTF-8")
        }
        value = valid
    }
    if control {
        throw FieldError.message("\(column.rawValue) contains a control character (such as NUL or ESC)")
    }
    return value
}

/// The names a file repeats on every row — people, teams, tools, task categories — made into
/// checked strings once per distinct value and file, and each person's identity resolved once:
/// a row then costs a comparison with the column's previous value or one hash of its bytes, not
/// a string built, validated and looked up again. (The profile of a 1M-row build put a fifth of
/// ingest in building and re-hashing these.) The date, which rows also repeat, is kept the same
/// way (`day`). One cache per reading thread, kept over the files and pieces it reads; a struct
/// owned by the reading loop, so that no access to it is checked at run time.
struct NameCache {
    struct Identity {
        var user: String
        var team: String?
        var unmatched: String?
    }

    private struct Entry {
        var bytes: [UInt8]
        var string: String
        var identity: Identity?
    }

    /// A place in the table: an entry's keyed hash, its number, column and length, and a name
    /// of up to 16 bytes itself. Finding a name reads this one line of memory; when the table
    /// kept only entry numbers, each look-up of a row in random order also missed the cache on
    /// the entry and on its bytes (perf: a tenth of such a build, in this function).
    private struct Slot {
        var hash: UInt64 = 0
        /// Entry number + 1 (0: an empty slot) in the low 32 bits, the column's ordinal in the
        /// next 8, the length (255 for any longer) in the top 8 (`meta(column:length:)`).
        var meta: UInt64 = 0
        /// A name of up to 16 bytes, zero beyond its end (`words`); zero for a longer one.
        var head: UInt64 = 0, tail: UInt64 = 0

        var entry: Int { Int(meta & 0xFFFF_FFFF) - 1 }
        static func meta(column: Int, length: Int) -> UInt64 { UInt64(column) << 32 | UInt64(min(length, 255)) << 40 }
    }

    private var entries: [Entry] = []
    /// Per entry, the user name of its identity once resolved (`identityUser`), apart from the
    /// entries: a row in random order names a person other than the last row's, and reading
    /// the name from the entry (80 bytes each, 0.5 MB for 6,700 people) missed the caches on
    /// nearly every such row (perf: a twentieth of a build, on that one load).
    private var identityUsers: [String?] = []
    /// This cache among all made in the process (from 1): entry numbers mean names only
    /// within it (`NameKeys`).
    let scope = NameCache.nextScope()
    /// An open-addressed table, found by the keyed hash of the bytes; never more than half
    /// full. The hash is SipHash with a key drawn by every process: with a fixed hash (this
    /// was FNV-1a), a file could be made of names that all collide, and each new one would
    /// be compared with every one before it — reading quadratic in the rows, from a file
    /// anyone may hand in.
    private var slots = [Slot](repeating: Slot(), count: 64)
    /// Short names found lately, each in a place picked by an unkeyed mix of its words: a
    /// column of few values (teams, tools) finds its name here without the keyed hash and the
    /// probe of `slots`, which rows in random order, whose names seldom repeat the previous
    /// row's, paid for nearly every name (a tenth of reading them: cachegrind). A place holds
    /// two names, the one found last first: with one each, in 2,048 places, the people of
    /// rows in random order (6,700 of them) mostly missed here and paid the hash and the probe
    /// (perf: half of this function's time was that probe's load); with two to a place in
    /// 4,096, more are found (with `identityUsers`, cachegrind counted 4 % fewer instructions
    /// and 5 % fewer misses of a 2 MB cache over such a build). Only a cache: names that share
    /// a place (whether by chance or made to) take turns there and are otherwise found in
    /// `slots`, as if this were not here.
    private var recent = [Slot](repeating: Slot(), count: 2 << recentBits)
    private static let recentBits = 12
    /// Per column, its previous value's slot (empty: none): consecutive rows mostly repeat a
    /// person, a team and a tool, and the slot's copy of a short name is compared here
    /// without reading the entry.
    private var last = [Slot](repeating: Slot(), count: UsageColumn.allCases.count)
    /// Dates read before, as their ten bytes and their day, in a place for each month and day
    /// (`day(_:)`; a place holds the last date that fell in it): rows in random order find
    /// one of the report's few hundred days rather than parse it (parsing each row's date was
    /// 2 % of a build of 10M such rows, perf). An empty place has no day (its bytes, zero,
    /// could be a field's).
    private var dates = [(head: UInt64, tail: UInt16, day: Day?)](repeating: (0, 0, nil), count: 1 << 11)
    /// Entries compared with a name when looking it up by hash (tests: the probes per
    /// look-up stay short whatever the names).
    private(set) var probes = 0
    /// Beyond this many distinct values (a column of unique ids) strings are made each time.
    static let capacity = 200_000

    private static let scopes = Atomic<Int>(1)
    private static func nextScope() -> Int { scopes.add(1, ordering: .relaxed).oldValue }

    /// Up to 16 bytes as two little-endian words, zero beyond the end: two loads within the
    /// bytes, the second shifted past (or laid over) what the first holds, rather than a copy
    /// (`memcpy` was 1 % of a build's instructions: this runs for the names of every row).
    @inline(__always)
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        guard let base = bytes.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base), count = bytes.count
        if count >= 8 {
            let head = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            if count == 8 { return (head, 0) }
            let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            return (head, last >> UInt64(8 * (16 - count)))
        }
        if count >= 4 {
            // Bytes 0–3 and count−4 to count−1: where the two overlap they hold the same bytes.
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            return (low | high << UInt64(8 * (count - 4)), 0)
        }
        var head: UInt64 = 0
        for index in 0..<count { head |= UInt64(base[index]) << UInt64(8 * index) }
        return (head, 0)
    }

    /// The place of a short name's words and its column and length: its two slots in `recent`
    /// start at twice it.
    @inline(__always)
    private static func place(_ head: UInt64, _ tail: UInt64, _ meta: UInt64) -> Int {
        var mixed = head &+ (tail ^ meta) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 29
        mixed &*= 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - recentBits))
    }

    /// The place of a short name in a column (tests).
    static func place(of bytes: UnsafeBufferPointer<UInt8>, column: UsageColumn) -> Int {
        let (head, tail) = words(bytes)
        return place(head, tail, Slot.meta(column: column.ordinal, length: bytes.count))
    }

    /// The entry for these bytes in this column, or −1 (with the string) once the cache is full.
    mutating func entry(_ bytes: UnsafeBufferPointer<UInt8>, column: UsageColumn) throws -> (Int32, String) {
        let (id, string) = try entry(bytes, column: column, holding: -1)
        return (id, string ?? entries[Int(id)].string)
    }

    /// The entry for these bytes in this column, with its string — or without it (nil) when it
    /// is `holding`, the entry whose string the caller's record holds already: consecutive rows
    /// mostly repeat a person, a team and a tool, and taking the string again retained it, and
    /// storing it released the one held, both atomic writes (perf: a twentieth of reading).
    /// `needsString`: false for a caller that finds the string, when it needs it, by the entry
    /// (`identity`): a name seen before then comes without one.
    mutating func entry(_ bytes: UnsafeBufferPointer<UInt8>, column: UsageColumn, holding: Int32, needsString: Bool = true) throws -> (Int32, String?) {
        let ordinal = column.ordinal
        let meta = Slot.meta(column: ordinal, length: bytes.count)
        // A name of up to 16 bytes is compared as its two words; a longer one as its bytes.
        let short = bytes.count <= 16
        let (head, tail) = short ? Self.words(bytes) : (0, 0)
        func matches(_ slot: Slot) -> Bool {
            guard slot.meta & ~0xFFFF_FFFF == meta else { return false }
            return short ? slot.head == head && slot.tail == tail : sameBytes(entries[slot.entry].bytes, bytes)
        }
        let previous = last[ordinal]
        func found(_ slot: Slot) -> (Int32, String?) {
            let id = Int32(slot.entry)
            return (id, id == holding || !needsString ? nil : entries[slot.entry].string)
        }
        if previous.meta != 0, matches(previous) { return found(previous) }
        let place = short ? 2 * Self.place(head, tail, meta) : 0
        if short {
            let first = recent[place]
            if first.meta != 0, matches(first) {
                last[ordinal] = first
                return found(first)
            }
            let second = recent[place + 1]
            if second.meta != 0, matches(second) {
                remember(second, at: place)
                last[ordinal] = second
                return found(second)
            }
        }
        let hash = SipHash13.process.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot].meta != 0 {
            probes += 1
            let candidate = slots[slot]
            if candidate.hash == hash, matches(candidate) {
                last[ordinal] = candidate
                if short { remember(candidate, at: place) }
                return found(candidate)
            }
            slot = (slot + 1) & mask
        }
        let string = try validatedText(bytes, column: column)
        guard entries.count < Self.capacity else { return (-1, string) }
        let id = Int32(entries.count)
        entries.append(Entry(bytes: Array(bytes), string: string, identity: nil))
        identityUsers.append(nil)
        slots[slot] = Slot(hash: hash, meta: meta | UInt64(id + 1), head: head, tail: tail)
        last[ordinal] = slots[slot]
        if short { remember(slots[slot], at: place) }
        if 2 * entries.count > slots.count { grow() }
        return (id, string)
    }

    /// `slot` first in the place of `recent` that starts at `place`, the first before it second.
    @inline(__always)
    private mutating func remember(_ slot: Slot, at place: Int) {
        recent[place + 1] = recent[place]
        recent[place] = slot
    }

    /// The previous row's text of a column that is not a name (a prompt hash).
    private var previousText: (column: UsageColumn, string: String)?

    /// A field's text (`validatedText`), the previous row's string again when the bytes are the
    /// same: a prompt hash of over 15 bytes is an allocation of its own, and consecutive rows
    /// (a person's requests of a day) often repeat one. The string holds exactly the bytes it
    /// was made from, so comparing its UTF-8 with the field's is comparing the fields.
    mutating func repeatedText(_ bytes: UnsafeBufferPointer<UInt8>, column: UsageColumn) throws -> String {
        if let previous = previousText, previous.column == column,
           previous.string.utf8.withContiguousStorageIfAvailable({ sameBytes($0, bytes) }) == true {
            return previous.string
        }
        let string = try validatedText(bytes, column: column)
        previousText = (column, string)
        return string
    }

    /// The day of a `YYYY-MM-DD` field, parsed only when it is not one of `dates`.
    mutating func day(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        guard bytes.count == 10, let base = bytes.baseAddress else { return Day(bytes: bytes) }
        let raw = UnsafeRawPointer(base)
        let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        // The place is the month's and day's digits (MM-DD: the low bit of the first month digit,
        // four bits of the second, two and four of the day's), one place for each day of a year.
        let place = Int(truncatingIfNeeded: (head >> 40 & 1) << 10 | (head >> 48 & 15) << 6 | (UInt64(tail) & 3) << 4 | UInt64(tail) >> 8 & 15)
        let known = dates[place]
        if let day = known.day, known.head == head, known.tail == tail { return day }
        guard let day = Day(bytes: bytes) else { return nil }
        dates[place] = (head, tail, day)
        return day
    }

    /// Twice the slots, each placed again by its hash.
    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: 2 * old.count)
        let mask = slots.count - 1
        for placed in old where placed.meta != 0 {
            var slot = Int(truncatingIfNeeded: placed.hash) & mask
            while slots[slot].meta != 0 { slot = (slot + 1) & mask }
            slots[slot] = placed
        }
    }

    /// The identity of the user of entry `id`, resolved on its first row from the user's name
    /// (`user`, or the entry's own when nil).
    mutating func identity(_ id: Int32, _ user: String?, resolve: (String) -> Identity) -> Identity {
        guard id >= 0 else { return resolve(user ?? "") }
        if let known = entries[Int(id)].identity { return known }
        let resolved = resolve(user ?? entries[Int(id)].string)
        entries[Int(id)].identity = resolved
        identityUsers[Int(id)] = resolved.user
        return resolved
    }

    /// The user name of the identity of entry `id` (`identity`).
    mutating func identityUser(_ id: Int32, _ user: String?, resolve: (String) -> Identity) -> String {
        if id >= 0, let known = identityUsers[Int(id)] { return known }
        return identity(id, user, resolve: resolve).user
    }
}

@inline(__always)
func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    // Nearly every field starts and ends with a byte above a space: two comparisons, not
    // two loops of two.
    if let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20 { return bytes }
    var start = 0, end = bytes.count
    while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
    while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
}

/// A CSV row's fields by column, read in place: the record's bytes and field ends, lent for
/// the row, and the header's mapping. (A struct holding the record itself, and a mapping in an
/// array, retained three arrays for every row and released them after: a twentieth of a
/// 1M-row build in `swift_retain` and `swift_release`, perf.)
struct CSVFields: FieldAccess {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    let mapping: ColumnMapping

    /// Calls `body` with the fields of `record` as `mapping` names them.
    @inline(__always)
    static func lending<T>(_ record: CSVRecord, _ mapping: ColumnMapping, _ body: (CSVFields) throws -> T) rethrows -> T {
        try record.withBytes { bytes in
            try record.ends.withUnsafeBufferPointer { ends in
                try body(CSVFields(bytes: bytes, ends: ends, mapping: mapping))
            }
        }
    }

    /// A field's bytes: from past the delimiter that ends the field before to its own end,
    /// which the reader places at least there (no check of the bounds' order on every field).
    @inline(__always)
    private func range(_ field: Int) -> Range<Int> {
        Range(uncheckedBounds: (field == 0 ? 0 : ends[field - 1] + 1, ends[field]))
    }

    @inline(__always)
    func with<T>(_ column: UsageColumn, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T? {
        guard let field = mapping.field(column) else { return nil }
        let value = trimmed(UnsafeBufferPointer(rebasing: bytes[range(field)]))
        return value.isEmpty ? nil : try body(value)
    }
}

extension CSVFields {
    /// A field of one to twelve digits — nearly every count of a usage file — read in place;
    /// anything else (spaces, a sign, a decimal point, a thirteenth digit) as `parseCount`
    /// reads it. Through `with`, its closure and the trimming, the counts of a row were 6 % of
    /// a 1M-row build's instructions (cachegrind).
    @inline(__always)
    func count(_ column: UsageColumn) throws -> Int64? {
        guard let field = mapping.field(column) else { return nil }
        let range = range(field)
        if range.isEmpty { return nil }
        if range.count <= 12 {
            // Twelve digits are at most 999,999,999,999: within `maxCount`, and no overflow.
            var value: Int64 = 0, digits = true
            for position in range {
                let digit = bytes[position] &- 0x30
                if digit > 9 { digits = false; break }
                value = value &* 10 &+ Int64(digit)
            }
            if digits { return value }
        }
        return try with(column) { try parseCount($0, column: column.rawValue) } ?? nil
    }
}

struct JSONFields: FieldAccess {
    let fields: [UsageColumn: [UInt8]]

    func with<T>(_ column: UsageColumn, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T? {
        guard let bytes = fields[column] else { return nil }
        return try bytes.withUnsafeBufferPointer { buffer in
            let value = trimmed(buffer)
            return value.isEmpty ? nil : try body(value)
        }
    }
}

extension UsageColumn {
    /// The column's position in `allCases`. A switch, not a dictionary: it is asked for every
    /// field of every row, and hashing a String-backed enum was a visible share of ingest (perf).
    var ordinal: Int {
        switch self {
        case .date: return 0
        case .user: return 1
        case .team: return 2
        case .tool: return 3
        case .requests: return 4
        case .inputTokens: return 5
        case .outputTokens: return 6
        case .cachedTokens: return 7
        case .suggestionsShown: return 8
        case .suggestionsAccepted: return 9
        case .linesSuggested: return 10
        case .linesAccepted: return 11
        case .taskCategory: return 12
        case .promptHash: return 13
        case .automated: return 14
        case .costUSD: return 15
        case .activeUsers: return 16
        }
    }
}

/// Which field of a CSV row holds which column, from the header.
struct ColumnMapping {
    /// Column ordinal → field index, −1 for a column the header lacks. Stored in place, not in
    /// an array, so that copying the mapping for a row retains nothing.
    private var fields = InlineArray<17, Int32>(repeating: -1)
    var fieldCount: Int

    /// The field that holds `column`, if the header has it.
    @inline(__always)
    func field(_ column: UsageColumn) -> Int? {
        let field = fields[column.ordinal]
        return field < 0 ? nil : Int(field)
    }

    /// Lower-cased header name → column, with the aliases of report.yml.
    static func aliasTable(_ config: ReportConfig) -> [String: UsageColumn] {
        var table: [String: UsageColumn] = [:]
        for column in UsageColumn.allCases { table[column.rawValue] = column }
        for (canonical, header) in config.columnAliases {
            if let column = UsageColumn(rawValue: canonical) { table[header.lowercased()] = column }
        }
        return table
    }

    init(header: CSVRecord, config: ReportConfig, hasPeople: Bool, file: String,
         diagnostics: inout [Diagnostic]) throws {
        precondition(UsageColumn.allCases.count == fields.count, "ColumnMapping.fields holds one place per column")
        let table = ColumnMapping.aliasTable(config)
        fieldCount = header.count
        var names: [String] = []
        for position in 0..<header.count {
            guard let name = header.string(position)?.trimmingCharacters(in: .whitespaces) else {
                throw InputError(.error(file, line: header.line, "the header is not valid UTF-8"))
            }
            names.append(name)
            guard let column = table[name.lowercased()] else {
                let known = UsageColumn.allCases.map(\.rawValue)
                diagnostics.append(.warning(file, line: header.line, column: 0,
                    "unknown column \"\(name)\" is ignored\(suggestion(name.lowercased(), in: known))"))
                continue
            }
            if field(column) != nil {
                throw InputError(.error(file, line: header.line, "column \"\(column.rawValue)\" appears twice in the header"))
            }
            fields[column.ordinal] = Int32(position)
        }
        var missing = UsageColumn.required.filter { field($0) == nil && !($0 == .team && hasPeople) }
        if field(.user) == nil && field(.activeUsers) == nil {
            missing.insert(.user, at: 1)
        }
        if !missing.isEmpty {
            let list = missing.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw InputError(.error(file, line: header.line,
                "missing required column\(missing.count > 1 ? "s" : "") \(list); the header has: \(names.joined(separator: ", "))"))
        }
    }
}

/// Splits a byte stream into lines (LF or CRLF), counting them from 1.
struct LineReader {
    var source: ByteSource
    var maxLineBytes = 64 << 20

    mutating func forEach(_ body: ([UInt8], Int) throws -> Void) throws {
        var chunk: [UInt8] = []
        var line: [UInt8] = []
        var number = 1
        var tooLong = false
        while true {
            try source.read(into: &chunk)
            if chunk.isEmpty { break }
            var start = 0
            while start < chunk.count {
                guard let newline = chunk[start...].firstIndex(of: 0x0A) else {
                    if line.count + chunk.count - start <= maxLineBytes { line.append(contentsOf: chunk[start...]) } else { tooLong = true }
                    break
                }
                if !tooLong && line.count + newline - start <= maxLineBytes { line.append(contentsOf: chunk[start..<newline]) } else { tooLong = true }
                if line.last == 0x0D { line.removeLast() }
                try body(tooLong ? Array("{\"line too long\"}".utf8) : line, number)
                line.removeAll(keepingCapacity: true)
                tooLong = false
                number += 1
                start = newline + 1
            }
        }
        if !line.isEmpty || tooLong { try body(tooLong ? Array("{\"line too long\"}".utf8) : line, number) }
    }
}

extension UsageRecord {
    /// A record for a reading loop to fill (`UsageReader.fill`).
    static var blank: UsageRecord { UsageRecord(day: Day(index: 0), user: nil, team: "", tool: "") }
}

import Foundation

/// A vendor's usage export, read as the vendor writes it (docs/importers.md has every field's
/// mapping and what is lost). A format is declared once, in its vendor's file beside the code
/// that reads it — its name, its tool, what its rows report, how a file of it is recognised and
/// how a record becomes usage rows — and listed in `VendorFormat.registry`, the one list
/// `detect`, `sources:` and `candor import` go through. Team attribution, pseudonymisation and
/// the overlap rule happen after, in `VendorAttribution`, the same for every format.
public struct VendorFormat: Hashable, Sendable, CustomStringConvertible {
    typealias ReadJSON = @Sendable (VendorParser, Any, Int, inout VendorExtras, inout [Diagnostic], VendorParser.Emit) throws -> Void
    typealias ReadCSV = @Sendable (VendorParser, String, inout VendorExtras, inout [Diagnostic], VendorParser.Emit) throws -> Void

    /// How a file of the format is read: JSON values (a document, an array or one per line)
    /// handed over one at a time, or a whole CSV file.
    enum Reading: Sendable {
        case json(ReadJSON)
        case csv(ReadCSV)
    }

    /// The name in `sources:` and `candor import`.
    public let rawValue: String
    /// The tool name rows of this format get (`sources[].tool` overrides it).
    public let defaultTool: String
    /// What this format's per-person rows report, for the overlap rule: two sources that
    /// report the same person, day and tool count each measure once (the first source read
    /// keeps it), so complementary exports (Cursor's daily counts and its token events) add up.
    let measures: UsageMeasures
    /// False for formats that carry teams or seats, not usage.
    public let hasUsage: Bool
    /// Formats that list licensed seats (the rest without usage give teams).
    public var givesSeats: Bool { !hasUsage && self != .copilotUserTeams }
    /// True for organisation-wide totals of the same people a per-person export reports: read
    /// after the others, and left out on a tool-day already told person by person.
    let aggregatesPeople: Bool
    /// Formats that carry the same figures in finer grain: a file of this format is not read
    /// beside a file of one of them for the same tool (Cursor's cycle spend beside its events).
    let supersededBy: [String]
    /// Whether one JSON value (a response, a record, a line) is of this format.
    let recognisesJSON: @Sendable ([String: Any]) -> Bool
    /// Whether a CSV header (its column names) is of this format.
    let recognisesHeader: @Sendable (Set<String>) -> Bool
    /// Keys that give the format away in the head of a document too large to parse whole.
    let telltales: [[String]]
    let reading: Reading

    init(_ name: String, tool: String, measures: UsageMeasures, hasUsage: Bool = true, aggregatesPeople: Bool = false, supersededBy: [String] = [],
         json: @escaping @Sendable ([String: Any]) -> Bool = { _ in false },
         header: @escaping @Sendable (Set<String>) -> Bool = { _ in false },
         telltales: [[String]] = [], reading: Reading) {
        rawValue = name
        defaultTool = tool
        self.measures = measures
        self.hasUsage = hasUsage
        self.aggregatesPeople = aggregatesPeople
        self.supersededBy = supersededBy
        recognisesJSON = json
        recognisesHeader = header
        self.telltales = telltales
        self.reading = reading
    }

    /// Every format, in the order detection tries them (the more specific first).
    public static let registry: [VendorFormat] = [
        .kiroUsers, .amazonQ, .copilotBilling, .chatGPTEnterpriseUsers,
        .copilotUsers, .copilotUserTeams, .copilotSeats, .copilotMetrics, .copilotOrgReport,
        .cursorEvents, .cursorDaily, .cursorMembers, .cursorSpend, .amazonQBusinessSubscriptions, .claudeCode,
        .anthropicAnalyticsCost, .anthropicAnalyticsUsage, .anthropicUsage, .openAICosts, .anthropicCost, .openAIUsage,
    ]
    public static var allCases: [VendorFormat] { registry }

    public init?(rawValue: String) {
        guard let format = Self.registry.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = format
    }

    public var description: String { rawValue }
    /// "an amazon-q export", "a copilot-users export".
    var article: String { "aeiou".contains(rawValue.first ?? "x") ? "an" : "a" }
    public static func == (a: VendorFormat, b: VendorFormat) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// The formats a file of time buckets could be when none of its buckets has a result yet.
    static let bucketFormats: [VendorFormat] = [.openAIUsage, .openAICosts, .anthropicUsage, .anthropicCost]

    /// Formats that a file could be but its contents cannot tell apart (every bucket empty), for
    /// the message; empty when the file is simply not a vendor export.
    public static func ambiguity(path: String) -> [VendorFormat] {
        guard looksLikeJSON(path: path), let head = try? readHead(path: path, bytes: 4 << 20) else { return [] }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("\"results\"") && (text.contains("\"start_time\"") || text.contains("\"starting_at\"")) ? bucketFormats : []
    }

    /// Recognises a file's format from its CSV header or JSON shape; nil when none matches.
    /// JSON is looked at over its first 4 MiB, every line of it, so that a file starting with
    /// empty buckets is still told by the first bucket with a result.
    public static func detect(path: String) -> VendorFormat? {
        // A CSV file is told by its header: its first 64 KiB, not 4 MiB of rows.
        guard looksLikeJSON(path: path) else {
            guard let head = try? readHead(path: path, bytes: 64 << 10) else { return nil }
            let names = csvHeaderNames(String(decoding: head, as: UTF8.self))
            return registry.first { $0.recognisesHeader(names) }
        }
        guard let head = try? readHead(path: path, bytes: 4 << 20) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        // Look at each line (NDJSON) and then at the whole head.
        let candidates = text.split(separator: "\n").prefix(10_000).map(String.init) + [text]
        for candidate in candidates {
            guard let object = try? JSONSerialization.jsonObject(with: Data(candidate.utf8), options: [.fragmentsAllowed]) else { continue }
            if let format = shape(of: object) { return format }
        }
        // A head cut inside a large JSON document: fall back to telling keys.
        return registry.first { format in
            format.telltales.contains { keys in keys.allSatisfy { text.contains("\"\($0)\"") } }
        }
    }

    /// The column names of a CSV file's first line (a BOM, quotes and spaces removed; `;` as the
    /// delimiter when a European spreadsheet saved it so).
    static func csvHeaderNames(_ text: String) -> Set<String> {
        let first = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let line = first.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        let delimiter: Character = line.contains(";") && !line.contains(",") ? ";" : ","
        return Set(line.split(separator: delimiter, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
        })
    }

    /// True for a file that starts like JSON but, read whole, does not parse (a cut-off download).
    /// Whether the file's first character (after a BOM and white space) opens JSON.
    static func looksLikeJSON(path: String) -> Bool {
        guard let head = try? readHead(path: path, bytes: 64 << 10) else { return false }
        let text = String(decoding: head, as: UTF8.self)
        let first = text.first { !$0.isWhitespace && $0 != "\u{FEFF}" }
        return first == "{" || first == "["
    }

    static func looksLikeBrokenJSON(path: String) -> Bool {
        guard let head = try? readHead(path: path, bytes: 8 << 20) else { return false }
        guard let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return false }
        if (try? JSONSerialization.jsonObject(with: Data(head), options: [])) != nil { return false }
        // Line-delimited JSON parses line by line.
        let lines = head.split(separator: 0x0A).filter { !$0.allSatisfy { [0x20, 0x09, 0x0D].contains($0) } }
        return !lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0), options: [])) != nil }
    }

    /// The format of one parsed JSON value (an array is told by its first element).
    static func shape(of object: Any) -> VendorFormat? {
        if let array = object as? [Any], let first = array.first { return shape(of: first) }
        guard let record = object as? [String: Any] else { return nil }
        return registry.first { $0.recognisesJSON(record) }
    }

    /// The first result of any time bucket in a usage or cost API response (or in one bucket
    /// saved alone). These APIs return a bucket per day, empty on days without activity: the
    /// first result tells the format, never the first bucket alone.
    static func firstBucketResult(_ record: [String: Any]) -> (bucket: [String: Any], result: [String: Any])? {
        let buckets: [[String: Any]]
        if let data = record["data"] as? [[String: Any]] { buckets = data }
        else if record["results"] != nil && (record["start_time"] != nil || record["starting_at"] != nil) { buckets = [record] }
        else { return nil }
        for bucket in buckets {
            if let results = bucket["results"] as? [[String: Any]], let result = results.first { return (bucket, result) }
        }
        return nil
    }

    /// The first element of a response's `data` array.
    static func firstData(_ record: [String: Any]) -> [String: Any]? { (record["data"] as? [[String: Any]])?.first }
}

func readHead(path: String, bytes: Int) throws -> [UInt8] {
    // Only the head is read: telling a file's format read its first megabyte three times.
    let source: ByteSource = path.hasSuffix(".gz") ? try GzipByteSource(path: path) : try FileRangeByteSource(path: path, start: 0, end: bytes)
    var collected: [UInt8] = []
    var chunk: [UInt8] = []
    var source_ = source
    while collected.count < bytes {
        try source_.read(into: &chunk)
        if chunk.isEmpty { break }
        collected += chunk.prefix(bytes - collected.count)
    }
    return collected
}

/// One row a vendor file gave: the usage record (identity still raw) and where it came from.
public struct VendorRow: Sendable {
    public var record: UsageRecord
    public var line: Int
    /// The raw identity, for team attribution and the unmatched count.
    public var identity: String?
    /// The export's own grouping of a row without a person (an Anthropic workspace, an OpenAI
    /// project or API key), mapped to a team through `sources[].teams`.
    public var groupID: String?
}

/// The measures a usage row can carry, for the overlap rule.
struct UsageMeasures: OptionSet, Sendable {
    let rawValue: UInt8
    static let requests = UsageMeasures(rawValue: 1)
    static let suggestions = UsageMeasures(rawValue: 2)
    static let lines = UsageMeasures(rawValue: 4)
    static let tokens = UsageMeasures(rawValue: 8)
    static let cost = UsageMeasures(rawValue: 16)
    static let all: [UsageMeasures] = [.requests, .suggestions, .lines, .tokens, .cost]

    /// Clears the fields of this measure in a row.
    func clear(_ row: inout UsageRecord) {
        if contains(.requests) { row.requests = 0 }
        if contains(.suggestions) { row.suggestionsShown = nil; row.suggestionsAccepted = nil }
        if contains(.lines) { row.linesSuggested = nil; row.linesAccepted = nil }
        if contains(.tokens) { row.inputTokens = 0; row.outputTokens = 0; row.cachedTokens = 0 }
        if contains(.cost) { row.costUSD = nil }
    }
}

/// What a vendor file told besides usage rows.
public struct VendorExtras: Sendable {
    /// (identity, day) → team slug, from copilot-user-teams.
    public var userTeams: [String: String] = [:]
    /// tool → licensed seats, from seat exports.
    public var seats: [String: Int] = [:]
    /// (identity) → team, from seat assignments.
    public var seatTeams: [String: String] = [:]
    /// tool → the seat list read so far for it, when an export lists seat holders one by one.
    var seatLists: [String: SeatList] = [:]

    struct SeatList: Sendable {
        /// The start of the period the list describes; nil when the export has no period.
        var asOf: Day?
        var holders: Set<String> = []
    }

    /// Counts `holder` (nil: nobody, only the period) as holding a seat of `tool` in the list as
    /// of `asOf`. A later period's list replaces an earlier one, so a year of monthly exports of
    /// one workspace gives the latest month's seats, not their sum; a holder listed twice (two
    /// pages, two files of one period) holds one seat.
    mutating func holdSeat(_ holder: String?, tool: String, asOf: Day? = nil) {
        var list = seatLists[tool] ?? SeatList(asOf: asOf)
        if let day = asOf, let current = list.asOf {
            if day < current { return }
            if day > current { list = SeatList(asOf: day) }
        }
        if let holder { list.holders.insert(holder) }
        seatLists[tool] = list
        seats[tool] = list.holders.count
    }
}

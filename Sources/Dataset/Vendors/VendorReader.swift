import Foundation

/// A vendor file to read, and how it came to be read.
public struct VendorFile: Sendable, Equatable {
    public var path: String  // relative to the report folder
    public var format: VendorFormat
    public var tool: String
    /// True when the format was recognised from the file rather than named in report.yml.
    public var detected: Bool
    /// Group id (workspace, project, API key) → team, from `sources[].teams`.
    public var teams: [String: String] = [:]
}

/// Turns vendor rows into usage records: team attribution (the export's own team data, then
/// data/people.csv, else "unassigned", counted), pseudonymised identities, and the rule for
/// overlaps: when two sources report the same person, day and tool, each measure (requests,
/// suggestions, lines, tokens, cost) counts once — the first source read (sources in
/// report.yml order, then data/vendor/, then data/usage/) keeps it and later sources' values of
/// it are dropped. A later row left with nothing is dropped; both kinds are counted.
struct VendorAttribution {
    var people: PeopleDirectory?
    var extras = VendorExtras()
    var pseudonymise: (String) -> String
    /// For `candor import`: identities as the vendor wrote them (no directory name, no
    /// pseudonym), and a row without a person keeps its group id as its team when `teams:`
    /// does not map it (import has no report.yml to map it with).
    var keepsIdentities = false
    /// (person, day, tool, measure) → the source that reported it first.
    var owners: [UInt64: Int32] = [:]
    var overlaps = 0
    var unmatched = Set<String>()
    /// Team slug → the team's name in headcount.csv or people.csv, so vendor slugs join them.
    var teamNames: [String: String] = [:]

    func teamName(_ slug: String) -> String { teamNames[slugify(slug)] ?? slug }

    mutating func attribute(_ row: VendorRow, source: Int32, measures: UsageMeasures, groupTeams: [String: String] = [:]) -> UsageRecord? {
        var record = row.record
        if let identity = row.identity, record.user != nil {
            let login = identity.lowercased()
            if let team = extras.userTeams["\(login)|\(record.day)"] ?? extras.userTeams[login] {
                record.team = teamName(team)
            } else if let person = people?.lookup(identity) {
                record.team = person.team
            } else if let team = extras.seatTeams[login] {
                record.team = teamName(team)
            } else {
                record.team = PeopleDirectory.unassigned
                unmatched.insert(pseudonymise(identity))
            }
            // The directory's own name for the person, so the same person seen by two
            // vendors under two identities is one person.
            let canonical = keepsIdentities ? identity : people?.canonical(identity) ?? identity
            record.user = keepsIdentities ? identity : pseudonymise(canonical)
            var personDayTool = FNV()
            personDayTool.add(canonical.lowercased()); personDayTool.add(String(record.day.index)); personDayTool.add(record.tool)
            var dropped: UsageMeasures = []
            for measure in UsageMeasures.all where measures.contains(measure) {
                var hasher = personDayTool
                hasher.add(String(measure.rawValue))
                if let owner = owners[hasher.value], owner != source {
                    dropped.insert(measure)
                } else {
                    owners[hasher.value] = source
                }
            }
            if !dropped.isEmpty {
                overlaps += 1
                if dropped == measures { return nil }
                dropped.clear(&record)
            }
        } else if record.team.isEmpty {
            // A row without a person: its workspace or project's team, else the whole organisation.
            record.team = row.groupID.flatMap { groupTeams[$0] ?? (keepsIdentities ? $0 : nil) } ?? "organisation"
        }
        return record
    }
}

/// 64-bit FNV-1a over strings with a separator.
struct FNV {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value = (value ^ 0x1F) &* 0x0000_0100_0000_01B3
    }
}

extension ReportFolder {
    /// Vendor files: those named by `sources:` (a file, a glob or a folder), then those in
    /// data/vendor/ and data/usage/ whose shape matches a known format. Problems (a path that
    /// matches nothing, an unknown format) are returned as diagnostics.
    static func vendorFiles(root: String, config: ReportConfig, diagnostics: inout [Diagnostic]) -> [VendorFile] {
        var files: [VendorFile] = []
        var seen = Set<String>()
        let formats = VendorFormat.allCases.map(\.rawValue)
        for spec in config.sources {
            guard let format = VendorFormat(rawValue: spec.format) else {
                diagnostics.append(.error("report.yml", line: spec.line, "unknown source format \"\(spec.format)\"\(suggestion(spec.format, in: formats)); formats: \(formats.joined(separator: ", "))"))
                continue
            }
            let matched = expand(root: root, pattern: spec.path)
            if matched.isEmpty {
                diagnostics.append(.error("report.yml", line: spec.line, "source path \"\(spec.path)\" matches no file in the report folder"))
            }
            for path in matched where !seen.contains(path) {
                seen.insert(path)
                files.append(VendorFile(path: path, format: format, tool: spec.tool ?? format.defaultTool, detected: false, teams: spec.teams))
            }
        }
        for path in listFiles(root: root, under: "data/vendor", suffixes: [".json", ".ndjson", ".jsonl", ".csv", ".json.gz", ".ndjson.gz", ".csv.gz"])
            + listFiles(root: root, under: "data/usage", suffixes: [".json", ".ndjson", ".jsonl", ".csv", ".json.gz", ".ndjson.gz", ".csv.gz"])
            where !seen.contains(path) {
            guard let format = VendorFormat.detect(path: root + "/" + path) else {
                let considered = VendorFormat.ambiguity(path: root + "/" + path)
                if !considered.isEmpty {
                    diagnostics.append(.error(path, line: 1, "every time bucket in the file is empty, so its format cannot be told: it could be \(considered.map(\.rawValue).joined(separator: ", ")); name its format under sources: in report.yml"))
                } else if path.hasPrefix("data/vendor/") {
                    let unparsable = VendorFormat.looksLikeBrokenJSON(path: root + "/" + path)
                    diagnostics.append(.error(path, line: 1, "\(unparsable ? "not valid JSON (truncated?), so its format cannot be recognised" : "not a known vendor export") (formats: \(formats.joined(separator: ", "))); name its format under sources: in report.yml"))
                }
                continue
            }
            seen.insert(path)
            files.append(VendorFile(path: path, format: format, tool: format.defaultTool, detected: true))
        }
        return files
    }

    /// Files matching a path relative to the report folder: a file, a folder (every file below
    /// it), or a glob with * and ? in its last parts. Nothing outside the folder.
    static func expand(root: String, pattern: String) -> [String] {
        guard !pattern.hasPrefix("/"), !pattern.split(separator: "/").contains("..") else { return [] }
        let full = root + "/" + pattern
        var isDirectory: ObjCBool = false
        if !pattern.contains("*") && !pattern.contains("?") {
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { return [] }
            if !isDirectory.boolValue { return [pattern] }
            return listFiles(root: root, under: pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern, suffixes: [""])
        }
        // The fixed prefix of the pattern, then match the rest of each file path.
        let parts = pattern.split(separator: "/")
        let fixed = parts.prefix { !$0.contains("*") && !$0.contains("?") }.joined(separator: "/")
        let candidates = fixed.isEmpty ? [] : listFiles(root: root, under: fixed, suffixes: [""])
        return candidates.filter { glob(pattern, matches: $0) }
    }

    /// Shell-style matching: * matches within one path part, ** across parts, ? one character.
    static func glob(_ pattern: String, matches path: String) -> Bool {
        var regex = "^"
        var index = pattern.startIndex
        while index < pattern.endIndex {
            let character = pattern[index]
            if character == "*" {
                let next = pattern.index(after: index)
                if next < pattern.endIndex && pattern[next] == "*" {
                    regex += ".*"
                    index = pattern.index(after: next)
                    continue
                }
                regex += "[^/]*"
            } else if character == "?" {
                regex += "[^/]"
            } else {
                regex += NSRegularExpression.escapedPattern(for: String(character))
            }
            index = pattern.index(after: index)
        }
        regex += "$"
        return path.range(of: regex, options: .regularExpression) != nil
    }
}

/// Converts one vendor file to usage rows with identities as the vendor wrote them (for
/// `candor import`), through the same reader, honesty rules and team attribution as a build
/// (`VendorAttribution`): teams from the people directory, else "unassigned".
public func convertVendorFile(path: String, displayPath: String, format: VendorFormat, tool: String?, people: PeopleDirectory?,
                              row: (UsageRecord) throws -> Void) throws -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var extras = VendorExtras()
    var attribution = VendorAttribution(people: people, pseudonymise: { $0 }, keepsIdentities: true)
    try VendorParser(format: format, tool: tool ?? format.defaultTool, file: displayPath).parse(path: path, extras: &extras, diagnostics: &diagnostics) { vendorRow in
        if let record = attribution.attribute(vendorRow, source: 0, measures: format.measures) { try row(record) }
    }
    return diagnostics
}

/// Reads a people directory from a CSV file (for `candor import --people`).
public func readPeopleDirectory(path: String) throws -> (PeopleDirectory, [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    var rejected = 0
    let people = try TableReaders.people(path: path, file: path, diagnostics: &diagnostics, rejected: &rejected)
    return (people, diagnostics)
}

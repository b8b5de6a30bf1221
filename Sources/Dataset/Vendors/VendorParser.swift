import Foundation

/// Reads one vendor file into rows. JSON files may hold one API response, an array of
/// responses, or one response (or record) per line; NDJSON is streamed line by line.
struct VendorParser {
    let format: VendorFormat
    let tool: String
    let file: String

    typealias Emit = (VendorRow) throws -> Void

    func parse(path: String, extras: inout VendorExtras, diagnostics: inout [Diagnostic], emit: Emit) throws {
        let read: VendorFormat.ReadJSON
        switch format.reading {
        case let .csv(readCSV):
            try readCSV(self, path, &extras, &diagnostics, emit)
            return
        case let .json(readJSON):
            read = readJSON
        }
        var found: [Diagnostic] = []
        var collected = extras
        var rows = 0
        var documentIssues: [Diagnostic] = []
        try withoutActuallyEscaping(emit) { emit in
            let counting: Emit = { row in rows += 1; try emit(row) }
            try forEachJSON(path: path, diagnostics: &documentIssues) { object, line in
                try read(self, object, line, &collected, &found, counting)
            }
        }
        found = documentIssues + found
        extras = collected
        diagnostics += collapsed(found)
        // No silent loss: a usage file none of whose records could be read is an error of its own.
        if format.hasUsage && rows == 0 && found.contains(where: { $0.severity == .error }) {
            throw InputError([.error(file, line: 1, "no record of this file could be read as \(format.rawValue) (\(found.count) issue\(found.count == 1 ? "" : "s")); is it another format? name it under sources: in report.yml")])
        }
    }

    /// The same message for many records (a file of another format) said once, with a count.
    func collapsed(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var counts: [String: Int] = [:]
        for diagnostic in diagnostics { counts[diagnostic.message, default: 0] += 1 }
        var seen = Set<String>()
        return diagnostics.compactMap { diagnostic in
            let count = counts[diagnostic.message] ?? 1
            guard count > 3 else { return diagnostic }
            guard seen.insert(diagnostic.message).inserted else { return nil }
            var first = diagnostic
            first.message += " (and \(count - 1) more records like it)"
            return first
        }
    }

    // MARK: JSON documents

    /// Calls `body` with each top-level value: each line of an NDJSON file, each element of a
    /// top-level array, or the one document.
    func forEachJSON(path: String, diagnostics: inout [Diagnostic], body: (Any, Int) throws -> Void) throws {
        let head = try readHead(path: path, bytes: 1 << 20)
        let firstLine = head.split(separator: 0x0A, maxSplits: 1).first.map(Array.init) ?? []
        // One value per line when the first line is a whole object (or, for saved legacy
        // metrics responses, a whole array) and more follows.
        let firstValue = try? JSONSerialization.jsonObject(with: Data(firstLine), options: [])
        let isLines = (firstValue is [String: Any] || firstValue is [Any])
            && head.count > firstLine.count + 1
        if isLines {
            var reader = LineReader(source: try openByteSource(path: path))
            var localDiagnostics: [Diagnostic] = []
            try reader.forEach { bytes, number in
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: []) else {
                    localDiagnostics.append(.error(file, line: number, "not valid JSON (a truncated or damaged \(format.rawValue) export?)"))
                    return
                }
                if let array = object as? [Any] {  // a saved array of responses (or of days) per line
                    for element in array { try body(element, number) }
                } else {
                    try body(object, number)
                }
            }
            diagnostics += localDiagnostics
            return
        }
        // One document: its records one at a time, each with the line it starts on.
        var stream = JSONRecordStream()
        do {
            try stream.forEach(source: try openByteSource(path: path)) { bytes, line, key, envelope in
                guard let element = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
                    diagnostics.append(.error(file, line: line, "not valid JSON (a truncated or damaged \(format.rawValue) export?)"))
                    return
                }
                if let key {
                    var response = envelope
                    response[key] = [element]
                    try body(response, line)
                } else {
                    try body(element, line)
                }
            }
        } catch let issue as JSONRecordStream.Issue {
            switch issue {
            case let .invalid(line):
                diagnostics.append(.error(file, line: line, "not valid JSON (a truncated or damaged \(format.rawValue) export?)"))
            case let .tooLarge(line):
                diagnostics.append(.error(file, line: line, "a record over \(stream.maxRecordBytes >> 20) MiB: not read (export smaller pages, or NDJSON)"))
            }
        }
    }

    /// A value that is not what the format expects, said at its line.
    func wrong(_ expected: String, line: Int, diagnostics: inout [Diagnostic]) {
        diagnostics.append(.error(file, line: line, "not \(format.article) \(format.rawValue) export: expected \(expected)"))
    }

    /// Each bucket of a usage or cost API page (or one bucket saved alone), read by `body`.
    func forEachBucket(_ object: Any, line: Int, diagnostics: inout [Diagnostic],
                       body: ([String: Any], inout [Diagnostic]) throws -> Void) throws {
        guard let buckets = records(in: object, key: "data", orRecordWith: "results") else {
            return wrong("pages with \"data\" buckets", line: line, diagnostics: &diagnostics)
        }
        for bucket in buckets { try body(bucket, &diagnostics) }
    }

    // MARK: Shared

    /// The records of one response: its `key` array, or the object itself when it is a single
    /// record (it has `marker`), as when records were saved one per line.
    func records(in object: Any, key: String, orRecordWith marker: String) -> [[String: Any]]? {
        guard let response = object as? [String: Any] else { return nil }
        return (response[key] as? [[String: Any]]) ?? (response[marker] != nil ? [response] : nil)
    }

    /// Drops the row's impossible figures (the shared honesty rules), then hands it on.
    func send(_ row: UsageRecord, identity: String?, groupID: String? = nil, line: Int, diagnostics: inout [Diagnostic], emit: Emit) throws {
        var row = row
        for problem in row.dropImpossibleFigures() {
            diagnostics.append(.warning(file, line: line, "\(row.taskCategory.map { "\($0): " } ?? "")\(problem); the row's other figures are kept"))
        }
        try emit(VendorRow(record: row, line: line, identity: identity, groupID: groupID))
    }

    /// A record that carries none of its format's measures is not a row of zeros: it is an
    /// issue (a file of another format, a field renamed by the vendor).
    func carriesAny(_ record: [String: Any], of keys: [String], what: String, line: Int, diagnostics: inout [Diagnostic]) -> Bool {
        if keys.contains(where: { record[$0] != nil && !(record[$0] is NSNull) }) { return true }
        diagnostics.append(.error(file, line: line, "\(what) carries none of \(keys.joined(separator: ", ")): not read (a file of another format, or fields the vendor renamed?)"))
        return false
    }
}

func string(_ value: Any?) -> String? {
    switch value {
    case let text as String: return text.isEmpty ? nil : text
    case let number as NSNumber: return number.stringValue
    default: return nil
    }
}

/// A whole number from a JSON value, never trapping: a fraction is cut, a value beyond ±1.1 × 10^12
/// is held there (and its row then rejected as implausible, see `maxCount`), and what is not a
/// finite number is nil.
func int(_ value: Any?) -> Int64? {
    func fromDouble(_ number: Double) -> Int64? {
        guard number.isFinite else { return nil }
        return Int64(max(-1.1e12, min(1.1e12, number)))
    }
    switch value {
    case let number as NSNumber:
        let type = String(cString: number.objCType)
        if type == "d" || type == "f" { return fromDouble(number.doubleValue) }
        if type == "Q" { return number.uint64Value > UInt64(Int64.max) ? Int64(1.1e12) : min(Int64(1.1e12), number.int64Value) }
        return max(-Int64(1.1e12), min(Int64(1.1e12), number.int64Value))
    case let text as String:
        if let whole = Int64(text) { return max(-Int64(1.1e12), min(Int64(1.1e12), whole)) }
        return Double(text).flatMap(fromDouble)
    default: return nil
    }
}

/// Adds without trapping: a sum past Int64's range stays at its end (and its row is rejected
/// as implausible).
func accumulate(_ total: inout Int64, _ value: Int64) {
    let (sum, overflow) = total.addingReportingOverflow(value)
    total = overflow ? (value > 0 ? .max : .min) : sum
}

/// A day from Unix seconds, nil when out of any plausible range.
func unixDay(seconds: Double) -> Day? {
    guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
    return Day(index: Int32((seconds / 86400).rounded(.down)))
}

func double(_ value: Any?) -> Double? {
    switch value {
    case let number as NSNumber: return number.doubleValue
    case let text as String: return Double(text)
    default: return nil
    }
}

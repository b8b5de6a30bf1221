import Foundation

/// RFC 4180 CSV, parsed from bytes in chunks.
///
/// Quoted fields, doubled quotes, embedded newlines, CRLF, LF or lone CR line ends, a UTF-8
/// byte-order mark and a missing final newline are all accepted. Memory holds one chunk and
/// one record, whatever the size of the file. Every record knows the physical line it starts
/// on, so problems can be reported as `file:line`.

/// One record: its fields' bytes, kept until the next record is read.
public struct CSVRecord {
    /// The physical line (1-based) where the record starts.
    public internal(set) var line: Int = 0
    /// Set when the record is malformed; its fields are then incomplete.
    public internal(set) var problem: String?
    /// The fields' bytes, one byte between each and the next (the delimiter, as read), for a
    /// record the state machine read (`CSVParser.consume`). Unused while `lent` is set.
    @usableFromInline var bytes: [UInt8] = []
    /// A record without quotes that lies whole in the chunk is its line as it is: these are
    /// the chunk's own bytes, lent for the call that receives the record (the reader's chunk
    /// outlives it), rather than a copy. Nil when the fields are in `bytes`.
    @usableFromInline var lent: UnsafeBufferPointer<UInt8>?
    /// Where each field ends in the record's bytes.
    @usableFromInline var ends: [Int] = []

    public var count: Int { ends.count }

    @inlinable
    func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1] + 1)..<ends[index]
    }

    /// Calls `body` with the record's bytes (`ends` says where each field ends in them).
    @inlinable
    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        if let lent { return try body(lent) }
        return try bytes.withUnsafeBufferPointer(body)
    }

    /// The field as a string; nil when it is not valid UTF-8 or the record has no such field.
    public func string(_ index: Int) -> String? {
        guard index >= 0 && index < count else { return nil }
        let range = range(index)
        return withBytes { buffer in utf8Text(UnsafeBufferPointer(rebasing: buffer[range])) }
    }

    /// The field's bytes, without copying.
    @inlinable
    public func withField<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let range = range(index)
        return try withBytes { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    public func isEmpty(_ index: Int) -> Bool { range(index).isEmpty }

    /// True for a blank line (one empty field).
    public var isBlank: Bool { ends.count == 1 && ends[0] == 0 && problem == nil }

    mutating func reset(line: Int, keepingEnds: Bool = false) {
        self.line = line
        problem = nil
        lent = nil
        bytes.removeAll(keepingCapacity: true)
        if !keepingEnds { ends.removeAll(keepingCapacity: true) }
    }
}

public struct CSVReader {
    /// A field longer than this is not kept: its record is reported and skipped.
    public var maxFieldBytes: Int
    private var source: ByteSource

    /// False for a chunk that starts after the file's byte-order mark.
    public var skipsByteOrderMark = true

    /// The field separator: `,`, or `;` for a file a European spreadsheet saved.
    public var delimiter: UInt8 = 0x2C

    /// Bounds on one record, so that a hostile line (500 MB of commas, a million columns) costs
    /// a bounded amount of memory and becomes an issue at its line.
    public var maxFields = 10_000
    public var maxRecordBytes = 16 << 20

    /// After `forEach`: the line ends read, and whether the source ended between records (its
    /// last byte closed a record outside quotes) rather than inside one. A piece of a file cut
    /// at a line end read this way tells whether the cut was a record boundary.
    public private(set) var linesRead = 0
    public private(set) var endedBetweenRecords = true

    public init(source: ByteSource, maxFieldBytes: Int = 1 << 20) {
        self.source = source
        self.maxFieldBytes = maxFieldBytes
    }

    /// Calls `body` with each record in order (blank lines are skipped). A record with a
    /// `problem` (an unterminated quote, a field over the size limit) is passed on too, so the
    /// caller can report it at its line.
    public mutating func forEach(_ body: (CSVRecord) throws -> Void) throws {
        var chunk: [UInt8] = []
        var parser = CSVParser(line: 1, delimiter: delimiter, maxFieldBytes: maxFieldBytes,
                               maxFields: maxFields, maxRecordBytes: maxRecordBytes)
        var firstChunk = skipsByteOrderMark
        while true {
            try source.read(into: &chunk)
            if chunk.isEmpty { break }
            var start = 0
            if firstChunk {
                firstChunk = false
                if chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { start = 3 }
            }
            try parser.consume(chunk, from: start, body)
        }
        linesRead = parser.line - 1
        endedBetweenRecords = !parser.recordOpen && parser.state == .fieldStart && !parser.pendingCR
        try parser.finish(body)
    }
}

/// The state of reading records, carried from one chunk to the next. A struct with mutating
/// methods rather than locals shared by nested functions: locals captured that way are checked
/// for exclusive access at run time on every byte run, a tenth of ingest in a profile.
private struct CSVParser {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    var record = CSVRecord()
    var state = State.fieldStart
    var line: Int
    var pendingCR = false  // the last byte was a CR ending a line: skip a following LF
    var fieldStartOffset = 0
    var fieldTooLong = false
    var recordTooLarge: String?
    var recordOpen = false
    /// Where the next quote and carriage return lie in the chunk (its length: none), once
    /// looked for; -1: not looked for in this chunk.
    var nextQuote = -1, nextCR = -1
    let delimiter: UInt8
    let maxFieldBytes: Int
    let maxFields: Int
    let maxRecordBytes: Int

    init(line: Int, delimiter: UInt8, maxFieldBytes: Int, maxFields: Int, maxRecordBytes: Int) {
        self.line = line
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
        self.maxRecordBytes = maxRecordBytes
        record.reset(line: line)
    }

    @inline(__always) mutating func finishField() {
        if recordTooLarge != nil { record.bytes.removeAll(keepingCapacity: true); return }
        if record.ends.count >= maxFields {
            recordTooLarge = "the record has more than \(maxFields.formatted()) fields"
        } else if record.bytes.count - record.ends.count > maxRecordBytes {
            recordTooLarge = "the record is longer than \(maxRecordBytes >> 20) MiB"
        }
        if recordTooLarge != nil {
            record.bytes.removeAll(keepingCapacity: true)
            record.ends.removeAll(keepingCapacity: true)
            return
        }
        record.ends.append(record.bytes.count)
        record.bytes.append(delimiter)
    }

    mutating func finishRecord(_ body: (CSVRecord) throws -> Void) throws {
        finishField()
        if fieldTooLong {
            record.problem = "a field is longer than \(maxFieldBytes) bytes"
        }
        if let recordTooLarge {
            record.problem = recordTooLarge
            record.ends = [0]
        }
        if !record.isBlank || recordTooLarge != nil { try body(record) }
        fieldTooLong = false
        recordTooLarge = nil
        recordOpen = false
    }

    /// Adds a run of a field's bytes, unless the field would outgrow `maxFieldBytes`.
    @inline(__always) mutating func appendRun(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        guard end > start else { return }
        if record.bytes.count - fieldStartOffset + (end - start) <= maxFieldBytes {
            record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
        } else {
            fieldTooLong = true
        }
    }

    mutating func consume(_ chunk: [UInt8], from start: Int, _ body: (CSVRecord) throws -> Void) throws {
        try chunk.withUnsafeBufferPointer { buffer in try consume(buffer, from: start, body) }
    }

    mutating func consume(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (CSVRecord) throws -> Void) throws {
        (nextQuote, nextCR) = (-1, -1)
        var index = start
        let end = buffer.count
        while index < end {
            let byte = buffer[index]
            if pendingCR {
                pendingCR = false
                if byte == 0x0A { index += 1; continue }
            }
            if !recordOpen {
                if let next = try wholeRecord(buffer, at: index, body) {
                    index = next
                    continue
                }
                record.reset(line: line)
                recordOpen = true
                fieldStartOffset = 0
            }
            switch state {
            case .fieldStart:
                fieldStartOffset = record.bytes.count
                if byte == 0x22 {  // "
                    state = .quoted
                    index += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                // Copy the run of ordinary bytes in one go.
                var runEnd = index
                while runEnd < end {
                    let b = buffer[runEnd]
                    if b == delimiter || b == 0x0A || b == 0x0D { break }
                    runEnd += 1
                }
                appendRun(buffer, from: index, to: runEnd)
                index = runEnd
                if index < end {
                    let b = buffer[index]
                    index += 1
                    if b == delimiter {
                        finishField()
                        state = .fieldStart
                    } else {
                        line += 1
                        if b == 0x0D { pendingCR = true }
                        state = .fieldStart
                        try finishRecord(body)
                    }
                }
            case .quoted:
                var runEnd = index
                while runEnd < end {
                    let b = buffer[runEnd]
                    if b == 0x22 { break }
                    if b == 0x0A { line += 1 }
                    runEnd += 1
                }
                appendRun(buffer, from: index, to: runEnd)
                index = runEnd
                if index < end {  // a quote
                    index += 1
                    state = .quoteInQuoted
                }
            case .quoteInQuoted:
                if byte == 0x22 {  // a doubled quote stands for one
                    record.bytes.append(0x22)
                    index += 1
                    state = .quoted
                } else if byte == delimiter {
                    index += 1
                    finishField()
                    state = .fieldStart
                } else if byte == 0x0A || byte == 0x0D {
                    index += 1
                    line += 1
                    if byte == 0x0D { pendingCR = true }
                    state = .fieldStart
                    try finishRecord(body)
                } else {
                    // Text after a closing quote ("ab"c): keep it, as most readers do.
                    state = .unquoted
                }
            }
        }
    }

    /// A record that lies whole in this chunk with no quote and no carriage return before its
    /// line end (CRLF aside) — nearly every record of a usage file — lent in place (`lent`)
    /// and split at its delimiters. Returns where the next record starts, or nil for the state
    /// machine to read it (which starts the record anew). The state machine took a field at a
    /// time through its states and bound checks: a tenth of ingest. After it, this took six
    /// passes over each line (the line end, a quote, a carriage return, the delimiters counted
    /// and then placed, the copy): now the line end and the delimiters, while the next quote
    /// and carriage return are looked for once until a line passes them (`nextQuote`).
    @inline(__always)
    mutating func wholeRecord(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int, _ body: (CSVRecord) throws -> Void) throws -> Int? {
        guard state == .fieldStart, let base = buffer.baseAddress, index < buffer.count,
              let found = memchr(base + index, 0x0A, buffer.count - index) else { return nil }
        let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        var length = newline - index
        if length > 0 && buffer[newline - 1] == 0x0D { length -= 1 }
        guard length <= maxFieldBytes, length <= maxRecordBytes else { return nil }
        func next(_ byte: UInt8, after known: Int) -> Int {
            guard known < index else { return known }
            return memchr(base + index, Int32(byte), buffer.count - index)
                .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? buffer.count
        }
        nextQuote = next(0x22, after: nextQuote)
        nextCR = next(0x0D, after: nextCR)
        guard nextQuote >= index + length, nextCR >= index + length else { return nil }
        let text = UnsafeRawPointer(base + index)
        // The field ends are written over the last record's, as nearly every record has as
        // many fields: filling them anew took an append a field (perf: 1 %).
        var fields = 0
        record.ends.withUnsafeMutableBufferPointer { ends in
            forEachOccurrence(of: delimiter, in: text, count: length, readable: buffer.count - index) { position in
                if fields < ends.count { ends[fields] = position }
                fields += 1
            }
        }
        fields += 1
        guard fields <= maxFields else { return nil }
        record.reset(line: line, keepingEnds: true)
        if fields > record.ends.count {  // more fields than the last record: placed again
            record.ends.removeAll(keepingCapacity: true)
            forEachOccurrence(of: delimiter, in: text, count: length) { record.ends.append($0) }
            record.ends.append(length)
        } else {
            record.ends.removeLast(record.ends.count - fields)
            record.ends[fields - 1] = length
        }
        record.lent = UnsafeBufferPointer(start: base + index, count: length)
        line += 1
        if !record.isBlank { try body(record) }
        record.lent = nil
        return newline + 1
    }

    /// The end of the data.
    mutating func finish(_ body: (CSVRecord) throws -> Void) throws {
        guard recordOpen else { return }
        if state == .quoted {  // a last record without a final newline
            record.problem = "a quoted field starting on this line is never closed"
            finishField()
            try body(record)
        } else {
            try finishRecord(body)
        }
    }
}

/// Sets the high bit of each byte of `word` that is zero, and no other: exact, with no borrow
/// from one byte into the next (so no false positives after a zero byte).
@inline(__always)
private func zeroByteMask(_ word: UInt64) -> UInt64 {
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~(((word & low7) &+ low7) | word | low7)
}

/// How many bytes of `start[0..<count]` are `byte`.
@inline(__always)
func occurrences(of byte: UInt8, in start: UnsafeRawPointer, count: Int) -> Int {
    var found = 0
    forEachOccurrence(of: byte, in: start, count: count) { _ in found += 1 }
    return found
}

/// Calls `body` with the offset of each `byte` in `start[0..<count]`, in order. `readable` (at
/// least `count`) bytes may be loaded: the last few bytes are then loaded as a word too, the
/// bytes after `count` masked off, rather than one at a time.
@inline(__always)
func forEachOccurrence(of byte: UInt8, in start: UnsafeRawPointer, count: Int, readable: Int? = nil, _ body: (Int) -> Void) {
    let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
    let wordsEnd = (readable ?? count) - 8
    var offset = 0
    while offset < count && offset <= wordsEnd {
        // Little-endian: the lowest set bit is the first matching byte.
        var mask = zeroByteMask(UInt64(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) ^ pattern)
        if count - offset < 8 { mask &= (1 << UInt64(8 * (count - offset))) &- 1 }
        while mask != 0 {
            body(offset + mask.trailingZeroBitCount >> 3)
            mask &= mask &- 1
        }
        offset += 8
    }
    while offset < count {
        if start.load(fromByteOffset: offset, as: UInt8.self) == byte { body(offset) }
        offset += 1
    }
}

/// The text of bytes that must be UTF-8; nil when they are not. ASCII (nearly every field, name
/// and key) is made without `String(validating:)`, whose generic metadata is looked up on every
/// call: a tenth of reading the small tables, and of decoding the cached figures (perf).
func utf8Text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    for byte in bytes where byte >= 0x80 { return String(validating: bytes, as: UTF8.self) }
    return String(decoding: bytes, as: UTF8.self)
}

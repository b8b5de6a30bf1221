/// Plain little-endian bytes for Candor's own cache files: a writer, and a reader that checks
/// every length against what is left, so a truncated or damaged file is an error, never a crash
/// or a huge allocation.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    public mutating func int(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func int(_ value: Int) { int(Int64(value)) }
    public mutating func int32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func uint64(_ value: UInt64) { int(Int64(bitPattern: value)) }
    public mutating func double(_ value: Double) { uint64(value.bitPattern) }
    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    public mutating func raw(_ value: [UInt8]) {
        int(value.count)
        bytes.append(contentsOf: value)
    }
    public mutating func byte(_ value: UInt8) { bytes.append(value) }
    public var count: Int { bytes.count }
    /// Overwrites the integer `int` wrote at `offset` (a length known once what follows it is).
    public mutating func patch(_ value: Int, at offset: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { for (index, byte) in $0.enumerated() { bytes[offset + index] = byte } }
    }
    /// Bytes without their length (a file's magic number).
    public mutating func unframed(_ value: [UInt8]) { bytes.append(contentsOf: value) }
    public mutating func string(_ value: String) { raw(Array(value.utf8)) }
    public mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }
}

public struct ByteReader {
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    private let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset == bytes.count }

    private mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else { throw Malformed(description: "ends early at byte \(offset)") }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    public mutating func int() throws -> Int64 { try load(Int64.self) }
    public mutating func int32() throws -> Int32 { try load(Int32.self) }
    public mutating func uint64() throws -> UInt64 { try load(UInt64.self) }
    public mutating func double() throws -> Double { Double(bitPattern: try uint64()) }
    public mutating func bool() throws -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw Malformed(description: "no flag at byte \(offset)") }
        offset += 1
        return bytes[offset - 1] == 1
    }

    /// A count of items, each at least `itemBytes` long: never more than the bytes left allow.
    public mutating func count(itemBytes: Int = 1) throws -> Int {
        let value = try int()
        guard value >= 0, value <= Int64((bytes.count - offset) / max(1, itemBytes)) else {
            throw Malformed(description: "a count of \(value) at byte \(offset - 8) exceeds the file")
        }
        return Int(value)
    }

    /// A plain integer that must lie in `range`.
    public mutating func int(in range: ClosedRange<Int64>) throws -> Int {
        let value = try int()
        guard range.contains(value) else { throw Malformed(description: "\(value) at byte \(offset - 8) is out of range") }
        return Int(value)
    }

    public mutating func raw() throws -> [UInt8] {
        let count = try count()
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func string() throws -> String {
        let count = try count()
        defer { offset += count }
        guard let value = String(validating: bytes[offset..<offset + count], as: UTF8.self) else {
            throw Malformed(description: "text at byte \(offset) is not UTF-8")
        }
        return value
    }

    public mutating func strings() throws -> [String] {
        let count = try count(itemBytes: 8)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }
}

extension Diagnostic {
    public func encode(to writer: inout ByteWriter) {
        writer.string(file)
        writer.int(line)
        writer.int(column)
        writer.bool(severity == .error)
        writer.string(message)
    }

    public init(from reader: inout ByteReader) throws {
        let file = try reader.string()
        let line = try reader.int(in: 0...Int64(Int32.max))
        let column = try reader.int(in: 0...Int64(Int32.max))
        let severity: Severity = try reader.bool() ? .error : .warning
        self.init(file: file, line: line, column: column, severity: severity, message: try reader.string())
    }
}

extension InputFile {
    public func encode(to writer: inout ByteWriter) {
        writer.strings([path, sha256, format])
        writer.int(bytes)
        writer.int(rows)
    }

    public init(from reader: inout ByteReader) throws {
        let texts = try reader.strings()
        guard texts.count == 3 else { throw ByteReader.Malformed(description: "an input file entry has \(texts.count) texts") }
        self.init(path: texts[0], sha256: texts[1], bytes: try reader.int(in: 0...Int64.max), rows: try reader.int(in: 0...Int64.max),
                  format: texts[2])
    }
}

extension UsageSummary {
    public func encode(to writer: inout ByteWriter) {
        let tools = seats.keys.sorted()
        writer.strings(tools)
        for tool in tools { writer.int(seats[tool]!) }
        writer.int(overlaps)
        writer.strings(recognised.map(\.0))
        writer.strings(recognised.map(\.1))
        writer.int(rowsRead)
        writer.int(rowsRejected)
        writer.int(diagnostics.count)
        for diagnostic in diagnostics { diagnostic.encode(to: &writer) }
        writer.int(files.count)
        for file in files { file.encode(to: &writer) }
        writer.int(unmatchedIdentities)
    }

    public init(from reader: inout ByteReader) throws {
        self.init()
        for tool in try reader.strings() { seats[tool] = try reader.int(in: 0...Int64.max) }
        overlaps = try reader.int(in: 0...Int64.max)
        let paths = try reader.strings(), formats = try reader.strings()
        guard paths.count == formats.count else { throw ByteReader.Malformed(description: "recognised files and formats differ in number") }
        recognised = Array(zip(paths, formats))
        rowsRead = try reader.int(in: 0...Int64.max)
        rowsRejected = try reader.int(in: 0...Int64.max)
        for _ in 0..<(try reader.count(itemBytes: 33)) { diagnostics.append(try Diagnostic(from: &reader)) }
        for _ in 0..<(try reader.count(itemBytes: 48)) { files.append(try InputFile(from: &reader)) }
        unmatchedIdentities = try reader.int(in: 0...Int64.max)
    }
}

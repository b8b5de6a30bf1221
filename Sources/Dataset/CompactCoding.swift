import Foundation

// Codable values as tagged little-endian bytes, for Candor's cache files: the tree a
// JSONEncoder writes, without the text. Decoding the cached report with JSONDecoder was the
// largest part of a rebuild after a commentary edit (perf, `make bench`): it reads every
// number from text and builds a dictionary of keys for every object it meets. Here numbers
// are loaded as they are stored, and an object's fields are found by walking its entries from
// where the last one was found, so fields read in the order they were written cost one or
// two key comparisons each. None of the listed packages has a binary Codable format
// (swift-protobuf is not Codable). Every length and count is checked against the bytes left,
// so damaged bytes throw a `DecodingError`, never crash (tested with every truncation and
// damaged byte).
//
// A value is a tag byte, then:
//   nil, false, true   nothing
//   int, uint, double  8 bytes (a double as its bit pattern, so infinities and NaN survive)
//   string             length (8 bytes), then UTF-8
//   keyed, unkeyed     length of the rest (8 bytes), count (8 bytes), then the entries: for a
//                      keyed container each is a key (length and UTF-8) and a value.

enum CompactTag: UInt8 {
    case null = 0, falseValue, trueValue, int, uint, double, string, keyed, unkeyed
}

// MARK: - Encoding

/// Encodes a value as compact bytes (see the top of this file).
public struct CompactEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var writer = ByteWriter()
        try CompactEncoding.node(of: value, path: []).write(into: &writer)
        return writer.bytes
    }
}

/// A container's entries while they are encoded (shared by the container structs handed out).
final class CompactBox {
    let keyed: Bool
    var keys: [String] = []
    var values: [CompactNode] = []
    init(keyed: Bool) { self.keyed = keyed }
}

enum CompactNode {
    case null, bool(Bool), int(Int64), uint(UInt64), double(Double), string(String)
    case container(CompactBox)
    /// A super encoder's value, known only once its user is done with it.
    case deferred(CompactEncoding)

    func write(into writer: inout ByteWriter) {
        switch self {
        case .null: writer.byte(CompactTag.null.rawValue)
        case let .bool(value): writer.byte(value ? CompactTag.trueValue.rawValue : CompactTag.falseValue.rawValue)
        case let .int(value): writer.byte(CompactTag.int.rawValue); writer.int(value)
        case let .uint(value): writer.byte(CompactTag.uint.rawValue); writer.uint64(value)
        case let .double(value): writer.byte(CompactTag.double.rawValue); writer.double(value)
        case let .string(value): writer.byte(CompactTag.string.rawValue); writer.string(value)
        case let .deferred(encoder): (encoder.node ?? .container(CompactBox(keyed: true))).write(into: &writer)
        case let .container(box):
            writer.byte(box.keyed ? CompactTag.keyed.rawValue : CompactTag.unkeyed.rawValue)
            let lengthAt = writer.count
            writer.int(0)
            writer.int(box.values.count)
            for index in box.values.indices {
                if box.keyed { writer.string(box.keys[index]) }
                box.values[index].write(into: &writer)
            }
            writer.patch(writer.count - lengthAt - 8, at: lengthAt)
        }
    }
}

/// The `Encoder` one value is encoded through; its container (or single value) becomes `node`.
final class CompactEncoding: Encoder {
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: CompactNode?

    init(path: [CodingKey]) { codingPath = path }

    /// A value's node; a value that encodes nothing is an empty keyed container, as in JSON.
    static func node<T: Encodable>(of value: T, path: [CodingKey]) throws -> CompactNode {
        let encoder = CompactEncoding(path: path)
        try value.encode(to: encoder)
        return encoder.node ?? .container(CompactBox(keyed: true))
    }

    func box(keyed: Bool) -> CompactBox {
        if case let .container(existing)? = node, existing.keyed == keyed { return existing }
        let box = CompactBox(keyed: keyed)
        node = .container(box)
        return box
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(CompactKeyedEncoding<Key>(box: box(keyed: true), codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        CompactUnkeyedEncoding(box: box(keyed: false), codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { CompactSingleEncoding(encoder: self) }
}

struct CompactKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: CompactBox
    let codingPath: [CodingKey]

    private func put(_ key: Key, _ node: CompactNode) {
        box.keys.append(key.stringValue)
        box.values.append(node)
    }

    mutating func encodeNil(forKey key: Key) throws { put(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(key, .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(key, .double(Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(key, .int(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(key, .int(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(key, .int(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(key, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(key, .int(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(key, .uint(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(key, try CompactEncoding.node(of: value, path: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = CompactBox(keyed: true)
        put(key, .container(nested))
        return KeyedEncodingContainer(CompactKeyedEncoding<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let nested = CompactBox(keyed: false)
        put(key, .container(nested))
        return CompactUnkeyedEncoding(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> Encoder {
        let encoder = CompactEncoding(path: codingPath)
        box.keys.append(name)
        box.values.append(.deferred(encoder))
        return encoder
    }
}

struct CompactUnkeyedEncoding: UnkeyedEncodingContainer {
    let box: CompactBox
    let codingPath: [CodingKey]
    var count: Int { box.values.count }

    private func put(_ node: CompactNode) { box.values.append(node) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.double(value)) }
    mutating func encode(_ value: Float) throws { put(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { put(.int(value)) }
    mutating func encode(_ value: UInt) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { put(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { put(try CompactEncoding.node(of: value, path: codingPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = CompactBox(keyed: true)
        put(.container(nested))
        return KeyedEncodingContainer(CompactKeyedEncoding<NestedKey>(box: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let nested = CompactBox(keyed: false)
        put(.container(nested))
        return CompactUnkeyedEncoding(box: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> Encoder {
        let encoder = CompactEncoding(path: codingPath)
        put(.deferred(encoder))
        return encoder
    }
}

struct CompactSingleEncoding: SingleValueEncodingContainer {
    let encoder: CompactEncoding
    var codingPath: [CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.node = .null }
    mutating func encode(_ value: Bool) throws { encoder.node = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.node = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.node = .double(value) }
    mutating func encode(_ value: Float) throws { encoder.node = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { encoder.node = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { encoder.node = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { encoder.node = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { encoder.node = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { encoder.node = .int(value) }
    mutating func encode(_ value: UInt) throws { encoder.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.node = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.node = .uint(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: encoder) }
}

// MARK: - Decoding

/// Decodes what `CompactEncoder` wrote; damaged bytes throw `DecodingError.dataCorrupted`.
public struct CompactDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let decoder = CompactDecoding(bytes: bytes)
        let value = try T(from: decoder)
        let end = try decoder.end(of: 0)
        guard end == bytes.count else { throw decoder.damaged(end, "\(bytes.count - end) bytes follow the value") }
        return value
    }
}

/// The `Decoder` every value is decoded through: `position` is where the value being decoded
/// starts (set around each nested decode and put back after it, as JSONDecoder's stack does).
/// Coding paths are not tracked (errors give the byte instead): they would cost an array per value.
final class CompactDecoding: Decoder {
    let bytes: [UInt8]
    var position = 0
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    func damaged(_ at: Int, _ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "\(what) (at byte \(at))"))
    }

    /// Decodes a `T` from the value at `start`.
    func value<T: Decodable>(_ type: T.Type, at start: Int) throws -> T {
        let saved = position
        position = start
        defer { position = saved }
        return try T(from: self)
    }

    func tag(at: Int) throws -> CompactTag {
        guard at >= 0, at < bytes.count, let tag = CompactTag(rawValue: bytes[at]) else { throw damaged(at, "no value") }
        return tag
    }

    func word(at: Int) throws -> UInt64 {
        guard at >= 0, bytes.count - at >= 8 else { throw damaged(at, "ends early") }
        return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) })
    }

    /// A length or count stored at `at` that fits in the `limit` bytes that follow it.
    func length(at: Int, limit: Int) throws -> Int {
        let value = try word(at: at)
        guard value <= UInt64(max(0, limit)) else { throw damaged(at, "a length of \(value) exceeds its container") }
        return Int(value)
    }

    /// Where the value at `at` ends.
    func end(of at: Int) throws -> Int {
        switch try tag(at: at) {
        case .null, .falseValue, .trueValue: return at + 1
        case .int, .uint, .double:
            guard bytes.count - at >= 9 else { throw damaged(at, "ends early") }
            return at + 9
        case .string, .keyed, .unkeyed:
            return at + 9 + (try length(at: at + 1, limit: bytes.count - at - 9))
        }
    }

    func text(at: Int, length: Int) throws -> String {
        guard at >= 0, length >= 0, at <= bytes.count - length else { throw damaged(at, "text that ends past the end") }
        let text = bytes.withUnsafeBufferPointer { utf8Text(UnsafeBufferPointer(rebasing: $0[at..<at + length])) }
        guard let value = text else { throw damaged(at, "text that is not UTF-8") }
        return value
    }

    func mismatch(_ type: Any.Type, at: Int) -> DecodingError {
        .typeMismatch(type, .init(codingPath: [], debugDescription: "another kind of value (at byte \(at))"))
    }

    func bool(at: Int) throws -> Bool {
        switch try tag(at: at) {
        case .trueValue: return true
        case .falseValue: return false
        default: throw mismatch(Bool.self, at: at)
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, at: Int) throws -> T {
        let converted: T?
        switch try tag(at: at) {
        case .int: converted = T(exactly: Int64(bitPattern: try word(at: at + 1)))
        case .uint: converted = T(exactly: try word(at: at + 1))
        default: throw mismatch(type, at: at)
        }
        guard let value = converted else { throw damaged(at, "a number out of range for \(T.self)") }
        return value
    }

    func double(at: Int) throws -> Double {
        guard try tag(at: at) == .double else { throw mismatch(Double.self, at: at) }
        return Double(bitPattern: try word(at: at + 1))
    }

    func string(at: Int) throws -> String {
        guard try tag(at: at) == .string else { throw mismatch(String.self, at: at) }
        let count = try length(at: at + 1, limit: bytes.count - at - 9)
        return try text(at: at + 9, length: count)
    }

    /// A container at `at`: where its entries start and end, and how many there are.
    func container(_ tag: CompactTag, at: Int) throws -> (start: Int, end: Int, count: Int) {
        guard try self.tag(at: at) == tag else { throw mismatch(tag == .keyed ? [String: Int].self : [Int].self, at: at) }
        let length = try self.length(at: at + 1, limit: bytes.count - at - 9)
        guard length >= 8 else { throw damaged(at, "a container without its count") }
        // Each entry takes a byte at least (and a keyed one its key's length too).
        let count = try self.length(at: at + 9, limit: (length - 8) / (tag == .keyed ? 9 : 1))
        return (at + 17, at + 9 + length, count)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try CompactKeyedDecoding<Key>(decoder: self, at: position))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer { try CompactUnkeyedDecoding(decoder: self, at: position) }

    func singleValueContainer() throws -> SingleValueDecodingContainer { CompactSingleDecoding(decoder: self, at: position) }
}

/// A keyed container's fields, found by walking its entries from the last one found (a class:
/// that place changes while the protocol's methods are not mutating).
final class CompactKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: CompactDecoding
    let start: Int, end: Int, count: Int
    /// The entry last found, and its index: the next field asked for is usually this or the next.
    var cursor: Int, cursorIndex = 0
    var codingPath: [CodingKey] { [] }

    init(decoder: CompactDecoding, at: Int) throws {
        self.decoder = decoder
        (start, end, count) = try decoder.container(.keyed, at: at)
        cursor = start
    }

    /// The entry at `at`: where its key's text starts, its length, and where its value starts and ends.
    private func entry(at: Int) throws -> (key: Int, keyLength: Int, value: Int, next: Int) {
        let keyLength = try decoder.length(at: at, limit: end - at - 9)
        let value = at + 8 + keyLength
        let next = try decoder.end(of: value)
        guard next <= end else { throw decoder.damaged(at, "an entry overruns its container") }
        return (at + 8, keyLength, value, next)
    }

    /// Where the value of `key` starts, or nil when the container has no such key.
    func find(_ key: Key) throws -> Int? { try find(name: key.stringValue) }

    /// Where the value named `name` starts (a super encoder's "super" is no case of `Key`).
    func find(name: String) throws -> Int? {
        guard count > 0 else { return nil }
        var name = name
        return try name.withUTF8 { wanted -> Int? in
            var at = cursor, index = cursorIndex
            for _ in 0..<count {
                let found = try entry(at: at)
                if found.keyLength == wanted.count,
                   decoder.bytes.withUnsafeBytes({ memcmp($0.baseAddress! + found.key, wanted.baseAddress!, wanted.count) }) == 0 {
                    (cursor, cursorIndex) = (at, index)
                    return found.value
                }
                (at, index) = index + 1 == count ? (start, 0) : (found.next, index + 1)
            }
            return nil
        }
    }

    func require(_ key: Key) throws -> Int {
        guard let at = try find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no value for \"\(key.stringValue)\""))
        }
        return at
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        var at = start
        for _ in 0..<count {
            guard let found = try? entry(at: at), let name = try? decoder.text(at: found.key, length: found.keyLength) else { break }
            if let key = Key(stringValue: name) { keys.append(key) }
            at = found.next
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { (try? find(key)) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder.tag(at: try require(key)) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool(at: try require(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.string(at: try require(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.double(at: try require(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decoder.double(at: try require(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.integer(type, at: try require(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.integer(type, at: try require(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.value(type, at: try require(key)) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let at = try find(key), try decoder.tag(at: at) != .null else { return nil }
        return try decoder.value(type, at: at)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try CompactKeyedDecoding<NestedKey>(decoder: decoder, at: try require(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try CompactUnkeyedDecoding(decoder: decoder, at: try require(key))
    }

    func superDecoder() throws -> Decoder {
        guard let at = try find(name: "super") else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no value for \"super\""))
        }
        return CompactDecoding(bytes: decoder.bytes, position: at)
    }

    func superDecoder(forKey key: Key) throws -> Decoder { CompactDecoding(bytes: decoder.bytes, position: try require(key)) }
}

final class CompactUnkeyedDecoding: UnkeyedDecodingContainer {
    let decoder: CompactDecoding
    let end: Int
    let count: Int?
    var next: Int
    private(set) var currentIndex = 0
    var codingPath: [CodingKey] { [] }
    var isAtEnd: Bool { currentIndex >= count! }

    init(decoder: CompactDecoding, at: Int) throws {
        self.decoder = decoder
        let (start, end, count) = try decoder.container(.unkeyed, at: at)
        (self.end, self.count, next) = (end, count, start)
    }

    /// The next value's start, moving past it.
    private func advance() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "no more values (at byte \(next))"))
        }
        let at = next
        next = try decoder.end(of: at)
        guard next <= end else { throw decoder.damaged(at, "a value overruns its container") }
        currentIndex += 1
        return at
    }

    func decodeNil() throws -> Bool {
        guard !isAtEnd, try decoder.tag(at: next) == .null else { return false }
        _ = try advance()
        return true
    }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: try advance()) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(at: try advance()) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double(at: try advance()) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.double(at: try advance())) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type, at: try advance()) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type, at: try advance()) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type, at: try advance()) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type, at: try advance()) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.value(type, at: try advance()) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try CompactKeyedDecoding<NestedKey>(decoder: decoder, at: try advance()))
    }

    func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try CompactUnkeyedDecoding(decoder: decoder, at: try advance()) }

    func superDecoder() throws -> Decoder { CompactDecoding(bytes: decoder.bytes, position: try advance()) }
}

struct CompactSingleDecoding: SingleValueDecodingContainer {
    let decoder: CompactDecoding
    let at: Int
    var codingPath: [CodingKey] { [] }

    func decodeNil() -> Bool { (try? decoder.tag(at: at)) == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: at) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(at: at) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double(at: at) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.double(at: at)) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type, at: at) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type, at: at) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type, at: at) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type, at: at) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type, at: at) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type, at: at) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type, at: at) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type, at: at) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type, at: at) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type, at: at) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.value(type, at: at) }
}

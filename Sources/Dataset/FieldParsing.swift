import Foundation

/// Parsing of single field values from bytes, with a reason when they are wrong.

enum FieldError: Error {
    case message(String)
}

/// A non-negative whole number. Empty → nil. "12.0" is accepted (some exporters write floats).
@inline(__always)
func parseCount(_ bytes: UnsafeBufferPointer<UInt8>, column: String) throws -> Int64? {
    if bytes.isEmpty { return nil }
    var value: Int64 = 0
    var index = 0
    var negative = false
    if bytes[0] == 0x2D { negative = true; index = 1 }  // -
    else if bytes[0] == 0x2B { index = 1 }  // +
    guard index < bytes.count else { throw FieldError.message("\(column) \"\(text(bytes))\" is not a number") }
    while index < bytes.count {
        let byte = bytes[index]
        if byte >= 48 && byte <= 57 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(Int64(byte - 48))
            if overflow1 || overflow2 { throw FieldError.message("\(column) \(text(bytes)) is too large") }
            value = plus
            index += 1
        } else if byte == 0x2E {  // a decimal point: only zeros may follow
            index += 1
            while index < bytes.count, bytes[index] == 48 { index += 1 }
            guard index == bytes.count else {
                throw FieldError.message("\(column) \"\(text(bytes))\" is not a whole number")
            }
        } else {
            throw FieldError.message("\(column) \"\(text(bytes))\" is not a number")
        }
    }
    if negative && value != 0 { throw FieldError.message("\(column) is negative (\(text(bytes)))") }
    if value > maxCount { throw FieldError.message("\(column) \(text(bytes)) is implausibly large (more than 10^12 in one row)") }
    return value
}

/// The largest count or dollar amount one row may carry. A trillion tokens (or dollars) for one
/// person-day is no real usage, and the cap keeps every sum far from 64-bit overflow.
public let maxCount: Int64 = 1_000_000_000_000

func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>, column: String) throws -> Double? {
    if bytes.isEmpty { return nil }
    guard let value = Double(text(bytes)), value.isFinite else {
        throw FieldError.message("\(column) \"\(text(bytes))\" is not a number")
    }
    guard value >= 0 else { throw FieldError.message("\(column) is negative (\(text(bytes)))") }
    guard value <= Double(maxCount) else { throw FieldError.message("\(column) \(text(bytes)) is implausibly large (more than 10^12 in one row)") }
    return value
}

func parseBool(_ bytes: UnsafeBufferPointer<UInt8>, column: String) throws -> Bool {
    // The common spellings compared as bytes: a string lower-cased for every row was 0.7 % of ingest.
    if sameBytes(bytes, "false") || sameBytes(bytes, "0") { return false }
    if sameBytes(bytes, "true") || sameBytes(bytes, "1") { return true }
    switch text(bytes).lowercased() {
    case "", "false", "0", "no", "n", "f": return false
    case "true", "1", "yes", "y", "t": return true
    case let other: throw FieldError.message("\(column) \"\(other)\" is not true or false")
    }
}

/// Whether two runs of bytes are equal: a length check and `memcmp`. (The generic
/// `elementsEqual` walks both as sequences, byte by byte: 4 % of ingest in random order.)
@inline(__always)
func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}

@inline(__always)
func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
    sameBytes(a, UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
}

@inline(__always)
func sameBytes(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.withUnsafeBufferPointer { sameBytes($0, b) }
}

/// Where `needle` (not empty) first occurs in `text`, as an offset: `memchr` for its first byte,
/// then `memcmp`. For text searched often (template tags, feedback phrases, a page's title),
/// where Foundation's `range(of:)` converted the whole text to UTF-16 each time.
public func firstOffset(of needle: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let first = needle.first, needle.count <= text.count, let base = text.baseAddress, let pattern = needle.baseAddress else { return nil }
    let last = text.count - needle.count
    var start = 0
    while start <= last, let found = memchr(base + start, Int32(first), last - start + 1) {
        start = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        if memcmp(base + start, pattern, needle.count) == 0 { return start }
        start += 1
    }
    return nil
}

/// The bytes as text for a message (invalid UTF-8 repaired, long values cut).
func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let shown = String(decoding: bytes.prefix(60), as: UTF8.self)
    return bytes.count > 60 ? shown + "…" : shown
}

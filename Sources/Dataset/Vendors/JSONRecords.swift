import Foundation

/// Streams the records of one JSON document without holding the document: a top-level array
/// gives its elements; a top-level object gives each element of its record arrays (`data`,
/// `usageEvents`, `seats`) wrapped as `{key: [element]}` with the object's other (small) fields
/// beside it, or — when it has no record array — the object itself. Memory is bounded by one
/// record, not the file (an API response saved whole can be gigabytes), and each record comes
/// with the line it starts on, so an issue names its record's line rather than line 1.
struct JSONRecordStream {
    static let recordKeys: Set<String> = ["data", "usageEvents", "seats"]
    /// The largest record (or field beside the records) read; past it, an error.
    var maxRecordBytes = 64 << 20

    enum Issue: Error {
        case tooLarge(line: Int)
        case invalid(line: Int)
    }

    /// Calls `body` with each record's bytes (an element, or a whole small object), the line it
    /// starts on and, for an element of a record array, the key and the fields read so far.
    mutating func forEach(source: ByteSource, body: (_ bytes: [UInt8], _ line: Int, _ key: String?, _ envelope: [String: Any]) throws -> Void) throws {
        var source = source
        var chunk: [UInt8] = []
        var line = 1
        var depth = 0
        var inString = false, escaped = false
        enum Mode { case start, array, object }
        var mode = Mode.start
        // The current value being buffered (an element, a field value or a key).
        var buffer: [UInt8] = []
        var buffering = false
        var bufferLine = 1
        var bufferDepth = 0          // the depth at which the value started
        var bufferIsContainer = false
        // Object mode: keys and the record array we are inside.
        var expectingKey = false
        var key: String?
        var recordKey: String?       // inside `"data": [` … `]`
        var envelope: [String: Any] = [:]
        var readingKey = false
        var keyBytes: [UInt8] = []
        var sawRecords = false

        func startValue(_ at: Int, container: Bool = false) {
            buffering = true
            buffer.removeAll(keepingCapacity: true)
            bufferLine = line
            bufferDepth = at
            bufferIsContainer = container
        }

        func finishValue() throws {
            buffering = false
            if mode == .array || recordKey != nil {
                try body(buffer, bufferLine, recordKey, envelope)
                sawRecords = true
            } else if let name = key {
                if let value = try? JSONSerialization.jsonObject(with: Data(buffer), options: [.fragmentsAllowed]) { envelope[name] = value }
                key = nil
            }
        }

        while true {
            try source.read(into: &chunk)
            if chunk.isEmpty { break }
            for byte in chunk {
                if byte == 0x0A { line += 1 }
                if buffering {
                    if buffer.count >= maxRecordBytes { throw Issue.tooLarge(line: bufferLine) }
                    buffer.append(byte)
                }
                if readingKey {
                    if escaped { escaped = false; keyBytes.append(byte); continue }
                    if byte == 0x5C { escaped = true; keyBytes.append(byte); continue }
                    if byte == 0x22 {
                        readingKey = false
                        key = String(decoding: keyBytes, as: UTF8.self)
                        inString = false
                        continue
                    }
                    keyBytes.append(byte)
                    continue
                }
                if inString {
                    if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                    continue
                }
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D:
                    continue
                case 0x22:  // a string starts
                    if mode == .object && depth == 1 && expectingKey && !buffering {
                        readingKey = true
                        inString = true
                        keyBytes.removeAll(keepingCapacity: true)
                        expectingKey = false
                        continue
                    }
                    if !buffering { startValue(depth); buffer.append(byte) }
                    inString = true
                case 0x5B, 0x7B:  // [ {
                    if mode == .start {
                        mode = byte == 0x5B ? .array : .object
                        depth = 1
                        expectingKey = mode == .object
                        continue
                    }
                    if !buffering {
                        if mode == .object && depth == 1, let name = key, byte == 0x5B, Self.recordKeys.contains(name) {
                            recordKey = name
                            key = nil
                            depth += 1
                            continue
                        }
                        startValue(depth, container: true)
                        buffer.append(byte)
                    }
                    depth += 1
                case 0x5D, 0x7D:  // ] }
                    depth -= 1
                    if depth < 0 { throw Issue.invalid(line: line) }
                    if buffering && bufferIsContainer && depth == bufferDepth {
                        try finishValue()           // the buffered object or array closes
                    } else if buffering && !bufferIsContainer && depth == bufferDepth - 1 {
                        buffer.removeLast()         // a scalar ends where its parent closes
                        try finishValue()
                    }
                    if !buffering && recordKey != nil && depth == 1 { recordKey = nil }  // the record array ends
                case 0x2C:  // ,
                    if buffering && depth == bufferDepth {
                        buffer.removeLast()
                        try finishValue()
                    }
                    if mode == .object && depth == 1 { expectingKey = true }
                case 0x3A:  // :
                    continue
                default:
                    if mode == .start && (byte == 0xEF || byte == 0xBB || byte == 0xBF) { continue }  // a byte-order mark
                    if mode == .start { throw Issue.invalid(line: line) }
                    if !buffering { startValue(depth); buffer.append(byte) }
                }
            }
        }
        if buffering && mode == .object && recordKey == nil && depth == 1 { try finishValue() }  // a last scalar field
        if depth != 0 || inString || mode == .start { throw Issue.invalid(line: buffering ? bufferLine : line) }
        if mode == .object && !sawRecords {
            try body(Array((try? JSONSerialization.data(withJSONObject: envelope)) ?? Data()), 1, nil, [:])
        }
    }
}

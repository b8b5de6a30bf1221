import Foundation
import XCTest
@testable import Dataset

/// A temporary folder removed after the test.
final class TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "candor-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) -> String {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! data.write(to: URL(fileURLWithPath: full))
        return full
    }
}

/// A byte source over memory, handing out chunks of a chosen size (to test chunk boundaries).
struct MemorySource: ByteSource {
    var bytes: [UInt8]
    var chunk: Int
    var offset = 0

    init(_ text: String, chunk: Int = 3) {
        bytes = Array(text.utf8)
        self.chunk = chunk
    }

    init(bytes: [UInt8], chunk: Int = 3) {
        self.bytes = bytes
        self.chunk = chunk
    }

    mutating func read(into buffer: inout [UInt8]) throws {
        let end = min(bytes.count, offset + chunk)
        buffer = Array(bytes[offset..<end])
        offset = end
    }
}

func records(_ text: String, chunk: Int = 3, maxField: Int = 1 << 20) throws -> [(line: Int, fields: [String], problem: String?)] {
    var reader = CSVReader(source: MemorySource(text, chunk: chunk), maxFieldBytes: maxField)
    var result: [(Int, [String], String?)] = []
    try reader.forEach { record in
        result.append((record.line, (0..<record.count).map { record.string($0) ?? "<invalid>" }, record.problem))
    }
    return result
}

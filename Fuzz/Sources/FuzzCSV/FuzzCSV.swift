import FuzzSupport
import Dataset
import Foundation

/// Feeds arbitrary bytes through the CSV reader in small chunks, and through the usage reader's
/// field rules, checking the reader's own invariants (it must not crash, hang or lose lines).
struct Bytes: ByteSource {
    var data: [UInt8]
    var offset = 0
    let chunk: Int

    mutating func read(into buffer: inout [UInt8]) throws {
        let end = min(data.count, offset + chunk)
        buffer = Array(data[offset..<end])
        offset = end
    }
}

func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let chunk = 1 + Int(bytes.first ?? 0) % 17
    var reader = CSVReader(source: Bytes(data: bytes, chunk: chunk), maxFieldBytes: 4096)
    var lastLine = 0
    let newlines = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count
    do {
        try reader.forEach { record in
            precondition(record.line >= lastLine, "record lines go backwards")
            precondition(record.line <= newlines + 1, "a line number past the end")
            lastLine = record.line
            for index in 0..<record.count { _ = record.string(index) }
        }
    } catch {}
    return 0
}

/// The entry point SwiftPM links as `main`.
@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

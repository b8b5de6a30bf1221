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
    let newlines = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count
    let delimiter: UInt8 = (bytes.first ?? 0) & 0x80 == 0 ? 0x2C : 0x3B
    /// Every record as (line, fields, problem), read in chunks of `chunk` bytes.
    func read(chunk: Int) -> [String] {
        var reader = CSVReader(source: Bytes(data: bytes, chunk: chunk), maxFieldBytes: 4096)
        reader.delimiter = delimiter
        reader.maxFields = 64
        reader.maxRecordBytes = 8192
        var lastLine = 0
        var seen: [String] = []
        do {
            try reader.forEach { record in
                precondition(record.line >= lastLine, "record lines go backwards")
                precondition(record.line <= newlines + 1, "a line number past the end")
                lastLine = record.line
                let fields = (0..<record.count).map { index in record.withField(index) { Array($0) } }
                seen.append("\(record.line) \(fields) \(record.problem ?? "")")
            }
        } catch {
            seen.append("error \(error)")
        }
        return seen
    }
    // Small chunks cut nearly every record, so the state machine reads it; one chunk holds every
    // record whole, so those without quotes are read in one piece. Both must agree.
    let small = read(chunk: 1 + Int(bytes.first ?? 0) % 17)
    let whole = read(chunk: max(1, bytes.count))
    precondition(small == whole, "records differ between chunk sizes")
    return 0
}

/// The entry point SwiftPM links as `main`.
@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

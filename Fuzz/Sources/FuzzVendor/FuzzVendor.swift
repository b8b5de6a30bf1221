import FuzzSupport
import Dataset
import Foundation

/// Feeds arbitrary bytes to every vendor-export reader (the first byte picks the format): each
/// must turn any file into rows and file:line errors, never trap on a number or a shape.
let scratch = NSTemporaryDirectory() + "/candor-fuzz-vendor-\(getpid()).json"

func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let formats = VendorFormat.allCases
    let format = formats[Int(bytes[0]) % formats.count]
    FileManager.default.createFile(atPath: scratch, contents: Data(bytes.dropFirst()))
    _ = try? convertVendorFile(path: scratch, displayPath: "fuzz.json", format: format, tool: nil, people: nil) { record in
        precondition(record.requests >= 0 && record.inputTokens >= 0 && record.outputTokens >= 0, "a negative count got through")
    }
    _ = VendorFormat.detect(path: scratch)
    return 0
}

/// The entry point SwiftPM links as `main`.
@_cdecl("FuzzVendor_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

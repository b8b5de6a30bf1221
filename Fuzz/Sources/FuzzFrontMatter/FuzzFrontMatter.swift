import FuzzSupport
import Dataset
import Foundation

/// Arbitrary text as a feedback document, a commentary page and a report.yml: every outcome
/// must be a value or a diagnostic, never a crash or a hang.
func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = fuzzFeedbackDocument(text)
    _ = fuzzCommentary(text)
    _ = try? ReportConfig.parse(text)
    _ = try? FrontMatterDocument.split(text, file: "fuzz.md")
    return 0
}

/// The entry point SwiftPM links as `main`.
@_cdecl("FuzzFrontMatter_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

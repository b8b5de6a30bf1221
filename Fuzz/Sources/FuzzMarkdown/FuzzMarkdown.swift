import FuzzSupport
import Foundation
import Markdown

/// Feeds arbitrary text to the Markdown stage (cmark and Candor's walker: figure references,
/// chart fences, heading anchors, link and raw-HTML filtering). It must never trap, never let a
/// `javascript:` link or a `<script>` through without `unsafe_html`, and never leave a source
/// position in the page.
struct Resolver: MarkdownResolver {
    func figure(_ path: String) -> Result<String, MarkdownResolverError> {
        path.hasPrefix("org.") ? .success("<b>\(path.count)</b>") : .failure(MarkdownResolverError("unknown figure \(path)"))
    }
    func chart(_ request: ChartRequest) -> Result<String, MarkdownResolverError> { .success("<figure></figure>") }
}

func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let page = Markdown.render(text, resolver: Resolver())
    precondition(!page.html.contains("data-sourcepos"), "a source position leaked")
    precondition(!page.html.lowercased().contains("<script"), "raw HTML got through")
    precondition(!page.html.lowercased().contains("href=\"javascript:"), "a javascript: link got through")
    return 0
}

/// The entry point SwiftPM links as `main`.
@_cdecl("FuzzMarkdown_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

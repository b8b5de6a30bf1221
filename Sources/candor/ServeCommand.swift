import ArgumentParser
import Dataset
import Foundation

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the report: build, serve on this machine, rebuild and reload on every change.",
        discussion: reflow("""
        Builds the report into the output folder, serves it on the loopback address, watches
        the report folder and the theme, rebuilds when a file changes and reloads open pages.
        A commentary edit reuses the usage data already read. A build that fails keeps the
        last good site and shows the errors, with file and line, over the page and here.
        Ctrl-C stops it.

        Examples:
          candor serve
          candor serve --content q3 --port 9000 --open
        """))

    @OptionGroup var content: ContentOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "Address to listen on; the default serves this machine only.")
    var host = "127.0.0.1"

    @Flag(help: "Open the site in the default browser.")
    var open = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        let server = PreviewServer(content: content.content, output: output.output, theme: content.theme,
                                   cacheFolder: content.cacheFolder, progress: Progress(quiet: quiet, verbose: false))
        try await server.start(host: host, port: UInt16(port))
        let address = await server.address
        server.progress.note("candor: serving \(output.output)/ at http://\(host):\(address)/ — watching \(content.content)/; Ctrl-C stops")
        if open { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["xdg-open", "http://\(host):\(address)/"]) }
        // Ctrl-C: stop the server and leave cleanly.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
        let stopped = AsyncStream<Void> { continuation in
            interrupt.setEventHandler { continuation.yield() }
            interrupt.resume()
        }
        for await _ in stopped { break }
        server.stop()
        server.progress.note("\ncandor: stopped")
    }
}

/// The preview: the build loop, the last good site, the errors of the last build, and the
/// pages that listen for reloads.
final class PreviewServer: @unchecked Sendable {
    let content: String
    let output: String
    let theme: String?
    let cacheFolder: String?
    let progress: Progress
    let limits: PreviewHTTPServer.Limits
    let cache = Pipeline.Cache()
    let state = PreviewState()
    private var server: PreviewHTTPServer?
    private var watcher: Task<Void, Never>?

    init(content: String, output: String, theme: String?, cacheFolder: String? = nil, progress: Progress,
         limits: PreviewHTTPServer.Limits = .init()) {
        self.content = content
        self.output = output
        self.theme = theme
        self.cacheFolder = cacheFolder
        self.progress = progress
        self.limits = limits
    }

    var address: Int {
        get async { server?.port ?? 0 }
    }

    func start(host: String, port: UInt16) async throws {
        await rebuild()
        let root = URL(fileURLWithPath: output).standardizedFileURL.path
        let guardHost = HostGuard(names: HostGuard.names(for: host))
        let files = SiteFileHandler(root: root, state: state)
        let state = state
        let server = try PreviewHTTPServer(host: host, port: port, limits: limits) { request in
            if let refusal = guardHost.refusal(request) { return refusal }
            switch request.path {
            case "/__candor/live":
                // The build the server has now, at once: a page that missed a reload while it
                // reconnected reloads.
                return Reply(status: 200, headers: [("Content-Type", "text/event-stream")],
                             body: Array("retry: 1000\ndata: reload \(state.generation)\n\n".utf8), isEventStream: true)
            case "/__candor/status":
                return Reply(status: 200, headers: [("Content-Type", "application/json")], body: Array(state.status().utf8))
            default:
                return files.reply(to: request)
            }
        }
        state.onChange = { [weak server] generation in server?.broadcast("reload \(generation)") }
        server.start()
        self.server = server
        watcher = Task { [weak self] in await self?.watch() }
    }

    func stop() {
        watcher?.cancel()
        server?.stop()
        server = nil
    }

    /// Builds once; on failure keeps the last good site and records the errors.
    func rebuild() async {
        var options = Pipeline.Options(content: content, output: output, theme: theme, cacheFolder: cacheFolder)
        options.checkOnly = false
        do {
            let summary = try Pipeline.run(options, progress: progress, cache: cache)
            DiagnosticPrinter(format: .text, folder: content).print(summary.diagnostics.filter { $0.severity == .error })
            progress.note("candor: rebuilt in \(String(format: "%.2f", summary.seconds)) s (\(summary.pages) pages)")
            state.succeeded()
        } catch let Pipeline.Failure.inputs(diagnostics) {
            let errors = diagnostics.filter { $0.severity == .error }
            DiagnosticPrinter(format: .text, folder: content).print(errors)
            progress.note("candor: the build failed; still serving the last good site")
            state.failed(errors.map { DiagnosticPrinter(format: .text, folder: content, environment: ["NO_COLOR": "1"]).line($0) })
        } catch {
            progress.note("candor: the build failed: \(error)")
            state.failed(["\(error)"])
        }
    }

    /// Polls the report folder and the theme for changes (portable, and cheap at this size).
    func watch() async {
        var last = fingerprint()
        while (try? await Task.sleep(nanoseconds: 300_000_000)) != nil {
            let now = fingerprint()
            if Task.isCancelled { return }
            if now != last {
                last = now
                await rebuild()
            }
        }
    }

    func fingerprint() -> [String: String] {
        var result: [String: String] = [:]
        let outputPath = URL(fileURLWithPath: output).standardizedFileURL.path
        for folder in [content, theme ?? Pipeline.defaultThemeFolder()] {
            let base = URL(fileURLWithPath: folder).standardizedFileURL.path
            guard let enumerator = FileManager.default.enumerator(atPath: base) else { continue }
            while let item = enumerator.nextObject() as? String {
                let path = base + "/" + item
                if path.hasPrefix(outputPath + "/") || path == outputPath || (item as NSString).lastPathComponent.hasPrefix(".") { continue }
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                result[path] = "\(size)|\(modified)"
            }
        }
        return result
    }
}

/// The state pages see: which build they show, and the errors of the last one. Read by the
/// server's thread, written by the build loop.
final class PreviewState: @unchecked Sendable {
    private let lock = NSLock()
    private var _generation = 0
    private var _errors: [String] = []
    /// Told the new generation after every build (the server sends it to open pages).
    var onChange: (@Sendable (Int) -> Void)?

    var generation: Int { lock.withLock { _generation } }
    var errors: [String] { lock.withLock { _errors } }

    func succeeded() { finish(with: []) }

    func failed(_ messages: [String]) { finish(with: messages) }

    private func finish(with messages: [String]) {
        let generation = lock.withLock { () -> Int in
            _errors = messages
            _generation += 1
            return _generation
        }
        onChange?(generation)
    }

    func status() -> String {
        let (generation, errors) = lock.withLock { (_generation, _errors) }
        let object: [String: Any] = ["generation": generation, "errors": errors]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Answers only requests addressed to the name the server was bound to (or, on loopback, to
/// localhost), so a web page the author visits cannot read the preview by pointing its own
/// domain at 127.0.0.1 (DNS rebinding).
struct HostGuard {
    let names: Set<String>

    static func names(for host: String) -> Set<String> {
        var names: Set<String> = [host.lowercased()]
        if ["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"].contains(host) { names.formUnion(["127.0.0.1", "localhost", "[::1]"]) }
        return names
    }

    /// The Host header without its port ("[::1]:8080" → "[::1]").
    static func name(of header: String) -> String {
        let value = header.trimmingCharacters(in: .whitespaces).lowercased()
        if value.hasPrefix("["), let end = value.firstIndex(of: "]") { return String(value[...end]) }
        return value.split(separator: ":", maxSplits: 1).first.map(String.init) ?? value
    }

    /// A 403 for a request addressed to another name (or to none), nil for one it may answer.
    func refusal(_ request: RequestHead) -> Reply? {
        guard let host = request.header("host"), names.contains(Self.name(of: host)) else {
            return .text(403, "This preview answers only to \(names.sorted().joined(separator: ", ")).\n")
        }
        return nil
    }
}

/// Serves files of the output folder only: no `..`, no encoded dots, no dotfiles (`.git`, `.env`),
/// no link that leads out.
/// HTML pages get the live-reload snippet and, after a failed build, the error overlay; the
/// files on disk never do.
struct SiteFileHandler {
    let root: String
    let state: PreviewState

    static let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
                        "json": "application/json", "csv": "text/csv; charset=utf-8", "xml": "application/xml",
                        "js": "text/javascript", "png": "image/png", "ico": "image/x-icon", "txt": "text/plain; charset=utf-8"]

    /// The file a request path names inside `root`, or nil when it would leave it.
    static func resolve(_ requestPath: String, root: String) -> String? {
        guard let decoded = requestPath.removingPercentEncoding, !decoded.contains("\0"), !decoded.contains("\\") else { return nil }
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0.hasPrefix(".") }) { return nil }
        var relative = parts.joined(separator: "/")
        var isDirectory: ObjCBool = false
        if relative.isEmpty || decoded.hasSuffix("/") { relative += relative.isEmpty ? "index.html" : "/index.html" }
        var candidate = root + "/" + relative
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
            candidate += "/index.html"
        }
        let resolved = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
        let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        guard resolved.hasPrefix(base + "/"), FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory),
              !isDirectory.boolValue else { return nil }
        return resolved
    }

    func reply(to request: RequestHead) -> Reply {
        guard let path = Self.resolve(request.path, root: root), let data = FileManager.default.contents(atPath: path) else {
            let page = FileManager.default.contents(atPath: root + "/404.html") ?? Data("Not found".utf8)
            return Reply(status: 404, headers: [("Content-Type", "text/html; charset=utf-8")], body: inject(page))
        }
        let type = Self.types[(path as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
        return Reply(status: 200, headers: [("Content-Type", type), ("Cache-Control", "no-store")],
                     body: type.hasPrefix("text/html") ? inject(data) : Array(data))
    }

    /// The page with the live-reload script (an event stream; the page reloads when the server
    /// reports a build other than the one it shows) and, after a failed build, the errors.
    func inject(_ page: Data) -> [UInt8] {
        let errors = state.errors
        let generation = state.generation
        var snippet = "<script>(function(){var g=\(generation);new EventSource('/__candor/live').onmessage=function(e){if(e.data!=='reload '+g)location.reload()}})();</script>"
        if !errors.isEmpty {
            let items = errors.prefix(50).map { "<li><code>\(escapeHTML($0))</code></li>" }.joined()
            snippet += "<div id=\"candor-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;background:#3a0d0d;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.5rem;z-index:2147483647;border-top:4px solid #ff6b6b\"><strong>The last build failed — showing the previous site.</strong> Fix the file and save; this page reloads.<ul style=\"margin:.5rem 0 0;padding-left:1.2rem\">\(items)</ul></div>"
        }
        var text = String(decoding: page, as: UTF8.self)
        if let range = text.range(of: "</body>", options: .backwards) {
            text.replaceSubrange(range, with: snippet + "</body>")
        } else {
            text += snippet
        }
        return Array(text.utf8)
    }
}

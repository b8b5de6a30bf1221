import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import candor

/// A raw HTTP client over a loopback TCP socket, so the test needs no networking
/// library of its own.
final class RawClient {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends what the socket takes; a server that has closed is not an error here (no SIGPIPE).
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Everything until the server closes (or 5 s pass without a byte).
    func receiveAll() -> String {
        var all: [UInt8] = []
        while true {
            let chunk = receive()
            if chunk.isEmpty { break }
            all += chunk
        }
        return String(decoding: all, as: UTF8.self)
    }

    static func status(of response: String) -> Int { Int(response.split(separator: " ").dropFirst().first ?? "0") ?? 0 }

    func receive(atLeast count: Int = 1) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var received: [UInt8] = []
        while received.count < count {
            let n = read(descriptor, &buffer, buffer.count)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return received
    }

    /// GET a path; returns the status code and body (Connection: close).
    static func get(_ path: String, port: Int, host: String = "127.0.0.1") throws -> (Int, String) {
        let client = try RawClient(port: port)
        client.send("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
        let text = client.receiveAll()
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status(of: text), body)
    }
}

    /// A new report folder (`candor init`) served on a free loopback port.
func startPreview(in scratch: Scratch, limits: PreviewHTTPServer.Limits = .init()) async throws
    -> (PreviewServer, content: String, output: String, port: Int) {
    let content = scratch.path + "/report", output = scratch.path + "/site"
    try Init.parse([content]).run()
    let server = PreviewServer(content: content, output: output, theme: repository + "/Themes/default",
                               progress: Progress(quiet: true, verbose: false), limits: limits)
    try await server.start(host: "127.0.0.1", port: 0)
    return (server, content, output, await server.address)
}

final class ServeTests: XCTestCase {
    /// The preview answers only to its own names (a page on another domain resolving to
    /// 127.0.0.1 cannot read it) and never serves dotfiles from the output folder.
    func testServeRefusesForeignHostsAndDotfiles() async throws {
        let scratch = Scratch()
        let (server, _, output, port) = try await startPreview(in: scratch)
        defer { server.stop(); withExtendedLifetime(scratch) {} }
        try FileManager.default.createDirectory(atPath: output + "/.git", withIntermediateDirectories: true)
        try "[core]\n".write(toFile: output + "/.git/config", atomically: true, encoding: .utf8)
        try "SECRET=1\n".write(toFile: output + "/.env", atomically: true, encoding: .utf8)
        XCTAssertEqual(try RawClient.get("/.git/config", port: port).0, 404)
        XCTAssertEqual(try RawClient.get("/.env", port: port).0, 404)
        XCTAssertEqual(try RawClient.get("/%2Eenv", port: port).0, 404)
        XCTAssertEqual(try RawClient.get("/index.html", port: port, host: "rebind.attacker.example:\(port)").0, 403)
        XCTAssertEqual(try RawClient.get("/__candor/status", port: port, host: "rebind.attacker.example").0, 403)
        XCTAssertEqual(try RawClient.get("/index.html", port: port, host: "localhost:\(port)").0, 200)
        XCTAssertEqual(try RawClient.get("/index.html", port: port, host: "127.0.0.1:\(port)").0, 200)
    }

    func testServeRebuildsReloadsShowsErrorsAndRefusesTraversal() async throws {
        let scratch = Scratch()
        let (server, content, output, port) = try await startPreview(in: scratch)
        defer { server.stop(); withExtendedLifetime(scratch) {} }
        XCTAssertGreaterThan(port, 0)

        let (status, page) = try RawClient.get("/reading-this-report.html", port: port)
        XCTAssertEqual(status, 200)
        XCTAssertTrue(page.contains("/__candor/live"))
        let onDisk = try String(contentsOfFile: output + "/reading-this-report.html", encoding: .utf8)
        XCTAssertFalse(onDisk.contains("__candor"), "the reload snippet must not be written to the output")

        // A live-reload event stream: it says at once which build the server has.
        let socket = try RawClient(port: port)
        socket.send("GET /__candor/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        let opening = String(decoding: socket.receive(), as: UTF8.self)
        XCTAssertTrue(opening.hasPrefix("HTTP/1.1 200"), opening)
        XCTAssertTrue(opening.contains("Content-Type: text/event-stream"), opening)
        XCTAssertTrue(opening.contains("data: reload 1\n\n"), opening)

        // Edit the commentary: the new text is served within two seconds, and the page is told to reload.
        let edited = Date()
        let file = content + "/commentary/reading-this-report.md"
        try (String(contentsOfFile: file, encoding: .utf8) + "\nA new sentence QUOKKA17.\n").write(toFile: file, atomically: true, encoding: .utf8)
        var seen = false
        while Date().timeIntervalSince(edited) < 2 && !seen {
            try await Task.sleep(nanoseconds: 100_000_000)
            seen = try RawClient.get("/reading-this-report.html", port: port).1.contains("QUOKKA17")
        }
        XCTAssertTrue(seen, "the edit was not served within two seconds")
        let event = String(decoding: socket.receive(), as: UTF8.self)
        XCTAssertEqual(event, "data: reload 2\n\n", "the page is told of the new build")
        XCTAssertEqual(server.cache.ingests, 1, "a commentary edit must not re-read the usage data")

        // Break report.yml: the old page stays, with the error overlay naming the line.
        let settings = content + "/report.yml"
        let good = try String(contentsOfFile: settings, encoding: .utf8)
        try good.replacingOccurrences(of: "\nprivacy:", with: "\nprivcy:").write(toFile: settings, atomically: true, encoding: .utf8)
        var overlay = ""
        for _ in 0..<30 where !overlay.contains("candor-errors") {
            try await Task.sleep(nanoseconds: 100_000_000)
            overlay = try RawClient.get("/reading-this-report.html", port: port).1
        }
        XCTAssertTrue(overlay.contains("QUOKKA17"), "the last good page is still served")
        XCTAssertTrue(overlay.contains("report.yml:"), overlay)
        XCTAssertTrue(overlay.contains("unknown key &quot;privcy&quot;"), overlay)
        XCTAssertTrue(overlay.contains("did you mean &quot;privacy&quot;"), overlay)
        // Fix it: the overlay goes.
        try good.write(toFile: settings, atomically: true, encoding: .utf8)
        var fixed = false
        for _ in 0..<30 where !fixed {
            try await Task.sleep(nanoseconds: 100_000_000)
            fixed = !(try RawClient.get("/index.html", port: port).1.contains("candor-errors"))
        }
        XCTAssertTrue(fixed)

        // Traversal attempts.
        try "secret".write(toFile: scratch.path + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: output + "/leak.txt", withDestinationPath: scratch.path + "/secret.txt")
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/teams/..%2f..%2fsecret.txt", "/leak.txt", "/..%5csecret.txt"] {
            XCTAssertEqual(try RawClient.get(path, port: port).0, 404, path)
        }
        XCTAssertEqual(try RawClient.get("/teams/", port: port).0, 404)
        XCTAssertEqual(try RawClient.get("/", port: port).0, 200)
    }
}

/// The preview server's bounds: what a client may send, for how long, and how many may be
/// connected at once (#15.5). Timeouts are shortened here so the tests stay quick.
final class ServeLimitTests: XCTestCase {
    func quickLimits() -> PreviewHTTPServer.Limits {
        var limits = PreviewHTTPServer.Limits()
        limits.headTimeout = 1
        limits.idleTimeout = 1
        return limits
    }

    func testLongRequestLinesAndHeadsAreRefusedWhileOthersAreServed() async throws {
        let scratch = Scratch()
        let (server, _, _, port) = try await startPreview(in: scratch, limits: quickLimits())
        defer { server.stop(); withExtendedLifetime(scratch) {} }

        // Three clients each send a 1 MB URL at once: each is told 414 (after 8 KiB, not 1 MB)…
        let long = "GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let client = try RawClient(port: port)
                    client.send(long)
                    return client.receiveAll()
                }
            }
            // …and meanwhile a page is served.
            let started = Date()
            XCTAssertEqual(try RawClient.get("/index.html", port: port).0, 200)
            XCTAssertLessThan(Date().timeIntervalSince(started), 2)
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(answers.map(RawClient.status(of:)), [414, 414, 414], answers.map { String($0.prefix(80)) }.joined(separator: " | "))

        // Too many header fields, or one field too long: 431; a body, another method, a bad version.
        let many = (0..<200).map { "X-Field-\($0): value\r\n" }.joined()
        let refused: [(request: String, status: Int)] = [
            ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\(many)\r\n", 431),
            ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(String(repeating: "c", count: 40_000))\r\n\r\n", 431),
            ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello", 413),
            ("DELETE /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405),
            ("GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
        ]
        for (request, status) in refused {
            let client = try RawClient(port: port)
            client.send(request)
            XCTAssertEqual(RawClient.status(of: client.receiveAll()), status, String(request.prefix(40)))
        }

        // Two requests sent at once on one kept-alive connection are both answered, in order.
        let kept = try RawClient(port: port)
        kept.send("HEAD /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /__candor/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let both = kept.receiveAll()
        XCTAssertEqual(both.components(separatedBy: "HTTP/1.1 200 OK").count - 1, 2, both)
        XCTAssertTrue(both.hasSuffix("}"), "the second answer is the status JSON: \(both.suffix(60))")
    }

    func testSlowAndIdleConnectionsAreClosed() async throws {
        let scratch = Scratch()
        let (server, _, _, port) = try await startPreview(in: scratch, limits: quickLimits())
        defer { server.stop(); withExtendedLifetime(scratch) {} }

        // A head that trickles in, a byte at a time, past its deadline: 408, then closed.
        let slow = try RawClient(port: port)
        let started = Date()
        for byte in "GET / HTTP/1.1\r\nHost: 127.0".utf8 {
            guard slow.send([byte]) else { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let answer = slow.receiveAll()
        XCTAssertEqual(RawClient.status(of: answer), 408, answer)
        XCTAssertLessThan(Date().timeIntervalSince(started), 4.5)

        // A connection that never sends anything is closed without an answer.
        let idle = try RawClient(port: port)
        let opened = Date()
        XCTAssertEqual(idle.receiveAll(), "")
        XCTAssertLessThan(Date().timeIntervalSince(opened), 3)

        // A kept-alive connection that goes quiet after its answer is closed too.
        let quiet = try RawClient(port: port)
        quiet.send("GET /__candor/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let reply = quiet.receiveAll()
        XCTAssertEqual(RawClient.status(of: reply), 200)
        XCTAssertTrue(reply.contains("Connection: keep-alive"), reply)
    }

    func testHeldConnectionsCannotStarveNewOnes() async throws {
        let scratch = Scratch()
        var limits = PreviewHTTPServer.Limits()
        limits.maxConnections = 20
        let (server, _, _, port) = try await startPreview(in: scratch, limits: limits)
        defer { server.stop(); withExtendedLifetime(scratch) {} }
        // Sixty connections that send half a head and hold: the oldest are closed to make room.
        var held: [RawClient] = []
        for _ in 0..<60 {
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\n")
            held.append(client)
        }
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertEqual(try RawClient.get("/index.html", port: port).0, 200)
        XCTAssertEqual(held.first?.receiveAll(), "", "the oldest held connection was closed")
    }

    /// The real thing: `candor serve` under a limit of 96 open files, 300 held connections, an
    /// edit while they are held; the preview still answers and rebuilds.
    func testServeSurvivesMoreConnectionsThanDescriptors() async throws {
        let binary = repository + "/.build/debug/candor"
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("candor").path, binary]
        guard let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("the candor binary is not built beside the tests")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else { throw XCTSkip("prlimit is missing") }
        let scratch = Scratch()
        let content = scratch.path + "/report", output = scratch.path + "/site"
        try Init.parse([content]).run()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = ["--nofile=96:96", path, "serve", "--content", content, "--output", output,
                             "--theme", repository + "/Themes/default", "--port", "0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        defer { process.interrupt(); process.waitUntilExit() }
        var said = ""
        let deadline = Date().addingTimeInterval(60)
        while !said.contains("http://127.0.0.1:") && Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = said.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) else {
            return XCTFail("no address in: \(said)")
        }
        let port = Int(said[range].dropFirst("http://127.0.0.1:".count).dropLast())!
        var held: [RawClient] = []
        for _ in 0..<300 {
            guard let client = try? RawClient(port: port) else { break }
            client.send("GET / HTTP/1.1\r\n")
            held.append(client)
        }
        XCTAssertEqual(held.count, 300)
        XCTAssertEqual(try RawClient.get("/index.html", port: port).0, 200)
        let file = content + "/commentary/reading-this-report.md"
        try (String(contentsOfFile: file, encoding: .utf8) + "\nHeld but rebuilt WOMBAT42.\n").write(toFile: file, atomically: true, encoding: .utf8)
        var seen = false
        for _ in 0..<50 where !seen {
            try await Task.sleep(nanoseconds: 200_000_000)
            seen = try RawClient.get("/reading-this-report.html", port: port).1.contains("WOMBAT42")
        }
        XCTAssertTrue(seen, "the edit was not rebuilt and served while 300 connections were held")
        XCTAssertTrue(process.isRunning)
    }
}

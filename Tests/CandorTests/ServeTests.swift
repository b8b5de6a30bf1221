import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import candor

/// A raw HTTP/WebSocket client over a loopback TCP socket, so the test needs no networking
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

    func send(_ text: String) { _ = text.withCString { write(descriptor, $0, strlen($0)) } }

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
        var all: [UInt8] = []
        while true {
            let chunk = client.receive()
            if chunk.isEmpty { break }
            all += chunk
        }
        let text = String(decoding: all, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "0") ?? 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }
}

final class ServeTests: XCTestCase {
    /// A new report folder (`candor init`) served on a free loopback port.
    func startPreview(in scratch: Scratch) async throws -> (PreviewServer, content: String, output: String, port: Int) {
        let content = scratch.path + "/report", output = scratch.path + "/site"
        try Init.parse([content]).run()
        let server = PreviewServer(content: content, output: output, theme: repository + "/Themes/default",
                                   progress: Progress(quiet: true, verbose: false))
        try await server.start(host: "127.0.0.1", port: 0)
        return (server, content, output, await server.address)
    }

    /// The preview answers only to its own names (a page on another domain resolving to
    /// 127.0.0.1 cannot read it) and never serves dotfiles from the output folder.
    func testServeRefusesForeignHostsAndDotfiles() async throws {
        let scratch = Scratch()
        let (server, _, output, port) = try await startPreview(in: scratch)
        defer { Task { await server.stop() } }
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
        defer { Task { await server.stop() } }
        XCTAssertGreaterThan(port, 0)

        let (status, page) = try RawClient.get("/reading-this-report.html", port: port)
        XCTAssertEqual(status, 200)
        XCTAssertTrue(page.contains("/__candor/live"))
        let onDisk = try String(contentsOfFile: output + "/reading-this-report.html", encoding: .utf8)
        XCTAssertFalse(onDisk.contains("__candor"), "the reload snippet must not be written to the output")

        // A live-reload socket.
        let socket = try RawClient(port: port)
        socket.send("GET /__candor/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let handshake = String(decoding: socket.receive(), as: UTF8.self)
        XCTAssertTrue(handshake.hasPrefix("HTTP/1.1 101"), handshake)

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
        let frame = socket.receive(atLeast: 2)
        XCTAssertEqual(frame.first, 0x81, "a text frame")
        XCTAssertTrue(String(decoding: frame.dropFirst(2), as: UTF8.self).hasPrefix("reload"))
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

import Foundation
import XCTest
@testable import Dataset

/// SHA-256 and HMAC-SHA-256 from libcrypto, against values computed independently with
/// Python's hashlib and hmac (`hashlib.sha256(b"abc")`, `hmac.new(key, message, sha256)`).
final class DigestTests: XCTestCase {
    func testSHA256AndHMACMatchIndependentValues() throws {
        XCTAssertEqual(hexDigest(SHA256Hasher.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(pseudonym("ann@example.com", key: "s3cret"), "p6541858d6a92be63")
        XCTAssertEqual(pseudonym("Someone@Example.com", key: String(repeating: "k", count: 100)), "p70bc784b3206c956")  // a key longer than a block
        // A file's digest is the digest of its bytes, whatever the chunking, and can be read twice.
        let path = NSTemporaryDirectory() + "digest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let digest = try fileDigest(path: path)
        XCTAssertEqual(digest.sha256, hexDigest(SHA256Hasher.hash(bytes)))
        XCTAssertEqual(digest.bytes, 3_000_000)
        let source = try FileByteSource(path: path, hashing: true)
        var buffer: [UInt8] = []
        repeat { try source.read(into: &buffer) } while !buffer.isEmpty
        XCTAssertEqual(source.sha256, source.sha256)
    }
}

import Foundation
import XCTest
@testable import Dataset

/// The cache's binary Codable format: what is encoded is decoded to the same value, whatever
/// order the fields are read in; a wrong type or an out-of-range number throws; and no
/// truncation or damaged byte makes the decoder crash or read out of bounds.
final class CompactCodingTests: XCTestCase {
    enum Entry: Codable, Equatable {
        case plain
        case named(String, count: Int)
        case nested([Entry])
    }

    struct Inner: Codable, Equatable {
        var label: String
        var weights: [Double]
    }

    struct Sample: Codable, Equatable {
        var text = "Ünïcødé ✓ \"quoted\"\n"
        var empty = ""
        var flag = true
        var small: Int8 = -128
        var big = Int.min
        var huge = UInt64.max
        var day: Int32 = 20_000
        var ratio = 0.1 + 0.2
        var single: Float = 1.5
        var missing: String? = nil
        var present: Int? = 7
        var inner = Inner(label: "a", weights: [1, -0.0, 2.5e-300])
        var list: [Inner?] = [nil, Inner(label: "b", weights: [])]
        var byName = ["zeta": 1, "alpha": 2, "": 3]
        var byNumber = [3: "three", -1: "minus one"]
        var entries: [Entry] = [.plain, .named("x", count: 2), .nested([.plain, .named("", count: -5)])]
        var matrix: [[Int]] = [[], [1], [2, 3]]
        var sets: Set<String> = ["b", "a"]
    }

    func roundTrip<T: Codable>(_ value: T) throws -> T {
        try CompactDecoder().decode(T.self, from: try CompactEncoder().encode(value))
    }

    func testWhatIsEncodedIsDecodedWhole() throws {
        let sample = Sample()
        XCTAssertEqual(try roundTrip(sample), sample)
        var other = sample
        other.missing = "here"
        other.present = nil
        other.entries = []
        other.byName = [:]
        XCTAssertEqual(try roundTrip(other), other)
        XCTAssertEqual(try roundTrip([Int]()), [])
        XCTAssertEqual(try roundTrip("top-level text"), "top-level text")
    }

    func testNonFiniteNumbersKeepTheirBits() throws {
        let values = [Double.infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0]
        XCTAssertEqual(try roundTrip(values).map(\.bitPattern), values.map(\.bitPattern))
    }

    /// Fields read in another order than written (and one read twice) are still found.
    func testFieldsAreFoundInAnyOrder() throws {
        struct Written: Encodable {
            enum CodingKeys: String, CodingKey { case a, b, c, d }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(1, forKey: .a)
                try c.encode("two", forKey: .b)
                try c.encode([3.0], forKey: .c)
                try c.encodeNil(forKey: .d)
            }
        }
        struct Read: Decodable {
            var values: [String]
            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: Written.CodingKeys.self)
                let c3 = try c.decode([Double].self, forKey: .c)
                let b = try c.decode(String.self, forKey: .b)
                let a = try c.decode(Int.self, forKey: .a)
                let again = try c.decode([Double].self, forKey: .c)
                values = ["\(a)", b, "\(c3)", "\(again)", "\(try c.decodeNil(forKey: .d))", "\(c.contains(.d))",
                          "\(try c.decodeIfPresent(Int.self, forKey: .d) as Any)", c.allKeys.map(\.stringValue).joined()]
            }
        }
        let bytes = try CompactEncoder().encode(Written())
        XCTAssertEqual(try CompactDecoder().decode(Read.self, from: bytes).values,
                       ["1", "two", "[3.0]", "[3.0]", "true", "true", "nil", "abcd"])
    }

    /// A subclass's coding, through a super encoder under a key, the default "super" key and
    /// an unkeyed container, reads back what was written.
    func testSuperEncodersReadBack() throws {
        struct Layered: Codable, Equatable {
            var base: Inner, extra: String, listed: Int
            enum CodingKeys: String, CodingKey { case base, extra, list }
            init(base: Inner, extra: String, listed: Int) { (self.base, self.extra, self.listed) = (base, extra, listed) }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try base.encode(to: c.superEncoder(forKey: .base))
                try extra.encode(to: c.superEncoder())
                var list = c.nestedUnkeyedContainer(forKey: .list)
                try listed.encode(to: list.superEncoder())
            }
            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                base = try Inner(from: c.superDecoder(forKey: .base))
                extra = try String(from: c.superDecoder())
                var list = try c.nestedUnkeyedContainer(forKey: .list)
                listed = try Int(from: list.superDecoder())
            }
        }
        let value = Layered(base: Inner(label: "b", weights: [2]), extra: "x", listed: -4)
        XCTAssertEqual(try roundTrip(value), value)
    }

    func testAWrongTypeOrANumberOutOfRangeThrows() throws {
        let bytes = try CompactEncoder().encode([Int64(Int32.max) + 1])
        XCTAssertThrowsError(try CompactDecoder().decode([Int32].self, from: bytes))
        XCTAssertEqual(try CompactDecoder().decode([Int64].self, from: bytes), [Int64(Int32.max) + 1])
        XCTAssertThrowsError(try CompactDecoder().decode([UInt8].self, from: try CompactEncoder().encode([-1])))
        XCTAssertThrowsError(try CompactDecoder().decode([String].self, from: bytes))
        XCTAssertThrowsError(try CompactDecoder().decode(Inner.self, from: bytes), "an array is not an object")
        struct Renamed: Decodable { var title: String }
        XCTAssertThrowsError(try CompactDecoder().decode(Renamed.self, from: try CompactEncoder().encode(Inner(label: "a", weights: [])))) { error in
            guard case DecodingError.keyNotFound = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try CompactDecoder().decode([Int].self, from: bytes + [0]), "bytes after the value")
    }

    /// Every truncation throws; every damaged byte throws or decodes, never crashes.
    func testTruncatedAndDamagedBytesNeverCrashTheDecoder() throws {
        let good = try CompactEncoder().encode(Sample())
        for length in 0..<good.count {
            XCTAssertThrowsError(try CompactDecoder().decode(Sample.self, from: Array(good.prefix(length))), "cut at \(length)")
        }
        var refused = 0
        for index in good.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bytes = good
                bytes[index] ^= flip
                if (try? CompactDecoder().decode(Sample.self, from: bytes)) == nil { refused += 1 }
            }
        }
        XCTAssertGreaterThan(refused, good.count, "most damage is seen: a tag, a length, a count, a key")
        var random = SplitMix(state: 17)  // seeded: the same noise on every run
        for _ in 0..<2000 {
            let noise = (0..<Int.random(in: 0..<64, using: &random)).map { _ in UInt8.random(in: 0...8, using: &random) }
            _ = try? CompactDecoder().decode(Sample.self, from: noise)
            _ = try? CompactDecoder().decode([Entry].self, from: noise)
        }
    }
}

/// A seeded generator (SplitMix64), so that random inputs are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

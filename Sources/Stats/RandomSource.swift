/// A small seeded generator, so every random choice in a report can be repeated exactly.

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit state advanced by a Weyl sequence and
/// finalised by a bit mixer. Fast, passes BigCrush, and identical on every platform, which
/// Swift's `SystemRandomNumberGenerator` is not meant to be.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound without modulo bias (Lemire's method would be faster;
    /// rejection keeps it obviously correct).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

/// A stable 64-bit FNV-1a hash of a string's UTF-8 bytes, for seeds derived from names
/// (Swift's `hashValue` changes between runs by design).
///
/// `continuing` is the hash of a prefix: `stableHash(b, continuing: stableHash(a))` equals
/// `stableHash(a + b)` without building the joined string.
public func stableHash(_ text: String, continuing start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    func fnv<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash = start
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
    // The bytes in place where the string holds them so (as every prompt hash of a usage row
    // does, hashed once per row: 1.8 % of a 1M-row build, perf), else one at a time.
    return text.utf8.withContiguousStorageIfAvailable { fnv($0) } ?? fnv(text.utf8)
}

/// SipHash-1-3, the keyed hash Swift's own `Hasher` computes, written out for the short byte
/// runs of names: `Hasher.combine(bytes:)` buffers its input byte by byte, and hashing each
/// row's person, team and tool through it cost over 400 instructions a name — 8 % of a 1M-row
/// build's instructions in random order (cachegrind) — where this costs about 100. A keyed hash, not
/// a fixed one: with a key no file can know, no file can be written whose names all collide.
/// Checked against an independent implementation's values (`Tests/DatasetTests/Fixtures/siphash`).
struct SipHash13 {
    let k0: UInt64, k1: UInt64

    /// This process's key, drawn once from the system's random source.
    static let process: SipHash13 = {
        var random = SystemRandomNumberGenerator()
        return SipHash13(k0: random.next(), k1: random.next())
    }()

    /// The 64-bit SipHash-1-3 of `bytes`.
    @inline(__always)
    func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var v0 = k0 ^ 0x736F_6D65_7073_6575, v1 = k1 ^ 0x646F_7261_6E64_6F6D
        var v2 = k0 ^ 0x6C79_6765_6E65_7261, v3 = k1 ^ 0x7465_6462_7974_6573
        @inline(__always) func round() {
            v0 &+= v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
            v2 &+= v3; v3 = v3.rotatedLeft(16); v3 ^= v2
            v0 &+= v3; v3 = v3.rotatedLeft(21); v3 ^= v0
            v2 &+= v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
        }
        let count = bytes.count
        var offset = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while offset + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                v3 ^= word
                round()
                v0 ^= word
                offset += 8
            }
        }
        // The last 0–7 bytes, little-endian, with the length's low byte on top.
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while offset < count {
            last |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        v3 ^= last
        round()
        v0 ^= last
        v2 ^= 0xFF
        round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}

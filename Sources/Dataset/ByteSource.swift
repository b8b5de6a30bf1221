import CZlib
import Foundation

/// A stream of bytes read in chunks, so that memory does not grow with the size of a file.
public protocol ByteSource {
    /// Fills `buffer` (which it may resize) with the next chunk; an empty buffer means the end.
    mutating func read(into buffer: inout [UInt8]) throws
}

public struct ReadError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): error: \(message)" }
}

/// The bytes of a file, read with read(2) in chunks; hashed as they are read when asked to
/// (`sha256`). Only `fileDigest` asks: every reader of rows hashed what it read, for nothing.
public final class FileByteSource: ByteSource {
    public static let chunkSize = 1 << 20
    private let descriptor: Int32
    private let path: String
    private let hasher: SHA256Hasher?
    /// Bytes read so far.
    public private(set) var byteCount = 0

    /// A chunk's size: a megabyte, or a small file whole (with a byte to spare, to see its end).
    private let capacity: Int

    public init(path: String, hashing: Bool = false) throws {
        self.path = path
        hasher = hashing ? SHA256Hasher() : nil
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ReadError(path: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        let regular = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        capacity = regular ? min(Self.chunkSize, max(0, Int(info.st_size)) + 1) : Self.chunkSize
    }

    deinit { close(descriptor) }

    public func read(into buffer: inout [UInt8]) throws {
        let count = fill(&buffer, capacity: capacity) { pointer, count in
            while true {
                let read = Foundation.read(descriptor, pointer, count)
                if read >= 0 || errno != EINTR { return read }
            }
        }
        guard count >= 0 else {
            throw ReadError(path: path, message: "cannot read: \(String(cString: strerror(errno)))")
        }
        byteCount += count
        if let hasher { buffer.withUnsafeBytes { hasher.update($0) } }
    }

    /// The SHA-256 of the bytes read so far, in hex: the file's hash once it has been read whole.
    public var sha256: String {
        guard let hasher else { preconditionFailure("\(path) was opened without hashing") }
        return hexDigest(hasher.finalize())
    }
}

/// Reads up to `capacity` bytes into `buffer` with `read` (a count, or -1), leaving it as long
/// as what was read: its storage is reused when it holds a whole chunk (a reading loop's case), and is
/// otherwise made anew without zeroing it first (a small file's read zeroed a megabyte twice,
/// once to read it and once to find its end: most of reading the small inputs, perf).
func fill(_ buffer: inout [UInt8], capacity: Int, _ read: (UnsafeMutableRawPointer, Int) -> Int) -> Int {
    let capacity = max(1, capacity)
    if buffer.count == capacity {
        let count = buffer.withUnsafeMutableBytes { read($0.baseAddress!, capacity) }
        buffer.removeSubrange(max(count, 0)...)
        return count
    }
    var count = 0
    buffer = [UInt8](unsafeUninitializedCapacity: capacity) { storage, initialized in
        count = read(UnsafeMutableRawPointer(storage.baseAddress!), capacity)
        initialized = max(count, 0)
    }
    return count
}

/// Lower-case hex of a digest's bytes.
public func hexDigest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

/// The inflated bytes of a gzip file (several concatenated members are read as one stream,
/// as gzip(1) does), through zlib.
public final class GzipByteSource: ByteSource {
    public let file: FileByteSource
    private let path: String
    private var stream = z_stream()
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var fileEnded = false
    /// True between the first byte of a gzip member and its end: the file must not end there.
    private var insideMember = false
    private var inflated = 0
    private var compressed = 0
    /// Caps against decompression bombs: no file inflates past `maxInflated` bytes, and past
    /// the first `ratioGrace` bytes none inflates more than `maxRatio` times its compressed size
    /// (real usage exports compress 5–30 times; a run of zeros or newlines, a thousand times).
    public static let maxInflated = 64 << 30
    public static let maxRatio = 200
    public static let ratioGrace = 256 << 20

    public init(path: String) throws {
        self.path = path
        file = try FileByteSource(path: path)
        // 15 + 32: the largest window, and detect a gzip or zlib header automatically.
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ReadError(path: path, message: "zlib could not start (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    public func read(into buffer: inout [UInt8]) throws {
        let capacity = FileByteSource.chunkSize
        if buffer.count != capacity { buffer = [UInt8](repeating: 0, count: capacity) }
        var produced = 0
        while produced == 0 {
            if inputOffset >= input.count {
                if fileEnded { break }
                try file.read(into: &input)
                inputOffset = 0
                if input.isEmpty {
                    fileEnded = true
                    if insideMember {
                        throw ReadError(path: path, message: "the gzip data ends early (truncated file)")
                    }
                    break
                }
            }
            insideMember = true
            let available = input.count - inputOffset
            let offset = inputOffset
            var remaining = 0
            let status: Int32 = input.withUnsafeMutableBytes { inBytes in
                buffer.withUnsafeMutableBytes { outBytes in
                    stream.next_in = inBytes.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset
                    stream.avail_in = uInt(available)
                    stream.next_out = outBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(capacity)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    produced = capacity - Int(stream.avail_out)
                    remaining = Int(stream.avail_in)
                    return result
                }
            }
            compressed += (available - remaining)
            inflated += produced
            if inflated > Self.maxInflated {
                throw ReadError(path: path, message: "inflates to more than \(Self.maxInflated >> 30) GiB; split the export, or check the file is what it claims")
            }
            if inflated > Self.ratioGrace && inflated / max(compressed, 1) > Self.maxRatio {
                throw ReadError(path: path, message: "inflates more than \(Self.maxRatio) times its compressed size (\(inflated >> 20) MiB from \(compressed >> 10) KiB so far), as no usage export does: not read (a decompression bomb?)")
            }
            inputOffset = input.count - remaining
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                insideMember = false
                inflateReset(&stream)  // another member may follow
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw ReadError(path: path, message: "not valid gzip data (\(reason))")
            }
        }
        buffer.removeSubrange(produced...)
    }
}

/// The bytes of a file between two offsets, read with pread(2): a chunk read in parallel.
public final class FileRangeByteSource: ByteSource {
    private let descriptor: Int32
    private let path: String
    private var offset: Int
    private let end: Int
    /// The chunk's size: a megabyte, or the whole range when it is shorter.
    private let capacity: Int

    public init(path: String, start: Int, end: Int) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        offset = start
        self.end = end
        capacity = max(0, min(FileByteSource.chunkSize, end - start))
    }

    deinit { close(descriptor) }

    public func read(into buffer: inout [UInt8]) throws {
        let want = min(capacity, end - offset)
        if want <= 0 { buffer.removeAll(); return }
        let count = fill(&buffer, capacity: capacity) { pointer, _ in pread(descriptor, pointer, want, off_t(offset)) }
        guard count >= 0 else { throw ReadError(path: path, message: "cannot read: \(String(cString: strerror(errno)))") }
        offset += count
    }
}

/// A file's size in bytes and the time it was last modified (seconds since 1970), by stat(2);
/// nil when it cannot be read. (FileManager's attributes also look up the names of the file's
/// owner and group, which read /etc/passwd and /etc/group: a few milliseconds of every build.)
public func fileStatus(_ path: String) -> (size: Int, modified: Double)? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return (Int(info.st_size), Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
}

/// Where a plain CSV file may be cut into pieces for reading in parallel: after the first line
/// end at or after each of `targets` (ascending offsets), found by reading a little there. Each
/// piece is (start offset, end offset).
///
/// A line end may lie inside a quoted field, so a cut is only likely to be a record boundary:
/// reading the piece before it tells (`FileResult.endedBetweenRecords`), and the caller reads
/// the file again cut by `csvRecordCuts` when it was not. Deciding it beforehand took a pass over the whole file,
/// counting quotes before the parallel reading could start: a tenth of a build's time, serial
/// (0.81 s of a 10M-row build, 0.10 s at 1M rows).
public func csvLineCuts(path: String, targets: [Int], longestLine: Int = 16 << 20) throws -> [(start: Int, end: Int)] {
    let size = fileStatus(path)?.size ?? 0
    guard !targets.isEmpty, size > 0 else { return [(0, size)] }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw ReadError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var window = [UInt8](repeating: 0, count: 64 << 10)
    /// The offset just after the first line end at or after `target`, within `longestLine`.
    func lineEnd(after target: Int) throws -> Int? {
        var offset = target
        while offset < min(size, target + longestLine) {
            let count = window.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard count >= 0 else { throw ReadError(path: path, message: "cannot read: \(String(cString: strerror(errno)))") }
            if count == 0 { return nil }
            if let found = window[..<count].firstIndex(of: 0x0A) { return offset + found + 1 }
            offset += count
        }
        return nil
    }
    var cuts: [Int] = []
    for target in targets {
        guard let cut = try lineEnd(after: max(cuts.last ?? 0, target)) else { break }
        cuts.append(cut)
    }
    return pieces(cutAt: cuts, size: size)
}

/// The pieces between ascending cuts (those inside the file and after the previous one).
private func pieces(cutAt cuts: [Int], size: Int) -> [(start: Int, end: Int)] {
    var pieces: [(start: Int, end: Int)] = []
    var start = 0
    for cut in cuts where cut > start && cut < size {
        pieces.append((start, cut))
        start = cut
    }
    pieces.append((start, size))
    return pieces
}

/// Whether the first `within` bytes of a CSV file hold a line end inside a quoted field: a file
/// that does is cut where the quotes are counted (`csvRecordCuts`), as its line ends are likely
/// to be inside quotes further on too, where a cut at one would be read twice.
public func csvHasQuotedLineEnds(path: String, within: Int = 1 << 20) throws -> Bool {
    let head = try readHead(path: path, bytes: within)
    var quoted = false
    for byte in head {
        if byte == 0x22 { quoted.toggle() } else if byte == 0x0A && quoted { return true }
    }
    return false
}

/// Where a plain CSV file can be cut into pieces at record boundaries: after the first line end
/// outside quotes (an even number of `"` before it, as RFC 4180 quotes come in pairs) at or
/// after each of `targets` (ascending offsets). One sequential pass over the file, up to the last cut:
/// for a file whose line ends are often inside quoted fields (`csvLineCuts` then cuts one).
public func csvRecordCuts(path: String, targets: [Int]) throws -> [(start: Int, end: Int)] {
    let size = fileStatus(path)?.size ?? 0
    guard !targets.isEmpty, size > 0 else { return [(0, size)] }
    var targets = targets
    var cuts: [Int] = []
    let source = try FileByteSource(path: path)
    var buffer: [UInt8] = []
    var position = 0, quotes = 0
    while !targets.isEmpty {
        try source.read(into: &buffer)
        if buffer.isEmpty { break }
        buffer.withUnsafeBufferPointer { bytes in
            func count(_ range: Swift.Range<Int>) -> Int {
                range.isEmpty ? 0 : occurrences(of: 0x22, in: UnsafeRawPointer(bytes.baseAddress! + range.lowerBound), count: range.count)
            }
            // Up to each target only the quotes are counted (eight bytes at a time); from it on,
            // every byte is looked at, to the first line end outside quotes.
            var index = 0
            while let target = targets.first, target < position + bytes.count {
                let from = max(target - position, index)
                quotes += count(index..<from)
                index = from
                var cut = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == 0x22 { quotes += 1 } else if byte == 0x0A && quotes % 2 == 0 { cut = true; break }
                }
                guard cut else { return }  // the record goes on in the next chunk
                cuts.append(position + index)
                targets.removeFirst()
            }
            quotes += count(index..<bytes.count)
        }
        position += buffer.count
    }
    return pieces(cutAt: cuts, size: size)
}

/// Opens a file as a byte source, inflating it when its name ends in `.gz` (on a thread of its
/// own, ahead of the reader).
public func openByteSource(path: String) throws -> ByteSource {
    path.hasSuffix(".gz") ? ReadAheadByteSource(try GzipByteSource(path: path)) : try FileByteSource(path: path)
}

/// A byte source whose next chunks are read on a thread of its own while the caller works on
/// the last. A gzip file is one reading task, as it cannot be cut into pieces, and inflating it
/// was an eighth of reading it, on that one thread, while the other core had nothing to do.
/// At most `depth` chunks wait; an error reaches the caller after the chunks read before it.
public final class ReadAheadByteSource: ByteSource {
    /// What the two threads share, under `condition`.
    private final class Pipe: @unchecked Sendable {
        let condition = NSCondition()
        var chunks: [Result<[UInt8], Error>] = []
        /// The source's end (or its error) is among `chunks`, or has been taken.
        var ended = false
        /// The reader is gone: the thread stops at its next chunk.
        var abandoned = false
    }

    /// The source, given to the thread that reads it.
    private struct Lent: @unchecked Sendable { var source: ByteSource }

    public static let depth = 4
    private let pipe = Pipe()

    public init(_ source: ByteSource) {
        let pipe = self.pipe
        let lent = Lent(source: source)
        Thread {
            var source = lent.source
            while true {
                var chunk: [UInt8] = []  // a new array for each: the one handed over is the reader's
                let result = Result { try source.read(into: &chunk); return chunk }
                let last = (try? result.get().isEmpty) ?? true
                pipe.condition.lock()
                while pipe.chunks.count >= Self.depth && !pipe.abandoned { pipe.condition.wait() }
                guard !pipe.abandoned else { pipe.condition.unlock(); return }
                pipe.chunks.append(result)
                pipe.ended = last
                pipe.condition.broadcast()
                pipe.condition.unlock()
                if last { return }
            }
        }.start()
    }

    deinit {
        pipe.condition.lock()
        pipe.abandoned = true
        pipe.condition.broadcast()
        pipe.condition.unlock()
    }

    public func read(into buffer: inout [UInt8]) throws {
        pipe.condition.lock()
        while pipe.chunks.isEmpty && !pipe.ended { pipe.condition.wait() }
        let next = pipe.chunks.isEmpty ? nil : pipe.chunks.removeFirst()
        pipe.condition.broadcast()
        pipe.condition.unlock()
        guard let next else { buffer.removeAll(); return }  // read again after the end
        buffer = try next.get()
    }
}

/// A file's bytes, read straight into one array (Foundation's `Data`, then an array of it, took
/// two passes and twice the fresh pages); nil when it cannot be read.
public func fileBytes(path: String) -> [UInt8]? {
    guard let source = try? FileByteSource(path: path) else { return nil }
    var whole: [UInt8] = [], chunk: [UInt8] = []
    do {
        try source.read(into: &whole)
        while true {
            try source.read(into: &chunk)
            if chunk.isEmpty { return whole }
            whole += chunk
        }
    } catch {
        return nil
    }
}

/// The SHA-256 (hex) and size of a file's bytes as stored.
public func fileDigest(path: String) throws -> (sha256: String, bytes: Int) {
    let source = try FileByteSource(path: path, hashing: true)
    var buffer: [UInt8] = []
    repeat { try source.read(into: &buffer) } while !buffer.isEmpty
    return (source.sha256, source.byteCount)
}

/// A keyed hash of an identity (HMAC-SHA-256, first 16 hex digits), so that Analysis can tell
/// people apart without knowing who they are.
public func pseudonym(_ identity: String, key: String) -> String {
    let code = SHA256Hasher.hmac(key: Array(key.utf8), message: Array(identity.lowercased().utf8))
    return "p" + code.prefix(8).map { String(format: "%02x", $0) }.joined()
}

/// Asks the kernel to start reading these files into its cache, on a thread of its own, and
/// returns at once: the threads that then read them one by one find them there instead of
/// each waiting for its file. With the page cache cold (the bench machine empties it of idle
/// files within seconds), the cores of a 10,000-page build waited in `read` for one document
/// after another (perf sched:sched_switch): 4.2 s, and 3.2 s with this. Only a hint: a file
/// that cannot be opened is skipped here and reported by the read.
public func prefetch(_ paths: [String]) {
    guard paths.count > 1 else { return }
    DispatchQueue.global().async {
        for path in paths {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else { continue }
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_WILLNEED)
            close(descriptor)
        }
    }
}

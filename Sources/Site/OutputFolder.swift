import Dataset
import Foundation

/// The site as files in memory, written to the output folder in one step.
public struct SiteFiles: Sendable {
    /// Relative path → bytes, in no particular order (written sorted).
    public private(set) var files: [String: [UInt8]] = [:]
    /// Where each file is handed as it is added, to be written while the rest is built.
    let staged: StagedSite?

    public init(staged: StagedSite? = nil) {
        self.staged = staged
    }

    /// Adds a file. Throws when the path would leave the output folder, or when another file
    /// has that path already (two pages of one name: the first would be lost without a word).
    public mutating func add(_ path: String, _ text: String) throws {
        try add(path, Array(text.utf8))
    }

    public mutating func add(_ path: String, _ bytes: [UInt8]) throws {
        guard OutputFolder.isSafeRelativePath(path) else { throw OutputFolder.Error.unsafePath(path) }
        guard files[path] == nil else { throw OutputFolder.Error.twoFiles(path) }
        files[path] = bytes
        staged?.hand(path, bytes)
    }

    public func text(_ path: String) -> String? { files[path].map { String(decoding: $0, as: UTF8.self) } }
    public var paths: [String] { files.keys.sorted() }
    public var byteCount: Int { files.values.reduce(0) { $0 + $1.count } }
}

/// Replaces an output folder atomically: the new site is written into a hidden staging folder
/// beside it and renamed into place only when complete, so a build that fails midway leaves
/// the previous site whole. Top-level dot files of the previous folder that Candor does not
/// write (`.git` of a publishing worktree, `.gitkeep`, `.nojekyll`) are carried over.
public enum OutputFolder {
    public enum Error: Swift.Error, CustomStringConvertible {
        case unsafePath(String)
        case twoFiles(String)
        case io(String)
        public var description: String {
            switch self {
            case let .unsafePath(path): return "refusing to write \"\(path)\": it would leave the output folder"
            case let .twoFiles(path): return "two files of the site are both named \"\(path)\"; rename one of the pages, teams or tools they come from"
            case let .io(message): return message
            }
        }
    }

    /// A path is safe when it is relative, has no empty, "." or ".." parts, and no backslash.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Writes a new file; nil when written, else errno. The file is created holding `creating`,
    /// when given (see `write`), and filled after it is released.
    static func writeFile(_ path: String, _ bytes: [UInt8], creating: NSLock? = nil) -> Int32? {
        creating?.lock()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        creating?.unlock()
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        return bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 { if errno == EINTR { continue }; return errno }
                offset += written
            }
            return nil
        }
    }

    /// `AT_EMPTY_PATH` of Linux's <fcntl.h>, which Glibc's module leaves out (a GNU extension).
    static let atEmptyPath: Int32 = 0x1000

    /// Puts the previous site's file at `path` when it holds exactly these bytes, as a second
    /// link to it, and says whether it did. A new file costs the file system an inode, and
    /// after a rebuild has just deleted the last site's thousands of them, ext4 searched long
    /// for one: creating 20,000 files was most of a 10,000-page build's write stage and varied
    /// from 0.4 to 1.8 s between runs (perf: `__ext4_new_inode`). A link costs a directory entry,
    /// and an unchanged file keeps its modification time, so rsync and caches see what changed.
    /// Only a regular file linked nowhere else is taken, from a folder of the old site that is
    /// not a symbolic link (`write` checks), opened without following a symbolic link and
    /// linked by its descriptor, so a path swapped meanwhile is not what is linked;
    /// it is never written to afterwards, so the old site stays as it was until it is replaced.
    static func reuse(_ previous: String, at path: String, _ bytes: [UInt8]) -> Bool {
        let descriptor = open(previous, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 1,
              status.st_size == off_t(bytes.count) else { return false }
        let same = bytes.withUnsafeBytes { expected -> Bool in
            guard expected.count > 0 else { return true }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: expected.count, alignment: 16)
            defer { buffer.deallocate() }
            var offset = 0
            while offset < expected.count {
                let count = read(descriptor, buffer.baseAddress! + offset, expected.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return memcmp(buffer.baseAddress!, expected.baseAddress!, expected.count) == 0
        }
        guard same else { return false }
        // By the descriptor itself where the kernel allows it (Linux 6.10 and later, for the
        // process that opened it), which spares the walk through /proc.
        if linkat(descriptor, "", AT_FDCWD, path, atEmptyPath) == 0 { return true }
        return linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0
    }

    /// Whether `path` is a folder itself, not a symbolic link to one.
    static func isRealFolder(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// What went wrong, in words a user can act on, never a raw Foundation error text.
    static func explain(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "the disk quota is exhausted"
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "the file system is read-only"
        case ENAMETOOLONG: return "a file name is too long for this file system"
        default: return String(cString: strerror(code))
        }
    }

    /// The POSIX error behind a Foundation error, when there is one.
    static func posixCode(_ error: Swift.Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(underlying) }
        if ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileWriteOutOfSpace.rawValue { return ENOSPC }
        return nil
    }

    /// renameat2(2) with RENAME_EXCHANGE: swaps two paths in one step (Linux 3.15+, most local
    /// file systems), looked up at run time since Swift's Glibc module does not export it.
    /// False when the system or the file system cannot.
    static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    /// True when `path` is the root of a mounted file system (its device differs from its parent's).
    static func isMountPoint(_ path: String) -> Bool {
        var own = stat(), parent = stat()
        guard stat(path, &own) == 0, stat((path as NSString).deletingLastPathComponent.isEmpty ? "/" : (path as NSString).deletingLastPathComponent, &parent) == 0 else { return false }
        return own.st_dev != parent.st_dev
    }

    /// For a mount point: removes what the old site left in `target` (dot files aside) and moves
    /// the new site's entries in. Not atomic, which a mount point cannot be; said in the docs.
    static func replaceContents(of target: URL, with staging: URL) throws {
        let fileManager = FileManager.default
        for entry in try fileManager.contentsOfDirectory(atPath: target.path) where !entry.hasPrefix(".") {
            try fileManager.removeItem(at: target.appendingPathComponent(entry))
        }
        for entry in try fileManager.contentsOfDirectory(atPath: staging.path) where !entry.hasPrefix(".") || !fileManager.fileExists(atPath: target.appendingPathComponent(entry).path) {
            try fileManager.moveItem(at: staging.appendingPathComponent(entry), to: target.appendingPathComponent(entry))
        }
    }

    /// A path with its symbolic links resolved, also when its last parts do not exist yet.
    static func canonical(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" {
            missing.insert(url.lastPathComponent, at: 0)
            url = url.deletingLastPathComponent()
        }
        var resolved = url.resolvingSymlinksInPath().path
        for part in missing { resolved = (resolved as NSString).appendingPathComponent(part) }
        return resolved
    }

    static func contains(_ folder: String, _ path: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }

    /// Why `output` may not be replaced by a site, or nil when it may: Candor replaces only a
    /// folder that is new, empty (dot files aside) or written by Candor (it holds Candor's
    /// manifest), and never the report folder, a folder that contains it, or one that contains
    /// the current folder.
    public static func refusal(output: String, content: String? = nil) -> String? {
        let target = canonical(output)
        if let content, contains(target, canonical(content)) {
            return "refusing to write the site to \(output): it \(target == canonical(content) ? "is" : "contains") the report folder \(content), which a build would replace; choose another --output"
        }
        if contains(target, canonical(FileManager.default.currentDirectoryPath)) {
            return "refusing to write the site to \(output): it contains the current folder, which a build would replace; choose another --output"
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return "refusing to write the site to \(output): it exists and is not a folder" }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []).filter { !$0.hasPrefix(".") }
        guard !entries.isEmpty else { return nil }
        let manifest = FileManager.default.contents(atPath: target + "/data/manifest.json").map { String(decoding: $0, as: UTF8.self) } ?? ""
        if manifest.contains("\"candor.manifest/") { return nil }
        return "refusing to write the site to \(output): the folder is not empty and was not written by Candor (it has no data/manifest.json), so a build would delete what is in it; choose a new or empty folder"
    }

    /// Folders left beside `target` by builds that were killed: a site that was moved aside but
    /// not replaced comes back; half-written ones are removed.
    static func recoverLeftovers(of target: URL) {
        let fileManager = FileManager.default
        let parent = target.deletingLastPathComponent(), name = target.lastPathComponent
        let prefix = ".\(name).candor-"
        for entry in ((try? fileManager.contentsOfDirectory(atPath: parent.path)) ?? []).sorted() where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let dash = rest.lastIndex(of: "-"), let pid = Int32(rest[rest.index(after: dash)...]) else { continue }
            guard pid != getpid(), kill(pid, 0) != 0 && errno == ESRCH else { continue }  // still running: not ours to touch
            let url = parent.appendingPathComponent(entry)
            if rest.hasPrefix("old-") && !fileManager.fileExists(atPath: target.path) {
                try? fileManager.moveItem(at: url, to: target)
            } else {
                try? fileManager.removeItem(at: url)
            }
        }
    }

    /// The folder of a site path ("" for one at the top): NSString's `deletingLastPathComponent`
    /// bridged the path for each of the site's files.
    static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
    }

    /// Writes the site into a new staging folder and puts it in place (`StagedSite`).
    public static func write(_ site: SiteFiles, to output: String, content: String? = nil) throws {
        try StagedSite(output: output, content: content).finish(site)
    }
}

/// The new site's folder while the site is built: a hidden staging folder beside the output,
/// renamed into place by `finish` only when every file is in it (see `OutputFolder`), and
/// removed by `abandon` when the build fails.
///
/// Files handed over as the pages are made (`hand`) are written meanwhile, on threads of their
/// own: a 10,000-page build into a new folder rendered its pages on both cores and then created
/// its files on one (creating a file locks its folder, below), 0.7 s each, one after the other
/// (`make bench`, "new output folder"); written as they are made, the creating overlaps the
/// rendering. Whatever `finish` is given that was not handed, or was handed with other bytes,
/// is written then.
public final class StagedSite: @unchecked Sendable {
    let output: String
    let target: URL
    let staging: URL
    private let previous: URL

    /// Guards the five fields after it.
    private let lock = NSLock()
    /// Folders made in the staging folder, each with whether the previous site's folder of that
    /// name may lend its files (`OutputFolder.reuse`): only a folder itself, not a symbolic link
    /// (which would lead to files elsewhere), under such folders, in an output folder that is
    /// not a mount point (whose files cannot be linked into the staging folder beside it).
    private var folders: [String: Bool]
    private var handed: [String: [UInt8]] = [:]
    private var failure: (path: String, code: Int32)?
    private var closed = false
    private var turn = 0

    /// New files are created one at a time: creating a file locks its folder, and two threads
    /// creating in one folder spent the second core spinning on that lock in the kernel (perf:
    /// `rwsem_spin_on_owner`, a quarter of a 10,000-page build into an empty folder), while the
    /// other thread can read, compare or write a file's bytes meanwhile. (Links spin on it too,
    /// a third of their time over the previous site, but taking them one at a time as well made
    /// that build's write stage 0.45 → 0.65 s.)
    private let creating = NSLock()
    private struct Errno: Swift.Error { var code: Int32 }
    private let writers: [DispatchQueue]
    private let pending = DispatchGroup()

    /// Makes the staging folder; throws when `output` may not be replaced (`refusal`) or the
    /// folder cannot be made.
    public init(output: String, content: String? = nil) throws {
        if let refusal = OutputFolder.refusal(output: output, content: content) { throw OutputFolder.Error.io(refusal) }
        let fileManager = FileManager.default
        self.output = output
        target = URL(fileURLWithPath: output).standardizedFileURL
        let parent = target.deletingLastPathComponent(), name = target.lastPathComponent
        try? fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        OutputFolder.recoverLeftovers(of: target)
        staging = parent.appendingPathComponent(".\(name).candor-new-\(getpid())")
        previous = parent.appendingPathComponent(".\(name).candor-old-\(getpid())")
        try? fileManager.removeItem(at: staging)
        try? fileManager.removeItem(at: previous)
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw Self.failed(error, target: target, output: output)
        }
        folders = ["": OutputFolder.isRealFolder(target.path) && !OutputFolder.isMountPoint(target.path)]
        writers = (0..<defaultWorkers).map { DispatchQueue(label: "candor.write.\($0)") }
    }

    /// Writes a file of the site on another thread, unless one of that path was handed before
    /// (the site then fails to build: `SiteFiles.add`) or the site is finished or abandoned.
    public func hand(_ path: String, _ bytes: [UInt8]) {
        guard OutputFolder.isSafeRelativePath(path) else { return }  // `SiteFiles.add` refuses it
        lock.lock()
        guard !closed, handed[path] == nil else { lock.unlock(); return }
        handed[path] = bytes
        let writer = writers[turn % writers.count]
        turn += 1
        lock.unlock()
        writer.async(group: pending) { self.write(path, bytes) }
    }

    /// The folder of `path` in the staging folder (made with its parents when new), and whether
    /// the previous site's folder of that name may lend files; errno when it cannot be made.
    private func folder(_ folder: String) -> Result<Bool, Errno> {
        lock.lock(); defer { lock.unlock() }
        return makeFolder(folder)
    }

    private func makeFolder(_ folder: String) -> Result<Bool, Errno> {
        if let known = folders[folder] { return .success(known) }
        let parent: Bool
        switch makeFolder(OutputFolder.folder(of: folder)) {
        case let .success(lends): parent = lends
        case let .failure(code): return .failure(code)
        }
        // As FileManager makes folders: all permissions the umask leaves.
        if mkdir(staging.path + "/" + folder, 0o777) != 0 && errno != EEXIST {
            return .failure(Errno(code: errno))
        }
        let lends = parent && OutputFolder.isRealFolder(target.path + "/" + folder)
        folders[folder] = lends
        return .success(lends)
    }

    /// Puts one file in the staging folder: the previous site's file when it holds the same
    /// bytes (`OutputFolder.reuse`), else a new one. Errno when it cannot.
    private func place(_ path: String, _ bytes: [UInt8]) -> Int32? {
        let lends: Bool
        switch folder(OutputFolder.folder(of: path)) {
        case let .success(value): lends = value
        case let .failure(error): return error.code
        }
        let destination = staging.path + "/" + path
        if lends, OutputFolder.reuse(target.path + "/" + path, at: destination, bytes) { return nil }
        return OutputFolder.writeFile(destination, bytes, creating: creating)
    }

    private func write(_ path: String, _ bytes: [UInt8]) {
        guard let code = place(path, bytes) else { return }
        lock.lock()
        if failure == nil { failure = (path, code) }
        lock.unlock()
    }

    /// Stops taking files and waits for those handed.
    private func close() {
        lock.lock()
        closed = true
        lock.unlock()
        pending.wait()
    }

    /// Removes the staging folder; the output folder stays as it was.
    public func abandon() {
        close()
        try? FileManager.default.removeItem(at: staging)
    }

    /// Completes the staging folder with `site` — exactly its files, whatever was handed — and
    /// puts it in place of the output folder in one step.
    public func finish(_ site: SiteFiles) throws {
        close()
        let fileManager = FileManager.default
        do {
            if let failure {
                throw OutputFolder.Error.io("cannot write \(failure.path) into \(staging.path): \(OutputFolder.explain(failure.code)); \(output) was left as it was")
            }
            // Handed but not part of the site, or with other bytes: out (the second is written
            // below). Arrays that share their storage compare at once.
            for (path, bytes) in handed where site.files[path] != bytes { unlink(staging.path + "/" + path) }
            let rest = site.paths.filter { handed[$0] == nil || handed[$0] != site.files[$0] }
            // The previous site's files that may be reused are read ahead while folders are made.
            var lent: [String] = []
            for path in rest {
                switch folder(OutputFolder.folder(of: path)) {
                case .success(true): lent.append(target.path + "/" + path)
                case .success(false): break
                case let .failure(code):
                    throw OutputFolder.Error.io("cannot write \(path) into \(staging.path): \(OutputFolder.explain(code.code)); \(output) was left as it was")
                }
            }
            prefetch(lent)
            // Plain writes: the staging folder is renamed into place only when complete, so a
            // per-file atomic write (and its fsync) would buy nothing; it was a fifth of a
            // 10,000-page build (perf, `make bench`).
            let failures = parallelMap(rest) { path in place(path, site.files[path]!).map { (path, $0) } }
            if let (failed, code) = failures.compactMap({ $0 }).first {
                throw OutputFolder.Error.io("cannot write \(failed) into \(staging.path): \(OutputFolder.explain(code)); \(output) was left as it was")
            }
            // Carry over dot files the site does not contain.
            if let existing = try? fileManager.contentsOfDirectory(atPath: target.path) {
                for entry in existing where entry.hasPrefix(".") && site.files[entry] == nil {
                    try fileManager.copyItem(at: target.appendingPathComponent(entry), to: staging.appendingPathComponent(entry))
                }
            }
            var isDirectory: ObjCBool = false
            let exists = fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory)
            if exists && !isDirectory.boolValue { throw OutputFolder.Error.io("\(target.path) exists and is not a folder") }
            if exists && OutputFolder.exchange(staging.path, target.path) {
                // One atomic step: the new site is in place, the old one in the staging folder.
                try? fileManager.removeItem(at: staging)
                return
            }
            if exists && OutputFolder.isMountPoint(target.path) {
                // A mount point cannot be renamed: replace what is inside it instead.
                try OutputFolder.replaceContents(of: target, with: staging)
                try? fileManager.removeItem(at: staging)
                return
            }
            if exists { try fileManager.moveItem(at: target, to: previous) }
            do {
                try fileManager.moveItem(at: staging, to: target)
            } catch {
                if exists { try? fileManager.moveItem(at: previous, to: target) }
                throw error
            }
            try? fileManager.removeItem(at: previous)
        } catch {
            try? fileManager.removeItem(at: staging)
            throw Self.failed(error, target: target, output: output)
        }
    }

    /// An error of writing the site in words a user can act on.
    private static func failed(_ error: Swift.Error, target: URL, output: String) -> OutputFolder.Error {
        if let error = error as? OutputFolder.Error { return error }
        let reason = OutputFolder.posixCode(error).map(OutputFolder.explain) ?? "the system refused (\((error as NSError).domain) \((error as NSError).code))"
        return OutputFolder.Error.io("cannot write the site to \(target.path): \(reason); \(output) was left as it was")
    }
}

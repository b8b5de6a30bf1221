import Dataset
import Foundation

/// The site as files in memory, written to the output folder in one step.
public struct SiteFiles: Sendable {
    /// Relative path → bytes, in no particular order (written sorted).
    public private(set) var files: [String: [UInt8]] = [:]

    public init() {}

    /// Adds a file. Throws when the path would leave the output folder, or when another file
    /// has that path already (two pages of one name: the first would be lost without a word).
    public mutating func add(_ path: String, _ text: String) throws {
        try add(path, Array(text.utf8))
    }

    public mutating func add(_ path: String, _ bytes: [UInt8]) throws {
        guard OutputFolder.isSafeRelativePath(path) else { throw OutputFolder.Error.unsafePath(path) }
        guard files[path] == nil else { throw OutputFolder.Error.twoFiles(path) }
        files[path] = bytes
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

    public static func write(_ site: SiteFiles, to output: String, content: String? = nil) throws {
        if let refusal = refusal(output: output, content: content) { throw Error.io(refusal) }
        let fileManager = FileManager.default
        let target = URL(fileURLWithPath: output).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        try? fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        recoverLeftovers(of: target)
        let staging = parent.appendingPathComponent(".\(name).candor-new-\(getpid())")
        let previous = parent.appendingPathComponent(".\(name).candor-old-\(getpid())")
        try? fileManager.removeItem(at: staging)
        try? fileManager.removeItem(at: previous)
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            let paths = site.paths
            var folders = Set<String>()
            for path in paths {
                var folder = Self.folder(of: path)
                while !folder.isEmpty && folders.insert(folder).inserted { folder = Self.folder(of: folder) }
            }
            // The previous site's files may be reused (`reuse`) only from its own folders: a
            // folder there that is a symbolic link would lead to files elsewhere. (A mount
            // point's files cannot be linked into the staging folder beside it.)
            var oldFolders = Set<String>()
            if isRealFolder(target.path) && !isMountPoint(target.path) {
                oldFolders.insert("")
                for folder in folders.sorted() where oldFolders.contains(Self.folder(of: folder))
                    && isRealFolder(target.path + "/" + folder) {
                    oldFolders.insert(folder)
                }
                // Their reading starts now, while the new folders are made.
                prefetch(paths.filter { oldFolders.contains(folder(of: $0)) }.map { target.path + "/" + $0 })
            }
            for folder in folders.sorted() {  // parents sort before their children
                try fileManager.createDirectory(atPath: staging.path + "/" + folder, withIntermediateDirectories: false)
            }
            // Plain writes: the staging folder is renamed into place only when complete, so a
            // per-file atomic write (and its fsync) would buy nothing; it was a fifth of a
            // 10,000-page build (perf, `make bench`). A file the previous site holds unchanged
            // is linked rather than written (`reuse`), reading and comparing on all cores. New
            // files are created one at a time: creating a file locks its folder, and two threads
            // creating in one folder spent the second core spinning on that lock in the kernel
            // (perf: `rwsem_spin_on_owner`, a quarter of a 10,000-page build into an empty
            // folder), while the other thread can read, compare or write a file's bytes
            // meanwhile. (Links spin on it too, a third of their time over the previous site, but
            // taking them one at a time as well made that build's write stage 0.45 → 0.65 s.)
            let creating = NSLock()
            let failures = parallelMap(paths) { path -> (String, Int32)? in
                let bytes = site.files[path]!, destination = staging.path + "/" + path
                if oldFolders.contains(folder(of: path)),
                   reuse(target.path + "/" + path, at: destination, bytes) { return nil }
                return writeFile(destination, bytes, creating: creating).map { (path, $0) }
            }
            if let (failed, code) = failures.compactMap({ $0 }).first {
                throw Error.io("cannot write \(failed) into \(staging.path): \(explain(code)); \(output) was left as it was")
            }
            // Carry over dot files the site does not contain.
            if let existing = try? fileManager.contentsOfDirectory(atPath: target.path) {
                for entry in existing where entry.hasPrefix(".") && site.files[entry] == nil {
                    try fileManager.copyItem(at: target.appendingPathComponent(entry), to: staging.appendingPathComponent(entry))
                }
            }
            var isDirectory: ObjCBool = false
            let exists = fileManager.fileExists(atPath: target.path, isDirectory: &isDirectory)
            if exists && !isDirectory.boolValue { throw Error.io("\(target.path) exists and is not a folder") }
            if exists && exchange(staging.path, target.path) {
                // One atomic step: the new site is in place, the old one in the staging folder.
                try? fileManager.removeItem(at: staging)
                return
            }
            if exists && isMountPoint(target.path) {
                // A mount point cannot be renamed: replace what is inside it instead.
                try replaceContents(of: target, with: staging)
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
            if let error = error as? Error { throw error }
            let reason = posixCode(error).map(explain) ?? "the system refused (\((error as NSError).domain) \((error as NSError).code))"
            throw Error.io("cannot write the site to \(target.path): \(reason); \(output) was left as it was")
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The head of one HTTP/1.x request: method, target, version and headers (names lower-cased).
struct RequestHead {
    var method: String
    var target: String
    var version: String
    var headers: [(name: String, value: String)]

    /// The target without its query or fragment.
    var path: String { String(target.prefix { $0 != "?" && $0 != "#" }) }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it.
    var keepsAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        return version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
    }
}

/// What the preview answers: a whole response, or an event stream the server keeps open and
/// writes every `PreviewHTTPServer.broadcast` to.
struct Reply {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var isEventStream = false

    static func text(_ status: Int, _ message: String) -> Reply {
        Reply(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(message.utf8))
    }

    static let reasons = [200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                          408: "Request Timeout", 413: "Content Too Large", 414: "URI Too Long",
                          431: "Request Header Fields Too Large", 500: "Internal Server Error", 505: "HTTP Version Not Supported"]
}

/// The preview's HTTP/1.1 server: one thread, `poll(2)` over non-blocking sockets, and a bound on
/// everything a client controls — request line and head size (414/431), how long a head may take
/// to arrive (slow clients), how long a kept-alive connection may idle, how long a response may
/// take to be read, and how many connections may be open at once (the oldest idle one is closed
/// to make room, so held connections cannot starve new ones or exhaust file descriptors). Every
/// step is linear in the bytes received. Live reload is a server-sent event stream (plain HTTP,
/// no upgrade).
final class PreviewHTTPServer: @unchecked Sendable {
    struct Limits {
        var requestLine = 8 * 1024
        var headBytes = 32 * 1024
        var headerCount = 100
        /// A request's head must be complete this long after its first byte (or after accept).
        var headTimeout = 10.0
        /// A kept-alive connection with no request pending is closed after this.
        var idleTimeout = 30.0
        /// A response must be read by the client within this.
        var writeTimeout = 30.0
        /// Event streams get a comment line this often, so dead clients are noticed.
        var heartbeat = 15.0
        /// At most this many connections; by default a quarter of the descriptors stay free for builds.
        var maxConnections: Int?
    }

    let limits: Limits
    private let maxConnections: Int
    private let handler: (RequestHead) -> Reply
    private let listener: Int32
    private let wakeRead: Int32, wakeWrite: Int32
    private var reserve: Int32 = -1
    private let lock = NSLock()
    private var pending: [String] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?
    /// The port bound (useful when 0 was asked for).
    let port: Int

    /// Binds `host:port` (numeric IPv4 or IPv6, or a name that resolves to one) and starts listening.
    init(host: String, port: UInt16, limits: Limits = Limits(), handler: @escaping (RequestHead) -> Reply) throws {
        self.limits = limits
        self.handler = handler
        Self.raiseDescriptorLimit()
        maxConnections = limits.maxConnections ?? Self.connectionBudget()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &found)
        guard lookup == 0, let info = found else {
            throw ServeError("cannot listen on \(host): \(String(cString: gai_strerror(lookup)))")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServeError("cannot open a socket: \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ServeError("cannot listen on \(host) port \(port): \(reason)")
        }
        Self.makeNonBlocking(fd)
        listener = fd
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: withUnsafeBytes(of: storage) { raw in
            storage.ss_family == sa_family_t(AF_INET6)
                ? raw.load(fromByteOffset: MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)!, as: UInt16.self)
                : raw.load(fromByteOffset: MemoryLayout<sockaddr_in>.offset(of: \.sin_port)!, as: UInt16.self)
        }))
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw ServeError("cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        for end in ends { Self.makeNonBlocking(end) }
        reserve = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "candor-serve"
        self.thread = thread
        thread.start()
    }

    /// Stops accepting, closes every connection, and returns when the server thread has ended.
    func stop() {
        lock.withLock { stopping = true }
        wake()
        if thread != nil { finished.wait() }
        thread = nil
    }

    /// Sends `message` as one event to every open event stream.
    func broadcast(_ message: String) {
        lock.withLock { pending.append(message) }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: The loop

    private final class Connection {
        enum Phase { case reading, writing, streaming, lingering }
        let fd: Int32
        var phase = Phase.reading
        var input: [UInt8] = []
        /// Bytes of `input` already searched for the end of the head, and where the first line ends.
        var scanned = 0
        var lineEnd: Int?
        var output: [UInt8] = []
        var written = 0
        var closeAfterWrite = false
        var deadline: Double
        var lastActive: Double
        var lastBeat: Double

        init(fd: Int32, now: Double, deadline: Double) {
            self.fd = fd
            self.deadline = deadline
            lastActive = now
            lastBeat = now
        }
    }

    private var connections: [Int32: Connection] = [:]

    private func loop() {
        while !lock.withLock({ stopping }) {
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            for connection in connections.values {
                let events: Int32 = switch connection.phase {
                case .writing: POLLOUT
                case .streaming: connection.output.count > connection.written ? POLLIN | POLLOUT : POLLIN
                case .reading, .lingering: POLLIN
                }
                fds.append(pollfd(fd: connection.fd, events: Int16(events), revents: 0))
            }
            let ready = poll(&fds, nfds_t(fds.count), 250)
            let now = Self.now()
            if ready > 0 {
                if fds[0].revents != 0 { drainWakePipe() }
                if fds[1].revents != 0 { acceptAll(now: now) }
                for entry in fds.dropFirst(2) where entry.revents != 0 {
                    guard let connection = connections[entry.fd] else { continue }
                    if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { receive(connection, now: now) }
                    if connections[entry.fd] != nil, entry.revents & Int16(POLLOUT) != 0 { send(connection, now: now) }
                }
            }
            deliverBroadcasts(now: now)
            expire(now: now)
        }
        for connection in connections.values { close(connection.fd) }
        connections = [:]
        close(listener)
        close(wakeRead)
        close(wakeWrite)
        if reserve >= 0 { close(reserve) }
        finished.signal()
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    private func acceptAll(now: Double) {
        for _ in 0..<64 {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors (something else holds them): free the spare one, take the
                    // waiting connection and close it at once, so the listener does not spin and
                    // the client is not left hanging; then take the spare back.
                    if reserve >= 0 { close(reserve) }
                    let victim = accept(listener, nil, nil)
                    if victim >= 0 { close(victim) }
                    reserve = open("/dev/null", O_RDONLY | O_CLOEXEC)
                    continue
                }
                return  // EAGAIN (none left), ECONNABORTED, EINTR: next round
            }
            Self.makeNonBlocking(fd)
            if connections.count >= maxConnections { evictOne() }
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            connections[fd] = Connection(fd: fd, now: now, deadline: now + limits.headTimeout)
        }
    }

    /// Makes room by closing the connection that has waited longest without doing anything,
    /// preferring one that is not a live-reload stream.
    private func evictOne() {
        let candidates = connections.values.filter { $0.phase != .streaming }
        let pool = candidates.isEmpty ? Array(connections.values) : candidates
        if let oldest = pool.min(by: { ($0.lastActive, $0.fd) < ($1.lastActive, $1.fd) }) { drop(oldest) }
    }

    private func drop(_ connection: Connection) {
        close(connection.fd)
        connections[connection.fd] = nil
    }

    private func receive(_ connection: Connection, now: Double) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let count = read(connection.fd, &buffer, buffer.count)
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { return drop(connection) }
        guard count > 0 else { return }
        switch connection.phase {
        case .lingering, .streaming:
            return  // discarded: a client that must not send more, or a live-reload page
        case .writing:
            // The next request, sent before this answer was read: kept (up to a head's size).
            if connection.input.count <= limits.headBytes { connection.input += buffer[0..<count] }
        case .reading:
            if connection.input.isEmpty { connection.deadline = min(connection.deadline, now + limits.headTimeout) }
            connection.input += buffer[0..<count]
            connection.lastActive = now
            parse(connection, now: now)
        }
    }

    /// Finds a complete head in the connection's input and answers it; refuses a head that is
    /// too long. Searches each byte once.
    private func parse(_ connection: Connection, now: Double) {
        let input = connection.input
        let start = max(0, connection.scanned - 3)
        var headEnd: Int?
        var index = start
        while index < input.count {
            if input[index] == UInt8(ascii: "\n") {
                if connection.lineEnd == nil { connection.lineEnd = index }
                if index >= 1, input[index - 1] == UInt8(ascii: "\n") { headEnd = index + 1; break }
                if index >= 2, input[index - 1] == UInt8(ascii: "\r"), input[index - 2] == UInt8(ascii: "\n") { headEnd = index + 1; break }
            }
            index += 1
        }
        connection.scanned = headEnd ?? input.count
        if (connection.lineEnd ?? input.count) > limits.requestLine { return refuse(connection, .text(414, "The request line is longer than \(limits.requestLine) bytes.\n"), now: now) }
        guard let end = headEnd else {
            if input.count > limits.headBytes { refuse(connection, .text(431, "The request head is longer than \(limits.headBytes) bytes.\n"), now: now) }
            return
        }
        if end > limits.headBytes { return refuse(connection, .text(431, "The request head is longer than \(limits.headBytes) bytes.\n"), now: now) }
        connection.input.removeFirst(end)
        connection.scanned = 0
        connection.lineEnd = nil
        let lines = String(decoding: input[0..<end], as: UTF8.self).split(whereSeparator: \.isNewline)
        guard let first = lines.first else { return refuse(connection, .text(400, "Empty request.\n"), now: now) }
        let parts = first.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].hasPrefix("/") || parts[1] == "*" else {
            return refuse(connection, .text(400, "Malformed request line.\n"), now: now)
        }
        let version = String(parts[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return refuse(connection, .text(505, "Only HTTP/1.0 and HTTP/1.1.\n"), now: now) }
        guard lines.count - 1 <= limits.headerCount else {
            return refuse(connection, .text(431, "More than \(limits.headerCount) header fields.\n"), now: now)
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return refuse(connection, .text(400, "Malformed header field.\n"), now: now) }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let head = RequestHead(method: String(parts[0]), target: String(parts[1]), version: version, headers: headers)
        // The preview takes no request bodies; a body left unread would be parsed as the next request.
        if (head.header("content-length").map { $0 != "0" } ?? false) || head.header("transfer-encoding") != nil {
            return refuse(connection, .text(413, "The preview accepts no request body.\n"), now: now)
        }
        var reply = handler(head)
        if head.method != "GET" && head.method != "HEAD" { reply = .text(405, "Only GET and HEAD.\n") }
        respond(connection, reply, head: head, now: now)
    }

    private func serialize(_ reply: Reply, includeBody: Bool, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(reply.status) \(Reply.reasons[reply.status] ?? "Status")\r\n"
        for (name, value) in reply.headers { text += "\(name): \(value)\r\n" }
        if reply.isEventStream {
            text += "Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\n"
        } else {
            text += "Content-Length: \(reply.body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        }
        var bytes = Array(text.utf8)
        if includeBody { bytes += reply.body }
        return bytes
    }

    private func respond(_ connection: Connection, _ reply: Reply, head: RequestHead, now: Double) {
        let keepAlive = head.keepsAlive && !reply.isEventStream
        connection.output = serialize(reply, includeBody: head.method != "HEAD", keepAlive: keepAlive)
        connection.written = 0
        connection.closeAfterWrite = !keepAlive && !reply.isEventStream
        connection.phase = reply.isEventStream && head.method == "GET" ? .streaming : .writing
        connection.deadline = now + limits.writeTimeout
        connection.lastBeat = now
        send(connection, now: now)
    }

    /// Answers with an error and closes: the rest of what the client sends is read and thrown
    /// away for a moment first, so the answer is not lost to a reset.
    private func refuse(_ connection: Connection, _ reply: Reply, now: Double) {
        connection.input = []
        connection.lineEnd = nil
        connection.output = serialize(reply, includeBody: true, keepAlive: false)
        connection.written = 0
        connection.closeAfterWrite = true
        connection.phase = .writing
        connection.deadline = now + limits.writeTimeout
        send(connection, now: now)
    }

    private func send(_ connection: Connection, now: Double) {
        while connection.written < connection.output.count {
            let count = connection.output.withUnsafeBytes { raw in
                Glibc.send(connection.fd, raw.baseAddress! + connection.written, raw.count - connection.written, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { return }
                return drop(connection)
            }
            connection.written += count
            connection.lastActive = now
        }
        connection.output = []
        connection.written = 0
        switch connection.phase {
        case .streaming:
            return
        case .writing where connection.closeAfterWrite:
            shutdown(connection.fd, Int32(SHUT_WR))
            connection.phase = .lingering
            connection.deadline = now + 2
        case .writing:
            connection.phase = .reading
            connection.deadline = now + (connection.input.isEmpty ? limits.idleTimeout : limits.headTimeout)
            if !connection.input.isEmpty { parse(connection, now: now) }  // a pipelined request
        case .reading, .lingering:
            return
        }
    }

    private func deliverBroadcasts(now: Double) {
        let messages = lock.withLock { () -> [String] in
            defer { pending = [] }
            return pending
        }
        for connection in connections.values where connection.phase == .streaming {
            var event = messages.map { "data: \($0)\n\n" }.joined()
            if event.isEmpty && now - connection.lastBeat >= limits.heartbeat { event = ": still here\n\n" }
            guard !event.isEmpty else { continue }
            connection.lastBeat = now
            // A stream that does not read what it is sent is closed rather than buffered forever.
            if connection.output.count - connection.written > 64 * 1024 { drop(connection); continue }
            connection.output += Array(event.utf8)
            send(connection, now: now)
        }
    }

    /// Closes every connection past its deadline; a head that did not arrive in time gets 408.
    private func expire(now: Double) {
        for connection in Array(connections.values) where connection.phase != .streaming && now >= connection.deadline {
            if connection.phase == .reading && !connection.input.isEmpty {
                var reply = Array("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                _ = Glibc.send(connection.fd, &reply, reply.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            drop(connection)
        }
    }

    // MARK: Descriptors and time

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Non-blocking, and closed in children (a build never runs one, but `--open` does).
    private static func makeNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    /// Raises the soft limit on open files to the hard one (capped), as servers do.
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 65_536)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Three quarters of the open-file limit, at most 4,096: the rest stays free for rebuilds.
    static func connectionBudget() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 256 }
        let soft = Int(min(limit.rlim_cur, 1 << 20))
        return max(8, min(4096, soft - max(32, soft / 4)))
    }
}

struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import ArgumentParser
import Dataset
import Foundation

/// How diagnostics are printed.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, github
}

/// Prints diagnostics like a compiler (`path:line:column: error: message`), as GitHub Actions
/// annotations, or as JSON lines; colour only on a terminal and never with NO_COLOR.
struct DiagnosticPrinter {
    var format: DiagnosticFormat
    /// The report folder, prefixed to paths so editors and CI find the files.
    var folder: String
    var colour: Bool

    init(format: DiagnosticFormat, folder: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.format = format
        self.folder = folder
        colour = format == .text && isatty(STDERR_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    func path(_ diagnostic: Diagnostic) -> String {
        if diagnostic.file.hasPrefix("/") || diagnostic.file.hasPrefix("chart ") || folder.isEmpty || folder == "." { return diagnostic.file }
        return (folder.hasSuffix("/") ? folder : folder + "/") + diagnostic.file
    }

    /// Text from the inputs, made safe for a terminal: control characters (ESC, NUL, …) shown as
    /// \u{…} escapes, never sent raw, and anything over 400 characters cut with a note.
    static func terminalSafe(_ text: String, limit: Int = 400) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { out += "… (\(text.unicodeScalars.count - limit) more characters)"; break }
            let value = scalar.value
            if value < 0x20 && value != 0x0A && value != 0x09 || value == 0x7F || (0x80...0x9F).contains(value) {
                out += "\\u{\(String(value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }

    func line(_ original: Diagnostic) -> String {
        var diagnostic = original
        diagnostic.message = Self.terminalSafe(original.message)
        diagnostic.file = Self.terminalSafe(original.file)
        let file = path(diagnostic)
        switch format {
        case .text:
            var location = file
            if diagnostic.line > 0 { location += ":\(diagnostic.line)" + (diagnostic.column > 0 ? ":\(diagnostic.column)" : "") }
            let severity = diagnostic.severity.rawValue
            if colour {
                let code = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
                return "\u{1B}[1m\(location):\u{1B}[0m \(code)\(severity):\u{1B}[0m \(diagnostic.message)"
            }
            return "\(location): \(severity): \(diagnostic.message)"
        case .github:
            // Workflow commands: properties escape %, \r, \n, ":" and ","; the message escapes %, \r, \n.
            func property(_ text: String) -> String {
                text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
                    .replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
            }
            let message = diagnostic.message.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
            var properties = "file=\(property(file))"
            if diagnostic.line > 0 { properties += ",line=\(diagnostic.line)" }
            if diagnostic.column > 0 { properties += ",col=\(diagnostic.column)" }
            return "::\(diagnostic.severity == .error ? "error" : "warning") \(properties)::\(message)"
        case .json:
            let object: [String: Any] = ["file": file, "line": diagnostic.line, "column": diagnostic.column,
                                         "severity": diagnostic.severity.rawValue, "message": diagnostic.message]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Prints to stdout for json/github (machine formats), to stderr for text.
    func print(_ diagnostics: [Diagnostic], limit: Int = 200) {
        let sorted = diagnostics.sorted { ($0.file, $0.line, $0.column, $0.message) < ($1.file, $1.line, $1.column, $1.message) }
        var shown = sorted
        if format == .text && sorted.count > limit { shown = Array(sorted.prefix(limit)) }
        let text = shown.map(line).joined(separator: "\n")
        if text.isEmpty { return }
        if format == .text {
            FileHandle.standardError.write(Data((text + "\n").utf8))
            if sorted.count > limit {
                FileHandle.standardError.write(Data("… \(sorted.count - limit) more; all are listed on the data-quality page and in data/report.json\n".utf8))
            }
        } else {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}

/// Progress on stderr: a line rewritten in place on a terminal, plain lines at most every few
/// seconds in CI or when not a terminal; nothing with --quiet.
final class Progress: @unchecked Sendable {
    enum Mode { case terminal, plain, quiet }
    let mode: Mode
    let verbose: Bool
    /// Plain (log) progress starts after 3 s: a quick build prints only its summary line.
    private var lastPlain = Date()
    private var lastTerminal = Date.distantPast
    private var lineOpen = false
    let started = Date()

    init(quiet: Bool, verbose: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.verbose = verbose
        if quiet { mode = .quiet }
        else if isatty(STDERR_FILENO) == 1 && environment["CI"] == nil && environment["TERM"] != "dumb" { mode = .terminal }
        else { mode = .plain }
    }

    /// A progress update that may be dropped (rate-limited).
    func update(_ message: String) {
        switch mode {
        case .quiet: return
        case .terminal:
            guard Date().timeIntervalSince(lastTerminal) > 0.1 else { return }
            lastTerminal = Date()
            write("\r\u{1B}[2K" + message)
            lineOpen = true
        case .plain:
            guard Date().timeIntervalSince(lastPlain) >= 3 else { return }
            lastPlain = Date()
            write(message + "\n")
        }
    }

    /// A line always shown (unless quiet).
    func note(_ message: String) {
        guard mode != .quiet else { return }
        if lineOpen { write("\r\u{1B}[2K"); lineOpen = false }
        write(message + "\n")
    }

    func detail(_ message: String) { if verbose { note(message) } }

    func finish() {
        if lineOpen { write("\r\u{1B}[2K"); lineOpen = false }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

import Foundation

/// One piece of employee feedback: a Markdown document with front matter, or a survey row.
public struct FeedbackDocument: Equatable, Sendable {
    public enum Channel: String, CaseIterable, Sendable { case survey, letter, retro, interview, other }

    public var file: String
    public var line: Int
    public var date: Day?
    public var team: String?
    /// The tool the answers are about, when the survey says (a `tool` column or key).
    public var tool: String?
    public var channel: Channel
    public var title: String?
    /// Question → score 1…5, in the order written.
    public var scores: [Score]
    /// Question → hours saved per week, for the questions `value.hours_saved` declares.
    public var hours: [Hours] = []
    /// The free text (Markdown for documents, plain for survey comments).
    public var text: String
    /// The line of the file where `text` starts.
    public var textLine: Int

    public struct Score: Equatable, Sendable {
        public var question: String
        public var value: Int
    }

    public struct Hours: Equatable, Sendable {
        public var question: String
        public var value: Double
    }

    /// Hours in a week: an answer above it cannot be hours saved per week.
    public static let hoursRange: ClosedRange<Double> = 0...168
}

enum FeedbackReader {
    static let frontMatterKeys = ["date", "team", "tool", "channel", "scores", "hours", "title"]

    static func document(text: String, file: String, diagnostics: inout [Diagnostic]) -> FeedbackDocument? {
        let split: FrontMatterDocument
        do {
            split = try FrontMatterDocument.split(text, file: file)
        } catch let error as InputError {
            diagnostics += error.diagnostics
            return nil
        } catch {
            diagnostics.append(.error(file, "\(error)"))
            return nil
        }
        var reader = FrontMatterReader(file: file, document: split)
        var document = FeedbackDocument(file: file, line: 1, date: nil, team: nil, tool: nil, channel: .other, title: nil,
                                        scores: [], text: split.body, textLine: split.bodyLine)
        for (key, node) in reader.pairs(split.meta, allowed: frontMatterKeys) {
            switch key {
            case "date": document.date = reader.read { $0.day(node, key: "date") }
            case "team": document.team = reader.read { $0.string(node, key: "team") }
            case "tool": document.tool = reader.read { $0.string(node, key: "tool") }
            case "hours":
                for (question, value) in reader.read({ $0.mapping(node, key: "hours", allowed: nil) }) {
                    if let hours = reader.read({ $0.number(value, key: "hours.\(question)", range: FeedbackDocument.hoursRange) }) {
                        document.hours.append(.init(question: question, value: hours))
                    }
                }
            case "title": document.title = reader.read { $0.string(node, key: "title") }
            case "channel":
                let value = reader.read { $0.string(node, key: "channel") } ?? ""
                if let channel = FeedbackDocument.Channel(rawValue: value.lowercased()) {
                    document.channel = channel
                } else {
                    let names = FeedbackDocument.Channel.allCases.map(\.rawValue)
                    reader.read { $0.error(node, "channel \"\(value)\" is not one of \(names.joined(separator: ", "))\(suggestion(value, in: names))") }
                }
            case "scores":
                let pairs = reader.read { $0.mapping(node, key: "scores", allowed: nil) }
                for (question, value) in pairs {
                    if let score = reader.read({ $0.integer(value, key: "scores.\(question)", range: 1...5) }) {
                        document.scores.append(.init(question: question, value: score))
                    }
                }
            default: break
            }
        }
        let errors = reader.yaml.diagnostics
        diagnostics += errors
        return errors.contains { $0.severity == .error } ? nil : document
    }

    /// A survey CSV: date,team[,tool],<score columns>,<hours columns>,comment[,channel]; one
    /// document per row. Columns named in `hours` hold hours saved per week; the others, scores 1…5.
    static func survey(path: String, file: String, hours hoursQuestions: Set<String> = [], diagnostics: inout [Diagnostic], rejected: inout Int) throws -> [FeedbackDocument] {
        let table = try Table.read(path: path, file: file, required: ["date"], known: nil, diagnostics: &diagnostics, rejected: &rejected)
        let fixed: Set<String> = ["date", "team", "tool", "comment", "channel"]
        let hourColumns = table.header.filter { hoursQuestions.contains($0) }
        let questions = table.header.filter { !fixed.contains($0) && !$0.isEmpty && !hoursQuestions.contains($0) }
        var documents: [FeedbackDocument] = []
        rows: for row in table.rows {
            guard let dateText = row["date"], let date = Day(parsing: dateText) else {
                TableReaders.reject(&diagnostics, &rejected, file, row.line, "date \"\(row["date"] ?? "")\" is not a date as YYYY-MM-DD")
                continue
            }
            var scores: [FeedbackDocument.Score] = []
            for question in questions {
                guard let text = row[question] else { continue }
                guard let value = Int(text), (1...5).contains(value) else {
                    TableReaders.reject(&diagnostics, &rejected, file, row.line, "score \(question) \"\(text)\" is not a whole number from 1 to 5")
                    continue rows
                }
                scores.append(.init(question: question, value: value))
            }
            var hours: [FeedbackDocument.Hours] = []
            for question in hourColumns {
                guard let text = row[question], !text.isEmpty else { continue }
                guard let value = Double(text), FeedbackDocument.hoursRange.contains(value) else {
                    TableReaders.reject(&diagnostics, &rejected, file, row.line, "hours \(question) \"\(text)\" is not a number of hours from 0 to 168 (hours saved per week)")
                    continue rows
                }
                hours.append(.init(question: question, value: value))
            }
            let channel = row["channel"].flatMap { FeedbackDocument.Channel(rawValue: $0.lowercased()) } ?? .survey
            documents.append(FeedbackDocument(file: file, line: row.line, date: date, team: row["team"], tool: row["tool"], channel: channel,
                                              title: nil, scores: scores, hours: hours, text: row["comment"] ?? "", textLine: row.line))
        }
        return documents
    }
}

/// A commentary page's source: front matter (`title`, `slug`, `order`, `summary`) and body.
public struct CommentarySource: Equatable, Sendable {
    public var file: String
    public var title: String
    public var slug: String
    public var order: Int
    public var summary: String?
    public var body: String
    public var bodyLine: Int

    static let keys = ["title", "slug", "order", "summary"]

    static func read(text: String, file: String, defaultSlug: String, diagnostics: inout [Diagnostic]) -> CommentarySource? {
        let split: FrontMatterDocument
        do {
            split = try FrontMatterDocument.split(text, file: file)
        } catch let error as InputError {
            diagnostics += error.diagnostics
            return nil
        } catch {
            return nil
        }
        var reader = FrontMatterReader(file: file, document: split)
        var source = CommentarySource(file: file, title: defaultSlug, slug: defaultSlug, order: 0, summary: nil,
                                      body: split.body, bodyLine: split.bodyLine)
        var sawTitle = false
        for (key, node) in reader.pairs(split.meta, allowed: keys) {
            switch key {
            case "title": if let title = reader.read({ $0.string(node, key: "title") }) { source.title = title; sawTitle = true }
            case "summary": source.summary = reader.read { $0.string(node, key: "summary") }
            case "order": source.order = reader.read { $0.integer(node, key: "order", range: -1_000_000...1_000_000) } ?? 0
            case "slug":
                guard let slug = reader.read({ $0.string(node, key: "slug") }) else { continue }
                if let problem = slugProblem(slug) {
                    reader.read { $0.error(node, "slug \"\(slug)\" \(problem)") }
                } else {
                    source.slug = slug
                }
            default: break
            }
        }
        if !sawTitle, let heading = split.body.split(separator: "\n").first(where: { $0.hasPrefix("# ") }) {
            source.title = String(heading.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
        diagnostics += reader.yaml.diagnostics
        return reader.yaml.diagnostics.contains { $0.severity == .error } ? nil : source
    }
}

/// Reads a feedback document from text (for the fuzz targets and tools).
public func fuzzFeedbackDocument(_ text: String) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    _ = FeedbackReader.document(text: text, file: "fuzz.md", diagnostics: &diagnostics)
    return diagnostics
}

/// Reads a commentary page from text (for the fuzz targets and tools).
public func fuzzCommentary(_ text: String) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    _ = CommentarySource.read(text: text, file: "fuzz.md", defaultSlug: "fuzz", diagnostics: &diagnostics)
    return diagnostics
}

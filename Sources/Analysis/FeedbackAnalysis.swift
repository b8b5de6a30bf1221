import Dataset
import Foundation
import Stats

/// Themes, scores, sentiment and sampled quotes from the feedback documents (DESIGN §4).
struct FeedbackAnalysis {
    let config: ReportConfig

    /// -1, 0 or 1: see `Sentiment` (negation, intensity and contrast).
    func sentiment(_ text: String) -> Int { Sentiment.label(text) }

    /// The themes whose phrases (lower-cased once by the caller) the text contains.
    func themes(of text: String, phrases: [(name: String, phrases: [String])]) -> [String] {
        var lower = text.lowercased()
        // The phrase's bytes searched for (memchr, then memcmp): Foundation's `contains` bridged every document
        // to NSString (1.5 % of a 10,000-document build, on one core), and the standard library's
        // search by Character was slower still. An empty phrase matches nothing, as before.
        return lower.withUTF8 { text in
            phrases.filter { theme in
                theme.phrases.contains { phrase in
                    var phrase = phrase
                    return phrase.withUTF8 { firstOffset(of: $0, in: text) != nil }
                }
            }.map(\.name)
        }
    }

    func analyze(_ unsorted: [FeedbackDocument]) -> FeedbackFigures {
        // A fixed order whatever the order the files were listed in.
        let documents = unsorted.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
        let total = documents.count
        let phrases = config.themes.map { ($0.name, $0.phrases.map { $0.lowercased() }) }
        // Each document's themes and sentiment on all cores (scoring 10,000 documents one by
        // one kept a core idle while the rest of the analysis waited for it).
        let perDocument = parallelMap(documents) { document in
            (themes: themes(of: document.text + " " + (document.title ?? ""), phrases: phrases), sentiment: sentiment(document.text))
        }
        let themed = perDocument.map(\.themes)
        let sentiments = perDocument.map(\.sentiment)

        var themeCounts: [ThemeCount] = []
        for theme in config.themes {
            let count = themed.filter { $0.contains(theme.name) }.count
            themeCounts.append(ThemeCount(theme: theme.name, count: count, share: total > 0 ? Double(count) / Double(total) : 0))
        }

        // Theme counts per team (the disclosure stage withholds teams with too few documents).
        var byTeam: [TeamThemes] = []
        let teamsWithDocs = Set(documents.compactMap(\.team)).sorted()
        for team in teamsWithDocs {
            let indices = documents.indices.filter { documents[$0].team == team }
            let counts = config.themes.map { theme -> ThemeCount in
                let count = indices.filter { themed[$0].contains(theme.name) }.count
                return ThemeCount(theme: theme.name, count: count, share: Double(count) / Double(indices.count))
            }
            byTeam.append(TeamThemes(team: team, documents: indices.count, themes: counts))
        }

        // Score distributions per question, and per team where the team's answers reach the floor.
        var questions: [String] = []
        for document in documents { for score in document.scores where !questions.contains(score.question) { questions.append(score.question) } }
        var scores: [ScoreDistribution] = []
        for question in questions {
            var counts = [Int](repeating: 0, count: 5)
            var perTeam: [String: [Int]] = [:]
            for document in documents {
                guard let score = document.scores.first(where: { $0.question == question }) else { continue }
                counts[score.value - 1] += 1
                if let team = document.team { perTeam[team, default: [Int](repeating: 0, count: 5)][score.value - 1] += 1 }
            }
            let n = counts.reduce(0, +)
            let mean = n > 0 ? Double(zip(1...5, counts).reduce(0) { $0 + $1.0 * $1.1 }) / Double(n) : nil
            let teams = perTeam.keys.sorted()
            scores.append(ScoreDistribution(question: question, counts: counts, n: n, mean: mean,
                                            byTeam: teams.map { ($0, perTeam[$0]!) }))
        }

        let positive = sentiments.filter { $0 > 0 }.count
        let negative = sentiments.filter { $0 < 0 }.count

        // Quotes: one per stratum (first theme × sentiment), drawn with a seeded generator.
        // Letters have their own pages; the disclosure stage drops quotes of withheld teams.
        var strata: [String: [Int]] = [:]
        for index in documents.indices {
            let document = documents[index]
            guard document.channel != .letter else { continue }
            // Markup is only removed from the quotes drawn; a rough length test is enough here.
            guard document.text.count >= 20 else { continue }
            let theme = themed[index].first ?? "other"
            let mood = sentiments[index] > 0 ? "positive" : sentiments[index] < 0 ? "negative" : "neutral"
            strata["\(theme)|\(mood)", default: []].append(index)
        }
        var quotes: [Quote] = []
        for key in strata.keys.sorted() {
            let members = strata[key]!
            var generator = SplitMix64(seed: config.seed ^ stableHash(key))
            let pick = members[generator.below(members.count)]
            let parts = key.split(separator: "|").map(String.init)
            quotes.append(Quote(text: excerpt(redact(plainText(documents[pick].text))), theme: parts[0], sentiment: parts[1],
                                standsFor: members.count, channel: documents[pick].channel.rawValue, date: documents[pick].date,
                                team: documents[pick].team))
        }
        quotes.sort { ($0.standsFor, $1.theme) > ($1.standsFor, $0.theme) }

        // Letters, redacted, each with a page.
        var letters: [Letter] = []
        var used: Set<String> = ["index"]  // feedback/index.html is the feedback page itself
        for document in documents where document.channel == .letter {
            let base = slugify(document.title ?? (document.file as NSString).lastPathComponent.replacingOccurrences(of: ".md", with: ""))
            var slug = base, counter = 2
            while used.contains(slug) { slug = "\(base)-\(counter)"; counter += 1 }
            used.insert(slug)
            letters.append(Letter(slug: slug, title: redact(document.title ?? "Letter of \(document.date?.readable ?? "undated")"),
                                  date: document.date, team: document.team, body: redact(document.text), file: document.file, bodyLine: document.textLine))
        }

        return FeedbackFigures(documents: total, themes: themeCounts, scores: scores,
                               netSentiment: total > 0 ? Double(positive - negative) / Double(total) * 100 : nil,
                               positive: positive, negative: negative, neutral: total - positive - negative,
                               quotes: quotes, letters: letters, byTeam: byTeam)
    }

    /// Removes e-mail addresses, @handles and the configured patterns.
    func redact(_ text: String) -> String {
        var result = text
        let patterns = [#"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#, #"(?<![A-Za-z0-9_])@[A-Za-z0-9_][A-Za-z0-9_.-]*"#] + config.redact
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
            result = regex.stringByReplacingMatches(in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "[redacted]")
        }
        return result
    }

    /// Markdown reduced to its words for a quote: no markup, one line.
    func plainText(_ markdown: String) -> String {
        var text = markdown
        for pattern in [#"<[^>]*>"#, #"!\[[^\]]*\]\([^)]*\)"#, #"\[([^\]]*)\]\([^)]*\)"#, #"[*_`#>]+"#] {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                  withTemplate: pattern.contains("([^\\]]*)") ? "$1" : " ")
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// At most about 280 characters, cut at a word.
    func excerpt(_ text: String) -> String {
        guard text.count > 280 else { return text }
        let cut = text.prefix(280)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + " …"
    }
}

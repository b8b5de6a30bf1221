/// The sentiment of a piece of workplace feedback about AI tools: a lexicon score with the
/// three rules that matter most in such text (after VADER, Hutto and Gilbert 2014):
/// - negation: "not", "never", "no", "n't", "nobody", "hardly", "without" within the three words
///   before a sentiment word flips it ("not productive" is negative);
/// - intensity: "very", "really", "so", "extremely" … raise the next sentiment word by half,
///   "slightly", "somewhat" lower it;
/// - contrast: after "but", "however", "yet" or "though" the words weigh double ("helpful but
///   slow" leans negative).
/// Phrases are matched before words ("look busy", "saves time"). A negation that flips nothing
/// ("nobody showed us how") counts as a mild complaint. Accuracy on the labelled sentences in
/// Tests/AnalysisTests/Fixtures/sentiment_labelled.tsv is stated in the test that reads them.
enum Sentiment {
    static let positive: [String: Double] = [
        "helpful": 1, "useful": 1, "saves": 1, "saved": 1, "faster": 1, "easier": 1, "great": 1.5, "good": 1, "love": 1.5, "like": 0.5,
        "better": 1, "productive": 1, "valuable": 1, "improved": 1, "improves": 1, "enjoy": 1, "clear": 0.5, "quick": 0.5,
        "works": 0.5, "excellent": 1.5, "happy": 1, "confident": 1, "accurate": 1, "reliable": 1, "fantastic": 1.5, "amazing": 1.5,
        "impressed": 1, "grateful": 1, "thanks": 0.5, "easy": 1, "smooth": 1, "solid": 0.5, "handy": 1, "speeds": 1, "boost": 1,
        "glad": 1, "appreciate": 1, "well": 0.5, "benefit": 1, "wins": 1, "win": 0.5,
    ]
    static let negative: [String: Double] = [
        "useless": 1.5, "waste": 1.5, "wasted": 1.5, "slow": 1, "slower": 1, "frustrating": 1.5, "frustrated": 1.5, "forced": 1,
        "pressure": 1, "pressured": 1, "mandate": 0.5, "mandated": 0.5, "quota": 0.5, "quotas": 0.5, "worse": 1, "bad": 1, "broken": 1,
        "wrong": 1, "confusing": 1, "annoying": 1, "hate": 1.5, "stress": 1, "stressful": 1, "anxious": 1, "pointless": 1.5, "fake": 1,
        "inflate": 1, "inflates": 1, "inflated": 1, "inflating": 1, "gaming": 1, "surveillance": 1, "unreliable": 1, "hallucinate": 1,
        "hallucinates": 1, "hallucinated": 1, "hallucinations": 1, "hard": 0.5, "difficult": 1, "problem": 0.5, "problems": 0.5,
        "complaints": 0.5, "bugs": 1, "buggy": 1, "fails": 1, "failed": 1, "worried": 1, "worry": 1, "tired": 1, "exhausting": 1.5,
        "unfair": 1.5, "punished": 1.5, "meaningless": 1.5, "nonsense": 1.5, "theatre": 1, "theater": 1, "lost": 0.5, "blocked": 1,
        "painful": 1.5, "mess": 1, "ridiculous": 1.5, "distrust": 1, "afraid": 1, "scared": 1,
    ]
    static let phrases: [(words: [String], value: Double)] = [
        (["look", "busy"], -1.5), (["looking", "busy"], -1.5), (["saves", "time"], 1), (["saved", "time"], 1), (["saved", "me"], 1),
        (["waste", "of", "time"], -1.5), (["double", "check"], -0.5), (["hit", "and", "miss"], -1), (["no", "idea"], -1),
        (["took", "weeks"], -1), (["for", "show"], -1), (["game", "changer"], 1.5), (["up", "to", "speed"], 0.5),
    ]
    static let negators: Set<String> = ["not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "hardly", "barely",
                                        "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "wont",
                                        "wouldnt", "shouldnt", "couldnt", "havent", "hasnt", "aint"]
    static let boosters: [String: Double] = ["very": 1.5, "really": 1.5, "so": 1.3, "extremely": 1.8, "incredibly": 1.8, "totally": 1.5,
                                             "completely": 1.5, "super": 1.5, "too": 1.3, "quite": 1.2, "slightly": 0.5, "somewhat": 0.6,
                                             "bit": 0.6, "little": 0.7, "mostly": 0.8]
    static let contrasts: Set<String> = ["but", "however", "yet", "though", "although"]

    /// The text's words, lower-cased, apostrophes dropped ("don't" → "dont"). One pass over the
    /// characters (Foundation's `replacingOccurrences` bridged every document twice).
    static func words(_ text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiWords(text) }
        var words: [String] = [], word = ""
        for character in text.lowercased() where character != "'" && character != "’" {
            if character.isLetter {
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// `words` of ASCII text, from its bytes: the letters are A–Z and a–z, and lower-casing is
    /// one bit. (By characters, scoring 10,000 feedback documents was most of their analysis.)
    private static func asciiWords(_ text: String) -> [String] {
        var words: [String] = [], word: [UInt8] = []
        for byte in text.utf8 where byte != 0x27 {  // "'"
            if (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) {
                word.append(byte | 0x20)
            } else if !word.isEmpty {
                words.append(String(decoding: word, as: UTF8.self))
                word.removeAll(keepingCapacity: true)
            }
        }
        if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }

    /// A signed score: above zero leans positive, below leans negative.
    static func score(_ text: String) -> Double {
        let tokens = words(text)
        var total = 0.0
        var weight = 1.0
        var lastNegation = -10, negationUsed = true
        var boost = 1.0
        var index = 0
        while index < tokens.count {
            let word = tokens[index]
            if contrasts.contains(word) { weight = 2; index += 1; continue }
            if negators.contains(word) {
                if !negationUsed { total -= 0.5 * weight }  // a negation that flipped nothing: a complaint of absence
                lastNegation = index
                negationUsed = false
                index += 1
                continue
            }
            if let factor = boosters[word] { boost *= factor; index += 1; continue }
            var value: Double?
            var length = 1
            for phrase in phrases where tokens.count >= index + phrase.words.count && tokens[index..<index + phrase.words.count].elementsEqual(phrase.words) {
                value = phrase.value
                length = phrase.words.count
                break
            }
            if value == nil {
                if let p = positive[word] { value = p } else if let n = negative[word] { value = -n }
            }
            if var v = value {
                if index - lastNegation <= 3 && !negationUsed { v = -v * 0.9; negationUsed = true }
                total += v * boost * weight
                boost = 1
            }
            index += length
        }
        if !negationUsed { total -= 0.5 * weight }
        return total
    }

    /// -1, 0 or 1.
    static func label(_ text: String) -> Int {
        let value = score(text)
        return value > 0.25 ? 1 : value < -0.25 ? -1 : 0
    }
}

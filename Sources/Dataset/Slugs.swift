import Foundation

/// Why a slug cannot name a page in the output folder, or nil when it can. A slug is one file
/// name: letters, digits, `-`, `_` and `.`, not starting with a dot.
public func slugProblem(_ slug: String) -> String? {
    if slug.isEmpty { return "is empty" }
    if slug.contains("/") || slug.contains("\\") { return "must not contain a slash" }
    if slug.contains("..") { return "must not contain \"..\"" }
    if slug.hasPrefix(".") { return "must not start with a dot" }
    if slug.count > 120 { return "is longer than 120 characters" }
    let allowed = slug.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
    }
    return allowed ? nil : "may hold only letters, digits, \"-\", \"_\" and \".\""
}

/// A page-name slug for any name: lower-case ASCII letters and digits joined by "-". Accented
/// Latin letters lose their accents ("Équipe Données" → "equipe-donnees", not "quipe-donn-es"),
/// compatibility forms become their plain letters (full-width, ligatures), and a name with no
/// such letter at all (数据) gets "x" and a hash of the name.
public func slugify(_ name: String) -> String {
    var slug = ""
    var pendingDash = false
    // Compatibility decomposition splits "é" into "e" and a combining accent, which is dropped
    // (a separator would make "e-quipe"). ASCII is its own decomposition, without marks: most
    // names are, and decomposing them through Foundation was a sixth of reading a commentary
    // page (perf, 10,000 pages).
    let ascii = name.utf8.allSatisfy { $0 < 0x80 }
    for scalar in (ascii ? name : name.decomposedStringWithCompatibilityMapping).lowercased().unicodeScalars {
        if !ascii {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
        }
        let letters: String
        if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
            letters = String(scalar)
        } else if let plain = plainLetters[scalar] {
            letters = plain
        } else {
            pendingDash = true
            continue
        }
        if pendingDash && !slug.isEmpty { slug += "-" }
        slug += letters
        pendingDash = false
    }
    if slug.isEmpty { slug = "x" + String(stableHashHex(name).prefix(8)) }
    return String(slug.prefix(80))
}

/// Latin letters that no decomposition turns into plain ones.
private let plainLetters: [Unicode.Scalar: String] = [
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t",
]

/// A slug for each of `names` that no other of them has: two names may slugify alike ("Data
/// Eng" and "data-eng", "Zürich" and "Zurich"), and their pages and report.json rows would then
/// overwrite each other. Of names sharing a slug, the first in code-point order keeps it and
/// each other adds a short hash of its own name, so a name's slug does not depend on the
/// order the names came in, nor (for the first) on which other names there are.
public func distinctSlugs(_ names: some Sequence<String>) -> [String: String] {
    let sorted = Set(names).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    let bases = sorted.map(slugify)
    var used = Set(bases)
    var claimed = Set<String>()
    var result: [String: String] = [:]
    for (name, base) in zip(sorted, bases) {
        if claimed.insert(base).inserted {
            result[name] = base
            continue
        }
        let hashed = base + "-" + String(stableHashHex(name).prefix(6))
        var slug = hashed, counter = 2
        // A name may slugify to another's hashed slug ("data-eng-1a2b3c"): count on.
        while used.contains(slug) { slug = "\(hashed)-\(counter)"; counter += 1 }
        used.insert(slug)
        result[name] = slug
    }
    return result
}

func stableHashHex(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return String(hash, radix: 16)
}

import XCTest
@testable import Dataset

/// Page names for teams and tools: readable for accented names, and never one page for two names.
final class SlugTests: XCTestCase {
    func testAccentedAndCompatibilityLettersBecomePlainLetters() {
        XCTAssertEqual(slugify("Équipe Données"), "equipe-donnees")
        XCTAssertEqual(slugify("Zürich Ops"), "zurich-ops")
        XCTAssertEqual(slugify("Straße & Æsir"), "strasse-aesir")
        XCTAssertEqual(slugify("Łódź"), "lodz")
        XCTAssertEqual(slugify("Ｆｕｌｌ Stack"), "full-stack")
        XCTAssertEqual(slugify("ﬁnance"), "finance")
        XCTAssertEqual(slugify("İstanbul"), "istanbul")
        XCTAssertEqual(slugify("Data Engineering & <ML>"), "data-engineering-ml")
        // ASCII, which skips the decomposition, reads as the same name with an accent does.
        XCTAssertEqual(slugify("--Q3_Review (DRAFT) 2026!"), "q3-review-draft-2026")
        XCTAssertEqual(slugify("Equipe Donnees"), slugify("Équipe Données"))
        XCTAssertEqual(slugify("Zurich\tOps"), slugify("Zürich Ops"))
        XCTAssertTrue(slugify("!!!").hasPrefix("x"))
        // No letter with a plain form: a hash, the same every time, and different per name.
        let chinese = slugify("数据团队")
        XCTAssertTrue(chinese.hasPrefix("x") && chinese.count == 9, chinese)
        XCTAssertEqual(chinese, slugify("数据团队"))
        XCTAssertNotEqual(chinese, slugify("平台团队"))
        XCTAssertNil(slugProblem(chinese))
    }

    func testNamesThatSlugifyAlikeGetDistinctSlugsWhateverTheirOrder() {
        let names = ["data-eng", "Data Eng", "Zurich", "Zürich", "DATA  ENG", "Payments"]
        let slugs = distinctSlugs(names)
        XCTAssertEqual(Set(slugs.values).count, names.count, "\(slugs)")
        // The first in code-point order keeps the plain slug; a name alone keeps its own.
        XCTAssertEqual(slugs["DATA  ENG"], "data-eng")
        XCTAssertEqual(slugs["Zurich"], "zurich")
        XCTAssertEqual(slugs["Payments"], "payments")
        XCTAssertEqual(slugs["Zürich"], "zurich-" + String(stableHashHex("Zürich").prefix(6)))
        for slug in slugs.values { XCTAssertNil(slugProblem(slug), slug) }
        XCTAssertEqual(distinctSlugs(names.reversed()), slugs)
        XCTAssertEqual(distinctSlugs(names + names), slugs)
    }

    func testANameWrittenAsAnothersHashedSlugDoesNotTakeIt() {
        // "data-eng" would get data-eng-<its hash>; a team named exactly that keeps its own.
        let hashed = "data-eng-" + String(stableHashHex("data-eng").prefix(6))
        let slugs = distinctSlugs(["Data Eng", "data-eng", hashed])
        XCTAssertEqual(slugs["Data Eng"], "data-eng")
        XCTAssertEqual(slugs[hashed], hashed)
        XCTAssertEqual(slugs["data-eng"], hashed + "-2")
    }
}

/// Trimming a table's cells: as Foundation's `trimmingCharacters(in: .whitespaces)` (and
/// `.whitespacesAndNewlines`), which reads Unicode's table, on text that takes the short path
/// (printable ASCII at both ends) and text that does not.
final class TrimmingTests: XCTestCase {
    func testTrimmingAgreesWithFoundation() {
        // (U+0600 is a prepended mark: with the digit after it, one character, as with a blank
        // after it, which Foundation would trim and a character-wise trim keeps.)
        let ends = ["", " ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\u{85}", "\n", "\r\n", "x", "é", "1", "~", "!"]
        let middles = ["", "a", "a b", "Payments – team", "\u{0600}1", "1\u{0600}1", " ", "x\u{301}"]
        for head in ends {
            for middle in middles {
                for tail in ends {
                    let text = head + middle + tail
                    XCTAssertEqual(String(text.trimmed()), text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
                    XCTAssertEqual(String(text.trimmed(lineEnds: true)), text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(text.unicodeScalars))")
                }
            }
        }
    }
}

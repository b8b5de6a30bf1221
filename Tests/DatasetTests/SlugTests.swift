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

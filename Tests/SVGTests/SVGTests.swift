import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import SVG

/// Parses XML text back, to prove it is well-formed.
func isWellFormed(_ xml: String) -> Bool {
    let parser = XMLParser(data: Data(xml.utf8))
    return parser.parse()
}

final class SVGTests: XCTestCase {
    func testTextAndAttributesAreEscapedInOnePlace() throws {
        let node = svg(width: 100, height: 50) {
            title("<script>alert(\"x\")</script> & 'co'")
            rect(x: 0, y: 0, width: 10, height: 10, class: "a\" onload=\"alert(1)")
        }
        let xml = try node.render()
        XCTAssertEqual(xml, #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><title>&lt;script&gt;alert("x")&lt;/script&gt; &amp; 'co'</title><rect x="0" y="0" width="10" height="10" class="a&quot; onload=&quot;alert(1)"/></svg>"#)
        XCTAssertTrue(isWellFormed(xml))
    }

    func testNumbersAreFixedPrecisionWithoutNegativeZero() {
        XCTAssertEqual(formatNumber(1.0), "1")
        XCTAssertEqual(formatNumber(1.005), "1")  // 100.49999 rounds down in binary
        XCTAssertEqual(formatNumber(2.345), "2.35")
        XCTAssertEqual(formatNumber(-0.001), "0")
        XCTAssertEqual(formatNumber(-0.0), "0")
        XCTAssertEqual(formatNumber(-12.5), "-12.5")
        XCTAssertEqual(formatNumber(0.07), "0.07")
        XCTAssertNil(formatNumber(.nan))
        XCTAssertNil(formatNumber(.infinity))
    }

    /// Numbers are written as bytes (`appendNumber`); the text is the one the String-building
    /// algorithm it replaced gave, for random values of every size and sign, at every precision.
    func testNumbersAsBytesAreTheStringAlgorithms() {
        func reference(_ value: Double, decimals: Int) -> String? {
            guard value.isFinite else { return nil }
            let scale = [1.0, 10, 100, 1000, 10000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
            let scaled = (value * scale).rounded()
            guard abs(scaled) < 9.0e15 else {
                guard abs(value) < 9.0e18 else { return nil }
                return String(Int64(value.rounded()))
            }
            var integer = Int64(scaled)
            if integer == 0 { return "0" }
            let negative = integer < 0
            integer = abs(integer)
            let unit = Int64(scale)
            var text = (negative ? "-" : "") + String(integer / unit)
            var fraction = integer % unit
            if fraction != 0 {
                var digits = decimals
                while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
                let fractionText = String(fraction)
                text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
            }
            return text
        }
        var generator = SystemRandomNumberGenerator()
        let specials: [Double] = [0, -0.0, 1, -1, 0.5, -0.5, 0.005, 0.015, 1.005, 2.345, 9.0e15, -9.0e15, 8.99e18, 9.1e18, -9.1e18,
                                  .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123_456.789]
        for index in 0..<30_000 {
            let value = index < specials.count ? specials[index]
                : Double.random(in: -1...1, using: &generator) * pow(10, Double.random(in: -8...19, using: &generator))
            for decimals in [0, 1, 2, 3, 6] {
                XCTAssertEqual(formatNumber(value, decimals: decimals), reference(value, decimals: decimals), "\(value), \(decimals) decimals")
            }
        }
    }

    func testNonFiniteCoordinatesAreAnErrorNotOutput() {
        let node = svg(width: 10, height: 10) { circle(cx: .nan, cy: 1, r: 1) }
        XCTAssertThrowsError(try node.render()) { error in
            XCTAssertEqual(error as? SVGError, .nonFinite(element: "circle", attribute: "cx"))
        }
        let pathNode = svg(width: 10, height: 10) { path(PathData().move(0, 0).line(.infinity, 1)) }
        XCTAssertThrowsError(try pathNode.render())
    }

    /// Element and attribute names are checked before they are written: an ASCII name byte
    /// by byte, any other by its scalars' Unicode properties; a name that is not one is an
    /// error, never markup.
    func testOnlyXMLNamesAreWrittenAsNames() throws {
        for name in ["x", "stroke-width", "xlink:href", "_a", "a1.b", "Z9", "été", "_ü-1"] {
            XCTAssertTrue(isXMLName(name), name)
            XCTAssertNoThrow(try element(name, [Attribute(name, .text("1"))]).render(), name)
        }
        for name in ["1a", "-a", ".a", ":a", "a b", "a\"", "<a", "a>", "a=b", "a/", "a\u{0}", "a☃", "☃", "é\u{300}\u{20}", "a\n"] {
            XCTAssertFalse(isXMLName(name), name.debugDescription)
            XCTAssertThrowsError(try element(name, []).render(), name.debugDescription)
            XCTAssertThrowsError(try element("g", [Attribute(name, .text("1"))]).render(), name.debugDescription)
        }
        XCTAssertFalse(isXMLName(""))
    }

    func testAttributeOrderIsTheOrderGiven() throws {
        let xml = try element("g", [Attribute("z", .text("1")), Attribute("a", .text("2"))]).render()
        XCTAssertEqual(xml, #"<g z="1" a="2"/>"#)
    }

    func testPathDataBuilder() throws {
        let data = PathData().move(0, 0).line(10, 5.5).horizontal(20).vertical(1).close()
        XCTAssertEqual(try path(data).render(), #"<path d="M0 0L10 5.5H20V1Z"/>"#)
    }

    /// Property: any string and any finite number give well-formed XML.
    func testAnyTextOrNumberGivesWellFormedXML() throws {
        var state: UInt64 = 42
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        let alphabet: [Unicode.Scalar] = ["<", ">", "&", "\"", "'", "\n", "\t", "\r", "\u{0}", "\u{1}", "\u{1F}", "a", " ", "é", "\u{FFFE}", "\u{FFFF}", "😀", "]]>", "-", "\u{7F}"].flatMap { $0.unicodeScalars }
        for _ in 0..<500 {
            var content = ""
            for _ in 0..<Int(next() % 40) { content.unicodeScalars.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
            let number = Double(Int64(bitPattern: next() << 11)) / Double(1 << UInt64(next() % 60))
            let node = svg(width: 10, height: 10) {
                title(content)
                desc(content)
                g(class: content) { text(content, x: number, y: -number) }
            }
            let xml = try node.render()
            XCTAssertTrue(isWellFormed(xml), xml)
        }
    }
}

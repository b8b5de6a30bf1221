import Foundation
import XCTest
@testable import Site

/// The hand-written JSON reader (`parseJSON`) against Foundation's JSONSerialization: the same
/// value for every generated document, the same verdict on damaged ones, never a crash.
final class JSONParserTests: XCTestCase {
    /// What parseJSON returned when it went through JSONSerialization (the reference).
    func reference(_ data: Data) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return convert(object)
    }

    func convert(_ object: Any) -> JSONValue {
        switch object {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            let double = number.doubleValue
            if double == double.rounded() && abs(double) < 1e15 { return .int(Int64(double)) }
            return .number(double)
        case let array as [Any]: return .array(array.map(convert))
        case let dictionary as [String: Any]: return .object(dictionary.keys.sorted().map { ($0, convert(dictionary[$0]!)) })
        default: return .null
        }
    }

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }

        mutating func string() -> String {
            let pieces = ["a", "Team \"A\"", "\\", "/", "\n", "\t", "é", "日本", "😀", "\u{1}", "<&>", " ", "\u{2028}", "x"]
            return (0..<next(5)).map { _ in pieces[next(pieces.count)] }.joined()
        }

        mutating func text(depth: Int) -> String {
            switch depth > 3 ? next(5) : next(7) {
            case 0: return "null"
            case 1: return next(2) == 0 ? "true" : "false"
            case 2: return ["0", "-0", "12", "-7", "3.25", "1e3", "-2.5E-3", "123456789012345678", "0.1", "1E+2", "999999999999999"][next(11)]
            case 3, 4:
                let escaped = string().unicodeScalars.map { scalar -> String in
                    switch scalar {
                    case "\"": return "\\\""
                    case "\\": return "\\\\"
                    case "\n": return next(2) == 0 ? "\\n" : "\\u000a"
                    case "\t": return "\\t"
                    case "\u{1}": return "\\u0001"
                    case "😀": return next(2) == 0 ? "😀" : "\\ud83d\\ude00"
                    case "/": return next(2) == 0 ? "/" : "\\/"
                    default: return String(scalar)
                    }
                }.joined()
                return "\"" + escaped + "\""
            case 5: return "[" + (0..<next(4)).map { _ in text(depth: depth + 1) }.joined(separator: next(2) == 0 ? "," : " , ") + "]"
            default:
                return "{" + (0..<next(4)).map { _ in "\"k\(next(6))\" : " + text(depth: depth + 1) }.joined(separator: ",\n ") + "}"
            }
        }
    }

    func testGeneratedDocumentsParseAsJSONSerializationParsesThem() {
        var generator = Generator(state: 42)
        for _ in 0..<3000 {
            let text = generator.text(depth: 0)
            let data = Data(text.utf8)
            let expected = reference(data)
            XCTAssertNotNil(expected, text)
            XCTAssertEqual(parseJSON(data)?.serialized(), expected?.serialized(), text)
        }
    }

    func testDamagedDocumentsGetTheSameVerdictAndNeverCrash() {
        var generator = Generator(state: 7)
        let inserts: [UInt8] = Array("{}[],:\"\\ -+.eE0u".utf8) + [0x00, 0xFF, 0xC3]
        var disagreements: [String] = []
        for _ in 0..<3000 {
            var bytes = Array(generator.text(depth: 0).utf8)
            switch generator.next(3) {
            case 0 where !bytes.isEmpty: bytes.removeSubrange(generator.next(bytes.count)...)
            case 1 where !bytes.isEmpty: bytes[generator.next(bytes.count)] = inserts[generator.next(inserts.count)]
            default: bytes.insert(inserts[generator.next(inserts.count)], at: generator.next(bytes.count + 1))
            }
            let data = Data(bytes)
            let (mine, theirs) = (parseJSON(data), reference(data))
            // Foundation stops reading at a NUL byte and accepts what came before; a NUL is
            // not JSON, and parseJSON refuses it.
            if mine == nil && bytes.contains(0) { continue }
            if (mine == nil) != (theirs == nil) || mine?.serialized() != theirs?.serialized() {
                disagreements.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        XCTAssertEqual(disagreements, [])
    }

    func testDeepNestingAndOddInputsAreRefusedNotCrashed() {
        XCTAssertNil(parseJSON(Data(String(repeating: "[", count: 100_000).utf8)))
        XCTAssertNotNil(parseJSON(Data((String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).utf8)))
        for bad in ["", " ", "01", "1.", ".5", "-", "+1", "1e", "[1,]", "{\"a\":1,}", "{'a':1}", "\"\\ud800\"", "\"\\udc00x\"", "tru", "nul", "[1] x",
                    "\"\u{1}\"", "\"\\x\"", "{\"a\" 1}", "NaN", "Infinity"] {
            XCTAssertNil(parseJSON(Data(bad.utf8)), bad)
        }
        XCTAssertEqual(parseJSON(Data("{\"b\":1,\"a\":[true,null,2.5],\"b\":3}".utf8))?.serialized(pretty: false), "{\"a\":[true, null, 2.5],\"b\":3}")
        XCTAssertEqual(parseJSON(Data("\"\\u00e9\\ud83d\\ude00\"".utf8))?.serialized(pretty: false), "\"é😀\"")
    }
}

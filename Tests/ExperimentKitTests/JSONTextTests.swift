@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

/// The JSON text the records, the run keys and the resolved spec are written in.
@Suite struct JSONTextTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("line\nfeed\r\ttab", #""line\nfeed\r\ttab""#),
        ("bell\u{7}unit\u{1F}", #""bell\u0007unit\u001f""#),
        ("é ∂ 😀", "\"é ∂ 😀\""),
    ])
    func stringsAreQuotedWithTheirEscapes(text: String, quoted: String) {
        #expect(JSONValue.quote(text) == quoted)
        #expect(JSONValue.string(text).canonicalText == quoted)
    }

    @Test(arguments: [
        (1.0, "1"), (-3.0, "-3"), (0.0, "0"), (-0.0, "-0.0"), (2.5, "2.5"), (0.1, "0.1"),
        (6.017086887346883e-06, "6.017086887346883e-06"), (9_007_199_254_740_991, "9007199254740991"),
        (1e16, "1e+16"), (Double.nan, "null"), (Double.infinity, "1e999"), (-Double.infinity, "-1e999"),
    ])
    func numbersAreShortestWithIntegersWithoutAFraction(value: Double, text: String) {
        #expect(JSONValue.format(value) == text)
        #expect(JSONValue.number(value).compactText == text)
    }

    @Test func canonicalTextSortsKeysAtEveryLevelAndCompactTextKeepsTheirOrder() {
        let value = JSONValue.object([
            ("b", .number(1)), ("a", .array([.bool(true), .null, .object([("z", .string("x")), ("y", .bool(false))])])),
        ])
        #expect(value.canonicalText == #"{"a":[true,null,{"y":false,"z":"x"}],"b":1}"#)
        #expect(value.compactText == #"{"b":1,"a":[true,null,{"z":"x","y":false}]}"#)
    }

    @Test func textParsesBackToTheSameValue() throws {
        let value = JSONValue.object([
            ("name", .string("tab\there \"quoted\" \u{1}")), ("values", .array([.number(0.1), .number(-2), .number(1e-300)])),
            ("flag", .bool(false)), ("nothing", .null),
        ])
        #expect(try JSONParser.parse(bytes: Array(value.compactText.utf8)) == value)
    }

    @Test(arguments: [
        (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u4e2d\ud83d\ude00""#, "é中😀"),
        ("\"é\\n∂ plain\"", "é\n∂ plain"),
        (#""""#, ""),
    ])
    func stringEscapesAreDecoded(json: String, text: String) throws {
        #expect(try JSONParser.parse(json) == .string(text))
    }

    @Test func invalidUTF8IsRepairedAroundEscapes() throws {
        // A lone lead byte before an escape, and a truncated sequence at the end.
        let bytes: [UInt8] = [0x22, 0xC3, 0x5C, 0x6E, 0x41, 0xE2, 0x82, 0x22]
        #expect(try JSONParser.parse(bytes: bytes) == .string("\u{FFFD}\nA\u{FFFD}"))
    }

    @Test(arguments: [#""\ud83d""#, #""\ud83d\u0041""#, #""\x""#, "\"tab\there\"", #""open"#, #""\u12""#])
    func malformedStringsAreErrors(json: String) {
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse(json) }
    }
}

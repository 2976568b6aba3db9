/// A strict JSON parser (RFC 8259) that keeps object key order and reports errors by line and column.
///
/// Foundation's decoders do not keep key order, which a grid's axis order depends on.
public struct JSONParser {
    /// A syntax error at a 1-based line and column.
    public struct SyntaxError: Error, Sendable, Equatable {
        public var line: Int
        public var column: Int
        public var message: String
        /// The JSON path of the value at fault, when known (a number out of range in a spec).
        public var path: String? = nil
    }

    private let bytes: [UInt8]
    private var position = 0
    /// Whether a number too large for a Double is an error (else it reads as an infinity, the
    /// way records write infinities: `1e999`).
    private let finiteNumbersOnly: Bool
    /// The JSON path to the value being parsed (kept only with `finiteNumbersOnly`, for errors).
    private var path: [String] = []

    private init(_ bytes: [UInt8], finiteNumbersOnly: Bool) {
        self.bytes = bytes
        self.finiteNumbersOnly = finiteNumbersOnly
    }

    /// Parses a complete document (one value, optional surrounding whitespace).
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses UTF-8 bytes. With `finiteNumbersOnly` (specs), a number beyond the range of a
    /// Double, such as `1e309`, is an error quoting it as written.
    public static func parse(bytes: [UInt8], finiteNumbersOnly: Bool = false) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes, finiteNumbersOnly: finiteNumbersOnly)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < parser.bytes.count {
            throw parser.error("unexpected text after the JSON value")
        }
        return value
    }

    /// Parses the one value that starts at `offset` of `bytes` (text may follow it); returns it and
    /// the offset just past it.
    package static func parseValue(bytes: [UInt8], at offset: Int) throws(SyntaxError) -> (value: JSONValue, end: Int) {
        var parser = JSONParser(bytes, finiteNumbersOnly: false)
        parser.position = offset
        let value = try parser.parseValue(depth: 0)
        return (value, parser.position)
    }

    private func error(_ message: String) -> SyntaxError {
        var line = 1
        var column = 1
        for b in bytes[0..<min(position, bytes.count)] {
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SyntaxError(line: line, column: column, message: message)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < 200 else { throw error("nesting deeper than 200 levels") }
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))', expected a value")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
        let w = Array(word.utf8)
        guard position + w.count <= bytes.count, Array(bytes[position..<(position + w.count)]) == w else {
            throw error("invalid literal, expected '\(word)'")
        }
        position += w.count
        return value
    }

    private mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var pairs: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(pairs)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a quoted key")
            }
            let keyStart = position
            let key = try parseString()
            if pairs.contains(where: { $0.key == key }) {
                position = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after key \"\(key)\"")
            }
            position += 1
            skipWhitespace()
            if finiteNumbersOnly { path.append(path.isEmpty ? key : "." + key) }
            pairs.append((key, try parseValue(depth: depth + 1)))
            if finiteNumbersOnly { path.removeLast() }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(pairs)
            }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            if finiteNumbersOnly { path.append("[\(items.count)]") }
            items.append(try parseValue(depth: depth + 1))
            if finiteNumbersOnly { path.removeLast() }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            throw error("expected ',' or ']' in an array")
        }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        position += 1
        // UTF-8 of the string so far; raw bytes are decoded with String's repairs, as a whole
        // (an escape always adds a complete sequence, so decoding in one go equals decoding the
        // raw runs between escapes one by one).
        var text: [UInt8] = []
        var runStart = position
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                defer { position += 1 }
                if text.isEmpty { return String(decoding: bytes[runStart..<position], as: UTF8.self) }
                text.append(contentsOf: bytes[runStart..<position])
                return String(decoding: text, as: UTF8.self)
            }
            if b < 0x20 { throw error("control character in a string (escape it)") }
            guard b == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            text.append(contentsOf: bytes[runStart..<position])
            position += 1
            guard position < bytes.count else { break }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(e)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                UTF8.encode(u) { text.append($0) }
            default:
                position -= 1
                throw error("invalid escape in a string")
            }
            runStart = position
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            position += 1
        }
        return v
    }

    private mutating func parseNumber() throws(SyntaxError) -> JSONValue {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let s = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            return position - s
        }
        let intStart = position
        let intDigits = digits()
        guard intDigits > 0 else { throw error("invalid number") }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") { throw error("leading zero in a number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("expected digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw error("expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else {
            position = start
            throw error("invalid number '\(text)'")
        }
        guard value.isFinite || !finiteNumbersOnly else {
            position = start
            var failure = error("number \(text) is out of range (the largest magnitude is about 1.8e308)")
            failure.path = path.joined()
            throw failure
        }
        return .number(value)
    }
}

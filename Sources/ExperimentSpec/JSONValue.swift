/// A parsed JSON document that keeps the order of object keys (axis order in a grid matters).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Key-value pairs in document order (keys are unique: duplicates are a parse error).
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value for `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// A short name of the JSON type, for error messages ("a string", "an object", ...).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A compact rendering of the value for error messages (truncated to 60 characters).
    public var excerpt: String {
        let text = canonicalText
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    /// Whether this is a string of more than `limit` characters.
    func isLongString(_ limit: Int) -> Bool {
        if case let .string(s) = self { return s.unicodeScalars.count > limit }
        return false
    }

    /// Canonical JSON text: objects with keys sorted, no spaces, numbers in shortest form
    /// (integers without a fraction). Equal values always give equal text.
    public var canonicalText: String { text(sortingKeys: true) }

    /// Compact JSON text keeping document order (no spaces or newlines).
    public var compactText: String { text(sortingKeys: false) }

    /// No whitespace; object keys sorted or in document order.
    private func text(sortingKeys: Bool) -> String {
        var bytes: [UInt8] = []
        write(to: &bytes, sortingKeys: sortingKeys)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the text of ``canonicalText`` (`sortingKeys`) or ``compactText`` to `out` as UTF-8.
    package func write(to out: inout [UInt8], sortingKeys: Bool) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case let .number(n): JSONValue.write(n, to: &out)
        case let .string(s): JSONValue.write(quoted: s, to: &out)
        case let .array(a):
            out.append(UInt8(ascii: "["))
            for (i, element) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out, sortingKeys: sortingKeys)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(pairs):
            let order = sortingKeys ? JSONValue.canonicalOrder(of: pairs.map(\.key)) : Array(pairs.indices)
            JSONValue.writeObject(order: order, sortingKeys: sortingKeys, to: &out) { pairs[$0] }
        }
    }

    /// The order of the members named `keys` in canonical text: their indices, sorted by name.
    static func canonicalOrder(of keys: [String]) -> [Int] {
        keys.indices.sorted { keys[$0] < keys[$1] }
    }

    /// Appends an object whose members are `member(i)` for the indices `i` of `order`, in that
    /// order, values written as ``write(to:sortingKeys:)`` does.
    static func writeObject(order: [Int], sortingKeys: Bool, to out: inout [UInt8],
                            member: (Int) -> (key: String, value: JSONValue)) {
        out.append(UInt8(ascii: "{"))
        for (n, i) in order.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            let (key, value) = member(i)
            JSONValue.write(quoted: key, to: &out)
            out.append(UInt8(ascii: ":"))
            value.write(to: &out, sortingKeys: sortingKeys)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Pretty JSON text keeping document order (two-space indent), ending without a newline.
    public func prettyText(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case let .array(a) where !a.isEmpty:
            if a.allSatisfy({ if case .object = $0 { return false }; if case .array = $0 { return false }; return true }) {
                return "[" + a.map(\.canonicalText).joined(separator: ", ") + "]"
            }
            return "[\n" + a.map { inner + $0.prettyText(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case let .object(pairs) where !pairs.isEmpty:
            return "{\n" + pairs.map { inner + JSONValue.quote($0.key) + ": " + $0.value.prettyText(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return canonicalText
        }
    }

    /// Shortest round-tripping text of a number; integral values up to 2^53 print without ".0"
    /// (negative zero keeps its sign).
    public static func format(_ n: Double) -> String {
        var bytes: [UInt8] = []
        write(n, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``format(_:)`` of `n` to `out`.
    package static func write(_ n: Double, to out: inout [UInt8]) {
        if n.isNaN { return out.append(contentsOf: "null".utf8) }
        if n.isInfinite { return out.append(contentsOf: n > 0 ? "1e999".utf8 : "-1e999".utf8) }
        if n == 0, n.sign == .minus { return out.append(contentsOf: "-0.0".utf8) }
        if n == n.rounded(), Swift.abs(n) < 9.007_199_254_740_992e15 { return DecimalText.append(Int64(n), to: &out) }
        DecimalText.append(description: n, to: &out)
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var bytes: [UInt8] = []
        write(quoted: s, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``quote(_:)`` of `s` to `out`.
    package static func write(quoted s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var plain = s
        plain.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
                case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
                case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

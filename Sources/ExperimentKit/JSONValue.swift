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

    /// Canonical JSON text: objects with keys sorted, no spaces, numbers in shortest form
    /// (integers without a fraction). Equal values always give equal text.
    public var canonicalText: String { text(sortingKeys: true) }

    /// Compact JSON text keeping document order (no spaces or newlines).
    public var compactText: String { text(sortingKeys: false) }

    /// No whitespace; object keys sorted or in document order.
    private func text(sortingKeys: Bool) -> String {
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return JSONValue.format(n)
        case let .string(s): return JSONValue.quote(s)
        case let .array(a): return "[" + a.map { $0.text(sortingKeys: sortingKeys) }.joined(separator: ",") + "]"
        case let .object(pairs):
            let ordered = sortingKeys ? pairs.sorted { $0.key < $1.key } : pairs
            return "{" + ordered.map { JSONValue.quote($0.key) + ":" + $0.value.text(sortingKeys: sortingKeys) }.joined(separator: ",") + "}"
        }
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
        if n.isNaN { return "null" }
        if n.isInfinite { return n > 0 ? "1e999" : "-1e999" }
        if n == 0, n.sign == .minus { return "-0.0" }
        if n == n.rounded(), Swift.abs(n) < 9.007_199_254_740_992e15 { return String(Int64(n)) }
        return "\(n)"
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

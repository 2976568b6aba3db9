/// Strict reading of one JSON object of a spec (a chart or an expectation): typed field access
/// with JSON paths in errors, and rejection of unknown keys with a "did you mean" hint.
struct CheckedObject {
    let pairs: [(key: String, value: JSONValue)]
    let path: String
    let file: String

    init(_ value: JSONValue, path: String, file: String, what: String) throws(SpecError) {
        guard case let .object(pairs) = value else {
            throw SpecError(file: file, path: path, expected: what, found: value.typeDescription)
        }
        self.pairs = pairs
        self.path = path
        self.file = file
    }

    subscript(key: String) -> JSONValue? { pairs.first { $0.key == key }?.value }

    func has(_ key: String) -> Bool { self[key] != nil }

    func childPath(_ key: String) -> String { JSONPath.child(path, key) }

    func error(_ key: String, expected: String, found: String) -> SpecError {
        SpecError(file: file, path: childPath(key), expected: expected, found: found)
    }

    /// Fails on the first key not in `allowed`, suggesting the closest allowed key.
    func rejectUnknownKeys(allowed: [String]) throws(SpecError) {
        for (key, _) in pairs where !allowed.contains(key) {
            let known = allowed.map { "'\($0)'" }.joined(separator: ", ")
            var expected = "one of the keys " + known
            if let hint = SpecSuggestion.closest(to: key, among: allowed) {
                expected = "a known key (did you mean '\(hint)'?) among " + known
            }
            throw SpecError(file: file, path: childPath(key), expected: expected, found: "unknown key '\(key)'")
        }
    }

    func string(_ key: String) throws(SpecError) -> String? {
        guard let value = self[key] else { return nil }
        guard case let .string(s) = value else { throw error(key, expected: "a string", found: value.typeDescription) }
        return s
    }

    func nonEmptyString(_ key: String) throws(SpecError) -> String? {
        guard let s = try string(key) else { return nil }
        if s.isEmpty { throw error(key, expected: "a non-empty string", found: "\"\"") }
        return s
    }

    func bool(_ key: String) throws(SpecError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard case let .bool(b) = value else { throw error(key, expected: "true or false", found: value.typeDescription) }
        return b
    }

    func number(_ key: String) throws(SpecError) -> Double? {
        guard let value = self[key] else { return nil }
        guard case let .number(n) = value, n.isFinite else {
            throw error(key, expected: "a finite number", found: value.typeDescription)
        }
        return n
    }

    func fraction(_ key: String) throws(SpecError) -> Double? {
        guard let n = try number(key) else { return nil }
        guard (0...1).contains(n) else { throw error(key, expected: "a number between 0 and 1", found: JSONValue.format(n)) }
        return n
    }

    /// A string restricted to `choices`.
    func choice(_ key: String, _ choices: [String]) throws(SpecError) -> String? {
        guard let s = try string(key) else { return nil }
        guard choices.contains(s) else {
            var expected = "one of " + choices.map { "'\($0)'" }.joined(separator: ", ")
            if let hint = SpecSuggestion.closest(to: s, among: choices) { expected += " (did you mean '\(hint)'?)" }
            throw error(key, expected: expected, found: "\"\(s)\"")
        }
        return s
    }
}

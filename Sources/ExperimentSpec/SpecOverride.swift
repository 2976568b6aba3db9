/// A command-line change to a spec, applied to the document before it is decoded (so it enters
/// `spec.resolved.json` and the run keys as if it were written in the file):
///
/// - `block.option=value` sets an option (`model.hidden=64`, `training.optimizer=sgd`); blocks are
///   `model`, `training`, `task`, `study_options`; `name=...` and `description=...` set those keys;
/// - `grid.axis=v1,v2,...` sets (or adds, last) an axis; `range(start,stop,step)`,
///   `log(start,stop,count)` and `count(n)` give the other forms, and a JSON value (`[1,2]`,
///   `{"range": [1, 9, 2]}`) is taken as written;
/// - `~grid.axis` removes an axis.
///
/// A value is read as JSON when it parses as JSON (numbers, `true`, `"quoted text"`), else as text.
public struct SpecOverride: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case set(JSONValue)
        case remove
    }

    /// The override as written, for messages.
    public let text: String
    /// The top-level key (`model`, `grid`, `name`, ...) and, inside it, the member (nil for a
    /// top-level key such as `name`).
    public let block: String
    public let member: String?
    public let action: Action

    /// The JSON path the override writes (`model.hidden`, `grid.seq_len`, `name`).
    public var path: String { member.map { block + "." + $0 } ?? block }

    static let blocks = ["model", "training", "task", "study_options", "grid"]
    static let topLevel = ["name", "description"]

    /// Whether a command-line argument is an override rather than a file name.
    public static func looksLikeOverride(_ argument: String) -> Bool {
        argument.hasPrefix("~") || (argument.contains("=") && !argument.hasPrefix("-"))
    }

    /// Parses one override; a malformed one is a `SpecError` naming it (file "<command line>").
    public init(parsing text: String) throws(SpecError) {
        self.text = text
        func fail(_ expected: String) -> SpecError {
            SpecError(file: "<command line>", path: "", expected: expected, found: "override '\(text)'")
        }
        let removal = text.hasPrefix("~")
        let body = removal ? String(text.dropFirst()) : text
        let key: Substring
        let value: Substring?
        if removal {
            guard !body.contains("=") else { throw fail("'~grid.axis' (a removal takes no value)") }
            key = Substring(body)
            value = nil
        } else {
            guard let eq = body.firstIndex(of: "=") else { throw fail("'block.option=value', 'grid.axis=v1,v2' or '~grid.axis'") }
            key = body[..<eq]
            value = body[body.index(after: eq)...]
        }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, Self.topLevel.contains(parts[0]), !removal {
            block = parts[0]
            member = nil
        } else {
            guard parts.count == 2, !parts[1].isEmpty, Self.blocks.contains(parts[0]) else {
                throw fail("a key 'block.option' with block one of " + Self.blocks.joined(separator: ", ")
                           + ", or " + Self.topLevel.joined(separator: ", ")
                           + SpecSuggestion.didYouMean(parts[0], among: Self.blocks + Self.topLevel))
            }
            guard !removal || parts[0] == "grid" else { throw fail("'~grid.axis' (only grid axes can be removed)") }
            block = parts[0]
            member = parts[1]
        }
        guard let value else {
            action = .remove
            return
        }
        guard !value.isEmpty else { throw fail("a value after '='") }
        action = .set(block == "grid" ? try Self.axisValue(String(value), fail: fail) : Self.scalar(String(value)))
    }

    /// A value as JSON when it parses as JSON, else as text.
    static func scalar(_ text: String) -> JSONValue {
        (try? JSONParser.parse(bytes: Array(text.utf8), finiteNumbersOnly: true)) ?? .string(text)
    }

    /// An axis: `range(...)`, `log(...)`, `count(n)`, a JSON array or object, or comma-separated values.
    static func axisValue(_ text: String, fail: (String) -> SpecError) throws(SpecError) -> JSONValue {
        for form in ["range", "log", "count"] where text.hasPrefix(form + "(") {
            guard text.hasSuffix(")") else { throw fail("\(form)(...) with a closing parenthesis") }
            let inner = text.dropFirst(form.count + 1).dropLast()
            var numbers: [JSONValue] = []
            for item in inner.split(separator: ",") {
                guard case let .number(n) = scalar(item.trimmingCharacters(in: .whitespaces)) else {
                    throw fail("numbers in \(form)(...)")
                }
                numbers.append(.number(n))
            }
            let arity = form == "count" ? 1 : 3
            guard numbers.count == arity else { throw fail("\(form)(\(form == "count" ? "n" : form == "log" ? "start,stop,count" : "start,stop,step"))") }
            return .object([(form, form == "count" ? numbers[0] : .array(numbers))])
        }
        if text.hasPrefix("[") || text.hasPrefix("{") {
            guard let json = try? JSONParser.parse(bytes: Array(text.utf8), finiteNumbersOnly: true) else {
                throw fail("valid JSON after '='")
            }
            return json
        }
        return .array(text.split(separator: ",", omittingEmptySubsequences: false).map {
            scalar($0.trimmingCharacters(in: .whitespaces))
        })
    }

    /// `document` with the override applied (members keep their place; a new one goes last).
    func applied(to document: JSONValue) throws(SpecError) -> JSONValue {
        guard case var .object(pairs) = document else { return document }
        guard let member else {
            if case let .set(value) = action {
                if let i = pairs.firstIndex(where: { $0.key == block }) { pairs[i].value = value } else { pairs.append((block, value)) }
            }
            return .object(pairs)
        }
        var inner: [(key: String, value: JSONValue)] = []
        let index = pairs.firstIndex { $0.key == block }
        if let index {
            guard case let .object(existing) = pairs[index].value else {
                throw SpecError(file: "<command line>", path: block, expected: "an object to apply override '\(text)' to",
                                found: pairs[index].value.typeDescription)
            }
            inner = existing
        }
        switch action {
        case let .set(value):
            if let i = inner.firstIndex(where: { $0.key == member }) { inner[i].value = value } else { inner.append((member, value)) }
        case .remove:
            guard let i = inner.firstIndex(where: { $0.key == member }) else {
                throw SpecError(file: "<command line>", path: path, expected: "an axis of the grid to remove (override '\(text)')",
                                found: "no such axis (axes: " + inner.map(\.key).filter { $0 != "where" && $0 != "exclude" }
                                    .joined(separator: ", ") + ")")
            }
            inner.remove(at: i)
        }
        if let index { pairs[index].value = .object(inner) } else { pairs.append((block, .object(inner))) }
        return .object(pairs)
    }
}

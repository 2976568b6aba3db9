import Foundation
import LinearAlgebra

/// One dimension of a grid: a single option with its points, or a `zip` group of options whose
/// points are taken together (one value per member at each point).
public struct GridAxis: Sendable {
    /// The option names (one, or the members of a zip group), in spec order.
    public let names: [String]
    /// The points; each holds one value per name.
    public let points: [[JSONValue]]
    /// Where the axis is in the spec, for error messages.
    public let path: String
    /// A zip group's named rows (`"label": {"model": ["IRNN", "tanh RNN", "LSTM"]}`): a pseudo-axis
    /// for charts and expectations, one distinct name per point. Not an option: run keys and
    /// runs.csv are unchanged; reports compute it from the members' values.
    public var label: Label? = nil

    /// The name of a zip group's label axis and one label per point.
    public struct Label: Sendable, Equatable {
        public let name: String
        public let values: [String]
    }

    /// The pseudo-option of the `seed` axis: an integer >= 0.
    static let seedOption = OptionSpec(
        "seed", [], .int(min: 0, max: nil), default: .number(0), studies: Set(StudyKind.allCases),
        "random seed of the run", binds: .set(\.seed, "the study's seed"))

    /// The key of a zip group that names its rows.
    static let labelKey = "label"

    /// Largest number of points any single axis may have before it is generated.
    static let maximumPoints = 1_000_000

    /// Decodes one axis value at `path` for `option`:
    /// an array of points, `{"values": [...]}`, `{"range": [start, stop, step]}`,
    /// `{"log": [start, stop, count]}` or (seed only) `{"count": n}`.
    static func values(of value: JSONValue, for option: OptionSpec, path: String, distinct: Bool = true) throws(SpecError) -> [JSONValue] {
        let raw: [JSONValue]
        switch value {
        case let .array(items):
            raw = items
            return try checked(raw, option: option, path: path, distinct: distinct) { JSONPath.element(path, $0) }
        case let .object(pairs):
            guard pairs.count == 1, let (form, argument) = pairs.first.map({ ($0.key, $0.value) }) else {
                throw SpecError(path: path, expected: "an object with exactly one of 'values', 'range', 'log', 'count'",
                                found: "keys " + pairs.map { "'\($0.key)'" }.joined(separator: ", "))
            }
            let formPath = JSONPath.child(path, form)
            switch form {
            case "values":
                guard case let .array(items) = argument else {
                    throw SpecError(path: formPath, expected: "an array of values", found: argument.typeDescription)
                }
                return try checked(items, option: option, path: formPath, distinct: distinct) { JSONPath.element(formPath, $0) }
            case "range":
                raw = try range(argument, option: option, path: formPath)
            case "log":
                raw = try log(argument, option: option, path: formPath)
            case "count":
                guard option.name == "seed" else {
                    throw SpecError(path: formPath, expected: "'count' only on the 'seed' axis (use 'values', 'range' or 'log')",
                                    found: "'count' on '\(option.name)'")
                }
                guard case let .number(n) = argument, n == n.rounded(), n >= 1 else {
                    throw SpecError(path: formPath, expected: "a positive integer number of seeds", found: argument.excerpt)
                }
                guard n <= Double(maximumPoints) else {
                    throw SpecError(path: formPath, expected: "at most \(maximumPoints) seeds", found: argument.excerpt)
                }
                raw = (0..<Int(n)).map { .number(Double($0)) }
            default:
                throw SpecError(path: formPath, expected: "one of 'values', 'range', 'log', 'count'",
                                found: "'\(form)'" + SpecSuggestion.didYouMean(form, among: ["values", "range", "log", "count"]))
            }
            return try checked(raw, option: option, path: formPath, distinct: distinct) { _ in formPath }
        default:
            throw SpecError(path: path, expected: "an array of values or an object with 'values', 'range', 'log' or 'count'",
                            found: value.typeDescription + " " + value.excerpt)
        }
    }

    /// Validates every point and rejects empty axes and repeated points.
    private static func checked(_ items: [JSONValue], option: OptionSpec, path: String, distinct: Bool,
                                elementPath: (Int) -> String) throws(SpecError) -> [JSONValue] {
        guard !items.isEmpty else {
            throw SpecError(path: path, expected: "at least one value", found: "an empty axis")
        }
        var result: [JSONValue] = []
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            let v = try option.validate(item, path: elementPath(i))
            guard seen.insert(v.canonicalText).inserted || !distinct else {
                throw SpecError(path: elementPath(i), expected: "distinct values on an axis", found: "\(v.excerpt) again")
            }
            result.append(v)
        }
        return result
    }

    private static func numbers(_ argument: JSONValue, count: Int, names: String, path: String) throws(SpecError) -> [Double] {
        guard case let .array(items) = argument, items.count == count else {
            throw SpecError(path: path, expected: "an array [\(names)]", found: argument.excerpt)
        }
        var result: [Double] = []
        for (i, item) in items.enumerated() {
            guard case let .number(n) = item, n.isFinite else {
                throw SpecError(path: JSONPath.element(path, i), expected: "a number", found: item.excerpt)
            }
            result.append(n)
        }
        return result
    }

    private static func isInteger(_ option: OptionSpec) -> Bool {
        if case .int = option.type { return true }
        return false
    }

    private static func isNumeric(_ option: OptionSpec) -> Bool {
        switch option.type {
        case .int, .number: return true
        default: return false
        }
    }

    /// `{"range": [start, stop, step]}`: start, start+step, ... up to stop (inclusive when it lands on it).
    private static func range(_ argument: JSONValue, option: OptionSpec, path: String) throws(SpecError) -> [JSONValue] {
        guard isNumeric(option) else {
            throw SpecError(path: path, expected: "'range' only on numeric options ('\(option.name)' is \(option.expectation))",
                            found: argument.excerpt)
        }
        let n = try numbers(argument, count: 3, names: "start, stop, step", path: path)
        let (start, stop, step) = (n[0], n[1], n[2])
        if isInteger(option), !n.allSatisfy({ $0 == $0.rounded() }) {
            throw SpecError(path: path, expected: "integer start, stop and step for integer option '\(option.name)'",
                            found: argument.excerpt)
        }
        guard step != 0, (stop - start) / step >= 0 else {
            throw SpecError(path: JSONPath.element(path, 2), expected: "a non-zero step going from start towards stop",
                            found: argument.excerpt)
        }
        let exactCount = (stop - start) / step
        guard exactCount < Double(maximumPoints) else {
            // A Double, not an Int: the count may be far beyond Int.max (or infinite).
            throw SpecError(path: path, expected: "at most \(maximumPoints) points",
                            found: argument.excerpt + " (about \(JSONValue.format((exactCount + 1).rounded())) points)")
        }
        let count = Int((exactCount + 1e-9).rounded(.down)) + 1
        return (0..<count).map { .number(tidy(start + Double($0) * step)) }
    }

    /// `{"log": [start, stop, count]}`: `count` geometrically spaced points from start to stop.
    private static func log(_ argument: JSONValue, option: OptionSpec, path: String) throws(SpecError) -> [JSONValue] {
        guard isNumeric(option) else {
            throw SpecError(path: path, expected: "'log' only on numeric options ('\(option.name)' is \(option.expectation))",
                            found: argument.excerpt)
        }
        let n = try numbers(argument, count: 3, names: "start, stop, count", path: path)
        let (start, stop, countValue) = (n[0], n[1], n[2])
        guard start > 0, stop > 0 else {
            throw SpecError(path: path, expected: "positive start and stop for a log range", found: argument.excerpt)
        }
        guard countValue == countValue.rounded(), countValue >= 1, countValue <= Double(maximumPoints) else {
            throw SpecError(path: JSONPath.element(path, 2), expected: "an integer count from 1 to \(maximumPoints)",
                            found: argument.excerpt)
        }
        let count = Int(countValue)
        if count == 1 { return [.number(isInteger(option) ? start.rounded() : start)] }
        // PortableMath, not libm: the values become run keys and CSV columns, so they must be the
        // same bits on every platform.
        let ratio = PortableMath.log(stop / start) / Double(count - 1)
        return (0..<count).map { i in
            let x = i == 0 ? start : i == count - 1 ? stop : start * PortableMath.exp(ratio * Double(i))
            return .number(isInteger(option) ? x.rounded() : tidy(x))
        }
    }

    /// Rounds away floating-point noise (0.30000000000000004 -> 0.3) by keeping 12 significant digits.
    static func tidy(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        return Double(String(format: "%.12g", x)) ?? x
    }
}

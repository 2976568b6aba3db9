import Foundation

/// One element of a spec's `expect` block: a claim about the results that `experiments check` verifies.
///
/// ```json
/// {"name": "orthogonal keeps gradients", "metric": "grad_h_first", "where": {"init": "orthogonal"},
///  "aggregate": "median", ">": 1e-3}
/// ```
public struct Expectation: Sendable, Equatable {
    /// How the matching runs (normally the seeds of one cell) become one verdict.
    public enum Aggregate: String, Sendable {
        /// Compare the median / mean / min / max of the runs' values.
        case median, mean, min, max
        /// Every run must satisfy the comparison.
        case all
        /// At least `at_least` of the runs must satisfy the comparison.
        case fraction
    }

    /// A comparison operator on numbers.
    public enum Operator: String, Sendable, CaseIterable {
        case less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    }

    /// A test of one value.
    public enum Comparison: Sendable, Equatable {
        case compare(Operator, Double)
        /// Inclusive bounds.
        case between(Double, Double)
        /// Equality with a number, or with text for `metric: "status"`.
        case equals(JSONValue)
        /// A bound that is a metric expression (``MetricExpression``), evaluated for each run:
        /// `{"metric": "grad_decay_per_step", "<=": "sigma_max.weight_hh_l0"}`.
        case compareTo(Operator, String)
        /// Inclusive bounds of which at least one is a metric expression (numbers as text).
        case betweenExpressions(String, String)

        /// The expression bounds with the key they were written under (`<=`, `between`).
        public var expressionBounds: [(key: String, text: String)] {
            switch self {
            case let .compareTo(op, text): return [(op.rawValue, text)]
            case let .betweenExpressions(low, high): return [("between", low), ("between", high)]
            default: return []
            }
        }
    }

    /// What is checked.
    public enum Check: Sendable, Equatable {
        /// The aggregate (or each run, for `all` / `fraction`) satisfies the comparison.
        case value(Comparison)
        /// The aggregate per value of axis `over` (in axis order) is monotone: consecutive values may
        /// go against the direction by at most `tolerance` times the previous value's magnitude,
        /// and the last value must be strictly beyond the first.
        case trend(increasing: Bool, over: String, tolerance: Double)
        /// aggregate(this cell) / aggregate(the cell with `where` overridden) satisfies the comparison.
        case ratio(to: PlotFilter, Comparison)
        /// Paired per seed (all axes not overridden equal), this cell's value is lower (or higher)
        /// than the other cell's in at least `fraction` of the pairs. NaN counts as the worst value.
        case beats(other: PlotFilter, lower: Bool, fraction: Double)
    }

    /// Which value of a run is checked.
    public enum Selector: Sendable, Equatable {
        /// A metric column of runs.csv.
        case metric(String)
        /// The run's status (`ok`, `diverged`, `failed`), compared with `equals`.
        case status
        /// The value of a series of series.csv at a step.
        case series(String, step: Step)
    }

    /// A step of a series.
    public enum Step: Sendable, Equatable {
        case at(Double)
        case first
        case last
    }

    public var name: String
    public var description: String?
    public var selector: Selector
    public var filter: PlotFilter
    public var aggregate: Aggregate
    /// Required fraction for `aggregate: "fraction"`.
    public var atLeast: Double?
    public var check: Check
    /// JSON path in the spec (`expect[3]`).
    public var path: String

    static let keys = ["name", "description", "metric", "series", "step", "where", "aggregate", "at_least",
                       "<", ">", "<=", ">=", "between", "equals", "trend", "over", "tolerance", "ratio_to",
                       "beats", "by", "fraction"]
    static let comparisonKeys = ["<", ">", "<=", ">=", "between", "equals"]
    static let modeKeys = ["trend", "ratio_to", "beats"]

    /// Parses an `expect` block (nil or absent: no expectations).
    public static func parseAll(_ json: JSONValue?, path: String = "expect", file: String) throws(SpecError) -> [Expectation] {
        guard let json, json != .null else { return [] }
        guard case let .array(items) = json else {
            throw SpecError(file: file, path: path, expected: "an array of expectation objects", found: json.typeDescription)
        }
        var result: [Expectation] = []
        for (index, item) in items.enumerated() {
            result.append(try parse(item, path: JSONPath.element(path, index), file: file))
        }
        return result
    }

    /// Parses one expectation object.
    public static func parse(_ json: JSONValue, path: String, file: String) throws(SpecError) -> Expectation {
        let object = try CheckedObject(json, path: path, file: file, what: "an expectation object")
        try object.rejectUnknownKeys(allowed: keys)

        // What is measured.
        let metric = try object.nonEmptyString("metric")
        let seriesName = try object.nonEmptyString("series")
        let selector: Selector
        switch (metric, seriesName) {
        case (nil, nil):
            throw SpecError(file: file, path: object.childPath("metric"),
                            expected: "a metric column of runs.csv (or \"series\" with \"step\")", found: "nothing")
        case (.some, .some):
            throw object.error("series", expected: "either \"metric\" or \"series\", not both", found: "both")
        case let (name?, nil):
            if object.has("step") { throw object.error("step", expected: "\"step\" only with \"series\"", found: "\"metric\"") }
            selector = name == "status" ? .status : .metric(name)
        case let (nil, name?):
            selector = .series(name, step: try parseStep(object))
        }

        // How runs are combined.
        let aggregateText = try object.choice("aggregate", ["median", "mean", "min", "max", "all", "fraction"])
        var aggregate = Aggregate(rawValue: aggregateText ?? "median") ?? .median
        if selector == .status && aggregateText == nil { aggregate = .fraction }
        // A bound that is an expression is evaluated run by run: every run must satisfy it by default.
        let expressionBound = comparisonKeys.contains { key in
            if case .string? = object[key] { return key != "equals" }
            if key == "between", case let .array(items)? = object[key] { return items.contains { if case .string = $0 { true } else { false } } }
            return false
        }
        if expressionBound && aggregateText == nil && !modeKeys.contains(where: object.has) { aggregate = .all }
        let atLeast = try object.fraction("at_least")
        if aggregate == .fraction && atLeast == nil {
            throw object.error("at_least", expected: "the required fraction (0...1) for aggregate \"fraction\"", found: "nothing")
        }
        if aggregate != .fraction && atLeast != nil {
            throw object.error("at_least", expected: "\"at_least\" only with \"aggregate\": \"fraction\"",
                               found: "aggregate \"\(aggregate.rawValue)\"")
        }
        if selector == .status && aggregate != .fraction && aggregate != .all {
            throw object.error("aggregate", expected: "\"fraction\" or \"all\" for metric \"status\"", found: "\"\(aggregate.rawValue)\"")
        }

        let filter = try object["where"].map { (v: JSONValue) throws(SpecError) in
            try PlotFilter.parse(v, path: object.childPath("where"), file: file)
        } ?? PlotFilter(path: object.childPath("where"))

        // Exactly one comparison.
        let modes = modeKeys.filter(object.has)
        let comparisons = comparisonKeys.filter(object.has)
        if modes.count > 1 || (modes.isEmpty && comparisons.count != 1) || (modes == ["ratio_to"] && comparisons.count != 1)
            || ((modes == ["trend"] || modes == ["beats"]) && !comparisons.isEmpty) {
            let found = (modes + comparisons).map { "'\($0)'" }
            throw SpecError(file: file, path: path,
                            expected: "exactly one comparison: '<', '>', '<=', '>=', 'between', 'equals', 'trend', "
                                + "'beats', or 'ratio_to' with one of '<', '>', '<=', '>=', 'between'",
                            found: found.isEmpty ? "none" : found.joined(separator: " and "))
        }
        for key in ["over", "tolerance"] where object.has(key) && modes != ["trend"] {
            throw object.error(key, expected: "\"\(key)\" only with \"trend\"", found: "no \"trend\"")
        }
        for key in ["by", "fraction"] where object.has(key) && modes != ["beats"] {
            throw object.error(key, expected: "\"\(key)\" only with \"beats\"", found: "no \"beats\"")
        }

        let check: Check
        switch modes.first {
        case "trend"?:
            let direction = try object.choice("trend", ["increasing", "decreasing"]) ?? "increasing"
            guard let over = try object.nonEmptyString("over") else {
                throw object.error("over", expected: "the axis along which the trend runs", found: "nothing")
            }
            let tolerance = try object.number("tolerance") ?? 0
            if tolerance < 0 { throw object.error("tolerance", expected: "a number >= 0", found: JSONValue.format(tolerance)) }
            try requireAggregate(object, aggregate, aggregateText, mode: "trend")
            check = .trend(increasing: direction == "increasing", over: over, tolerance: tolerance)
        case "ratio_to"?:
            let other = try PlotFilter.parse(object["ratio_to"] ?? .null, path: object.childPath("ratio_to"), file: file)
            try requireAggregate(object, aggregate, aggregateText, mode: "ratio_to")
            let comparison = try parseComparison(object, key: comparisons[0])
            if case .equals = comparison { throw object.error("equals", expected: "'<', '>', '<=', '>=' or 'between' with ratio_to", found: "'equals'") }
            if !comparison.expressionBounds.isEmpty {
                throw object.error(comparisons[0], expected: "a number with ratio_to", found: "an expression")
            }
            check = .ratio(to: other, comparison)
        case "beats"?:
            let other = try PlotFilter.parse(object["beats"] ?? .null, path: object.childPath("beats"), file: file)
            guard let by = try object.choice("by", ["lower", "higher"]) else {
                throw object.error("by", expected: "\"lower\" or \"higher\" (which value is better)", found: "nothing")
            }
            if aggregateText != nil {
                throw object.error("aggregate", expected: "no aggregate with \"beats\" (runs are compared seed by seed; use \"fraction\")",
                                   found: "\"\(aggregate.rawValue)\"")
            }
            if selector == .status { throw object.error("metric", expected: "a numeric metric with \"beats\"", found: "\"status\"") }
            check = .beats(other: other, lower: by == "lower", fraction: try object.fraction("fraction") ?? 1)
        default:
            let comparison = try parseComparison(object, key: comparisons[0])
            if selector == .status {
                guard case .equals(.string) = comparison else {
                    throw object.error(comparisons[0], expected: "\"equals\": \"ok\" | \"diverged\" | \"failed\" for metric \"status\"",
                                       found: "'\(comparisons[0])'")
                }
            }
            if !comparison.expressionBounds.isEmpty {
                if selector == .status { throw object.error("metric", expected: "a numeric metric with an expression bound", found: "\"status\"") }
                if aggregate != .all && aggregate != .fraction {
                    throw object.error("aggregate", expected: "\"all\" (default) or \"fraction\" with an expression bound (it is evaluated run by run)",
                                       found: "\"\(aggregate.rawValue)\"")
                }
            }
            check = .value(comparison)
        }
        if selector == .status, case .value = check {} else if selector == .status {
            throw object.error("metric", expected: "a numeric metric for this comparison", found: "\"status\"")
        }

        let name = try object.nonEmptyString("name")
            ?? defaultName(selector: selector, filter: filter, aggregate: aggregate, check: check)
        return Expectation(name: name, description: try object.string("description"), selector: selector, filter: filter,
                           aggregate: aggregate, atLeast: atLeast, check: check, path: path)
    }

    private static func parseStep(_ object: CheckedObject) throws(SpecError) -> Step {
        guard let value = object["step"] else {
            throw object.error("step", expected: "the step of the series to check (a number, \"first\" or \"last\")", found: "nothing")
        }
        switch value {
        case let .number(n) where n.isFinite: return .at(n)
        case .string("first"): return .first
        case .string("last"): return .last
        default: throw object.error("step", expected: "a number, \"first\" or \"last\"", found: value.excerpt)
        }
    }

    private static func requireAggregate(_ object: CheckedObject, _ aggregate: Aggregate, _ given: String?, mode: String) throws(SpecError) {
        if aggregate == .all || aggregate == .fraction {
            throw object.error("aggregate", expected: "\"median\", \"mean\", \"min\" or \"max\" with \"\(mode)\"",
                               found: "\"\(given ?? aggregate.rawValue)\"")
        }
    }

    private static func parseComparison(_ object: CheckedObject, key: String) throws(SpecError) -> Comparison {
        switch key {
        case "between":
            if case let .array(bounds)? = object["between"], bounds.count == 2,
               bounds.contains(where: { if case .string = $0 { true } else { false } }) {
                var texts: [String] = []
                for bound in bounds {
                    switch bound {
                    case let .number(n): texts.append(JSONValue.format(n))
                    case let .string(text) where !text.isEmpty: texts.append(text)
                    default: throw object.error("between", expected: "[low, high] of numbers or metric expressions", found: bound.excerpt)
                    }
                }
                return .betweenExpressions(texts[0], texts[1])
            }
            guard case let .array(bounds)? = object["between"], bounds.count == 2,
                  case let .number(low) = bounds[0], case let .number(high) = bounds[1], low <= high
            else {
                throw object.error("between", expected: "[low, high] with low <= high (numbers or metric expressions)",
                                   found: object["between"]?.excerpt ?? "nothing")
            }
            return .between(low, high)
        case "equals":
            guard let value = object["equals"] else { return .equals(.null) }
            switch value {
            case .string, .number, .bool: return .equals(value)
            default: throw object.error("equals", expected: "a number or a string", found: value.typeDescription)
            }
        default:
            if let op = Operator(rawValue: key), case let .string(text)? = object[key] {
                guard !text.isEmpty else { throw object.error(key, expected: "a number or a metric expression", found: "\"\"") }
                return .compareTo(op, text)
            }
            guard let op = Operator(rawValue: key), let bound = try object.number(key) else {
                throw object.error(key, expected: "a number", found: "nothing")
            }
            return .compare(op, bound)
        }
    }

    /// Fails when `where`, `over`, `ratio_to` or `beats` names an axis the grid does not have.
    public func validate(axes: [String], file: String) throws(SpecError) {
        try filter.validate(axes: axes, file: file)
        switch check {
        case let .trend(_, over, _):
            if !axes.contains(over) { throw PlotFilter.unknownAxis(over, path: JSONPath.child(path, "over"), axes: axes, file: file) }
        case let .ratio(other, _): try other.validate(axes: axes, file: file)
        case let .beats(other, _, _): try other.validate(axes: axes, file: file)
        case .value: break
        }
    }

    /// The text of what is expected, e.g. `median < 0.001`.
    public var expectedText: String {
        func comparisonText(_ c: Comparison) -> String {
            switch c {
            case let .compare(op, bound): return "\(op.rawValue) \(Expectation.exact(bound))"
            case let .between(low, high): return "in [\(Expectation.exact(low)), \(Expectation.exact(high))]"
            case let .equals(value): return "= \(PlotFilter.text(value))"
            case let .compareTo(op, text): return "\(op.rawValue) \(text)"
            case let .betweenExpressions(low, high): return "in [\(low), \(high)]"
            }
        }
        switch check {
        case let .value(c):
            switch aggregate {
            case .all: return "every run \(comparisonText(c))"
            case .fraction: return ">= \(Expectation.format(atLeast ?? 1)) of runs \(comparisonText(c))"
            default: return "\(aggregate.rawValue) \(comparisonText(c))"
            }
        case let .trend(increasing, over, tolerance):
            return "\(aggregate.rawValue) \(increasing ? "increasing" : "decreasing") over \(over)"
                + (tolerance > 0 ? " (tolerance \(Expectation.format(tolerance)))" : "")
        case let .ratio(other, c):
            return "\(aggregate.rawValue) / \(aggregate.rawValue)[\(other.summary)] \(comparisonText(c))"
        case let .beats(other, lower, fraction):
            return "\(lower ? "lower" : "higher") than [\(other.summary)] in \(fraction >= 1 ? "every seed" : "at least \(Expectation.format(fraction * 100))% of seeds")"
        }
    }

    static func defaultName(selector: Selector, filter: PlotFilter, aggregate: Aggregate, check: Check) -> String {
        var text: String
        switch selector {
        case let .metric(m): text = m
        case .status: text = "status"
        case let .series(s, step):
            switch step {
            case let .at(n): text = "\(s)@\(format(n))"
            case .first: text = "\(s)@first"
            case .last: text = "\(s)@last"
            }
        }
        if !filter.conditions.isEmpty { text += " [" + filter.summary + "]" }
        return text
    }

    /// A bound as the spec wrote it: the shortest text that reads back as the same number (so
    /// [1.4999999, 1.5000001] is not shown as [1.5, 1.5]).
    package static func exact(_ value: Double) -> String { JSONValue.format(value) }

    /// Four significant digits (`%.4g`); `nan`, `inf`, `-inf` for non-finite values.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.4g", value)
    }
}

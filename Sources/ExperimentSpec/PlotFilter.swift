/// A `where` block: axis -> accepted values (a single value or a list). Runs pass when every
/// listed axis holds one of its accepted values.
public struct PlotFilter: Sendable, Equatable {
    /// Conditions in spec order.
    public var conditions: [(axis: String, values: [JSONValue])]
    /// JSON path of the block (for errors).
    public var path: String

    public init(conditions: [(axis: String, values: [JSONValue])] = [], path: String = "") {
        self.conditions = conditions
        self.path = path
    }

    public static func == (lhs: PlotFilter, rhs: PlotFilter) -> Bool {
        lhs.path == rhs.path && lhs.conditions.count == rhs.conditions.count
            && zip(lhs.conditions, rhs.conditions).allSatisfy { $0.axis == $1.axis && $0.values == $1.values }
    }

    /// The axes the filter names.
    public var axes: [String] { conditions.map(\.axis) }

    /// Parses `{"axis": value | [values], ...}`.
    static func parse(_ value: JSONValue, path: String, file: String) throws(SpecError) -> PlotFilter {
        guard case let .object(pairs) = value else {
            throw SpecError(file: file, path: path, expected: "an object of axis -> value or list of values",
                            found: value.typeDescription)
        }
        var conditions: [(axis: String, values: [JSONValue])] = []
        for (axis, item) in pairs {
            switch item {
            case let .array(values):
                if values.isEmpty {
                    throw SpecError(file: file, path: JSONPath.child(path, axis), expected: "a value or a non-empty list",
                                    found: "[]")
                }
                for (index, v) in values.enumerated() {
                    if case .object = v { throw nested(file, JSONPath.element(JSONPath.child(path, axis), index), v) }
                    if case .array = v { throw nested(file, JSONPath.element(JSONPath.child(path, axis), index), v) }
                }
                conditions.append((axis, values))
            case .object:
                throw nested(file, JSONPath.child(path, axis), item)
            default:
                conditions.append((axis, [item]))
            }
        }
        return PlotFilter(conditions: conditions, path: path)
    }

    private static func nested(_ file: String, _ path: String, _ value: JSONValue) -> SpecError {
        SpecError(file: file, path: path, expected: "a string, number or boolean", found: value.typeDescription)
    }

    /// This filter with the conditions of `override` replacing (or adding to) its own.
    package func overridden(by override: PlotFilter) -> PlotFilter {
        var result = self
        for condition in override.conditions {
            if let index = result.conditions.firstIndex(where: { $0.axis == condition.axis }) {
                result.conditions[index] = condition
            } else {
                result.conditions.append(condition)
            }
        }
        return result
    }

    /// Fails when a named axis is not among `axes`.
    func validate(axes: [String], file: String) throws(SpecError) {
        for condition in conditions where !axes.contains(condition.axis) {
            throw PlotFilter.unknownAxis(condition.axis, path: JSONPath.child(path, condition.axis), axes: axes, file: file)
        }
    }

    /// The error for an axis name that the grid does not have.
    static func unknownAxis(_ name: String, path: String, axes: [String], file: String) -> SpecError {
        var expected = "an axis of the grid (" + axes.joined(separator: ", ") + ")"
        if let hint = SpecSuggestion.closest(to: name, among: axes) { expected += "; did you mean '\(hint)'?" }
        return SpecError(file: file, path: path, expected: expected, found: "'\(name)'")
    }

    /// True when a run (axis -> CSV cell) passes.
    package func accepts(_ cells: [String: String]) -> Bool {
        conditions.allSatisfy { condition in
            guard let cell = cells[condition.axis] else { return false }
            return condition.values.contains { PlotAxis.cell(cell, matches: $0) }
        }
    }

    /// `axis=value, axis=[a, b]` for messages.
    package var summary: String {
        conditions.map { c in
            c.axis + "=" + (c.values.count == 1 ? PlotFilter.text(c.values[0]) : "[" + c.values.map(PlotFilter.text).joined(separator: ", ") + "]")
        }.joined(separator: ", ")
    }

    static func text(_ value: JSONValue) -> String {
        if case let .string(s) = value { return s }
        return value.canonicalText
    }
}

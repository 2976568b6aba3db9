/// A grid axis as charts and expectations see it: its name and its values in spec order.
public struct PlotAxis: Sendable, Equatable {
    /// The axis name (a column of `runs.csv`).
    public var name: String
    /// The values listed in the spec, in spec order (empty when the spec gives no list).
    public var values: [JSONValue]

    public init(name: String, values: [JSONValue]) {
        self.name = name
        self.values = values
    }

    /// True when every listed value is a number (and there is at least one).
    public var isNumeric: Bool {
        !values.isEmpty && values.allSatisfy { if case .number = $0 { return true } else { return false } }
    }

    /// True for the replication axis, over which charts and expectations aggregate.
    public var isReplication: Bool { name == PlotAxis.replicationAxis }

    /// The name of the replication axis.
    public static let replicationAxis = "seed"

    /// The axes of a spec's `grid` object in document order: `zip` contributes its paired axes,
    /// `where` and `exclude` are constraints and are skipped.
    public static func axes(ofSpec spec: JSONValue?) -> [PlotAxis] {
        guard case let .object(pairs)? = spec?["grid"] else { return [] }
        var result: [PlotAxis] = []
        for (key, value) in pairs {
            switch key {
            case "where", "exclude":
                continue
            case "zip":
                if case let .object(zipped) = value {
                    // A zip group's "label" names its rows; see ``ZipLabelAxis``.
                    result += zipped.filter { $0.key != GridAxis.labelKey }.map { PlotAxis(name: $0.key, values: listedValues($0.value)) }
                } else if case let .array(groups) = value {
                    // Tolerate a list of objects form: [{"a": .., "b": ..}, ...].
                    var order: [String] = []
                    var values: [String: [JSONValue]] = [:]
                    for case let .object(group) in groups {
                        for (name, v) in group where name != GridAxis.labelKey {
                            if values[name] == nil { order.append(name) }
                            values[name, default: []].append(v)
                        }
                    }
                    result += order.map { PlotAxis(name: $0, values: values[$0] ?? []) }
                }
            default:
                result.append(PlotAxis(name: key, values: listedValues(value)))
            }
        }
        return result
    }

    private static func listedValues(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case let .array(items): return items
        case .object: return []
        default: return [value]
        }
    }

    /// True when a CSV cell holds `value`: numbers compare numerically, strings and booleans by text.
    public static func cell(_ text: String, matches value: JSONValue) -> Bool {
        switch value {
        case let .string(s): return text == s
        case let .number(n):
            if let d = Double(text) { return d == n }
            return text == JSONValue.format(n)
        case let .bool(b): return text == (b ? "true" : "false")
        case .null: return text.isEmpty || text == "null"
        default: return text == value.canonicalText
        }
    }

    /// The position of a CSV cell among the listed values, or nil.
    func position(of text: String) -> Int? {
        values.firstIndex { PlotAxis.cell(text, matches: $0) }
    }

    /// Orders distinct CSV cells of this axis: listed values first in spec order, then numbers
    /// ascending, then the rest by text.
    package func ordered(_ cells: some Sequence<String>) -> [String] {
        let distinct = Array(Set(cells))
        return distinct.sorted { a, b in
            let pa = position(of: a), pb = position(of: b)
            switch (pa, pb) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil):
                switch (Double(a), Double(b)) {
                case let (x?, y?): return x != y ? x < y : a < b
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a < b
                }
            }
        }
    }
}

/// A grid axis as charts and expectations see it: its name and its values in spec order.
public struct PlotAxis: Sendable, Equatable {
    /// The axis name (a column of `runs.csv`).
    public var name: String
    /// The axis's points in spec order (a `range`, `log` or `count` expanded).
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

    /// The axes of a decoded grid in spec order (a `zip` group contributes its members in their
    /// order), each with its points: the grid's grammar is read once, by ``Grid``.
    public static func axes(of grid: Grid) -> [PlotAxis] {
        grid.axes.flatMap { axis in
            axis.names.enumerated().map { m, name in PlotAxis(name: name, values: axis.points.map { $0[m] }) }
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

/// A zip group's label axis as reports see it (`"zip": {"label": {"model": [...]}, "cell": [...], ...}`):
/// the label of each row and the members' values of that row. runs.csv has no column for it; a run's
/// label is the one of the row whose member values match its cells.
public struct ZipLabelAxis: Sendable, Equatable {
    /// The label axis, its values in row order.
    public var axis: PlotAxis
    /// The zip members' names.
    public var members: [String]
    /// For each row, the members' values.
    public var rows: [[JSONValue]]

    /// The label axes of a decoded grid, in spec order.
    public static func axes(of grid: Grid) -> [ZipLabelAxis] {
        grid.axes.compactMap { axis in
            axis.label.map { ZipLabelAxis(axis: PlotAxis(name: $0.name, values: $0.values.map { .string($0) }),
                                          members: axis.names, rows: axis.points) }
        }
    }

    /// The label of the run with these cells (axis name -> CSV cell), or nil when no row matches.
    /// An empty cell (an option that has no effect on the run) matches any value.
    public func label(of cells: [String: String]) -> String? {
        for (row, values) in rows.enumerated() {
            let matches = zip(members, values).allSatisfy { name, value in
                guard let cell = cells[name] else { return true }
                return cell.isEmpty || PlotAxis.cell(cell, matches: value)
            }
            if matches, case let .string(text) = axis.values[row] { return text }
        }
        return nil
    }
}

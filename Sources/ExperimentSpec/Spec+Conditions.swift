extension Spec {
    /// `, 4 duplicates collapsed (...)` after a run count when points collapsed, else "".
    public static func collapsedNote(_ collapsed: Int) -> String {
        guard collapsed > 0 else { return "" }
        return ", \(collapsed) duplicate\(collapsed == 1 ? "" : "s") collapsed (axis values of options that do not apply to a run are dropped)"
    }

    /// Rejects an option set in a block or on a grid axis that has an effect on no run: its
    /// ``OptionCondition`` fails for every value the deciding option takes (`max_norm` while `clip`
    /// is `none`, `nonlinearity` for an LSTM, `momentum` for Adam). A block value equal to the
    /// default is let through (it changes nothing, and `spec.resolved.json` writes every default).
    /// `blockPaths` gives where each block value was written.
    func checkConditions(blockPaths: [String: String]) throws(SpecError) {
        let axisPaths = Dictionary(
            grid.axes.flatMap { axis in axis.names.map { ($0, axis.names.count == 1 ? axis.path : JSONPath.child(axis.path, $0)) } },
            uniquingKeysWith: { a, _ in a })
        for option in OptionCatalog.options(for: study) {
            let setInBlock = blockPaths[option.name] != nil && baseValue(of: option) != option.defaultValue
            guard let condition = option.condition,
                  let path = axisPaths[option.name] ?? (setInBlock ? blockPaths[option.name] : nil),
                  let decider = OptionCatalog.option(named: condition.option) else { continue }
            let values = deciderValues(decider)
            guard !values.contains(where: condition.holds) else { continue }
            let found = values.map(\.excerpt).joined(separator: ", ")
            throw SpecError(file: file, path: path,
                            expected: "'\(option.name)' only where \(condition.description) (otherwise it has no effect)",
                            found: "'\(option.name)' set while \(condition.option) is \(found)")
        }
    }

    /// Every value option `decider` takes in the grid (its axis values, else its base value).
    private func deciderValues(_ decider: OptionSpec) -> [JSONValue] {
        for axis in grid.axes {
            if let m = axis.names.firstIndex(of: decider.name) { return axis.points.map { $0[m] } }
        }
        return [baseValue(of: decider)]
    }
}

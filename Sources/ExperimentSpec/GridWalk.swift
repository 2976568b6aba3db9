import SequenceTasks

/// Walks the runs of a spec's grid point by point without building them, for `validate` (a
/// million-run grid is counted in constant memory) and for ``Spec/configurations()``.
///
/// At each point it resolves every option (grid axis value, else block value, else default),
/// drops an axis value whose option does not apply (its ``OptionCondition`` fails: the run takes
/// the base value, so its key is the one the run has without that axis), applies `where` /
/// `exclude`, and collapses points that became the same run.
struct GridWalk {
    /// What a walk found.
    struct Summary: Sendable, Equatable {
        /// Distinct runs left.
        var runs: Int
        /// Points that repeated an earlier run once inapplicable axis values were dropped.
        var collapsed: Int
    }

    /// A run's place in the grid: one point index per axis.
    typealias Point = [Int]

    let spec: Spec
    let options: [OptionSpec]
    let base: [JSONValue]
    /// For each axis, for each member: the option index (nil: `seed`).
    let targets: [[Int?]]
    /// For each option: the axis and member it is read from, or nil (its base value).
    let location: [(axis: Int, member: Int)?]
    /// For each option: the index of the option deciding whether it applies, and the condition.
    let deciders: [(option: Int, condition: OptionCondition)?]
    /// Whether some axis member can be dropped (only then can points collapse).
    let collapsible: Bool
    /// For each axis, member and point: the first point of the axis with the same value of that
    /// member (zip members repeat values; runs are told apart by values, not by point indices).
    let valueIDs: [[[Int]]]
    /// The indices of the options ``TaskCheck`` reads (empty for studies without a task), and the
    /// axes that carry any of them.
    let taskOptions: [Int]
    let taskAxes: [Int]
    /// The indices of `seq_len`, `copy_lag` and `copy_length` (nil for a study without them): a
    /// copy run with a lag takes `seq_len` = lag + 2 * copy_length.
    let seqLen: Int?, copyLag: Int?, copyLength: Int?
    /// `where` and `exclude` with option names resolved to indices (nil: `seed`).
    let include: [[(option: Int?, value: JSONValue)]]
    let exclude: [[(option: Int?, value: JSONValue)]]

    init(spec: Spec) {
        self.spec = spec
        let options = OptionCatalog.options(for: spec.study)
        self.options = options
        base = options.map { spec.baseValue(of: $0) }
        let index = Dictionary(options.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let targets = spec.grid.axes.map { axis in axis.names.map { index[$0] } }
        self.targets = targets
        var location: [(axis: Int, member: Int)?] = Array(repeating: nil, count: options.count)
        for (a, members) in targets.enumerated() {
            for (m, target) in members.enumerated() {
                if let target { location[target] = (a, m) }
            }
        }
        self.location = location
        let deciders = options.map { option in
            option.condition.flatMap { condition in index[condition.option].map { (option: $0, condition: condition) } }
        }
        self.deciders = deciders
        collapsible = targets.joined().contains { target in target.map { deciders[$0] != nil } ?? false }
        valueIDs = spec.grid.axes.map { axis in
            axis.names.indices.map { m in
                var first: [String: Int] = [:]
                return axis.points.indices.map { p in
                    let text = axis.points[p][m].canonicalText
                    if let id = first[text] { return id }
                    first[text] = p
                    return p
                }
            }
        }
        let taskOptions = TaskCheck.optionNames.compactMap { index[$0] }
        self.taskOptions = taskOptions.count == TaskCheck.optionNames.count ? taskOptions : []
        taskAxes = targets.indices.filter { a in targets[a].contains { $0.map(taskOptions.contains) ?? false } }
        func compiled(_ constraints: [Grid.Constraint]) -> [[(option: Int?, value: JSONValue)]] {
            constraints.map { constraint in constraint.assignments.map { (index[$0.name], $0.value) } }
        }
        seqLen = index["seq_len"]
        copyLag = index["copy_lag"]
        copyLength = index["copy_length"]
        include = compiled(spec.grid.include)
        exclude = compiled(spec.grid.exclude)
    }

    /// The value of option `i` at `point` as the grid and blocks give it.
    func rawValue(_ i: Int, at point: Point) -> JSONValue {
        guard let (a, m) = location[i] else { return base[i] }
        return spec.grid.axes[a].points[point[a]][m]
    }

    /// Whether option `i` has an effect at `point`.
    func applies(_ i: Int, at point: Point) -> Bool {
        guard let (decider, condition) = deciders[i] else { return true }
        return condition.holds(for: rawValue(decider, at: point))
    }

    /// The value option `i` runs with at `point`: its axis value, or its base value when dropped
    /// (`seq_len` of a copy run with a lag: the derived length).
    func value(_ i: Int, at point: Point) -> JSONValue {
        if i == seqLen, let derived = derivedSeqLen(at: point) { return derived }
        return applies(i, at: point) ? rawValue(i, at: point) : base[i]
    }

    /// The sequence length `copy_lag + 2 * copy_length` of a copy run with a lag at `point`, else nil.
    func derivedSeqLen(at point: Point) -> JSONValue? {
        guard let copyLag, applies(copyLag, at: point), case let .number(lag) = rawValue(copyLag, at: point), lag >= 1
        else { return nil }
        var s = TaskConfiguration.defaultCopyLength
        if let copyLength, case let .number(n) = value(copyLength, at: point), n >= 1 { s = Int(n) }
        return .number(Double(TaskConfiguration.copySteps(lag: Int(lag), copyLength: s)))
    }

    /// The seed at `point`.
    func seed(at point: Point) -> Int {
        for (a, members) in targets.enumerated() {
            for (m, target) in members.enumerated() where target == nil {
                if case let .number(n) = spec.grid.axes[a].points[point[a]][m] { return Int(n) }
            }
        }
        return 0
    }

    /// Whether `point` survives `where` and `exclude`.
    func admits(_ point: Point) -> Bool {
        func matches(_ constraint: [(option: Int?, value: JSONValue)]) -> Bool {
            constraint.allSatisfy { assignment in
                guard let i = assignment.option else { return assignment.value == .number(Double(seed(at: point))) }
                return value(i, at: point) == assignment.value
            }
        }
        if !include.isEmpty, !include.contains(where: matches) { return false }
        return !exclude.contains(where: matches)
    }

    /// Calls `body` with each distinct, admitted run's point in grid order (first axis slowest).
    /// Checks each run's memory estimate when the grid's worst case exceeds the limit.
    func walk(_ body: (Point) -> Void = { _ in }) throws(SpecError) -> Summary {
        let counts = spec.grid.axes.map(\.points.count)
        var summary = Summary(runs: 0, collapsed: 0)
        if counts.contains(0) { return summary }
        let checkMemory = worstCaseBytes() > RunMemoryEstimate.limitBytes
        var seen = Set<[Int]>()
        var seenPacked = Set<Int>()
        let multipliers = packingMultipliers()
        var taskPoints: [[Int]: Point] = [:]  // one point per distinct task setting
        var point = Array(repeating: 0, count: counts.count)
        while true {
            if admits(point) {
                if checkMemory { try checkMemoryEstimate(at: point) }
                let isNew = !collapsible
                    || (multipliers.map { seenPacked.insert(packedRunCode(point, $0)).inserted } ?? seen.insert(runCode(point)).inserted)
                if isNew {
                    summary.runs += 1
                    if !taskOptions.isEmpty {
                        let code = taskAxes.map { point[$0] }
                        if taskPoints[code] == nil { taskPoints[code] = point }
                    }
                    body(point)
                } else {
                    summary.collapsed += 1
                }
            }
            if !Grid.advance(&point, counts: counts) { break }
        }
        for taskPoint in taskPoints.values.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try checkTask(at: taskPoint)
        }
        return summary
    }

    /// Fails when the engine rejects the task settings of the run at `point`.
    private func checkTask(at point: Point) throws(SpecError) {
        let values = taskOptions.map { value($0, at: point) }
        guard let problem = TaskCheck.problem(values) else { return }
        let onAxis = taskOptions.contains { location[$0] != nil }
        throw SpecError(path: onAxis ? "grid" : "task", expected: "task settings the engine accepts",
                        found: zip(TaskCheck.optionNames, values).compactMap { name, value in
                            // symbols and copy_length at 0 mean the task's default: not worth showing.
                            (name == "symbols" || name == "copy_length") && value == .number(0) ? nil : "\(name)=\(value.excerpt)"
                        }.joined(separator: " ") + ": " + problem)
    }

    /// Identifies the run at `point`: each axis member's value (as ``valueIDs``), or -1 where it is dropped.
    private func runCode(_ point: Point) -> [Int] {
        var code: [Int] = []
        code.reserveCapacity(targets.count * 2)
        for (a, members) in targets.enumerated() {
            for (m, target) in members.enumerated() {
                code.append(target.map { applies($0, at: point) } ?? true ? valueIDs[a][m][point[a]] : -1)
            }
        }
        return code
    }

    /// ``runCode(_:)`` as one integer: each member's digit (index + 1, 0 when dropped) times its
    /// multiplier from ``packingMultipliers()``.
    private func packedRunCode(_ point: Point, _ multipliers: [[Int]]) -> Int {
        var code = 0
        for (a, members) in targets.enumerated() {
            for (m, target) in members.enumerated() {
                let digit = target.map { applies($0, at: point) } ?? true ? valueIDs[a][m][point[a]] + 1 : 0
                code += digit * multipliers[a][m]
            }
        }
        return code
    }

    /// Place values of a mixed-radix number with one digit (radix: points + 1) per axis member;
    /// nil when the codes would not fit in an Int (then ``runCode(_:)`` arrays are used).
    private func packingMultipliers() -> [[Int]]? {
        var next = 1
        var result: [[Int]] = []
        for (a, members) in targets.enumerated() {
            var row: [Int] = []
            for _ in members {
                row.append(next)
                let (product, overflow) = next.multipliedReportingOverflow(by: spec.grid.axes[a].points.count + 1)
                if overflow { return nil }
                next = product
            }
            result.append(row)
        }
        return result
    }

    /// The estimate with every option at its most demanding value in the grid.
    private func worstCaseBytes() -> Double {
        RunMemoryEstimate.bytes(study: spec.study) { name in
            guard let i = options.firstIndex(where: { $0.name == name }) else { return 0 }
            var worst = RunMemoryEstimate.weight(name, base[i])
            if let (a, m) = location[i] {
                for p in spec.grid.axes[a].points { worst = max(worst, RunMemoryEstimate.weight(name, p[m])) }
            }
            return worst
        }
    }

    private func checkMemoryEstimate(at point: Point) throws(SpecError) {
        let bytes = RunMemoryEstimate.bytes(study: spec.study) { name in
            guard let i = options.firstIndex(where: { $0.name == name }) else { return 0 }
            return RunMemoryEstimate.weight(name, value(i, at: point))
        }
        guard bytes > RunMemoryEstimate.limitBytes else { return }
        let used = RunMemoryEstimate.optionNames.compactMap { name -> String? in
            guard let i = options.firstIndex(where: { $0.name == name }) else { return nil }
            return name + "=" + value(i, at: point).excerpt
        }
        let onAxis = used.contains { entry in spec.grid.axisNames.contains { entry.hasPrefix($0 + "=") } }
        throw SpecError(
            path: onAxis ? "grid" : "",
            expected: "runs that fit in \(RunMemoryEstimate.describe(RunMemoryEstimate.limitBytes)) of memory",
            found: "a run needing about \(RunMemoryEstimate.describe(bytes)) (" + used.joined(separator: " ") + ")")
    }
}

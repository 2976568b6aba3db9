/// The `grid` of a spec: axes in document order (the first varies slowest, like nested loops),
/// optional `zip` groups and `where` / `exclude` constraints.
///
/// ```json
/// "grid": {
///   "init": ["xavier-uniform", "orthogonal", "identity"],
///   "seq_len": {"range": [10, 50, 10]},
///   "lr": {"log": [0.0001, 0.1, 4]},
///   "zip": {"hidden": [10, 20, 40], "layers": [1, 2, 3]},
///   "seed": {"count": 3},
///   "where": [{"init": "identity"}, {"seq_len": 10}],
///   "exclude": [{"init": "identity", "seq_len": 50}]
/// }
/// ```
/// - `zip` is one object of equally long axes (one axis of tuples at the position of the `zip` key),
///   or an array of such objects (several zip groups, in array order).
/// - `where`: keep only runs matching at least one partial assignment (all its options equal).
/// - `exclude`: drop runs matching any partial assignment.
///   Constraint keys may be any option of the study (matched against the resolved value) or `seed`.
public struct Grid: Sendable {
    /// A partial assignment in `where` / `exclude`.
    public struct Constraint: Sendable {
        public let assignments: [(name: String, value: JSONValue)]
    }

    /// Most runs a grid may have (checked before expanding it).
    public static let maximumRuns = 1_000_000

    public let axes: [GridAxis]
    public let include: [Constraint]
    public let exclude: [Constraint]

    /// Every axis option name in spec order (zip members in their order).
    public var axisNames: [String] { axes.flatMap(\.names) }

    /// Axis options whose every value is a number: a metric expression may read them (from the
    /// axis columns of runs.csv), e.g. a chance level `10 * ln(8) / (copy_lag + 20)`.
    public var numericAxisNames: [String] {
        axes.flatMap { axis in
            axis.names.indices.compactMap { i -> String? in
                let numeric = axis.points.allSatisfy { point in
                    if i < point.count, case .number = point[i] { return true }
                    return false
                }
                return numeric && !axis.points.isEmpty ? axis.names[i] : nil
            }
        }
    }

    /// The label axes of zip groups (``GridAxis/Label``), in spec order.
    public var labelAxes: [GridAxis.Label] { axes.compactMap(\.label) }

    /// Number of points before `where` / `exclude`.
    public var size: Int { axes.reduce(1) { $0 * $1.points.count } }

    /// An empty grid: one run.
    public init() {
        axes = []
        include = []
        exclude = []
    }

    /// Decodes `grid` (at JSON path `grid`) for runs of `study`.
    public init(decoding value: JSONValue, study: StudyKind) throws(SpecError) {
        let path = "grid"
        guard case let .object(pairs) = value else {
            throw SpecError(path: path, expected: "an object of axes", found: value.typeDescription)
        }
        var axes: [GridAxis] = []
        var include: [Constraint] = []
        var exclude: [Constraint] = []
        var used = Set<String>()

        func option(_ name: String, at keyPath: String) throws(SpecError) -> OptionSpec {
            if name == "seed" { return GridAxis.seedOption }
            guard let option = OptionCatalog.option(named: name) else {
                let candidates = OptionCatalog.options(for: study).map(\.name) + ["seed", "zip", "where", "exclude"]
                throw SpecError(path: keyPath, expected: "an option name, 'seed', 'zip', 'where' or 'exclude'",
                                found: "unknown axis '\(name)'" + SpecSuggestion.didYouMean(name, among: candidates))
            }
            guard option.applies(to: study) else {
                throw SpecError(path: keyPath, expected: "an option used by study '\(study.rawValue)'",
                                found: "'\(name)' (used by: \(option.studies.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            guard option.varies else {
                throw SpecError(path: keyPath, expected: "an option a grid may vary",
                                found: "'\(name)', which takes one value per spec (set it in the '\(option.blocks[0].rawValue)' block)")
            }
            guard !used.contains(name) else {
                throw SpecError(path: keyPath, expected: "each option on at most one axis", found: "'\(name)' again")
            }
            used.insert(name)
            return option
        }

        func zipGroup(_ group: JSONValue, path groupPath: String) throws(SpecError) -> GridAxis {
            guard case let .object(members) = group, !members.isEmpty else {
                throw SpecError(path: groupPath, expected: "an object of equally long axes", found: group.excerpt)
            }
            var names: [String] = []
            var columns: [[JSONValue]] = []
            var labelMember: (value: JSONValue, path: String)?
            for member in members {
                let memberPath = JSONPath.child(groupPath, member.key)
                if member.key == GridAxis.labelKey {
                    labelMember = (member.value, memberPath)
                    continue
                }
                let opt = try option(member.key, at: memberPath)
                let values = try GridAxis.values(of: member.value, for: opt, path: memberPath, distinct: false)
                if let first = columns.first, first.count != values.count {
                    throw SpecError(path: memberPath, expected: "\(first.count) values like '\(names[0])' (zip axes have equal lengths)",
                                    found: "\(values.count) values")
                }
                names.append(member.key)
                columns.append(values)
            }
            let points = (0..<columns[0].count).map { i in columns.map { $0[i] } }
            var seen = Set<String>()
            for (i, point) in points.enumerated() where !seen.insert(JSONValue.array(point).canonicalText).inserted {
                throw SpecError(path: JSONPath.element(JSONPath.child(groupPath, names[0]), i),
                                expected: "distinct points in a zip group", found: "the point \(JSONValue.array(point).excerpt) again")
            }
            guard !names.isEmpty else {
                throw SpecError(path: groupPath, expected: "an object of equally long axes", found: group.excerpt)
            }
            var axis = GridAxis(names: names, points: points, path: groupPath)
            if let labelMember { axis.label = try label(labelMember.value, path: labelMember.path, rows: points.count) }
            return axis
        }

        // `"label": {"model": ["IRNN", "tanh RNN", "LSTM"]}`: one distinct name per zip row.
        func label(_ value: JSONValue, path labelPath: String, rows: Int) throws(SpecError) -> GridAxis.Label {
            guard case let .object(pairs) = value, pairs.count == 1, let (name, list) = pairs.first.map({ ($0.key, $0.value) }) else {
                throw SpecError(path: labelPath, expected: "{\"<axis name>\": [one label per zip row]}", found: value.excerpt)
            }
            let namePath = JSONPath.child(labelPath, name)
            let reserved = ["seed", "zip", "where", "exclude", "step", "key", "study", "status", GridAxis.labelKey]
            guard MetricExpression.isPlainName(name), !reserved.contains(name), OptionCatalog.option(named: name) == nil else {
                throw SpecError(path: namePath, expected: "a new axis name (not an option, not " + reserved.joined(separator: ", ") + ")",
                                found: "'\(name)'")
            }
            guard !used.contains(name) else {
                throw SpecError(path: namePath, expected: "a label axis name used once", found: "'\(name)' again")
            }
            used.insert(name)
            guard case let .array(items) = list, items.count == rows else {
                throw SpecError(path: namePath, expected: "\(rows) labels, one per zip row", found: list.excerpt)
            }
            var labels: [String] = []
            for (i, item) in items.enumerated() {
                guard case let .string(text) = item, !text.isEmpty else {
                    throw SpecError(path: JSONPath.element(namePath, i), expected: "a non-empty label string", found: item.excerpt)
                }
                // Rows sharing a label would be pooled on every chart drawn by it.
                if let first = labels.firstIndex(of: text) {
                    throw SpecError(path: JSONPath.element(namePath, i), expected: "distinct labels (rows sharing one would be pooled)",
                                    found: "'\(text)' again (row \(first) has it)")
                }
                labels.append(text)
            }
            return GridAxis.Label(name: name, values: labels)
        }

        func constraints(_ list: JSONValue, path listPath: String) throws(SpecError) -> [Constraint] {
            guard case let .array(items) = list else {
                throw SpecError(path: listPath, expected: "an array of partial assignments like {\"init\": \"identity\"}",
                                found: list.typeDescription)
            }
            var result: [Constraint] = []
            for (i, item) in items.enumerated() {
                let itemPath = JSONPath.element(listPath, i)
                guard case let .object(members) = item, !members.isEmpty else {
                    throw SpecError(path: itemPath, expected: "a non-empty object of option values", found: item.excerpt)
                }
                var assignments: [(name: String, value: JSONValue)] = []
                for member in members {
                    let memberPath = JSONPath.child(itemPath, member.key)
                    let opt: OptionSpec
                    if member.key == "seed" {
                        opt = GridAxis.seedOption
                    } else if let found = OptionCatalog.option(named: member.key), found.applies(to: study) {
                        opt = found
                    } else {
                        let candidates = OptionCatalog.options(for: study).map(\.name) + ["seed"]
                        throw SpecError(path: memberPath, expected: "an option of study '\(study.rawValue)' or 'seed'",
                                        found: "'\(member.key)'" + SpecSuggestion.didYouMean(member.key, among: candidates))
                    }
                    assignments.append((member.key, try opt.validate(member.value, path: memberPath)))
                }
                result.append(Constraint(assignments: assignments))
            }
            return result
        }

        for pair in pairs {
            let keyPath = JSONPath.child(path, pair.key)
            switch pair.key {
            case "zip":
                if case let .array(groups) = pair.value {
                    guard !groups.isEmpty else {
                        throw SpecError(path: keyPath, expected: "at least one zip group", found: "an empty array")
                    }
                    for (i, group) in groups.enumerated() {
                        axes.append(try zipGroup(group, path: JSONPath.element(keyPath, i)))
                    }
                } else {
                    axes.append(try zipGroup(pair.value, path: keyPath))
                }
            case "where":
                include = try constraints(pair.value, path: keyPath)
            case "exclude":
                exclude = try constraints(pair.value, path: keyPath)
            default:
                let opt = try option(pair.key, at: keyPath)
                let values = try GridAxis.values(of: pair.value, for: opt, path: keyPath)
                axes.append(GridAxis(names: [pair.key], points: values.map { [$0] }, path: keyPath))
            }
            // Check the size as soon as it is exceeded, before anything is expanded.
            var total = 1
            for axis in axes {
                let (product, overflow) = total.multipliedReportingOverflow(by: axis.points.count)
                guard !overflow, product <= Grid.maximumRuns else {
                    throw SpecError(path: path, expected: "at most \(Grid.maximumRuns) runs",
                                    found: "a grid of more than \(Grid.maximumRuns) runs ("
                                        + axes.map { String($0.points.count) }.joined(separator: " x ") + ")")
                }
                total = product
            }
        }
        self.axes = axes
        self.include = include
        self.exclude = exclude
    }

    /// Moves `point` (one index per axis, `counts` points per axis) to the next point, the last
    /// axis fastest; false after the last point.
    static func advance(_ point: inout [Int], counts: [Int]) -> Bool {
        var a = counts.count - 1
        while a >= 0 {
            point[a] += 1
            if point[a] < counts[a] { return true }
            point[a] = 0
            a -= 1
        }
        return false
    }
}

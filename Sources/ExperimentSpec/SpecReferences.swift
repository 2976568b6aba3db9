import SequenceTasks

/// What a spec's charts and expectations may name, for checking them when the spec is validated:
/// the grid's axes with their values, and the study's metrics and series.
struct SpecReferences {
    let file: String
    /// The axes in spec order, each with its values.
    let axes: [PlotAxis]
    let outputs: StudyOutputs?
    let derived: DerivedMetrics
    let grid: Grid

    /// The tasks the spec's runs have (nil: unknown, or a study without tasks).
    let tasks: Set<String>?
    /// What a metric expression may name, and the names to suggest from.
    let isMetric: ((String) -> Bool)?
    let expressionCandidates: [String]

    /// Whether a metric expression of a spec may name `name`: a metric of the study or a numeric
    /// grid axis (a runs.csv column too). nil: any name (a study without a table of outputs).
    static func isMetric(_ outputs: StudyOutputs?, grid: Grid) -> ((String) -> Bool)? {
        let numericAxes = Set(grid.numericAxisNames)
        return outputs.map { o in { o.hasMetric($0) || numericAxes.contains($0) } }
    }

    /// The names a metric expression's "did you mean" suggests from.
    static func metricCandidates(_ outputs: StudyOutputs?, grid: Grid) -> [String] {
        (outputs?.metricCandidates ?? []) + grid.numericAxisNames
    }

    init(file: String, grid: Grid, study: StudyKind, derived: DerivedMetrics = DerivedMetrics(), tasks: Set<String>? = nil) {
        self.file = file
        self.grid = grid
        self.tasks = tasks
        isMetric = SpecReferences.isMetric(StudyOutputs.of(study), grid: grid)
        expressionCandidates = SpecReferences.metricCandidates(StudyOutputs.of(study), grid: grid)
        axes = PlotAxis.axes(of: grid) + ZipLabelAxis.axes(of: grid).map(\.axis)
        outputs = StudyOutputs.of(study)
        self.derived = derived
    }

    var axisNames: [String] { axes.map(\.name) }

    /// Fails when a `where`-like filter names a value its axis does not take.
    func checkValues(of filter: PlotFilter) throws(SpecError) {
        try filter.validate(axes: axisNames, file: file)
        for condition in filter.conditions {
            guard let values = axes.first(where: { $0.name == condition.axis })?.values else { continue }
            let cells = values.map(CSVTable.format(value:))
            for (i, wanted) in condition.values.enumerated() where !cells.contains(where: { PlotAxis.cell($0, matches: wanted) }) {
                let path = JSONPath.child(filter.path, condition.axis)
                let hint = SpecSuggestion.didYouMean(PlotFilter.text(wanted), among: cells)
                throw SpecError(file: file, path: condition.values.count == 1 ? path : JSONPath.element(path, i),
                                expected: "a value of axis '\(condition.axis)' (" + cells.joined(separator: ", ") + ")",
                                found: wanted.excerpt + hint)
            }
        }
    }

    /// Fails when `name` at `path` is neither a metric of the study, nor a derived metric, nor a
    /// metric expression (``MetricExpression``) over these.
    func checkMetric(_ name: String, path: String) throws(SpecError) {
        if derived.names.contains(name) { return }
        if MetricExpression.isPlainName(name), let outputs, !outputs.hasMetric(name) {
            let candidates = outputs.metricCandidates + derived.names
            throw SpecError(file: file, path: path, expected: "a metric of the study (" + candidates.joined(separator: ", ") + ")",
                            found: "'\(name)'" + SpecSuggestion.didYouMean(name, among: candidates))
        }
        let resolved = try derived.resolve(name, path: path, file: file, isMetric: isMetric, metricCandidates: expressionCandidates)
        try checkApplies(resolved.metricNames, path: path)
    }

    /// Fails when one of `metrics` applies to none of the spec's runs (an accuracy when every run
    /// is a regression task, the copy task's answer-step metrics without copy runs): its cells
    /// would all be empty.
    func checkApplies(_ metrics: [String], path: String) throws(SpecError) {
        guard let outputs, let tasks else { return }
        let kinds = tasks.compactMap(TaskKind.init(rawValue:))
        for metric in metrics {
            let scope = outputs.traits(ofMetric: metric).scope
            let applies: Bool
            let needs: String
            switch scope {
            case .classificationTasks: applies = kinds.contains { !$0.isRegression }; needs = "a classification task"
            case .copyTask: applies = kinds.contains(.copy); needs = "the copy task"
            case .everyRun, .divergedRuns: continue
            }
            if !applies {
                throw SpecError(file: file, path: path, expected: "a metric some run has ('\(metric)' applies to runs of \(needs))",
                                found: "'\(metric)' with task " + tasks.sorted().joined(separator: ", "))
            }
        }
    }

    /// Fails when `name` at `path` is not a series of the study (or, for a heatmap, a family of series).
    func checkSeries(_ name: String, path: String, family: Bool = false) throws(SpecError) {
        guard let outputs, !(family ? outputs.hasSeriesFamily(name) : outputs.hasSeries(name)) else { return }
        let candidates = family ? outputs.seriesPrefixes.map { String($0.split(separator: ".")[0]) } : outputs.seriesCandidates
        throw SpecError(file: file, path: path,
                        expected: (family ? "a family of series of the study (" : "a series of the study (") + candidates.joined(separator: ", ") + ")",
                        found: "'\(name)'" + SpecSuggestion.didYouMean(name, among: candidates))
    }

    /// Checks a chart's axes, `where` values and `y` against the spec.
    func check(_ chart: ChartSpec) throws(SpecError) {
        try chart.validate(axes: axisNames, file: file)
        try checkValues(of: chart.filter)
        try checkZipPooling(chart)
        let y = JSONPath.child(chart.path, "y")
        switch (chart.source, chart.kind) {
        case (.runs, .scatter):
            try checkMetric(chart.y, path: y)
            try checkMetric(chart.x, path: JSONPath.child(chart.path, "x"))
        case (.runs, _): try checkMetric(chart.y, path: y)
        case (.series, .heatmap): try checkSeries(chart.y, path: y, family: true)
        case (.series, .line), (.series, .scatter): try checkSeries(chart.y, path: y)
        }
    }

    /// Fails when an aggregating chart would pool zip rows silently: two rows of a zip group that
    /// the chart's `where` keeps share the values of the members it draws (x, series, facet) and
    /// differ in another member. Drawing the group's label axis keeps its rows apart.
    func checkZipPooling(_ chart: ChartSpec) throws(SpecError) {
        guard chart.aggregate != .none, chart.kind != .scatter else { return }
        let drawn = (chart.source == .runs ? [chart.x] : []) + chart.seriesAxes + [chart.facet].compactMap { $0 }
        for axis in grid.axes where axis.names.count > 1 {
            if let label = axis.label, drawn.contains(label.name) { continue }
            let members = axis.names.indices.filter { drawn.contains(axis.names[$0]) }
            guard !members.isEmpty else { continue }
            let rows = axis.points.indices.filter { row in
                chart.filter.conditions.allSatisfy { condition in
                    if let m = axis.names.firstIndex(of: condition.axis) {
                        let cell = CSVTable.format(value: axis.points[row][m])
                        return condition.values.contains { PlotAxis.cell(cell, matches: $0) }
                    }
                    if let label = axis.label, label.name == condition.axis {
                        return condition.values.contains { PlotAxis.cell(label.values[row], matches: $0) }
                    }
                    return true
                }
            }
            var seen: [[String]: Int] = [:]
            for row in rows {
                let key = members.map { axis.points[row][$0].canonicalText }
                guard let first = seen[key] else {
                    seen[key] = row
                    continue
                }
                let shared = members.map { "\(axis.names[$0])=\(axis.points[row][$0].excerpt)" }.joined(separator: " ")
                let differing = axis.names.indices.filter { axis.points[first][$0] != axis.points[row][$0] }
                    .map { "\(axis.names[$0]) \(axis.points[first][$0].excerpt) vs \(axis.points[row][$0].excerpt)" }
                let field = chart.seriesAxes.contains(axis.names[members[0]]) ? "series" : chart.facet == axis.names[members[0]] ? "facet" : "x"
                let others = axis.names.filter { !drawn.contains($0) }.map { "\"\($0)\"" }.joined(separator: ", ")
                let naming = axis.label.map { "draw the group's label axis '\($0.name)'" }
                    ?? "name the rows with \"label\" in the zip group and draw that axis"
                throw SpecError(file: file, path: JSONPath.child(chart.path, field),
                                expected: "zip rows kept apart: add \(others) to \"series\" (an array of axes), \(naming), "
                                    + "or set \"aggregate\": \"none\"",
                                found: "rows \(first) and \(row) of \(axis.path) (\(shared)) pooled into one point although they differ ("
                                    + differing.joined(separator: ", ") + ")")
            }
        }
    }

    /// Checks an expectation's axes, `where`/`ratio_to`/`beats` values and metric or series.
    func check(_ expectation: Expectation) throws(SpecError) {
        try expectation.validate(axes: axisNames, file: file)
        try checkValues(of: expectation.filter)
        switch expectation.check {
        case let .ratio(other, _), let .beats(other, _, _): try checkValues(of: other)
        case .trend: break
        case let .value(comparison):
            for (key, text) in comparison.expressionBounds { try checkMetric(text, path: JSONPath.child(expectation.path, key)) }
        }
        switch expectation.selector {
        case let .metric(name):
            if name != "status" { try checkMetric(name, path: JSONPath.child(expectation.path, "metric")) }
        case let .series(name, _): try checkSeries(name, path: JSONPath.child(expectation.path, "series"))
        case .status: break
        }
    }
}

/// What a spec's charts and expectations may name, for checking them when the spec is validated:
/// the grid's axes with their values, and the study's metrics and series.
struct SpecReferences {
    let file: String
    /// Axis names in spec order, each with its values.
    let axes: [(name: String, values: [JSONValue])]
    let outputs: StudyOutputs?
    let derived: DerivedMetrics
    let grid: Grid

    init(file: String, grid: Grid, study: StudyKind, derived: DerivedMetrics = DerivedMetrics()) {
        self.file = file
        self.grid = grid
        axes = grid.axes.flatMap { axis in
            axis.names.enumerated().map { m, name in (name, axis.points.map { $0[m] }) }
                + (axis.label.map { [($0.name, $0.values.map { JSONValue.string($0) })] } ?? [])
        }
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
        _ = try derived.resolve(name, path: path, file: file, isMetric: outputs.map { o in { o.hasMetric($0) } },
                                metricCandidates: outputs?.metricCandidates ?? [])
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

/// What a spec's charts and expectations may name, for checking them when the spec is validated:
/// the grid's axes with their values, and the study's metrics and series.
struct SpecReferences {
    let file: String
    /// The axes in spec order, each with its values.
    let axes: [PlotAxis]
    let outputs: StudyOutputs?

    init(file: String, grid: Grid, study: StudyKind) {
        self.file = file
        axes = PlotAxis.axes(of: grid)
        outputs = StudyOutputs.of(study)
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

    /// Fails when `name` at `path` is not a metric of the study.
    func checkMetric(_ name: String, path: String) throws(SpecError) {
        guard let outputs, !outputs.hasMetric(name) else { return }
        throw SpecError(file: file, path: path, expected: "a metric of the study (" + outputs.metricCandidates.joined(separator: ", ") + ")",
                        found: "'\(name)'" + SpecSuggestion.didYouMean(name, among: outputs.metricCandidates))
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
        case (.runs, _): try checkMetric(chart.y, path: y)
        case (.series, .heatmap): try checkSeries(chart.y, path: y, family: true)
        case (.series, .line): try checkSeries(chart.y, path: y)
        }
    }

    /// Checks an expectation's axes, `where`/`ratio_to`/`beats` values and metric or series.
    func check(_ expectation: Expectation) throws(SpecError) {
        try expectation.validate(axes: axisNames, file: file)
        try checkValues(of: expectation.filter)
        switch expectation.check {
        case let .ratio(other, _), let .beats(other, _, _): try checkValues(of: other)
        case .trend, .value: break
        }
        switch expectation.selector {
        case let .metric(name): try checkMetric(name, path: JSONPath.child(expectation.path, "metric"))
        case let .series(name, _): try checkSeries(name, path: JSONPath.child(expectation.path, "series"))
        case .status: break
        }
    }
}

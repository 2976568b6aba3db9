import Foundation
import ExperimentSpec
import ExperimentRunner

/// Everything charts, expectations and the report read from a results folder: the resolved spec,
/// the axes, `runs.csv` as runs, and (on demand) `series.csv`.
package struct ReportData {
    /// One row of `runs.csv`.
    struct Run {
        var key: String
        /// Axis name -> CSV cell.
        var cells: [String: String]
        /// `ok`, `diverged` or `failed`.
        var status: String
        var row: Int
    }

    let directory: String
    /// The spec of the runs, decoded once: its grid gives the axes, its charts and expectations
    /// are already typed.
    let spec: Spec
    var specFile: String { spec.file }
    /// Spec axes present as columns of runs.csv, in spec order.
    let axes: [PlotAxis]
    /// Metric columns of runs.csv in file order.
    let metrics: [String]
    let table: ResultTable
    let runs: [Run]
    /// The spec's `derived` metrics.
    let derived: DerivedMetrics
    /// The zip groups whose rows are named (label axes).
    let zipLabels: [ZipLabelAxis]

    package static let runsFile = "runs.csv"
    static let seriesFile = "series.csv"
    static let specFileName = "spec.resolved.json"

    /// Loads `runs.csv` of the runs of `spec`.
    init(directory: String, spec: Spec) throws(ResultsError) {
        self.directory = directory
        self.spec = spec
        let file = ReportData.path(directory, ReportData.runsFile)
        let table = try ResultTable.load(path: file)
        self.table = table
        for required in ["key", "status"] where table.index(of: required) == nil {
            throw ResultsError(file: file, message: "missing column '\(required)'")
        }
        let specAxes = PlotAxis.axes(of: spec.grid)
        let labelAxes = ZipLabelAxis.axes(of: spec.grid)
        zipLabels = labelAxes
        let axes = specAxes.filter { table.index(of: $0.name) != nil }
        self.axes = axes + labelAxes.map(\.axis)
        derived = spec.derived
        let fixed: Set<String> = ["key", "study", "status", "status_step", "status_reason"]
        let axisNames = Set(specAxes.map(\.name))
        self.metrics = table.header.filter { !fixed.contains($0) && !axisNames.contains($0) }
        let keyIndex = table.index(of: "key") ?? 0
        let statusIndex = table.index(of: "status") ?? 0
        let axisIndices = axes.compactMap { axis in table.index(of: axis.name).map { (axis.name, $0) } }
        self.runs = table.rows.enumerated().map { index, row in
            var cells: [String: String] = [:]
            for (name, column) in axisIndices { cells[name] = row[column] }
            for label in labelAxes { cells[label.axis.name] = label.label(of: cells) }
            return Run(key: row[keyIndex], cells: cells, status: row[statusIndex], row: index)
        }
    }

    /// The data of the results folder `directory` for `spec` (nil: its `spec.resolved.json`,
    /// decoded), a spec error or a results error mapped to the caller's error type.
    static func load<E: Error>(directory: String, spec: Spec?, specError: (SpecError) -> E,
                               resultsError: (ResultsError) -> E) throws(E) -> ReportData {
        let decoded: Spec
        do {
            decoded = try ReportData.spec(spec, directory: directory)
        } catch {
            throw specError(error)
        }
        do {
            return try ReportData(directory: directory, spec: decoded)
        } catch {
            throw resultsError(error)
        }
    }

    /// `spec` itself, or (nil) the results folder's `spec.resolved.json`, decoded.
    static func spec(_ spec: Spec?, directory: String) throws(SpecError) -> Spec {
        if let spec { return spec }
        let path = ReportData.path(directory, ReportData.specFileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, path: "", expected: "a results folder's resolved spec", found: "no readable file")
        }
        return try SpecDecoder.decodeResults(text: String(decoding: data, as: UTF8.self), file: path)
    }

    static func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    var axisNames: [String] { axes.map(\.name) }

    func axis(_ name: String) -> PlotAxis? { axes.first { $0.name == name } }

    var studyKind: String { spec.study.rawValue }

    /// A metric cell of a run (nil when the column is missing or the cell empty / not a number).
    func metric(_ name: String, of run: Run) -> Double? {
        guard let column = table.index(of: name) else { return nil }
        return ResultTable.number(table.rows[run.row][column])
    }

    /// The axes that change together with `name` in a labelled zip group: a label axis' members, or
    /// a member's label axis and fellow members (empty otherwise).
    func linkedAxes(_ name: String) -> [String] {
        zipLabels.filter { $0.axis.name == name || $0.members.contains(name) }
            .flatMap { [$0.axis.name] + $0.members }.filter { $0 != name }
    }

    /// A metric column, derived metric or metric expression, compiled (nil when it does not parse).
    func expression(_ text: String) -> MetricExpression? {
        if let known = derived.expressions[text] { return known }
        return try? derived.resolve(text, path: "", file: specFile)
    }

    /// The value of a compiled metric expression for a run.
    func value(_ expression: MetricExpression, of run: Run) -> MetricExpression.Value {
        expression.evaluate { metric($0, of: run) }
    }

    /// Names an expression reads that are not columns of runs.csv.
    func missingColumns(_ expression: MetricExpression) -> [String] {
        expression.metricNames.filter { table.index(of: $0) == nil }
    }

    /// Any column cell (text) of a run.
    func cell(_ name: String, of run: Run) -> String? {
        guard let column = table.index(of: name) else { return nil }
        return table.rows[run.row][column]
    }

    /// Loads `series.csv` indexed by run key and series name.
    func loadSeries() throws(ResultsError) -> SeriesIndex {
        let file = ReportData.path(directory, ReportData.seriesFile)
        let table = try ResultTable.load(path: file)
        guard let key = table.index(of: "key"), let series = table.index(of: "series"),
              let step = table.index(of: "step"), let value = table.index(of: "value")
        else { throw ResultsError(file: file, message: "expected the header key,series,step,value") }
        let unit = table.index(of: "step_unit")
        var index = SeriesIndex()
        for row in table.rows {
            guard let s = Double(row[step]) else { continue }
            let v = ResultTable.number(row[value]) ?? .nan
            index.points[row[key], default: [:]][row[series], default: []].append((s, v))
            index.names.insert(row[series])
            if let unit, !row[unit].isEmpty { index.units[row[series], default: []].insert(row[unit]) }
        }
        return index
    }
}

/// `series.csv` indexed by run key, then series name -> (step, value) in file order.
struct SeriesIndex {
    var points: [String: [String: [(step: Double, value: Double)]]] = [:]
    var names: Set<String> = []
    /// The `step_unit`s of each series (empty for a series.csv written before the column existed).
    var units: [String: Set<String>] = [:]
}

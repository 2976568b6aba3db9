import Foundation
public import ExperimentSpec
package import ExperimentRunner

/// Produces the charts of a results folder: `<name>.dat`, `<name>.gp`, `<name>.svg`, `<name>.png`.
public enum ChartRenderer {
    /// Renders every chart of the spec (or the study's default charts when it has no `charts`
    /// block) into `resultsDirectory`. `spec` nil decodes `spec.resolved.json` from the folder.
    ///
    /// When gnuplot is not installed the `.dat` and `.gp` files are still written and
    /// `ChartError.gnuplotNotFound` is thrown afterwards.
    public static func renderAll(resultsDirectory: String, spec: Spec?) throws(ChartError) -> [ChartOutput] {
        try render(resultsDirectory: resultsDirectory, spec: spec, gnuplot: GnuplotRenderer.locate())
    }

    /// The charts the spec asks for (decoded with it), checked against the axes runs.csv has; the
    /// defaults when it has none.
    static func charts(for data: ReportData) throws(ChartError) -> [ChartSpec] {
        guard let charts = data.spec.chartSpecs else {
            // Metrics with a value in some run (an accuracy column of the adding problem is all empty).
            let present = data.metrics.filter { m in data.runs.contains { data.metric(m, of: $0) != nil } }
            return ChartSpec.defaults(study: data.studyKind, axes: data.axes, metrics: present)
        }
        do {
            for chart in charts { try chart.validate(axes: data.axisNames, file: data.specFile) }
        } catch {
            throw .spec(error)
        }
        return charts
    }

    /// The charts a results folder holds for its spec (no rendering): names and titles from the
    /// spec (or the defaults), with the `.svg`/`.png` files that exist.
    public static func existingOutputs(resultsDirectory: String, spec: Spec?) throws(ChartError) -> [ChartOutput] {
        let prepared = try prepare(resultsDirectory: resultsDirectory, spec: spec)
        let files = FileManager.default
        return prepared.charts.map { chart in
            let svg = chart.name + ".svg"
            let png = chart.name + ".png"
            // The same notes as when the chart was rendered (so that check and run write the same report).
            var script = makeScript(chart: chart, data: prepared.data, series: prepared.series)
            if chart.source == .series, let note = prepared.seriesNote { script.addNote(note) }
            return ChartOutput(
                name: chart.name, title: chart.displayTitle, dataFile: chart.name + ".dat", scriptFile: chart.name + ".gp",
                svgFile: files.fileExists(atPath: ReportData.path(resultsDirectory, svg)) ? svg : nil,
                pngFile: files.fileExists(atPath: ReportData.path(resultsDirectory, png)) ? png : nil,
                notes: script.notes)
                .withPDF(chart.pdf && files.fileExists(atPath: ReportData.path(resultsDirectory, script.pdfFile)) ? script.pdfFile : nil)
        }
    }

    /// A results folder's data, the charts of its spec and, when a chart needs it, series.csv
    /// (or a note that it is missing).
    private static func prepare(resultsDirectory: String, spec: Spec?) throws(ChartError)
        -> (data: ReportData, charts: [ChartSpec], series: SeriesIndex?, seriesNote: String?) {
        let data = try ReportData.load(directory: resultsDirectory, spec: spec, specError: ChartError.spec,
                                       resultsError: ChartError.results)
        let charts = try charts(for: data)
        var series: SeriesIndex?
        var seriesNote: String?
        if charts.contains(where: { $0.source == .series }) {
            if FileManager.default.fileExists(atPath: ReportData.path(resultsDirectory, ReportData.seriesFile)) {
                do {
                    series = try data.loadSeries()
                } catch {
                    throw .results(error)
                }
            } else {
                // Charts of runs.csv are still drawn; charts of series say why they are empty.
                series = SeriesIndex()
                seriesNote = "series.csv not found in the results folder"
            }
        }
        return (data, charts, series, seriesNote)
    }

    /// Writes the files of every chart; runs `gnuplot` when given (one process per chart, as many
    /// at once as there are cores), else throws `gnuplotNotFound` at the end. A chart gnuplot fails
    /// on throws (the first such chart in spec order), after the other charts were rendered.
    static func render(resultsDirectory: String, spec: Spec?, gnuplot: String?) throws(ChartError) -> [ChartOutput] {
        let rendered = try render(resultsDirectory: resultsDirectory, spec: spec, into: resultsDirectory, gnuplot: gnuplot)
        if rendered.gnuplotMissing { throw .gnuplotNotFound(directory: resultsDirectory) }
        return rendered.outputs
    }

    /// ``render(resultsDirectory:spec:gnuplot:)`` writing every file into `folder` (e.g. a
    /// staging folder, from which they are moved into the results folder): it does not throw when
    /// gnuplot is missing but says so in `gnuplotMissing`. `fault` (a test hook) may fail the writes.
    package static func render(resultsDirectory: String, spec: Spec?, into folder: String, gnuplot: String?,
                       fault: TestFault? = nil) throws(ChartError) -> (outputs: [ChartOutput], gnuplotMissing: Bool) {
        let (data, charts, series, seriesNote) = try prepare(resultsDirectory: resultsDirectory, spec: spec)
        var scripts: [GnuplotScript] = []
        for chart in charts {
            var script = makeScript(chart: chart, data: data, series: series)
            if chart.source == .series, let seriesNote { script.addNote(seriesNote) }
            try write(script.data, to: ReportData.path(folder, script.dataFile), fault: fault)
            try write(script.script, to: ReportData.path(folder, script.scriptFile), fault: fault)
            scripts.append(script)
        }
        // gnuplot's start-up (fonts, cairo) is most of a chart's time and each process uses one core.
        let rendered: [Result<String, ChartError>]? = gnuplot.map { gnuplot in
            let work = zip(charts, scripts).map { (script: $1.scriptFile, chart: $0.name) }
            return ConcurrentSlots<Result<String, ChartError>>.compute(
                count: work.count, parts: min(work.count, ProcessInfo.processInfo.activeProcessorCount)
            ) { i in
                Result { () throws(ChartError) in
                    try GnuplotRenderer.run(gnuplot: gnuplot, script: work[i].script, chart: work[i].chart, directory: folder)
                }
            }
        }
        var outputs: [ChartOutput] = []
        for (i, (chart, script)) in zip(charts, scripts).enumerated() {
            var output = ChartOutput(name: chart.name, title: chart.displayTitle, dataFile: script.dataFile,
                                     scriptFile: script.scriptFile, notes: script.notes)
            if let rendered {
                let warnings = try rendered[i].get()
                output.notes += warnings.split(separator: "\n").map { "gnuplot: " + $0 }
                let files = FileManager.default
                if files.fileExists(atPath: ReportData.path(folder, script.svgFile)) { output.svgFile = script.svgFile }
                if files.fileExists(atPath: ReportData.path(folder, script.pngFile)) { output.pngFile = script.pngFile }
                if chart.pdf, files.fileExists(atPath: ReportData.path(folder, script.pdfFile)) { output.pdfFile = script.pdfFile }
            }
            outputs.append(output)
        }
        return (outputs, gnuplot == nil && !charts.isEmpty)
    }

    static func makeScript(chart: ChartSpec, data: ReportData, series: SeriesIndex?) -> GnuplotScript {
        let pooled = data.axes.map(\.name).filter { $0 != chart.x && $0 != chart.facet && !chart.seriesAxes.contains($0) }
        var context = "source: \(chart.source.rawValue), x: \(chart.x), y: \(chart.y)"
        if let s = chart.series { context += ", series: \(s)" }
        if let f = chart.facet { context += ", facet: \(f)" }
        if !chart.filter.conditions.isEmpty { context += "\nwhere: " + chart.filter.summary }
        context += "\naggregate: \(chart.aggregate.rawValue) over " + (pooled.isEmpty ? "nothing" : pooled.joined(separator: ", "))
        switch chart.kind {
        case .line:
            var chart = chart
            // A series chart without an x label says what its steps count (series.csv's step_unit).
            if chart.source == .series, chart.x == "step", chart.xLabel == nil, let units = series?.units[chart.y], !units.isEmpty {
                chart.xLabel = units.sorted().map { StudyOutputs.StepUnit(rawValue: $0)?.axisLabel ?? $0 }.joined(separator: " / ")
            }
            let line = Aggregator.lineData(chart: chart, data: data, series: series)
            context += ", band: " + (line.hasBand ? bandText(chart.band ?? .minMax) : "none")
            var script = GnuplotScript(lineChart: chart, data: line, context: context)
            if chart.source == .series, chart.x == "step", let units = series?.units[chart.y], units.count > 1 {
                script.addNote("the steps of '\(chart.y)' count different things in different runs (" + units.sorted().joined(separator: ", ")
                               + "; eval_every as an axis?): draw them apart with where, series or facet")
            }
            return script
        case .scatter:
            let scatter = Aggregator.scatterData(chart: chart, data: data)
            context += ", band: " + (scatter.hasBand ? bandText(chart.band ?? .minMax) + " (error bars)" : "none")
            return GnuplotScript(scatter: chart, data: scatter, context: context)
        case .heatmap:
            let heat = Aggregator.heatmapData(chart: chart, data: data, series: series ?? SeriesIndex())
            return GnuplotScript(heatmap: chart, data: heat, context: context)
        }
    }

    static func bandText(_ band: ChartSpec.Band) -> String {
        switch band {
        case .minMax: return "min-max"
        case let .quantile(low, high): return "quantile \(low)-\(high) (linear interpolation)"
        case .none: return "none"
        }
    }

    static func write(_ text: String, to path: String, fault: TestFault? = nil) throws(ChartError) {
        do {
            try FileOutput.write(text, to: path, fault: fault, phase: .charts)
        } catch {
            throw .writeFailed(path: path, message: error.message)
        }
    }
}

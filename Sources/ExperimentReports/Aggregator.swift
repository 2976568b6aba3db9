import ExperimentSpec
import ExperimentRunner
/// Turns result rows into chart data: groups observations by (facet, series, x) over the
/// remaining axes (normally the seeds) and summarises each group by a centre and a band.
///
/// Rules: failed runs are skipped; NaN and infinite values are excluded and counted; on a log axis
/// values <= 0 are excluded and counted (the counts go into the data file's comments). Blocks are
/// ordered by facet then series value in axis (spec) order; points by x ascending.
/// Quantiles interpolate linearly between order statistics: for sorted values v[0..n-1] and
/// probability p, h = (n - 1) p and q = v[floor h] + (h - floor h) (v[floor h + 1] - v[floor h])
/// (Hyndman & Fan type 7, as NumPy's default).
enum Aggregator {
    /// A group's summary.
    struct Summary: Equatable {
        var center: Double
        var low: Double
        var high: Double
        var count: Int
    }

    /// One point of a line.
    struct Point: Equatable {
        var x: Double
        var summary: Summary
    }

    /// One line (one data block) of points `P`: a line chart's or a scatter chart's.
    struct PlotLine<P> {
        var facet: String?
        var label: String
        var points: [P]
    }

    typealias Line = PlotLine<Point>

    /// Data of a line chart.
    struct LineData {
        var facets: [String?] = []
        var lines: [Line] = []
        /// Tick labels when x is a categorical axis (x values are then 0, 1, 2, ...).
        var xCategories: [String]?
        var hasBand = false
        var notes: [String] = []
    }

    /// One heatmap panel: rows x steps.
    struct HeatmapPanel {
        var label: String?
        var rows: [String]
        var steps: [Double]
        /// values[row][stepIndex]; NaN when missing.
        var values: [[Double]]
    }

    struct HeatmapData {
        var panels: [HeatmapPanel] = []
        var notes: [String] = []
    }

    // MARK: Statistics

    /// The median of values (nil when empty).
    static func median(_ values: [Double]) -> Double? {
        quantile(values.sorted(), 0.5)
    }

    /// Type-7 quantile of sorted values (nil when empty).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = h - Double(lower)
        if fraction == 0 { return sorted[lower] }
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// Centre and band of a group (nil when empty). Values must be finite.
    static func summarize(_ values: [Double], aggregate: ChartSpec.Aggregate, band: ChartSpec.Band) -> Summary? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let center: Double
        switch aggregate {
        case .mean: center = sorted.reduce(0, +) / Double(sorted.count)
        case .median, .none: center = quantile(sorted, 0.5) ?? sorted[0]
        }
        var low = center, high = center
        switch band {
        case .minMax:
            low = sorted[0]
            high = sorted[sorted.count - 1]
        case let .quantile(p, q):
            low = quantile(sorted, p) ?? center
            high = quantile(sorted, q) ?? center
        case .none:
            break
        }
        return Summary(center: center, low: low, high: high, count: sorted.count)
    }

    // MARK: Line charts

    private struct Observation {
        var facet: String?
        /// The series axes' cells (nil without series axes).
        var series: [String]?
        /// Remaining-axes tuple, used as part of the series when aggregate is none.
        var replicate: String?
        var x: Double
        var y: Double
    }

    /// Builds the data of a line chart.
    static func lineData(chart: ChartSpec, data: ReportData, series: SeriesIndex?) -> LineData {
        var result = LineData()
        let runs = data.runs.filter { $0.status != "failed" && chart.filter.accepts($0.cells) }
        let failed = data.runs.filter { $0.status == "failed" && chart.filter.accepts($0.cells) }.count
        if failed > 0 { result.notes.append("\(failed) failed run(s) skipped") }
        if runs.isEmpty { result.notes.append("no runs match the chart's filter") }
        let yExpression = chart.source == .runs ? metricExpression(chart.y, data: data, notes: &result.notes) : nil

        // Axes over which points are aggregated (everything not drawn).
        let drawn = Set([chart.x] + chart.seriesAxes + [chart.facet].compactMap { $0 })
        let remaining = data.axes.filter { !drawn.contains($0.name) }
        // Remaining axes that actually vary among the drawn runs.
        let varying = remaining.filter { axis in Set(runs.compactMap { $0.cells[axis.name] }).count > 1 }
        // Drawn axes that are grid axes: an axis fixed by them (e.g. zipped with the series) pools nothing.
        let drawnAxes = ([chart.x] + chart.seriesAxes + [chart.facet].compactMap { $0 }).filter { data.axis($0) != nil }
        for axis in varying where !axis.isReplication {
            let distinct = Set(runs.compactMap { $0.cells[axis.name] })
            var perGroup: [[String]: Set<String>] = [:]
            for run in runs {
                guard let value = run.cells[axis.name] else { continue }
                perGroup[drawnAxes.map { run.cells[$0] ?? "" }, default: []].insert(value)
            }
            if chart.aggregate != .none, perGroup.values.contains(where: { $0.count > 1 }) {
                result.notes.append("values of '\(axis.name)' (\(distinct.count) of them) are pooled together; "
                                    + "add it to where, series or facet to separate them")
            }
        }

        // Categorical x.
        var xPosition: [String: Double]?
        if chart.source == .runs, let axis = data.axis(chart.x) {
            let cells = runs.compactMap { $0.cells[chart.x] }
            if !cells.allSatisfy({ Double($0) != nil }) {
                let ordered = axis.ordered(cells)
                result.xCategories = ordered
                xPosition = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, Double($0)) })
            }
        }

        var observations: [Observation] = []
        var nonFinite = 0, nonPositiveY = 0, nonPositiveX = 0, missing = 0
        var undefined: [String] = []
        func add(_ run: ReportData.Run, x: Double, y computed: MetricExpression.Value) {
            let y: Double
            switch computed {
            case let .value(v): y = v
            case .missing:
                missing += 1
                return
            case let .undefined(reason):
                undefined.append(reason)
                return
            }
            guard y.isFinite, x.isFinite else { nonFinite += 1; return }
            if chart.logY && y <= 0 { nonPositiveY += 1; return }
            if chart.logX && x <= 0 { nonPositiveX += 1; return }
            let replicate = chart.aggregate == .none
                ? varying.compactMap { axis in run.cells[axis.name].map { "\(axis.name)=\($0)" } }.joined(separator: " ")
                : nil
            observations.append(Observation(facet: chart.facet.flatMap { run.cells[$0] },
                                            series: seriesKey(chart, run.cells),
                                            replicate: replicate, x: x, y: y))
        }
        for run in runs {
            switch chart.source {
            case .runs:
                guard let cell = run.cells[chart.x] else { continue }
                guard let x = xPosition?[cell] ?? Double(cell) else { continue }
                guard let yExpression else { continue }
                add(run, x: x, y: data.value(yExpression, of: run))
            case .series:
                guard let points = series?.points[run.key]?[chart.y] else { continue }
                for point in points { add(run, x: point.step, y: .value(point.value)) }
            }
        }
        if chart.source == .series, !runs.isEmpty, observations.isEmpty, nonFinite + nonPositiveY + nonPositiveX == 0 {
            result.notes.append("no points of series '\(chart.y)' for the matching runs")
        }
        if missing > 0 { result.notes.append("\(missing) missing value(s) skipped") }
        if let first = undefined.first { result.notes.append("\(undefined.count) value(s) undefined (\(first)) skipped") }
        if nonFinite > 0 { result.notes.append("\(nonFinite) NaN or infinite value(s) excluded") }
        if nonPositiveY > 0 { result.notes.append("\(nonPositiveY) value(s) <= 0 excluded from the log y axis") }
        if nonPositiveX > 0 { result.notes.append("\(nonPositiveX) point(s) with x <= 0 excluded from the log x axis") }

        // Order facets and series by axis order.
        let facetValues: [String?] = chart.facet.map { name in
            order(observations.compactMap(\.facet), axis: data.axis(name)).map { Optional($0) }
        } ?? [nil]
        let seriesValues: [[String]?] = chart.seriesAxes.isEmpty
            ? [nil] : orderedSeries(observations.compactMap(\.series), chart: chart, data: data).map { Optional($0) }
        let replicates = Array(Set(observations.compactMap(\.replicate))).sorted { naturalLess($0, $1) }
        let replicateValues: [String?] = chart.aggregate == .none ? replicates.map { Optional($0) } : [nil]
        result.facets = facetValues

        var groups: [String: [Observation]] = [:]
        func groupKey(_ f: String?, _ s: [String]?, _ r: String?) -> String {
            [f ?? "\u{1}", s?.joined(separator: "\u{2}") ?? "\u{1}", r ?? "\u{1}"].joined(separator: "\u{0}")
        }
        for o in observations { groups[groupKey(o.facet, o.series, o.replicate), default: []].append(o) }
        let requestedBand = chart.band ?? .minMax
        for facet in facetValues {
            for seriesValue in seriesValues {
                for replicate in replicateValues {
                    guard let members = groups[groupKey(facet, seriesValue, replicate)] else { continue }
                    var byX: [Double: [Double]] = [:]
                    for o in members { byX[o.x, default: []].append(o.y) }
                    let band: ChartSpec.Band = chart.aggregate == .none ? .none : requestedBand
                    let points = byX.keys.sorted().compactMap { x in
                        summarize(byX[x] ?? [], aggregate: chart.aggregate, band: band).map { Point(x: x, summary: $0) }
                    }
                    if points.contains(where: { $0.summary.count > 1 }) && band != .none { result.hasBand = true }
                    // The key's title names the series axis, so a line is labelled by its value.
                    // An empty cell: the series option has no effect on these runs (max_norm without clip norm).
                    let shown = seriesValue.map(seriesLabel)
                    var label = [shown, replicate].compactMap { $0 }.joined(separator: " ")
                    if label.isEmpty { label = chart.y }
                    result.lines.append(Line(facet: facet, label: label, points: points))
                }
            }
        }
        // An explicit band is drawn even with one run per point; the automatic one only with several.
        if chart.band != nil, chart.band != ChartSpec.Band.none, chart.aggregate != .none, !result.lines.isEmpty {
            result.hasBand = true
        }
        return result
    }

    // MARK: Series and metrics

    /// A run's series tuple: the series axes' cells (nil without series axes or with a cell missing).
    static func seriesKey(_ chart: ChartSpec, _ cells: [String: String]) -> [String]? {
        guard !chart.seriesAxes.isEmpty else { return nil }
        var key: [String] = []
        for axis in chart.seriesAxes {
            guard let cell = cells[axis] else { return nil }
            key.append(cell)
        }
        return key
    }

    /// A series tuple as the key shows it: the values joined with ", "; an empty cell (the option
    /// has no effect on these runs, e.g. max_norm without clip norm) reads "n/a".
    static func seriesLabel(_ key: [String]) -> String {
        key.map { $0 == "" ? "n/a" : $0 }.joined(separator: ", ")
    }

    /// Distinct series tuples ordered axis by axis (each in its axis order).
    static func orderedSeries(_ keys: [[String]], chart: ChartSpec, data: ReportData) -> [[String]] {
        var rank: [[String: Int]] = []
        for (i, name) in chart.seriesAxes.enumerated() {
            let ordered = order(keys.map { $0[i] }, axis: data.axis(name))
            rank.append(Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, $0) }))
        }
        var seen = Set<[String]>()
        let distinct = keys.filter { seen.insert($0).inserted }
        return distinct.sorted { a, b in
            for i in rank.indices where a[i] != b[i] { return (rank[i][a[i]] ?? 0) < (rank[i][b[i]] ?? 0) }
            return false
        }
    }

    /// The compiled metric (column, derived metric or expression) of a chart's `x` or `y`; notes a
    /// column runs.csv lacks (nil when the text does not parse).
    static func metricExpression(_ text: String, data: ReportData, notes: inout [String]) -> MetricExpression? {
        guard let expression = data.expression(text) else {
            notes.append("'\(text)' is not a metric expression")
            return nil
        }
        for name in data.missingColumns(expression) {
            var note = "runs.csv has no column '\(name)'"
            if let hint = SpecSuggestion.closest(to: name, among: data.metrics) { note += " (did you mean '\(hint)'?)" }
            notes.append(note)
        }
        return expression
    }

    // MARK: Scatter charts

    /// One point of a scatter chart: x and y summarised over the runs of a cell (one run when not aggregated).
    struct ScatterPoint: Equatable {
        var x: Summary
        var y: Summary
    }

    typealias ScatterLine = PlotLine<ScatterPoint>

    struct ScatterData {
        var facets: [String?] = []
        var lines: [ScatterLine] = []
        var hasBand = false
        var notes: [String] = []
    }

    /// Builds the data of a scatter chart: metric `y` against metric `x`, one point per run
    /// (aggregate none) or per cell of every axis but the seed (median/mean, with the band as
    /// error bars in both directions). Points are ordered by x, then y.
    static func scatterData(chart: ChartSpec, data: ReportData) -> ScatterData {
        var result = ScatterData()
        let runs = data.runs.filter { $0.status != "failed" && chart.filter.accepts($0.cells) }
        let failed = data.runs.filter { $0.status == "failed" && chart.filter.accepts($0.cells) }.count
        if failed > 0 { result.notes.append("\(failed) failed run(s) skipped") }
        if runs.isEmpty { result.notes.append("no runs match the chart's filter") }
        guard let xExpression = metricExpression(chart.x, data: data, notes: &result.notes),
              let yExpression = metricExpression(chart.y, data: data, notes: &result.notes)
        else { return result }
        var missing = 0, nonFinite = 0, nonPositive = 0
        var undefined: [String] = []
        // Group key: facet, series, and (when aggregating) the cell of the other non-seed axes.
        let cellAxes = data.axes.filter { !$0.isReplication && $0.name != chart.facet && !chart.seriesAxes.contains($0.name) }
        var groups: [String: (facet: String?, series: [String]?, xs: [Double], ys: [Double])] = [:]
        var order: [String] = []
        for run in runs {
            var pair: [Double] = []
            for expression in [xExpression, yExpression] {
                switch data.value(expression, of: run) {
                case let .value(v): pair.append(v)
                case .missing: missing += 1
                case let .undefined(reason): undefined.append(reason)
                }
            }
            guard pair.count == 2 else { continue }
            guard pair[0].isFinite, pair[1].isFinite else { nonFinite += 1; continue }
            if (chart.logX && pair[0] <= 0) || (chart.logY && pair[1] <= 0) { nonPositive += 1; continue }
            let facet = chart.facet.flatMap { run.cells[$0] }
            let series = seriesKey(chart, run.cells)
            var key = [facet ?? "\u{1}", series?.joined(separator: "\u{2}") ?? "\u{1}"]
            key += chart.aggregate == .none ? [String(run.row)] : cellAxes.map { run.cells[$0.name] ?? "" }
            let joined = key.joined(separator: "\u{0}")
            if groups[joined] == nil { order.append(joined) }
            groups[joined, default: (facet, series, [], [])].xs.append(pair[0])
            groups[joined, default: (facet, series, [], [])].ys.append(pair[1])
        }
        if missing > 0 { result.notes.append("\(missing) missing value(s) skipped") }
        if let first = undefined.first { result.notes.append("\(undefined.count) value(s) undefined (\(first)) skipped") }
        if nonFinite > 0 { result.notes.append("\(nonFinite) run(s) with a NaN or infinite value excluded") }
        if nonPositive > 0 { result.notes.append("\(nonPositive) run(s) with a value <= 0 excluded from a log axis") }

        let groupList = order.compactMap { groups[$0] }
        let facetValues: [String?] = chart.facet.map { name in
            Aggregator.order(groupList.compactMap(\.facet), axis: data.axis(name)).map { Optional($0) }
        } ?? [nil]
        let seriesValues: [[String]?] = chart.seriesAxes.isEmpty
            ? [nil] : orderedSeries(groupList.compactMap(\.series), chart: chart, data: data).map { Optional($0) }
        result.facets = facetValues
        let band: ChartSpec.Band = chart.aggregate == .none ? .none : chart.band ?? .minMax
        for facet in facetValues {
            for seriesValue in seriesValues {
                let members = groupList.filter { $0.facet == facet && $0.series == seriesValue }
                guard !members.isEmpty else { continue }
                let points = members.compactMap { group -> ScatterPoint? in
                    guard let x = summarize(group.xs, aggregate: chart.aggregate, band: band),
                          let y = summarize(group.ys, aggregate: chart.aggregate, band: band) else { return nil }
                    return ScatterPoint(x: x, y: y)
                }.sorted { ($0.x.center, $0.y.center) < ($1.x.center, $1.y.center) }
                if band != .none && points.contains(where: { $0.x.count > 1 }) { result.hasBand = true }
                result.lines.append(ScatterLine(facet: facet, label: seriesValue.map(seriesLabel) ?? chart.y, points: points))
            }
        }
        return result
    }

    // MARK: Heatmaps

    /// Builds heatmap panels: one per (facet, series) value pair; rows are the series named
    /// `<y>.<row>` in natural order; cells are the median over the pooled runs.
    static func heatmapData(chart: ChartSpec, data: ReportData, series: SeriesIndex) -> HeatmapData {
        var result = HeatmapData()
        let runs = data.runs.filter { $0.status != "failed" && chart.filter.accepts($0.cells) }
        if runs.isEmpty { result.notes.append("no runs match the chart's filter") }
        let prefix = chart.y + "."
        let rowNames = series.names.filter { $0.hasPrefix(prefix) }.sorted { naturalLess($0, $1) }
        if rowNames.isEmpty { result.notes.append("no series named '\(prefix)<row>' in series.csv") }
        let facetValues: [String?] = chart.facet.map { name in
            order(runs.compactMap { $0.cells[name] }, axis: data.axis(name)).map { Optional($0) }
        } ?? [nil]
        let seriesValues: [String?] = chart.seriesAxes.first.map { name in
            order(runs.compactMap { $0.cells[name] }, axis: data.axis(name)).map { Optional($0) }
        } ?? [nil]
        var excluded = 0
        for facet in facetValues {
            for seriesValue in seriesValues {
                let members = runs.filter { run in
                    (chart.facet.map { run.cells[$0] == facet } ?? true) && (chart.seriesAxes.first.map { run.cells[$0] == seriesValue } ?? true)
                }
                var cells: [String: [Double: [Double]]] = [:]
                var steps = Set<Double>()
                for run in members {
                    for row in rowNames {
                        for point in series.points[run.key]?[row] ?? [] {
                            steps.insert(point.step)
                            guard point.value.isFinite else { excluded += 1; continue }
                            cells[row, default: [:]][point.step, default: []].append(point.value)
                        }
                    }
                }
                let sortedSteps = steps.sorted()
                let values = rowNames.map { row in
                    sortedSteps.map { step in median(cells[row]?[step] ?? []) ?? .nan }
                }
                let label = [chart.facet.map { "\($0)=\(facet ?? "")" }, chart.seriesAxes.first.map { "\($0)=\(seriesValue ?? "")" }]
                    .compactMap { $0 }.joined(separator: ", ")
                result.panels.append(HeatmapPanel(label: label.isEmpty ? nil : label,
                                                  rows: rowNames.map { String($0.dropFirst(prefix.count)) },
                                                  steps: sortedSteps, values: values))
            }
        }
        if excluded > 0 { result.notes.append("\(excluded) NaN or infinite value(s) excluded") }
        return result
    }

    // MARK: Ordering

    /// Distinct cells in axis order (spec order; unknown values after, numerically then by text).
    static func order(_ cells: [String], axis: PlotAxis?) -> [String] {
        (axis ?? PlotAxis(name: "", values: [])).ordered(cells)
    }

    /// Natural order: digit runs compare as numbers (`h2` < `h10`).
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        let ca = chunks(a), cb = chunks(b)
        for (x, y) in zip(ca, cb) where x != y {
            if let nx = Int(x), let ny = Int(y), nx != ny { return nx < ny }
            return x < y
        }
        return ca.count < cb.count
    }

    private static func chunks(_ s: String) -> [String] {
        var result: [String] = []
        var current = ""
        var digits = false
        for c in s {
            let isDigit = c.isASCII && c.isNumber
            if !current.isEmpty && isDigit != digits {
                result.append(current)
                current = ""
            }
            digits = isDigit
            current.append(c)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

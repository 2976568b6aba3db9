/// One chart of a spec's `charts` block.
///
/// ```json
/// {"name": "grad_hh", "title": "...", "kind": "line", "source": "runs",
///  "x": "seq_len", "y": "grad_norm.weight_hh_l0", "series": "init", "facet": "activation",
///  "where": {"clip": "none"}, "aggregate": "median", "band": "min-max",
///  "log_x": false, "log_y": true, "x_label": "...", "y_label": "..."}
/// ```
/// A scatter chart draws one metric against another (one point per run by default):
/// ```json
/// {"kind": "scatter", "x": "sigma_max.weight_hh_l0", "y": "grad_decay_per_step", "series": "init",
///  "diagonal": {"label": "decay = σ_max"}, "log_x": true, "log_y": true}
/// ```
/// `series` may list several axes (`["cell", "nonlinearity"]`): one line per combination,
/// labelled by the values joined with ", ".
public struct ChartSpec: Sendable, Equatable {
    /// `line` (default), `heatmap` (source `series`, series named `<y>.<row>`) or `scatter`
    /// (source `runs`: metric `y` against metric `x`, one point per run or per aggregated cell).
    public enum Kind: String, Sendable { case line, heatmap, scatter }
    /// Where y values come from: a metric column of `runs.csv` or a named series of `series.csv`.
    public enum Source: String, Sendable { case runs, series }
    /// How runs that differ only in the remaining axes (the seeds) become one point.
    public enum Aggregate: String, Sendable { case median, mean, none }
    /// The shaded band around an aggregated line.
    public enum Band: Sendable, Equatable {
        case minMax
        /// Quantiles with linear interpolation between order statistics (type 7).
        case quantile(low: Double, high: Double)
        case none
    }

    /// File stem of `<name>.dat`, `.gp`, `.svg`, `.png` (letters, digits, `.`, `_`, `-`).
    public var name: String
    public var title: String?
    public var kind: Kind
    public var source: Source
    /// An axis name, `step` for source `series`, or a metric (expression) for a scatter chart.
    public var x: String
    /// A metric column, derived metric or metric expression (source `runs`), a series name (source
    /// `series`) or a series prefix (heatmap).
    public var y: String
    /// Axes drawn as one line per combination of values (empty: one line).
    public var seriesAxes: [String]
    /// The series axes as shown (the key's title): their names joined with ", "; nil without series.
    public var series: String? { seriesAxes.isEmpty ? nil : seriesAxes.joined(separator: ", ") }
    /// Axis drawn as one panel per value.
    public var facet: String?
    public var filter: PlotFilter
    public var aggregate: Aggregate
    /// nil: min-max when aggregating more than one run per point, else none.
    public var band: Band?
    public var logX: Bool
    public var logY: Bool
    public var xLabel: String?
    public var yLabel: String?
    /// Horizontal and vertical reference lines (a baseline, a chance level, a bound), drawn dashed
    /// with their label.
    public var hlines: [ReferenceLine] = []
    public var vlines: [ReferenceLine] = []
    /// Sloped reference lines y = slope x + intercept (`"diagonal": true` is y = x), drawn dashed.
    public var diagonals: [Diagonal] = []
    /// Axis limits (nil ends: automatic).
    public var xRange: (low: Double?, high: Double?)?
    public var yRange: (low: Double?, high: Double?)?
    /// Also render `<name>.pdf` (vector, for papers).
    public var pdf = false
    /// JSON path of the chart in its spec (`charts[2]`), for errors.
    public var path: String

    /// A reference line at `value` (y for `hline`, x for `vline`).
    public struct ReferenceLine: Sendable, Equatable {
        public var value: Double
        public var label: String?
        public init(value: Double, label: String? = nil) {
            self.value = value
            self.label = label
        }
    }

    /// A reference line y = slope * x + intercept with an optional label.
    public struct Diagonal: Sendable, Equatable {
        public var slope: Double
        public var intercept: Double
        public var label: String?
        public init(slope: Double = 1, intercept: Double = 0, label: String? = nil) {
            self.slope = slope
            self.intercept = intercept
            self.label = label
        }
    }

    /// The series value of a run (its cells by axis name): the series axes' cells joined with
    /// ", " (nil without series axes or when a cell is missing).
    public func seriesValue(_ cells: [String: String]) -> String? {
        guard !seriesAxes.isEmpty else { return nil }
        var parts: [String] = []
        for axis in seriesAxes {
            guard let cell = cells[axis] else { return nil }
            parts.append(cell == "" ? "n/a" : cell)
        }
        return parts.joined(separator: ", ")
    }

    public static func == (a: ChartSpec, b: ChartSpec) -> Bool {
        a.name == b.name && a.title == b.title && a.kind == b.kind && a.source == b.source && a.x == b.x && a.y == b.y
            && a.seriesAxes == b.seriesAxes && a.diagonals == b.diagonals && a.facet == b.facet && a.filter == b.filter && a.aggregate == b.aggregate
            && a.band == b.band && a.logX == b.logX && a.logY == b.logY && a.xLabel == b.xLabel && a.yLabel == b.yLabel
            && a.hlines == b.hlines && a.vlines == b.vlines && a.xRange?.low == b.xRange?.low
            && a.xRange?.high == b.xRange?.high && a.yRange?.low == b.yRange?.low && a.yRange?.high == b.yRange?.high
            && a.pdf == b.pdf && a.path == b.path
    }

    public init(name: String? = nil, title: String? = nil, kind: Kind = .line, source: Source = .runs,
                x: String, y: String, series: String? = nil, facet: String? = nil, filter: PlotFilter = PlotFilter(),
                aggregate: Aggregate = .median, band: Band? = nil, logX: Bool = false, logY: Bool = false,
                xLabel: String? = nil, yLabel: String? = nil, path: String = "") {
        self.name = name ?? ChartSpec.defaultName(kind: kind, x: x, y: y, series: series, facet: facet)
        self.title = title
        self.kind = kind
        self.source = source
        self.x = x
        self.y = y
        self.seriesAxes = series.map { [$0] } ?? []
        self.facet = facet
        self.filter = filter
        self.aggregate = aggregate
        self.band = band
        self.logX = logX
        self.logY = logY
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.path = path
    }

    static let keys = ["name", "title", "kind", "source", "x", "y", "series", "facet", "where", "aggregate",
                       "band", "log_x", "log_y", "x_label", "y_label", "hline", "vline", "x_range", "y_range", "pdf",
                       "diagonal"]

    /// `hline`/`vline`: a number, `{"at": n, "label": "..."}`, or an array of these.
    static func referenceLines(_ object: CheckedObject, _ key: String) throws(SpecError) -> [ReferenceLine] {
        guard let value = object[key] else { return [] }
        let items: [JSONValue]
        if case let .array(list) = value { items = list } else { items = [value] }
        var lines: [ReferenceLine] = []
        for item in items {
            switch item {
            case let .number(n) where n.isFinite:
                lines.append(ReferenceLine(value: n))
            case let .object(pairs):
                guard case let .number(n)? = pairs.first(where: { $0.key == "at" })?.value, n.isFinite,
                      pairs.allSatisfy({ $0.key == "at" || $0.key == "label" })
                else { throw object.error(key, expected: "{\"at\": <number>, \"label\": \"...\"}", found: item.excerpt) }
                var label: String?
                if let l = pairs.first(where: { $0.key == "label" })?.value {
                    guard case let .string(text) = l else { throw object.error(key, expected: "a label string", found: l.excerpt) }
                    label = text
                }
                lines.append(ReferenceLine(value: n, label: label))
            default:
                throw object.error(key, expected: "a number, {\"at\": <number>, \"label\": \"...\"} or an array of these",
                                   found: item.excerpt)
            }
        }
        return lines
    }

    /// `diagonal`: `true` (y = x), `{"slope": s, "intercept": c, "label": "..."}` (slope 1 and
    /// intercept 0 by default), or an array of these.
    static func diagonals(_ object: CheckedObject) throws(SpecError) -> [Diagonal] {
        guard let value = object["diagonal"] else { return [] }
        let items: [JSONValue]
        if case let .array(list) = value { items = list } else { items = [value] }
        let expected = "true, {\"slope\": <number>, \"intercept\": <number>, \"label\": \"...\"} or an array of these"
        var lines: [Diagonal] = []
        for item in items {
            switch item {
            case .bool(true):
                lines.append(Diagonal())
            case let .object(pairs):
                var line = Diagonal()
                for (key, v) in pairs {
                    switch (key, v) {
                    case let ("slope", .number(n)) where n.isFinite: line.slope = n
                    case let ("intercept", .number(n)) where n.isFinite: line.intercept = n
                    case let ("label", .string(text)): line.label = text
                    default: throw object.error("diagonal", expected: expected, found: "\"\(key)\": " + v.excerpt)
                    }
                }
                lines.append(line)
            default:
                throw object.error("diagonal", expected: expected, found: item.excerpt)
            }
        }
        return lines
    }

    /// `series`: an axis name or a non-empty array of distinct axis names.
    static func seriesAxes(_ object: CheckedObject) throws(SpecError) -> [String] {
        guard let value = object["series"] else { return [] }
        if case let .array(items) = value {
            var names: [String] = []
            for item in items {
                guard case let .string(name) = item, !name.isEmpty, !names.contains(name) else {
                    throw object.error("series", expected: "distinct axis names", found: value.excerpt)
                }
                names.append(name)
            }
            if names.isEmpty { throw object.error("series", expected: "an axis name or a non-empty array of axis names", found: "[]") }
            return names
        }
        return try object.nonEmptyString("series").map { [$0] } ?? []
    }

    /// `x_range`/`y_range`: `[low, high]`, either may be null (automatic); low < high.
    static func range(_ object: CheckedObject, _ key: String) throws(SpecError) -> (low: Double?, high: Double?)? {
        guard let value = object[key] else { return nil }
        func bound(_ v: JSONValue) -> Double?? {
            switch v {
            case .null: return .some(nil)
            case let .number(n) where n.isFinite: return .some(n)
            default: return nil
            }
        }
        guard case let .array(items) = value, items.count == 2, let low = bound(items[0]), let high = bound(items[1]),
              low.flatMap({ l in high.map { l < $0 } }) ?? true
        else { throw object.error(key, expected: "[low, high] with low < high (null: automatic)", found: value.excerpt) }
        return (low, high)
    }

    /// Parses a `charts` block (nil or absent: no charts). Names must be unique.
    public static func parseAll(_ json: JSONValue?, path: String = "charts", file: String) throws(SpecError) -> [ChartSpec] {
        guard let json, json != .null else { return [] }
        guard case let .array(items) = json else {
            throw SpecError(file: file, path: path, expected: "an array of chart objects", found: json.typeDescription)
        }
        var charts: [ChartSpec] = []
        for (index, item) in items.enumerated() {
            let chart = try parse(item, path: JSONPath.element(path, index), file: file)
            if charts.contains(where: { $0.name == chart.name }) {
                throw SpecError(file: file, path: JSONPath.child(chart.path, "name"), expected: "a name used by one chart only",
                                found: "'\(chart.name)' again (set a distinct \"name\")")
            }
            charts.append(chart)
        }
        return charts
    }

    /// Parses one chart object.
    public static func parse(_ json: JSONValue, path: String, file: String) throws(SpecError) -> ChartSpec {
        let object = try CheckedObject(json, path: path, file: file, what: "a chart object")
        try object.rejectUnknownKeys(allowed: keys)
        let kind = Kind(rawValue: try object.choice("kind", ["line", "heatmap", "scatter"]) ?? "line") ?? .line
        let sourceDefault = kind == .heatmap ? "series" : "runs"
        let source = Source(rawValue: try object.choice("source", ["runs", "series"]) ?? sourceDefault) ?? .runs
        guard let y = try object.nonEmptyString("y") else {
            throw SpecError(file: file, path: object.childPath("y"),
                            expected: source == .runs ? "a metric column of runs.csv" : "a series name", found: "nothing")
        }
        let x: String
        if let given = try object.nonEmptyString("x") {
            x = given
        } else if source == .series {
            x = "step"
        } else {
            throw SpecError(file: file, path: object.childPath("x"),
                            expected: kind == .scatter ? "a metric (or metric expression) for the x axis" : "an axis name", found: "nothing")
        }
        if kind == .scatter && source != .runs {
            throw object.error("source", expected: "\"runs\" for a scatter chart (metrics of runs.csv)", found: "\"\(source.rawValue)\"")
        }
        if kind == .heatmap && source != .series {
            throw object.error("source", expected: "\"series\" for a heatmap", found: "\"runs\"")
        }
        if source == .series && x != "step" {
            throw object.error("x", expected: "\"step\" for a chart of series", found: "\"\(x)\"")
        }
        // A scatter chart shows every run unless asked to aggregate.
        let aggregate = Aggregate(rawValue: try object.choice("aggregate", ["median", "mean", "none"])
            ?? (kind == .scatter ? "none" : "median")) ?? .median
        var band: Band?
        if let text = try object.string("band") {
            guard let parsed = parseBand(text) else {
                throw object.error("band", expected: "\"min-max\", \"quantile\", \"quantile-<low>-<high>\" (e.g. quantile-0.1-0.9) or \"none\"",
                                   found: "\"\(text)\"")
            }
            band = parsed
        }
        let name = try object.nonEmptyString("name")
        if let name, !ChartSpec.isSafeStem(name) {
            throw object.error("name", expected: "a file stem of letters, digits, '.', '_', '-' (not starting with '.')",
                               found: "\"\(name)\"")
        }
        let seriesAxes = try seriesAxes(object)
        let facet = try object.nonEmptyString("facet")
        if let facet, seriesAxes.contains(facet) {
            throw object.error("facet", expected: "an axis other than the series axes", found: "\"\(facet)\"")
        }
        if kind == .heatmap && seriesAxes.count > 1 {
            throw object.error("series", expected: "one axis for a heatmap", found: "\(seriesAxes.count) axes")
        }
        let filter = try object["where"].map { (v: JSONValue) throws(SpecError) in
            try PlotFilter.parse(v, path: object.childPath("where"), file: file)
        } ?? PlotFilter(path: object.childPath("where"))
        var chart = ChartSpec(
            name: name, title: try object.string("title"), kind: kind, source: source, x: x, y: y,
            series: nil, facet: facet, filter: filter, aggregate: aggregate, band: band,
            logX: try object.bool("log_x") ?? false, logY: try object.bool("log_y") ?? false,
            xLabel: try object.string("x_label"), yLabel: try object.string("y_label"), path: path)
        chart.seriesAxes = seriesAxes
        if name == nil {
            chart.name = ChartSpec.defaultName(kind: kind, x: x, y: y, series: chart.seriesAxes.joined(separator: "_"), facet: facet)
        }
        chart.diagonals = try diagonals(object)
        chart.hlines = try referenceLines(object, "hline")
        chart.vlines = try referenceLines(object, "vline")
        chart.xRange = try range(object, "x_range")
        chart.yRange = try range(object, "y_range")
        chart.pdf = try object.bool("pdf") ?? false
        for (key, r) in [("x_range", chart.xRange), ("y_range", chart.yRange)] {
            let log = key == "x_range" ? chart.logX : chart.logY
            if log, let r, (r.low.map { $0 <= 0 } ?? false) || (r.high.map { $0 <= 0 } ?? false) {
                throw object.error(key, expected: "positive limits on a log axis", found: "[\(r.low.map { "\($0)" } ?? "null"), \(r.high.map { "\($0)" } ?? "null")]")
            }
        }
        return chart
    }

    static func parseBand(_ text: String) -> Band? {
        switch text {
        case "min-max", "minmax": return .minMax
        case "none": return Band.none
        case "quantile": return .quantile(low: 0.1, high: 0.9)
        default:
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "quantile", let low = Double(parts[1]), let high = Double(parts[2]),
                  0 <= low, low < high, high <= 1
            else { return nil }
            return .quantile(low: low, high: high)
        }
    }

    /// Fails when `x`, `series`, `facet` or a `where` key names an axis the grid does not have.
    public func validate(axes: [String], file: String) throws(SpecError) {
        if source == .runs && kind != .scatter && !axes.contains(x) {
            throw PlotFilter.unknownAxis(x, path: JSONPath.child(path, "x"), axes: axes, file: file)
        }
        for series in seriesAxes where !axes.contains(series) {
            throw PlotFilter.unknownAxis(series, path: JSONPath.child(path, "series"), axes: axes, file: file)
        }
        if let facet, !axes.contains(facet) {
            throw PlotFilter.unknownAxis(facet, path: JSONPath.child(path, "facet"), axes: axes, file: file)
        }
        try filter.validate(axes: axes, file: file)
    }

    /// The title shown on the chart.
    public var displayTitle: String {
        if let title { return title }
        return kind == .heatmap ? y : "\(y) vs \(x)" + (series.map { " by \($0)" } ?? "")
    }

    static func defaultName(kind: Kind, x: String, y: String, series: String?, facet: String?) -> String {
        var stem = kind == .heatmap ? "heatmap_\(y)" : "\(y)_vs_\(x)"
        if let series, !series.isEmpty { stem += "_by_\(series)" }
        if let facet { stem += "_per_\(facet)" }
        return sanitizeStem(stem)
    }

    /// True for a non-empty stem of `[A-Za-z0-9._-]` that does not start with a dot.
    static func isSafeStem(_ stem: String) -> Bool {
        !stem.isEmpty && !stem.hasPrefix(".") && stem.unicodeScalars.allSatisfy(isStemScalar)
    }

    static func sanitizeStem(_ stem: String) -> String {
        var out = String(String.UnicodeScalarView(stem.unicodeScalars.map { isStemScalar($0) ? $0 : "_" }))
        while out.hasPrefix(".") { out.removeFirst() }
        return out.isEmpty ? "chart" : out
    }

    private static func isStemScalar(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }
}

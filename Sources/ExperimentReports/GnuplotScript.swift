import Foundation
import ExperimentSpec
import ExperimentRunner

/// Writes a chart's gnuplot data file (`<name>.dat`) and standalone script (`<name>.gp`).
///
/// The script renders `<name>.svg` and then `<name>.png` (pngcairo when the gnuplot build has
/// it, else the libgd png terminal) when run as `gnuplot <name>.gp` from the results folder.
///
/// Security: every string that comes from a spec or from the results (titles, labels, series
/// values, row names) is emitted only through `quote(_:)` as a single-quoted gnuplot string, in
/// which gnuplot expands neither backquotes, `system(...)` nor `@macros`; control characters are
/// removed. User text never appears outside quotes; file names are restricted to `[A-Za-z0-9._-]`.
/// The output contains no timestamps, so reruns are byte-identical.
struct GnuplotScript {
    let chart: ChartSpec
    /// Text of `<name>.dat`.
    private(set) var data = ""
    /// Text of `<name>.gp`.
    private(set) var script = ""
    /// What was excluded or pooled (also written as comments of the data file).
    private(set) var notes: [String] = []

    static let colors = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B", "#999933",
        "#882255",
    ]
    static let pointTypes = [7, 5, 9, 11, 13, 15, 4, 6, 8, 12, 10, 14]

    /// The look of series `i` of a panel: colour, marker and dash together. Colours cycle every
    /// 10 series, markers every 12 and dashes every 10 colours (solid, dashed, dotted), so no two of
    /// the first 60 series share all three, and the first 10 differ in colour and marker alike.
    static func style(_ i: Int) -> (color: String, point: Int, dash: Int) {
        (colors[i % colors.count], pointTypes[i % pointTypes.count], 1 + (i / colors.count) % 3)
    }

    /// Lines of at most `width` characters, broken at spaces (a longer word stays whole).
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// A title as a gnuplot string expression, wrapped to the canvas (`."\n".` between lines).
    static func title(_ text: String, canvasWidth: Int) -> String {
        // About 12 px per character at the title's 15 pt (DejaVu Sans).
        wrapped(text, width: max(40, canvasWidth / 12)).map(quote).joined(separator: ".\"\\n\".")
    }

    var dataFile: String { chart.name + ".dat" }
    var scriptFile: String { chart.name + ".gp" }
    var svgFile: String { chart.name + ".svg" }
    var pngFile: String { chart.name + ".png" }
    var pdfFile: String { chart.name + ".pdf" }

    /// Adds a note to the outputs and to the data file's comments.
    mutating func addNote(_ note: String) {
        notes.append(note)
        data = "# note: " + GnuplotScript.comment(note) + "\n" + data
    }

    // MARK: Quoting

    /// A single-quoted gnuplot string literal: control characters dropped, `'` doubled.
    static func quote(_ text: String) -> String {
        var out = "'"
        for u in text.unicodeScalars {
            if u.properties.generalCategory == .control || u.properties.generalCategory == .format
                || u == "\u{2028}" || u == "\u{2029}" { continue }
            if u == "'" { out += "''" } else { out.unicodeScalars.append(u) }
        }
        return out + "'"
    }

    /// Text safe for a `#` comment line of the data file.
    static func comment(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control }))
    }

    /// A number as gnuplot reads it.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "1e308" : "-1e308" }
        if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: Line charts

    init(lineChart chart: ChartSpec, data lineData: Aggregator.LineData, context: String) {
        self.chart = chart
        self.notes = lineData.notes
        var dat = header(context: context, notes: lineData.notes)
        dat += "# columns: x center low high n\n"
        // Blocks: index in the data file per line (only lines with points are written).
        var blockIndex: [Int: Int] = [:]
        var written = 0
        for (number, line) in lineData.lines.enumerated() where !line.points.isEmpty {
            if written > 0 { dat += "\n\n" }
            let facet = line.facet.map { "facet \(chart.facet ?? "")=\($0), " } ?? ""
            dat += "# block \(written): " + GnuplotScript.comment(facet + line.label) + "\n"
            for point in line.points {
                let s = point.summary
                dat += [point.x, s.center, s.low, s.high].map(GnuplotScript.number).joined(separator: " ") + " \(s.count)\n"
            }
            blockIndex[number] = written
            written += 1
        }
        self.data = dat

        var body = ""
        body += "set grid xtics ytics lt 1 lc rgb '#dcdcdc' lw 1\n"
        body += "set border 3 lc rgb '#444444'\nset tics nomirror out\n"
        body += "set xlabel " + GnuplotScript.quote(chart.xLabel ?? chart.x) + " noenhanced\n"
        body += "set ylabel " + GnuplotScript.quote(chart.yLabel ?? chart.y) + " noenhanced\n"
        if chart.logY {
            body += "set logscale y 10\n"
            body += GnuplotScript.logTics(axis: "y", lineData.lines.flatMap { $0.points.flatMap { [$0.summary.low, $0.summary.high] } })
        }
        if chart.logX {
            body += "set logscale x 10\n"
            body += GnuplotScript.logTics(axis: "x", lineData.lines.flatMap { $0.points.map(\.x) })
        }
        var xrange = ""
        if let categories = lineData.xCategories {
            let tics = categories.enumerated().map { GnuplotScript.quote($1) + " \($0)" }.joined(separator: ", ")
            body += "set xtics (" + tics + ")\n"
            xrange = "set xrange [-0.5:\(GnuplotScript.number(Double(categories.count) - 0.5))]\n"
        } else if let range = GnuplotScript.paddedRange(lineData.lines.flatMap { $0.points.map(\.x) }, log: chart.logX) {
            xrange = "set xrange [\(range)]\n"
            // A few grid values (seq_len 10, 20, 50, ...) get a tic each.
            let xs = Set(lineData.lines.flatMap { $0.points.map(\.x) }).sorted()
            if chart.source == .runs && xs.count <= 12 {
                body += "set xtics (" + xs.map(GnuplotScript.number).joined(separator: ", ") + ")\n"
                if chart.logX { body += "set format x '%g'\n" }
            }
        }
        body += xrange
        // Axis limits from the spec win over the automatic ranges.
        if let r = chart.xRange {
            xrange = "set xrange [\(r.low.map(GnuplotScript.number) ?? "*"):\(r.high.map(GnuplotScript.number) ?? "*")]\n"
            body += xrange
        }
        body += GnuplotScript.referenceLines(chart)
        let facets = lineData.facets
        let multi = facets.count > 1 || (facets.first ?? nil) != nil
        let size = GnuplotScript.canvas(facets: facets.count)
        // Panels share one y range, so their heights compare.
        var yrange = ""
        if let r = chart.yRange {
            yrange = "set yrange [\(r.low.map(GnuplotScript.number) ?? "*"):\(r.high.map(GnuplotScript.number) ?? "*")]\n"
            body += yrange
        } else if multi, let range = GnuplotScript.paddedRange(
            lineData.lines.flatMap { $0.points.flatMap { [$0.summary.center, $0.summary.low, $0.summary.high] } }
                .filter(\.isFinite), log: chart.logY)
        {
            yrange = "set yrange [\(range)]\n"
            body += yrange
        }
        // Categories on x are not a continuum: points (with their min-max as error bars), no lines.
        let categorical = lineData.xCategories != nil
        if let categories = lineData.xCategories, categories.count > 4 || categories.contains(where: { $0.count > 8 }) {
            body += "set xtics rotate by -30\n"
        }
        // One unnamed line per panel needs no key; otherwise the key's title names the series axis.
        // The key sits outside the plot area, so it never covers data.
        body += GnuplotScript.key(chart, named: chart.series != nil || chart.aggregate == .none || chart.diagonals.contains { $0.label != nil })
        var plots = GnuplotScript.titles(chart, canvasWidth: size.0, panels: multi ? facets.count : nil)
        for facet in facets {
            if multi { plots += "set title " + GnuplotScript.quote("\(chart.facet ?? "")=\(facet ?? "")") + " noenhanced\n" }
            var bands: [String] = []
            var lines: [String] = []
            let count = lineData.lines.enumerated().filter { $0.element.facet == facet && blockIndex[$0.offset] != nil }.count
            // Overlapping bands of many series turn muddy: lighter fill from four on.
            let opacity = count >= 4 ? "0.09" : "0.18"
            for (number, line) in lineData.lines.enumerated() where line.facet == facet {
                guard let index = blockIndex[number] else { continue }
                let style = GnuplotScript.style(lines.count)
                let look = "pt \(style.point) lc rgb '\(style.color)'"
                let label = GnuplotScript.quote(line.label) + " noenhanced"
                if categorical {
                    if lineData.hasBand {
                        bands.append("datafile index \(index) using 1:2:3:4 with yerrorbars \(look) ps 0 lw 1.5 notitle")
                    }
                    lines.append("datafile index \(index) using 1:2 with points \(look) ps 1.3 title " + label)
                    continue
                }
                if lineData.hasBand {
                    bands.append("datafile index \(index) using 1:3:4 with filledcurves fc rgb '\(style.color)' "
                                 + "fs transparent solid \(opacity) noborder notitle")
                }
                // Dense lines show every k-th marker only.
                let interval = max(1, (line.points.count + 11) / 12)
                lines.append("datafile index \(index) using 1:2 with linespoints lw 2 dt \(style.dash) \(look) ps 0.9 pi \(interval) title "
                             + label)
            }
            if lines.isEmpty {
                plots += GnuplotScript.emptyPlot + xrange + yrange
            } else {
                lines += GnuplotScript.diagonals(chart, keyed: facet == facets.first ?? nil)
                plots += "plot " + (bands + lines).joined(separator: ", \\\n     ") + "\n"
            }
        }
        if multi { plots += "unset multiplot\n" }
        self.script = GnuplotScript.wrap(chart: chart, dataFile: dataFile, size: size, body: body, plots: plots)
    }

    // MARK: Scatter charts

    init(scatter chart: ChartSpec, data scatter: Aggregator.ScatterData, context: String) {
        self.chart = chart
        self.notes = scatter.notes
        var dat = header(context: context, notes: scatter.notes)
        dat += "# columns: x y x_low x_high y_low y_high n\n"
        var blockIndex: [Int: Int] = [:]
        var written = 0
        for (number, line) in scatter.lines.enumerated() where !line.points.isEmpty {
            if written > 0 { dat += "\n\n" }
            let facet = line.facet.map { "facet \(chart.facet ?? "")=\($0), " } ?? ""
            dat += "# block \(written): " + GnuplotScript.comment(facet + line.label) + "\n"
            for point in line.points {
                let values = [point.x.center, point.y.center, point.x.low, point.x.high, point.y.low, point.y.high]
                dat += values.map(GnuplotScript.number).joined(separator: " ") + " \(point.x.count)\n"
            }
            blockIndex[number] = written
            written += 1
        }
        self.data = dat

        var body = "set grid xtics ytics lt 1 lc rgb '#dcdcdc' lw 1\n"
        body += "set border 3 lc rgb '#444444'\nset tics nomirror out\nset samples 400\n"
        body += "set xlabel " + GnuplotScript.quote(chart.xLabel ?? chart.x) + " noenhanced\n"
        body += "set ylabel " + GnuplotScript.quote(chart.yLabel ?? chart.y) + " noenhanced\n"
        let points = scatter.lines.flatMap(\.points)
        if chart.logX {
            body += "set logscale x 10\n"
            body += GnuplotScript.logTics(axis: "x", points.flatMap { [$0.x.low, $0.x.high] })
        }
        if chart.logY {
            body += "set logscale y 10\n"
            body += GnuplotScript.logTics(axis: "y", points.flatMap { [$0.y.low, $0.y.high] })
        }
        var xrange = ""
        if let r = chart.xRange {
            xrange = "set xrange [\(r.low.map(GnuplotScript.number) ?? "*"):\(r.high.map(GnuplotScript.number) ?? "*")]\n"
        } else if let range = GnuplotScript.paddedRange(points.flatMap { [$0.x.low, $0.x.high] }, log: chart.logX) {
            xrange = "set xrange [\(range)]\n"
        }
        body += xrange
        body += GnuplotScript.referenceLines(chart)
        let facets = scatter.facets
        let multi = facets.count > 1 || (facets.first ?? nil) != nil
        let size = GnuplotScript.canvas(facets: facets.count)
        var yrange = ""
        if let r = chart.yRange {
            yrange = "set yrange [\(r.low.map(GnuplotScript.number) ?? "*"):\(r.high.map(GnuplotScript.number) ?? "*")]\n"
        } else if let range = GnuplotScript.paddedRange(points.flatMap { [$0.y.low, $0.y.high] }, log: chart.logY) {
            // Fixed from the data (also across panels), so a reference line does not stretch it.
            yrange = "set yrange [\(range)]\n"
        }
        body += yrange
        body += GnuplotScript.key(chart, named: chart.series != nil || chart.diagonals.contains { $0.label != nil })
        var plots = GnuplotScript.titles(chart, canvasWidth: size.0, panels: multi ? facets.count : nil)
        for facet in facets {
            if multi { plots += "set title " + GnuplotScript.quote("\(chart.facet ?? "")=\(facet ?? "")") + " noenhanced\n" }
            var items: [String] = []
            for (number, line) in scatter.lines.enumerated() where line.facet == facet {
                guard let index = blockIndex[number] else { continue }
                let style = GnuplotScript.style(items.count)
                let look = "pt \(style.point) lc rgb '\(style.color)'"
                let label = chart.series == nil ? "notitle" : "title " + GnuplotScript.quote(line.label) + " noenhanced"
                items.append(scatter.hasBand
                    ? "datafile index \(index) using 1:2:3:4:5:6 with xyerrorbars \(look) ps 1.1 lw 1.2 \(label)"
                    : "datafile index \(index) using 1:2 with points \(look) ps 1.1 \(label)")
            }
            if items.isEmpty {
                plots += GnuplotScript.emptyPlot + xrange + yrange
                continue
            }
            items += GnuplotScript.diagonals(chart, keyed: facet == facets.first ?? nil)
            plots += "plot " + items.joined(separator: ", \\\n     ") + "\n"
        }
        if multi { plots += "unset multiplot\n" }
        self.script = GnuplotScript.wrap(chart: chart, dataFile: dataFile, size: size, body: body, plots: plots)
    }

    // MARK: Heatmaps

    init(heatmap chart: ChartSpec, data heat: Aggregator.HeatmapData, context: String) {
        self.chart = chart
        self.notes = heat.notes
        var dat = header(context: context, notes: heat.notes)
        dat += "# columns: step row value (row numbers index the row names below)\n"
        var written: [Int: Int] = [:]
        var count = 0
        for (number, panel) in heat.panels.enumerated() where !panel.rows.isEmpty && !panel.steps.isEmpty {
            if count > 0 { dat += "\n\n" }
            dat += "# block \(count): " + GnuplotScript.comment(panel.label ?? chart.y) + "\n"
            dat += "# rows: " + GnuplotScript.comment(panel.rows.joined(separator: " ")) + "\n"
            for (row, values) in panel.values.enumerated() {
                for (column, step) in panel.steps.enumerated() {
                    dat += "\(GnuplotScript.number(step)) \(row) \(GnuplotScript.number(values[column]))\n"
                }
                dat += "\n"
            }
            written[number] = count
            count += 1
        }
        self.data = dat

        let finite = heat.panels.flatMap { $0.values.flatMap { $0 } }.filter(\.isFinite)
        let lowest = finite.min() ?? 0, highest = finite.max() ?? 1
        var body = "set border lc rgb '#444444'\nset tics out nomirror\n"
        body += "set xlabel " + GnuplotScript.quote(chart.xLabel ?? chart.x) + " noenhanced\n"
        body += "set ylabel " + GnuplotScript.quote(chart.yLabel ?? "row") + " noenhanced\n"
        if lowest < 0 && highest > 0 {
            let m = max(-lowest, highest)
            body += "set palette defined (0 '#2166AC', 0.5 '#F7F7F7', 1 '#B2182B')\n"
            body += "set cbrange [\(GnuplotScript.number(-m)):\(GnuplotScript.number(m))]\n"
        } else {
            body += "set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21918C', 0.75 '#5EC962', 1 '#FDE725')\n"
            if lowest < highest {
                body += "set cbrange [\(GnuplotScript.number(lowest)):\(GnuplotScript.number(highest))]\n"
            }
        }
        body += "set cblabel " + GnuplotScript.quote(chart.y) + " noenhanced\nunset key\n"
        let panels = heat.panels.enumerated().filter { written[$0.offset] != nil }
        let multi = panels.count > 1
        let size = GnuplotScript.canvas(facets: max(1, panels.count))
        let heatTitle = GnuplotScript.title(chart.displayTitle, canvasWidth: size.0)
        var plots = ""
        if multi {
            let (rows, columns) = GnuplotScript.layout(panels.count)
            plots += "set multiplot layout \(rows),\(columns) title " + heatTitle + " noenhanced font ',15'\n"
        } else {
            plots += "set title " + heatTitle + " noenhanced font ',15'\n"
        }
        if panels.isEmpty { plots += GnuplotScript.emptyPlot }
        for (number, panel) in panels {
            guard let index = written[number] else { continue }
            if multi { plots += "set title " + GnuplotScript.quote(panel.label ?? "") + " noenhanced\n" }
            let every = max(1, panel.rows.count / 16)
            let tics = panel.rows.enumerated().filter { $0.offset % every == 0 }
                .map { GnuplotScript.quote($1) + " \($0)" }.joined(separator: ", ")
            plots += "set ytics (" + tics + ")\n"
            plots += "set yrange [-0.5:\(GnuplotScript.number(Double(panel.rows.count) - 0.5))]\n"
            var half = 0.5
            if let first = panel.steps.first, let last = panel.steps.last {
                half = panel.steps.count > 1 ? (last - first) / Double(panel.steps.count - 1) / 2 : 0.5
                plots += "set xrange [\(GnuplotScript.number(first - half)):\(GnuplotScript.number(last + half))]\n"
            }
            if panel.rows.count > 1 {
                plots += "plot datafile index \(index) using 1:2:3 with image notitle\n"
            } else {
                // `with image` needs two rows; draw a single row as filled cells.
                plots += "plot datafile index \(index) using 1:2:(\(GnuplotScript.number(half))):(0.5):3 "
                    + "with boxxyerror fillstyle solid 1.0 noborder lc palette notitle\n"
            }
        }
        if multi { plots += "unset multiplot\n" }
        self.script = GnuplotScript.wrap(chart: chart, dataFile: dataFile, size: size, body: body, plots: plots)
    }

    // MARK: Pieces

    private func header(context: String, notes: [String]) -> String {
        var text = "# \(chart.name).dat: data of chart " + GnuplotScript.comment(chart.displayTitle) + "\n"
        for line in context.split(separator: "\n") { text += "# " + GnuplotScript.comment(String(line)) + "\n" }
        for note in notes { text += "# note: " + GnuplotScript.comment(note) + "\n" }
        return text
    }

    /// Dashed reference lines across the plot (`hline` at a y, `vline` at an x), each with its label
    /// just inside the plot area; drawn in every panel.
    /// The key (legend) settings: outside the plot area, so it never covers data, titled by the
    /// series axis; `unset key` when no line is `named`.
    static func key(_ chart: ChartSpec, named: Bool) -> String {
        guard named else { return "unset key\n" }
        var key = "set key outside right top vertical Left reverse samplen 2 spacing 1.2 width 2 box lc rgb '#bbbbbb' noenhanced"
        if let series = chart.series { key += " title " + GnuplotScript.quote(series) + " noenhanced" }
        return key + "\n"
    }

    /// The chart's title: of a multiplot of `panels` panels, or (nil) of a single plot.
    static func titles(_ chart: ChartSpec, canvasWidth: Int, panels: Int?) -> String {
        let title = GnuplotScript.title(chart.displayTitle, canvasWidth: canvasWidth)
        guard let panels else { return "set title " + title + " noenhanced font ',15'\n" }
        let (rows, columns) = GnuplotScript.layout(panels)
        return "set multiplot layout \(rows),\(columns) title " + title + " noenhanced font ',15'\n"
    }

    static func referenceLines(_ chart: ChartSpec) -> String {
        var text = ""
        for (i, line) in chart.hlines.enumerated() {
            let y = number(line.value)
            text += "set arrow \(100 + i) from graph 0, first \(y) to graph 1, first \(y) nohead dt 2 lw 1.5 lc rgb '#555555' front\n"
            if let label = line.label {
                text += "set label \(100 + i) \(quote(label)) at graph 0.99, first \(y) right offset 0,0.7 textcolor rgb '#555555' noenhanced front\n"
            }
        }
        for (i, line) in chart.vlines.enumerated() {
            let x = number(line.value)
            text += "set arrow \(200 + i) from first \(x), graph 0 to first \(x), graph 1 nohead dt 2 lw 1.5 lc rgb '#555555' front\n"
            if let label = line.label {
                text += "set label \(200 + i) \(quote(label)) at first \(x), graph 0.97 left offset 0.5,0 textcolor rgb '#555555' noenhanced front\n"
            }
        }
        return text
    }

    /// Plot items of the chart's sloped reference lines (functions y = slope x + intercept, dashed);
    /// their labels go into the key when `keyed` (the first panel).
    static func diagonals(_ chart: ChartSpec, keyed: Bool) -> [String] {
        chart.diagonals.map { line in
            let title = line.label.map { keyed ? "title " + quote($0) + " noenhanced" : "notitle" } ?? "notitle"
            return "\(number(line.slope))*x + \(number(line.intercept)) with lines dt 2 lw 1.5 lc rgb '#555555' " + title
        }
    }

    /// A panel that says "no data" (ranges valid on log axes too); autoscale is restored after it.
    static let emptyPlot = "set label 1 'no data' at graph 0.5, graph 0.5 center\n"
        + "set xrange [1:2]\nset yrange [1:2]\nplot 3 notitle\nunset label 1\nset autoscale x\nset autoscale y\n"

    /// Log-axis tics: powers of ten as `10^{k}` over wide ranges; 1-2-5 steps labelled plainly when
    /// the data span less than two decades (gnuplot would otherwise label one tic or none).
    static func logTics(axis: String, _ values: [Double]) -> String {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else { return "set format \(axis) '10^{%L}'\n" }
        let first = Int(log10(low).rounded(.down)), last = Int(log10(high).rounded(.up))
        guard last - first <= 2 else { return "set format \(axis) '10^{%L}'\n" }
        var tics: [Double] = []
        for exponent in (first - 1)...last {
            for mantissa in [1.0, 2, 5] {
                let tic = mantissa * pow(10, Double(exponent))
                if tic >= low / 2.5 && tic <= high * 2.5 { tics.append(tic) }
            }
        }
        return "set format \(axis) '%g'\nset \(axis)tics (" + tics.map { String(format: "%g", $0) }.joined(separator: ", ") + ")\n"
    }

    /// A near-square multiplot layout (rows, columns).
    static func layout(_ count: Int) -> (Int, Int) {
        let columns = max(1, Int(Double(count).squareRoot().rounded(.up)))
        let rows = max(1, (count + columns - 1) / columns)
        return (rows, columns)
    }

    /// SVG canvas size (the PNG is drawn at the same size).
    static func canvas(facets: Int) -> (Int, Int) {
        guard facets > 1 else { return (960, 600) }
        let (rows, columns) = layout(facets)
        return (min(2700, 760 * columns), min(2000, 430 * rows + 60))
    }

    /// An x range with a little padding so end points are not drawn on the border.
    static func paddedRange(_ xs: [Double], log: Bool) -> String? {
        let values = log ? xs.filter { $0 > 0 } : xs
        guard let low = values.min(), let high = values.max() else { return nil }
        if log {
            // 4% of the decades spanned on each side (at least a factor 1.15).
            let factor = max(1.15, pow(10, 0.04 * log10(high / low)))
            return "\(number(low / factor)):\(number(high * factor))"
        }
        let pad = high > low ? (high - low) * 0.03 : max(0.5, Swift.abs(low) * 0.1)
        return "\(number(low - pad)):\(number(high + pad))"
    }

    /// The complete script: SVG then PNG, both from the same commands.
    static func wrap(chart: ChartSpec, dataFile: String, size: (Int, Int), body: String, plots: String) -> String {
        var text = "# \(chart.name).gp: generated by experiments; run from the results folder: gnuplot \(chart.name).gp\n"
        text += "# Renders \(chart.name).svg and \(chart.name).png from \(dataFile).\n"
        text += "datafile = '\(dataFile)'\n"
        let svg = "set terminal svg size \(size.0),\(size.1) dynamic enhanced font 'Helvetica,14' background rgb 'white'\n"
            + "set output '\(chart.name).svg'\n"
            + "set encoding utf8\n"
        let png = "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
            + "    set terminal pngcairo size \(size.0),\(size.1) enhanced font 'Helvetica,11' background rgb 'white'\n"
            + "} else {\n"
            + "    set terminal png size \(size.0),\(size.1) truecolor enhanced font 'Helvetica,11' background rgb 'white'\n"
            + "}\n"
            + "set output '\(chart.name).png'\n"
            + "set encoding utf8\n"
        var terminals = [svg, png]
        if chart.pdf {
            // Vector output for papers: the same drawing at 100 px per inch.
            let inches = String(format: "%.2fin,%.2fin", Double(size.0) / 100, Double(size.1) / 100)
            terminals.append("if (strstrt(GPVAL_TERMINALS, 'pdfcairo') > 0) {\n"
                + "    set terminal pdfcairo size \(inches) enhanced font 'Helvetica,11' background rgb 'white'\n"
                + "    set output '\(chart.name).pdf'\n"
                + "}\n"
                + "set encoding utf8\n")
        }
        for terminal in terminals {
            text += "\nreset\n" + terminal + body + plots + "unset output\n"
        }
        return text
    }
}

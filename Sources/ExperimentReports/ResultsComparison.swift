import Foundation
import ExperimentSpec
import ExperimentRunner

/// Two results folders joined on their axis values (`experiments compare A B`): per cell (one
/// combination of the axes both grids share, seeds pooled) and metric, the median of A's and B's
/// `ok` runs side by side with the ratio B/A, and whether they agree within the tolerance.
public struct ResultsComparison: Sendable {
    /// One metric of one cell.
    public struct Row: Sendable, Equatable {
        /// `axis=value` pairs of the cell, in A's axis order.
        public var cell: [String]
        public var metric: String
        /// Medians (nil: no run of that side has a number there) and run counts.
        public var a: Double?
        public var b: Double?
        public var countA: Int
        public var countB: Int
        /// Whether `|b - a| <= atol + rtol * |a|` (both NaN, or both absent, agree).
        public var agrees: Bool
    }

    /// What the comparison could not join, said beside the table.
    public var notes: [String] = []
    public var rows: [Row] = []
    /// Cells present on one side only, as `axis=value` lists.
    public var onlyInA: [[String]] = []
    public var onlyInB: [[String]] = []

    /// True when every shared cell agrees and no cell is missing on either side.
    public var matches: Bool { rows.allSatisfy(\.agrees) && onlyInA.isEmpty && onlyInB.isEmpty }

    /// A failure to read a results folder.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Columns of runs.csv that are neither axes nor metrics.
    static let bookkeeping: Set<String> = ["key", "study", "seed", "status", "status_step", "status_reason"]

    /// Compares the `runs.csv` of folders `a` and `b`.
    ///
    /// - Parameters:
    ///   - metrics: the metric columns to compare (empty: every numeric column both tables have).
    ///   - rtol, atol: the tolerance of each median (relative to A's, and absolute).
    public init(a: String, b: String, metrics: [String] = [], rtol: Double, atol: Double) throws(ReadError) {
        let tableA = try Self.table(a), tableB = try Self.table(b)
        let axesA = Self.axes(folder: a, header: tableA.header), axesB = Self.axes(folder: b, header: tableB.header)
        let axes = axesA.filter(axesB.contains)
        for axis in axesA where !axes.contains(axis) { notes.append("axis '\(axis)' is only in \(a): pooled there") }
        for axis in axesB where !axes.contains(axis) { notes.append("axis '\(axis)' is only in \(b): pooled there") }
        let nonMetrics = Self.bookkeeping.union(axesA).union(axesB)
        let candidates = tableA.header.filter { !nonMetrics.contains($0) && tableB.header.contains($0) }
        var chosen = metrics.isEmpty ? candidates : metrics
        for m in metrics where !tableA.header.contains(m) || !tableB.header.contains(m) {
            throw ReadError(description: "metric '\(m)' is not a column of both runs.csv files (columns of both: "
                            + candidates.joined(separator: ", ") + ")")
        }
        let cellsA = Self.cells(tableA, axes: axes), cellsB = Self.cells(tableB, axes: axes)
        if metrics.isEmpty {
            // Only columns that hold a number somewhere (not text such as an optimizer's name).
            chosen = chosen.filter { m in
                [(tableA, cellsA), (tableB, cellsB)].contains { t, _ in
                    guard let c = t.header.firstIndex(of: m) else { return false }
                    return t.rows.contains { $0.indices.contains(c) && Double($0[c]) != nil }
                }
            }
        }
        guard !chosen.isEmpty else {
            // Nothing in common (e.g. a gradient-flow folder against a train folder): not "agree".
            throw ReadError(description: "the two runs.csv files share no numeric metric column, so there is nothing to compare "
                            + "(metrics of \(a): " + tableA.header.filter { !nonMetrics.contains($0) }.joined(separator: ", ")
                            + "; of \(b): " + tableB.header.filter { !nonMetrics.contains($0) }.joined(separator: ", ") + ")")
        }
        let order = cellsA.order + cellsB.order.filter { cellsA.rows[$0] == nil }
        for cell in order {
            guard let rowsA = cellsA.rows[cell] else { onlyInB.append(Self.describe(cell, axes)); continue }
            guard let rowsB = cellsB.rows[cell] else { onlyInA.append(Self.describe(cell, axes)); continue }
            for metric in chosen {
                let va = Self.values(rowsA, tableA, metric), vb = Self.values(rowsB, tableB, metric)
                let ma = Aggregator.median(va), mb = Aggregator.median(vb)
                rows.append(Row(cell: Self.describe(cell, axes), metric: metric, a: ma, b: mb, countA: va.count,
                                countB: vb.count, agrees: Self.agree(ma, mb, rtol: rtol, atol: atol)))
            }
        }
    }

    static func agree(_ a: Double?, _ b: Double?, rtol: Double, atol: Double) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?):
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            if x == y { return true }
            return Swift.abs(y - x) <= atol + rtol * Swift.abs(x)
        default: return false
        }
    }

    private static func table(_ folder: String) throws(ReadError) -> CSVTable {
        let path = (folder as NSString).appendingPathComponent("runs.csv")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReadError(description: "\(path): no such file (is '\(folder)' a results folder? run the spec first)")
        }
        do { return try CSVTable(contentsOf: path) } catch { throw ReadError(description: error.description) }
    }

    /// The grid's axes (seed excluded) from the folder's spec.resolved.json (``PlotAxis/axes(of:)``),
    /// in the table's column order; without it, the columns between `study` and `seed`.
    static func axes(folder: String, header: [String]) -> [String] {
        if let spec = try? ReportData.spec(nil, directory: folder) {
            let names = Set(PlotAxis.axes(of: spec.grid).filter { !$0.isReplication }.map(\.name))
            return header.filter(names.contains)
        }
        guard let start = header.firstIndex(of: "study"), let end = header.firstIndex(of: "seed"), start < end else { return [] }
        return Array(header[(start + 1)..<end])
    }

    /// Rows of `ok` runs grouped by their values on `axes`, in first-seen order.
    private static func cells(_ t: CSVTable, axes: [String]) -> (order: [[String]], rows: [[String]: [[String]]]) {
        let columns = axes.compactMap { t.header.firstIndex(of: $0) }
        let status = t.header.firstIndex(of: "status")
        var order: [[String]] = []
        var rows: [[String]: [[String]]] = [:]
        for row in t.rows {
            if let s = status, row.indices.contains(s), row[s] != "ok" { continue }
            let cell = columns.map { row.indices.contains($0) ? row[$0] : "" }
            if rows[cell] == nil { order.append(cell) }
            rows[cell, default: []].append(row)
        }
        return (order, rows)
    }

    private static func values(_ rows: [[String]], _ t: CSVTable, _ metric: String) -> [Double] {
        guard let c = t.header.firstIndex(of: metric) else { return [] }
        return rows.compactMap { $0.indices.contains(c) ? Double($0[c]) : nil }
    }

    private static func describe(_ cell: [String], _ axes: [String]) -> [String] {
        zip(axes, cell).map { "\($0)=\($1)" }
    }

    /// The comparison as an aligned text table, then the cells present on one side only.
    public func render(nameA: String, nameB: String) -> String {
        func number(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "-" }
        var table = [["cell", "metric", nameA, nameB, "B/A", ""]]
        for r in rows {
            let ratio: String
            if let a = r.a, let b = r.b, a != 0, a.isFinite, b.isFinite { ratio = String(format: "%.4g", b / a) } else { ratio = "-" }
            table.append([r.cell.isEmpty ? "(all)" : r.cell.joined(separator: " "), r.metric,
                          "\(number(r.a)) (\(r.countA))", "\(number(r.b)) (\(r.countB))", ratio, r.agrees ? "" : "DIFFERS"])
        }
        let widths = (0..<6).map { c in table.map { $0[c].count }.max() ?? 0 }
        var out = table.map { row in
            row.enumerated().map { c, text in text.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
        for note in notes { out += "note: \(note)\n" }
        for cell in onlyInA { out += "only in \(nameA): \(cell.joined(separator: " "))\n" }
        for cell in onlyInB { out += "only in \(nameB): \(cell.joined(separator: " "))\n" }
        let differing = rows.filter { !$0.agrees }.count
        out += matches ? "the folders agree (\(rows.count) cell metrics)\n"
            : "\(differing) of \(rows.count) cell metrics differ; \(onlyInA.count + onlyInB.count) cells on one side only\n"
        return out
    }
}

import Foundation
public import ExperimentSpec
import ExperimentRunner

/// Writes `report.md` in a results folder: title, study, description, run counts by status,
/// the charts and the expectation table. The report has no timestamps (reruns are identical).
public enum ReportWriter {
    /// Writes `<resultsDirectory>/report.md` and returns its path. `spec` nil decodes
    /// `spec.resolved.json`; `expectations` nil leaves the expectations section out.
    @discardableResult
    public static func write(resultsDirectory: String, spec: Spec?, charts: [ChartOutput],
                             expectations: [ExpectationResult]?) throws(ResultsError) -> String {
        let text = try text(resultsDirectory: resultsDirectory, spec: spec, charts: charts, expectations: expectations)
        let path = ReportData.path(resultsDirectory, fileName)
        do {
            try FileOutput.write(text, to: path)
        } catch {
            throw ResultsError(file: path, message: error.message)
        }
        return path
    }

    /// `report.md`.
    public static let fileName = "report.md"

    /// The text of `report.md` (see ``write(resultsDirectory:spec:charts:expectations:)``).
    public static func text(resultsDirectory: String, spec: Spec?, charts: [ChartOutput],
                            expectations: [ExpectationResult]?) throws(ResultsError) -> String {
        let data = try ReportData.load(directory: resultsDirectory, spec: spec,
                                       specError: { ResultsError(file: $0.file, message: $0.description) }, resultsError: { $0 })
        return markdown(data: data, charts: charts, expectations: expectations)
    }

    static func markdown(data: ReportData, charts: [ChartOutput], expectations: [ExpectationResult]?) -> String {
        let spec = data.spec
        var text = "# " + inline(spec.name) + "\n\n"
        if !data.studyKind.isEmpty { text += "Study: `" + data.studyKind.replacingOccurrences(of: "`", with: "'") + "`\n\n" }
        if let description = spec.description, !description.isEmpty { text += description + "\n\n" }

        text += "## Runs\n\n"
        var counts: [String: Int] = [:]
        for run in data.runs { counts[run.status, default: 0] += 1 }
        let statuses = ["ok", "diverged", "failed"] + counts.keys.filter { !["ok", "diverged", "failed"].contains($0) }.sorted()
        text += "| status | runs |\n|---|---:|\n"
        for status in statuses { text += "| \(cell(status)) | \(counts[status] ?? 0) |\n" }
        text += "| **total** | **\(data.runs.count)** |\n\n"
        if !data.axes.isEmpty {
            text += "Axes: " + data.axes.map { axis in
                let values = data.axis(axis.name).map { a in a.ordered(data.runs.compactMap { $0.cells[a.name] }.filter { !$0.isEmpty }) } ?? []
                return "`\(axis.name)` (" + values.map(inline).joined(separator: ", ") + ")"
            }.joined(separator: "; ") + "\n\n"
        }

        if !charts.isEmpty {
            text += "## Charts\n\n"
            for chart in charts {
                text += "### " + inline(chart.title) + "\n\n"
                if let image = chart.svgFile ?? chart.pngFile {
                    text += "![" + alt(chart.title) + "](" + image + ")\n\n"
                } else if FileManager.default.fileExists(atPath: ReportData.path(data.directory, chart.scriptFile)) {
                    text += "Not rendered: run `gnuplot \(chart.scriptFile)` in this folder.\n\n"
                } else {
                    // The folder's charts were drawn for other chart definitions (plot --spec).
                    text += "Not drawn for this spec's chart definitions: run `experiments plot <this folder> --spec <the spec>`.\n\n"
                }
                let notes = chart.notes.filter { !$0.hasPrefix("gnuplot:") }
                for note in notes { text += "- " + inline(note) + "\n" }
                if !notes.isEmpty { text += "\n" }
            }
        }

        if let expectations {
            text += "## Expectations\n\n"
            if expectations.isEmpty {
                text += "The spec has no expectations.\n\n"
            } else {
                text += "| expectation | observed | expected | result |\n|---|---|---|---|\n"
                for e in expectations {
                    var name = cell(e.name)
                    if let d = e.description, !d.isEmpty { name += "<br>" + cell(d) }
                    text += "| \(name) | \(cell(e.observed)) | \(cell(e.expected)) | \(e.passed ? "PASS" : "**FAIL**") |\n"
                }
                let passed = expectations.filter(\.passed).count
                text += "\n**\(passed) of \(expectations.count) expectations passed.**\n\n"
                let failures = expectations.filter { !$0.passed && !$0.detail.isEmpty }
                for e in failures { text += "- FAIL " + inline(e.name) + ": " + inline(e.detail) + "\n" }
                if !failures.isEmpty { text += "\n" }
            }
        }
        return text
    }

    /// One line of text (newlines folded).
    private static func inline(_ s: String) -> String {
        s.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// A table cell: one line, pipes escaped.
    private static func cell(_ s: String) -> String {
        inline(s).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Image alt text: brackets removed.
    private static func alt(_ s: String) -> String {
        inline(s).replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
    }
}

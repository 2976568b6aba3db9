import ExperimentSpec
import ExperimentRunner
/// The files produced for one chart (names relative to the results folder).
public struct ChartOutput: Sendable, Equatable {
    /// The chart's file stem.
    public var name: String
    /// The title drawn on the chart.
    public var title: String
    /// `<name>.dat`.
    public var dataFile: String
    /// `<name>.gp`, runnable as `gnuplot <name>.gp` inside the results folder.
    public var scriptFile: String
    /// `<name>.svg` when gnuplot rendered it.
    public var svgFile: String?
    /// `<name>.png` when gnuplot rendered it.
    public var pngFile: String?
    /// `<name>.pdf` when the chart asks for it and gnuplot has pdfcairo.
    public var pdfFile: String?
    /// What was excluded or pooled while aggregating, and gnuplot warnings.
    public var notes: [String]

    public init(name: String, title: String, dataFile: String, scriptFile: String, svgFile: String? = nil,
                pngFile: String? = nil, notes: [String] = []) {
        self.name = name
        self.title = title
        self.dataFile = dataFile
        self.scriptFile = scriptFile
        self.svgFile = svgFile
        self.pngFile = pngFile
        self.notes = notes
    }

    /// The same output with `pdfFile` set.
    func withPDF(_ file: String?) -> ChartOutput {
        var copy = self
        copy.pdfFile = file
        return copy
    }
}

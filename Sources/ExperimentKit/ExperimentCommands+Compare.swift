import ExperimentSpec
import ExperimentRunner
import ExperimentReports
extension ExperimentCommands {
    /// `experiments compare A B`: prints per-cell medians of two results folders side by side;
    /// exit 1 when they differ beyond the tolerance or a cell is missing on one side, 2 when a
    /// folder cannot be read.
    public static func compare(
        a: String, b: String, metrics: [String], rtol: Double, atol: Double, console: Console = .standard
    ) -> ExitStatus {
        guard rtol >= 0, atol >= 0, rtol.isFinite, atol.isFinite else {
            console.err("compare: --rtol and --atol must be finite and >= 0\n")
            return .specError
        }
        do {
            let comparison = try ResultsComparison(a: a, b: b, metrics: metrics, rtol: rtol, atol: atol)
            console.out(comparison.render(nameA: "A", nameB: "B"))
            return comparison.matches ? .success : .failure
        } catch {
            console.err("compare: \(error.description)\n")
            return .specError
        }
    }
}

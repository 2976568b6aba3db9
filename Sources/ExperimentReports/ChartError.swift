import Foundation
public import ExperimentSpec
import ExperimentRunner

/// A failure while producing charts.
public enum ChartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// gnuplot is not on PATH; the `.gp` and `.dat` files were written to `directory`.
    case gnuplotNotFound(directory: String)
    /// gnuplot exited with a non-zero status; `stderr` is its error output.
    case gnuplotFailed(chart: String, status: Int32, stderr: String)
    /// gnuplot could not be started.
    case launchFailed(path: String, message: String)
    /// A file could not be written.
    case writeFailed(path: String, message: String)
    /// The charts block of the spec is invalid.
    case spec(SpecError)
    /// The results folder could not be read.
    case results(ResultsError)

    public var description: String {
        switch self {
        case let .gnuplotNotFound(directory):
            return "gnuplot not found: install it (apt-get install gnuplot-nox), then render with: experiments plot \(directory)"
        case let .gnuplotFailed(chart, status, stderr):
            let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "gnuplot failed on chart '\(chart)' (exit status \(status))" + (text.isEmpty ? "" : ":\n" + text)
        case let .launchFailed(path, message):
            return "cannot run \(path): \(message)"
        case let .writeFailed(path, message):
            return "cannot write \(path): \(message)"
        case let .spec(error):
            return error.description
        case let .results(error):
            return error.description
        }
    }
}

public import ExperimentSpec
import ExperimentRunner
/// A failure before expectations could be evaluated.
public enum CheckError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `expect` block is invalid.
    case spec(SpecError)
    /// The results folder could not be read.
    case results(ResultsError)

    public var description: String {
        switch self {
        case let .spec(error): return error.description
        case let .results(error): return error.description
        }
    }
}

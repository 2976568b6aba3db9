import ExperimentSpec
import ExperimentRunner
/// The verdict on one expectation.
public struct ExpectationResult: Sendable, Equatable {
    /// The expectation's name (given or derived from metric and `where`).
    public var name: String
    /// The expectation's description, if any.
    public var description: String?
    /// What the results show, e.g. `3.2e-05 (median of 5 runs)`.
    public var observed: String
    /// What was expected, e.g. `median < 0.001`.
    public var expected: String
    public var passed: Bool
    /// Why it failed, or what was excluded (NaN values, failed runs).
    public var detail: String

    public init(name: String, description: String?, observed: String, expected: String, passed: Bool, detail: String) {
        self.name = name
        self.description = description
        self.observed = observed
        self.expected = expected
        self.passed = passed
        self.detail = detail
    }
}

public import LinearAlgebra
public import RecurrentNets

/// How a run ended.
public enum StudyStatus: Sendable, Equatable {
    /// Completed with finite values.
    case ok
    /// A loss or gradient became NaN or infinite at `step` (a result, not a crash).
    case diverged(step: Int)
}

/// One point of a curve: `series` at `step` (a time step, distance or epoch) has `value`.
public struct StudyPoint: Sendable, Equatable {
    public var series: String
    public var step: Int
    public var value: Double

    public init(series: String, step: Int, value: Double) {
        self.series = series
        self.step = step
        self.value = value
    }
}

/// What a study measured: scalar metrics in a fixed order, curves, and the status.
public struct StudyOutput: Sendable {
    /// Scalar metrics in the order the study defines.
    public var metrics: [(name: String, value: Double)] = []
    /// Curves in long format.
    public var series: [StudyPoint] = []
    /// ok or diverged.
    public var status: StudyStatus = .ok
    /// The final parameters (engine names, as float64), when the study was asked to keep them.
    public var finalParameters: ParameterSet<Double>?

    public init() {}

    mutating func metric(_ name: String, _ value: Double) { metrics.append((name, value)) }
    mutating func point(_ series: String, _ step: Int, _ value: Double) {
        self.series.append(StudyPoint(series: series, step: step, value: value))
    }
}

public import Studies
import ExperimentSpec

/// How a run ended. `diverged` is a legitimate result (e.g. of clipping studies), not a crash.
public enum RunStatus: Sendable, Equatable {
    case ok
    /// The run produced non-finite values or blew up at `step`.
    case diverged(step: Int)
    /// The run could not complete; `reason` is the error text.
    case failed(reason: String)

    /// `ok`, `diverged` or `failed` (the `status` column of runs.csv).
    public var name: String {
        switch self {
        case .ok: return "ok"
        case .diverged: return "diverged"
        case .failed: return "failed"
        }
    }
}

/// One point of a run's time series (e.g. the gradient norm at time step `step`): the studies' own type.
public typealias SeriesPoint = StudyPoint

/// What an executor returns for one run: its status, scalar metrics in a fixed order
/// (they become runs.csv columns) and time series (rows of series.csv).
public struct RunOutcome: Sendable {
    public var status: RunStatus
    public var metrics: [(name: String, value: Double)]
    public var series: [SeriesPoint]
    /// The run's wall time in seconds, rounded to microseconds (nil: not measured, as in records of
    /// earlier versions). It goes to timings.csv, never to runs.csv or series.csv: it is not
    /// part of the determinism promise.
    public var wallSeconds: Double?

    public init(status: RunStatus = .ok, metrics: [(name: String, value: Double)] = [], series: [SeriesPoint] = [],
                wallSeconds: Double? = nil) {
        self.status = status
        self.metrics = metrics
        self.series = series
        self.wallSeconds = wallSeconds
    }
}

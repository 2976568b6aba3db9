public import ExperimentSpec
/// Runs one configuration synchronously. Implementations must derive all randomness from the
/// configuration (e.g. `config.seed`, `config.key`) so results never depend on scheduling order;
/// `run` is called concurrently from several threads.
public protocol StudyExecutor: Sendable {
    /// Runs `config`. A thrown error records the run as failed with the error's text; the grid goes on.
    func run(_ config: RunConfiguration) throws -> RunOutcome

    /// Readies what all runs share (e.g. loads a numeric library), so that the first runs do not
    /// wait for it. Called at most once per grid, on its own thread, while the grid is set up;
    /// `run` must work whether or not it has finished. The default does nothing.
    func prepare()
}

extension StudyExecutor {
    public func prepare() {}
}

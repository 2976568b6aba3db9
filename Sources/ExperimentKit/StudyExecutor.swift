/// Runs one configuration synchronously. Implementations must derive all randomness from the
/// configuration (e.g. `config.seed`, `config.key`) so results never depend on scheduling order;
/// `run` is called concurrently from several threads.
public protocol StudyExecutor: Sendable {
    /// Runs `config`. A thrown error records the run as failed with the error's text; the grid goes on.
    func run(_ config: RunConfiguration) throws -> RunOutcome
}

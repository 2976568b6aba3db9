import Foundation

/// Runs configurations concurrently, at most `jobs` at a time. Each run executes on its own thread
/// (runs are synchronous CPU work), so `jobs` runs really occupy `jobs` cores and the cooperative
/// pool stays free. A run that throws is reported as failed; the others go on.
public struct Scheduler: Sendable {
    /// A thread-safe flag asking the scheduler to start no new runs (set on SIGINT).
    public final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false

        public init() {}

        public var isSet: Bool { lock.withLock { stopped } }

        /// Asks for a stop; returns whether it was already set.
        @discardableResult
        public func set() -> Bool {
            lock.withLock {
                let was = stopped
                stopped = true
                return was
            }
        }
    }

    /// Most runs in flight.
    public let jobs: Int

    /// `jobs` defaults to the number of active processors.
    public init(jobs: Int? = nil) {
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `configs` (in the given order of starting), calling `finished` serially, in completion
    /// order, for each. Returns false when `stop` ended the grid early (runs in flight still finish).
    public func run(
        _ configs: [RunConfiguration], executor: any StudyExecutor, stop: StopFlag? = nil,
        finished: (RunConfiguration, RunOutcome) throws -> Void
    ) async throws -> Bool {
        var next = 0
        var complete = true
        try await withThrowingTaskGroup(of: (RunConfiguration, RunOutcome).self) { group in
            func startNext() -> Bool {
                guard next < configs.count else { return false }
                if stop?.isSet == true {
                    complete = false
                    return false
                }
                let config = configs[next]
                next += 1
                group.addTask { (config, await Scheduler.runOnThread(config, executor: executor)) }
                return true
            }
            for _ in 0..<jobs where !startNext() { break }
            while let (config, outcome) = try await group.next() {
                try finished(config, outcome)
                _ = startNext()
            }
        }
        return complete && next == configs.count
    }

    /// Runs one configuration on a dedicated thread and converts a thrown error to `.failed`.
    static func runOnThread(_ config: RunConfiguration, executor: any StudyExecutor) async -> RunOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<RunOutcome, Never>) in
            let thread = Thread {
                let outcome: RunOutcome
                do {
                    outcome = try executor.run(config)
                } catch {
                    outcome = RunOutcome(status: .failed(reason: String(describing: error)))
                }
                continuation.resume(returning: outcome)
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }
}

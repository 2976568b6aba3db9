import Foundation
public import ExperimentSpec

/// Runs configurations concurrently on `jobs` worker lanes. Each lane is one dedicated thread that
/// takes the next configuration until none is left (runs are synchronous CPU work), so `jobs` runs
/// really occupy `jobs` cores, no thread is created per run, and the cooperative pool stays free.
/// A lane reports its own finished runs (serially with the other lanes), so no thread has to be
/// woken per run. A stop (``StopFlag``) is seen by the lanes themselves, so at most `jobs` runs
/// start after it. A run that throws is reported as failed; the others go on.
public struct Scheduler: Sendable {
    /// A thread-safe flag asking the scheduler to start no new runs (set on SIGINT).
    public final class StopFlag: @unchecked Sendable {
        private let condition = NSCondition()
        private var stopped = false
        private var paused = false

        public init() {}

        public var isSet: Bool { condition.withLock { stopped } }

        /// Whether a stop was asked, and whether ``pauseUntilSet()`` (the test hook) was called.
        var state: (stopped: Bool, paused: Bool) { condition.withLock { (stopped, paused) } }

        /// Asks for a stop (waking threads in ``pauseUntilSet()``); returns whether it was already set.
        @discardableResult
        public func set() -> Bool {
            condition.withLock {
                let was = stopped
                stopped = true
                condition.broadcast()
                return was
            }
        }

        /// Test hook (``RecordJournal/TestPause``): from now on no lane starts a new run, and the
        /// calling thread blocks until ``set()`` (a SIGINT), forever if nothing sets it. The grid
        /// is not stopped by this alone: after ``set()`` it ends as after any stop.
        public func pauseUntilSet() {
            condition.withLock {
                paused = true
                while !stopped { condition.wait() }
            }
        }
    }

    /// Most runs in flight.
    public let jobs: Int

    /// `jobs` defaults to the number of active processors.
    public init(jobs: Int? = nil) {
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `configs` (started in the given order) on `executor`, calling `finished` serially, in
    /// completion order, for each (on the lane that ran it, while the caller awaits: a plain thread,
    /// so task-local values there are their defaults). Returns false when `stop` ended the grid
    /// early (runs in flight still finish and are reported, also after a cancellation). When
    /// `finished` throws, no further run starts and no further run is reported; the error is
    /// rethrown once the lanes are idle.
    public func run(
        _ configs: [RunConfiguration], executor: any StudyExecutor, stop: StopFlag? = nil,
        finished: (RunConfiguration, RunOutcome) throws -> Void
    ) async throws -> Bool {
        try await run(configs, stop: stop, work: { Scheduler.outcome(of: $0, on: executor) }, finished: finished)
    }

    /// Runs `work` for each of `configs` on the lanes (the worker does everything that can run in
    /// parallel, e.g. the run and its record), calling `finished` serially, in completion order,
    /// with each result. Stops as ``run(_:executor:stop:finished:)`` does; when the calling task is
    /// cancelled, no further run starts and `CancellationError` is thrown once the lanes are idle.
    public func run<Output: Sendable>(
        _ configs: [RunConfiguration], stop: StopFlag? = nil, work: @escaping @Sendable (RunConfiguration) -> Output,
        finished: (RunConfiguration, Output) throws -> Void
    ) async throws -> Bool {
        let queue = WorkQueue(count: configs.count, stop: stop)
        let lanes = min(jobs, configs.count)
        guard lanes > 0 else { return true }
        // `finished` only runs while this call awaits its lanes, so it does not really escape.
        let failure = await withoutActuallyEscaping(finished) { finished in
            let reports = Reports(finished, queue: queue)
            await withTaskCancellationHandler {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<lanes {
                        group.addTask {
                            await Scheduler.lane(queue: queue) { index in reports.report(configs[index], work(configs[index])) }
                        }
                    }
                }
            } onCancel: {
                queue.close()
            }
            return reports.close()
        }
        if let failure { throw failure }
        try Task.checkCancellation()
        return !queue.stoppedEarly
    }

    /// The outcome of one run, with its wall time (``RunOutcome/wallSeconds``, to the microsecond); a
    /// thrown error becomes a failed run.
    public static func outcome(of config: RunConfiguration, on executor: any StudyExecutor) -> RunOutcome {
        let started = ContinuousClock.now
        var outcome: RunOutcome
        do {
            outcome = try executor.run(config)
        } catch {
            outcome = RunOutcome(status: .failed(reason: String(describing: error)))
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        // Microseconds: a gradient-flow run takes well under a millisecond.
        outcome.wallSeconds = (seconds * 1_000_000).rounded() / 1_000_000
        return outcome
    }

    /// One lane: a thread that takes configuration indices from `queue` until it is empty or stopped.
    private static func lane(queue: WorkQueue, body: @escaping @Sendable (Int) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                while let index = queue.next() { body(index) }
                continuation.resume()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }

    /// Calls the caller's `finished` for the lanes, one call at a time; after the first error it
    /// calls it no more and closes the queue.
    private final class Reports<Output>: @unchecked Sendable {
        private let lock = NSLock()
        private var finished: ((RunConfiguration, Output) throws -> Void)?
        private let queue: WorkQueue
        private var firstError: (any Error)?

        init(_ finished: @escaping (RunConfiguration, Output) throws -> Void, queue: WorkQueue) {
            self.finished = finished
            self.queue = queue
        }

        func report(_ config: RunConfiguration, _ output: Output) {
            lock.withLock {
                guard firstError == nil, let finished else { return }
                do {
                    try finished(config, output)
                } catch {
                    firstError = error
                    queue.close()
                }
            }
        }

        /// Lets go of `finished` (lane threads may still hold this object for a moment after their
        /// last report) and returns the error it threw, if any.
        func close() -> (any Error)? {
            lock.withLock {
                finished = nil
                return firstError
            }
        }
    }

    /// The shared cursor over the configurations.
    private final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private let stop: StopFlag?
        private var nextIndex = 0
        private var closed = false
        private var stopped = false

        init(count: Int, stop: StopFlag?) {
            self.count = count
            self.stop = stop
        }

        /// The index of the next configuration to run, or nil when all are taken, a stop was asked
        /// or a lane is paused by the test hook (``StopFlag/pauseUntilSet()``).
        func next() -> Int? {
            let (stopAsked, paused) = stop?.state ?? (false, false)
            return lock.withLock {
                guard nextIndex < count, !closed else { return nil }
                if stopAsked {
                    stopped = true
                    return nil
                }
                if paused { return nil }
                nextIndex += 1
                return nextIndex - 1
            }
        }

        /// Starts no further run.
        func close() { lock.withLock { closed = true } }

        /// Whether a stop left configurations unstarted.
        var stoppedEarly: Bool { lock.withLock { stopped } }
    }
}

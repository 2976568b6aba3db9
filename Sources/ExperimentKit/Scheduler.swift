import Foundation

/// Runs configurations concurrently on `jobs` worker lanes. Each lane is one dedicated thread that
/// takes the next configuration until none is left (runs are synchronous CPU work), so `jobs` runs
/// really occupy `jobs` cores, no thread is created per run, and the cooperative pool stays free.
/// A stop (``StopFlag``) is seen by the lanes themselves, so at most `jobs` runs start after it.
/// Lanes run ahead of the reporting by at most ``aheadLimit`` finished runs (a bound on buffered
/// outcomes that does not stall lanes when the reporting thread is briefly descheduled). A run
/// that throws is reported as failed; the others go on.
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

    /// Most finished runs waiting to be reported.
    public static let aheadLimit = 64

    /// `jobs` defaults to the number of active processors.
    public init(jobs: Int? = nil) {
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `configs` (started in the given order) on `executor`, calling `finished` serially, in
    /// completion order, for each. Returns false when `stop` ended the grid early (runs in flight
    /// still finish). When `finished` throws, no further run starts; the error is rethrown once the
    /// lanes are idle.
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
        let (outputs, sink) = AsyncStream.makeStream(of: (Int, Output).self)
        // Permits to start a run: one per lane plus the finished runs that may wait to be reported.
        let window = DispatchSemaphore(value: lanes + Self.aheadLimit)
        var failure: (any Error)?
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await withTaskGroup(of: Void.self) { lanesGroup in
                        for _ in 0..<lanes {
                            lanesGroup.addTask {
                                await Scheduler.lane(queue: queue, window: window) { index in sink.yield((index, work(configs[index]))) }
                            }
                        }
                    }
                    sink.finish()
                }
                for await (index, output) in outputs {
                    if failure == nil {
                        do {
                            try finished(configs[index], output)
                        } catch {
                            failure = error
                            queue.close()
                        }
                    }
                    window.signal()
                }
                // The stream ends when every lane is done or when this task is cancelled; then
                // lanes waiting for a permit get one, find the queue closed and end.
                queue.close()
                for _ in 0..<lanes { window.signal() }
            }
        } onCancel: {
            queue.close()
        }
        if let failure { throw failure }
        try Task.checkCancellation()
        return !queue.stoppedEarly
    }

    /// The outcome of one run; a thrown error becomes a failed run.
    public static func outcome(of config: RunConfiguration, on executor: any StudyExecutor) -> RunOutcome {
        do {
            return try executor.run(config)
        } catch {
            return RunOutcome(status: .failed(reason: String(describing: error)))
        }
    }

    /// One lane: a thread that takes configuration indices from `queue` until it is empty or stopped.
    private static func lane(queue: WorkQueue, window: DispatchSemaphore, body: @escaping @Sendable (Int) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                while true {
                    window.wait()
                    guard let index = queue.next() else {
                        window.signal()
                        break
                    }
                    body(index)
                }
                continuation.resume()
            }
            thread.stackSize = 16 << 20
            thread.start()
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

        /// The index of the next configuration to run, or nil when all are taken or a stop was asked.
        func next() -> Int? {
            let stopAsked = stop?.isSet == true
            return lock.withLock {
                guard nextIndex < count, !closed else { return nil }
                if stopAsked {
                    stopped = true
                    return nil
                }
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

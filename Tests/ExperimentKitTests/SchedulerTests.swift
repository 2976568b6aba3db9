import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

/// Sleeps, tracking how many runs are in flight at once.
final class ConcurrencyProbe: StudyExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private var peak = 0
    var maximum: Int { lock.withLock { peak } }

    func run(_ config: RunConfiguration) throws -> RunOutcome {
        lock.withLock {
            current += 1
            peak = max(peak, current)
        }
        Thread.sleep(forTimeInterval: 0.03)
        lock.withLock { current -= 1 }
        return RunOutcome(metrics: [("seed", Double(config.seed))])
    }
}

/// Counts calls; runs `counted` with the call's number (from 1) while counting (under the lock),
/// then `hook`, before returning an empty outcome.
final class HookedExecutor: StudyExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let counted: @Sendable (Int) -> Void
    let hook: @Sendable (Int) -> Void
    var calls: Int { lock.withLock { count } }

    init(counted: @escaping @Sendable (Int) -> Void = { _ in }, _ hook: @escaping @Sendable (Int) -> Void) {
        self.counted = counted
        self.hook = hook
    }

    func run(_ config: RunConfiguration) throws -> RunOutcome {
        let call = lock.withLock {
            count += 1
            counted(count)
            return count
        }
        hook(call)
        return RunOutcome()
    }
}

/// Remembers the thread that ran each configuration.
final class RunThreads: StudyExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var threads: [RunKey: ObjectIdentifier] = [:]

    func thread(of key: RunKey) -> ObjectIdentifier? { lock.withLock { threads[key] } }

    /// How many threads ran configurations.
    var distinct: Int { lock.withLock { Set(threads.values).count } }

    func run(_ config: RunConfiguration) throws -> RunOutcome {
        let id = ObjectIdentifier(Thread.current)
        lock.withLock { threads[config.key] = id }
        return RunOutcome()
    }
}

@Suite struct SchedulerTests {
    @Test(arguments: [1, 2, 3])
    func atMostJobsRunsAreInFlight(jobs: Int) async throws {
        let runs = try expand(#"{"seed": {"count": 9}}"#)
        let probe = ConcurrencyProbe()
        var finished: [Int] = []
        let complete = try await Scheduler(jobs: jobs).run(runs, executor: probe) { config, _ in finished.append(config.seed) }
        #expect(complete)
        #expect(finished.sorted() == Array(0..<9))
        #expect(probe.maximum == jobs)
    }

    @Test func aThrowingRunIsReportedAsFailedAndTheRestGoOn() async throws {
        let runs = try expand(#"{"seed": {"count": 6}}"#)
        var statuses: [Int: RunStatus] = [:]
        _ = try await Scheduler(jobs: 2).run(runs, executor: ScriptedExecutor(failSeeds: [2])) { config, outcome in
            statuses[config.seed] = outcome.status
        }
        #expect(statuses.count == 6)
        #expect(statuses[2] == .failed(reason: "boom, with \"quotes\", commas"))
        #expect(statuses.filter { $0.value == .ok }.count == 5)
    }

    @Test(arguments: [1, 2])
    func aStopRequestStartsNoNewRuns(jobs: Int) async throws {
        let runs = try expand(#"{"seed": {"count": 20}}"#)
        let stop = Scheduler.StopFlag()
        // The third run to start asks for the stop, as a Ctrl-C during it would (set while it is
        // counted, so that no other run can start in between).
        let executor = HookedExecutor(counted: { call in if call == 3 { stop.set() } }) { _ in
            Thread.sleep(forTimeInterval: 0.01)
        }
        var count = 0
        let complete = try await Scheduler(jobs: jobs).run(runs, executor: executor, stop: stop) { _, _ in count += 1 }
        #expect(!complete)
        // Runs already in flight finish: the third and up to jobs - 1 others.
        #expect(count >= 3 && count <= 3 + jobs - 1, "runs reported: \(count)")
        #expect(executor.calls == count)
    }

    @Test func aThrowingCallbackStopsTheGridAndIsRethrown() async throws {
        struct Full: Error {}
        let runs = try expand(#"{"seed": {"count": 20}}"#)
        // Runs after the first two wait until the second report has thrown, so lanes cannot race ahead.
        let thrown = Scheduler.StopFlag()
        let executor = HookedExecutor { call in
            let deadline = Date().addingTimeInterval(10)
            while call > 2, !thrown.isSet, Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        }
        var seen = 0
        await #expect(throws: Full.self) {
            _ = try await Scheduler(jobs: 2).run(runs, executor: executor) { _, _ in
                seen += 1
                if seen == 2 {
                    thrown.set()
                    throw Full()
                }
            }
        }
        #expect(seen == 2)
        // Held runs (at most one per lane) finish; a lane may take one more before the queue closes.
        #expect(executor.calls >= 2 && executor.calls <= 2 + 2 * 2, "runs started: \(executor.calls)")
    }

    @Test(arguments: [1, 2, 4])
    func lanesRunEveryConfigurationOnceWithoutAThreadPerRun(jobs: Int) async throws {
        let runs = try expand(#"{"seed": {"count": 50}}"#)
        let threads = RunThreads()
        var keys: [RunKey] = []
        let complete = try await Scheduler(jobs: jobs).run(runs, executor: threads) { config, _ in keys.append(config.key) }
        #expect(complete)
        #expect(keys.sorted() == runs.map(\.key).sorted())
        #expect(threads.distinct <= jobs)
    }

    @Test(arguments: [2, 4])
    func eachRunIsReportedOnItsLaneOneReportAtATime(jobs: Int) async throws {
        let runs = try expand(#"{"seed": {"count": 40}}"#)
        let ranOn = RunThreads()
        var inReport = false
        var overlaps = 0
        var elsewhere = 0
        var reported = 0
        let complete = try await Scheduler(jobs: jobs).run(runs, executor: ranOn) { config, _ in
            if inReport { overlaps += 1 }
            inReport = true
            if ranOn.thread(of: config.key) != ObjectIdentifier(Thread.current) { elsewhere += 1 }
            Thread.sleep(forTimeInterval: 0.001)  // widens the window in which another report could start
            reported += 1
            inReport = false
        }
        #expect(complete && reported == 40)
        #expect(overlaps == 0, "reports that started while another was running")
        #expect(elsewhere == 0, "reports on a thread other than the run's")
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingTheCallerStopsTheLanesAndThrows() async throws {
        let runs = try expand(#"{"seed": {"count": 300}}"#)
        let executor = HookedExecutor { _ in Thread.sleep(forTimeInterval: 0.005) }
        let task = Task { try await Scheduler(jobs: 2).run(runs, executor: executor) { _, _ in } }
        try await Task.sleep(for: .milliseconds(30))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        let started = executor.calls
        #expect(started < 300, "runs started: \(started)")
        try await Task.sleep(for: .milliseconds(50))
        #expect(executor.calls == started, "no run starts after the scheduler returned")
    }

    @Test func theDefaultJobCountIsTheActiveProcessorCount() {
        #expect(Scheduler().jobs == ProcessInfo.processInfo.activeProcessorCount)
        #expect(Scheduler(jobs: 0).jobs == 1)
    }
}

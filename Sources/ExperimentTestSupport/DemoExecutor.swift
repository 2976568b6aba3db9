import Foundation
public import ExperimentSpec
public import ExperimentRunner

/// PLACEHOLDER executor: returns deterministic fake metrics derived from the run key, so the CLI
/// works end to end before the engine executor exists. Replace it with the engine-backed executor.
///
/// Test-only knobs (environment variables read by `init(environment:)`, never part of a key):
/// - `EXPERIMENTS_DEMO_SLEEP_MS`: sleep this many milliseconds per run (slow grids for kill tests);
/// - `EXPERIMENTS_DEMO_SPIN_MS`: busy-loop this many milliseconds per run (checks that N jobs use N cores).
public struct DemoExecutor: StudyExecutor {
    public var sleepMilliseconds: Int
    public var spinMilliseconds: Int

    public init(sleepMilliseconds: Int = 0, spinMilliseconds: Int = 0) {
        self.sleepMilliseconds = sleepMilliseconds
        self.spinMilliseconds = spinMilliseconds
    }

    /// Reads the test-only knobs from `environment`.
    public init(environment: [String: String]) {
        self.init(sleepMilliseconds: environment["EXPERIMENTS_DEMO_SLEEP_MS"].flatMap { Int($0) } ?? 0,
                  spinMilliseconds: environment["EXPERIMENTS_DEMO_SPIN_MS"].flatMap { Int($0) } ?? 0)
    }

    public func run(_ config: RunConfiguration) throws -> RunOutcome {
        if sleepMilliseconds > 0 { Thread.sleep(forTimeInterval: Double(sleepMilliseconds) / 1000) }
        if spinMilliseconds > 0 {
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .milliseconds(spinMilliseconds))
            var x = 0.0
            while clock.now < end { for i in 0..<10_000 { x += Double(i).squareRoot() } }
            if x < 0 { return RunOutcome(status: .failed(reason: "unreachable")) }
        }
        var state = config.key.integer
        func next() -> Double {  // SplitMix64 -> [0, 1)
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53)
        }
        let length = (try? config.int("seq_len")) ?? 10
        let decay = 0.5 + next()
        let steps = min(length, 16)
        let series = (0..<steps).map { SeriesPoint(series: "gradient_norm", step: $0, value: Foundation.pow(decay, Double($0))) }
        let metrics: [(name: String, value: Double)] = [
            ("decay", decay),
            ("gradient_ratio", Foundation.pow(decay, Double(length))),
            ("final_loss", next()),
        ]
        return RunOutcome(status: .ok, metrics: metrics, series: series)
    }
}

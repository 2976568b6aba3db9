@testable import Studies
import Testing

@Suite struct GridBenchmarkTests {
    @Test(arguments: [
        ("gradient-vs-length: 1000 runs: 1000 ok, 0 diverged, 0 failed; 60.1 ms (spec 3.2 ms, runs 41.9 ms, tables 4.8 ms)\n", 41.9),
        ("g: 60 runs: 60 ok, 0 diverged, 0 failed; 20.51 s (spec 3.2 ms, runs 20.50 s, tables 9.0 ms)", 20_500.0),
    ])
    func theRunsPhaseIsReadFromTheRunSummary(summary: String, milliseconds: Double) {
        #expect(Benchmark.runsPhaseMilliseconds(inSummary: summary) == milliseconds)
    }

    @Test(arguments: ["", "g: 1 runs: 1 ok; 5.0 ms", "g; 5.0 ms (spec 1.0 ms, runs fast, tables 1.0 ms)", "(spec 1 ms, runs 2 min)"])
    func aSummaryWithoutARunsPhaseGivesNothing(summary: String) {
        #expect(Benchmark.runsPhaseMilliseconds(inSummary: summary) == nil)
    }
}

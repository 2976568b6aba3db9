import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

@Suite struct AggregatorTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Aggregator.median([3, 1, 2]) == 2)
        #expect(Aggregator.median([4, 1, 3, 2]) == 2.5)
        #expect(Aggregator.median([]) == nil)
    }

    @Test func quantilesInterpolateLinearly() throws {
        let sorted: [Double] = [1, 2, 3, 4, 5]
        #expect(Aggregator.quantile(sorted, 0.1) == 1.4)
        #expect(Aggregator.quantile(sorted, 0.9) == 4.6)
        #expect(Aggregator.quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(Aggregator.quantile([7], 0.9) == 7)
    }

    @Test func summaryWithMinMaxBandAndMean() throws {
        let s = try #require(Aggregator.summarize([5, 1, 3, 2], aggregate: .median, band: .minMax))
        #expect(s == Aggregator.Summary(center: 2.5, low: 1, high: 5, count: 4))
        let m = try #require(Aggregator.summarize([5, 1, 3], aggregate: .mean, band: .quantile(low: 0.25, high: 0.75)))
        #expect(m.center == 3)
        #expect(m.low == 2)
        #expect(m.high == 4)
    }

    @Test func anAxisZippedWithTheSeriesIsNotReportedAsPooled() throws {
        // The shipped tutorial grid zips init_ih with init.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.path + "/results/gradient-vs-length"
        let data = try ReportData(folder: directory)
        let bySeries = Aggregator.lineData(chart: ChartSpec(x: "seq_len", y: "grad_h_first", series: "init"), data: data, series: nil)
        #expect(!bySeries.notes.contains { $0.contains("pooled") }, "\(bySeries.notes)")
        let allPooled = Aggregator.lineData(chart: ChartSpec(x: "seq_len", y: "grad_h_first"), data: data, series: nil)
        #expect(allPooled.notes.contains { $0.contains("'init' (5 of them) are pooled") }, "\(allPooled.notes)")
        #expect(allPooled.notes.contains { $0.contains("'init_ih' (2 of them) are pooled") }, "\(allPooled.notes)")
    }

    @Test func nanAndInfiniteValuesAreExcludedAndCounted() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        let chart = ChartSpec(x: "seq_len", y: "grad_h_first", series: "init", logY: true)
        let line = Aggregator.lineData(chart: chart, data: data, series: nil)
        #expect(line.lines.map(\.label) == ["orthogonal", "xavier-normal", "normal"])
        let normal = try #require(line.lines.last)
        #expect(normal.points.map(\.x) == [10, 20, 40])
        #expect(normal.points.map(\.summary.count) == [3, 3, 2])
        #expect(line.notes.contains("1 NaN or infinite value(s) excluded"))
        #expect(line.hasBand)
    }

    @Test func zeroAndNegativeValuesAreExcludedFromLogAxis() throws {
        let runs = """
        key,study,init,seed,m,status,status_step,status_reason
        a,gradient-flow,normal,1,0,ok,,
        b,gradient-flow,normal,2,-1,ok,,
        c,gradient-flow,normal,3,0.5,ok,,
        d,gradient-flow,uniform,1,2,ok,,
        e,gradient-flow,uniform,2,2,failed,,

        """
        let folder = try ResultsFolder(runs: runs, spec: #"{"version": 1, "name": "a", "study": "gradient-flow", "grid": {"init": ["uniform", "normal"], "seed": [1, 2, 3]}}"#)
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        let logChart = ChartSpec(x: "init", y: "m", logY: true)
        let line = Aggregator.lineData(chart: logChart, data: data, series: nil)
        #expect(line.notes.contains("2 value(s) <= 0 excluded from the log y axis"))
        #expect(line.notes.contains("1 failed run(s) skipped"))
        // Categorical x in spec order: uniform first, then normal.
        #expect(line.xCategories == ["uniform", "normal"])
        #expect(line.lines.first?.points.map(\.summary.center) == [2, 0.5])
        let linear = Aggregator.lineData(chart: ChartSpec(x: "init", y: "m"), data: data, series: nil)
        #expect(linear.lines.first?.points.last?.summary.count == 3)
    }

    @Test func aggregateNoneDrawsOneLinePerSeed() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        var filter = PlotFilter()
        filter.conditions = [("init", [.string("xavier-normal")])]
        let chart = ChartSpec(x: "seq_len", y: "final_loss", filter: filter, aggregate: .none)
        let line = Aggregator.lineData(chart: chart, data: data, series: nil)
        #expect(line.lines.map(\.label) == ["seed=1", "seed=2", "seed=3"])
        #expect(!line.hasBand)
    }

    @Test func naturalOrderSortsDigitRunsNumerically() {
        #expect(["state.h10", "state.h2", "state.h1"].sorted(by: Aggregator.naturalLess) == ["state.h1", "state.h2", "state.h10"])
    }
}

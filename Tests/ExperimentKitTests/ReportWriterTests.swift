import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

@Suite struct ReportWriterTests {
    @Test func reportListsRunsChartsAndExpectations() throws {
        let folder = try ResultsFolder.gradientFlow(expect: """
        [{"name": "orthogonal keeps the gradient", "metric": "grad_h_first", "where": {"init": "orthogonal", "seq_len": 40}, ">": 0.1},
         {"name": "xavier vanishes | fast", "metric": "grad_h_first", "where": {"init": "xavier-normal"}, "trend": "decreasing", "over": "seq_len"},
         {"metric": "grad_h_first", "where": {"init": "normal"}, "<": 1}]
        """)
        defer { folder.remove() }
        let charts = [ChartOutput(name: "c", title: "A [chart]", dataFile: "c.dat", scriptFile: "c.gp", svgFile: "c.svg",
                                  notes: ["1 NaN or infinite value(s) excluded"])]
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil)
        #expect(results.map(\.passed) == [true, true, false])
        let path = try ReportWriter.write(resultsDirectory: folder.path, spec: nil, charts: charts,
                                          expectations: results)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# vanishing-gradients\n\nStudy: `gradient-flow`\n"))
        #expect(text.contains("| ok | 26 |"))
        #expect(text.contains("| diverged | 1 |"))
        #expect(text.contains("![A (chart)](c.svg)"))
        #expect(text.contains("- 1 NaN or infinite value(s) excluded"))
        #expect(text.contains("| xavier vanishes \\| fast |"))
        #expect(text.contains("**2 of 3 expectations passed.**"))
        let again = try ReportWriter.write(resultsDirectory: folder.path, spec: nil, charts: charts,
                                           expectations: results)
        #expect(try String(contentsOfFile: again, encoding: .utf8) == text)
    }
}

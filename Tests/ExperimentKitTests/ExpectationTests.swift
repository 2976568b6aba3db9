import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

@Suite struct ExpectationTests {
    /// Checks one expectation (JSON object text) against the small hand-written folder.
    private func verdict(_ expectation: String) throws -> ExpectationResult {
        let folder = try ResultsFolder.small(expect: "[" + expectation + "]")
        defer { folder.remove() }
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: folder.spec, specFile: "small.json")
        return try #require(results.first)
    }

    static let cases: [(String, Bool)] = [
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "<": 0.5}"#, true),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "<": 0.4}"#, false),
        (#"{"metric": "loss", "where": {"clip": "none", "lr": 0.1}, ">": 0.55}"#, true),
        (#"{"metric": "loss", "where": {"clip": "none", "lr": 0.1}, ">": 0.65}"#, false),
        (#"{"metric": "loss", "where": {"clip": "none", "lr": 0.1}, "aggregate": "max", "<=": 0.7}"#, true),
        (#"{"metric": "loss", "where": {"clip": "none", "lr": 0.1}, "aggregate": "min", ">=": 0.6}"#, false),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "between": [0.4, 0.5]}"#, true),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "aggregate": "mean", "between": [0.5, 0.6]}"#, false),
        (#"{"metric": "loss", "where": {"clip": "none"}, "trend": "increasing", "over": "lr"}"#, true),
        (#"{"metric": "loss", "where": {"clip": "norm"}, "trend": "increasing", "over": "lr"}"#, false),
        (#"{"metric": "loss", "where": {"clip": "norm"}, "trend": "decreasing", "over": "lr"}"#, true),
        (#"{"metric": "loss", "where": {"clip": "none"}, "trend": "decreasing", "over": "lr", "tolerance": 0.5}"#, false),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "ratio_to": {"clip": "none"}, "<": 0.8}"#, true),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "ratio_to": {"clip": "none"}, "<": 0.7}"#, false),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "beats": {"clip": "none"}, "by": "lower"}"#, true),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "beats": {"clip": "none"}, "by": "higher"}"#, false),
        (#"{"metric": "loss", "where": {"clip": "norm", "lr": 1}, "beats": {"clip": "none"}, "by": "lower"}"#, true),
        (#"{"metric": "acc", "where": {"clip": "none", "lr": 0.1}, "beats": {"clip": "norm"}, "by": "higher", "fraction": 0.5}"#, false),
        (#"{"metric": "status", "where": {"clip": "none", "lr": 1}, "equals": "diverged", "at_least": 0.5}"#, true),
        (#"{"metric": "status", "where": {"clip": "none", "lr": 1}, "equals": "diverged", "at_least": 0.9}"#, false),
        (#"{"metric": "acc", "where": {"clip": "norm"}, "aggregate": "all", ">=": 0.75}"#, true),
        (#"{"metric": "acc", "where": {"clip": "norm"}, "aggregate": "all", ">=": 0.8}"#, false),
        (#"{"metric": "loss", "where": {"lr": 0.1}, "aggregate": "fraction", "<": 0.52, "at_least": 0.5}"#, true),
        (#"{"metric": "loss", "where": {"lr": 0.1}, "aggregate": "fraction", "<": 0.52, "at_least": 0.75}"#, false),
        (#"{"metric": "status", "where": {"clip": "norm"}, "aggregate": "all", "equals": "ok"}"#, false),
    ]

    @Test(arguments: cases)
    func operatorPassesOrFails(expectation: String, passes: Bool) throws {
        let result = try verdict(expectation)
        #expect(result.passed == passes, "\(result.name): observed \(result.observed), expected \(result.expected); \(result.detail)")
    }

    @Test func aFailedEveryRunCheckNamesTheRunsThatMissIt() throws {
        let r = try verdict(#"{"metric": "acc", "where": {"clip": "norm"}, "aggregate": "all", ">=": 0.8}"#)
        #expect(!r.passed)
        #expect(r.detail.contains("missing it: [clip=norm"), "\(r.detail)")
    }

    @Test func boundsArePrintedAsWritten() throws {
        let r = try verdict(#"{"metric": "loss", "where": {"clip": "norm", "lr": 0.1}, "aggregate": "all", "between": [0.4999999, 0.5000001]}"#)
        #expect(r.expected.contains("[0.4999999, 0.5000001]"), "\(r.expected)")
    }

    @Test func whereMatchingNoRunsFails() throws {
        let result = try verdict(#"{"metric": "loss", "where": {"clip": "value"}, "<": 1}"#)
        #expect(!result.passed)
        #expect(result.detail.contains("no runs match"))
    }

    @Test func nanValuesAreExcludedFromTheMedian() throws {
        let result = try verdict(#"{"metric": "loss", "where": {"clip": "none", "lr": 1}, "aggregate": "min", ">": 1}"#)
        #expect(result.passed)
        #expect(result.observed == "2 (min of 2 runs)")
        #expect(result.detail.contains("1 NaN or missing value(s) excluded"))
    }

    @Test func seriesValueAtAStep() throws {
        let folder = try ResultsFolder.gradientFlow(expect: """
        [{"series": "grad_h", "step": "last", "where": {"init": "orthogonal"}, "between": [0.9, 1.1]},
         {"series": "grad_h_distance", "step": 9, "where": {"init": "xavier", "seq_len": 10}, "<": 0.1}]
        """)
        defer { folder.remove() }
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: folder.spec, specFile: "g.json")
        #expect(results.map(\.passed) == [true, false])
    }

    @Test func tableAlignsColumns() {
        let results = [
            ExpectationResult(name: "a", description: nil, observed: "1", expected: "median < 2", passed: true, detail: ""),
            ExpectationResult(name: "longer name", description: nil, observed: "3", expected: "median < 2", passed: false,
                              detail: "too big"),
        ]
        let text = ExpectationChecker.table(results)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "expectation | observed | expected   | result")
        #expect(lines[2] == "a           | 1        | median < 2 | PASS")
        #expect(lines[3] == "longer name | 3        | median < 2 | FAIL")
        #expect(text.contains("FAIL longer name: too big"))
        #expect(text.hasSuffix("1 of 2 expectations passed\n"))
    }

    // MARK: Strict parsing

    private func parseError(_ text: String) throws -> SpecError? {
        let json = try JSONParser.parse(text)
        do {
            _ = try Expectation.parseAll(json, path: "expect", file: "spec.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownKeySuggestsTheClosest() throws {
        let error = try #require(try parseError(#"[{"metirc": "loss", "<": 1}]"#))
        #expect(error.path == "expect[0].metirc")
        #expect(error.expected.contains("did you mean 'metric'"))
    }

    @Test func wrongTypeNamesThePath() throws {
        let error = try #require(try parseError(#"[{"metric": "loss", "<": 1}, {"metric": 3, "<": 1}]"#))
        #expect(error.path == "expect[1].metric")
        #expect(error.found == "a number")
    }

    @Test func twoComparisonsAreRejected() throws {
        let error = try #require(try parseError(#"[{"metric": "loss", "<": 1, ">": 0}]"#))
        #expect(error.path == "expect[0]")
        #expect(error.found == "'<' and '>'")
        let modes = try #require(try parseError(#"[{"metric": "loss", "trend": "increasing", "over": "lr", "<": 3}]"#))
        #expect(modes.path == "expect[0]")
    }

    @Test func missingComparisonAndMisplacedOptionsAreRejected() throws {
        #expect(try parseError(#"[{"metric": "loss"}]"#)?.found == "none")
        #expect(try parseError(#"[{"metric": "loss", "aggregate": "fraction", "<": 1}]"#)?.path == "expect[0].at_least")
        #expect(try parseError(#"[{"metric": "loss", "<": 1, "over": "lr"}]"#)?.path == "expect[0].over")
        #expect(try parseError(#"[{"metric": "loss", "beats": {"clip": "none"}}]"#)?.path == "expect[0].by")
        #expect(try parseError(#"[{"metric": "loss", "between": [2, 1]}]"#)?.path == "expect[0].between")
    }

    @Test func unknownAxisInWhereFailsValidation() throws {
        let json = try JSONParser.parse(#"[{"metric": "loss", "where": {"clp": "none"}, "<": 1}]"#)
        let expectations = try Expectation.parseAll(json, file: "spec.json")
        #expect(throws: SpecError.self) { try expectations[0].validate(axes: ["clip", "lr", "seed"], file: "spec.json") }
        do {
            try expectations[0].validate(axes: ["clip", "lr", "seed"], file: "spec.json")
        } catch {
            #expect(error.path == "expect[0].where.clp")
            #expect(error.expected.contains("did you mean 'clip'"))
        }
        let folder = try ResultsFolder.small(expect: #"[{"metric": "loss", "where": {"clp": "none"}, "<": 1}]"#)
        defer { folder.remove() }
        #expect(throws: CheckError.self) {
            try ExpectationChecker.check(resultsDirectory: folder.path, spec: folder.spec, specFile: "s.json")
        }
    }
}

@Suite struct ExpectationValidationTests {
    @Test func missingMetricColumnFailsWithAHint() throws {
        let folder = try ResultsFolder.small(expect: #"[{"metric": "los", "<": 1}]"#)
        defer { folder.remove() }
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: folder.spec, specFile: "s.json")
        #expect(results.first?.passed == false)
        #expect(results.first?.detail == "runs.csv has no column 'los' (did you mean 'loss'?)")
    }

    @Test func specBlocksValidateWithoutResults() throws {
        let good = try JSONParser.parse("""
        {"grid": {"init": ["a"], "zip": {"seq_len": [1, 2], "lr": [0.1, 0.2]}, "where": {"x": 1}, "seed": [1]},
         "charts": [{"x": "seq_len", "y": "m", "series": "lr"}],
         "expect": [{"metric": "m", "where": {"init": "a"}, "trend": "increasing", "over": "seq_len"}]}
        """)
        try ChartRenderer.validate(spec: good, file: "g.json")
        try ExpectationChecker.validate(spec: good, file: "g.json")
        #expect(PlotAxis.axes(ofSpec: good).map(\.name) == ["init", "seq_len", "lr", "seed"])
        let bad = try JSONParser.parse(#"{"grid": {"init": ["a"]}, "expect": [{"metric": "m", "trend": "increasing", "over": "lr"}]}"#)
        #expect(throws: SpecError.self) { try ExpectationChecker.validate(spec: bad, file: "b.json") }
    }
}

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
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil)
        return try #require(results.first)
    }

    static let cases: [(String, Bool)] = [
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "<": 0.5}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "<": 0.4}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "none", "lr": 0.1}, ">": 0.55}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "none", "lr": 0.1}, ">": 0.65}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "none", "lr": 0.1}, "aggregate": "max", "<=": 0.7}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "none", "lr": 0.1}, "aggregate": "min", ">=": 0.6}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "between": [0.4, 0.5]}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "aggregate": "mean", "between": [0.5, 0.6]}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "none"}, "trend": "increasing", "over": "lr"}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "norm"}, "trend": "increasing", "over": "lr"}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "norm"}, "trend": "decreasing", "over": "lr"}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "none"}, "trend": "decreasing", "over": "lr", "tolerance": 0.5}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "ratio_to": {"clip": "none"}, "<": 0.8}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "ratio_to": {"clip": "none"}, "<": 0.7}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "beats": {"clip": "none"}, "by": "lower"}"#, true),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "beats": {"clip": "none"}, "by": "higher"}"#, false),
        (#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 1}, "beats": {"clip": "none"}, "by": "lower"}"#, true),
        (#"{"metric": "test_accuracy", "where": {"clip": "none", "lr": 0.1}, "beats": {"clip": "norm"}, "by": "higher", "fraction": 0.5}"#, false),
        (#"{"metric": "status", "where": {"clip": "none", "lr": 1}, "equals": "diverged", "at_least": 0.5}"#, true),
        (#"{"metric": "status", "where": {"clip": "none", "lr": 1}, "equals": "diverged", "at_least": 0.9}"#, false),
        (#"{"metric": "test_accuracy", "where": {"clip": "norm"}, "aggregate": "all", ">=": 0.75}"#, true),
        (#"{"metric": "test_accuracy", "where": {"clip": "norm"}, "aggregate": "all", ">=": 0.8}"#, false),
        (#"{"metric": "test_loss", "where": {"lr": 0.1}, "aggregate": "fraction", "<": 0.52, "at_least": 0.5}"#, true),
        (#"{"metric": "test_loss", "where": {"lr": 0.1}, "aggregate": "fraction", "<": 0.52, "at_least": 0.75}"#, false),
        (#"{"metric": "status", "where": {"clip": "norm"}, "aggregate": "all", "equals": "ok"}"#, false),
    ]

    @Test(arguments: cases)
    func operatorPassesOrFails(expectation: String, passes: Bool) throws {
        let result = try verdict(expectation)
        #expect(result.passed == passes, "\(result.name): observed \(result.observed), expected \(result.expected); \(result.detail)")
    }

    @Test func aFailedEveryRunCheckNamesTheRunsThatMissIt() throws {
        let r = try verdict(#"{"metric": "test_accuracy", "where": {"clip": "norm"}, "aggregate": "all", ">=": 0.8}"#)
        #expect(!r.passed)
        #expect(r.detail.contains("missing it: [clip=norm"), "\(r.detail)")
    }

    @Test func boundsArePrintedAsWritten() throws {
        let r = try verdict(#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "aggregate": "all", "between": [0.4999999, 0.5000001]}"#)
        #expect(r.expected.contains("[0.4999999, 0.5000001]"), "\(r.expected)")
    }

    @Test func whereMatchingNoRunsFails() throws {
        // A value the grid does not have is a spec error; a grid value no row of runs.csv has fails.
        #expect(throws: CheckError.self) { try verdict(#"{"metric": "test_loss", "where": {"clip": "value"}, "<": 1}"#) }
        let folder = try ResultsFolder.small(expect: #"[{"metric": "test_loss", "where": {"lr": 1}, "<": 1}]"#)
        defer { folder.remove() }
        let rows = folder.read("runs.csv").split(separator: "\n").filter { !$0.contains(",1,") || $0.contains(",0.1,") }
        try folder.write("runs.csv", rows.joined(separator: "\n") + "\n")
        let result = try #require(try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil).first)
        #expect(!result.passed)
        #expect(result.detail.contains("no runs match"))
    }

    @Test func nanValuesAreExcludedFromTheMedian() throws {
        let result = try verdict(#"{"metric": "test_loss", "where": {"clip": "none", "lr": 1}, "aggregate": "min", ">": 1}"#)
        #expect(result.passed)
        #expect(result.observed == "2 (min of 2 runs)")
        #expect(result.detail.contains("1 NaN or missing value(s) excluded"))
    }

    @Test func seriesValueAtAStep() throws {
        let folder = try ResultsFolder.gradientFlow(expect: """
        [{"series": "grad_h", "step": "last", "where": {"init": "orthogonal"}, "between": [0.9, 1.1]},
         {"series": "grad_h_distance", "step": 9, "where": {"init": "xavier-normal", "seq_len": 10}, "<": 0.1}]
        """)
        defer { folder.remove() }
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil)
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
        let error = try #require(try parseError(#"[{"metric": "test_loss", "<": 1}, {"metric": 3, "<": 1}]"#))
        #expect(error.path == "expect[1].metric")
        #expect(error.found == "a number")
    }

    @Test func twoComparisonsAreRejected() throws {
        let error = try #require(try parseError(#"[{"metric": "test_loss", "<": 1, ">": 0}]"#))
        #expect(error.path == "expect[0]")
        #expect(error.found == "'<' and '>'")
        let modes = try #require(try parseError(#"[{"metric": "test_loss", "trend": "increasing", "over": "lr", "<": 3}]"#))
        #expect(modes.path == "expect[0]")
    }

    @Test func missingComparisonAndMisplacedOptionsAreRejected() throws {
        #expect(try parseError(#"[{"metric": "test_loss"}]"#)?.found == "none")
        #expect(try parseError(#"[{"metric": "test_loss", "aggregate": "fraction", "<": 1}]"#)?.path == "expect[0].at_least")
        #expect(try parseError(#"[{"metric": "test_loss", "<": 1, "over": "lr"}]"#)?.path == "expect[0].over")
        #expect(try parseError(#"[{"metric": "test_loss", "beats": {"clip": "none"}}]"#)?.path == "expect[0].by")
        #expect(try parseError(#"[{"metric": "test_loss", "between": [2, 1]}]"#)?.path == "expect[0].between")
    }

    @Test func unknownAxisInWhereFailsValidation() throws {
        let json = try JSONParser.parse(#"[{"metric": "test_loss", "where": {"clp": "none"}, "<": 1}]"#)
        let expectations = try Expectation.parseAll(json, file: "spec.json")
        #expect(throws: SpecError.self) { try expectations[0].validate(axes: ["clip", "lr", "seed"], file: "spec.json") }
        do {
            try expectations[0].validate(axes: ["clip", "lr", "seed"], file: "spec.json")
        } catch {
            #expect(error.path == "expect[0].where.clp")
            #expect(error.expected.contains("did you mean 'clip'"))
        }
        let folder = try ResultsFolder.small(expect: #"[{"metric": "test_loss", "where": {"clp": "none"}, "<": 1}]"#)
        defer { folder.remove() }
        #expect(throws: CheckError.self) {
            try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil)
        }
    }
}

@Suite struct ExpectationValidationTests {
    @Test func missingMetricColumnFailsWithAHint() throws {
        // A misspelt metric is a spec error, with a hint, before anything is read from runs.csv.
        let misspelt = try ResultsFolder.small(expect: #"[{"metric": "test_los", "<": 1}]"#)
        defer { misspelt.remove() }
        #expect {
            try ExpectationChecker.check(resultsDirectory: misspelt.path, spec: nil)
        } throws: { error in
            "\(error)".contains("did you mean 'test_loss'")
        }
        // A metric of the study that runs.csv lacks fails the expectation.
        let folder = try ResultsFolder.small(expect: #"[{"metric": "final_val_loss", "<": 1}]"#)
        defer { folder.remove() }
        let results = try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil)
        #expect(results.first?.passed == false)
        #expect(results.first?.detail.hasPrefix("runs.csv has no column 'final_val_loss'") == true)
    }

    @Test func specBlocksValidateWithoutResults() throws {
        let good = try SpecDecoder.decode(text: """
        {"version": 1, "name": "g", "study": "train",
         "grid": {"init": ["orthogonal"], "zip": {"seq_len": [5, 10], "lr": [0.1, 0.2]}, "hidden": {"range": [4, 8, 2]},
                  "where": [{"init": "orthogonal"}], "seed": {"count": 2}},
         "charts": [{"x": "seq_len", "y": "test_loss", "series": "lr"}],
         "expect": [{"metric": "test_loss", "where": {"init": "orthogonal"}, "trend": "increasing", "over": "seq_len"}]}
        """, file: "g.json")
        // The axes charts see are the decoded grid's: zip members in order, ranges and counts expanded.
        let axes = PlotAxis.axes(of: good.grid)
        #expect(axes.map(\.name) == ["init", "seq_len", "lr", "hidden", "seed"])
        #expect(axes[3].values == [.number(4), .number(6), .number(8)] && axes[4].values == [.number(0), .number(1)])
        #expect(axes[1].isNumeric && !axes[0].isNumeric)
        #expect(throws: SpecError.self) {
            try SpecDecoder.decode(text: #"{"version": 1, "name": "b", "study": "train", "grid": {"init": ["orthogonal"]}, "expect": [{"metric": "test_loss", "trend": "increasing", "over": "lr"}]}"#,
                                   file: "b.json")
        }
    }
}

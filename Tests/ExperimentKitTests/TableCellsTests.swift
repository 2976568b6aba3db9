import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

/// What the cells of runs.csv and series.csv say (issue 15): integers as integers, empty cells
/// where a metric does not apply (a computed NaN stays `nan`), each series' step unit, and wall
/// times kept out of the tables.
@Suite struct TableCellsTests {
    /// The runs.csv cells of `metrics` for a run of the train study on `task`.
    private func cells(task: String, status: RunStatus = .ok, _ metrics: [(name: String, value: Double)]) throws -> [String: String] {
        let config = try expand("{}", extra: #""task": {"task": "\#(task)", "seq_len": 12},"#)[0]
        let record = ResultStore(directory: "unused").record(config, RunOutcome(status: status, metrics: metrics))
        let row = String(decoding: RecordFormat.runsRow(record, axisNames: [], metricNames: metrics.map(\.name)), as: UTF8.self)
        let table = try CSVTable(parsing: "h1,h2," + metrics.map(\.name).joined(separator: ",") + ",s1,s2,s3\n" + row)
        return Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, table.column(named: $0.name)?.first ?? "?") })
    }

    @Test func countsAreWrittenAsIntegersThatReadBackExactly() throws {
        let huge = 1_152_921_504_606_846_976.0  // 2^60: beyond 2^53, so written as a float
        let c = try cells(task: "binary-sum", [("epochs_run", 20), ("updates", 640), ("final_train_loss", 0), ("test_loss", 20),
                                               ("max_grad_norm", 3), ("mean_clip_rate", 1)])
        #expect(c["epochs_run"] == "20" && c["updates"] == "640")
        // Real-valued metrics keep their float text, whole or not: a loss of 0 is "0.0".
        #expect(c["final_train_loss"] == "0.0" && c["test_loss"] == "20.0" && c["max_grad_norm"] == "3.0" && c["mean_clip_rate"] == "1.0")
        let odd = try cells(task: "binary-sum", [("epochs_run", huge), ("updates", .nan), ("diverged_at_step", 2.5)])
        #expect(odd["updates"] == "nan")
        #expect(odd["epochs_run"].flatMap(Double.init) == huge && odd["epochs_run"]?.contains("e") == true)
        #expect(odd["diverged_at_step"] == "")  // not diverged: does not apply, whatever the value
        let diverged = try cells(task: "binary-sum", status: .diverged(step: 7), [("diverged_at_step", 7), ("updates", 12)])
        #expect(diverged["diverged_at_step"] == "7" && diverged["updates"] == "12")
    }

    @Test func answerStepMetricsApplyToTheCopyTaskOnly() throws {
        let metrics: [(name: String, value: Double)] = [("test_answer_loss", 2), ("test_answer_accuracy", 0.125)]
        let copy = try cells(task: "copy", metrics)
        #expect(copy["test_answer_loss"] == "2.0" && copy["test_answer_accuracy"] == "0.125")
        let tagging = try cells(task: "tagging", metrics)
        #expect(tagging["test_answer_loss"] == "" && tagging["test_answer_accuracy"] == "")
    }

    @Test(arguments: [(0, "epoch"), (5, "update")])
    func trainingSeriesCountUpdatesWhenEvaluatedEveryNUpdates(evalEvery: Int, unit: String) {
        let config: JSONValue = .object([("study", .string("train")), ("task", .string("adding")), ("eval_every", .number(Double(evalEvery)))])
        let rules = RunCells(config: config, diverged: false)
        #expect(rules.stepUnit(ofSeries: "train_loss") == unit && rules.stepUnit(ofSeries: "val_loss") == unit)
        #expect(rules.stepUnit(ofSeries: "lyapunov_max_epoch") == "epoch" && rules.stepUnit(ofSeries: "lyapunov") == "index")
        // The lyapunov study's training curve (measure_training) follows eval_every too.
        let lyapunov: JSONValue = .object([("study", .string("lyapunov")), ("task", .string("adding")), ("eval_every", .number(Double(evalEvery)))])
        #expect(RunCells(config: lyapunov, diverged: false).stepUnit(ofSeries: "train_loss") == unit)
    }

    @Test(arguments: [0.0, 1, -1, 20, 640, 9_007_199_254_740_992, -9_007_199_254_740_992])
    func anIntegerCellReadsBackAsTheSameDouble(_ x: Double) throws {
        let text = try cells(task: "binary-sum", [("updates", x)])["updates"] ?? ""
        #expect(!text.contains(".") && Double(text) == x, "\(text)")
    }

    @Test(arguments: [-0.0, 0.5, 1e300, .infinity])
    func aCountThatIsNotAnExactIntegerKeepsItsFloatText(_ x: Double) throws {
        let text = try cells(task: "binary-sum", [("updates", x)])["updates"] ?? ""
        #expect(text == CSVTable.format(metric: x))
    }

    @Test func accuracyIsEmptyOnARegressionTaskAndAComputedNaNStaysNan() throws {
        let metrics: [(name: String, value: Double)] = [("final_train_accuracy", .nan), ("test_accuracy", .nan), ("test_loss", .nan),
                                                        ("diverged_at_step", 0)]
        let adding = try cells(task: "adding", metrics)
        #expect(adding["final_train_accuracy"] == "" && adding["test_accuracy"] == "" && adding["diverged_at_step"] == "")
        #expect(adding["test_loss"] == "nan")
        // On a classification task that diverged, the NaN accuracy is a result: "nan".
        let copy = try cells(task: "copy", status: .diverged(step: 3), metrics.dropLast() + [("diverged_at_step", 3)])
        #expect(copy["final_train_accuracy"] == "nan" && copy["test_accuracy"] == "nan" && copy["diverged_at_step"] == "3")
    }

    @Test func accuracySeriesHaveNoRowsOnARegressionTaskButStayInTheRecord() throws {
        let config = try expand("{}", extra: #""task": {"task": "adding", "seq_len": 12},"#)[0]
        let series = [SeriesPoint(series: "train_loss", step: 1, value: 0.5), SeriesPoint(series: "train_accuracy", step: 1, value: .nan),
                      SeriesPoint(series: "val_accuracy", step: 1, value: .nan), SeriesPoint(series: "lr", step: 1, value: 0.01)]
        let record = ResultStore(directory: "unused").record(config, RunOutcome(series: series))
        let rendered = RecordFormat.render(record, axisNames: [])
        let k = config.key.hex
        #expect(String(decoding: rendered.rows.seriesRows, as: UTF8.self) == "\(k),train_loss,1,0.5,epoch\n\(k),lr,1,0.01,epoch\n")
        #expect(RecordFormat.seriesRows(of: record) == rendered.rows.seriesRows)
        #expect(try RecordFormat.parse(Array(rendered.line.dropLast())).outcome.series.count == 4)
    }

    /// Every series every study declares has a step unit, and families have theirs.
    @Test(arguments: StudyKind.allCases)
    func everyDeclaredSeriesStatesWhatItsStepCounts(_ study: StudyKind) throws {
        let outputs = try #require(StudyOutputs.of(study))
        for name in outputs.series + outputs.seriesPrefixes.map({ $0 + "0" }) {
            #expect(outputs.stepUnit(ofSeries: name) != nil, "\(study.rawValue): \(name)")
        }
        #expect(outputs.stepUnit(ofSeries: "undeclared") == nil)
    }

    @Test func theEngineWritesCountsAsIntegersAndLeavesRegressionAccuracyEmpty() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("adding.json", """
            {"version": 1, "name": "adding", "study": "train", "model": {"hidden": 3},
             "task": {"task": "adding", "seq_len": 6, "samples": 16, "validation_samples": 8, "test_samples": 8},
             "training": {"epochs": 2, "batch_size": 8}, "grid": {"seed": [0]}}
            """)
        let out = folder.path + "/out"
        let status = await ExperimentCommands.run(specPath: spec, options: .init(out: out, plot: false), executor: EngineExecutor(),
                                                  console: .silent)
        #expect(status == .success)
        let runs = try CSVTable(contentsOf: out + "/runs.csv")
        func cell(_ name: String) -> String? { runs.column(named: name)?.first }
        #expect(cell("epochs_run") == "2" && cell("updates") == "4" && cell("diverged_at_step") == "")
        #expect(cell("final_train_accuracy") == "" && cell("final_val_accuracy") == "" && cell("test_accuracy") == "")
        #expect(cell("test_loss").flatMap(Double.init)?.isFinite == true)
        let series = try CSVTable(contentsOf: out + "/series.csv")
        #expect(series.header == ["key", "series", "step", "value", "step_unit"])
        #expect(series.column(named: "series")?.contains("train_loss") == true)
        #expect(series.column(named: "series")?.contains { $0.hasSuffix("_accuracy") } == false)
        #expect(Set(series.column(named: "step_unit") ?? []) == ["epoch"])
    }

    @Test func wallTimesGoToTimingsCSVAndNeverChangeTheTables() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        for jobs in [1, 2] {
            let status = await ExperimentCommands.run(
                specPath: spec, options: .init(jobs: jobs, out: folder.path + "/j\(jobs)", plot: false),
                executor: DemoExecutor(sleepMilliseconds: 3 - jobs), console: .silent)
            #expect(status == .success)
        }
        for file in ["runs.csv", "series.csv"] {
            #expect(try folder.bytes("j1/" + file) == folder.bytes("j2/" + file), "\(file)")
        }
        let timings = try CSVTable(contentsOf: folder.path + "/j1/timings.csv")
        #expect(timings.header == ["key", "init", "seq_len", "seed", "status", "wall_seconds"])
        #expect(timings.rows.count == 18)
        #expect(try timings.column(named: "key") == CSVTable(contentsOf: folder.path + "/j1/runs.csv").column(named: "key"))
        #expect(timings.column(named: "wall_seconds")?.allSatisfy { Double($0).map { $0 >= 0 } ?? false } == true)
        // Not in the manifest (which lists only what is deterministic), nor in the records' tables.
        let manifest = try String(contentsOfFile: folder.path + "/j1/manifest.json", encoding: .utf8)
        #expect(!manifest.contains("timings"))
        // A rerun that reuses every record keeps the recorded times and leaves the record files alone.
        let recordsBefore = try recordFiles(folder.path + "/j1")
        let timingsBefore = try folder.bytes("j1/timings.csv")
        let log = Captured()
        let again = await ExperimentCommands.run(specPath: spec, options: .init(out: folder.path + "/j1", plot: false),
                                                 executor: DemoExecutor(), console: log.console)
        #expect(again == .success && log.err.contains("18 already recorded, 0 to run"))
        #expect(try folder.bytes("j1/timings.csv") == timingsBefore)
        #expect(try recordFiles(folder.path + "/j1") == recordsBefore)
    }

    private func recordFiles(_ out: String) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: out + "/runs")
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: URL(fileURLWithPath: out + "/runs/" + $0))) })
    }

    @Test func aRecordLineWithoutAWallTimeReadsAsBeforeAndOneWithItVerifies() throws {
        let config = try expand("{}")[0]
        let store = ResultStore(directory: "unused")
        let old = RecordFormat.render(store.record(config, RunOutcome(metrics: [("m", 1)])), axisNames: []).line
        let new = RecordFormat.render(store.record(config, RunOutcome(metrics: [("m", 1)], wallSeconds: 1.25)), axisNames: []).line
        #expect(!String(decoding: old, as: UTF8.self).contains("wall_seconds"))
        #expect(String(decoding: new, as: UTF8.self).contains(#""status":"ok","wall_seconds":1.25,"metrics":{"m":1}"#))
        for line in [old, new] {
            #expect(RecordFormat.problem(Array(line.dropLast()), key: config.key) == nil)
        }
        #expect(try RecordFormat.parse(Array(old.dropLast())).outcome.wallSeconds == nil)
        #expect(try RecordFormat.parse(Array(new.dropLast())).outcome.wallSeconds == 1.25)
        // The tables do not see it.
        #expect(RecordFormat.render(store.record(config, RunOutcome(metrics: [("m", 1)])), axisNames: []).rows.runsRow
            == RecordFormat.render(store.record(config, RunOutcome(metrics: [("m", 1)], wallSeconds: 9)), axisNames: []).rows.runsRow)
    }

    // MARK: Readers

    /// runs.csv of a regression grid: accuracy empty everywhere, a loss with one computed NaN.
    private static let regressionRuns = """
        key,study,lr,seed,test_loss,test_accuracy,status,status_step,status_reason
        a1,train,0.1,1,0.5,,ok,,
        a2,train,0.1,2,nan,,diverged,4,
        a3,train,0.1,3,0.25,,ok,,

        """
    /// The spec of that grid with one expectation.
    private static func regressionSpec(seeds: String = "1, 2, 3", expect: String) -> String {
        #"{"version": 1, "name": "r", "study": "train", "grid": {"lr": [0.1], "seed": [\#(seeds)]}, "charts": [], "expect": [\#(expect)]}"#
    }

    /// The result of expectation `e` on the folder of `runs`.
    private func check(_ e: String, runs: String = regressionRuns, seeds: String = "1, 2, 3") throws -> ExpectationResult {
        let folder = try ResultsFolder(runs: runs, spec: Self.regressionSpec(seeds: seeds, expect: e))
        defer { folder.remove() }
        return try #require(ExpectationChecker.check(resultsDirectory: folder.path, spec: nil).first)
    }

    @Test(arguments: [#"{"metric": "test_accuracy", ">": 0.5}"#, #"{"metric": "test_accuracy", "aggregate": "all", ">": 0.5}"#,
                      #"{"metric": "test_accuracy", "aggregate": "mean", "<": 2}"#])
    func anExpectationOverAMetricThatDoesNotApplySaysSoAndFails(_ expectation: String) throws {
        let r = try check(expectation)
        #expect(!r.passed && r.observed == "not applicable" && r.detail.contains("does not apply"), "\(r.observed): \(r.detail)")
    }

    @Test func runsWhereAMetricDoesNotApplyAreLeftOutWithANoteWhileNaNStillCounts() throws {
        let runs = Self.regressionRuns + "a4,train,0.1,4,,0.9,ok,,\n"
        let accuracy = try check(#"{"metric": "test_accuracy", "aggregate": "all", ">": 0.5}"#, runs: runs, seeds: "1, 2, 3, 4")
        #expect(accuracy.passed && accuracy.detail.contains("3 run(s) where 'test_accuracy' does not apply left out"), "\(accuracy.detail)")
        // The NaN loss of a diverged run is a value that misses the bound, not a cell left out.
        let loss = try check(#"{"metric": "test_loss", "aggregate": "all", "<": 1}"#, runs: runs, seeds: "1, 2, 3, 4")
        #expect(!loss.passed && loss.detail.contains("seed=2") && loss.detail.contains("1 run(s) where 'test_loss' does not apply"),
                "\(loss.detail)")
    }

    @Test func compareTreatsEmptyOnBothSidesAsEqualAndEmptyOnOneSideAsADifference() throws {
        let spec = #"{"study": "train", "grid": {"lr": [0.1], "seed": [1, 2, 3]}}"#
        let a = try ResultsFolder(runs: Self.regressionRuns, spec: spec), b = try ResultsFolder(runs: Self.regressionRuns, spec: spec)
        let c = try ResultsFolder(runs: Self.regressionRuns.replacingOccurrences(of: "0.5,,ok", with: "0.5,0.75,ok"), spec: spec)
        defer { a.remove(); b.remove(); c.remove() }
        let same = try ResultsComparison(a: a.path, b: b.path, metrics: ["test_accuracy"], rtol: 0, atol: 0)
        #expect(same.matches && same.rows.first?.a == nil && same.rows.first?.b == nil)
        let differs = try ResultsComparison(a: a.path, b: c.path, metrics: ["test_accuracy"], rtol: 0, atol: 0)
        #expect(!differs.matches)
    }
}

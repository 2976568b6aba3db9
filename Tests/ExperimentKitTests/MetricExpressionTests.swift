import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import ExperimentTestSupport

/// The metric expression language: parsing (precedence, errors with positions) and evaluation.
@Suite struct MetricExpressionTests {
    static let metrics: [String: Double] = ["a": 2, "b": 8, "sigma_max.weight_hh_l0": 0.5, "zero": 0, "nan_metric": .nan]

    func value(_ text: String) throws -> MetricExpression.Value {
        try MetricExpression.parse(text).evaluate { Self.metrics[$0] }
    }

    @Test(arguments: [
        ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9), ("1 - 2 - 3", -4), ("12 / 4 / 3", 1), ("-2^2", -4), ("2^3^2", 512),
        ("(-2)^2", 4), ("2 * -3", -6), ("a * b - 1", 15), ("b / a ^ 2", 2), ("sigma_max.weight_hh_l0 * 4", 2),
        ("1e-3 * 1000", 1), (".5 * 4", 2), ("2.5E+1", 25), ("max(a, b, 3)", 8), ("min(a, b)", 2), ("sqrt(16) + abs(-2)", 6),
        ("log10(1000)", 3), ("log2(b)", 3), ("exp(0)", 1), ("ln(1)", 0), ("log(1)", 0), ("+a", 2),
    ])
    func arithmeticFollowsTheUsualPrecedence(text: String, expected: Double) throws {
        #expect(try value(text) == .value(expected), "\(text)")
    }

    @Test func naturalLogarithmAndPiMatchTheirReferenceValues() throws {
        // ln(8) = 3 ln 2; the chance cross-entropy of the copy task (5 symbols + blank over 30 steps) uses it.
        let chance = try #require(try value("5 * ln(8) / 30").number)
        #expect(Swift.abs(chance - 5 * 3 * 0.6931471805599453 / 30) < 1e-15)
        #expect(try value("pi") == .value(Double.pi))
    }

    @Test func undefinedResultsSayWhy() throws {
        #expect(try value("a / zero") == .undefined("division by zero"))
        #expect(try value("a / (b - 8)") == .undefined("division by zero"))
        #expect(try value("ln(zero)") == .undefined("ln of 0 (needs a value > 0)"))
        #expect(try value("sqrt(-a)") == .undefined("sqrt of -2 (needs a value >= 0)"))
        #expect(try value("missing + 1") == .missing("missing"))
        let nan = try #require(try value("nan_metric * 2").number)
        #expect(nan.isNaN)
    }

    @Test(arguments: [
        ("a + * b", 5, "a number, a metric name, a function or '('"),
        ("(a + b", 7, "')'"),
        ("a <= b", 3, "arithmetic only"),
        ("a b", 3, "an operator"),
        ("", 1, "an expression"),
        ("lg(2)", 1, "a function"),
        ("max()", 5, "a number, a metric name"),
        ("exp(1, 2)", 1, "one argument for exp()"),
        ("grad_norm. + 1", 1, "does not end with '.'"),
    ])
    func parseErrorsGiveThePosition(text: String, position: Int, expected: String) {
        do {
            _ = try MetricExpression.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.position == position, "\(text): \(error)")
            #expect(error.expected.contains(expected), "\(text): \(error.expected)")
        }
    }

    @Test func anUnknownFunctionSuggestsTheClosest() {
        #expect(throws: MetricExpression.ParseError.self) { try MetricExpression.parse("sqr(4)") }
        do { _ = try MetricExpression.parse("sqr(4)") } catch { #expect(error.found.contains("did you mean 'sqrt'"), "\(error.found)") }
    }

    @Test func namesAndTextRoundTrip() throws {
        let e = try MetricExpression.parse("(a + b) * -c / max(a, 2) ^ 2")
        #expect(e.metricNames == ["a", "b", "c"])
        #expect(try MetricExpression.parse(e.text) == e)
        #expect(MetricExpression.isPlainName("grad_norm.weight_hh_l0"))
        #expect(!MetricExpression.isPlainName("test_loss / 2"))
    }
}

/// `derived`, metric expressions and expression bounds in specs: checked at validate, evaluated by check.
@Suite struct DerivedMetricTests {
    static let head = #""version": 1, "name": "t", "study": "gradient-flow", "grid": {"init": ["orthogonal", "identity"], "seed": {"count": 2}}"#

    @Test(arguments: [
        (#""derived": {"m": "grad_h_frist / 2"}"#, "derived.m", "did you mean 'grad_h_first'"),
        (#""derived": {"loss": "grad_h_first"}"#, "derived.loss", "not a metric of the study"),
        (#""derived": {"pi": "1"}"#, "derived.pi", "a name of letters"),
        (#""derived": {"m": "grad_h_first +"}"#, "derived.m", "at character 15 of \"grad_h_first +\""),
        (#""derived": {"m": 3}"#, "derived.m", "an expression string"),
        (#""derived": {"m": "status * 2"}"#, "derived.m", "numeric metrics in an expression"),
        (#""derived": {"init": "loss * 2"}"#, "derived.init", "not a grid axis"),
        (#""charts": [{"x": "seed", "y": "grad_h_frst / 2"}]"#, "charts[0].y", "did you mean 'grad_h_first'"),
        (#""charts": [{"kind": "scatter", "x": "sigma_mx.weight_hh_l0", "y": "grad_h_first"}]"#, "charts[0].x", "did you mean 'sigma_max.weight_hh_l0'"),
        (#""charts": [{"kind": "scatter", "y": "grad_h_first"}]"#, "charts[0].x", "a metric (or metric expression)"),
        (#""charts": [{"kind": "scatter", "source": "series", "x": "step", "y": "grad_h"}]"#, "charts[0].source", "\"runs\" for a scatter"),
        (#""expect": [{"metric": "grad_decay_per_step", "<=": "sigma_mx.weight_hh_l0"}]"#, "expect[0].<=", "did you mean 'sigma_max.weight_hh_l0'"),
        (#""expect": [{"metric": "grad_decay_per_step", "aggregate": "median", "<=": "sigma_max.weight_hh_l0"}]"#, "expect[0].aggregate", "run by run"),
        (#""expect": [{"metric": "grad_decay_per_step", "between": [0, "sigma_max.weight_hh_l0 *"]}]"#, "expect[0].between", "at character"),
        (#""expect": [{"metric": "grad_h_first", "where": {"init": "identity"}, "ratio_to": {"init": "orthogonal"}, "<": "loss"}]"#, "expect[0].<", "a number with ratio_to"),
        (#""derived": {"d": "loss * 2"}, "expect": [{"metric": "dd", ">": 0}]"#, "expect[0].metric", "did you mean 'd'"),
    ])
    func mistakesFailValidationWithThePath(members: String, path: String, gist: String) {
        let error = specError("{" + Self.head + ", " + members + "}")
        #expect(error?.path == path, "\(error?.description ?? "no error")")
        #expect(error?.description.contains(gist) == true, "\(error?.description ?? "no error")")
    }

    @Test func derivedMetricsEnterTheResolvedSpecOnlyWhenGiven() throws {
        let plain = try SpecDecoder.decode(text: "{" + Self.head + "}")
        #expect(plain.resolvedDocument["derived"] == nil)
        let text = "{" + Self.head + #", "derived": {"half": "loss / 2", "quarter": "half / 2"}, "#
            + #""charts": [{"x": "init", "y": "quarter"}], "expect": [{"metric": "quarter", "<=": "half"}]}"#
        let spec = try SpecDecoder.decode(text: text)
        #expect(spec.derived.names == ["half", "quarter"])
        #expect(spec.derived.expressions["quarter"] == (try MetricExpression.parse("loss / 2 / 2")))
        #expect(spec.resolvedDocument["derived"]?["quarter"] == .string("half / 2"))
        let again = try SpecDecoder.decode(text: spec.resolvedDocument.canonicalText)
        #expect(again.derived == spec.derived)
        #expect(try again.configurations().map(\.key) == plain.configurations().map(\.key))
    }

    /// A folder with `test_loss` and `test_accuracy` per run, and derived metrics.
    static func folder(expect: String) throws -> ResultsFolder {
        let small = try ResultsFolder.small(expect: expect)
        let spec = small.read("spec.resolved.json").replacingOccurrences(
            of: #""charts": []"#, with: #""charts": [], "derived": {"ratio": "test_loss / test_accuracy", "half_acc": "test_accuracy / 2"}"#)
        try small.write("spec.resolved.json", spec)
        return small
    }

    func verdict(_ expectation: String) throws -> ExpectationResult {
        let folder = try Self.folder(expect: "[" + expectation + "]")
        defer { folder.remove() }
        return try #require(try ExpectationChecker.check(resultsDirectory: folder.path, spec: nil).first)
    }

    @Test func aBoundMayBeAnotherMetricOfTheSameRun() throws {
        // clip=norm lr=0.1: test_loss 0.40 0.45 0.55, test_accuracy 0.85 0.8 0.75.
        let pass = try verdict(#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "<": "test_accuracy"}"#)
        #expect(pass.passed, "\(pass.detail)")
        #expect(pass.expected == "every run < test_accuracy")
        let fail = try verdict(#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "<=": "half_acc"}"#)
        #expect(!fail.passed)
        #expect(fail.observed == "1/3 runs (0.3333)")
        #expect(fail.detail.contains("[clip=norm lr=0.1 seed=2] 0.45 not <= 0.4"), "\(fail.detail)")
        #expect(fail.detail.contains("[clip=norm lr=0.1 seed=3] 0.55 not <= 0.375"), "\(fail.detail)")
        let between = try verdict(#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "between": [0.4, "test_accuracy"], "aggregate": "fraction", "at_least": 1}"#)
        #expect(between.passed, "\(between.detail)")
    }

    @Test func derivedMetricsAndExpressionsAreCheckedLikeColumns() throws {
        // ratio = test_loss / test_accuracy: 0.4/0.85, 0.45/0.8, 0.55/0.75 -> median 0.5625.
        let median = try verdict(#"{"metric": "ratio", "where": {"clip": "norm", "lr": 0.1}, "between": [0.5624, 0.5626]}"#)
        #expect(median.passed, "\(median.observed) \(median.detail)")
        let inline = try verdict(#"{"metric": "test_loss / test_accuracy", "where": {"clip": "norm", "lr": 0.1}, "aggregate": "max", "<": 0.74}"#)
        #expect(inline.passed, "\(inline.observed)")
        #expect(inline.observed.hasPrefix("0.7333"))
        let undefined = try verdict(#"{"metric": "test_loss / (test_accuracy - test_accuracy)", "where": {"clip": "norm", "lr": 0.1}, "aggregate": "all", "<": 1}"#)
        #expect(!undefined.passed)
        let missing = try verdict(#"{"metric": "test_loss", "where": {"clip": "norm", "lr": 0.1}, "<": "test_accuracy / (test_accuracy - test_accuracy)"}"#)
        #expect(missing.detail.contains("0.4 not < undefined (division by zero)"), "\(missing.detail)")
    }

    @Test func anExpressionReadsARunsNumericAxisValue() throws {
        // lr = 0.1 in every run of the cell: test_loss 0.40 0.45 0.55 -> test_loss / lr median 4.5.
        let r = try verdict(#"{"metric": "test_loss / lr", "where": {"clip": "norm", "lr": 0.1}, "between": [4.4999, 4.5001]}"#)
        #expect(r.passed, "\(r.observed) \(r.detail)")
        // Only numeric axes: a string axis is not a number, and a fixed option is not a column.
        let numeric = #""version": 1, "name": "t", "study": "gradient-flow", "grid": {"init": ["orthogonal", "identity"], "seq_len": [10, 20]}"#
        #expect(specError("{" + numeric + #", "derived": {"total": "grad_decay_per_step ^ seq_len"}}"#) == nil)
        let onString = specError("{" + numeric + #", "derived": {"bad": "grad_h_first * init"}}"#)
        #expect(onString?.path == "derived.bad", "\(onString?.description ?? "no error")")
        let onFixed = specError("{" + numeric + #", "derived": {"bad": "grad_h_first * batch"}}"#)
        #expect(onFixed?.path == "derived.bad", "\(onFixed?.description ?? "no error")")
    }

    @Test func aMissingColumnInAnExpressionIsNamed() throws {
        // A misspelt name is a spec error when the spec is read; a metric of the study that
        // runs.csv lacks is named when the expectation is evaluated.
        #expect(throws: CheckError.self) { try verdict(#"{"metric": "test_loss / accc", "<": 1}"#) }
        let r = try verdict(#"{"metric": "test_loss / final_val_loss", "<": 1}"#)
        #expect(!r.passed)
        #expect(r.detail.hasPrefix("runs.csv has no column 'final_val_loss'"), "\(r.detail)")
    }

}

/// Scatter charts, series of several axes, and named zip rows.
@Suite struct ScatterAndSeriesTests {
    func chart(_ json: String) throws -> ChartSpec {
        try ChartSpec.parse(try JSONParser.parse(json), path: "charts[0]", file: "spec.json")
    }

    @Test func aScatterDrawsOnePointPerRunByDefault() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        let spec = try chart(#"{"kind": "scatter", "x": "grad_norm.weight_ih_l0", "y": "grad_norm.weight_hh_l0", "series": "init", "diagonal": true}"#)
        #expect(spec.aggregate == .none)
        let scatter = Aggregator.scatterData(chart: spec, data: data)
        #expect(scatter.lines.map(\.label) == ["orthogonal", "xavier-normal", "normal"])
        #expect(scatter.lines.map(\.points.count) == [9, 9, 9])
        // The fixture writes weight_hh = 4 x weight_ih for every run.
        for point in scatter.lines.flatMap(\.points) {
            #expect(Swift.abs(point.y.center - 4 * point.x.center) <= 1e-12 * point.y.center)
            #expect(point.x.count == 1 && point.x.low == point.x.center)
        }
        let xs = scatter.lines[0].points.map(\.x.center)
        #expect(xs == xs.sorted())
        let script = GnuplotScript(scatter: spec, data: scatter, context: "test")
        #expect(script.data.contains("# columns: x y x_low x_high y_low y_high n\n# block 0: orthogonal\n"))
        #expect(script.script.contains("1*x + 0 with lines dt 2"))
        #expect(script.script.contains("using 1:2 with points"))
    }

    @Test func anAggregatedScatterHasOnePointPerCellWithErrorBars() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        let spec = try chart(#"{"kind": "scatter", "aggregate": "median", "x": "grad_norm.weight_ih_l0", "y": "grad_h_first / grad_norm.weight_ih_l0", "series": "init"}"#)
        let scatter = Aggregator.scatterData(chart: spec, data: data)
        #expect(scatter.lines.map(\.points.count) == [3, 3, 3])
        #expect(scatter.lines.flatMap(\.points).allSatisfy { $0.x.count == 3 || $0.x.count == 2 })
        #expect(scatter.hasBand)
        // grad_h_first / (grad_h_first / 2) = 2 wherever both are finite.
        for point in scatter.lines.flatMap(\.points) { #expect(point.y.center == 2) }
        let script = GnuplotScript(scatter: spec, data: scatter, context: "test")
        #expect(script.script.contains("with xyerrorbars"))
    }

    @Test func seriesOfSeveralAxesGiveOneLinePerCombination() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        let spec = try chart(#"{"x": "seq_len", "y": "grad_h_first", "series": ["init", "seed"], "log_y": true}"#)
        #expect(spec.seriesAxes == ["init", "seed"])
        #expect(spec.name == "grad_h_first_vs_seq_len_by_init_seed")
        let line = Aggregator.lineData(chart: spec, data: data, series: nil)
        #expect(line.lines.map(\.label).prefix(4) == ["orthogonal, 1", "orthogonal, 2", "orthogonal, 3", "xavier-normal, 1"])
        #expect(line.lines.count == 9)
        #expect(!line.notes.contains { $0.contains("pooled") })
        let script = GnuplotScript(lineChart: spec, data: line, context: "test")
        #expect(script.script.contains("title 'init, seed' noenhanced"))
    }

    @Test func undefinedValuesOfAnExpressionAreSkippedAndCounted() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        let spec = try chart(#"{"x": "seq_len", "y": "grad_h_first / (grad_h_first - grad_h_first)", "series": "init"}"#)
        let line = Aggregator.lineData(chart: spec, data: data, series: nil)
        // 26 finite values divide by zero; the diverged run's inf gives inf / NaN = NaN.
        #expect(line.notes.contains("26 value(s) undefined (division by zero) skipped"), "\(line.notes)")
        #expect(line.notes.contains("1 NaN or infinite value(s) excluded"), "\(line.notes)")
        #expect(line.lines.allSatisfy { $0.points.isEmpty })
        let typo = Aggregator.lineData(chart: try chart(#"{"x": "seq_len", "y": "2 * grad_h_frist"}"#), data: data, series: nil)
        #expect(typo.notes.contains("runs.csv has no column 'grad_h_frist' (did you mean 'grad_h_first'?)"), "\(typo.notes)")
    }

    @Test func badSeriesListsAreRejected() throws {
        #expect(throws: SpecError.self) { try chart(#"{"x": "a", "y": "m", "series": []}"#) }
        #expect(throws: SpecError.self) { try chart(#"{"x": "a", "y": "m", "series": ["b", "b"]}"#) }
        #expect(throws: SpecError.self) { try chart(#"{"x": "a", "y": "m", "series": ["b", "c"], "facet": "c"}"#) }
        #expect(throws: SpecError.self) { try chart(#"{"x": "a", "y": "m", "diagonal": {"slop": 2}}"#) }
        #expect(try chart(#"{"x": "a", "y": "m", "diagonal": [true, {"slope": 2, "label": "2x"}]}"#).diagonals
            == [ChartSpec.Diagonal(), ChartSpec.Diagonal(slope: 2, label: "2x")])
    }

    static let zipHead = #""version": 1, "name": "t", "study": "gradient-flow", "model": {"hidden": 4}, "grid": {"zip": {"#

    static func zipSpec(label: String, charts: String = "[]") -> String {
        "{" + zipHead + label + #""cell": ["rnn", "rnn", "lstm"], "nonlinearity": ["relu", "tanh", "tanh"], "init": ["identity", "orthogonal", "xavier-uniform"]}, "#
            + #""seed": {"count": 2}}, "charts": "# + charts + "}"
    }

    @Test func namingZipRowsLeavesRunKeysUnchanged() throws {
        let plain = try SpecDecoder.decode(text: Self.zipSpec(label: ""))
        let named = try SpecDecoder.decode(text: Self.zipSpec(label: #""label": {"model": ["IRNN", "tanh RNN", "LSTM"]}, "#,
                                                              charts: #"[{"x": "seed", "y": "grad_h_first", "series": "model", "where": {"model": "LSTM"}}]"#))
        #expect(try named.configurations().map(\.key) == plain.configurations().map(\.key))
        #expect(named.grid.axisNames == plain.grid.axisNames)
        #expect(named.grid.labelAxes == [GridAxis.Label(name: "model", values: ["IRNN", "tanh RNN", "LSTM"])])
        #expect(ZipLabelAxis.axes(of: named.grid).map(\.axis.name) == ["model"])
        #expect(PlotAxis.axes(of: named.grid).map(\.name) == ["cell", "nonlinearity", "init", "seed"])
    }

    @Test(arguments: [
        (#""label": {"model": ["IRNN", "tanh RNN", "IRNN"]}, "#, "[]", "grid.zip.label.model[2]", "distinct labels"),
        (#""label": {"model": ["IRNN", "tanh RNN"]}, "#, "[]", "grid.zip.label.model", "3 labels"),
        (#""label": {"cell": ["a", "b", "c"]}, "#, "[]", "grid.zip.label.cell", "a new axis name"),
        (#""label": ["a", "b", "c"], "#, "[]", "grid.zip.label", "one label per zip row"),
        ("", #"[{"x": "seed", "y": "grad_h_first", "series": "cell"}]"#, "charts[0].series", "rows 0 and 1 of grid.zip"),
        ("", #"[{"x": "seed", "y": "grad_h_first", "series": "nonlinearity"}]"#, "charts[0].series", "rows 1 and 2"),
        (#""label": {"model": ["IRNN", "tanh RNN", "LSTM"]}, "#, #"[{"x": "seed", "y": "grad_h_first", "series": "mdoel"}]"#,
         "charts[0].series", "did you mean 'model'"),
        (#""label": {"model": ["IRNN", "tanh RNN", "LSTM"]}, "#, #"[{"x": "seed", "y": "grad_h_first", "where": {"model": "lstm"}}]"#,
         "charts[0].where.model", "did you mean 'LSTM'"),
    ])
    func zipLabelsAndPooledRowsFailValidation(label: String, charts: String, path: String, gist: String) {
        let error = specError(Self.zipSpec(label: label, charts: charts))
        #expect(error?.path == path, "\(error?.description ?? "no error")")
        #expect(error?.description.contains(gist) == true, "\(error?.description ?? "no error")")
    }

    @Test(arguments: [
        #"[{"x": "seed", "y": "grad_h_first", "series": ["cell", "nonlinearity"]}]"#,
        #"[{"x": "seed", "y": "grad_h_first", "series": "cell", "where": {"nonlinearity": "tanh"}}]"#,
        #"[{"x": "seed", "y": "grad_h_first", "series": "cell", "aggregate": "none"}]"#,
        #"[{"kind": "scatter", "x": "grad_h_last", "y": "grad_h_first", "series": "cell"}]"#,
    ])
    func rowsKeptApartValidate(charts: String) throws {
        _ = try SpecDecoder.decode(text: Self.zipSpec(label: "", charts: charts))
    }

    @Test func labelledRowsNameTheLinesOfAChart() throws {
        let runs = """
        key,study,cell,nonlinearity,init,seed,grad_h_first,status,status_step,status_reason
        k1,gradient-flow,rnn,relu,identity,0,1.0,ok,,
        k2,gradient-flow,rnn,relu,identity,1,3.0,ok,,
        k3,gradient-flow,rnn,tanh,orthogonal,0,0.25,ok,,
        k4,gradient-flow,rnn,tanh,orthogonal,1,0.75,ok,,
        k5,gradient-flow,lstm,,xavier-uniform,0,0.125,ok,,
        k6,gradient-flow,lstm,,xavier-uniform,1,0.375,ok,,

        """
        let folder = try ResultsFolder(runs: runs, spec: Self.zipSpec(label: #""label": {"model": ["IRNN", "tanh RNN", "LSTM"]}, "#))
        defer { folder.remove() }
        let data = try ReportData(folder: folder.path)
        #expect(data.runs.map { $0.cells["model"] } == ["IRNN", "IRNN", "tanh RNN", "tanh RNN", "LSTM", "LSTM"])
        let line = Aggregator.lineData(chart: try chart(#"{"x": "seed", "y": "grad_h_first", "series": "model"}"#), data: data, series: nil)
        #expect(line.lines.map(\.label) == ["IRNN", "tanh RNN", "LSTM"])
        #expect(line.lines.map { $0.points.map(\.summary.center) } == [[1, 3], [0.25, 0.75], [0.125, 0.375]])
        // Seed by seed, IRNN against the LSTM row: the zip members move with the label.
        let beats = try JSONParser.parse(#"[{"metric": "grad_h_first", "where": {"model": "IRNN"}, "beats": {"model": "LSTM"}, "by": "higher"}]"#)
        let verdict = ExpectationChecker.evaluate(try Expectation.parseAll(beats, file: "spec.json")[0], data: data, series: nil)
        #expect(verdict.passed && verdict.observed == "2/2 seeds (1)", "\(verdict.observed) \(verdict.detail)")
        let median = try chart(#"{"x": "cell", "y": "grad_h_first", "series": "model"}"#)
        #expect(Aggregator.lineData(chart: median, data: data, series: nil).lines.map { $0.points.map(\.summary.center) } == [[2], [0.5], [0.25]])
    }
}

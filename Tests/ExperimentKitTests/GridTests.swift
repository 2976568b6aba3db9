import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

/// Decodes `grid` inside a minimal spec of `study` and expands it.
func expand(_ grid: String, study: String = "train", extra: String = "") throws -> [RunConfiguration] {
    let text = #"{"version": 1, "name": "t", "study": "\#(study)", \#(extra) "grid": \#(grid)}"#
    return try SpecDecoder.decode(text: text).configurations()
}

/// The SpecError a spec text raises (on decoding or expansion), or nil.
func specError(_ text: String) -> SpecError? {
    do {
        _ = try SpecDecoder.decode(text: text).configurations()
        return nil
    } catch {
        return error
    }
}

func values(_ configs: [RunConfiguration], _ name: String) -> [String] {
    configs.map { $0.value(name).map(CSVTable.format(value:)) ?? "-" }
}

@Suite struct GridTests {
    @Test func firstAxisVariesSlowest() throws {
        let runs = try expand(#"{"init": ["orthogonal", "identity"], "seq_len": [1, 2, 3]}"#)
        #expect(runs.count == 6)
        #expect(values(runs, "init") == ["orthogonal", "orthogonal", "orthogonal", "identity", "identity", "identity"])
        #expect(values(runs, "seq_len") == ["1", "2", "3", "1", "2", "3"])
        #expect(runs[0].axes.map(\.name) == ["init", "seq_len"])
    }

    @Test(arguments: [
        (#"{"range": [10, 50, 10]}"#, ["10", "20", "30", "40", "50"]),
        (#"{"range": [10, 45, 10]}"#, ["10", "20", "30", "40"]),
        (#"{"range": [5, 1, -2]}"#, ["5", "3", "1"]),
        (#"{"range": [7, 7, 1]}"#, ["7"]),
        (#"{"values": [3, 1]}"#, ["3", "1"]),
    ])
    func integerRangesIncludeTheStopWhenTheyLandOnIt(axis: String, expected: [String]) throws {
        #expect(values(try expand(#"{"seq_len": \#(axis)}"#), "seq_len") == expected)
    }

    @Test func floatRangesAreFreeOfRoundingNoise() throws {
        let runs = try expand(#"{"lr": {"range": [0.1, 0.5, 0.1]}}"#)
        #expect(values(runs, "lr") == ["0.1", "0.2", "0.3", "0.4", "0.5"])
        #expect(values(try expand(#"{"dropout_input": {"range": [0, 0.95, 0.3]}}"#), "dropout_input") == ["0", "0.3", "0.6", "0.9"])
    }

    @Test func axisValuesOfOptionsThatDoNotApplyCollapse() throws {
        let grid = #"{"clip": ["none", "norm"], "max_norm": [0.1, 1, 10], "seed": {"count": 10}}"#
        let runs = try expand(grid)
        #expect(runs.count == 40)
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "train", "grid": \#(grid)}"#)
        #expect(try spec.runCount() == (runs: 40, collapsed: 20))
        // clip=none runs keep the base max_norm, so their keys are those of a spec without the axis
        let none = try expand(#"{"seed": {"count": 10}}"#)
        #expect(runs.prefix(10).map(\.key) == none.map(\.key))
        #expect(runs[0].axes.map(\.name) == ["clip", "seed"])
        // clip=norm runs: every option applies, keys as if each were written on its own
        let normRun = try expand(#"{"seed": [3]}"#, extra: #""training": {"clip": "norm", "max_norm": 1},"#)
        #expect(runs.contains { $0.key == normRun[0].key })
    }

    @Test func zippedPointsThatDifferOnlyInDroppedValuesCollapse() throws {
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "train", "grid": {"zip": {"clip": ["none", "none", "norm"], "max_norm": [1, 2, 1]}}}"#)
        #expect(try spec.runCount() == (runs: 2, collapsed: 1))
        #expect(try spec.configurations().map { values([$0], "clip")[0] } == ["none", "norm"])
    }

    @Test func collapsingWorksWhenRunCodesDoNotFitInAnInteger() throws {
        // Seven zipped members of 1000 points: 1001^7 codes overflow an Int, so arrays are compared.
        func column(_ value: (Int) -> String) -> String { "[" + (0..<1000).map(value).joined(separator: ", ") + "]" }
        let same = { (i: Int, x: String) in i < 2 ? "1" : x }
        let zip = [
            "\"clip\": " + column { $0 < 2 ? "\"none\"" : "\"norm\"" },
            "\"max_norm\": " + column { String($0 + 1) },
            "\"epochs\": " + column { same($0, String($0 + 1)) },
            "\"batch_size\": " + column { same($0, String($0 + 1)) },
            "\"samples\": " + column { same($0, String($0 + 1)) },
            "\"test_samples\": " + column { same($0, String($0 + 1)) },
            "\"lr_step_size\": " + column { same($0, String($0 + 1)) },
        ].joined(separator: ", ")
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "train", "training": {"schedule": "step"}, "grid": {"zip": {\#(zip)}}}"#)
        #expect(try spec.runCount() == (runs: 999, collapsed: 1))
    }

    @Test(arguments: [
        (#""training": {"clip": "none", "max_norm": 1}"#, "training.max_norm", "only where clip is \"norm\""),
        (#""model": {"cell": "lstm", "nonlinearity": "relu"}"#, "model.nonlinearity", "only where cell is \"rnn\""),
        (#""training": {"optimizer": "adam", "momentum": 0.5}"#, "training.momentum", "optimizer is \"momentum\" or \"nesterov\""),
        (#""model": {"cell": "gru"}, "grid": {"nonlinearity": ["tanh", "relu"]}"#, "grid.nonlinearity", "set while cell is \"gru\""),
    ])
    func optionsWithNoEffectOnAnyRunAreErrors(members: String, path: String, gist: String) {
        let error = specError(#"{"version": 1, "name": "t", "study": "train", \#(members)}"#)
        #expect(error?.path == path)
        #expect(error?.description.contains(gist) == true, "\(error?.description ?? "no error")")
    }

    @Test func aRunTooLargeForMemoryIsAnError() {
        let error = specError(#"{"version": 1, "name": "t", "study": "train", "model": {"hidden": 65536, "layers": 64}}"#)
        #expect(error?.description.contains("runs that fit in 16 GiB of memory") == true, "\(error?.description ?? "no error")")
        let inGrid = specError(#"{"version": 1, "name": "t", "study": "gradient-flow", "grid": {"hidden": [10, 60000], "seed": {"count": 3}}}"#)
        #expect(inGrid?.path == "grid")
        #expect(inGrid?.description.contains("hidden=60000") == true)
    }

    @Test func logRangesAreGeometricWithBothEnds() throws {
        #expect(values(try expand(#"{"lr": {"log": [0.0001, 0.1, 4]}}"#), "lr") == ["0.0001", "0.001", "0.01", "0.1"])
        #expect(values(try expand(#"{"hidden": {"log": [8, 512, 7]}}"#), "hidden") == ["8", "16", "32", "64", "128", "256", "512"])
    }

    @Test func seedCountGivesSeedsFromZero() throws {
        let runs = try expand(#"{"seed": {"count": 3}}"#)
        #expect(runs.map(\.seed) == [0, 1, 2])
        #expect(Set(runs.map(\.key)).count == 3)
    }

    @Test func zipPairsAxesAtItsPosition() throws {
        let runs = try expand(#"{"init": ["orthogonal", "identity"], "zip": {"hidden": [10, 20, 40], "layers": [1, 2, 3]}, "seed": {"count": 2}}"#)
        #expect(runs.count == 12)
        #expect(values(runs, "hidden").prefix(6) == ["10", "10", "20", "20", "40", "40"])
        #expect(values(runs, "layers").prefix(6) == ["1", "1", "2", "2", "3", "3"])
        #expect(runs[0].axes.map(\.name) == ["init", "hidden", "layers", "seed"])
    }

    @Test func severalZipGroupsAsAnArray() throws {
        let runs = try expand(#"{"zip": [{"hidden": [10, 20], "layers": [1, 2]}, {"lr": [0.1, 0.01], "epochs": [5, 50]}]}"#)
        #expect(runs.count == 4)
        #expect(values(runs, "epochs") == ["5", "50", "5", "50"])
        #expect(values(runs, "layers") == ["1", "1", "2", "2"])
    }

    @Test func whereKeepsOnlyMatchingRunsAndExcludeDropsThem() throws {
        let grid = #"{"init": ["orthogonal", "identity"], "seq_len": [10, 100], "seed": {"count": 2}"#
        let kept = try expand(grid + #", "where": [{"init": "identity", "seq_len": 100}, {"init": "orthogonal"}]}"#)
        #expect(kept.count == 6)
        #expect(!kept.contains { $0.value("init") == .string("identity") && $0.value("seq_len") == .number(10) })
        let dropped = try expand(grid + #", "exclude": [{"init": "identity", "seq_len": 100}, {"seed": 1}]}"#)
        #expect(dropped.count == 3)
        #expect(dropped.allSatisfy { $0.seed == 0 })
    }

    @Test func constraintsMayNameNonAxisOptions() throws {
        let none = specError(#"{"version": 1, "name": "t", "study": "train", "grid": {"seed": {"count": 2}, "where": [{"cell": "gru"}]}}"#)
        #expect(none?.found.contains("leave no runs") == true)
    }

    @Test func axisValuesOverrideBlockValuesWhichOverrideDefaults() throws {
        let runs = try expand(#"{"hidden": [30]}"#, extra: #""model": {"hidden": 20, "layers": 2},"#)
        #expect(try runs[0].int("hidden") == 30)
        #expect(try runs[0].int("layers") == 2)
        #expect(try runs[0].string("cell") == "rnn")
        #expect(try runs[0].double("lr") == 0.01)
    }

    @Test func anEmptyGridIsOneRun() throws {
        #expect(try expand("{}").count == 1)
    }

    @Test(arguments: [
        (#"{"init": []}"#, "grid.init", "empty axis"),
        (#"{"zip": {"hidden": [1, 2], "layers": [1]}}"#, "grid.zip.layers", "1 values"),
        (#"{"hiden": [1, 2]}"#, "grid.hiden", "did you mean 'hidden'"),
        (#"{"seed": {"count": 1000}, "hidden": {"range": [1, 1000, 1]}, "seq_len": {"range": [1, 10, 1]}}"#, "grid", "more than 1000000"),
        (#"{"hidden": {"count": 3}}"#, "grid.hidden.count", "'count' on 'hidden'"),
        (#"{"hidden": [1, 2], "zip": {"hidden": [3, 4]}}"#, "grid.zip.hidden", "again"),
        (#"{"seq_len": {"range": [1, 10, 0]}}"#, "grid.seq_len.range[2]", "[1,10,0]"),
        (#"{"hidden": {"range": [1, 2, 0.5]}}"#, "grid.hidden.range", "[1,2,0.5]"),
    ])
    func gridErrorsNameTheAxis(grid: String, path: String, gist: String) {
        let error = specError(#"{"version": 1, "name": "t", "study": "train", "grid": \#(grid)}"#)
        #expect(error?.path == path)
        #expect(error?.description.contains(gist) == true, "\(String(describing: error))")
    }

    @Test func tooLargeGridsFailBeforeExpansion() {
        // 10^4 x 10^4 x 10^4 points would not fit in memory; the size check comes first.
        let grid = #"{"hidden": {"range": [1, 10000, 1]}, "input": {"range": [1, 10000, 1]}, "samples": {"range": [1, 10000, 1]}}"#
        let error = specError(#"{"version": 1, "name": "t", "study": "train", "grid": \#(grid)}"#)
        #expect(error?.path == "grid")
    }
}

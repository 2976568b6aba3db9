import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import EngineBinding
import LinearAlgebra
import RecurrentNets
import Studies
import Testing

/// The options papers need (issue 15): `init_gain`, `bias_init`/`bias_value`, `forget_bias`,
/// `head_init`, `updates`/`eval_every`, `copy_lag`, and the copy task's answer-step metrics, from
/// the spec through `EngineExecutor` to the engine's tensors and the run's outcome.
@Suite struct PaperOptionTests {
    /// The runs of a spec with `blocks` (`"model": {...}, ...`) and `grid`.
    static func configs(_ study: String, _ blocks: String, grid: String = "{}") throws -> [RunConfiguration] {
        try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "\#(study)", \#(blocks), "grid": \#(grid)}"#)
            .configurations()
    }

    /// The freshly initialised parameters of the first run of a spec (with a head of 3 outputs).
    static func parameters(_ study: String, _ blocks: String, grid: String = "{}") throws -> ParameterSet<Double> {
        let config = try #require(try configs(study, blocks, grid: grid).first)
        let settings = try EngineExecutor().modelSettings(config)
        let model: RecurrentModel<Double> = try settings.makeModel(headOutputs: 3, placement: .everyStep, seed: config.seed)
        return model.parameters
    }

    static func error(_ text: String) -> SpecError? { specError(text) }

    // MARK: init_gain

    @Test(arguments: [("orthogonal", "1.2"), ("normal", "0.05"), ("uniform", "0.3"), ("identity", "1.01"),
                      ("xavier-normal", "2"), ("kaiming-uniform", "1.5")])
    func initGainIsTheSuffixBitForBit(scheme: String, gain: String) throws {
        let model = #""model": {"hidden": 4, "layers": 2, "cell": "lstm""#
        let spelled = try Self.parameters("gradient-flow", model + #", "init": "\#(scheme)-\#(gain)"}"#)
        let axis = try Self.parameters("gradient-flow", model + #", "init": "\#(scheme)"}"#, grid: #"{"init_gain": [\#(gain)]}"#)
        let plain = try Self.parameters("gradient-flow", model + #", "init": "\#(scheme)"}"#)
        #expect(axis == spelled)
        #expect(axis != plain)
    }

    @Test func initGainOnInitHHLeavesTheInputWeightsAlone() throws {
        let gained = try Self.parameters("gradient-flow", #""model": {"hidden": 4, "init": "orthogonal", "init_hh": "identity", "init_gain": 0.5}"#)
        let spelled = try Self.parameters("gradient-flow", #""model": {"hidden": 4, "init": "orthogonal", "init_hh": "identity-0.5"}"#)
        let plain = try Self.parameters("gradient-flow", #""model": {"hidden": 4, "init": "orthogonal"}"#)
        #expect(gained == spelled)
        #expect(gained["weight_ih_l0"] == plain["weight_ih_l0"])
        // init_hh names the recurrent initialiser: a suffix on init does not stand in the way.
        #expect(Self.error(#"{"version": 1, "name": "t", "study": "gradient-flow", "model": {"init": "orthogonal-2", "init_hh": "identity", "init_gain": 0.5}}"#) == nil)
    }

    @Test func initGainLeavesAnExplicitInputInitialiserAlone() throws {
        let withGain = try Self.parameters("gradient-flow", #""model": {"hidden": 4, "init": "orthogonal", "init_ih": "normal", "init_gain": 3}"#)
        let without = try Self.parameters("gradient-flow", #""model": {"hidden": 4, "init": "orthogonal", "init_ih": "normal"}"#)
        #expect(withGain["weight_ih_l0"] == without["weight_ih_l0"])
        let w = try #require(withGain["weight_hh_l0"]), u = try #require(without["weight_hh_l0"])
        #expect(zip(w.storage, u.storage).allSatisfy { $0 == 3 * $1 })
    }

    @Test func initGainIsLeftOutOfKeysAtItsDefault() throws {
        let before = try Self.configs("gradient-flow", #""model": {"hidden": 4}"#)
        let explicit = try Self.configs("gradient-flow", #""model": {"hidden": 4, "init_gain": 0, "bias_init": "pytorch-default"}"#)
        #expect(before.map(\.key) == explicit.map(\.key))
        #expect(explicit.allSatisfy { $0.value("init_gain") == nil && $0.value("bias_init") == nil })
        let train = try Self.configs("train", #""model": {"hidden": 4}, "task": {"task": "copy", "seq_len": 21}"#)
        let trainExplicit = try Self.configs("train", #""model": {"hidden": 4, "head_init": "pytorch-default", "bias_value": 0}, "task": {"task": "copy", "seq_len": 21, "copy_lag": 0}, "training": {"updates": 0, "eval_every": 0}"#)
        #expect(train.map(\.key) == trainExplicit.map(\.key))
        let resolved = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "train"}"#).resolvedDocument.canonicalText
        for name in ["init_gain", "bias_init", "bias_value", "forget_bias", "head_init", "updates", "eval_every", "copy_lag"] {
            #expect(!resolved.contains(name), "\(name)")
        }
    }

    @Test(arguments: [
        (#""model": {"init": "orthogonal-1.2", "init_gain": 1.5}"#, "model.init_gain", "orthogonal-1.2"),
        (#""model": {"init_hh": "xavier-normal-tanh", "init_gain": 1.5}"#, "model.init_gain", "xavier-normal-tanh"),
        (#""model": {"init_gain": 1.5}"#, "model.init_gain", "pytorch-default"),
        (#""model": {"init": "orthogonal"}, "grid": {"init_gain": [1, 2], "init_hh": ["", "normal-0.1"]}"#, "grid.init_gain", "normal-0.1"),
    ])
    func initGainBesideAParameterIsASpecError(blocks: String, path: String, found: String) throws {
        let error = try #require(Self.error(#"{"version": 1, "name": "t", "study": "gradient-flow", \#(blocks)}"#))
        #expect(error.path == path, "\(error.description)")
        #expect(error.description.contains(found), "\(error.description)")
    }

    // MARK: bias_init, bias_value, forget_bias, head_init

    @Test func zeroBiasesAreZeroAndTheWeightsUnchanged() throws {
        let zeros = try Self.parameters("train", #""model": {"hidden": 4, "layers": 2, "bias_init": "zeros"}"#)
        let plain = try Self.parameters("train", #""model": {"hidden": 4, "layers": 2}"#)
        for (i, name) in zeros.names.enumerated() {
            if name.hasPrefix("bias_") {
                #expect(zeros.values[i].storage.allSatisfy { $0 == 0 }, "\(name)")
                #expect(plain.values[i].storage.contains { $0 != 0 }, "\(name)")
            } else {
                #expect(zeros.values[i] == plain.values[i], "\(name)")
            }
        }
    }

    @Test func aConstantBiasIsTheEffectiveBias() throws {
        let p = try Self.parameters("train", #""model": {"hidden": 4, "cell": "gru", "bias_init": "constant", "bias_value": -0.25}"#)
        #expect(p["bias_ih_l0"]?.storage.allSatisfy { $0 == -0.25 } == true)
        #expect(p["bias_hh_l0"]?.storage.allSatisfy { $0 == 0 } == true)
        #expect(p["bias_ih_l0"]?.count == 12)
        // The head's bias keeps nn.Linear's default.
        #expect(p["head.bias"]?.storage.contains { $0 != -0.25 && $0 != 0 } == true)
    }

    @Test func forgetBiasSetsTheForgetSliceOnly() throws {
        let h = 3
        let set = try Self.parameters("train", #""model": {"hidden": 3, "layers": 2, "cell": "lstm", "forget_bias": 1}"#)
        let plain = try Self.parameters("train", #""model": {"hidden": 3, "layers": 2, "cell": "lstm"}"#)
        for k in 0..<2 {
            let ih = try #require(set["bias_ih_l\(k)"]), hh = try #require(set["bias_hh_l\(k)"])
            let ih0 = try #require(plain["bias_ih_l\(k)"]), hh0 = try #require(plain["bias_hh_l\(k)"])
            for j in 0..<(4 * h) {
                if (h..<(2 * h)).contains(j) {  // gate order i, f, g, o
                    #expect(ih.storage[j] == 1 && hh.storage[j] == 0)
                } else {
                    #expect(ih.storage[j] == ih0.storage[j] && hh.storage[j] == hh0.storage[j])
                }
            }
        }
        // With zero biases, the forget slice is the only non-zero part.
        let zeros = try Self.parameters("train", #""model": {"hidden": 3, "cell": "lstm", "bias_init": "zeros", "forget_bias": 2}"#)
        #expect(zeros["bias_ih_l0"]?.storage == [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    }

    @Test func headInitSetsTheHeadWeightOnly() throws {
        let set = try Self.parameters("train", #""model": {"hidden": 3, "head_init": "identity-2"}"#)
        let plain = try Self.parameters("train", #""model": {"hidden": 3}"#)
        let w = try #require(set["head.weight"])
        for i in 0..<3 { for j in 0..<3 { #expect(w[i, j] == (i == j ? 2 : 0)) } }
        for name in set.names where name != "head.weight" { #expect(set[name] == plain[name], "\(name)") }
    }

    @Test(arguments: [
        (#""model": {"cell": "gru", "forget_bias": 1}"#, "model.forget_bias", "forget_bias"),
        (#""model": {"bias_value": 0.5}"#, "model.bias_value", "bias_init"),
        (#""model": {"bias_init": "zeros", "bias_value": 0.5}"#, "model.bias_value", "bias_init"),
        (#""task": {"task": "adding", "copy_lag": 10}"#, "task.copy_lag", "task"),
        (#""model": {"head_init": "orthogonal-2x"}"#, "model.head_init", "head_init"),
        (#""training": {"updates": -1}"#, "training.updates", "updates"),
        (#""task": {"task": "copy"}, "grid": {"copy_lag": [10, 100000]}"#, "grid.copy_lag", "the longest seq_len"),
        (#""task": {"task": "adding"}, "expect": [{"metric": "test_accuracy", ">": 0.5}]"#, "expect[0].metric", "a classification task"),
        (#""training": {"updates": 100, "epochs": 5}"#, "training.epochs", "beside an updates budget"),
        (#""task": {"task": "copy"}"#, "task", "needs seq_len >= 2 * copy_length + 1 = 11; or give its lag as copy_lag"),
        (#""training": {"epochs": 5}, "grid": {"updates": [0, 100]}"#, "training.epochs", "beside an updates budget"),
        (#""task": {"task": "tagging"}, "expect": [{"metric": "test_answer_loss / 2", "<": 1}]"#, "expect[0].metric", "the copy task"),
        (#""model": {"init": "orthogonal-1.2", "init_gain": 2}"#, "model.init_gain", "write 'orthogonal' and the number in init_gain"),
    ])
    func misplacedOptionsAreSpecErrors(blocks: String, path: String, mentions: String) throws {
        let error = try #require(Self.error(#"{"version": 1, "name": "t", "study": "train", \#(blocks)}"#))
        #expect(error.path == path, "\(error.description)")
        #expect(error.description.contains(mentions))
    }

    @Test func aMetricSomeRunHasPassesValidation() {
        #expect(Self.error(#"{"version": 1, "name": "t", "study": "train", "task": {"seq_len": 20}, "grid": {"task": ["adding", "copy"]}, "expect": [{"metric": "test_answer_accuracy", "where": {"task": "copy"}, ">": 0}]}"#) == nil)
        #expect(Self.error(#"{"version": 1, "name": "t", "study": "train", "expect": [{"metric": "test_accuracy", ">": 0}]}"#) == nil)
    }

    // MARK: updates, eval_every

    static let tinyTrain = #""model": {"hidden": 2}, "task": {"task": "adding", "seq_len": 4, "samples": 4, "validation_samples": 2, "test_samples": 2}"#

    static func run(_ blocks: String) throws -> RunOutcome {
        try EngineExecutor().run(try #require(try configs("train", blocks).first))
    }

    static func metric(_ outcome: RunOutcome, _ name: String) -> Double? { outcome.metrics.first { $0.name == name }?.value }

    @Test func anUpdateBudgetMakesThatManyUpdates() throws {
        // Two updates per epoch: 7 updates are 3 full epochs and one partial.
        let outcome = try Self.run(Self.tinyTrain + #", "training": {"batch_size": 2, "updates": 7}"#)
        #expect(Self.metric(outcome, "updates") == 7)
        #expect(Self.metric(outcome, "epochs_run") == 4)
        #expect(outcome.series.filter { $0.series == "train_loss" }.map(\.step) == [1, 2, 3, 4])
    }

    @Test func evaluationsEveryNUpdatesStepInUpdates() throws {
        let even = try Self.run(Self.tinyTrain + #", "training": {"batch_size": 2, "updates": 8, "eval_every": 2}"#)
        #expect(Self.metric(even, "updates") == 8)
        for name in ["train_loss", "val_loss", "val_accuracy", "lr", "grad_norm_before"] {
            #expect(even.series.filter { $0.series == name }.map(\.step) == [2, 4, 6, 8], "\(name)")
        }
        // A last evaluation after the last update when it falls between two.
        let odd = try Self.run(Self.tinyTrain + #", "training": {"batch_size": 2, "updates": 7, "eval_every": 3}"#)
        #expect(odd.series.filter { $0.series == "train_loss" }.map(\.step) == [3, 6, 7])
        // With the epochs deciding: 3 epochs of 2 updates.
        let epochs = try Self.run(Self.tinyTrain + #", "training": {"batch_size": 2, "epochs": 3, "eval_every": 4}"#)
        #expect(epochs.series.filter { $0.series == "train_loss" }.map(\.step) == [4, 6])
        #expect(Self.metric(epochs, "epochs_run") == 3)
    }

    @Test func earlyStoppingPatienceCountsEvaluations() throws {
        // An lr too small to move any weight: no evaluation improves on the first, so training stops
        // at the third evaluation with patience 2, counted in updates with eval_every 1.
        let frozen = #", "training": {"optimizer": "sgd", "lr": 1e-300, "batch_size": 2, "early_stopping_patience": 2"#
        let everyUpdate = try Self.run(Self.tinyTrain + frozen + #", "updates": 100, "eval_every": 1}"#)
        #expect(Self.metric(everyUpdate, "updates") == 3)
        #expect(everyUpdate.series.filter { $0.series == "val_loss" }.map(\.step) == [1, 2, 3])
        let everyEpoch = try Self.run(Self.tinyTrain + frozen + "}")
        #expect(Self.metric(everyEpoch, "updates") == 6)
        #expect(Self.metric(everyEpoch, "epochs_run") == 3)
    }

    @Test func theBudgetIsTheEpochsWhenTheyAgree() throws {
        let byEpochs = try Self.run(Self.tinyTrain + #", "training": {"batch_size": 2, "epochs": 3}"#)
        let byUpdates = try Self.run(Self.tinyTrain + #", "training": {"batch_size": 2, "updates": 6}"#)
        #expect(byEpochs.metrics.map(\.value).description == byUpdates.metrics.map(\.value).description)
        #expect(byEpochs.series.description == byUpdates.series.description)  // NaN accuracies: compare the text
    }

    // MARK: copy_lag and the answer-step metrics

    @Test func copyLagDerivesTheSequenceLength() throws {
        let runs = try Self.configs("train", #""task": {"task": "copy", "copy_length": 3}"#, grid: #"{"copy_lag": [10, 20]}"#)
        #expect(runs.map { $0.value("seq_len") } == [.number(16), .number(26)])
        let defaultS = try Self.configs("train", #""task": {"task": "copy", "copy_lag": 100}"#)
        #expect(defaultS.first?.value("seq_len") == .number(110))
        // A seq_len equal to the derived one is accepted; another is an error naming where it is written.
        #expect(Self.error(#"{"version": 1, "name": "t", "study": "train", "task": {"task": "copy", "copy_lag": 10, "seq_len": 20}}"#) == nil)
        let error = try #require(Self.error(#"{"version": 1, "name": "t", "study": "train", "task": {"task": "copy", "copy_lag": 10, "seq_len": 30}}"#))
        #expect(error.path == "task.seq_len")
        #expect(error.description.contains("20"))
        let onAxis = try #require(Self.error(#"{"version": 1, "name": "t", "study": "train", "task": {"task": "copy", "copy_lag": 10}, "grid": {"seq_len": [20, 30]}}"#))
        #expect(onAxis.path == "grid.seq_len", "\(onAxis.path)")
    }

    @Test func copyRunsReportAnswerStepMetricsAndOthersDoNot() throws {
        let copy = try Self.run(#""model": {"hidden": 2}, "task": {"task": "copy", "copy_lag": 2, "copy_length": 2, "samples": 4, "validation_samples": 2, "test_samples": 3}, "training": {"epochs": 1}"#)
        let accuracy = try #require(Self.metric(copy, "test_answer_accuracy"))
        let loss = try #require(Self.metric(copy, "test_answer_loss"))
        // 3 sequences x 2 answer steps: a multiple of 1/6.
        #expect((accuracy * 6).rounded() == accuracy * 6)
        #expect(loss.isFinite && loss > 0)
        let adding = try Self.run(Self.tinyTrain + #", "training": {"epochs": 1}"#)
        #expect(Self.metric(adding, "test_answer_accuracy") == nil)
        #expect(StudyOutputs.of(.train)?.hasMetric("test_answer_accuracy") == true)
    }
}

public import LinearAlgebra
public import RecurrentNets
public import SequenceTasks
public import Training

/// Tutorial 2.4.2 and 3.3: train a model on a task and record learning curves and test metrics.
///
/// Metrics: `final_train_loss`, `final_train_accuracy`, `final_val_loss`, `final_val_accuracy`,
/// `test_loss`, `test_accuracy` (NaN for regression), for copy `test_answer_loss` and
/// `test_answer_accuracy` (on the last S steps only), `epochs_run`, `updates`,
/// `diverged_at_step` (0 when not diverged), `max_grad_norm`, `mean_clip_rate`.
/// Series per epoch (per evaluation, at the update count, with an evaluation interval): `train_loss`, `train_accuracy`, `val_loss`, `val_accuracy`,
/// `grad_norm_before`, `grad_norm_after`, `clip_rate`, `lr`, `grad_h_first`.
///
/// With `lyapunovSteps` T (opt-in), also the Lyapunov spectrum (``LyapunovSpectrum``) of the
/// driven dynamics on the test sequences played end to end for T steps (transient T/5, all
/// exponents, QR every 5 steps) after every epoch: series `lyapunov_max_epoch` (epoch 0 = the
/// initialisation), and for the trained model the metrics `lyapunov_max`, `lyapunov_sum`,
/// `kaplan_yorke_dimension`, `jacobian_sv_max`, `jacobian_sv_min` and the series `lyapunov`.
public struct TrainStudy: Study {
    public var dtype: DType { model.dtype }

    public var model: ModelSettings
    public var task: TaskConfiguration
    public var training: TrainingSettings
    public var seed: Int
    /// Trajectory length of the per-epoch Lyapunov spectrum (nil: not measured).
    public var lyapunovSteps: Int?
    /// Whether the output carries the trained parameters (``StudyOutput/finalParameters``).
    public var keepsParameters: Bool

    public init(
        model: ModelSettings, task: TaskConfiguration, training: TrainingSettings, seed: Int, lyapunovSteps: Int? = nil,
        keepsParameters: Bool = false
    ) {
        self.keepsParameters = keepsParameters
        self.model = model
        self.task = task
        self.training = training
        self.seed = seed
        self.lyapunovSteps = lyapunovSteps
    }

    /// Runs the study in `S` (``Study/run()`` picks `S` from the dtype).
    public func run<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        // Called with a concrete type, `measure` is compiled for float32 and float64 (generic code
        // would look up type metadata at run time in every arithmetic step).
        if S.self == Float.self { return try measure(Float.self) }
        if S.self == Double.self { return try measure(Double.self) }
        return try measure(S.self)
    }

    private func measure<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        try trained(S.self).output
    }

    /// Trains and returns the output together with the trained model and the test set.
    func trained<S: NetScalar>(_: S.Type) throws(EngineError) -> (output: StudyOutput, model: RecurrentModel<S>, test: SequenceDataset) {
        let splits = task.makeSplits(seed: RunStreams(seed: seed).seed)
        let objective = Trainer<S>.objective(for: splits.train)
        var settings = model
        settings.inputSize = splits.train.inputFeatures
        var net: RecurrentModel<S> = try settings.makeModel(
            headOutputs: objective.outputs, placement: objective.placement, seed: seed)
        var stream = RunStreams(seed: seed).training
        // Opt-in: the spectrum on the test sequences before training and after every epoch.
        var perEpoch: [(Int, Double)] = []
        var final: LyapunovSpectrum?
        var measure: ((RecurrentModel<S>) -> LyapunovSpectrum?)?
        if let T = lyapunovSteps, T >= 2 {
            let x: Matrix<S> = LyapunovStudy.taskInputs(steps: T, features: settings.inputSize, test: splits.test)
            let options = LyapunovSpectrum.Options(transient: T / 5, exponents: nil, interval: 5)
            measure = { model in
                try? LyapunovSpectrum(
                    model: model, inputs: x, initialState: [S](repeating: 0, count: model.stateDimension), options: options)
            }
            perEpoch.append((0, measure?(net)?.maximum ?? .nan))
        }
        let log = try Trainer<S>(settings: training).train(
            &net, on: splits.train, validation: splits.validation, generator: &stream,
            afterEpoch: measure.map { m in { epoch, model in perEpoch.append((epoch, m(model)?.maximum ?? .nan)) } })
        if let measure { final = measure(net) }
        var out = StudyOutput()
        // The copy task's answer steps: its last S steps (the rest are blanks).
        let answerSteps = task.kind == .copy ? (task.steps - task.copyLength)..<task.steps : nil
        let last = log.epochs.last
        out.metric("final_train_loss", last?.trainLoss ?? .nan)
        out.metric("final_train_accuracy", last?.trainAccuracy ?? .nan)
        out.metric("final_val_loss", last?.validationLoss ?? .nan)
        out.metric("final_val_accuracy", last?.validationAccuracy ?? .nan)
        var diverged = 0
        if case let .diverged(step, _) = log.outcome {
            diverged = step
            out.metric("test_loss", .nan)
            out.metric("test_accuracy", .nan)
            if answerSteps != nil {
                out.metric("test_answer_loss", .nan)
                out.metric("test_answer_accuracy", .nan)
            }
            out.status = .diverged(step: step)
        } else {
            let test = try Trainer<S>.evaluate(net, on: splits.test)
            out.metric("test_loss", test.loss)
            out.metric("test_accuracy", test.accuracy)
            if let answer = answerSteps {
                let scored = try Trainer<S>.evaluate(net, on: splits.test, onlySteps: answer)
                out.metric("test_answer_loss", scored.loss)
                out.metric("test_answer_accuracy", scored.accuracy)
            }
        }
        out.metric("epochs_run", Double(log.epochsRun))
        out.metric("updates", Double(log.updates))
        out.metric("diverged_at_step", Double(diverged))
        out.metric("max_grad_norm", log.epochs.map(\.gradNormMax).max() ?? .nan)
        out.metric("mean_clip_rate", log.epochs.isEmpty ? .nan : log.epochs.map(\.clipRate).reduce(0, +) / Double(log.epochs.count))
        for e in log.epochs {
            let step = training.step(of: e)
            out.point("train_loss", step, e.trainLoss)
            out.point("train_accuracy", step, e.trainAccuracy)
            out.point("val_loss", step, e.validationLoss)
            out.point("val_accuracy", step, e.validationAccuracy)
            out.point("grad_norm_before", step, e.gradNormBefore)
            out.point("grad_norm_after", step, e.gradNormAfter)
            out.point("clip_rate", step, e.clipRate)
            out.point("lr", step, e.learningRate)
            out.point("grad_h_first", step, e.gradHFirst)
        }
        if lyapunovSteps != nil {
            out.metric("lyapunov_max", final?.maximum ?? .nan)
            out.metric("lyapunov_sum", final?.sum ?? .nan)
            out.metric("kaplan_yorke_dimension", final?.kaplanYorkeDimension ?? .nan)
            out.metric("jacobian_sv_max", final?.logSingularValues.first ?? .nan)
            out.metric("jacobian_sv_min", final?.logSingularValues.last ?? .nan)
            for (epoch, v) in perEpoch { out.point("lyapunov_max_epoch", epoch, v) }
            for (i, e) in (final?.exponents ?? []).enumerated() { out.point("lyapunov", i + 1, e) }
        }
        if keepsParameters {
            var kept = ParameterSet<Double>()
            for (i, name) in net.parameters.names.enumerated() {
                let m = net.parameters.values[i]
                kept.append(name, Matrix(rows: m.rows, columns: m.columns, elements: m.storage.map { Double($0) }),
                            isVector: net.parameters.shapes[i].count == 1)
            }
            out.finalParameters = kept
        }
        return (out, net, splits.test)
    }
}

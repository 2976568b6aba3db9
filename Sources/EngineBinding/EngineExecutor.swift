import LinearAlgebra
import RecurrentNets
import SequenceTasks
import Studies
import Training
import Interchange
import Foundation
public import ExperimentSpec
public import ExperimentRunner

/// Runs each configuration as a study on the engine (the executor `experiments run` uses).
public struct EngineExecutor: StudyExecutor {
    /// Also keeps freed large blocks in the process (glibc malloc tuning) so that the engine's
    /// per-run buffers are reused instead of being returned to the kernel and zeroed again, and
    /// sets OpenBLAS's environment variables now (for a spec in the openblas mode, which loads it
    /// on a worker thread), so that no thread changes the environment while others read it.
    public init() {
        _ = BLASBackend.retainFreedMemory()
        BLASBackend.prepareEnvironment()
    }

    /// Nothing to load: OpenBLAS is loaded only by a spec that asks for it (`numerics: openblas`).
    public func prepare() {}

    public func run(_ config: RunConfiguration) throws -> RunOutcome {
        let settings = try RunSettings(config)
        // The numerics mode is process-wide: one value per spec (never a grid axis), so every run
        // of the process selects the same one.
        guard Numerics.select(settings.numerics) else {
            throw RunConfiguration.AccessError(option: "numerics", problem: "openblas asked for, but OpenBLAS (libopenblas0) cannot be loaded")
        }
        // A configuration the engine rejects throws; the scheduler records the run as failed
        // with the error's text, which names the option and the reason.
        let output = try Self.study(settings, weights: config.initialWeights).run()
        if let parameters = output.finalParameters, let directory = config.weightsDirectory {
            try WeightsExport.write(parameters, of: config, dtype: settings.model.dtype, to: directory)
        }
        let status: RunStatus
        switch output.status {
        case .ok: status = .ok
        case let .diverged(step): status = .diverged(step: step)
        }
        return RunOutcome(
            status: status, metrics: output.metrics,
            series: output.series)
    }

    /// The study of a run, built from its settings alone (the options are read into them by their
    /// bindings, ``RunSettings/init(_:)``); `weights` are the loaded `model.weights` file, if any.
    static func study(_ s: RunSettings, weights: SpecWeights?) throws -> any Study {
        let model = try modelSettings(s, weights: weights)
        let options = s.studyOptions
        switch s.study {
        case .gradientFlow:
            return GradientFlowStudy(
                model: model, sequenceLength: options.sequenceLength, batchSize: options.batchSize,
                truncation: options.truncation, seed: s.seed)
        case .propagation:
            return PropagationStudy(model: model, steps: options.steps, derivative: options.derivative, seed: s.seed)
        case .train:
            return try trainStudy(s, model)
        case .states:
            return StatesStudy(training: try trainStudy(s, model))
        case .lyapunov:
            let train = try trainStudy(s, model)
            return LyapunovStudy(
                model: model, steps: options.lyapunovSteps, options: options.spectrum, drive: options.drive,
                gain: options.gain, task: train.task, training: options.measuresTraining ? train.training : nil, seed: s.seed)
        }
    }

    /// The model settings of a run's configuration (see ``study(_:weights:)``).
    func modelSettings(_ c: RunConfiguration) throws -> ModelSettings {
        try Self.modelSettings(RunSettings(c), weights: c.initialWeights)
    }

    private static func modelSettings(_ s: RunSettings, weights: SpecWeights?) throws -> ModelSettings {
        var model = s.model
        let i = s.initializers
        // init_gain is the suffix of the name the recurrent initialiser comes from: init_hh, else
        // init (then also the input's, when init_ih is empty, as with init "orthogonal-1.2").
        let gained = i.recurrentName
        model.recurrentInit = try Initializer(name: gained)
        if i.gain > 0 {
            guard !Initializer.hasParameterSuffix(gained) else {
                throw RunConfiguration.AccessError(option: "init_gain", problem: "set together with '\(gained)', which has a parameter already")
            }
            model.recurrentInit = try model.recurrentInit.withParameter(i.gain)
        }
        model.inputInit = !i.input.isEmpty ? try Initializer(name: i.input) : i.recurrent.isEmpty ? model.recurrentInit : try Initializer(name: i.both)
        switch i.bias {
        case "zeros": model.biasInit = .zeros
        case "constant": model.biasInit = .constant(i.biasValue)
        default: model.biasInit = .pytorchDefault
        }
        model.headInit = try Initializer(name: i.head)
        let file = s.weights.path.isEmpty ? nil : weights
        model.initialParameters = s.study == .train || s.study == .states ? file?.withHead : file?.withoutHead
        return model
    }

    private static func trainStudy(_ s: RunSettings, _ model: ModelSettings) throws -> TrainStudy {
        let o = s.optimizer
        let optimizer: OptimizerConfiguration
        switch o.name {
        case "momentum":
            optimizer = try OptimizerConfiguration(name: "sgd", learningRate: o.learningRate, momentum: o.momentum, weightDecay: o.weightDecay)
        case "nesterov":
            optimizer = try OptimizerConfiguration(
                name: "sgd", learningRate: o.learningRate, momentum: o.momentum, nesterov: true, weightDecay: o.weightDecay)
        case let name:
            optimizer = try OptimizerConfiguration(name: name, learningRate: o.learningRate, weightDecay: o.weightDecay, eps: o.eps, alpha: o.alpha)
        }
        let t = s.training
        let clipping: GradientClipping
        switch t.clip {
        case "norm": clipping = .norm(maxNorm: t.maxNorm)
        case "value": clipping = .value(t.clipValue)
        default: clipping = .none
        }
        let schedule: ScheduleSetting
        switch t.schedule {
        case "step": schedule = .perUpdate(.step(stepSize: t.stepSize, gamma: t.gamma))
        case "warmup": schedule = .perUpdate(.warmup(modelSize: model.hiddenSize, warmupSteps: t.warmupSteps))
        case "plateau": schedule = .plateau(factor: t.plateauFactor, patience: t.plateauPatience)
        default: schedule = .perUpdate(.constant)
        }
        let settings = try TrainingSettings(
            optimizer: optimizer, clipping: clipping, schedule: schedule, epochs: t.epochs, batchSize: t.batchSize,
            truncation: s.studyOptions.truncation, dropout: t.dropout, earlyStoppingPatience: t.earlyStoppingPatience,
            updateBudget: t.updateBudget, evaluationInterval: t.evaluationInterval)
        let task = try TaskConfiguration(
            name: s.task.kind.rawValue, steps: s.studyOptions.sequenceLength, trainCount: s.task.trainCount,
            validationCount: s.task.validationCount, testCount: s.task.testCount, symbolCount: s.task.symbolCount,
            copyLength: s.task.copyLength)
        return TrainStudy(model: model, task: task, training: settings, seed: s.seed, lyapunovSteps: t.lyapunovSteps,
                          keepsParameters: t.keepsParameters)
    }
}

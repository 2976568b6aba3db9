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
        // The numerics mode is process-wide: one value per spec (never a grid axis), so every run
        // of the process selects the same one.
        let numerics = Numerics(rawValue: try config.string("numerics")) ?? .reproducible
        guard Numerics.select(numerics) else {
            throw RunConfiguration.AccessError(option: "numerics", problem: "openblas asked for, but OpenBLAS (libopenblas0) cannot be loaded")
        }
        // A configuration the engine rejects throws; the scheduler records the run as failed
        // with the error's text, which names the option and the reason.
        let output = try study(config)
        if let parameters = output.finalParameters, let directory = config.weightsDirectory {
            try WeightsExport.write(parameters, of: config, to: directory)
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

    private func study(_ c: RunConfiguration) throws -> StudyOutput {
        let model = try modelSettings(c)
        switch c.study {
        case .gradientFlow:
            let k = try c.int("truncation")
            return try GradientFlowStudy(
                model: model, sequenceLength: try c.int("seq_len"), batchSize: try c.int("batch"),
                truncation: k > 0 ? k : nil, seed: c.seed
            ).run()
        case .propagation:
            let derivative = PropagationStudy.Derivative(rawValue: try c.string("derivative")) ?? .none
            return try PropagationStudy(model: model, steps: try c.int("steps"), derivative: derivative, seed: c.seed).run()
        case .train:
            return try trainStudy(c, model).run()
        case .states:
            return try StatesStudy(training: try trainStudy(c, model)).run()
        case .lyapunov:
            return try lyapunovStudy(c, model).run()
        }
    }

    func modelSettings(_ c: RunConfiguration) throws -> ModelSettings {
        let initName = try c.string("init")
        let ih = try c.string("init_ih")
        let hh = try c.string("init_hh")
        // Opt-ins left out of the configuration at their defaults. init_gain is the suffix of the
        // name the recurrent initialiser comes from: init_hh, else init (then also the input's,
        // when init_ih is empty, as with init "orthogonal-1.2").
        let gained = hh.isEmpty ? initName : hh
        var recurrentInit = try Initializer(name: gained)
        if case let .number(gain)? = c.value("init_gain"), gain > 0 {
            guard !Initializer.hasParameterSuffix(gained) else {
                throw RunConfiguration.AccessError(option: "init_gain", problem: "set together with '\(gained)', which has a parameter already")
            }
            recurrentInit = try recurrentInit.withParameter(gain)
        }
        let inputInit = !ih.isEmpty ? try Initializer(name: ih) : hh.isEmpty ? recurrentInit : try Initializer(name: initName)
        var biasInit = BiasInitializer.pytorchDefault
        switch c.value("bias_init") {
        case .string("zeros")?: biasInit = .zeros
        case .string("constant")?:
            if case let .number(v)? = c.value("bias_value") { biasInit = .constant(v) } else { biasInit = .constant(0) }
        default: break
        }
        var forgetBias: Double?
        if case let .number(v)? = c.value("forget_bias") { forgetBias = v }
        var headInit = Initializer.pytorchDefault
        if case let .string(name)? = c.value("head_init") { headInit = try Initializer(name: name) }
        return ModelSettings(
            cell: CellKind(rawValue: try c.string("cell")) ?? .rnn,
            nonlinearity: Nonlinearity(rawValue: try c.string("nonlinearity")) ?? .tanh,
            inputSize: try c.int("input"), hiddenSize: try c.int("hidden"), layers: try c.int("layers"),
            inputInit: inputInit,
            recurrentInit: recurrentInit,
            initialState: InitialStateMode(rawValue: try c.string("h0")) ?? .zeros,
            dtype: DType(rawValue: try c.string("dtype")) ?? .float32,
            initialParameters: c.study == .train || c.study == .states ? c.initialWeights?.withHead : c.initialWeights?.withoutHead,
            biasInit: biasInit, forgetGateBias: forgetBias, headInit: headInit)
    }

    private func lyapunovStudy(_ c: RunConfiguration, _ model: ModelSettings) throws -> LyapunovStudy {
        let k = try c.int("exponents")
        let train = try trainStudy(c, model)
        return LyapunovStudy(
            model: model, steps: try c.int("lyapunov_steps"),
            options: LyapunovSpectrum.Options(
                transient: try c.int("transient"), exponents: k > 0 ? k : nil, interval: try c.int("reorthonormalize")),
            drive: LyapunovStudy.Drive(rawValue: try c.string("drive")) ?? .normal, gain: try c.double("gain"),
            task: train.task, training: try c.bool("measure_training") ? train.training : nil, seed: c.seed)
    }

    private func trainStudy(_ c: RunConfiguration, _ model: ModelSettings) throws -> TrainStudy {
        let lr = try c.double("lr")
        let weightDecay = try c.double("weight_decay")
        let momentum = try c.double("momentum")
        let optimizer: OptimizerConfiguration
        switch try c.string("optimizer") {
        case "momentum":
            optimizer = try OptimizerConfiguration(name: "sgd", learningRate: lr, momentum: momentum, weightDecay: weightDecay)
        case "nesterov":
            optimizer = try OptimizerConfiguration(
                name: "sgd", learningRate: lr, momentum: momentum, nesterov: true, weightDecay: weightDecay)
        case let name:
            // Opt-ins left out of the configuration at their defaults (PyTorch's).
            var eps = 1e-8, alpha = 0.99
            if case let .number(n)? = c.value("eps") { eps = n }
            if case let .number(n)? = c.value("rmsprop_alpha") { alpha = n }
            optimizer = try OptimizerConfiguration(name: name, learningRate: lr, weightDecay: weightDecay, eps: eps, alpha: alpha)
        }
        let clipping: GradientClipping
        switch try c.string("clip") {
        case "norm": clipping = .norm(maxNorm: try c.double("max_norm"))
        case "value": clipping = .value(try c.double("clip_value"))
        default: clipping = .none
        }
        let schedule: ScheduleSetting
        switch try c.string("schedule") {
        case "step":
            schedule = .perUpdate(.step(stepSize: try c.int("lr_step_size"), gamma: try c.double("lr_gamma")))
        case "warmup":
            schedule = .perUpdate(.warmup(modelSize: model.hiddenSize, warmupSteps: try c.int("warmup_steps")))
        case "plateau":
            schedule = .plateau(factor: try c.double("plateau_factor"), patience: try c.int("plateau_patience"))
        default:
            schedule = .perUpdate(.constant)
        }
        let k = try c.int("truncation")
        let settings = try TrainingSettings(
            optimizer: optimizer, clipping: clipping, schedule: schedule, epochs: try c.int("epochs"),
            batchSize: try c.int("batch_size"), truncation: k > 0 ? k : nil,
            dropout: DropoutRates(
                input: try c.double("dropout_input"), between: try c.double("dropout_between"),
                output: try c.double("dropout_output")),
            earlyStoppingPatience: try c.int("early_stopping_patience"),
            updateBudget: Self.positive(c.value("updates")), evaluationInterval: Self.positive(c.value("eval_every")))
        let task = try TaskConfiguration(
            name: try c.string("task"), steps: try c.int("seq_len"), trainCount: try c.int("samples"),
            validationCount: try c.int("validation_samples"), testCount: try c.int("test_samples"),
            symbolCount: Self.positive(c.value("symbols")), copyLength: Self.positive(c.value("copy_length")))
        // An opt-in left out of the configuration at its default (0: off).
        var lyapunovSteps: Int?
        if case let .number(n)? = c.value("lyapunov_per_epoch"), n >= 2 { lyapunovSteps = Int(n) }
        let save = c.value("save_weights") == .bool(true)
        return TrainStudy(model: model, task: task, training: settings, seed: c.seed, lyapunovSteps: lyapunovSteps,
                          keepsParameters: save)
    }

    /// An opt-in count: nil (the task's default) when absent or 0.
    private static func positive(_ value: JSONValue?) -> Int? {
        if case let .number(n)? = value, n >= 1 { return Int(n) }
        return nil
    }
}

import LinearAlgebra
import RecurrentNets
import SequenceTasks
import Studies
import Training

/// The kind of study a spec runs; decides which options a run has.
public enum StudyKind: String, Sendable, CaseIterable, Hashable {
    case gradientFlow = "gradient-flow"
    case propagation
    case train
    case states
    case lyapunov
}

/// The spec block an option is written in.
public enum OptionBlock: String, Sendable, CaseIterable, Hashable {
    case model
    case training
    case task
    case studyOptions = "study_options"
}

/// The type of an option's value, with its constraints.
public enum OptionType: Sendable {
    /// An integral number within optional inclusive bounds.
    case int(min: Int?, max: Int?)
    /// A finite number; `min` is exclusive when `exclusiveMin`, `max` is exclusive when `exclusiveMax`.
    case number(min: Double?, max: Double?, exclusiveMin: Bool, exclusiveMax: Bool)
    case bool
    /// One of a fixed list of strings.
    case choice([String])
    /// A string checked by `validate`, which returns an error text or nil when the string is fine;
    /// `pattern` (a regular expression) approximates it for the JSON Schema.
    case string(summary: String, pattern: String?, validate: @Sendable (String) -> String?)
}

/// One option a run can have: where it is written, its type, default and the studies using it.
public struct OptionSpec: Sendable {
    public let name: String
    /// Blocks the option may be written in (the first is where `spec.resolved.json` puts it).
    public let blocks: [OptionBlock]
    public let type: OptionType
    public let defaultValue: JSONValue
    public let studies: Set<StudyKind>
    public let summary: String
    /// Whether a grid may vary the option (false: one value for every run of a spec).
    public let varies: Bool
    /// Whether a run at the default value leaves the option out of its configuration, key and
    /// `spec.resolved.json` (an opt-in added to a study without changing the keys of its runs).
    public let omittedAtDefault: Bool
    /// When the option has an effect (nil: always, in its studies).
    public let condition: OptionCondition?
    /// The unit of a number ("steps", "sequences", ...), or "" when it has none.
    public let unit: String
    /// The engine setting the option sets (``RunSettings``), with its description.
    public let binding: OptionBinding

    public init(
        _ name: String, _ blocks: [OptionBlock], _ type: OptionType, default defaultValue: JSONValue,
        studies: Set<StudyKind>, _ summary: String, varies: Bool = true, omittedAtDefault: Bool = false,
        when condition: OptionCondition? = nil, unit: String = "", binds binding: OptionBinding
    ) {
        self.unit = unit
        self.binding = binding
        self.varies = varies
        self.omittedAtDefault = omittedAtDefault
        self.condition = condition
        self.name = name
        self.blocks = blocks
        self.type = type
        self.defaultValue = defaultValue
        self.studies = studies
        self.summary = summary
    }

    /// Whether the option is part of a run of `study`.
    public func applies(to study: StudyKind) -> Bool { studies.contains(study) }

    /// A description of valid values, for error messages.
    public var expectation: String {
        switch type {
        case let .int(min, max):
            switch (min, max) {
            case let (lo?, hi?): return "an integer from \(lo) to \(hi)"
            case let (lo?, nil): return "an integer >= \(lo)"
            case let (nil, hi?): return "an integer <= \(hi)"
            default: return "an integer"
            }
        case let .number(min, max, exclusiveMin, exclusiveMax):
            var parts: [String] = []
            if let min { parts.append((exclusiveMin ? "> " : ">= ") + JSONValue.format(min)) }
            if let max { parts.append((exclusiveMax ? "< " : "<= ") + JSONValue.format(max)) }
            return parts.isEmpty ? "a finite number" : "a number " + parts.joined(separator: " and ")
        case .bool: return "true or false"
        case let .choice(values): return "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case let .string(summary, _, _): return summary
        }
    }

    /// Checks one value of this option at `path`; returns it normalised (integers as integral numbers).
    public func validate(_ value: JSONValue, path: String) throws(SpecError) -> JSONValue {
        func fail(_ found: String? = nil) -> SpecError {
            SpecError(path: path, expected: "\(name): \(expectation)", found: found ?? value.excerpt)
        }
        switch type {
        case let .int(min, max):
            guard case let .number(n) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            guard n.isFinite, n == n.rounded(), Swift.abs(n) < 9.0e15 else { throw fail() }
            if let min, n < Double(min) { throw fail() }
            if let max, n > Double(max) { throw fail() }
            return .number(n)
        case let .number(min, max, exclusiveMin, exclusiveMax):
            guard case let .number(n) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            guard n.isFinite else { throw fail() }
            if let min, exclusiveMin ? n <= min : n < min { throw fail() }
            if let max, exclusiveMax ? n >= max : n > max { throw fail() }
            return .number(n)
        case .bool:
            guard case .bool = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            return value
        case let .choice(values):
            guard case let .string(s) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            guard values.contains(s) else {
                throw fail(value.excerpt + SpecSuggestion.didYouMean(s, among: values))
            }
            return value
        case let .string(_, _, validate):
            guard case let .string(s) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            if let problem = validate(s) { throw fail(value.excerpt + " (" + problem + ")") }
            return value
        }
    }
}

/// Every option a run can have, in one table. Edit `OptionCatalog.all` to add options; the spec
/// decoder, the grid, the JSON Schema, the run keys and the engine settings (each option's
/// ``OptionSpec/binding`` writes its value into ``RunSettings``) all follow it.
///
/// Keys hash every applicable option's value, so adding an option to a study changes that study's
/// keys, while changing a default changes only the keys of runs whose value changes.
public enum OptionCatalog {
    private static let allStudies = Set(StudyKind.allCases)
    private static let training: Set<StudyKind> = [.train, .states, .lyapunov]
    private static let taskStudies: Set<StudyKind> = [.train, .states, .lyapunov]

    /// Initialiser names accepted by `init`, `init_ih`, `init_hh`: the engine's own list
    /// (``Initializer/names``), each optionally followed by `-<positive number>` (or `-tanh` for a gain).
    public static var initSchemes: [String] { Initializer.names }

    /// Validates an initialiser name such as `orthogonal`, `normal-0.01`, `identity-1.01` by asking
    /// the engine, so that the spec accepts exactly what a run accepts. Lower case only (the engine
    /// ignores case; one spelling keeps one run key).
    @Sendable public static func checkInit(_ text: String) -> String? {
        guard text == text.lowercased() else { return "write it in lower case ('\(text.lowercased())')" }
        do {
            _ = try Initializer(name: text)
            return nil
        } catch {
            if case .unknownName = error { return "unknown initialiser" + SpecSuggestion.didYouMean(text, among: initSchemes) }
            return error.description
        }
    }

    @Sendable private static func checkInitOrEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : checkInit(text)
    }

    private static var initSummary: String {
        "an initialiser: " + initSchemes.joined(separator: ", ") + ", optionally followed by -<positive number> (or -tanh for a gain)"
    }

    private static var initPattern: String {
        "^(" + initSchemes.joined(separator: "|") + ")(-([0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?|tanh))?$"
    }

    /// The raw values of an engine enum, as the choices of an option.
    private static func choices<E: CaseIterable & RawRepresentable>(_: E.Type) -> OptionType where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }

    /// The engine's optimisers, with `momentum` and `nesterov` as names of SGD with (Nesterov) momentum.
    private static var optimizerChoices: OptionType {
        let kinds = OptimizerConfiguration.Kind.allCases.map(\.rawValue)
        return .choice(kinds.prefix { $0 == "sgd" } + ["momentum", "nesterov"] + kinds.drop { $0 == "sgd" })
    }

    private static func unit(_ exclusiveMax: Bool = true) -> OptionType {
        .number(min: 0, max: 1, exclusiveMin: false, exclusiveMax: exclusiveMax)
    }
    private static let positive = OptionType.number(min: 0, max: nil, exclusiveMin: true, exclusiveMax: false)
    private static let nonNegative = OptionType.number(min: 0, max: nil, exclusiveMin: false, exclusiveMax: false)

    /// The table. Order here is the order of options in `spec.resolved.json` and in a record's config.
    public static let all: [OptionSpec] = [
        // model
        OptionSpec("cell", [.model], choices(CellKind.self), default: .string("rnn"),
                   studies: allStudies, "recurrent cell",
                   binds: .set(\.model.cell, "ModelSettings.cell (CellKind)")),
        OptionSpec("nonlinearity", [.model], choices(Nonlinearity.self), default: .string("tanh"),
                   studies: allStudies, "activation of the plain RNN cell", when: OptionCondition("cell", [CellKind.rnn.rawValue]),
                   binds: .set(\.model.nonlinearity, "ModelSettings.nonlinearity (Nonlinearity)")),
        OptionSpec("input", [.model], .int(min: 1, max: 65_536), default: .number(1), studies: allStudies, "input width",
                   unit: "features", binds: .set(\.model.inputSize, "ModelSettings.inputSize")),
        OptionSpec("hidden", [.model], .int(min: 1, max: 65_536), default: .number(10), studies: allStudies, "hidden width",
                   unit: "units", binds: .set(\.model.hiddenSize, "ModelSettings.hiddenSize")),
        OptionSpec("layers", [.model], .int(min: 1, max: 64), default: .number(1), studies: allStudies, "stacked layers",
                   unit: "layers", binds: .set(\.model.layers, "ModelSettings.layers")),
        OptionSpec("init", [.model], .string(summary: initSummary, pattern: initPattern, validate: checkInit),
                   default: .string("pytorch-default"), studies: allStudies, "weight initialiser",
                   binds: .set(\.initializers.both, "ModelSettings.inputInit, .recurrentInit (Initializer(name:))")),
        OptionSpec("init_ih", [.model], .string(summary: "\"\" (same as init) or " + initSummary, pattern: "^$|" + initPattern, validate: checkInitOrEmpty),
                   default: .string(""), studies: allStudies, "input-to-hidden initialiser (empty: same as init)",
                   binds: .set(\.initializers.input, "ModelSettings.inputInit (Initializer(name:))")),
        OptionSpec("init_hh", [.model], .string(summary: "\"\" (same as init) or " + initSummary, pattern: "^$|" + initPattern, validate: checkInitOrEmpty),
                   default: .string(""), studies: allStudies, "hidden-to-hidden initialiser (empty: same as init)",
                   binds: .set(\.initializers.recurrent, "ModelSettings.recurrentInit (Initializer(name:))")),
        OptionSpec("init_gain", [.model], nonNegative, default: .number(0), studies: allStudies,
                   "the numeric parameter of the recurrent weights' initialiser, as a -<number> suffix on the name it comes from (init_hh, else init, and then also the input weights' unless init_ih is set: init orthogonal with init_gain 1.2 is init orthogonal-1.2, bit for bit): the std of normal, the bound of uniform, the gain of xavier-*, kaiming-* and orthogonal, the scale of identity; 0: the initialiser's own; not beside a name with a suffix already, nor pytorch-default (it has none); left out of run keys at 0",
                   omittedAtDefault: true, binds: .set(\.initializers.gain, "ModelSettings.recurrentInit, .inputInit (Initializer.withParameter)")),
        OptionSpec("bias_init", [.model], .choice(["pytorch-default", "zeros", "constant"]), default: .string("pytorch-default"),
                   studies: allStudies,
                   "every recurrent bias (bias_ih and bias_hh of every layer; not the head's): pytorch-default U(-1/sqrt(H), 1/sqrt(H)), zeros (IRNN), or constant (bias_value); the default draws are made either way, so the weights do not change; left out of run keys at its default",
                   omittedAtDefault: true, binds: .set(\.initializers.bias, "ModelSettings.biasInit (BiasInitializer)")),
        OptionSpec("bias_value", [.model], .number(min: nil, max: nil, exclusiveMin: false, exclusiveMax: false), default: .number(0),
                   studies: allStudies,
                   "the effective bias b_ih + b_hh of every unit with bias_init constant: bias_ih holds the value and bias_hh 0 (not the value on both, which would give twice it); left out of run keys at 0",
                   omittedAtDefault: true, when: OptionCondition("bias_init", ["constant"]),
                   binds: .set(\.initializers.biasValue, "BiasInitializer.constant")),
        OptionSpec("forget_bias", [.model], .number(min: nil, max: nil, exclusiveMin: false, exclusiveMax: false), default: .null,
                   studies: allStudies,
                   "the LSTM's effective forget-gate bias (gate order i, f, g, o): the forget slice of every layer's bias_ih holds the value and that of bias_hh 0 (Jozefowicz et al. 2015, Keras unit_forget_bias: 1); other slices as bias_init leaves them; unset (null): no change; left out of run keys when unset",
                   omittedAtDefault: true, when: OptionCondition("cell", [CellKind.lstm.rawValue]),
                   binds: .optional(\.model.forgetGateBias, "ModelSettings.forgetGateBias")),
        OptionSpec("head_init", [.model], .string(summary: initSummary, pattern: initPattern, validate: checkInit),
                   default: .string("pytorch-default"), studies: [.train, .states, .lyapunov],
                   "initialiser of the output head's weight (pytorch-default: nn.Linear's U(-1/sqrt(H), 1/sqrt(H))), drawn from a stream of its own so that the other tensors keep their values; its bias keeps nn.Linear's default; left out of run keys at its default",
                   omittedAtDefault: true, binds: .set(\.initializers.head, "ModelSettings.headInit (Initializer(name:))")),
        OptionSpec("h0", [.model], choices(InitialStateMode.self), default: .string("zeros"),
                   studies: allStudies, "initial hidden state",
                   binds: .set(\.model.initialState, "ModelSettings.initialState (InitialStateMode)")),
        OptionSpec("dtype", [.model], choices(DType.self), default: .string("float32"),
                   studies: allStudies, "floating-point precision",
                   binds: .set(\.model.dtype, "ModelSettings.dtype (DType)")),
        OptionSpec("numerics", [.model], choices(Numerics.self), default: .string("reproducible"),
                   studies: allStudies,
                   "matrix products: reproducible (the project's fixed-order kernels, the same bits on every CPU) or openblas (opt-in, machine-dependent bits); one value per spec",
                   varies: false,
                   binds: .set(\.numerics, "Numerics.select (Numerics)")),
        // weights in and out (safetensors; left out of a run's key and of spec.resolved.json when unset)
        OptionSpec("weights", [.model], .string(summary: "a safetensors file (relative to the spec) or \"\" (an initialiser)", pattern: nil, validate: { _ in nil }),
                   default: .string(""), studies: allStudies, "start every run from these weights instead of an initialiser",
                   omittedAtDefault: true, binds: .set(\.weights.path, "RecurrentModel(configuration:parameters:) (SpecWeights, Interchange.WeightsBinding)")),
        OptionSpec("weights_prefix", [.model], .string(summary: "a tensor-name prefix such as \"rnn.\" or \"\"", pattern: nil, validate: { _ in nil }),
                   default: .string("rnn."), studies: allStudies, "prefix of the nn.RNN/nn.LSTM/nn.GRU tensors in the weights file",
                   varies: false, omittedAtDefault: true, binds: .set(\.weights.prefix, "WeightsBinding.prefix")),
        OptionSpec("weights_head_prefix", [.model], .string(summary: "a tensor-name prefix such as \"fc.\"", pattern: nil, validate: { _ in nil }),
                   default: .string("head."), studies: allStudies, "prefix of the nn.Linear head's weight and bias in the weights file",
                   varies: false, omittedAtDefault: true, binds: .set(\.weights.headPrefix, "WeightsBinding.headPrefix")),
        // study_options (seq_len is shared with task)
        OptionSpec("seq_len", [.studyOptions, .task], .int(min: 1, max: 100_000), default: .number(10),
                   studies: [.gradientFlow, .train, .states, .lyapunov],
                   "sequence length (one value shared by study_options and task; lyapunov: of the task's sequences)",
                   unit: "steps", binds: .set(\.studyOptions.sequenceLength, "GradientFlowStudy.sequenceLength, TaskConfiguration.steps")),
        OptionSpec("batch", [.studyOptions], .int(min: 1, max: 1_000_000), default: .number(1),
                   studies: [.gradientFlow], "sequences per measurement",
                   unit: "sequences", binds: .set(\.studyOptions.batchSize, "GradientFlowStudy.batchSize")),
        OptionSpec("steps", [.studyOptions], .int(min: 1, max: 1_000_000), default: .number(50),
                   studies: [.propagation], "multiplications by W_hh^T",
                   unit: "multiplications", binds: .set(\.studyOptions.steps, "PropagationStudy.steps")),
        OptionSpec("derivative", [.studyOptions], choices(PropagationStudy.Derivative.self), default: .string("none"),
                   studies: [.propagation], "tanh derivative along a forward trajectory (tanh) or none",
                   binds: .set(\.studyOptions.derivative, "PropagationStudy.derivative (PropagationStudy.Derivative)")),
        OptionSpec("truncation", [.studyOptions], .int(min: 0, max: 100_000), default: .number(0),
                   studies: [.gradientFlow, .train, .states, .lyapunov], "truncated BPTT window k (0 = full BPTT)",
                   unit: "steps", binds: .count(atLeast: 1, \.studyOptions.truncation, "GradientFlowStudy.truncation, TrainingSettings.truncation")),
        OptionSpec("lyapunov_steps", [.studyOptions], .int(min: 2, max: 1_000_000), default: .number(1000),
                   studies: [.lyapunov], "trajectory length T: the spectrum averages the step Jacobians J_2...J_T after the transient",
                   unit: "steps", binds: .set(\.studyOptions.lyapunovSteps, "LyapunovStudy.steps")),
        OptionSpec("transient", [.studyOptions], .int(min: 0, max: 1_000_000), default: .number(100),
                   studies: [.lyapunov], "step Jacobians discarded before averaging (fewer than lyapunov_steps - 1)",
                   unit: "steps", binds: .set(\.studyOptions.spectrum.transient, "LyapunovStudy.options.transient (LyapunovSpectrum.Options)")),
        OptionSpec("exponents", [.studyOptions], .int(min: 0, max: 1_000_000), default: .number(0),
                   studies: [.lyapunov], "Lyapunov exponents k (0 = all: the state dimension, L*H or 2*L*H for the LSTM)",
                   unit: "exponents", binds: .count(atLeast: 1, \.studyOptions.spectrum.exponents, "LyapunovStudy.options.exponents (nil for 0)")),
        OptionSpec("reorthonormalize", [.studyOptions], .int(min: 1, max: 1_000_000), default: .number(1),
                   studies: [.lyapunov], "steps between QR re-orthonormalisations of the tangent vectors",
                   unit: "steps", binds: .set(\.studyOptions.spectrum.interval, "LyapunovStudy.options.interval")),
        OptionSpec("drive", [.studyOptions], choices(LyapunovStudy.Drive.self), default: .string("normal"),
                   studies: [.lyapunov],
                   "inputs x_t: normal (N(0,1), the gradient-flow study's), none (autonomous) or task (the task's test sequences end to end)",
                   binds: .set(\.studyOptions.drive, "LyapunovStudy.drive (LyapunovStudy.Drive)")),
        OptionSpec("gain", [.studyOptions], positive, default: .number(1), studies: [.lyapunov],
                   "factor g on every weight_hh after initialisation (init_hh xavier-normal: W ~ N(0, g^2/N))",
                   binds: .set(\.studyOptions.gain, "LyapunovStudy.gain")),
        OptionSpec("measure_training", [.studyOptions], .bool, default: .bool(false), studies: [.lyapunov],
                   "train on the task (training block) first, measuring lambda_max after every epoch",
                   binds: .set(\.studyOptions.measuresTraining, "LyapunovStudy.training (TrainingSettings, when true)")),
        OptionSpec("lyapunov_per_epoch", [.studyOptions], .int(min: 0, max: 1_000_000), default: .number(0),
                   studies: [.train, .states],
                   "0: off; T >= 2: after every epoch, the Lyapunov spectrum on the task's test sequences played end to end for T steps (transient T/5, all exponents, QR every 5 steps); left out of run keys when 0",
                   omittedAtDefault: true, unit: "steps", binds: .count(atLeast: 2, \.training.lyapunovSteps, "TrainStudy.lyapunovSteps")),
        // training
        OptionSpec("optimizer", [.training], optimizerChoices,
                   default: .string("adam"), studies: training, "optimiser",
                   binds: .set(\.optimizer.name, "OptimizerConfiguration (momentum, nesterov: sgd with momentum)")),
        OptionSpec("lr", [.training], positive, default: .number(0.01), studies: training, "learning rate",
                   binds: .set(\.optimizer.learningRate, "OptimizerConfiguration.learningRate")),
        OptionSpec("momentum", [.training], unit(), default: .number(0.9), studies: training, "momentum coefficient",
                   when: OptionCondition("optimizer", ["momentum", "nesterov"]),
                   binds: .set(\.optimizer.momentum, "OptimizerConfiguration.momentum")),
        OptionSpec("rmsprop_alpha", [.training], unit(), default: .number(0.99), studies: training,
                   "RMSprop smoothing constant of the squared-gradient average (PyTorch's alpha); left out of run keys at its default",
                   omittedAtDefault: true, when: OptionCondition("optimizer", ["rmsprop"]),
                   binds: .set(\.optimizer.alpha, "OptimizerConfiguration.alpha")),
        OptionSpec("eps", [.training], positive, default: .number(1e-8), studies: training,
                   "term added to the denominator of Adam, AdamW and RMSprop; left out of run keys at its default",
                   omittedAtDefault: true, when: OptionCondition("optimizer", ["adam", "adamw", "rmsprop"]),
                   binds: .set(\.optimizer.eps, "OptimizerConfiguration.eps")),
        OptionSpec("weight_decay", [.training], nonNegative, default: .number(0), studies: training, "weight decay",
                   binds: .set(\.optimizer.weightDecay, "OptimizerConfiguration.weightDecay")),
        OptionSpec("clip", [.training], .choice(GradientClipping.knownNames), default: .string("none"),
                   studies: training, "gradient clipping",
                   binds: .set(\.training.clip, "TrainingSettings.clipping (GradientClipping)")),
        OptionSpec("max_norm", [.training], positive, default: .number(5), studies: training, "norm clipping threshold",
                   when: OptionCondition("clip", ["norm"]),
                   binds: .set(\.training.maxNorm, "GradientClipping.norm(maxNorm:)")),
        OptionSpec("clip_value", [.training], positive, default: .number(5), studies: training, "value clipping threshold",
                   when: OptionCondition("clip", ["value"]),
                   binds: .set(\.training.clipValue, "GradientClipping.value")),
        OptionSpec("schedule", [.training], .choice(LearningRateSchedule.knownNames + ["plateau"]), default: .string("constant"),
                   studies: training, "learning-rate schedule",
                   binds: .set(\.training.schedule, "TrainingSettings.schedule (ScheduleSetting)")),
        OptionSpec("lr_step_size", [.training], .int(min: 1, max: 1_000_000_000), default: .number(100), studies: training,
                   "updates between learning-rate drops (schedule step)", when: OptionCondition("schedule", ["step"]),
                   unit: "updates", binds: .set(\.training.stepSize, "LearningRateSchedule.step(stepSize:)")),
        OptionSpec("lr_gamma", [.training], .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: false), default: .number(0.1),
                   studies: training, "learning-rate factor per drop (schedule step)", when: OptionCondition("schedule", ["step"]),
                   binds: .set(\.training.gamma, "LearningRateSchedule.step(gamma:)")),
        OptionSpec("warmup_steps", [.training], .int(min: 1, max: 1_000_000_000), default: .number(100), studies: training,
                   "warm-up updates (schedule warmup: lr * H^-0.5 * min(s^-0.5, s * w^-1.5))",
                   when: OptionCondition("schedule", ["warmup"]),
                   unit: "updates", binds: .set(\.training.warmupSteps, "LearningRateSchedule.warmup(warmupSteps:)")),
        OptionSpec("plateau_factor", [.training], .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true), default: .number(0.5),
                   studies: training, "learning-rate factor on a plateau (schedule plateau)",
                   when: OptionCondition("schedule", ["plateau"]),
                   binds: .set(\.training.plateauFactor, "ScheduleSetting.plateau(factor:)")),
        OptionSpec("plateau_patience", [.training], .int(min: 0, max: 1_000_000), default: .number(5), studies: training,
                   "evaluations (epochs, or eval_every updates) without validation improvement before a drop (schedule plateau)",
                   when: OptionCondition("schedule", ["plateau"]),
                   unit: "epochs", binds: .set(\.training.plateauPatience, "ScheduleSetting.plateau(patience:)")),
        OptionSpec("epochs", [.training], .int(min: 1, max: 1_000_000), default: .number(20), studies: training, "training epochs",
                   unit: "epochs", binds: .set(\.training.epochs, "TrainingSettings.epochs")),
        OptionSpec("updates", [.training], .int(min: 0, max: 1_000_000_000), default: .number(0), studies: training,
                   "a budget of optimiser updates: training stops after this many (passing over the data as often as it takes, the last epoch partial) and epochs may not be written beside it; 0: the epochs decide; left out of run keys at 0",
                   omittedAtDefault: true, unit: "updates", binds: .count(atLeast: 1, \.training.updateBudget, "TrainingSettings.updateBudget (nil for 0)")),
        OptionSpec("eval_every", [.training], .int(min: 0, max: 1_000_000_000), default: .number(0), studies: training,
                   "updates between evaluations: the per-epoch series (train/val loss and accuracy, gradient norms, clip rate, lr) get a point every N updates, at step = updates made (and one after the last update when it falls between), each averaging the updates since the last; plateau and early-stopping patience then count evaluations; 0: once per epoch; left out of run keys at 0",
                   omittedAtDefault: true, unit: "updates", binds: .count(atLeast: 1, \.training.evaluationInterval, "TrainingSettings.evaluationInterval (nil for 0)")),
        OptionSpec("batch_size", [.training], .int(min: 1, max: 1_000_000), default: .number(32), studies: training, "minibatch size",
                   unit: "sequences", binds: .set(\.training.batchSize, "TrainingSettings.batchSize")),
        OptionSpec("dropout_input", [.training], unit(), default: .number(0), studies: training, "dropout on inputs",
                   binds: .set(\.training.dropout.input, "DropoutRates.input")),
        OptionSpec("dropout_output", [.training], unit(), default: .number(0), studies: training, "dropout on outputs",
                   binds: .set(\.training.dropout.output, "DropoutRates.output")),
        OptionSpec("dropout_between", [.training], unit(), default: .number(0), studies: training, "dropout between layers",
                   binds: .set(\.training.dropout.between, "DropoutRates.between")),
        OptionSpec("save_weights", [.training], .bool, default: .bool(false), studies: [.train, .states],
                   "write each run's final parameters to weights/<key>.safetensors (PyTorch names)", varies: false,
                   omittedAtDefault: true, binds: .set(\.training.keepsParameters, "TrainStudy.keepsParameters (WeightsExport)")),
        OptionSpec("early_stopping_patience", [.training], .int(min: 0, max: 1_000_000), default: .number(0),
                   studies: training, "evaluations (epochs, or eval_every updates) without improvement before stopping (0 = never)",
                   unit: "epochs", binds: .set(\.training.earlyStoppingPatience, "TrainingSettings.earlyStoppingPatience")),
        // task
        OptionSpec("task", [.task], choices(TaskKind.self),
                   default: .string("binary-sum"), studies: taskStudies, "sequence task",
                   binds: .set(\.task.kind, "TaskConfiguration.name (TaskKind)")),
        OptionSpec("samples", [.task], .int(min: 1, max: 10_000_000), default: .number(1000), studies: taskStudies, "training samples",
                   unit: "sequences", binds: .set(\.task.trainCount, "TaskConfiguration.trainCount")),
        OptionSpec("validation_samples", [.task], .int(min: 1, max: 10_000_000), default: .number(100), studies: taskStudies, "validation samples",
                   unit: "sequences", binds: .set(\.task.validationCount, "TaskConfiguration.validationCount")),
        OptionSpec("test_samples", [.task], .int(min: 1, max: 10_000_000), default: .number(100), studies: taskStudies, "test samples",
                   unit: "sequences", binds: .set(\.task.testCount, "TaskConfiguration.testCount")),
        OptionSpec("symbols", [.task], .int(min: 0, max: 1000), default: .number(0), studies: taskStudies,
                   "alphabet size K of copy (0: its default 8; papers use 8 or 10 symbols plus blank and delimiter) and tagging (0: 3); left out of run keys at 0",
                   omittedAtDefault: true, when: OptionCondition("task", ["copy", "tagging"]),
                   unit: "symbols", binds: .count(atLeast: 1, \.task.symbolCount, "TaskConfiguration.symbolCount")),
        OptionSpec("copy_length", [.task], .int(min: 0, max: 1000), default: .number(0), studies: taskStudies,
                   "symbols S to remember in copy (0: its default 5); left out of run keys at 0",
                   omittedAtDefault: true, when: OptionCondition("task", ["copy"]),
                   unit: "symbols", binds: .count(atLeast: 1, \.task.copyLength, "TaskConfiguration.copyLength")),
        OptionSpec("copy_lag", [.task], .int(min: 0, max: 100_000), default: .number(0), studies: taskStudies,
                   "the copy task's lag T (Arjovsky, Shah & Bengio 2016): S symbols, T - 1 blanks, the delimiter, S blanks, so seq_len is derived as T + 2S (a seq_len written beside it must equal that; one at its default 10 counts as unset); 0: seq_len decides; left out of run keys at 0",
                   omittedAtDefault: true, when: OptionCondition("task", ["copy"]),
                   unit: "steps", binds: .count(atLeast: 1, \.task.copyLag, "TaskConfiguration.steps (copy_lag + 2 * copy_length)")),
    ]

    private static let byName: [String: OptionSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The option called `name`, if any.
    public static func option(named name: String) -> OptionSpec? { byName[name] }

    /// The value of `name` in a run's configuration (a flat object of options), or nil when the
    /// run has no such option or the option has no effect in it (its condition fails). An option
    /// left out of the configuration at its default (`omittedAtDefault`) has its default value.
    public static func effectiveValue(of name: String, in config: JSONValue) -> JSONValue? {
        let spec = option(named: name)
        var value = config[name]
        if value == nil, let spec, spec.omittedAtDefault, spec.defaultValue != .null,
           case let .string(study)? = config["study"], let kind = StudyKind(rawValue: study), spec.applies(to: kind) {
            value = spec.defaultValue
        }
        guard let value else { return nil }
        guard let condition = spec?.condition else { return value }
        let governing = config[condition.option] ?? effectiveValue(of: condition.option, in: config)
        return governing.map(condition.holds) == false ? nil : value
    }

    /// Options written in `block`, in table order.
    public static func options(in block: OptionBlock) -> [OptionSpec] { all.filter { $0.blocks.contains(block) } }

    /// Options of a run of `study`, in table order.
    public static func options(for study: StudyKind) -> [OptionSpec] { all.filter { $0.applies(to: study) } }
}

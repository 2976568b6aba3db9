public import LinearAlgebra
public import RecurrentNets
public import SequenceTasks
public import Studies

/// The engine settings of one run, written by its options' bindings (``OptionSpec/binding``): the
/// inputs of the engine's `ModelSettings`, `OptimizerConfiguration`, `TrainingSettings`,
/// `TaskConfiguration` and study parameters, typed. An executor builds the study from these
/// fields alone; which option sets which field is said only in ``OptionCatalog/all``.
///
/// Every field is written by some option's binding (options a study does not use at their
/// defaults), so the initial values below are placeholders only.
public struct RunSettings: Sendable, Equatable {
    /// Initialiser names (`Initializer(name:)`): one for both weight kinds, and overrides; the
    /// recurrent initialiser's parameter; the biases; the head's weight.
    public struct Initializers: Sendable, Equatable {
        public var both = ""
        /// "": `both`.
        public var input = ""
        /// "": `both`.
        public var recurrent = ""
        /// The parameter of the recurrent initialiser (`Initializer.withParameter`); 0: its own.
        public var gain = 0.0
        /// `pytorch-default`, `zeros` or `constant` (``biasValue``): `BiasInitializer`.
        public var bias = ""
        public var biasValue = 0.0
        /// The head's weight initialiser.
        public var head = ""
        /// The name the initialiser of every `weight_hh` comes from.
        public var recurrentName: String { recurrent.isEmpty ? both : recurrent }
    }

    /// The weights file a run starts from (read when the spec is loaded: ``RunConfiguration/initialWeights``).
    public struct Weights: Sendable, Equatable {
        /// "": none (the initialisers).
        public var path = ""
        public var prefix = ""
        public var headPrefix = ""
    }

    /// The inputs of `OptimizerConfiguration`; `name` is an engine optimiser or `momentum` /
    /// `nesterov` (SGD with (Nesterov) momentum).
    public struct Optimizer: Sendable, Equatable {
        public var name = ""
        public var learningRate = 0.0
        public var momentum = 0.0
        public var eps = 0.0
        public var alpha = 0.0
        public var weightDecay = 0.0
    }

    /// The inputs of `TrainingSettings` (besides the optimiser) and of `TrainStudy`.
    public struct Training: Sendable, Equatable {
        /// `GradientClipping` by name, with its thresholds.
        public var clip = ""
        public var maxNorm = 0.0
        public var clipValue = 0.0
        /// `constant`, `step`, `warmup` (`LearningRateSchedule`) or `plateau`, with their parameters.
        public var schedule = ""
        public var stepSize = 0
        public var gamma = 0.0
        public var warmupSteps = 0
        public var plateauFactor = 0.0
        public var plateauPatience = 0
        public var epochs = 0
        public var batchSize = 0
        public var dropout = DropoutRates.none
        public var earlyStoppingPatience = 0
        /// Optimiser updates to stop after (nil: the epochs decide).
        public var updateBudget: Int?
        /// Updates between evaluations (nil: once per epoch).
        public var evaluationInterval: Int?
        /// Lyapunov spectrum after every epoch over this many steps (nil: off).
        public var lyapunovSteps: Int?
        /// Keep the final parameters (to write them as safetensors).
        public var keepsParameters = false
    }

    /// The inputs of `TaskConfiguration` (its steps are ``StudyOptions/sequenceLength``).
    public struct Task: Sendable, Equatable {
        public var kind = TaskKind.binarySum
        public var trainCount = 0
        public var validationCount = 0
        public var testCount = 0
        /// nil: the task's default.
        public var symbolCount: Int?
        /// nil: the task's default.
        public var copyLength: Int?
        /// The copy task's lag (nil: none); the grid derives ``StudyOptions/sequenceLength`` from it.
        public var copyLag: Int?
    }

    /// The parameters of the studies.
    public struct StudyOptions: Sendable, Equatable {
        /// Steps per sequence (gradient-flow; the task's sequences).
        public var sequenceLength = 0
        /// Sequences per gradient-flow measurement.
        public var batchSize = 0
        /// Propagation steps.
        public var steps = 0
        public var derivative = PropagationStudy.Derivative.none
        /// Truncated-BPTT window (nil: full BPTT), gradient-flow and training.
        public var truncation: Int?
        /// Lyapunov trajectory length.
        public var lyapunovSteps = 0
        public var spectrum = LyapunovSpectrum.Options()
        public var drive = LyapunovStudy.Drive.normal
        public var gain = 0.0
        /// Lyapunov: train on the task first.
        public var measuresTraining = false
    }

    public var study: StudyKind
    public var seed: Int
    /// The process's matrix-product mode.
    public var numerics = Numerics.reproducible
    /// The model; its initialisers come from ``initializers`` and its initial parameters from the
    /// weights file (``weights``), so an executor sets those two.
    public var model = ModelSettings()
    public var initializers = Initializers()
    public var weights = Weights()
    public var optimizer = Optimizer()
    public var training = Training()
    public var task = Task()
    public var studyOptions = StudyOptions()

    /// The settings of `config`: each option of the catalogue written by its binding, with the
    /// run's value (the default when the run leaves it out, or when its study does not use it).
    public init(_ config: RunConfiguration) throws(RunConfiguration.AccessError) {
        try self.init(study: config.study, seed: config.seed, value: config.value)
    }

    /// The settings of a run of `study` whose option values `value` gives (nil: the default).
    init(study: StudyKind, seed: Int, value: (String) -> JSONValue?) throws(RunConfiguration.AccessError) {
        self.study = study
        self.seed = seed
        for option in OptionCatalog.all {
            let given = option.applies(to: study) ? value(option.name) : nil
            try option.binding.write(given ?? option.defaultValue, of: option.name, to: &self)
        }
    }
}

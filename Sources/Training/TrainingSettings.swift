public import RecurrentNets

/// How the learning rate evolves during training.
public enum ScheduleSetting: Sendable, Equatable {
    /// A schedule stepped once per optimiser update (constant, step, warmup).
    case perUpdate(LearningRateSchedule)
    /// ReduceLROnPlateau on the validation loss, stepped once per epoch.
    case plateau(factor: Double, patience: Int)
}

/// Everything the training loop needs besides the model and data.
public struct TrainingSettings: Sendable, Equatable {
    public var optimizer: OptimizerConfiguration
    public var clipping: GradientClipping
    public var schedule: ScheduleSetting
    /// Passes over the training set.
    public var epochs: Int
    /// Sequences per update.
    public var batchSize: Int
    /// Truncated-BPTT window (nil: full BPTT). Gradients of all windows are summed per update.
    public var truncation: Int?
    public var dropout: DropoutRates
    /// Evaluations without validation improvement before stopping (0: never); the best weights are
    /// restored. An evaluation is one per epoch, or one per `evaluationInterval` updates.
    public var earlyStoppingPatience: Int
    /// A budget of optimiser updates (nil: `epochs` decide). With a budget, training makes exactly
    /// this many updates (unless it diverges or stops early), passing over the data as many times
    /// as it takes; the last epoch may be partial, and `epochs` is not used.
    public var updateBudget: Int?
    /// Updates between evaluations (nil: one at the end of every epoch). With an interval, the log
    /// holds a record after every `evaluationInterval` updates (and one after the last update when
    /// it falls between), each averaging the updates since the one before.
    public var evaluationInterval: Int?

    /// The step a log record stands at in a series: its epoch, or with an evaluation interval the
    /// updates made when it was taken.
    public func step(of record: EpochMetrics) -> Int {
        evaluationInterval == nil ? record.epoch : record.updates
    }

    public init(
        optimizer: OptimizerConfiguration, clipping: GradientClipping = .none,
        schedule: ScheduleSetting = .perUpdate(.constant), epochs: Int, batchSize: Int, truncation: Int? = nil,
        dropout: DropoutRates = .none, earlyStoppingPatience: Int = 0, updateBudget: Int? = nil,
        evaluationInterval: Int? = nil
    ) throws(TrainingError) {
        if let updateBudget, updateBudget < 1 {
            throw .invalidValue(field: "updates", value: "\(updateBudget)", expected: "an integer >= 1")
        }
        if let evaluationInterval, evaluationInterval < 1 {
            throw .invalidValue(field: "eval_every", value: "\(evaluationInterval)", expected: "an integer >= 1")
        }
        self.updateBudget = updateBudget
        self.evaluationInterval = evaluationInterval
        guard epochs >= 1 else { throw .invalidValue(field: "epochs", value: "\(epochs)", expected: "an integer >= 1") }
        guard batchSize >= 1 else {
            throw .invalidValue(field: "batch_size", value: "\(batchSize)", expected: "an integer >= 1")
        }
        if let truncation, truncation <= 0 {
            throw .invalidValue(field: "truncation", value: "\(truncation)", expected: "a window k >= 1")
        }
        guard earlyStoppingPatience >= 0 else {
            throw .invalidValue(field: "early_stopping_patience", value: "\(earlyStoppingPatience)", expected: ">= 0")
        }
        do { try dropout.validate() } catch {
            throw .invalidValue(field: "dropout", value: "\(dropout)", expected: "rates in [0, 1)")
        }
        self.optimizer = optimizer
        self.clipping = clipping
        self.schedule = schedule
        self.epochs = epochs
        self.batchSize = batchSize
        self.truncation = truncation
        self.dropout = dropout
        self.earlyStoppingPatience = earlyStoppingPatience
    }
}

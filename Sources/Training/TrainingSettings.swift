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
    /// Epochs without validation improvement before stopping (0: never); the best weights are restored.
    public var earlyStoppingPatience: Int

    public init(
        optimizer: OptimizerConfiguration, clipping: GradientClipping = .none,
        schedule: ScheduleSetting = .perUpdate(.constant), epochs: Int, batchSize: Int, truncation: Int? = nil,
        dropout: DropoutRates = .none, earlyStoppingPatience: Int = 0
    ) throws(TrainingError) {
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

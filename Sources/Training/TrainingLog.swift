/// Metrics of one epoch, or of the updates between two evaluations (``TrainingSettings/evaluationInterval``).
public struct EpochMetrics: Sendable, Equatable {
    /// 1-based epoch (with an evaluation interval: the epoch the evaluation fell in).
    public var epoch: Int
    /// Optimiser updates made when the record was taken (counted from the start of training).
    public var updates: Int = 0
    /// Mean training loss over the epoch's updates (the updates since the previous record).
    public var trainLoss: Double
    /// Training accuracy over the epoch (NaN for regression).
    public var trainAccuracy: Double
    /// Validation loss and accuracy after the epoch (NaN without a validation set).
    public var validationLoss: Double
    public var validationAccuracy: Double
    /// Mean global gradient norm before and after clipping over the epoch's updates.
    public var gradNormBefore: Double
    public var gradNormAfter: Double
    /// Largest pre-clip norm of the epoch.
    public var gradNormMax: Double
    /// Fraction of updates that were clipped.
    public var clipRate: Double
    /// Learning rate used by the epoch's last update.
    public var learningRate: Double
    /// Mean `||dL/dh_1||` (layer 0) over the epoch's updates.
    public var gradHFirst: Double
}

/// How training ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// All epochs ran (or early stopping ended them at `stoppedAt`).
    case completed(stoppedAt: Int?)
    /// A loss or gradient became NaN or infinite at update `step` (1-based) of epoch `epoch`.
    case diverged(step: Int, epoch: Int)
}

/// Per-epoch metrics and the outcome of a training run.
public struct TrainingLog: Sendable, Equatable {
    public var epochs: [EpochMetrics] = []
    public var outcome: TrainingOutcome = .completed(stoppedAt: nil)
    /// Optimiser updates made.
    public var updates = 0
    /// Epochs begun (the last may be partial: an update budget spent, divergence, early stopping).
    public var epochsRun = 0
    public init() {}
}

/// Whether a smaller or a larger monitored metric is better.
public enum MetricMode: String, Sendable, CaseIterable, Hashable {
    /// Lower is better (losses).
    case min
    /// Higher is better (accuracies).
    case max

    /// A mode from "min" or "max".
    /// - Throws: ``TrainingError/unknownName(field:value:known:)``.
    public init(name: String) throws(TrainingError) {
        guard let mode = MetricMode(rawValue: Check.normalized(name)) else {
            throw .unknownName(field: "mode", value: name, known: Self.allCases.map(\.rawValue))
        }
        self = mode
    }
}

/// `torch.optim.lr_scheduler.ReduceLROnPlateau` for a single parameter group.
///
/// After each ``step(metric:)`` (typically once per epoch with the validation loss):
/// a metric is an improvement when, for mode min, `metric < best*(1-threshold)` (rel) or
/// `metric < best - threshold` (abs); for max, `metric > best*(1+threshold)` (rel) or
/// `metric > best + threshold` (abs). Non-improvements increment a counter, which is reset
/// during cooldown; when it exceeds `patience` the rate becomes `max(lr*factor, minLR)` —
/// applied only if it drops by more than `eps` — and a cooldown of `cooldown` steps begins.
/// A NaN metric is never an improvement.
public struct ReduceLROnPlateau: Sendable, Equatable, Hashable {
    /// How thresholds are applied.
    public enum ThresholdMode: String, Sendable, CaseIterable, Hashable {
        /// Relative to the best value.
        case rel
        /// An absolute margin.
        case abs
    }

    /// Min or max mode.
    public let mode: MetricMode
    /// Multiplier applied on a plateau, in (0, 1).
    public let factor: Double
    /// Non-improving steps tolerated before reducing (>= 0).
    public let patience: Int
    /// Significance threshold for an improvement (>= 0).
    public let threshold: Double
    /// Relative or absolute threshold.
    public let thresholdMode: ThresholdMode
    /// Steps to wait after a reduction before counting again (>= 0).
    public let cooldown: Int
    /// Lower bound on the rate (>= 0).
    public let minLearningRate: Double
    /// Reductions smaller than this are ignored (>= 0).
    public let eps: Double

    /// The current learning rate.
    public private(set) var learningRate: Double
    /// The best metric so far (+inf / -inf before the first step).
    public private(set) var best: Double
    /// Consecutive non-improving steps counted so far.
    public private(set) var badSteps = 0
    /// Remaining cooldown steps.
    public private(set) var cooldownCounter = 0
    /// Steps taken.
    public private(set) var stepCount = 0
    /// Number of reductions applied.
    public private(set) var reductions = 0

    /// A scheduler starting at `learningRate`; defaults are PyTorch's.
    /// - Throws: ``TrainingError/invalidValue(field:value:expected:)`` if factor is not in
    ///   (0, 1) or a count/threshold/bound is negative.
    public init(
        learningRate: Double, mode: MetricMode = .min, factor: Double = 0.1, patience: Int = 10,
        threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
        minLearningRate: Double = 0, eps: Double = 1e-8
    ) throws(TrainingError) {
        try Check.nonNegative("lr", learningRate)
        guard factor > 0, factor < 1 else {
            throw .invalidValue(field: "factor", value: "\(factor)", expected: "a number in (0, 1)")
        }
        try Check.nonNegativeInt("patience", patience)
        try Check.nonNegative("threshold", threshold)
        try Check.nonNegativeInt("cooldown", cooldown)
        try Check.nonNegative("min_lr", minLearningRate)
        try Check.nonNegative("eps", eps)
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
        self.eps = eps
        self.learningRate = learningRate
        self.best = mode == .min ? .infinity : -.infinity
    }

    /// Whether a reduction was made recently enough that bad steps are not counted.
    public var inCooldown: Bool { cooldownCounter > 0 }

    /// Records one metric value and returns the learning rate to use from now on.
    @discardableResult
    public mutating func step(metric: Double) -> Double {
        stepCount += 1
        if isBetter(metric, than: best) {
            best = metric
            badSteps = 0
        } else {
            badSteps += 1
        }
        if inCooldown {
            cooldownCounter -= 1
            badSteps = 0
        }
        if badSteps > patience {
            let newLR = Swift.max(learningRate * factor, minLearningRate)
            if learningRate - newLR > eps {
                learningRate = newLR
                reductions += 1
            }
            cooldownCounter = cooldown
            badSteps = 0
        }
        return learningRate
    }

    /// Whether `value` improves on `reference` under this mode and threshold.
    public func isBetter(_ value: Double, than reference: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return value < reference * (1.0 - threshold)
        case (.min, .abs): return value < reference - threshold
        case (.max, .rel): return value > reference * (threshold + 1.0)
        case (.max, .abs): return value > reference + threshold
        }
    }
}

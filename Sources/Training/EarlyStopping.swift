public import LinearAlgebra
public import RecurrentNets

/// Stops training when a monitored metric has not improved for `patience` evaluations, and
/// optionally keeps a copy of the best parameters to restore.
///
/// An evaluation improves when (mode min) `metric < best - minDelta` or (mode max)
/// `metric > best + minDelta`; the first finite metric always improves. NaN never improves.
/// Training should stop once `patience` consecutive evaluations have not improved
/// (Keras' `EarlyStopping` counting).
public struct EarlyStopping<Scalar: NetScalar>: Sendable {
    /// Evaluations without improvement tolerated (> 0).
    public let patience: Int
    /// Minimum change that counts as an improvement (>= 0).
    public let minDelta: Double
    /// Whether lower or higher is better.
    public let mode: MetricMode
    /// Whether to keep the best parameters (see ``bestParameters``).
    public let restoreBest: Bool

    /// The best metric seen, if any.
    public private(set) var bestMetric: Double?
    /// The 0-based evaluation index of the best metric.
    public private(set) var bestEvaluation: Int?
    /// The parameters at the best evaluation (only when `restoreBest`).
    public private(set) var bestParameters: ParameterSet<Scalar>?
    /// Consecutive evaluations without improvement.
    public private(set) var badEvaluations = 0
    /// Evaluations recorded.
    public private(set) var evaluations = 0
    /// Whether training should stop.
    public private(set) var shouldStop = false

    /// A validated early-stopping rule.
    /// - Throws: ``TrainingError/invalidValue(field:value:expected:)`` for patience <= 0 or
    ///   a negative / non-finite min_delta.
    public init(
        patience: Int, minDelta: Double = 0, mode: MetricMode = .min, restoreBest: Bool = true
    ) throws(TrainingError) {
        try Check.positiveInt("patience", patience)
        try Check.nonNegative("min_delta", minDelta)
        self.patience = patience
        self.minDelta = minDelta
        self.mode = mode
        self.restoreBest = restoreBest
    }

    /// Records an evaluation of `parameters` and returns whether training should stop.
    @discardableResult
    public mutating func update(metric: Double, parameters: ParameterSet<Scalar>) -> Bool {
        defer { evaluations += 1 }
        if improves(metric) {
            bestMetric = metric
            bestEvaluation = evaluations
            badEvaluations = 0
            if restoreBest { bestParameters = parameters }
        } else {
            badEvaluations += 1
            if badEvaluations >= patience { shouldStop = true }
        }
        return shouldStop
    }

    /// Whether `metric` would count as an improvement now.
    public func improves(_ metric: Double) -> Bool {
        guard !metric.isNaN else { return false }
        guard let best = bestMetric else { return true }
        switch mode {
        case .min: return metric < best - minDelta
        case .max: return metric > best + minDelta
        }
    }
}

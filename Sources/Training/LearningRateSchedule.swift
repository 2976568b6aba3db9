/// A learning-rate schedule driven by the number of scheduler steps taken.
///
/// `step` counts `scheduler.step()` calls as in PyTorch: the first optimiser update uses
/// step 0. (For a per-epoch StepLR pass the epoch index; for the warmup schedule, which the
/// tutorial steps after every batch, pass the update index.)
public enum LearningRateSchedule: Sendable, Equatable, Hashable {
    /// The base rate throughout.
    case constant
    /// `torch.optim.lr_scheduler.StepLR`: multiply by `gamma` every `stepSize` steps.
    case step(stepSize: Int, gamma: Double)
    /// The tutorial's warmup (Noam) schedule applied through `LambdaLR`:
    /// `lr = base * modelSize^-0.5 * min(s^-0.5, s * warmupSteps^-1.5)` with `s = max(step, 1)`.
    case warmup(modelSize: Int, warmupSteps: Int)

    /// The accepted names.
    public static let knownNames = ["constant", "step", "warmup"]

    /// A validated schedule from its name.
    ///
    /// - "constant"; "step" needs `stepSize` > 0 and `gamma` > 0; "warmup" (alias "noam")
    ///   needs `modelSize` > 0 (d_model, e.g. the hidden size) and `warmupSteps` > 0
    ///   (default 4000 as in the tutorial).
    /// - Throws: ``TrainingError`` for an unknown name or invalid values.
    public init(
        name: String, stepSize: Int? = nil, gamma: Double = 0.1, modelSize: Int? = nil,
        warmupSteps: Int = 4000
    ) throws(TrainingError) {
        switch Check.normalized(name) {
        case "constant", "none": self = .constant
        case "step", "steplr", "step-lr":
            guard let stepSize else {
                throw .invalidValue(field: "step_size", value: "nil", expected: "an integer > 0")
            }
            try Check.positiveInt("step_size", stepSize)
            try Check.positive("gamma", gamma)
            self = .step(stepSize: stepSize, gamma: gamma)
        case "warmup", "noam":
            guard let modelSize else {
                throw .invalidValue(field: "d_model", value: "nil", expected: "an integer > 0")
            }
            try Check.positiveInt("d_model", modelSize)
            try Check.positiveInt("warmup_steps", warmupSteps)
            self = .warmup(modelSize: modelSize, warmupSteps: warmupSteps)
        default:
            throw .unknownName(field: "lr_schedule", value: name, known: Self.knownNames)
        }
    }

    /// The tutorial's `get_lr(step, d_model, warmup_steps)` (the LambdaLR multiplier).
    ///
    /// The powers are built from correctly rounded square roots and divisions, not `pow` (libm's
    /// `pow` is not the same on every platform): `x^-0.5 = 1 / sqrt(x)` (within 1 ulp) and
    /// `s * w^-1.5 = s / (w * sqrt(w))` (within 1.5 ulp), so the factor is within a few ulp of the
    /// tutorial's and the same bits everywhere.
    public static func noamFactor(step: Int, modelSize: Int, warmupSteps: Int) -> Double {
        let s = Double(Swift.max(step, 1))
        let w = Double(warmupSteps)
        return (1 / Double(modelSize).squareRoot())
            * Swift.min(1 / s.squareRoot(), s / (w * w.squareRoot()))
    }

    /// The learning rate after `step` scheduler steps, starting from `base`.
    ///
    /// StepLR is evaluated as PyTorch's chained form (`lr *= gamma` at each boundary), so the
    /// values match `scheduler.get_last_lr()` to the last bit.
    public func learningRate(base: Double, step: Int) -> Double {
        switch self {
        case .constant:
            return base
        case let .step(stepSize, gamma):
            var lr = base
            let boundaries = Swift.max(step, 0) / stepSize
            for _ in 0..<boundaries { lr *= gamma }
            return lr
        case let .warmup(modelSize, warmupSteps):
            return base * Self.noamFactor(step: step, modelSize: modelSize, warmupSteps: warmupSteps)
        }
    }
}

/// The optimiser kind and its hyper-parameters, validated; PyTorch's names and defaults.
///
/// The learning rate kept here is the *base* rate; a schedule may scale it per step and the
/// result is passed to ``Optimizer/step(parameters:gradients:learningRate:)``.
public struct OptimizerConfiguration: Sendable, Equatable, Hashable {
    /// The update rule.
    public enum Kind: String, Sendable, CaseIterable, Hashable {
        /// `torch.optim.SGD` (momentum, dampening, Nesterov, L2 weight decay).
        case sgd
        /// `torch.optim.Adam` (L2 weight decay added to the gradient, optional AMSGrad).
        case adam
        /// `torch.optim.AdamW` (decoupled weight decay, optional AMSGrad).
        case adamw
        /// `torch.optim.RMSprop` (optionally centred, with momentum).
        case rmsprop
    }

    /// The update rule.
    public let kind: Kind
    /// Base learning rate (>= 0).
    public let learningRate: Double
    /// SGD / RMSprop momentum factor, in [0, 1).
    public let momentum: Double
    /// SGD dampening for momentum, in [0, 1].
    public let dampening: Double
    /// SGD Nesterov momentum (requires momentum > 0 and dampening 0).
    public let nesterov: Bool
    /// Weight decay: L2 added to the gradient (SGD, Adam, RMSprop) or decoupled (AdamW); >= 0.
    public let weightDecay: Double
    /// Adam/AdamW coefficient of the running mean of gradients, in [0, 1).
    public let beta1: Double
    /// Adam/AdamW coefficient of the running mean of squared gradients, in [0, 1).
    public let beta2: Double
    /// Term added to the denominator (after the square root) for stability; > 0.
    public let eps: Double
    /// Adam/AdamW: use the running maximum of the second moment (AMSGrad).
    public let amsgrad: Bool
    /// RMSprop smoothing constant of the squared-gradient average, in [0, 1).
    public let alpha: Double
    /// RMSprop: normalise by the estimated variance (subtract the squared mean gradient).
    public let centered: Bool

    /// The accepted names (case-insensitive; `_` is read as `-`).
    public static let knownNames: [String] = Kind.allCases.map(\.rawValue)

    /// A validated configuration; unspecified values take PyTorch's defaults.
    ///
    /// Defaults: lr 1e-3 (1e-2 for RMSprop), momentum 0, dampening 0, nesterov false,
    /// weight decay 0 (1e-2 for AdamW), betas (0.9, 0.999), eps 1e-8, amsgrad false,
    /// alpha 0.99, centered false.
    /// - Throws: ``TrainingError/unknownName(field:value:known:)`` for an unknown `name`,
    ///   ``TrainingError/invalidValue(field:value:expected:)`` for a value out of range,
    ///   ``TrainingError/incompatibleSettings(field:value:reason:)`` for Nesterov without
    ///   momentum or with dampening.
    public init(
        name: String, learningRate: Double? = nil, momentum: Double = 0, dampening: Double = 0,
        nesterov: Bool = false, weightDecay: Double? = nil, betas: (Double, Double) = (0.9, 0.999),
        eps: Double = 1e-8, amsgrad: Bool = false, alpha: Double = 0.99, centered: Bool = false
    ) throws(TrainingError) {
        let key = Check.normalized(name)
        let aliases: [String: Kind] = ["sgd": .sgd, "adam": .adam, "adamw": .adamw, "adam-w": .adamw,
                                       "rmsprop": .rmsprop, "rms-prop": .rmsprop]
        guard let kind = aliases[key] else {
            throw .unknownName(field: "optimizer", value: name, known: Self.knownNames)
        }
        let lr = learningRate ?? (kind == .rmsprop ? 1e-2 : 1e-3)
        let wd = weightDecay ?? (kind == .adamw ? 1e-2 : 0)
        try Check.nonNegative("lr", lr)
        try Check.unitHalfOpen("momentum", momentum)
        try Check.unitClosed("dampening", dampening)
        try Check.nonNegative("weight_decay", wd)
        try Check.unitHalfOpen("beta1", betas.0)
        try Check.unitHalfOpen("beta2", betas.1)
        try Check.positive("eps", eps)
        try Check.unitHalfOpen("alpha", alpha)
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw .incompatibleSettings(
                field: "nesterov", value: "true",
                reason: "Nesterov momentum requires momentum > 0 and dampening = 0 (got momentum \(momentum), dampening \(dampening))")
        }
        self.kind = kind
        self.learningRate = lr
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = wd
        self.beta1 = betas.0
        self.beta2 = betas.1
        self.eps = eps
        self.amsgrad = amsgrad
        self.alpha = alpha
        self.centered = centered
    }
}

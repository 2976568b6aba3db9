public import LinearAlgebra
public import RecurrentNets

/// A first-order optimiser with PyTorch's `torch.optim` update rules and per-parameter state.
///
/// State (momentum buffers, moment estimates) is kept per parameter index and created lazily on
/// the first ``step(parameters:gradients:learningRate:)``; later steps must pass the same
/// parameter names in the same order.
///
/// Arithmetic: every update is computed in `Double` following the operation order of PyTorch's
/// single-tensor (`foreach=False`) CPU implementations, and the state is stored in `Double`.
/// For `Double` parameters the results therefore match `torch.optim` in float64 to a few ulps.
/// For `Float` parameters only the parameters themselves are rounded to float32 after each
/// update (PyTorch would also round the state and every intermediate to float32), so results
/// agree with float32 PyTorch to float32 rounding, not bit for bit.
///
/// Rules (g = gradient, p = parameter, t = step count from 1, lr = the rate passed in):
/// - SGD: `g += wd*p`; with momentum `b = g` on the first step, then `b = m*b + (1-dampening)*g`;
///   Nesterov uses `g + m*b`, otherwise `b`; `p -= lr * that`.
/// - Adam: `g += wd*p`; `m = m + (1-beta1)*(g-m)`; `v = beta2*v + (1-beta2)*g*g`;
///   (AMSGrad: `vmax = max(vmax, v)` replaces v); `denom = sqrt(v)/sqrt(1-beta2^t) + eps`;
///   `p -= (lr/(1-beta1^t)) * m/denom`. `beta^t` is ``PortableMath/pow(_:_:)-(Double,Int)``
///   (nearly always correctly rounded, as the `pow` PyTorch calls, and portable).
/// - AdamW: `p *= 1 - lr*wd` first, then Adam without L2.
/// - RMSprop: `g += wd*p`; `s = alpha*s + (1-alpha)*g*g`; centred: `a = a + (1-alpha)*(g-a)`,
///   `avg = sqrt(s - a*a) + eps`, else `avg = sqrt(s) + eps`; with momentum
///   `b = m*b + g/avg`, `p -= lr*b`; otherwise `p -= lr*g/avg`.
public struct Optimizer<Scalar: NetScalar>: Sendable {
    /// The validated hyper-parameters.
    public let configuration: OptimizerConfiguration
    /// Number of completed steps.
    public private(set) var stepCount: Int = 0
    /// Parameter names seen on the first step (state is keyed by their index).
    public private(set) var parameterNames: [String] = []

    // Per-parameter buffers, flattened row-major like the parameters.
    private var first: [[Double]] = []   // SGD/RMSprop momentum buffer, Adam exp_avg
    private var second: [[Double]] = []  // Adam exp_avg_sq, RMSprop square_avg
    private var third: [[Double]] = []   // Adam max_exp_avg_sq, RMSprop grad_avg
    private var hasMomentumBuffer = false

    /// An optimiser with empty state.
    public init(configuration: OptimizerConfiguration) {
        self.configuration = configuration
    }

    /// Clears all state (as a freshly constructed PyTorch optimiser).
    public mutating func reset() {
        stepCount = 0
        parameterNames = []
        first = []
        second = []
        third = []
        hasMomentumBuffer = false
    }

    /// Applies one update in place.
    ///
    /// - Parameters:
    ///   - parameters: the tensors to update.
    ///   - gradients: gradients with the same names and shapes (already clipped).
    ///   - learningRate: the rate for this step (base rate times any schedule factor).
    /// - Precondition: names and shapes match, and match those of earlier steps.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public mutating func step(
        parameters: inout ParameterSet<Scalar>, gradients: ParameterSet<Scalar>, learningRate: Double
    ) {
        precondition(gradients.names == parameters.names, "Optimizer.step: gradient names differ from parameter names")
        if stepCount == 0 && parameterNames.isEmpty {
            parameterNames = parameters.names
            let zeros = parameters.values.map { [Double](repeating: 0, count: $0.count) }
            first = zeros
            second = zeros
            third = zeros
        } else {
            precondition(parameters.names == parameterNames, "Optimizer.step: parameter names changed between steps")
        }
        stepCount += 1
        for i in parameters.values.indices {
            precondition(
                gradients.values[i].count == parameters.values[i].count,
                "Optimizer.step: gradient \(parameters.names[i]) has the wrong shape")
            switch configuration.kind {
            case .sgd: sgd(&parameters.values[i], gradients.values[i], i, learningRate)
            case .adam, .adamw: adam(&parameters.values[i], gradients.values[i], i, learningRate)
            case .rmsprop: rmsprop(&parameters.values[i], gradients.values[i], i, learningRate)
            }
        }
        hasMomentumBuffer = true
    }

    private mutating func sgd(_ p: inout Matrix<Scalar>, _ g: Matrix<Scalar>, _ i: Int, _ lr: Double) {
        let c = configuration
        for j in p.storage.indices {
            let pj = Double(p.storage[j])
            var grad = Double(g.storage[j])
            if c.weightDecay != 0 { grad = grad + c.weightDecay * pj }
            if c.momentum != 0 {
                var buf = first[i][j]
                if !hasMomentumBuffer {
                    buf = grad
                } else {
                    buf = buf * c.momentum + (1 - c.dampening) * grad
                }
                first[i][j] = buf
                grad = c.nesterov ? grad + c.momentum * buf : buf
            }
            p.storage[j] = Scalar(pj + (-lr) * grad)
        }
    }

    private mutating func adam(_ p: inout Matrix<Scalar>, _ g: Matrix<Scalar>, _ i: Int, _ lr: Double) {
        let c = configuration
        // beta^t by PortableMath's integer power (double-double binary powering in a fixed order:
        // correctly rounded but for near-ties, the same bits everywhere; libm's pow is not portable).
        let biasCorrection1 = 1 - PortableMath.pow(c.beta1, stepCount)
        let biasCorrection2 = 1 - PortableMath.pow(c.beta2, stepCount)
        let stepSize = lr / biasCorrection1
        let biasCorrection2Sqrt = biasCorrection2.squareRoot()
        let weight1 = 1 - c.beta1
        let weight2 = 1 - c.beta2
        for j in p.storage.indices {
            var pj = Double(p.storage[j])
            var grad = Double(g.storage[j])
            if c.weightDecay != 0 {
                if c.kind == .adamw {
                    pj = pj * (1 - lr * c.weightDecay)
                } else {
                    grad = grad + c.weightDecay * pj
                }
            }
            let m = Self.lerp(first[i][j], grad, weight1)
            first[i][j] = m
            let v = second[i][j] * c.beta2 + weight2 * grad * grad
            second[i][j] = v
            var vHat = v
            if c.amsgrad {
                vHat = Swift.max(third[i][j], v)
                third[i][j] = vHat
            }
            let denom = vHat.squareRoot() / biasCorrection2Sqrt + c.eps
            p.storage[j] = Scalar(pj + (-stepSize) * (m / denom))
        }
    }

    private mutating func rmsprop(_ p: inout Matrix<Scalar>, _ g: Matrix<Scalar>, _ i: Int, _ lr: Double) {
        let c = configuration
        let weight = 1 - c.alpha
        for j in p.storage.indices {
            let pj = Double(p.storage[j])
            var grad = Double(g.storage[j])
            if c.weightDecay != 0 { grad = grad + c.weightDecay * pj }
            let s = second[i][j] * c.alpha + weight * grad * grad
            second[i][j] = s
            var avg: Double
            if c.centered {
                let a = Self.lerp(third[i][j], grad, weight)
                third[i][j] = a
                avg = (s + (-1) * a * a).squareRoot()
            } else {
                avg = s.squareRoot()
            }
            avg = avg + c.eps
            if c.momentum > 0 {
                let buf = first[i][j] * c.momentum + grad / avg
                first[i][j] = buf
                p.storage[j] = Scalar(pj + (-lr) * buf)
            } else {
                p.storage[j] = Scalar(pj + (-lr) * (grad / avg))
            }
        }
    }

    /// `torch.lerp` as PyTorch computes it (two formulas to stay exact at both ends).
    @inline(__always)
    private static func lerp(_ start: Double, _ end: Double, _ weight: Double) -> Double {
        Swift.abs(weight) < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
    }
}

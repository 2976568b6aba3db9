public import LinearAlgebra

/// The Lyapunov spectrum of a model's driven dynamics `s_t = F(s_{t-1}, x_t)` along one
/// trajectory (QR method of Benettin et al. 1980), and the singular values of the state-to-state
/// Jacobian `ds_T/ds_1`, accumulated in the log domain.
///
/// The trajectory runs in the model's dtype; tangent vectors, QR factors and logs in `Double`.
/// `k` orthonormal tangent vectors `Q` are multiplied by the analytic step Jacobians
/// `J_2, ..., J_T` (``StepLinearisation``) and re-orthonormalised (``HouseholderQR``) every
/// `interval` steps, at the end of the transient and at the end. Exponent `i` is the mean of
/// `log R_ii` per step over the `T - 1 - transient` Jacobians after the transient (natural log,
/// per step). The `R` factors of all `T - 1` Jacobians are multiplied in a
/// ``LogScaledTriangularProduct``, whose singular values are those of `(ds_T/ds_1) Q_0`: the
/// Jacobian's own when `k = n` (`Q_0 = I`); for `k < n`, `Q_0` is a seeded random orthonormal
/// frame, and they approximate the `k` largest.
public struct LyapunovSpectrum: Sendable {
    /// What to compute.
    public struct Options: Sendable, Equatable {
        /// Jacobians discarded before averaging (the tangent vectors still align during them).
        public var transient: Int
        /// Exponents `k` (nil: all `n`).
        public var exponents: Int?
        /// Steps between re-orthonormalisations (>= 1).
        public var interval: Int
        /// Seed of the random start frame when `k < n`.
        public var frameSeed: UInt64

        public init(transient: Int = 0, exponents: Int? = nil, interval: Int = 1, frameSeed: UInt64 = 0) {
            self.transient = transient
            self.exponents = exponents
            self.interval = interval
            self.frameSeed = frameSeed
        }
    }

    /// The exponents, largest first (natural log per step).
    public var exponents: [Double]
    /// `(t, running estimate of lambda_max)` after each re-orthonormalisation past the transient.
    public var convergence: [(step: Int, value: Double)]
    /// Natural logs of the singular values of `(ds_T/ds_1) Q_0`, largest first.
    public var logSingularValues: [Double]
    /// Jacobians averaged (`T - 1 - transient`).
    public var averagedSteps: Int
    /// False when the trajectory or a tangent vector stopped being finite.
    public var isFinite: Bool

    /// The largest exponent.
    public var maximum: Double { exponents.first ?? .nan }
    /// The sum of the computed exponents.
    public var sum: Double { exponents.reduce(0, +) }

    /// The Kaplan-Yorke dimension `j + (lambda_1 + ... + lambda_j) / |lambda_{j+1}|` of the
    /// computed exponents, `j` the largest count with a non-negative partial sum (0 when
    /// `lambda_1 < 0`; `k` when every partial sum is non-negative, a lower bound when `k < n`).
    public var kaplanYorkeDimension: Double {
        var partial = 0.0
        for (j, l) in exponents.enumerated() {
            if partial + l < 0 { return j == 0 ? 0 : Double(j) + partial / l.magnitude }
            partial += l
        }
        return Double(exponents.count)
    }

    /// Runs `model` over `inputs` (`T x input`, one sequence) from `initialState` (flat, see
    /// ``RecurrentModel/stateDimension``) and computes the spectrum.
    public init<S: NetScalar>(
        model: RecurrentModel<S>, inputs: Matrix<S>, initialState: [S], options: Options
    ) throws(EngineError) {
        let n = model.stateDimension
        let T = inputs.rows
        guard inputs.columns == model.configuration.inputSize else {
            throw .shapeMismatch(what: "inputs", expected: "T x \(model.configuration.inputSize)", found: "\(inputs.rows)x\(inputs.columns)")
        }
        guard initialState.count == n else {
            throw .shapeMismatch(what: "initial state", expected: "\(n) values", found: "\(initialState.count) values")
        }
        let k = options.exponents ?? n
        guard k >= 1, k <= n else {
            throw .invalidValue(field: "exponents", value: "\(k)", expected: "1 to the state dimension \(n)")
        }
        guard options.interval >= 1 else { throw .invalidSize(field: "interval", value: options.interval) }
        guard options.transient >= 0, T - 1 > options.transient else {
            throw .invalidValue(
                field: "transient", value: "\(options.transient)",
                expected: "fewer than the \(T - 1) step Jacobians of a trajectory of \(T) steps")
        }
        let weights = StepLinearisation.Weights(model)
        let operands = model.stepOperands()
        var q = Self.startFrame(n: n, k: k, seed: options.frameSeed)
        var product = LogScaledTriangularProduct(dimension: k)
        var logSums = [Double](repeating: 0, count: k)
        var convergence: [(step: Int, value: Double)] = []
        var state = initialState
        var factors = 0
        var sinceQR = 0
        var finite = true
        let width = inputs.columns
        for t in 1...T {
            let x = Array(inputs.storage[((t - 1) * width)..<(t * width)])
            let step = model.stepUnchecked(from: state, input: x, weights: t >= 2 ? weights : nil, operands: operands)
            state = step.state
            guard t >= 2, let lin = step.linearisation else { continue }
            lin.apply(to: &q)
            factors += 1
            sinceQR += 1
            guard sinceQR == options.interval || factors == options.transient || t == T else { continue }
            sinceQR = 0
            guard q.storage.allSatisfy({ $0.isFinite }), let qr = HouseholderQR(q) else {
                finite = false
                break
            }
            q = qr.q
            product.multiply(byUpperTriangular: qr.r)
            if factors > options.transient {
                for i in 0..<k { logSums[i] += PortableMath.log(qr.r[i, i]) }
                convergence.append((t, logSums[0] / Double(factors - options.transient)))
            }
        }
        if !state.allSatisfy({ $0.isFinite }) { finite = false }
        let averaged = T - 1 - options.transient
        isFinite = finite
        averagedSteps = averaged
        self.convergence = convergence
        if finite {
            exponents = logSums.map { $0 / Double(averaged) }.sorted(by: >)
            logSingularValues = product.logSingularValues()
        } else {
            exponents = [Double](repeating: .nan, count: k)
            logSingularValues = [Double](repeating: .nan, count: k)
        }
    }

    /// `I` for `k = n`; otherwise the `Q` of a seeded `n x k` Gaussian matrix.
    static func startFrame(n: Int, k: Int, seed: UInt64) -> Matrix<Double> {
        if k == n { return .identity(n) }
        var g = SeededGenerator(seed: seed)
        var m = Matrix<Double>(rows: n, columns: k)
        for i in 0..<m.count { m.storage[i] = g.normal() }
        return HouseholderQR(m)?.q ?? Matrix<Double>.identity(n).columnsPrefix(k)
    }
}

extension Matrix where Scalar == Double {
    /// The first `k` columns.
    func columnsPrefix(_ k: Int) -> Matrix<Double> {
        var out = Matrix<Double>(rows: rows, columns: k)
        for i in 0..<rows {
            for j in 0..<k { out.storage[i * k + j] = storage[i * columns + j] }
        }
        return out
    }
}

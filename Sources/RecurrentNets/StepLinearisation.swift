public import LinearAlgebra

/// The analytic Jacobian `J_t = ds_t/ds_{t-1}` of one step of a model's driven dynamics
/// `s_t = F(s_{t-1}, x_t)` for one sequence, at the point the step was taken, in `Double`.
///
/// The state `s` stacks every layer bottom first: `h^k` (`H` values), then, for the LSTM, `c^k`
/// (`H`), so it has `L H` values (`2 L H` for the LSTM). Layer `k >= 1` reads layer `k-1`'s new
/// state, so `J_t` is block lower triangular over the layers. ``apply(to:)`` multiplies tangent
/// vectors by `J_t` without forming it (one product by `W_hh` per layer, and by `W_ih` for
/// layers above the first); ``matrix`` forms it.
public struct StepLinearisation: Sendable {
    /// The model's weights in `Double`, shared by every step of a trajectory.
    public struct Weights: Sendable {
        let cell: CellKind
        let relu: Bool
        let hidden: Int
        let layers: Int
        /// `weight_hh_l{k}`, `G H x H`.
        let recurrent: [Matrix<Double>]
        /// `weight_ih_l{k}`, `G H x H` (layers `k >= 1`; an empty matrix for layer 0).
        let input: [Matrix<Double>]
        /// `ln_weight_l{k}` (`H`), ln-rnn only.
        let normGain: [[Double]]

        /// The state dimension `n` (`L H`, or `2 L H` for the LSTM).
        public var stateDimension: Int { layers * hidden * (cell == .lstm ? 2 : 1) }

        /// The weights of `model`, converted to `Double`.
        public init<S: NetScalar>(_ model: RecurrentModel<S>) {
            let c = model.configuration
            cell = c.cell
            relu = c.cell == .rnn && c.nonlinearity == .relu
            hidden = c.hiddenSize
            layers = c.layers
            var rec: [Matrix<Double>] = []
            var inp: [Matrix<Double>] = []
            var gain: [[Double]] = []
            for k in 0..<c.layers {
                rec.append(model.parameters["weight_hh_l\(k)"]?.converted(to: Double.self) ?? Matrix(rows: 0, columns: 0))
                inp.append(k == 0 ? Matrix(rows: 0, columns: 0)
                    : model.parameters["weight_ih_l\(k)"]?.converted(to: Double.self) ?? Matrix(rows: 0, columns: 0))
                gain.append(model.parameters["ln_weight_l\(k)"]?.storage.map { Double($0) } ?? [])
            }
            recurrent = rec
            input = inp
            normGain = gain
        }
    }

    /// The weights the step reads.
    public let weights: Weights
    /// Per layer, the step's derivative data (`H` values per block): RNN `act'(z)`; ln-rnn
    /// `1 - y^2`, `xhat`, then `1/sqrt(var + eps)`; LSTM `i f g o c_{t-1} tanh(c_t)`; GRU
    /// `r z n (W_hn h_{t-1} + b_hn) h_{t-1}`.
    let data: [[Double]]

    init(weights: Weights, data: [[Double]]) {
        self.weights = weights
        self.data = data
    }

    /// The state dimension `n`.
    public var stateDimension: Int { weights.stateDimension }

    /// `J_t` as an `n x n` matrix.
    public var matrix: Matrix<Double> {
        var m = Matrix<Double>.identity(stateDimension)
        apply(to: &m)
        return m
    }

    /// `q <- J_t q` for `n x k` tangent vectors `q` (columns).
    public func apply(to q: inout Matrix<Double>) {
        let H = weights.hidden
        let k = q.columns
        let width = weights.cell == .lstm ? 2 : 1
        let G = weights.cell.gates
        let GH = G * H
        var out = Matrix<Double>(rows: q.rows, columns: k)
        var recurrentPart = Matrix<Double>(rows: GH, columns: k)
        var inputPart = Matrix<Double>(rows: GH, columns: k)
        for layer in 0..<weights.layers {
            let offset = layer * H * width
            let below = (layer - 1) * H * width
            let d = data[layer]
            // recurrentPart = W_hh dh_{t-1}; inputPart = W_ih dh^{k-1}_t (layers >= 1).
            Self.multiply(weights.recurrent[layer], q, rowOffset: offset, into: &recurrentPart)
            let hasInput = layer > 0
            if hasInput { Self.multiply(weights.input[layer], out, rowOffset: below, into: &inputPart) }
            let rp = recurrentPart.storage
            let ip = inputPart.storage
            // a(j, c): the full gate pre-activation tangent (recurrent + input).
            @inline(__always) func a(_ row: Int, _ c: Int) -> Double {
                hasInput ? rp[row * k + c] + ip[row * k + c] : rp[row * k + c]
            }
            switch weights.cell {
            case .rnn:
                for j in 0..<H {
                    for c in 0..<k { out.storage[(offset + j) * k + c] = d[j] * a(j, c) }
                }
            case .layerNormRNN:
                let inv = d[2 * H]
                let gain = weights.normGain[layer]
                var dy = [Double](repeating: 0, count: H * k)
                for j in 0..<H {
                    for c in 0..<k { dy[j * k + c] = d[j] * a(j, c) }
                }
                for c in 0..<k {
                    var m1 = 0.0, m2 = 0.0
                    for j in 0..<H {
                        m1 += dy[j * k + c]
                        m2 += d[H + j] * dy[j * k + c]
                    }
                    m1 /= Double(H)
                    m2 /= Double(H)
                    for j in 0..<H {
                        out.storage[(offset + j) * k + c] = gain[j] * inv * (dy[j * k + c] - m1 - d[H + j] * m2)
                    }
                }
            case .lstm:
                for j in 0..<H {
                    let i = d[j], f = d[H + j], g = d[2 * H + j], o = d[3 * H + j]
                    let cPrev = d[4 * H + j], tc = d[5 * H + j]
                    for c in 0..<k {
                        let di = i * (1 - i) * a(j, c)
                        let df = f * (1 - f) * a(H + j, c)
                        let dg = (1 - g * g) * a(2 * H + j, c)
                        let dO = o * (1 - o) * a(3 * H + j, c)
                        let dcPrev = q.storage[(offset + H + j) * k + c]
                        let dc = f * dcPrev + cPrev * df + g * di + i * dg
                        out.storage[(offset + H + j) * k + c] = dc
                        out.storage[(offset + j) * k + c] = tc * dO + o * (1 - tc * tc) * dc
                    }
                }
            case .gru:
                for j in 0..<H {
                    let r = d[j], z = d[H + j], n = d[2 * H + j], hn = d[3 * H + j], hPrev = d[4 * H + j]
                    for c in 0..<k {
                        let dr = r * (1 - r) * a(j, c)
                        let dz = z * (1 - z) * a(H + j, c)
                        let xn = hasInput ? ip[(2 * H + j) * k + c] : 0
                        let dn = (1 - n * n) * (xn + dr * hn + r * rp[(2 * H + j) * k + c])
                        let dhPrev = q.storage[(offset + j) * k + c]
                        out.storage[(offset + j) * k + c] = (hPrev - n) * dz + (1 - z) * dn + z * dhPrev
                    }
                }
            }
        }
        q = out
    }

    /// `into = w x[rowOffset ..< rowOffset + w.columns, :]` (fixed-order kernels).
    private static func multiply(_ w: Matrix<Double>, _ x: Matrix<Double>, rowOffset: Int, into out: inout Matrix<Double>) {
        let k = x.columns
        x.storage.withUnsafeBufferPointer { xp in
            w.storage.withUnsafeBufferPointer { wp in
                out.storage.withUnsafeMutableBufferPointer { op in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: w.rows, n: k, k: w.columns, alpha: 1.0,
                        a: wp.baseAddress, lda: w.columns, b: xp.baseAddress.map { $0 + rowOffset * k }, ldb: k,
                        beta: 0.0, c: op.baseAddress, ldc: k)
                }
            }
        }
    }
}

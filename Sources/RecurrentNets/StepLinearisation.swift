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
        /// `weight_hh_l{k}` transposed, `H x G H`.
        let recurrent: [Matrix<Double>]
        /// `weight_ih_l{k}` transposed, `H x G H` (layers `k >= 1`; an empty matrix for layer 0).
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
                rec.append(model.parameters["weight_hh_l\(k)"]?.converted(to: Double.self).transposed ?? Matrix(rows: 0, columns: 0))
                inp.append(k == 0 ? Matrix(rows: 0, columns: 0)
                    : model.parameters["weight_ih_l\(k)"]?.converted(to: Double.self).transposed ?? Matrix(rows: 0, columns: 0))
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
        var rows = q.transposed
        apply(toRows: &rows)
        q = rows.transposed
    }

    /// `v <- v J_t^T` for `k x n` tangent vectors `v` (rows): each layer's products are one
    /// `k x H` by `H x G H` product with the fixed-order kernels, the shape of a forward step
    /// over `k` sequences.
    public func apply(toRows v: inout Matrix<Double>) {
        let H = weights.hidden
        let n = v.columns
        let k = v.rows
        let width = weights.cell == .lstm ? 2 : 1
        let GH = weights.cell.gates * H
        var out = Matrix<Double>(rows: k, columns: n)
        var recurrentPart = Matrix<Double>(rows: k, columns: GH)
        var inputPart = Matrix<Double>(rows: k, columns: GH)
        for layer in 0..<weights.layers {
            let offset = layer * H * width
            let hasInput = layer > 0
            // recurrentPart = dh_{t-1} W_hh^T; inputPart = dh^{k-1}_t W_ih^T (layers >= 1).
            Self.multiply(v, columnOffset: offset, weights.recurrent[layer], into: &recurrentPart)
            if hasInput { Self.multiply(out, columnOffset: (layer - 1) * H * width, weights.input[layer], into: &inputPart) }
            let d = data[layer]
            let gain = weights.normGain[layer]
            let cell = weights.cell
            recurrentPart.storage.withUnsafeBufferPointer { rp in
            inputPart.storage.withUnsafeBufferPointer { ip in
            v.storage.withUnsafeBufferPointer { vp in
            out.storage.withUnsafeMutableBufferPointer { op in
                for c in 0..<k {
                    let g = c * GH  // this tangent's gate row
                    let o = c * n + offset  // its state slice
                    // The full gate pre-activation tangent (recurrent + input).
                    @inline(__always) func a(_ j: Int) -> Double { hasInput ? rp[g + j] + ip[g + j] : rp[g + j] }
                    switch cell {
                    case .rnn:
                        for j in 0..<H { op[o + j] = d[j] * a(j) }
                    case .layerNormRNN:
                        let inv = d[2 * H]
                        var m1 = 0.0, m2 = 0.0
                        for j in 0..<H {
                            let dy = d[j] * a(j)
                            m1 += dy
                            m2 += d[H + j] * dy
                        }
                        m1 /= Double(H)
                        m2 /= Double(H)
                        for j in 0..<H { op[o + j] = gain[j] * inv * (d[j] * a(j) - m1 - d[H + j] * m2) }
                    case .lstm:
                        for j in 0..<H {
                            let i = d[j], f = d[H + j], gg = d[2 * H + j], og = d[3 * H + j]
                            let cPrev = d[4 * H + j], tc = d[5 * H + j]
                            let di = i * (1 - i) * a(j)
                            let df = f * (1 - f) * a(H + j)
                            let dg = (1 - gg * gg) * a(2 * H + j)
                            let dO = og * (1 - og) * a(3 * H + j)
                            let dc = f * vp[o + H + j] + cPrev * df + gg * di + i * dg
                            op[o + H + j] = dc
                            op[o + j] = tc * dO + og * (1 - tc * tc) * dc
                        }
                    case .gru:
                        for j in 0..<H {
                            let r = d[j], z = d[H + j], nn = d[2 * H + j], hn = d[3 * H + j], hPrev = d[4 * H + j]
                            let dr = r * (1 - r) * a(j)
                            let dz = z * (1 - z) * a(H + j)
                            let xn = hasInput ? ip[g + 2 * H + j] : 0
                            let dn = (1 - nn * nn) * (xn + dr * hn + r * rp[g + 2 * H + j])
                            op[o + j] = (hPrev - nn) * dz + (1 - z) * dn + z * vp[o + j]
                        }
                    }
                }
            }}}}
        }
        v = out
    }

    /// `into = x[:, columnOffset ..< columnOffset + w.rows] w` (fixed-order kernels).
    private static func multiply(_ x: Matrix<Double>, columnOffset: Int, _ w: Matrix<Double>, into out: inout Matrix<Double>) {
        x.storage.withUnsafeBufferPointer { xp in
            w.storage.withUnsafeBufferPointer { wp in
                out.storage.withUnsafeMutableBufferPointer { op in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: x.rows, n: w.columns, k: w.rows, alpha: 1.0,
                        a: xp.baseAddress.map { $0 + columnOffset }, lda: x.columns, b: wp.baseAddress, ldb: w.columns,
                        beta: 0.0, c: op.baseAddress, ldc: w.columns)
                }
            }
        }
    }
}

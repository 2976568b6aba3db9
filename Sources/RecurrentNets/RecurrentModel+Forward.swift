import LinearAlgebra
import RealModule

extension RecurrentModel {
    /// Runs the stack over `batch` from `initialState` (when nil: the learned `h0`/`c0` if the
    /// initial state is learnable, zeros otherwise), keeping caches for BPTT.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(
        _ batch: SequenceBatch<Scalar>, initialState: RecurrentState<Scalar>? = nil
    ) throws(EngineError) -> ForwardPass<Scalar> {
        let c = configuration
        guard batch.features == c.inputSize else {
            throw .shapeMismatch(
                what: "inputs", expected: "(T*B) x \(c.inputSize)", found: "\(batch.inputs.rows)x\(batch.features)")
        }
        let start = initialState ?? defaultInitialState(batchSize: batch.batchSize)
        try validate(state: start, batch: batch.batchSize, what: "initial state")
        var unused = SeededGenerator(seed: 0)
        return forwardUnchecked(
            inputs: batch.inputs, steps: batch.steps, batchSize: batch.batchSize, lengths: batch.lengths,
            initialState: start, generator: &unused)
    }

    /// The state a pass starts from when the caller gives none: the learned `h0`/`c0` broadcast
    /// over the batch for a learnable initial state (so the loss depends on the parameters whose
    /// gradient is reported), zeros otherwise.
    func defaultInitialState(batchSize: Int) -> RecurrentState<Scalar> {
        let c = configuration
        guard c.initialState == .learnable else {
            return .zeros(layers: c.layers, batch: batchSize, hidden: c.hiddenSize, withCell: hasCellState)
        }
        var unused = SeededGenerator(seed: 0)  // the learnable policy draws nothing
        return initialState(batchSize: batchSize, generator: &unused)
    }

    func validate(state: RecurrentState<Scalar>, batch: Int, what: String) throws(EngineError) {
        let c = configuration
        guard state.h.count == c.layers, state.h.allSatisfy({ $0.rows == batch && $0.columns == c.hiddenSize }) else {
            throw .shapeMismatch(
                what: "\(what) h", expected: "\(c.layers) x (\(batch)x\(c.hiddenSize))",
                found: "\(state.h.count) x (\(state.h.first.map { "\($0.rows)x\($0.columns)" } ?? "-"))")
        }
        if hasCellState {
            guard let cs = state.c, cs.count == c.layers,
                cs.allSatisfy({ $0.rows == batch && $0.columns == c.hiddenSize })
            else {
                throw .shapeMismatch(what: "\(what) c", expected: "\(c.layers) x (\(batch)x\(c.hiddenSize))", found: "missing or wrong")
            }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forwardUnchecked(
        inputs: Matrix<Scalar>, steps: Int, batchSize: Int, lengths: [Int], initialState: RecurrentState<Scalar>,
        dropout: DropoutRates = .none, generator: inout SeededGenerator
    ) -> ForwardPass<Scalar> {
        let c = configuration
        var caches: [ForwardPass<Scalar>.LayerCache] = []
        caches.reserveCapacity(c.layers)
        var final = initialState
        var layerInput = inputs
        var masks: [Matrix<Scalar>?] = []
        for k in 0..<c.layers {
            let rate = k == 0 ? dropout.input : dropout.between
            var mask: Matrix<Scalar>?
            if rate > 0 {
                let m = DropoutRates.mask(
                    rows: layerInput.rows, columns: layerInput.columns, rate: rate, as: Scalar.self,
                    generator: &generator)
                for i in 0..<layerInput.count { layerInput.storage[i] *= m.storage[i] }
                mask = m
            }
            masks.append(mask)
            let cache = forwardLayer(
                k, input: layerInput, steps: steps, batchSize: batchSize, lengths: lengths,
                h0: initialState.h[k], c0: initialState.c?[k], finalH: &final.h[k], finalC: &final.c)
            layerInput = cache.states
            caches.append(cache)
        }
        var pass = ForwardPass(
            steps: steps, batchSize: batchSize, lengths: lengths, initialState: initialState, finalState: final,
            layers: caches)
        pass.inputMasks = masks
        if dropout.output > 0 {
            pass.outputMask = DropoutRates.mask(
                rows: steps * batchSize, columns: c.hiddenSize, rate: dropout.output, as: Scalar.self,
                generator: &generator)
        }
        return pass
    }

    @inline(__always)
    static func sigmoid(_ x: Scalar) -> Scalar { 1 / (1 + Scalar.exp(-x)) }

    private func forwardLayer(
        _ k: Int, input: Matrix<Scalar>, steps T: Int, batchSize B: Int, lengths: [Int],
        h0: Matrix<Scalar>, c0: Matrix<Scalar>?, finalH: inout Matrix<Scalar>, finalC: inout [Matrix<Scalar>]?
    ) -> ForwardPass<Scalar>.LayerCache {
        let cfg = configuration
        let H = cfg.hiddenSize
        let G = cfg.cell.gates
        let GH = G * H
        let TB = T * B
        let wih = parameters.values[index("weight_ih_l\(k)")]
        let whh = parameters.values[index("weight_hh_l\(k)")]
        let bih = parameters.values[index("bias_ih_l\(k)")]
        let bhh = parameters.values[index("bias_hh_l\(k)")]
        let isLN = cfg.cell == .layerNormRNN
        let lnW = isLN ? parameters.values[index("ln_weight_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)
        let lnB = isLN ? parameters.values[index("ln_bias_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)

        // One GEMM projects the inputs of every step: pre = X W_ih^T (+ b_ih below).
        var pre = Matrix<Scalar>(rows: TB, columns: GH)
        BLAS.gemm(input, wih, transposeB: true, into: &pre)
        var gates = Matrix<Scalar>(rows: TB, columns: GH)
        var states = Matrix<Scalar>(rows: TB, columns: H)
        let needsExtra = cfg.cell != .rnn
        var extra = Matrix<Scalar>(rows: needsExtra ? TB : 0, columns: H)
        var extra2 = Matrix<Scalar>(rows: cfg.cell == .lstm ? TB : (isLN ? TB : 0), columns: cfg.cell == .lstm ? H : 1)
        var h = h0
        var cState = c0 ?? Matrix<Scalar>(rows: B, columns: H)
        var gh = Matrix<Scalar>(rows: B, columns: GH)  // h_{t-1} W_hh^T + b_hh
        let relu = cfg.nonlinearity == .relu && cfg.cell == .rnn
        let eps = Scalar(1e-5)

        pre.storage.withUnsafeMutableBufferPointer { preP in
            gates.storage.withUnsafeMutableBufferPointer { gP in
                states.storage.withUnsafeMutableBufferPointer { sP in
                    extra.storage.withUnsafeMutableBufferPointer { eP in
                        extra2.storage.withUnsafeMutableBufferPointer { e2P in
                            bih.storage.withUnsafeBufferPointer { bi in
                                bhh.storage.withUnsafeBufferPointer { bh in
                                    for t in 0..<T {
                                        h.storage.withUnsafeBufferPointer { hp in
                                            whh.storage.withUnsafeBufferPointer { wp in
                                                gh.storage.withUnsafeMutableBufferPointer { ghp in
                                                    BLAS.gemm(
                                                        transposeA: false, transposeB: true, m: B, n: GH, k: H, alpha: 1,
                                                        a: hp.baseAddress, lda: H, b: wp.baseAddress, ldb: H, beta: 0,
                                                        c: ghp.baseAddress, ldc: GH)
                                                }
                                            }
                                        }
                                        for b in 0..<B {
                                            let row = t * B + b
                                            guard t < lengths[b] else { continue }
                                            let p = preP.baseAddress! + row * GH
                                            let g = gP.baseAddress! + row * GH
                                            let s = sP.baseAddress! + row * H
                                            for j in 0..<GH { p[j] += bi[j] }
                                            gh.storage.withUnsafeMutableBufferPointer { ghp in
                                                let q = ghp.baseAddress! + b * GH
                                                for j in 0..<GH { q[j] += bh[j] }
                                                switch cfg.cell {
                                                case .rnn:
                                                    for j in 0..<H {
                                                        let z = p[j] + q[j]
                                                        let v = relu ? (z > 0 ? z : 0) : Scalar.tanh(z)
                                                        g[j] = v
                                                        s[j] = v
                                                    }
                                                case .layerNormRNN:
                                                    var mean: Scalar = 0
                                                    for j in 0..<H {
                                                        let v = Scalar.tanh(p[j] + q[j])
                                                        g[j] = v
                                                        mean += v
                                                    }
                                                    mean /= Scalar(H)
                                                    var variance: Scalar = 0
                                                    for j in 0..<H { variance += (g[j] - mean) * (g[j] - mean) }
                                                    variance /= Scalar(H)
                                                    let inv = 1 / (variance + eps).squareRoot()
                                                    e2P[row] = inv
                                                    let xh = eP.baseAddress! + row * H
                                                    for j in 0..<H {
                                                        xh[j] = (g[j] - mean) * inv
                                                        s[j] = lnW.storage[j] * xh[j] + lnB.storage[j]
                                                    }
                                                case .lstm:
                                                    let cs = eP.baseAddress! + row * H
                                                    let tc = e2P.baseAddress! + row * H
                                                    cState.storage.withUnsafeMutableBufferPointer { cp in
                                                        let cb = cp.baseAddress! + b * H
                                                        for j in 0..<H {
                                                            let i = Self.sigmoid(p[j] + q[j])
                                                            let f = Self.sigmoid(p[H + j] + q[H + j])
                                                            let gg = Scalar.tanh(p[2 * H + j] + q[2 * H + j])
                                                            let o = Self.sigmoid(p[3 * H + j] + q[3 * H + j])
                                                            g[j] = i
                                                            g[H + j] = f
                                                            g[2 * H + j] = gg
                                                            g[3 * H + j] = o
                                                            let cn = f * cb[j] + i * gg
                                                            cb[j] = cn
                                                            cs[j] = cn
                                                            let tcn = Scalar.tanh(cn)
                                                            tc[j] = tcn
                                                            s[j] = o * tcn
                                                        }
                                                    }
                                                case .gru:
                                                    let hn = eP.baseAddress! + row * H
                                                    h.storage.withUnsafeBufferPointer { hp in
                                                        let hprev = hp.baseAddress! + b * H
                                                        for j in 0..<H {
                                                            let r = Self.sigmoid(p[j] + q[j])
                                                            let z = Self.sigmoid(p[H + j] + q[H + j])
                                                            hn[j] = q[2 * H + j]
                                                            let n = Scalar.tanh(p[2 * H + j] + r * q[2 * H + j])
                                                            g[j] = r
                                                            g[H + j] = z
                                                            g[2 * H + j] = n
                                                            s[j] = (1 - z) * n + z * hprev[j]
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                        // Carry the state: valid sequences take h_t, padded ones keep h_{t-1}.
                                        h.storage.withUnsafeMutableBufferPointer { hp in
                                            for b in 0..<B where t < lengths[b] {
                                                let s = sP.baseAddress! + (t * B + b) * H
                                                for j in 0..<H { hp[b * H + j] = s[j] }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        finalH = h
        if cfg.cell == .lstm { finalC?[k] = cState }
        return ForwardPass<Scalar>.LayerCache(input: input, states: states, gates: gates, extra: extra, extra2: extra2)
    }
}

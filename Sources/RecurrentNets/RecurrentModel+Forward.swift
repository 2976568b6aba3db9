import LinearAlgebra
import RealModule
import CFastMath

extension RecurrentModel {
    /// Runs the stack over `batch` from `initialState` (when nil: the learned `h0`/`c0` if the
    /// initial state is learnable, zeros otherwise), keeping caches for BPTT.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(
        _ batch: SequenceBatch<Scalar>, initialState: RecurrentState<Scalar>? = nil
    ) throws(EngineError) -> ForwardPass<Scalar> {
        let start = try startingState(for: batch, given: initialState)
        var unused = SeededGenerator(seed: 0)
        return forwardUnchecked(
            inputs: batch.inputs, steps: batch.steps, batchSize: batch.batchSize, lengths: batch.lengths,
            initialState: start, generator: &unused)
    }

    /// Checks the batch's feature count and the initial state's shapes; returns the state a pass
    /// over `batch` starts from (`given`, or ``defaultInitialState(batchSize:)`` when nil).
    func startingState(
        for batch: SequenceBatch<Scalar>, given: RecurrentState<Scalar>?
    ) throws(EngineError) -> RecurrentState<Scalar> {
        let c = configuration
        guard batch.features == c.inputSize else {
            throw .shapeMismatch(
                what: "inputs", expected: "(T*B) x \(c.inputSize)", found: "\(batch.inputs.rows)x\(batch.features)")
        }
        let start = given ?? defaultInitialState(batchSize: batch.batchSize)
        try validate(state: start, batch: batch.batchSize, what: "initial state")
        return start
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

    /// `1 / (1 + e^-x)` by ``FastMath`` (the same bits as the vectorised gate kernels; no libm).
    @inline(__always)
    static func sigmoid(_ x: Scalar) -> Scalar { Scalar(FastMath.sigmoid(Double(x))) }

    /// One LSTM row by the C kernel (AVX-512/AVX2/baseline; the same expressions and activations
    /// as ``StepKernel/lstm``, so the same results): `g` holds the pre-activations and receives
    /// the gates. False when it does not apply (small H, an empty buffer).
    @inline(__always)
    static func lstmForwardRow(
        _ H: Int, _ g: UnsafeMutablePointer<Scalar>?, _ c: UnsafeMutablePointer<Scalar>?,
        _ cOut: UnsafeMutablePointer<Scalar>?, _ tanhC: UnsafeMutablePointer<Scalar>?, _ h: UnsafeMutablePointer<Scalar>?
    ) -> Bool {
        guard H >= FastMath.vectorKernelMinimum, let g, let c, let cOut, let tanhC, let h else { return false }
        if Scalar.self == Float.self {
            fm_lstm_forward_row_f32(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(c)), .init(OpaquePointer(cOut)),
                .init(OpaquePointer(tanhC)), .init(OpaquePointer(h)))
            return true
        }
        if Scalar.self == Double.self {
            fm_lstm_forward_row_f64(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(c)), .init(OpaquePointer(cOut)),
                .init(OpaquePointer(tanhC)), .init(OpaquePointer(h)))
            return true
        }
        return false
    }

    /// One GRU row by the C kernel (see ``lstmForwardRow``).
    @inline(__always)
    static func gruForwardRow(
        _ H: Int, _ g: UnsafeMutablePointer<Scalar>?, _ gh: UnsafeMutablePointer<Scalar>?,
        _ bhn: UnsafePointer<Scalar>?, _ hnOut: UnsafeMutablePointer<Scalar>?, _ hPrev: UnsafePointer<Scalar>,
        _ h: UnsafeMutablePointer<Scalar>?
    ) -> Bool {
        guard H >= FastMath.vectorKernelMinimum, let g, let gh, let bhn, let hnOut, let h else { return false }
        if Scalar.self == Float.self {
            fm_gru_forward_row_f32(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(gh)), .init(OpaquePointer(bhn)),
                .init(OpaquePointer(hnOut)), .init(OpaquePointer(hPrev)), .init(OpaquePointer(h)))
            return true
        }
        if Scalar.self == Double.self {
            fm_gru_forward_row_f64(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(gh)), .init(OpaquePointer(bhn)),
                .init(OpaquePointer(hnOut)), .init(OpaquePointer(hPrev)), .init(OpaquePointer(h)))
            return true
        }
        return false
    }

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

        // One GEMM projects the inputs of every step: pre = X W_ih^T; each step adds the biases
        // to its rows, b_ih + b_hh (GRU: b_hh only for r and z; b_hn stays inside
        // r * (W_hn h + b_hn)), before its recurrent product. The step kernels then overwrite a
        // row's pre-activations with its gates, so `gates` holds both. The large caches are
        // written in full before being read: valid rows by the step kernels, padded rows zeroed
        // in the step loop.
        var gates = Matrix<Scalar>(uninitializedRows: TB, columns: GH)
        BLAS.gemm(input, wih, transposeB: true, into: &gates)
        let isGRUCell = cfg.cell == .gru
        var bias = bih.storage
        for j in 0..<(isGRUCell ? 2 * H : GH) { bias[j] += bhh.storage[j] }
        var states = Matrix<Scalar>(uninitializedRows: TB, columns: H)
        let needsExtra = cfg.cell != .rnn
        var extra = Matrix<Scalar>(uninitializedRows: needsExtra ? TB : 0, columns: H)
        var extra2 = Matrix<Scalar>(
            uninitializedRows: cfg.cell == .lstm ? TB : (isLN ? TB : 0), columns: cfg.cell == .lstm ? H : 1)
        // h_{t-1} for step t: read in place from `states` while every sequence is still running
        // (t < allValid); from then on carried in `h`, where finished sequences keep their last state.
        let allValid = lengths.min() ?? 0
        var h = h0
        var cState = c0 ?? Matrix<Scalar>(rows: B, columns: H)
        // GRU: h_{t-1} W_hh^T, reused by every step (allocated once per layer). The other cells
        // accumulate h_{t-1} W_hh^T straight into the step's rows of `gates` (beta = 1).
        var gh = Matrix<Scalar>(rows: isGRUCell ? B : 0, columns: GH)
        let kernel = StepKernel(
            cell: cfg.cell, relu: cfg.nonlinearity == .relu && cfg.cell == .rnn, H: H, GH: GH)
        // The recurrent products read W_hh^T (`H x GH`, transposed once per layer), whose rows are
        // contiguous over the gate columns: the kernels use them in place, with no per-step copy.
        let (whhOperand, ldw) = Self.padded(whh, transpose: true)
        let extraWidth = extra.rows == 0 ? 0 : extra.columns
        let extra2Width = extra2.rows == 0 ? 0 : extra2.columns
        let fused = Self.fusedStepsApply(cell: cfg.cell, relu: kernel.relu, hiddenSize: H)

        // Every buffer is opened once per layer; the step loop indexes unsafe buffers (no bounds
        // checks in release builds, no closures per step).
        gates.storage.withUnsafeMutableBufferPointer { gP in
        states.storage.withUnsafeMutableBufferPointer { sP in
        extra.storage.withUnsafeMutableBufferPointer { eP in
        extra2.storage.withUnsafeMutableBufferPointer { e2P in
        h.storage.withUnsafeMutableBufferPointer { hP in
        cState.storage.withUnsafeMutableBufferPointer { cP in
        gh.storage.withUnsafeMutableBufferPointer { ghP in
        bhh.storage.withUnsafeBufferPointer { bh in
        whhOperand.withUnsafeBufferPointer { wp in
        bias.withUnsafeBufferPointer { biasP in
        lnW.storage.withUnsafeBufferPointer { lw in
        lnB.storage.withUnsafeBufferPointer { lb in
            for t in 0..<T {
                // Empty states (B or H zero): nothing to compute.
                guard let gBase = gP.baseAddress, let sBase = sP.baseAddress, let hBase = hP.baseAddress else { continue }
                let hIn = UnsafePointer(t > 0 && t < allValid ? sBase + (t - 1) * B * H : hBase)
                if fused && t < allValid, let biasBase = biasP.baseAddress, let wBase = wp.baseAddress {
                    // Every sequence runs at this step: the whole step in one call.
                    Self.fusedForwardStep(
                        kernel.cell, B: B, H: H, bias: biasBase, hIn: hIn, whhT: wBase, ldw: ldw, gates: gBase + t * B * GH,
                        c: cP.baseAddress, cOut: eP.baseAddress.map { $0 + t * B * H },
                        tanhC: e2P.baseAddress.map { $0 + t * B * H }, h: sBase + t * B * H)
                    if t + 1 >= allValid {
                        for j in 0..<(B * H) { hP[j] = sP[t * B * H + j] }
                    }
                    continue
                }
                for row in (t * B)..<((t + 1) * B) {
                    let r = gBase + row * GH
                    for j in 0..<GH { r[j] += biasP[j] }
                }
                if isGRUCell {
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: B, n: GH, k: H, alpha: 1,
                        a: hIn, lda: H, b: wp.baseAddress, ldb: ldw, beta: 0,
                        c: ghP.baseAddress, ldc: GH)
                } else {
                    // pre_t += h_{t-1} W_hh^T (rows of padded sequences are computed and unused).
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: B, n: GH, k: H, alpha: 1,
                        a: hIn, lda: H, b: wp.baseAddress, ldb: ldw, beta: 1,
                        c: gP.baseAddress.map { $0 + t * B * GH }, ldc: GH)
                }
                for b in 0..<B {
                    let row = t * B + b
                    guard t < lengths[b] else {
                        // Padded step: the caches read zero there.
                        for j in 0..<GH { gP[row * GH + j] = 0 }
                        for j in 0..<H { sP[row * H + j] = 0 }
                        for j in 0..<extraWidth { eP[row * extraWidth + j] = 0 }
                        for j in 0..<extra2Width { e2P[row * extra2Width + j] = 0 }
                        continue
                    }
                    let p = row * GH
                    let q = b * GH
                    switch kernel.cell {
                    case .rnn:
                        kernel.rnn(gP, p, sP, row * H)
                    case .layerNormRNN:
                        kernel.layerNorm(gP, p, sP, eP, e2P, row, lw, lb)
                    case .lstm:
                        let o = row * H
                        if !Self.lstmForwardRow(
                            H, gP.address(p), cP.address(b * H),
                            eP.address(o), e2P.address(o), sP.address(o))
                        {
                            kernel.lstm(gP, p, sP, eP, e2P, o, cP, b * H)
                        }
                    case .gru:
                        let o = row * H
                        if !Self.gruForwardRow(
                            H, gP.address(p), ghP.address(q), bh.address(2 * H),
                            eP.address(o), hIn + b * H, sP.address(o))
                        {
                            kernel.gru(gP, p, ghP, q, bh, sP, eP, o, hIn + b * H)
                        }
                    }
                }
                // Carry the state once the next step reads it from `h`: valid sequences take h_t,
                // padded ones keep their last state.
                if t + 1 >= allValid {
                    for b in 0..<B where t < lengths[b] {
                        let s = (t * B + b) * H
                        for j in 0..<H { hP[b * H + j] = sP[s + j] }
                    }
                }
            }
        }}}}}}}}}}}}
        finalH = h
        if cfg.cell == .lstm { finalC?[k] = cState }
        return ForwardPass<Scalar>.LayerCache(input: input, states: states, gates: gates, extra: extra, extra2: extra2)
    }

    /// The element-wise math of one step for one sequence, over unsafe buffers and offsets: the
    /// gate buffer holds the row's pre-activations, activated in place by the vectorised
    /// ``FastMath`` kernels.
    private struct StepKernel {
        let cell: CellKind
        let relu: Bool
        let H: Int
        let GH: Int
        typealias Buf = UnsafeMutableBufferPointer<Scalar>

        @inline(__always)
        func tanh(_ buf: Buf, _ start: Int, _ n: Int) {
            if let base = buf.baseAddress { Scalar.fastTanh(base + start, count: n) }
        }

        @inline(__always)
        func sigmoid(_ buf: Buf, _ start: Int, _ n: Int) {
            if let base = buf.baseAddress { Scalar.fastSigmoid(base + start, count: n) }
        }

        @inline(__always)
        func rnn(_ g: Buf, _ p: Int, _ s: Buf, _ o: Int) {
            if relu {
                for j in 0..<H {
                    let z = g[p + j]
                    let v = z > 0 ? z : 0
                    g[p + j] = v
                    s[o + j] = v
                }
            } else {
                tanh(g, p, H)
                for j in 0..<H { s[o + j] = g[p + j] }
            }
        }

        @inline(__always)
        func layerNorm(
            _ g: Buf, _ p: Int, _ s: Buf, _ e: Buf, _ e2: Buf, _ row: Int,
            _ lw: UnsafeBufferPointer<Scalar>, _ lb: UnsafeBufferPointer<Scalar>
        ) {
            let eps = Scalar(1e-5)
            tanh(g, p, H)
            var mean: Scalar = 0
            for j in 0..<H { mean += g[p + j] }
            mean /= Scalar(H)
            var variance: Scalar = 0
            for j in 0..<H { variance += (g[p + j] - mean) * (g[p + j] - mean) }
            variance /= Scalar(H)
            let inv = 1 / (variance + eps).squareRoot()
            e2[row] = inv
            let o = row * H
            for j in 0..<H {
                let xh = (g[p + j] - mean) * inv
                e[o + j] = xh
                s[o + j] = lw[j] * xh + lb[j]
            }
        }

        @inline(__always)
        func lstm(
            _ g: Buf, _ p: Int, _ s: Buf, _ e: Buf, _ e2: Buf, _ o: Int,
            _ c: Buf, _ cb: Int
        ) {
            sigmoid(g, p, 2 * H)       // i, f
            tanh(g, p + 2 * H, H)      // g
            sigmoid(g, p + 3 * H, H)   // o
            for j in 0..<H {
                let cn = g[p + H + j] * c[cb + j] + g[p + j] * g[p + 2 * H + j]
                c[cb + j] = cn
                e[o + j] = cn
                e2[o + j] = cn
            }
            tanh(e2, o, H)
            for j in 0..<H { s[o + j] = g[p + 3 * H + j] * e2[o + j] }
        }

        @inline(__always)
        func gru(
            _ g: Buf, _ p: Int, _ gh: Buf, _ q: Int, _ bh: UnsafeBufferPointer<Scalar>, _ s: Buf,
            _ e: Buf, _ o: Int, _ hPrev: UnsafePointer<Scalar>
        ) {
            for j in 0..<(2 * H) { g[p + j] = g[p + j] + gh[q + j] }
            sigmoid(g, p, 2 * H)       // r, z
            for j in 0..<H {
                let hn = gh[q + 2 * H + j] + bh[2 * H + j]
                e[o + j] = hn
                g[p + 2 * H + j] = g[p + 2 * H + j] + g[p + j] * hn
            }
            tanh(g, p + 2 * H, H)      // n
            for j in 0..<H {
                let z = g[p + H + j]
                s[o + j] = (1 - z) * g[p + 2 * H + j] + z * hPrev[j]
            }
        }
    }
}

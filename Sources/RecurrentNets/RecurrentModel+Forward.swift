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

    /// Runs layer `k` over every step with the kernel of the configured cell.
    private func forwardLayer(
        _ k: Int, input: Matrix<Scalar>, steps T: Int, batchSize B: Int, lengths: [Int],
        h0: Matrix<Scalar>, c0: Matrix<Scalar>?, finalH: inout Matrix<Scalar>, finalC: inout [Matrix<Scalar>]?
    ) -> ForwardPass<Scalar>.LayerCache {
        let cfg = configuration
        let H = cfg.hiddenSize
        let relu = cfg.nonlinearity == .relu
        switch cfg.cell {
        case .rnn:
            let fused = Self.fusedStepsApply(cell: .rnn, relu: relu, hiddenSize: H)
            return forwardSweep(
                ElmanKernel(hiddenSize: H, relu: relu, fusedSteps: fused), k, input: input, steps: T, batchSize: B, lengths: lengths,
                h0: h0, c0: c0, finalH: &finalH, finalC: &finalC)
        case .layerNormRNN:
            return forwardSweep(
                LayerNormElmanKernel(hiddenSize: H), k, input: input, steps: T, batchSize: B, lengths: lengths,
                h0: h0, c0: c0, finalH: &finalH, finalC: &finalC)
        case .lstm:
            let fused = Self.fusedStepsApply(cell: .lstm, relu: false, hiddenSize: H)
            return forwardSweep(
                LSTMKernel(hiddenSize: H, fusedSteps: fused), k, input: input, steps: T, batchSize: B,
                lengths: lengths, h0: h0, c0: c0, finalH: &finalH, finalC: &finalC)
        case .gru:
            return forwardSweep(
                GRUKernel(hiddenSize: H), k, input: input, steps: T, batchSize: B, lengths: lengths,
                h0: h0, c0: c0, finalH: &finalH, finalC: &finalC)
        }
    }

    /// The forward sweep of one layer, the same for every cell: one GEMM projects the inputs of
    /// every step, `pre = X W_ih^T`; each step adds the biases to its rows (`b_ih` plus the
    /// kernel's ``CellKernel/foldedHiddenBias`` columns of `b_hh`) and `h_{t-1} W_hh^T` (into its
    /// rows, or apart for GRU), then the kernel activates each running row in place, so `gates`
    /// holds both. The large caches are written in full before being read: running rows by the
    /// kernel, padded rows zeroed here.
    private func forwardSweep<Kernel: CellKernel<Scalar>>(
        _ kernel: Kernel, _ k: Int, input: Matrix<Scalar>, steps T: Int, batchSize B: Int, lengths: [Int],
        h0: Matrix<Scalar>, c0: Matrix<Scalar>?, finalH: inout Matrix<Scalar>, finalC: inout [Matrix<Scalar>]?
    ) -> ForwardPass<Scalar>.LayerCache {
        let cfg = configuration
        let H = cfg.hiddenSize
        let GH = kernel.gateCount * H
        let TB = T * B
        let wih = parameters.values[index("weight_ih_l\(k)")]
        let whh = parameters.values[index("weight_hh_l\(k)")]
        let bih = parameters.values[index("bias_ih_l\(k)")]
        let bhh = parameters.values[index("bias_hh_l\(k)")]
        let isLN = cfg.cell == .layerNormRNN
        let lnW = isLN ? parameters.values[index("ln_weight_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)
        let lnB = isLN ? parameters.values[index("ln_bias_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)

        var gates = Matrix<Scalar>(uninitializedRows: TB, columns: GH)
        BLAS.gemm(input, wih, transposeB: true, into: &gates)
        var bias = bih.storage
        for j in 0..<kernel.foldedHiddenBias { bias[j] += bhh.storage[j] }
        var states = Matrix<Scalar>(uninitializedRows: TB, columns: H)
        var extra = Matrix<Scalar>(uninitializedRows: kernel.cachesExtra ? TB : 0, columns: H)
        var extra2 = Matrix<Scalar>(uninitializedRows: kernel.cachesExtra2 ? TB : 0, columns: kernel.extra2Columns)
        // h_{t-1} for step t: read in place from `states` while every sequence is still running
        // (t < allValid); from then on carried in `h`, where finished sequences keep their last state.
        let allValid = lengths.min() ?? 0
        var h = h0
        var cState = c0 ?? Matrix<Scalar>(rows: B, columns: H)
        // GRU: h_{t-1} W_hh^T, reused by every step (allocated once per layer).
        let separate = kernel.separateRecurrentProduct
        var gh = Matrix<Scalar>(rows: separate ? B : 0, columns: GH)
        // The recurrent products read W_hh^T (`H x GH`, transposed once per layer into padded
        // rows), whose rows are contiguous over the gate columns: no per-step copy.
        let (whhOperand, ldw) = Self.padded(whh, transpose: true)
        let extraWidth = extra.rows == 0 ? 0 : extra.columns
        let extra2Width = extra2.rows == 0 ? 0 : extra2.columns

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
            let buffers = ForwardBuffers(
                gates: gP, states: sP, extra: eP, extra2: e2P, cell: cP, recurrent: ghP, hiddenBias: bh,
                lnWeight: lw, lnBias: lb)
            for t in 0..<T {
                // Empty states (B or H zero): nothing to compute.
                guard let gBase = gP.baseAddress, let sBase = sP.baseAddress, let hBase = hP.baseAddress else { continue }
                let hIn = UnsafePointer(t > 0 && t < allValid ? sBase + (t - 1) * B * H : hBase)
                if kernel.fusedSteps && t < allValid, let biasBase = biasP.baseAddress, let wBase = wp.baseAddress {
                    // Every sequence runs at this step: the whole step in one call.
                    Self.fusedForwardStep(
                        cfg.cell, B: B, H: H, bias: biasBase, hIn: hIn, whhT: wBase, ldw: ldw, gates: gBase + t * B * GH,
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
                // pre_t += h_{t-1} W_hh^T (GRU: into its own buffer; rows of padded sequences are
                // computed and unused).
                BLAS.gemm(
                    transposeA: false, transposeB: false, m: B, n: GH, k: H, alpha: 1,
                    a: hIn, lda: H, b: wp.baseAddress, ldb: ldw, beta: separate ? 0 : 1,
                    c: separate ? ghP.baseAddress : gBase + t * B * GH, ldc: GH)
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
                    kernel.forwardRow(buffers, row: row, b: b, hPrev: hIn + b * H)
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
}

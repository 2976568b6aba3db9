public import LinearAlgebra
import RealModule
import CFastMath
import Dispatch

extension RecurrentModel {
    /// Backpropagation through time over a forward pass.
    ///
    /// - Parameters:
    ///   - pass: the forward pass to differentiate.
    ///   - outputGradient: dL/d(top-layer states), `(T*B) x H` (rows at padded steps are ignored).
    ///   - finalStateGradient: dL/d(final state) per layer, or nil for zero (truncation windows
    ///     pass nil: no gradient crosses a window boundary).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(
        _ pass: ForwardPass<Scalar>, outputGradient: Matrix<Scalar>,
        finalStateGradient: RecurrentState<Scalar>? = nil
    ) throws(EngineError) -> BackwardPass<Scalar> {
        let c = configuration
        let TB = pass.steps * pass.batchSize
        guard outputGradient.rows == TB, outputGradient.columns == c.hiddenSize else {
            throw .shapeMismatch(
                what: "output gradient", expected: "\(TB)x\(c.hiddenSize)",
                found: "\(outputGradient.rows)x\(outputGradient.columns)")
        }
        if let finalStateGradient {
            try validate(state: finalStateGradient, batch: pass.batchSize, what: "final state gradient")
        }
        return backwardUnchecked(pass, outputGradient: outputGradient, finalStateGradient: finalStateGradient)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backwardUnchecked(
        _ pass: ForwardPass<Scalar>, outputGradient: Matrix<Scalar>, finalStateGradient: RecurrentState<Scalar>?
    ) -> BackwardPass<Scalar> {
        let c = configuration
        var grads = parameters.zeros()
        var dStart = RecurrentState<Scalar>.zeros(
            layers: c.layers, batch: pass.batchSize, hidden: c.hiddenSize, withCell: hasCellState)
        var norms = [[Double]](repeating: [], count: c.layers)
        var dOut = outputGradient
        for k in stride(from: c.layers - 1, through: 0, by: -1) {
            let r = backwardLayer(
                k, pass: pass, dOut: dOut, dhFinal: finalStateGradient?.h[k], dcFinal: finalStateGradient?.c?[k],
                grads: &grads)
            dOut = r.dInput
            if k < pass.inputMasks.count, let mask = pass.inputMasks[k] {
                for i in 0..<dOut.count { dOut.storage[i] *= mask.storage[i] }
            }
            dStart.h[k] = r.dh0
            if hasCellState { dStart.c?[k] = r.dc0 }
            norms[k] = r.norms
        }
        var xNorms = [Double](repeating: 0, count: pass.steps)
        let width = dOut.columns * pass.batchSize
        dOut.storage.withUnsafeBufferPointer { p in
            for t in 0..<pass.steps {
                xNorms[t] = VectorNorm.l2(UnsafeBufferPointer(rebasing: p[(t * width)..<((t + 1) * width)]))
            }
        }
        return BackwardPass(
            gradients: grads, inputGradient: dOut, initialStateGradient: dStart, stateGradientNorms: norms,
            inputGradientNorms: xNorms)
    }

    /// BPTT through layer `k` with the kernel of the configured cell.
    private func backwardLayer(
        _ k: Int, pass: ForwardPass<Scalar>, dOut: Matrix<Scalar>, dhFinal: Matrix<Scalar>?, dcFinal: Matrix<Scalar>?,
        grads: inout ParameterSet<Scalar>
    ) -> (dInput: Matrix<Scalar>, dh0: Matrix<Scalar>, dc0: Matrix<Scalar>, norms: [Double]) {
        let cfg = configuration
        let H = cfg.hiddenSize
        let relu = cfg.nonlinearity == .relu
        switch cfg.cell {
        case .rnn:
            let fused = Self.fusedStepsApply(cell: .rnn, relu: relu, hiddenSize: H)
            return backwardSweep(
                ElmanKernel(hiddenSize: H, relu: relu, fusedSteps: fused), k, pass: pass, dOut: dOut,
                dhFinal: dhFinal, dcFinal: dcFinal, grads: &grads)
        case .layerNormRNN:
            return backwardSweep(
                LayerNormElmanKernel(hiddenSize: H), k, pass: pass, dOut: dOut, dhFinal: dhFinal, dcFinal: dcFinal,
                grads: &grads)
        case .lstm:
            let fused = Self.fusedStepsApply(cell: .lstm, relu: false, hiddenSize: H)
            return backwardSweep(
                LSTMKernel(hiddenSize: H, fusedSteps: fused), k, pass: pass, dOut: dOut, dhFinal: dhFinal,
                dcFinal: dcFinal, grads: &grads)
        case .gru:
            return backwardSweep(
                GRUKernel(hiddenSize: H), k, pass: pass, dOut: dOut, dhFinal: dhFinal, dcFinal: dcFinal, grads: &grads)
        }
    }

    /// The backward sweep of one layer, the same for every cell: from the last step down,
    /// dL/dh_t = the gradient from above + the one carried from step t+1; the kernel turns it into
    /// each running row's pre-activation gradients; dL/dh_{t-1} = dPre_t W_hh (+ the kernel's
    /// direct paths), padded sequences passing dL/dh_t through unchanged. The parameter gradients
    /// then take one GEMM each over all steps.
    private func backwardSweep<Kernel: CellKernel<Scalar>>(
        _ kernel: Kernel, _ k: Int, pass: ForwardPass<Scalar>, dOut: Matrix<Scalar>, dhFinal: Matrix<Scalar>?,
        dcFinal: Matrix<Scalar>?, grads: inout ParameterSet<Scalar>
    ) -> (dInput: Matrix<Scalar>, dh0: Matrix<Scalar>, dc0: Matrix<Scalar>, norms: [Double]) {
        let cfg = configuration
        let cache = pass.layers[k]
        let T = pass.steps
        let B = pass.batchSize
        let H = cfg.hiddenSize
        let GH = kernel.gateCount * H
        let TB = T * B
        let lengths = pass.lengths
        let whh = parameters.values[index("weight_hh_l\(k)")]
        let wih = parameters.values[index("weight_ih_l\(k)")]
        let isLN = cfg.cell == .layerNormRNN
        let separate = kernel.separateRecurrentProduct
        let lnW = isLN ? parameters.values[index("ln_weight_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)
        var dLnW = [Scalar](repeating: 0, count: isLN ? H : 0)
        var dLnB = [Scalar](repeating: 0, count: isLN ? H : 0)

        // Written in full by the step loop (padded rows zeroed there).
        var dPreX = Matrix<Scalar>(uninitializedRows: TB, columns: GH)
        var dPreH = separate ? Matrix<Scalar>(uninitializedRows: TB, columns: GH) : Matrix<Scalar>(rows: 0, columns: 0)
        var dh = dhFinal ?? Matrix<Scalar>(rows: B, columns: H)
        var dc = dcFinal ?? Matrix<Scalar>(rows: B, columns: H)
        // dL/dh_t of the last `ring` steps, one B x H slot per step (t % ring): their norms are
        // taken together every `ring` steps (see VectorNorm.l2(each:)).
        let ring = 4
        var dhTotal = Matrix<Scalar>(rows: ring * B, columns: H)
        func slot(_ t: Int) -> Range<Int> { (t % ring) * B * H..<(t % ring + 1) * B * H }
        var norms = [Double](repeating: 0, count: T)
        let allValid = lengths.min() ?? 0
        var daBuffer = [Scalar](repeating: 0, count: H)
        let (whhPadded, ldw) = Self.padded(whh, transpose: false)
        let h0 = pass.initialState.h[k]
        let c0 = pass.initialState.c?[k] ?? Matrix<Scalar>(rows: B, columns: H)

        // Every buffer is opened once per layer; the step loop indexes unsafe buffers.
        dPreX.storage.withUnsafeMutableBufferPointer { dX in
        dPreH.storage.withUnsafeMutableBufferPointer { dHp in
        dh.storage.withUnsafeMutableBufferPointer { dhP in
        dc.storage.withUnsafeMutableBufferPointer { dcP in
        dhTotal.storage.withUnsafeMutableBufferPointer { ringP in
        daBuffer.withUnsafeMutableBufferPointer { da in
        dLnW.withUnsafeMutableBufferPointer { dlw in
        dLnB.withUnsafeMutableBufferPointer { dlb in
        dOut.storage.withUnsafeBufferPointer { up in
        cache.gates.storage.withUnsafeBufferPointer { gs in
        cache.states.storage.withUnsafeBufferPointer { st in
        cache.extra.storage.withUnsafeBufferPointer { ex in
        cache.extra2.storage.withUnsafeBufferPointer { ex2 in
        h0.storage.withUnsafeBufferPointer { h0p in
        c0.storage.withUnsafeBufferPointer { c0p in
        lnW.storage.withUnsafeBufferPointer { lw in
        whhPadded.withUnsafeBufferPointer { wp in
            for t in stride(from: T - 1, through: 0, by: -1) {
                let tot = UnsafeMutableBufferPointer(rebasing: ringP[slot(t)])
                // Empty states (B or H zero): nothing to propagate.
                guard let upB = up.baseAddress, let dhB = dhP.baseAddress, let totB = tot.baseAddress else { continue }
                if kernel.fusedSteps && t < allValid, let gsB = gs.baseAddress, let wB = wp.baseAddress,
                    let dXB = dX.baseAddress
                {
                    // Every sequence runs at this step: the whole step in one call.
                    let cPrev = t == 0 ? c0p.baseAddress : ex.baseAddress.map { $0 + (t - 1) * B * H }
                    Self.fusedBackwardStep(
                        cfg.cell, B: B, H: H, up: upB + t * B * H, gates: gsB + t * B * GH,
                        tanhC: ex2.baseAddress.map { $0 + t * B * H }, cPrev: cPrev, whh: wB, ldw: ldw, tot: totB,
                        dc: dcP.baseAddress, dPre: dXB + t * B * GH, dh: dhB)
                } else {
                    // dL/dh_t = gradient from above at step t + gradient from step t+1.
                    if t < allValid {
                        Scalar.add(upB + t * B * H, dhB, into: totB, count: B * H)
                    } else {
                        for b in 0..<B {
                            let o = b * H
                            if t < lengths[b] {
                                Scalar.add(upB + (t * B + b) * H, dhB + o, into: totB + o, count: H)
                            } else {
                                // `0 +`: the same sum as for a valid step with no gradient from above
                                // (it turns -0 into +0).
                                for j in 0..<H { tot[o + j] = 0 + dhP[o + j] }
                            }
                        }
                    }
                    let buffers = BackwardBuffers(
                        batchSize: B, gates: gs, states: st, extra: ex, extra2: ex2, h0: h0p, c0: c0p, total: tot,
                        dPreX: dX, dPreH: dHp, dh: dhP, dc: dcP, lnWeight: lw, scratch: da, dLnWeight: dlw,
                        dLnBias: dlb)
                    for b in 0..<B {
                        let row = t * B + b
                        guard t < lengths[b] else {
                            for j in 0..<GH { dX[row * GH + j] = 0 }
                            if separate { for j in 0..<GH { dHp[row * GH + j] = 0 } }
                            continue
                        }
                        kernel.backwardRow(buffers, t: t, b: b, row: row)
                    }
                    // dL/dh_{t-1} = dPre_t W_hh (+ direct paths); padded sequences pass dh_t through unchanged.
                    let source = separate ? dHp : dX
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: B, n: H, k: GH, alpha: 1,
                        a: UnsafePointer(source.baseAddress).map { $0 + t * B * GH }, lda: GH, b: wp.baseAddress,
                        ldb: ldw, beta: 0, c: dhP.baseAddress, ldc: H)
                    for b in 0..<B {
                        if t < lengths[b] {
                            kernel.addDirectPath(buffers, t: t, b: b)
                        } else {
                            let o = b * H
                            for j in 0..<H { dhP[o + j] = tot[o + j] }
                        }
                    }
                }
                if t % ring == 0 {
                    let group = t..<min(t + ring, T)
                    let groupNorms = VectorNorm.l2(each: group.map { s in
                        UnsafeBufferPointer(rebasing: ringP[slot(s)])
                    })
                    for (i, s) in group.enumerated() { norms[s] = groupNorms[i] }
                }
            }
        }}}}}}}}}}}}}}}}}

        // Parameter gradients as one GEMM each over all steps, and dL/dx. These products are
        // independent: large ones run on two threads (dW_hh on one; dW_ih, dL/dx and the bias
        // sums on the other), each computed exactly as on one thread.
        let nameIH = "weight_ih_l\(k)", nameHH = "weight_hh_l\(k)"
        // Each result is written by one thread only and read after both have finished.
        nonisolated(unsafe) var dWih = Matrix<Scalar>(uninitializedRows: GH, columns: wih.columns)
        nonisolated(unsafe) var dWhh = Matrix<Scalar>(uninitializedRows: GH, columns: H)
        nonisolated(unsafe) var dbih = Matrix<Scalar>(rows: 1, columns: GH)
        nonisolated(unsafe) var dbhh = Matrix<Scalar>(rows: 1, columns: GH)
        nonisolated(unsafe) var dInput = Matrix<Scalar>(uninitializedRows: TB, columns: wih.columns)
        let (preX, preH) = (dPreX, dPreH)
        let dPreHH = separate ? preH : preX
        @Sendable func recurrentWeights() {
            // dW_hh = sum_t dPre_t^T h_{t-1}: h_0 for the first step, then the states of steps
            // 0..<T-1 read in place (two GEMMs instead of copying h_{t-1} for every step).
            dPreHH.storage.withUnsafeBufferPointer { dp in
                h0.storage.withUnsafeBufferPointer { hp in
                    cache.states.storage.withUnsafeBufferPointer { sp in
                        dWhh.storage.withUnsafeMutableBufferPointer { wp in
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: GH, n: H, k: B, alpha: 1,
                                a: dp.baseAddress, lda: GH, b: hp.baseAddress, ldb: H, beta: 0,
                                c: wp.baseAddress, ldc: H)
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: GH, n: H, k: TB - B, alpha: 1,
                                a: dp.baseAddress.map { $0 + B * GH }, lda: GH, b: sp.baseAddress, ldb: H, beta: 1,
                                c: wp.baseAddress, ldc: H)
                        }
                    }
                }
            }
        }
        @Sendable func inputSide() {
            BLAS.gemm(preX, transposeA: true, cache.input, into: &dWih)
            BLAS.gemm(preX, wih, into: &dInput)
            Self.accumulateRows(of: preX, into: &dbih)
            if separate { Self.accumulateRows(of: preH, into: &dbhh) }
        }
        // Not when each product is already spread over two threads (the kernels' helper thread,
        // or OpenBLAS's).
        if TB * GH * H >= Self.twoThreadMinimum && BLASBackend.openBLASThreads == 1 && BLAS.productThreads == 1 {
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                if part == 0 { recurrentWeights() } else { inputSide() }
            }
        } else {
            inputSide()
            recurrentWeights()
        }
        if !separate { dbhh = dbih }
        grads[nameIH] = dWih
        grads[nameHH] = dWhh
        grads["bias_ih_l\(k)"] = dbih
        grads["bias_hh_l\(k)"] = dbhh
        if isLN {
            grads["ln_weight_l\(k)"] = Matrix(rows: 1, columns: H, elements: dLnW)
            grads["ln_bias_l\(k)"] = Matrix(rows: 1, columns: H, elements: dLnB)
        }
        return (dInput, dh, dc, norms)
    }

    /// Multiply-adds of dW_hh from which the closing products of a layer's backward pass run on
    /// two threads (below, the thread hand-off costs more than it saves).
    static var twoThreadMinimum: Int { 1 << 22 }

    /// `acc += ` every row of `m`, row after row (a bias gradient over all steps).
    private static func accumulateRows(of m: Matrix<Scalar>, into acc: inout Matrix<Scalar>) {
        m.storage.withUnsafeBufferPointer { src in
            acc.storage.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                Scalar.accumulateRows(s, rowCount: m.rows, columns: m.columns, into: d)
            }
        }
    }
}

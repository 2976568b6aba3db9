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

    /// One LSTM row by the C kernel (AVX-512/AVX2/baseline; the same expressions as the Swift
    /// loop, so the same results); false when it does not apply (small H, an empty buffer, other
    /// scalar types).
    @inline(__always)
    static func lstmBackwardRow(
        _ H: Int, _ g: UnsafePointer<Scalar>?, _ tc: UnsafePointer<Scalar>?, _ cPrev: UnsafePointer<Scalar>?,
        _ tot: UnsafeMutablePointer<Scalar>?, _ dc: UnsafeMutablePointer<Scalar>?, _ dx: UnsafeMutablePointer<Scalar>?
    ) -> Bool {
        guard H >= FastMath.vectorKernelMinimum, let g, let tc, let cPrev, let tot, let dc, let dx else { return false }
        if Scalar.self == Float.self {
            fm_lstm_backward_row_f32(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(tc)), .init(OpaquePointer(cPrev)),
                .init(OpaquePointer(tot)), .init(OpaquePointer(dc)), .init(OpaquePointer(dx)))
            return true
        }
        if Scalar.self == Double.self {
            fm_lstm_backward_row_f64(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(tc)), .init(OpaquePointer(cPrev)),
                .init(OpaquePointer(tot)), .init(OpaquePointer(dc)), .init(OpaquePointer(dx)))
            return true
        }
        return false
    }

    /// One GRU row by the C kernel (see ``lstmBackwardRow``).
    @inline(__always)
    static func gruBackwardRow(
        _ H: Int, _ g: UnsafePointer<Scalar>?, _ hn: UnsafePointer<Scalar>?, _ hPrev: UnsafePointer<Scalar>?,
        _ tot: UnsafeMutablePointer<Scalar>?, _ dx: UnsafeMutablePointer<Scalar>?, _ dh: UnsafeMutablePointer<Scalar>?
    ) -> Bool {
        guard H >= FastMath.vectorKernelMinimum, let g, let hn, let hPrev, let tot, let dx, let dh else { return false }
        if Scalar.self == Float.self {
            fm_gru_backward_row_f32(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(hn)), .init(OpaquePointer(hPrev)),
                .init(OpaquePointer(tot)), .init(OpaquePointer(dx)), .init(OpaquePointer(dh)))
            return true
        }
        if Scalar.self == Double.self {
            fm_gru_backward_row_f64(
                H, .init(OpaquePointer(g)), .init(OpaquePointer(hn)), .init(OpaquePointer(hPrev)),
                .init(OpaquePointer(tot)), .init(OpaquePointer(dx)), .init(OpaquePointer(dh)))
            return true
        }
        return false
    }

    private func backwardLayer(
        _ k: Int, pass: ForwardPass<Scalar>, dOut: Matrix<Scalar>, dhFinal: Matrix<Scalar>?, dcFinal: Matrix<Scalar>?,
        grads: inout ParameterSet<Scalar>
    ) -> (dInput: Matrix<Scalar>, dh0: Matrix<Scalar>, dc0: Matrix<Scalar>, norms: [Double]) {
        let cfg = configuration
        let cache = pass.layers[k]
        let T = pass.steps
        let B = pass.batchSize
        let H = cfg.hiddenSize
        let GH = cfg.cell.gates * H
        let TB = T * B
        let lengths = pass.lengths
        let whh = parameters.values[index("weight_hh_l\(k)")]
        let wih = parameters.values[index("weight_ih_l\(k)")]
        let isLN = cfg.cell == .layerNormRNN
        let isGRU = cfg.cell == .gru
        let cell = cfg.cell
        let relu = cfg.nonlinearity == .relu && cfg.cell == .rnn
        let lnW = isLN ? parameters.values[index("ln_weight_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)
        var dLnW = [Scalar](repeating: 0, count: isLN ? H : 0)
        var dLnB = [Scalar](repeating: 0, count: isLN ? H : 0)

        // Written in full by the step loop (padded rows zeroed there).
        var dPreX = Matrix<Scalar>(uninitializedRows: TB, columns: GH)
        var dPreH = isGRU ? Matrix<Scalar>(uninitializedRows: TB, columns: GH) : Matrix<Scalar>(rows: 0, columns: 0)
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
        let fused = Self.fusedStepsApply(cell: cell, relu: relu, hiddenSize: H)
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
                if fused && t < allValid, let gsB = gs.baseAddress, let wB = wp.baseAddress, let dXB = dX.baseAddress {
                    // Every sequence runs at this step: the whole step in one call.
                    let cPrev = t == 0 ? c0p.baseAddress : ex.baseAddress.map { $0 + (t - 1) * B * H }
                    Self.fusedBackwardStep(
                        cell, B: B, H: H, up: upB + t * B * H, gates: gsB + t * B * GH,
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
                    for b in 0..<B {
                        let row = t * B + b
                        guard t < lengths[b] else {
                            for j in 0..<GH { dX[row * GH + j] = 0 }
                            if isGRU { for j in 0..<GH { dHp[row * GH + j] = 0 } }
                            continue
                        }
                        let gBase = row * GH
                        let sBase = row * H
                        let o = b * H
                        switch cell {
                        case .rnn:
                            if relu {
                                for j in 0..<H {
                                    let v = gs[gBase + j]
                                    dX[gBase + j] = tot[o + j] * (v > 0 ? Scalar(1) : 0)
                                }
                            } else {
                                for j in 0..<H {
                                    let v = gs[gBase + j]
                                    dX[gBase + j] = tot[o + j] * (1 - v * v)
                                }
                            }
                        case .layerNormRNN:
                            let inv = ex2[row]
                            var meanD: Scalar = 0
                            var meanDX: Scalar = 0
                            for j in 0..<H {
                                let g = tot[o + j]
                                let xh = ex[sBase + j]
                                dlw[j] += g * xh
                                dlb[j] += g
                                let dxh = g * lw[j]
                                da[j] = dxh
                                meanD += dxh
                                meanDX += dxh * xh
                            }
                            meanD /= Scalar(H)
                            meanDX /= Scalar(H)
                            for j in 0..<H {
                                let xh = ex[sBase + j]
                                let d = inv * (da[j] - meanD - xh * meanDX)
                                let a = gs[gBase + j]
                                dX[gBase + j] = d * (1 - a * a)
                            }
                        case .lstm:
                            // c_{t-1}: the initial cell state at t = 0, else the cached c of step t-1.
                            let prev = t == 0 ? c0p : ex
                            let pBase = t == 0 ? o : (row - B) * H
                            if Self.lstmBackwardRow(
                                H, gs.address(gBase), ex2.address(sBase), prev.address(pBase),
                                tot.address(o), dcP.address(o), dX.address(gBase))
                            {
                                continue
                            }
                            for j in 0..<H {
                                let i = gs[gBase + j]
                                let f = gs[gBase + H + j]
                                let g = gs[gBase + 2 * H + j]
                                let og = gs[gBase + 3 * H + j]
                                let tc = ex2[sBase + j]
                                let cPrev = prev[pBase + j]
                                let dht = tot[o + j]
                                let dct = dcP[o + j] + dht * og * (1 - tc * tc)
                                dX[gBase + j] = dct * g * i * (1 - i)
                                dX[gBase + H + j] = dct * cPrev * f * (1 - f)
                                dX[gBase + 2 * H + j] = dct * i * (1 - g * g)
                                dX[gBase + 3 * H + j] = dht * tc * og * (1 - og)
                                dcP[o + j] = dct * f
                            }
                        case .gru:
                            let prev = t == 0 ? h0p : st
                            let pBase = t == 0 ? o : (row - B) * H
                            if Self.gruBackwardRow(
                                H, gs.address(gBase), ex.address(sBase), prev.address(pBase),
                                tot.address(o), dX.address(gBase), dHp.address(gBase))
                            {
                                continue
                            }
                            for j in 0..<H {
                                let r = gs[gBase + j]
                                let z = gs[gBase + H + j]
                                let n = gs[gBase + 2 * H + j]
                                let hn = ex[sBase + j]
                                let hPrev = prev[pBase + j]
                                let dht = tot[o + j]
                                let dpn = dht * (1 - z) * (1 - n * n)
                                let dpz = dht * (hPrev - n) * z * (1 - z)
                                let dpr = dpn * hn * r * (1 - r)
                                dX[gBase + j] = dpr
                                dX[gBase + H + j] = dpz
                                dX[gBase + 2 * H + j] = dpn
                                dHp[gBase + j] = dpr
                                dHp[gBase + H + j] = dpz
                                dHp[gBase + 2 * H + j] = dpn * r
                            }
                        }
                    }
                    // dL/dh_{t-1} = dPre_t W_hh (+ direct paths); padded sequences pass dh_t through unchanged.
                    let source = isGRU ? dHp : dX
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: B, n: H, k: GH, alpha: 1,
                        a: UnsafePointer(source.baseAddress).map { $0 + t * B * GH }, lda: GH, b: wp.baseAddress, ldb: ldw,
                        beta: 0, c: dhP.baseAddress, ldc: H)
                    for b in 0..<B {
                        let o = b * H
                        if t < lengths[b] {
                            if isGRU {
                                let zBase = (t * B + b) * GH + H
                                for j in 0..<H { dhP[o + j] += tot[o + j] * gs[zBase + j] }
                            }
                        } else {
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
        let dPreHH = isGRU ? preH : preX
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
            if isGRU { Self.accumulateRows(of: preH, into: &dbhh) }
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
        if !isGRU { dbhh = dbih }
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

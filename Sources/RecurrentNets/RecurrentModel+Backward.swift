public import LinearAlgebra
import RealModule

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
        let relu = cfg.nonlinearity == .relu && cfg.cell == .rnn
        let lnW = isLN ? parameters.values[index("ln_weight_l\(k)")] : Matrix<Scalar>(rows: 0, columns: 0)
        var dLnW = [Scalar](repeating: 0, count: isLN ? H : 0)
        var dLnB = [Scalar](repeating: 0, count: isLN ? H : 0)

        var dPreX = Matrix<Scalar>(rows: TB, columns: GH)
        var dPreH = isGRU ? Matrix<Scalar>(rows: TB, columns: GH) : Matrix<Scalar>(rows: 0, columns: 0)
        var dh = dhFinal ?? Matrix<Scalar>(rows: B, columns: H)
        var dc = dcFinal ?? Matrix<Scalar>(rows: B, columns: H)
        var dhTotal = Matrix<Scalar>(rows: B, columns: H)
        var norms = [Double](repeating: 0, count: T)
        var daBuffer = [Scalar](repeating: 0, count: H)

        for t in stride(from: T - 1, through: 0, by: -1) {
            // dL/dh_t = gradient from above at step t + gradient from step t+1.
            for b in 0..<B {
                for j in 0..<H {
                    let above = t < lengths[b] ? dOut[t * B + b, j] : 0
                    dhTotal.storage[b * H + j] = above + dh.storage[b * H + j]
                }
            }
            norms[t] = VectorNorm.l2(dhTotal.storage)
            for b in 0..<B where t < lengths[b] {
                let row = t * B + b
                let gBase = row * GH
                let sBase = row * H
                switch cfg.cell {
                case .rnn:
                    for j in 0..<H {
                        let v = cache.gates.storage[gBase + j]
                        let d = relu ? (v > 0 ? Scalar(1) : 0) : 1 - v * v
                        dPreX.storage[gBase + j] = dhTotal.storage[b * H + j] * d
                    }
                case .layerNormRNN:
                    let inv = cache.extra2.storage[row]
                    var meanD: Scalar = 0
                    var meanDX: Scalar = 0
                    for j in 0..<H {
                        let g = dhTotal.storage[b * H + j]
                        let xh = cache.extra.storage[sBase + j]
                        dLnW[j] += g * xh
                        dLnB[j] += g
                        let dxh = g * lnW.storage[j]
                        daBuffer[j] = dxh
                        meanD += dxh
                        meanDX += dxh * xh
                    }
                    meanD /= Scalar(H)
                    meanDX /= Scalar(H)
                    for j in 0..<H {
                        let xh = cache.extra.storage[sBase + j]
                        let da = inv * (daBuffer[j] - meanD - xh * meanDX)
                        let a = cache.gates.storage[gBase + j]
                        dPreX.storage[gBase + j] = da * (1 - a * a)
                    }
                case .lstm:
                    for j in 0..<H {
                        let i = cache.gates.storage[gBase + j]
                        let f = cache.gates.storage[gBase + H + j]
                        let g = cache.gates.storage[gBase + 2 * H + j]
                        let o = cache.gates.storage[gBase + 3 * H + j]
                        let tc = cache.extra2.storage[sBase + j]
                        let cPrev = t == 0
                            ? (pass.initialState.c?[k].storage[b * H + j] ?? 0)
                            : cache.extra.storage[(row - B) * H + j]
                        let dht = dhTotal.storage[b * H + j]
                        let dct = dc.storage[b * H + j] + dht * o * (1 - tc * tc)
                        dPreX.storage[gBase + j] = dct * g * i * (1 - i)
                        dPreX.storage[gBase + H + j] = dct * cPrev * f * (1 - f)
                        dPreX.storage[gBase + 2 * H + j] = dct * i * (1 - g * g)
                        dPreX.storage[gBase + 3 * H + j] = dht * tc * o * (1 - o)
                        dc.storage[b * H + j] = dct * f
                    }
                case .gru:
                    for j in 0..<H {
                        let r = cache.gates.storage[gBase + j]
                        let z = cache.gates.storage[gBase + H + j]
                        let n = cache.gates.storage[gBase + 2 * H + j]
                        let hn = cache.extra.storage[sBase + j]
                        let hPrev = t == 0
                            ? pass.initialState.h[k].storage[b * H + j]
                            : cache.states.storage[(row - B) * H + j]
                        let dht = dhTotal.storage[b * H + j]
                        let dpn = dht * (1 - z) * (1 - n * n)
                        let dpz = dht * (hPrev - n) * z * (1 - z)
                        let dpr = dpn * hn * r * (1 - r)
                        dPreX.storage[gBase + j] = dpr
                        dPreX.storage[gBase + H + j] = dpz
                        dPreX.storage[gBase + 2 * H + j] = dpn
                        dPreH.storage[gBase + j] = dpr
                        dPreH.storage[gBase + H + j] = dpz
                        dPreH.storage[gBase + 2 * H + j] = dpn * r
                    }
                }
            }
            // dL/dh_{t-1} = dPre_t W_hh (+ direct paths); padded sequences pass dh_t through unchanged.
            let source = isGRU ? dPreH : dPreX
            source.storage.withUnsafeBufferPointer { sp in
                whh.storage.withUnsafeBufferPointer { wp in
                    dh.storage.withUnsafeMutableBufferPointer { dp in
                        BLAS.gemm(
                            transposeA: false, transposeB: false, m: B, n: H, k: GH, alpha: 1,
                            a: sp.baseAddress.map { $0 + t * B * GH }, lda: GH, b: wp.baseAddress, ldb: H, beta: 0,
                            c: dp.baseAddress, ldc: H)
                    }
                }
            }
            for b in 0..<B {
                if t < lengths[b] {
                    if isGRU {
                        let gBase = (t * B + b) * GH
                        for j in 0..<H {
                            dh.storage[b * H + j] += dhTotal.storage[b * H + j] * cache.gates.storage[gBase + H + j]
                        }
                    }
                } else {
                    for j in 0..<H { dh.storage[b * H + j] = dhTotal.storage[b * H + j] }
                }
            }
        }

        // Parameter gradients as one GEMM each over all steps.
        let nameIH = "weight_ih_l\(k)", nameHH = "weight_hh_l\(k)"
        var dWih = Matrix<Scalar>(rows: GH, columns: wih.columns)
        BLAS.gemm(dPreX, transposeA: true, cache.input, into: &dWih)
        // h_{t-1} for every step: h_0 then the states of steps 0..<T-1.
        var hPrev = Matrix<Scalar>(rows: TB, columns: H)
        for i in 0..<(B * H) { hPrev.storage[i] = pass.initialState.h[k].storage[i] }
        for i in 0..<((TB - B) * H) { hPrev.storage[B * H + i] = cache.states.storage[i] }
        var dWhh = Matrix<Scalar>(rows: GH, columns: H)
        BLAS.gemm(isGRU ? dPreH : dPreX, transposeA: true, hPrev, into: &dWhh)
        var dbih = Matrix<Scalar>(rows: 1, columns: GH)
        var dbhh = Matrix<Scalar>(rows: 1, columns: GH)
        for row in 0..<TB {
            for j in 0..<GH {
                dbih.storage[j] += dPreX.storage[row * GH + j]
                dbhh.storage[j] += isGRU ? dPreH.storage[row * GH + j] : dPreX.storage[row * GH + j]
            }
        }
        var dInput = Matrix<Scalar>(rows: TB, columns: wih.columns)
        BLAS.gemm(dPreX, wih, into: &dInput)
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
}

public import LinearAlgebra

/// One step of the driven dynamics `s_t = F(s_{t-1}, x_t)` for a single sequence, with its
/// pre-activations and analytic Jacobian (see ``StepLinearisation`` for the state layout).
///
/// The step repeats the forward pass's operations in its order (input product, then biases,
/// then the recurrent product accumulated by the same fixed-order kernels, then ``FastMath``
/// activations), so a trajectory equals the forward pass's states.
extension RecurrentModel {
    /// The state dimension `n` of the driven dynamics: `L H`, or `2 L H` for the LSTM.
    public var stateDimension: Int { configuration.layers * configuration.hiddenSize * (hasCellState ? 2 : 1) }

    /// The result of one step.
    public struct Step: Sendable {
        /// `s_t` (`n` values, layers bottom first, `h` then `c`).
        public var state: [Scalar]
        /// Per layer, the gate pre-activations `z_t` (`G H` values: `W_ih x + b_ih + W_hh h + b_hh`;
        /// for the GRU's `n` block `W_in x + b_in + r * (W_hn h + b_hn)`).
        public var preActivations: [[Scalar]]
        /// `ds_t/ds_{t-1}` at this point (nil unless asked for).
        public var linearisation: StepLinearisation?
    }

    /// `F(state, input)`: the next state of one sequence; `state` has ``stateDimension`` values,
    /// `input` the model's input width.
    public func step(from state: [Scalar], input: [Scalar]) throws(EngineError) -> Step {
        try checkStep(state, input)
        return stepUnchecked(from: state, input: input, weights: nil)
    }

    /// `ds_t/ds_{t-1}`, `n x n`, at `(state, input)` (analytic; see ``StepLinearisation``).
    public func stepJacobian(at state: [Scalar], input: [Scalar]) throws(EngineError) -> Matrix<Double> {
        try checkStep(state, input)
        let step = stepUnchecked(from: state, input: input, weights: StepLinearisation.Weights(self))
        return step.linearisation?.matrix ?? Matrix(rows: 0, columns: 0)
    }

    /// The flat state of sequence `b` of a ``RecurrentState``.
    public func flatState(_ s: RecurrentState<Scalar>, sequence b: Int = 0) -> [Scalar] {
        let H = configuration.hiddenSize
        var out: [Scalar] = []
        out.reserveCapacity(stateDimension)
        for k in 0..<configuration.layers {
            for j in 0..<H { out.append(s.h[k][b, j]) }
            if hasCellState, let c = s.c {
                for j in 0..<H { out.append(c[k][b, j]) }
            }
        }
        return out
    }

    /// Per layer, the gate pre-activations `z_t` of every step of `batch`, `(T*B) x (G*H)` in the
    /// forward pass's row order (see ``Step/preActivations``; zero at padded steps).
    public func preActivations(
        for batch: SequenceBatch<Scalar>, initialState: RecurrentState<Scalar>? = nil
    ) throws(EngineError) -> [Matrix<Scalar>] {
        let start = try startingState(for: batch, given: initialState)
        let T = batch.steps
        let B = batch.batchSize
        let L = configuration.layers
        let GH = configuration.cell.gates * configuration.hiddenSize
        var out = [Matrix<Scalar>](repeating: Matrix(rows: T * B, columns: GH), count: L)
        let operands = stepOperands()
        for b in 0..<B {
            var s = flatState(start, sequence: b)
            for t in 0..<batch.lengths[b] {
                let row = t * B + b
                let x = Array(batch.inputs.storage[(row * batch.features)..<((row + 1) * batch.features)])
                let step = stepUnchecked(from: s, input: x, weights: nil, operands: operands)
                for k in 0..<L {
                    for j in 0..<GH { out[k].storage[row * GH + j] = step.preActivations[k][j] }
                }
                s = step.state
            }
        }
        return out
    }

    private func checkStep(_ state: [Scalar], _ input: [Scalar]) throws(EngineError) {
        guard state.count == stateDimension else {
            throw .shapeMismatch(what: "state", expected: "\(stateDimension) values", found: "\(state.count) values")
        }
        guard input.count == configuration.inputSize else {
            throw .shapeMismatch(what: "input", expected: "\(configuration.inputSize) values", found: "\(input.count) values")
        }
    }

    /// Per layer, the operands of a step in the forward pass's layout: `W_ih^T` (`in x G H`),
    /// `W_hh^T` (`H x G H`), the summed biases (`b_ih + b_hh`; GRU: `b_hh` only for r and z) and `b_hh`.
    struct StepOperands: Sendable {
        var inputT: [Matrix<Scalar>] = []
        var recurrentT: [Matrix<Scalar>] = []
        var bias: [[Scalar]] = []
        var recurrentBias: [[Scalar]] = []
    }

    /// The operands of ``stepUnchecked(from:input:weights:operands:)`` (prepared once per trajectory).
    func stepOperands() -> StepOperands {
        var o = StepOperands()
        let c = configuration
        for k in 0..<c.layers {
            o.inputT.append(parameters.values[index("weight_ih_l\(k)")].transposed)
            o.recurrentT.append(parameters.values[index("weight_hh_l\(k)")].transposed)
            let bhh = parameters.values[index("bias_hh_l\(k)")].storage
            var bias = parameters.values[index("bias_ih_l\(k)")].storage
            for j in 0..<(c.cell == .gru ? 2 * c.hiddenSize : bias.count) { bias[j] += bhh[j] }
            o.bias.append(bias)
            o.recurrentBias.append(bhh)
        }
        return o
    }

    /// The step; with `weights`, also its linearisation. `operands`: ``stepOperands()`` (nil: made here).
    func stepUnchecked(
        from state: [Scalar], input: [Scalar], weights: StepLinearisation.Weights?, operands: StepOperands? = nil
    ) -> Step {
        let c = configuration
        let H = c.hiddenSize
        let G = c.cell.gates
        let GH = G * H
        let width = hasCellState ? 2 : 1
        let ops = operands ?? stepOperands()
        var next = state
        var pre: [[Scalar]] = []
        var data: [[Double]] = []
        var layerInput = input
        for k in 0..<c.layers {
            let bhh = ops.recurrentBias[k]
            let offset = k * H * width
            let hPrev = Matrix<Scalar>(rows: 1, columns: H, elements: Array(state[offset..<(offset + H)]))
            let x = Matrix<Scalar>(rows: 1, columns: layerInput.count, elements: layerInput)
            // The forward pass's order: x W_ih^T, + biases, then (+)= h W_hh^T by the same kernels.
            var g = Matrix<Scalar>(rows: 1, columns: GH)
            BLAS.gemm(x, ops.inputT[k], into: &g)
            for j in 0..<GH { g.storage[j] += ops.bias[k][j] }
            var gh = Matrix<Scalar>(rows: 1, columns: GH)
            if c.cell == .gru {
                BLAS.gemm(hPrev, ops.recurrentT[k], into: &gh)
            } else {
                BLAS.gemm(hPrev, ops.recurrentT[k], beta: 1, into: &g)
            }
            var z = g.storage
            var h = [Scalar](repeating: 0, count: H)
            var d: [Double] = []
            switch c.cell {
            case .rnn:
                if c.nonlinearity == .relu {
                    for j in 0..<H { h[j] = z[j] > 0 ? z[j] : 0 }
                    if weights != nil { d = (0..<H).map { z[$0] > 0 ? 1 : 0 } }
                } else {
                    h = z
                    h.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { Scalar.fastTanh(base, count: H) } }
                    if weights != nil { d = h.map { 1 - Double($0) * Double($0) } }
                }
                pre.append(z)
            case .layerNormRNN:
                pre.append(z)
                var y = z
                y.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { Scalar.fastTanh(base, count: H) } }
                let eps = Scalar(1e-5)
                var mean: Scalar = 0
                for j in 0..<H { mean += y[j] }
                mean /= Scalar(H)
                var variance: Scalar = 0
                for j in 0..<H { variance += (y[j] - mean) * (y[j] - mean) }
                variance /= Scalar(H)
                let inv = 1 / (variance + eps).squareRoot()
                let lw = parameters.values[index("ln_weight_l\(k)")].storage
                let lb = parameters.values[index("ln_bias_l\(k)")].storage
                var xhat = [Scalar](repeating: 0, count: H)
                for j in 0..<H {
                    xhat[j] = (y[j] - mean) * inv
                    h[j] = lw[j] * xhat[j] + lb[j]
                }
                if weights != nil {
                    d = y.map { 1 - Double($0) * Double($0) } + xhat.map { Double($0) } + [Double(inv)]
                }
            case .lstm:
                pre.append(z)
                z.withUnsafeMutableBufferPointer { p in
                    guard let base = p.baseAddress else { return }
                    Scalar.fastSigmoid(base, count: 2 * H)
                    Scalar.fastTanh(base + 2 * H, count: H)
                    Scalar.fastSigmoid(base + 3 * H, count: H)
                }
                var cNew = [Scalar](repeating: 0, count: H)
                for j in 0..<H { cNew[j] = z[H + j] * state[offset + H + j] + z[j] * z[2 * H + j] }
                var tc = cNew
                tc.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { Scalar.fastTanh(base, count: H) } }
                for j in 0..<H {
                    h[j] = z[3 * H + j] * tc[j]
                    next[offset + H + j] = cNew[j]
                }
                if weights != nil {
                    d = z.map { Double($0) } + state[(offset + H)..<(offset + 2 * H)].map { Double($0) } + tc.map { Double($0) }
                }
            case .gru:
                for j in 0..<(2 * H) { z[j] = z[j] + gh.storage[j] }
                var gates = z
                gates.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { Scalar.fastSigmoid(base, count: 2 * H) } }
                var hn = [Scalar](repeating: 0, count: H)
                for j in 0..<H {
                    hn[j] = gh.storage[2 * H + j] + bhh[2 * H + j]
                    z[2 * H + j] = z[2 * H + j] + gates[j] * hn[j]
                }
                pre.append(z)
                var n = Array(z[(2 * H)..<(3 * H)])
                n.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { Scalar.fastTanh(base, count: H) } }
                for j in 0..<H {
                    let u = gates[H + j]
                    h[j] = (1 - u) * n[j] + u * state[offset + j]
                }
                if weights != nil {
                    d = gates[0..<(2 * H)].map { Double($0) } + n.map { Double($0) } + hn.map { Double($0) }
                        + state[offset..<(offset + H)].map { Double($0) }
                }
            }
            for j in 0..<H { next[offset + j] = h[j] }
            data.append(d)
            layerInput = h
        }
        let lin = weights.map { StepLinearisation(weights: $0, data: data) }
        return Step(state: next, preActivations: pre, linearisation: lin)
    }
}

public import LinearAlgebra
public import RecurrentNets

/// Tutorial 3.2.5 (`analyze_gradient_flow`, `visualize_gradient_vanishing`): one forward and
/// backward pass of an RNN on random inputs `x ~ N(0,1)` of shape `[T, B, input]` with
/// `loss = mean((h_T - y)^2)`, `y ~ N(0,1)` of shape `[B, H]`, reading the top layer's last state.
///
/// Metrics: `loss`; per parameter `grad_norm.<name>`, `grad_max.<name>`, `grad_min.<name>`;
/// `grad_h_first`/`grad_h_last` = `||dL/dh_1||`/`||dL/dh_T||` of layer 0; `grad_x_first`;
/// `grad_decay_per_step` = exp of the least-squares slope of `ln ||dL/dh_t||` against `T - t`
/// (zeros left out); per recurrent weight `spectral_radius.<name>[.<gate>]` and
/// `sigma_max.<name>[.<gate>]`; `saturated_fraction` (|h| > 0.95) and `mean_tanh_derivative`
/// (mean of 1 - h^2) over layer 0's states. Series: `grad_h` (step t = 1...T), `grad_h_distance`
/// (step T - t), `grad_x` (t), and `grad_h.l<k>` for layers k >= 1.
public struct GradientFlowStudy: Study {
    public var dtype: DType { model.dtype }

    public var model: ModelSettings
    public var sequenceLength: Int
    public var batchSize: Int
    /// Truncation window k (nil: full BPTT).
    public var truncation: Int?
    public var seed: Int

    public init(model: ModelSettings, sequenceLength: Int, batchSize: Int = 1, truncation: Int? = nil, seed: Int) {
        self.model = model
        self.sequenceLength = sequenceLength
        self.batchSize = batchSize
        self.truncation = truncation
        self.seed = seed
    }

    /// Runs the study in `S` (``Study/run()`` picks `S` from the dtype).
    public func run<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        // Called with a concrete type, `measure` is compiled for float32 and float64 (generic code
        // would look up type metadata at run time in every arithmetic step).
        if S.self == Float.self { return try measure(Float.self) }
        if S.self == Double.self { return try measure(Double.self) }
        return try measure(S.self)
    }

    private func measure<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        let net: RecurrentModel<S> = try model.makeModel(headOutputs: nil, placement: .lastStep, seed: seed)
        let config = net.configuration
        var data = RunStreams(seed: seed).data
        let T = sequenceLength
        let B = batchSize
        var x = Matrix<S>(rows: T * B, columns: model.inputSize)
        for i in 0..<x.count { x.storage[i] = S(data.normal()) }
        var y = Matrix<S>(rows: B, columns: model.hiddenSize)
        for i in 0..<y.count { y.storage[i] = S(data.normal()) }
        let batch = try SequenceBatch(inputs: x, steps: T, batchSize: B)
        var training = RunStreams(seed: seed).training
        let h0 = net.initialState(batchSize: B, generator: &training)
        let r = try net.gradients(for: batch, targets: .values(y), loss: .mse, initialState: h0, truncation: truncation)

        var out = StudyOutput()
        out.metric("loss", r.loss)
        for (name, g) in zip(r.gradients.names, r.gradients.values) {
            let s = ParameterStatistics(g)
            out.metric("grad_norm.\(name)", s.norm)
            out.metric("grad_max.\(name)", s.maxAbs)
            out.metric("grad_min.\(name)", s.minAbs)
        }
        let h = r.stateGradientNorms[0]
        out.metric("grad_h_first", h.first ?? .nan)
        out.metric("grad_h_last", h.last ?? .nan)
        out.metric("grad_x_first", r.inputGradientNorms.first ?? .nan)
        out.metric("grad_decay_per_step", Self.decayPerStep(h))
        for k in 0..<config.layers {
            guard let w = net.parameters["weight_hh_l\(k)"] else { continue }
            for block in RecurrentSpectrum.blocks(of: w, cell: config.cell) {
                let suffix = block.block.isEmpty ? "" : ".\(block.block)"
                out.metric("spectral_radius.weight_hh_l\(k)\(suffix)", block.spectralRadius)
                out.metric("sigma_max.weight_hh_l\(k)\(suffix)", block.largestSingularValue)
            }
        }
        out.metric("saturated_fraction", r.saturatedFraction[0])
        out.metric("mean_tanh_derivative", r.meanTanhDerivative[0])
        for (t, v) in h.enumerated() {
            out.point("grad_h", t + 1, v)
            out.point("grad_h_distance", T - 1 - t, v)
        }
        for (t, v) in r.inputGradientNorms.enumerated() { out.point("grad_x", t + 1, v) }
        for k in 1..<max(config.layers, 1) {
            for (t, v) in r.stateGradientNorms[k].enumerated() { out.point("grad_h.l\(k)", t + 1, v) }
        }
        if r.gradients.hasNonFinite || !r.loss.isFinite { out.status = .diverged(step: 0) }
        return out
    }

    /// `exp(slope)` of the least-squares fit of `ln g_t` on the distance `T - t`; NaN with < 2 points.
    /// (``PortableMath``'s `log` and `exp`: the same bits on every platform.)
    static func decayPerStep(_ norms: [Double]) -> Double {
        let T = norms.count
        var xs: [Double] = []
        var ys: [Double] = []
        for (t, v) in norms.enumerated() where v > 0 && v.isFinite {
            xs.append(Double(T - 1 - t))
            ys.append(PortableMath.log(v))
        }
        guard xs.count >= 2 else { return .nan }
        let mx = xs.reduce(0, +) / Double(xs.count)
        let my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0
        var sxx = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        return sxx > 0 ? PortableMath.exp(sxy / sxx) : .nan
    }
}

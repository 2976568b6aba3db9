public import LinearAlgebra
public import RecurrentNets

/// Tutorial 3.3.2 (`compare_initializations`) and 3.2.1-3.2.3: a random vector `v ~ N(0, I_H)`
/// multiplied `steps` times by `W_hh^T` (optionally by `diag(1 - h_t^2) W_hh^T`, the tanh
/// derivative along a forward trajectory of a tanh RNN driven by `N(0,1)` inputs).
///
/// Metrics: `norm_ratio` = `||v_steps|| / ||v_0||`, `spectral_radius`, `sigma_max`, `theory` =
/// `spectral_radius^steps`. Series: `norm_ratio` (step k = 0...steps) and `theory` (rho^k).
public struct PropagationStudy: Study {
    public var dtype: DType { model.dtype }

    public enum Derivative: String, Sendable, CaseIterable { case none, tanh }

    public var model: ModelSettings
    public var steps: Int
    public var derivative: Derivative
    public var seed: Int

    public init(model: ModelSettings, steps: Int, derivative: Derivative, seed: Int) {
        self.model = model
        self.steps = steps
        self.derivative = derivative
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
        guard model.cell == .rnn else {
            throw .invalidValue(field: "cell", value: model.cell.rawValue, expected: "rnn for a propagation study")
        }
        let net: RecurrentModel<S> = try model.makeModel(headOutputs: nil, placement: .everyStep, seed: seed)
        let config = net.configuration
        let H = config.hiddenSize
        guard let w = net.parameters["weight_hh_l0"] else { return StudyOutput() }
        var data = RunStreams(seed: seed).data
        var v = Matrix<S>(rows: H, columns: 1)
        for i in 0..<H { v.storage[i] = S(data.normal()) }
        var derivatives: [Matrix<S>] = []
        if derivative == .tanh {
            var x = Matrix<S>(rows: steps, columns: config.inputSize)
            for i in 0..<x.count { x.storage[i] = S(data.normal()) }
            let pass = try net.forward(try SequenceBatch(inputs: x, steps: steps, batchSize: 1))
            let hs = pass.outputs
            derivatives = (0..<steps).map { t in
                Matrix(rows: H, columns: 1, elements: (0..<H).map { j in 1 - hs[t, j] * hs[t, j] })
            }
        }
        let start = VectorNorm.l2(v.storage)
        let rho = Spectrum.spectralRadius(w) ?? .nan
        var out = StudyOutput()
        out.point("norm_ratio", 0, 1)
        out.point("theory", 0, 1)
        for k in 1...max(steps, 1) {
            if derivative == .tanh {
                // Backward through step T-k+1: v <- W^T (diag(1 - h^2) v).
                let d = derivatives[steps - k]
                for i in 0..<H { v.storage[i] *= d.storage[i] }
            }
            var next = Matrix<S>(rows: H, columns: 1)
            BLAS.gemm(w, transposeA: true, v, into: &next)
            v = next
            out.point("norm_ratio", k, VectorNorm.l2(v.storage) / start)
            out.point("theory", k, PortableMath.pow(rho, k))
        }
        out.metric("norm_ratio", VectorNorm.l2(v.storage) / start)
        out.metric("spectral_radius", rho)
        out.metric("sigma_max", Spectrum.singularValues(w)?.first ?? .nan)
        out.metric("theory", PortableMath.pow(rho, steps))
        return out
    }
}

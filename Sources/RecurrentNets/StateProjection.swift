public import LinearAlgebra

/// One-to-many models (tutorial 2.3.4, type 3): the initial state computed from a feature vector,
/// `h_0^(l) = tanh(W f + b)` rows `l*H ..< (l+1)*H` for layer `l` (`c_0 = 0` for the LSTM).
///
/// Parameters: `proj.weight` `[L*H, F]` and `proj.bias` `[L*H]`.
public struct StateProjection<Scalar: NetScalar>: Sendable {
    /// Feature width `F`.
    public let features: Int
    /// Layers `L` and units `H` of the recurrent model it feeds.
    public let layers: Int
    public let hidden: Int
    /// `proj.weight`, `proj.bias`.
    public var parameters: ParameterSet<Scalar>

    /// A projection initialised like `nn.Linear`: `U(+-1/sqrt(F))`.
    public init(features: Int, layers: Int, hidden: Int, generator: inout SeededGenerator) throws(EngineError) {
        guard features > 0 else { throw .invalidSize(field: "features", value: features) }
        guard layers > 0 else { throw .invalidSize(field: "layers", value: layers) }
        guard hidden > 0 else { throw .invalidSize(field: "hidden", value: hidden) }
        self.features = features
        self.layers = layers
        self.hidden = hidden
        let bound = 1 / Double(features).squareRoot()
        var set = ParameterSet<Scalar>()
        let uniform = Initializer.uniform(bound: bound)
        set.append("proj.weight", uniform.weight(rows: layers * hidden, columns: features, hidden: hidden, gates: 1, generator: &generator))
        set.append("proj.bias", uniform.weight(rows: 1, columns: layers * hidden, hidden: hidden, gates: 1, generator: &generator), isVector: true)
        parameters = set
    }

    /// The initial state of a batch from its features (`B x F`).
    public func initialState(from f: Matrix<Scalar>, withCell: Bool) throws(EngineError) -> RecurrentState<Scalar> {
        guard f.columns == features else {
            throw .shapeMismatch(what: "features", expected: "B x \(features)", found: "\(f.rows)x\(f.columns)")
        }
        let z = activations(f)
        var h: [Matrix<Scalar>] = []
        for l in 0..<layers {
            var m = Matrix<Scalar>(rows: f.rows, columns: hidden)
            for b in 0..<f.rows { for j in 0..<hidden { m[b, j] = z[b, l * hidden + j] } }
            h.append(m)
        }
        let zeros = withCell ? Array(repeating: Matrix<Scalar>(rows: f.rows, columns: hidden), count: layers) : nil
        return RecurrentState(h: h, c: zeros)
    }

    /// dL/d(proj.weight, proj.bias) and dL/df from the gradient of the initial state.
    public func backward(
        features f: Matrix<Scalar>, initialStateGradient d: RecurrentState<Scalar>
    ) throws(EngineError) -> (gradients: ParameterSet<Scalar>, featureGradient: Matrix<Scalar>) {
        guard d.h.count == layers, d.h.allSatisfy({ $0.rows == f.rows && $0.columns == hidden }) else {
            throw .shapeMismatch(what: "initial state gradient", expected: "\(layers) x (\(f.rows)x\(hidden))", found: "other")
        }
        let z = activations(f)
        var dz = Matrix<Scalar>(rows: f.rows, columns: layers * hidden)
        for l in 0..<layers {
            for b in 0..<f.rows {
                for j in 0..<hidden {
                    let v = z[b, l * hidden + j]
                    dz[b, l * hidden + j] = d.h[l][b, j] * (1 - v * v)
                }
            }
        }
        var grads = parameters.zeros()
        var dW = Matrix<Scalar>(rows: layers * hidden, columns: features)
        BLAS.gemm(dz, transposeA: true, f, into: &dW)
        var db = Matrix<Scalar>(rows: 1, columns: layers * hidden)
        for b in 0..<f.rows { for j in 0..<(layers * hidden) { db.storage[j] += dz[b, j] } }
        grads["proj.weight"] = dW
        grads["proj.bias"] = db
        var df = Matrix<Scalar>(rows: f.rows, columns: features)
        if let w = parameters["proj.weight"] { BLAS.gemm(dz, w, into: &df) }
        return (grads, df)
    }

    /// `tanh(f W^T + b)`, `B x (L*H)`.
    private func activations(_ f: Matrix<Scalar>) -> Matrix<Scalar> {
        var z = Matrix<Scalar>(rows: f.rows, columns: layers * hidden)
        guard let w = parameters["proj.weight"], let bias = parameters["proj.bias"] else { return z }
        BLAS.gemm(f, w, transposeB: true, into: &z)
        for b in 0..<f.rows {
            // PortableMath (= FastMath's tanh, as the recurrent cells use), not libm's tanh.
            for j in 0..<(layers * hidden) { z[b, j] = Scalar(PortableMath.tanh(Double(z[b, j] + bias.storage[j]))) }
        }
        return z
    }
}

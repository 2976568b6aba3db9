public import LinearAlgebra

/// A stack of recurrent layers with an optional linear head and initial-state policy, and all of
/// its parameters in PyTorch's names, shapes and two-bias convention.
///
/// Parameters, in order: for each layer `k`: `weight_ih_l{k}` `[G*H, in_k]`, `weight_hh_l{k}`
/// `[G*H, H]`, `bias_ih_l{k}` `[G*H]`, `bias_hh_l{k}` `[G*H]` (and `ln_weight_l{k}`,
/// `ln_bias_l{k}` `[H]` for `ln-rnn`); then `head.weight` `[outputs, H]`, `head.bias`
/// `[outputs]`; then `h0` `[L, H]` (and `c0` for the LSTM) when the initial state is learnable.
public struct RecurrentModel<Scalar: NetScalar>: Sendable {
    /// The architecture.
    public let configuration: ModelConfiguration
    /// Every trainable tensor (see the type's documentation for names and order).
    public var parameters: ParameterSet<Scalar>

    /// The expected parameter names and shapes `(name, rows, columns, isVector)`.
    public static func layout(of c: ModelConfiguration) -> [(name: String, rows: Int, columns: Int, isVector: Bool)] {
        var out: [(String, Int, Int, Bool)] = []
        let gh = c.cell.gates * c.hiddenSize
        for k in 0..<c.layers {
            out.append(("weight_ih_l\(k)", gh, c.layerInputSize(k), false))
            out.append(("weight_hh_l\(k)", gh, c.hiddenSize, false))
            out.append(("bias_ih_l\(k)", 1, gh, true))
            out.append(("bias_hh_l\(k)", 1, gh, true))
            if c.cell == .layerNormRNN {
                out.append(("ln_weight_l\(k)", 1, c.hiddenSize, true))
                out.append(("ln_bias_l\(k)", 1, c.hiddenSize, true))
            }
        }
        if let n = c.headOutputs {
            out.append(("head.weight", n, c.hiddenSize, false))
            out.append(("head.bias", 1, n, true))
        }
        if c.initialState == .learnable {
            out.append(("h0", c.layers, c.hiddenSize, false))
            if c.cell == .lstm { out.append(("c0", c.layers, c.hiddenSize, false)) }
        }
        return out
    }

    /// A model over given parameters; names and shapes must match ``layout(of:)``.
    public init(configuration: ModelConfiguration, parameters: ParameterSet<Scalar>) throws(EngineError) {
        let expected = Self.layout(of: configuration)
        for item in expected {
            guard let value = parameters[item.name] else {
                throw .invalidValue(field: "parameters", value: "missing \(item.name)", expected: "every parameter of the layout")
            }
            guard value.rows == item.rows, value.columns == item.columns else {
                throw .shapeMismatch(
                    what: item.name, expected: "\(item.rows)x\(item.columns)", found: "\(value.rows)x\(value.columns)")
            }
        }
        var ordered = ParameterSet<Scalar>()
        for item in expected {
            if let value = parameters[item.name] { ordered.append(item.name, value, isVector: item.isVector) }
        }
        guard parameters.count == expected.count else {
            let extra = parameters.names.filter { n in !expected.contains { $0.name == n } }
            throw .invalidValue(field: "parameters", value: extra.joined(separator: ", "), expected: "no parameters outside the layout")
        }
        self.configuration = configuration
        self.parameters = ordered
    }

    /// A freshly initialised model.
    ///
    /// `inputWeights` initialises every `weight_ih`, `recurrentWeights` every `weight_hh`; biases
    /// get `biases` (by default PyTorch's `U(+-1/sqrt(H))`), the head's weight `headWeights` (by
    /// default `nn.Linear`'s `U(+-1/sqrt(H))`, another initialiser drawing from a sub-stream of its
    /// own) and its bias `nn.Linear`'s default, layer-norm gain 1 and bias 0, a learnable `h0` zeros.
    ///
    /// The default biases are drawn whatever `biases` is (then replaced), so that every other
    /// tensor gets the same random numbers as with the default. `forgetGateBias` (LSTM only; nil:
    /// no change) then sets the forget gate's slice (rows `H..<2H`, PyTorch's gate order i, f, g, o)
    /// of every layer's `bias_ih` to the value and of `bias_hh` to 0: an effective forget bias of
    /// `forgetGateBias` (Jozefowicz et al. 2015, Keras' `unit_forget_bias`).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public init(
        configuration: ModelConfiguration, inputWeights: Initializer = .pytorchDefault,
        recurrentWeights: Initializer = .pytorchDefault, biases: BiasInitializer = .pytorchDefault,
        headWeights: Initializer = .pytorchDefault, forgetGateBias: Double? = nil, generator: inout SeededGenerator
    ) {
        let c = configuration
        var set = ParameterSet<Scalar>()
        let bound = 1 / Double(c.hiddenSize).squareRoot()
        for item in Self.layout(of: c) {
            var m: Matrix<Scalar>
            if item.name.hasPrefix("weight_ih") {
                m = inputWeights.weight(
                    rows: item.rows, columns: item.columns, hidden: c.hiddenSize, gates: c.cell.gates,
                    generator: &generator)
            } else if item.name.hasPrefix("weight_hh") {
                m = recurrentWeights.weight(
                    rows: item.rows, columns: item.columns, hidden: c.hiddenSize, gates: c.cell.gates,
                    generator: &generator)
            } else if item.name.hasPrefix("bias_") {
                m = Initializer.uniform(bound: bound).weight(
                    rows: 1, columns: item.columns, hidden: c.hiddenSize, gates: 1, generator: &generator)
                let isInput = item.name.hasPrefix("bias_ih")
                switch biases {
                case .pytorchDefault: break
                case .zeros: m = Matrix(rows: 1, columns: item.columns)
                case let .constant(value): m = Matrix(rows: 1, columns: item.columns, repeating: isInput ? Scalar(value) : 0)
                }
                if let forgetGateBias, c.cell == .lstm {
                    let h = c.hiddenSize
                    for j in h..<(2 * h) { m[0, j] = isInput ? Scalar(forgetGateBias) : 0 }
                }
            } else if item.name.hasPrefix("ln_weight") {
                m = Matrix(rows: 1, columns: item.columns, repeating: 1)
            } else if item.name == "head.weight" {
                // PyTorch's default here is nn.Linear's U(+-1/sqrt(H)) (fan_in = H). Another
                // initialiser draws from a sub-stream of its own after the default draws are made,
                // so that the head's bias keeps its value.
                var own = generator.derived(Self.headStreamLabel)
                m = Initializer.pytorchDefault.weight(
                    rows: item.rows, columns: item.columns, hidden: c.hiddenSize, gates: 1, generator: &generator)
                if headWeights != .pytorchDefault {
                    m = headWeights.weight(rows: item.rows, columns: item.columns, hidden: c.hiddenSize, gates: 1, generator: &own)
                }
            } else if item.name.hasPrefix("head.") {
                let b = 1 / Double(c.hiddenSize).squareRoot()
                m = Initializer.uniform(bound: b).weight(
                    rows: item.rows, columns: item.columns, hidden: c.hiddenSize, gates: 1, generator: &generator)
            } else {
                m = Matrix(rows: item.rows, columns: item.columns)
            }
            set.append(item.name, m, isVector: item.isVector)
        }
        self.configuration = c
        self.parameters = set
    }

    /// The label of the sub-stream a head initialiser other than the default draws from.
    static var headStreamLabel: UInt64 { 0x4845_4144 }  // "HEAD"

    /// Whether the cells carry a cell state `c` (LSTM).
    public var hasCellState: Bool { configuration.cell == .lstm }

    /// The state a batch starts from when the caller gives none: zeros, `0.01 * N(0,1)` from
    /// `generator`, or the learned `h0`/`c0` broadcast over the batch.
    public func initialState(batchSize: Int, generator: inout SeededGenerator) -> RecurrentState<Scalar> {
        let c = configuration
        var state = RecurrentState<Scalar>.zeros(
            layers: c.layers, batch: batchSize, hidden: c.hiddenSize, withCell: hasCellState)
        switch c.initialState {
        case .zeros: break
        case .random:
            for k in 0..<c.layers {
                for i in 0..<state.h[k].count { state.h[k].storage[i] = Scalar(0.01 * generator.normal()) }
            }
        case .learnable:
            for (name, isCell) in [("h0", false), ("c0", true)] {
                guard let p = parameters[name] else { continue }
                for k in 0..<c.layers {
                    for b in 0..<batchSize {
                        for j in 0..<c.hiddenSize {
                            if isCell { state.c?[k][b, j] = p[k, j] } else { state.h[k][b, j] = p[k, j] }
                        }
                    }
                }
            }
        }
        return state
    }

    /// The parameter index of `name` (layout is validated at construction).
    func index(_ name: String) -> Int {
        parameters.index(of: name) ?? -1
    }
}

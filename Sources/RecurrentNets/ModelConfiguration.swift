/// The recurrent cell of every layer.
public enum CellKind: String, Sendable, CaseIterable, Codable {
    /// Elman RNN: `h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`.
    case rnn
    /// LSTM with gates i, f, g, o (PyTorch order).
    case lstm
    /// GRU with gates r, z, n; `b_hn` sits inside `r * (W_hn h + b_hn)` (PyTorch).
    case gru
    /// Elman tanh RNN whose new state is layer-normalised: `h_t = LN(tanh(...))` (tutorial 3.3.4).
    case layerNormRNN = "ln-rnn"

    /// Gate blocks stacked in the weight matrices (1, 4, 3, 1).
    public var gates: Int {
        switch self {
        case .rnn, .layerNormRNN: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }
}

/// The activation of an Elman RNN.
public enum Nonlinearity: String, Sendable, CaseIterable, Codable {
    case tanh, relu
}

/// Where a linear output head reads the top layer's states.
public enum HeadPlacement: String, Sendable, CaseIterable, Codable {
    /// `o_t = W h_t + b` for every step (many-to-many).
    case everyStep = "every-step"
    /// `o = W h_last + b` on each sequence's last valid step (many-to-one).
    case lastStep = "last-step"
}

/// How the initial hidden state `h_0` (and `c_0`) is chosen when the caller gives none.
public enum InitialStateMode: String, Sendable, CaseIterable, Codable {
    /// All zeros (the default, as in PyTorch).
    case zeros
    /// Small random values `0.01 * N(0, 1)` drawn per batch from the run's generator.
    case random
    /// A learned parameter `h0` of shape `[layers, hidden]`, shared by every sequence.
    case learnable
}

/// The architecture of a ``RecurrentModel``: a stack of recurrent layers plus an optional head.
public struct ModelConfiguration: Sendable, Equatable, Codable {
    /// The cell of every layer.
    public var cell: CellKind
    /// The activation (Elman RNN only; LSTM/GRU/ln-rnn use their own).
    public var nonlinearity: Nonlinearity
    /// Features per input step.
    public var inputSize: Int
    /// Units per layer (`H`).
    public var hiddenSize: Int
    /// Stacked layers (`L`); layer `k >= 1` reads layer `k-1`'s states.
    public var layers: Int
    /// Outputs of the linear head, or nil for no head (the loss reads the states directly).
    public var headOutputs: Int?
    /// Where the head (or the loss, without a head) reads the states.
    public var headPlacement: HeadPlacement
    /// How `h_0` is chosen.
    public var initialState: InitialStateMode

    /// Validates and builds a configuration.
    public init(
        cell: CellKind = .rnn, nonlinearity: Nonlinearity = .tanh, inputSize: Int, hiddenSize: Int,
        layers: Int = 1, headOutputs: Int? = nil, headPlacement: HeadPlacement = .everyStep,
        initialState: InitialStateMode = .zeros
    ) throws(EngineError) {
        guard inputSize > 0 else { throw .invalidSize(field: "input", value: inputSize) }
        guard hiddenSize > 0 else { throw .invalidSize(field: "hidden", value: hiddenSize) }
        guard layers > 0 else { throw .invalidSize(field: "layers", value: layers) }
        if let headOutputs, headOutputs <= 0 { throw .invalidSize(field: "head outputs", value: headOutputs) }
        self.cell = cell
        self.nonlinearity = nonlinearity
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.headOutputs = headOutputs
        self.headPlacement = headPlacement
        self.initialState = initialState
    }

    /// Input features of layer `k`.
    public func layerInputSize(_ k: Int) -> Int { k == 0 ? inputSize : hiddenSize }
}

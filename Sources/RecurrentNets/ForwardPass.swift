public import LinearAlgebra

/// Everything a forward pass keeps for the backward pass (full BPTT: `O(T)` memory).
public struct ForwardPass<Scalar: NetScalar>: Sendable {
    /// Per-layer caches, bottom first.
    struct LayerCache: Sendable {
        /// The layer's inputs, `(T*B) x in`.
        var input: Matrix<Scalar>
        /// The layer's states `h_t`, `(T*B) x H` (zero at padded steps).
        var states: Matrix<Scalar>
        /// Activated gates `(T*B) x (G*H)`: RNN `h`; LSTM `i f g o`; GRU `r z n`; ln-rnn `tanh(pre)`.
        var gates: Matrix<Scalar>
        /// LSTM `c_t`; GRU `W_hn h_{t-1} + b_hn`; ln-rnn the normalised `xhat`. `(T*B) x H`.
        var extra: Matrix<Scalar>
        /// LSTM `tanh(c_t)`; ln-rnn `1/sqrt(var + eps)` in column 0. `(T*B) x H` or empty.
        var extra2: Matrix<Scalar>
    }

    /// Steps `T`.
    public let steps: Int
    /// Sequences `B`.
    public let batchSize: Int
    /// Valid steps per sequence.
    public let lengths: [Int]
    /// The state the pass started from.
    public let initialState: RecurrentState<Scalar>
    /// Each sequence's state after its last valid step, per layer.
    public internal(set) var finalState: RecurrentState<Scalar>
    var layers: [LayerCache]
    /// Inverted-dropout masks applied to each layer's input (nil: none), and to the top states
    /// before the head.
    var inputMasks: [Matrix<Scalar>?] = []
    var outputMask: Matrix<Scalar>?

    /// The top-layer states as the head reads them (after output dropout), `(T*B) x H`.
    public var headInputs: Matrix<Scalar> {
        guard let mask = outputMask else { return outputs }
        var m = outputs
        for i in 0..<m.count { m.storage[i] *= mask.storage[i] }
        return m
    }

    /// The top layer's states for every step, `(T*B) x H`, time-major (zero at padded steps).
    public var outputs: Matrix<Scalar> { layers[layers.count - 1].states }

    /// Layer `k`'s states, `(T*B) x H`.
    public func states(layer k: Int) -> Matrix<Scalar> { layers[k].states }
}

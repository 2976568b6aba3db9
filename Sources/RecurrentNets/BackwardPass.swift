public import LinearAlgebra

/// The result of backpropagation through time.
public struct BackwardPass<Scalar: NetScalar>: Sendable {
    /// dL/d(every recurrent parameter), same names and shapes as the model's parameters (head
    /// and learnable-state entries are zero here; ``RecurrentModel/gradients(for:targets:loss:initialState:truncation:)`` fills them).
    public var gradients: ParameterSet<Scalar>
    /// dL/dx, `(T*B) x F`, time-major.
    public var inputGradient: Matrix<Scalar>
    /// dL/dh_0 (and dL/dc_0) per layer, each `B x H`.
    public var initialStateGradient: RecurrentState<Scalar>
    /// `||dL/dh_t||` per layer (bottom first) and step `t = 0..<T`: the total derivative of the
    /// loss with respect to the layer's state at step `t`, over the whole batch (no underflow).
    public var stateGradientNorms: [[Double]]
    /// `||dL/dx_t||` per step over the whole batch.
    public var inputGradientNorms: [Double]
}

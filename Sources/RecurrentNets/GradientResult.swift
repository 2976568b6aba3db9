public import LinearAlgebra

/// Loss, exact gradients and per-step gradient norms of one batch.
public struct GradientResult<Scalar: NetScalar>: Sendable {
    /// The loss (mean over positions as the loss function defines it).
    public var loss: Double
    /// dL/d(every parameter) in the model's names and shapes.
    public var gradients: ParameterSet<Scalar>
    /// dL/dx, `(T*B) x F` (within-window gradient under truncation).
    public var inputGradient: Matrix<Scalar>
    /// dL/dh_0 (and dL/dc_0) per layer, `B x H` (from the first window under truncation).
    public var initialStateGradient: RecurrentState<Scalar>
    /// `||dL/dh_t||` per layer and step (within-window under truncation).
    public var stateGradientNorms: [[Double]]
    /// `||dL/dx_t||` per step.
    public var inputGradientNorms: [Double]
    /// The state after the last step.
    public var finalState: RecurrentState<Scalar>
    /// Correct and labelled positions (cross-entropy), for accuracy.
    public var correct: Int
    public var labelled: Int
    /// Saturation of the states: fraction with `|h| > 0.95`, and the mean of `1 - h^2`, per layer.
    public var saturatedFraction: [Double]
    public var meanTanhDerivative: [Double]
}

public import LinearAlgebra

/// The loss at the head's positions within one window of steps, with its gradients.
public struct LossEvaluation<Scalar: NetScalar>: Sendable {
    /// The window's share of the loss (window shares sum to the full-sequence loss).
    public var loss: Double
    /// dL/d(top-layer states) for the window, `(steps*B) x H`.
    public var outputGradient: Matrix<Scalar>
    /// dL/d(head.weight) and dL/d(head.bias) (empty when there is no head).
    public var headWeightGradient: Matrix<Scalar>
    public var headBiasGradient: Matrix<Scalar>
    /// The head outputs (logits or values) at the evaluated positions, `positions x outputs`.
    public var predictions: Matrix<Scalar>
    /// The evaluated positions as `(t, b)` with `t` the global step.
    public var positions: [(t: Int, b: Int)]
    /// Correct arg-max predictions among labelled positions (cross-entropy), and how many were labelled.
    public var correct: Int
    public var labelled: Int
}

public import LinearAlgebra

/// The training objective applied to the head's outputs (or the states when there is no head).
public enum LossFunction: String, Sendable, CaseIterable, Codable {
    /// `0.5 * sum z^2` (no targets); used by the PyTorch reference.
    case halfSumSquares = "half-sum-squares"
    /// Mean squared error over every output element: `mean((z - y)^2)`.
    case mse
    /// Softmax cross-entropy with class targets, mean over labelled positions (class -1 = ignore).
    case crossEntropy = "cross-entropy"
    /// Sigmoid binary cross-entropy on logits, mean over every output element.
    case bce
}

/// Targets for a loss, laid out like the positions the head reads.
///
/// For ``HeadPlacement/lastStep`` there is one row per sequence (`B`); for
/// ``HeadPlacement/everyStep`` one row per step and sequence, time-major (`T*B`).
public enum Targets<Scalar: NetScalar>: Sendable {
    /// No targets (``LossFunction/halfSumSquares``).
    case none
    /// A class index per position (-1 to ignore a position).
    case classes([Int])
    /// A row of values per position (`rows x outputs`).
    case values(Matrix<Scalar>)
}

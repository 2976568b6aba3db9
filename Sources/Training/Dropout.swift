public import LinearAlgebra

/// Inverted-dropout masks drawn from the project's seeded generator.
///
/// A mask has entries `0` (dropped, probability `rate`) or `1/(1-rate)` (kept), so multiplying
/// activations by it keeps their expectation; no rescaling is needed at evaluation time.
/// The trainer applies masks to inputs, to outputs and between stacked layers, never on the
/// recurrent (hidden-to-hidden) connection (Zaremba et al., 2014; the tutorial's §3.3.4).
public enum DropoutMask {
    /// Checks a dropout rate: it must be in [0, 1).
    /// - Throws: ``TrainingError/invalidValue(field:value:expected:)``.
    public static func validate(rate: Double) throws(TrainingError) {
        guard rate >= 0, rate < 1 else {
            throw .invalidValue(field: "dropout", value: "\(rate)", expected: "a probability in [0, 1)")
        }
    }

    /// A `rows x columns` mask: element kept when a uniform draw `u` in [0, 1) satisfies
    /// `u >= rate` (one draw per element, row-major), then set to `1/(1-rate)`; dropped
    /// elements are 0. With rate 0, or `training == false` (evaluation mode), the mask is all
    /// ones and no random numbers are consumed.
    /// - Throws: ``TrainingError`` if `rate` is not in [0, 1).
    public static func sample<Scalar: NetScalar>(
        rows: Int, columns: Int, rate: Double, training: Bool = true,
        generator: inout SeededGenerator
    ) throws(TrainingError) -> Matrix<Scalar> {
        try validate(rate: rate)
        guard training, rate > 0 else { return Matrix(rows: rows, columns: columns, repeating: 1) }
        let kept = Scalar(1 / (1 - rate))
        var mask = Matrix<Scalar>(rows: rows, columns: columns)
        for j in mask.storage.indices where generator.uniform() >= rate {
            mask.storage[j] = kept
        }
        return mask
    }

    /// Multiplies `values` element-wise by `mask` (same shape) in place.
    public static func apply<Scalar: NetScalar>(_ mask: Matrix<Scalar>, to values: inout Matrix<Scalar>) {
        precondition(
            mask.rows == values.rows && mask.columns == values.columns,
            "DropoutMask.apply: mask is \(mask.rows)x\(mask.columns), values are \(values.rows)x\(values.columns)")
        for j in values.storage.indices { values.storage[j] *= mask.storage[j] }
    }
}

/// Euclidean norms that neither underflow nor overflow.
///
/// The squares are summed after scaling by the largest magnitude (as BLAS `nrm2` does), in
/// `Double`, so a float32 gradient of 1e-30 has norm 1e-30 rather than 0.
public enum VectorNorm {
    /// `sqrt(sum x_i^2)` computed without underflow; NaN if any element is NaN.
    @inlinable
    public static func l2<S: NetScalar>(_ x: UnsafeBufferPointer<S>) -> Double {
        // Fast path: one vectorisable pass of squares in Double. Float squares cannot underflow
        // or overflow in Double (a NaN or infinity propagates); for Double input the plain sum
        // is accurate when it lands well inside the normal range. Otherwise (and for huge float32
        // vectors, whose norms stay exactly as the scaled algorithm gives them) the scaled
        // two-pass algorithm below runs.
        var quick = 0.0
        for v in x {
            let d = Double(v)
            quick += d * d
        }
        if S.self == Float.self {
            if !(quick > 1e60) { return quick.squareRoot() }  // also NaN
            if quick.isInfinite { return quick }
        } else {
            if quick >= 1e-280 && quick <= 1e280 { return quick.squareRoot() }
            if quick == 0 { return 0 }
        }
        var scale = 0.0
        for v in x {
            let a = Swift.abs(Double(v))
            if a.isNaN { return .nan }
            if a > scale { scale = a }
        }
        if scale == 0 || scale.isInfinite { return scale }
        var sum = 0.0
        for v in x {
            let r = Double(v) / scale
            sum += r * r
        }
        return scale * sum.squareRoot()
    }

    /// The L2 norm of an array.
    @inlinable
    public static func l2<S: NetScalar>(_ x: [S]) -> Double {
        x.withUnsafeBufferPointer { l2($0) }
    }

    /// The L2 norm over several arrays taken together (a global norm).
    public static func l2<S: NetScalar>(concatenating parts: [[S]]) -> Double {
        let norms = parts.map { l2($0) }
        return l2(norms)
    }
}

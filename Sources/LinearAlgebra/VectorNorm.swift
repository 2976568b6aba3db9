/// Euclidean norms that neither underflow nor overflow.
///
/// The squares are summed after scaling by the largest magnitude (as BLAS `nrm2` does), in
/// `Double`, so a float32 gradient of 1e-30 has norm 1e-30 rather than 0.
public enum VectorNorm {
    /// `sqrt(sum x_i^2)` computed without underflow; NaN if any element is NaN.
    @inlinable
    public static func l2<S: NetScalar>(_ x: UnsafeBufferPointer<S>) -> Double {
        var quick = 0.0
        for v in x {
            let d = Double(v)
            quick += d * d
        }
        return l2(x, sumOfSquares: quick)
    }

    /// The norms of several buffers of the same length, each exactly as ``l2(_:)`` computes it:
    /// four sums of squares run side by side, so their additions do not wait on each other.
    @inlinable
    public static func l2<S: NetScalar>(each parts: [UnsafeBufferPointer<S>]) -> [Double] {
        var norms = [Double](repeating: 0, count: parts.count)
        var k = 0
        while k + 4 <= parts.count {
            let (a, b, c, d) = (parts[k], parts[k + 1], parts[k + 2], parts[k + 3])
            let n = a.count
            precondition(b.count == n && c.count == n && d.count == n, "l2(each:): buffers of different lengths")
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for i in 0..<n {
                let d0 = Double(a[i]), d1 = Double(b[i]), d2 = Double(c[i]), d3 = Double(d[i])
                s0 += d0 * d0
                s1 += d1 * d1
                s2 += d2 * d2
                s3 += d3 * d3
            }
            norms[k] = l2(a, sumOfSquares: s0)
            norms[k + 1] = l2(b, sumOfSquares: s1)
            norms[k + 2] = l2(c, sumOfSquares: s2)
            norms[k + 3] = l2(d, sumOfSquares: s3)
            k += 4
        }
        while k < parts.count {
            norms[k] = l2(parts[k])
            k += 1
        }
        return norms
    }

    /// The norm of `x` given `quick`, the plain sum of its squares in `Double` in order.
    @inlinable
    static func l2<S: NetScalar>(_ x: UnsafeBufferPointer<S>, sumOfSquares quick: Double) -> Double {
        // Fast path: one vectorisable pass of squares in Double. Float squares cannot underflow
        // or overflow in Double (a NaN or infinity propagates); for Double input the plain sum
        // is accurate when it lands well inside the normal range. Otherwise (and for huge float32
        // vectors, whose norms stay exactly as the scaled algorithm gives them) the scaled
        // two-pass algorithm below runs.
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

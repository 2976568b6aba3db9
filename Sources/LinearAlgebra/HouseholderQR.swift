/// The thin QR factorisation `A = Q R` of a tall `n x k` matrix (`n >= k`) in `Double`, by
/// Householder reflections in a fixed operation order (no LAPACK, no threads), with `R`'s
/// diagonal made non-negative: the same bits on every CPU.
///
/// Column `j` (`j = 0, 1, ..., k-1`): `alpha = ||A[j..<n, j]||` (sum of squares in ascending
/// row order, then `squareRoot()`), reflector `v = x + sign(x_0) alpha e_0`, applied to
/// columns `j+1..<k` in ascending order as `a -= v (v.a) / (alpha (alpha + |x_0|))`; `Q` is the
/// product of the reflectors applied to the first `k` columns of the identity, last reflector
/// first. Rows of `R` and columns of `Q` with a negative diagonal are then negated, so a full-rank
/// `A` has a unique result. Products and sums are separate IEEE operations (no `fma`: without the
/// FMA target feature Swift calls libm's for it, several times slower here).
public struct HouseholderQR: Sendable {
    /// `n x k`, orthonormal columns.
    public let q: Matrix<Double>
    /// `k x k`, upper triangular with `r[i, i] >= 0`.
    public let r: Matrix<Double>

    /// Factors `a` (`rows >= columns`, both > 0); nil for a wide or empty matrix.
    ///
    /// Row-major working copies, so that the dot products and updates of all remaining columns
    /// advance together row by row (each column's sum still runs over the rows in ascending order).
    public init?(_ a: Matrix<Double>) {
        let n = a.rows
        let k = a.columns
        guard n >= k, k > 0 else { return nil }
        // w: row-major n x k; reflector j ends up in column j, rows j..<n (its head replaced).
        var w = a.storage
        var diag = [Double](repeating: 0, count: k)
        var tau = [Double](repeating: 0, count: k)
        var dots = [Double](repeating: 0, count: k)
        w.withUnsafeMutableBufferPointer { wp in
        dots.withUnsafeMutableBufferPointer { dp in
            for j in 0..<k {
                var ss = 0.0
                for i in j..<n { ss += wp[i * k + j] * wp[i * k + j] }
                let alpha = ss.squareRoot()
                let x0 = wp[j * k + j]
                if alpha == 0 { continue }  // diag[j] = tau[j] = 0: no reflection
                let signed = x0 >= 0 ? alpha : -alpha
                diag[j] = -signed
                wp[j * k + j] = x0 + signed
                // H = I - v v^T / (alpha (alpha + |x0|)).
                let scale = 1 / (alpha * (alpha + x0.magnitude))
                tau[j] = scale
                guard j + 1 < k else { continue }
                for c in (j + 1)..<k { dp[c] = 0 }
                for i in j..<n {
                    let v = wp[i * k + j]
                    for c in (j + 1)..<k { dp[c] += v * wp[i * k + c] }
                }
                for c in (j + 1)..<k { dp[c] = -(dp[c] * scale) }
                for i in j..<n {
                    let v = wp[i * k + j]
                    for c in (j + 1)..<k { wp[i * k + c] += dp[c] * v }
                }
            }
        }}
        // R: the diagonal, and the rows above it from the reduced columns.
        var r = Matrix<Double>(rows: k, columns: k)
        for i in 0..<k {
            r.storage[i * k + i] = diag[i]
            for j in (i + 1)..<k { r.storage[i * k + j] = w[i * k + j] }
        }
        // Q: apply H_{k-1}, ..., H_0 to the first k columns of the identity (row-major n x k).
        var q = Matrix<Double>(rows: n, columns: k)
        for j in 0..<k { q.storage[j * k + j] = 1 }
        w.withUnsafeBufferPointer { wp in
        q.storage.withUnsafeMutableBufferPointer { qp in
        dots.withUnsafeMutableBufferPointer { dp in
            for j in stride(from: k - 1, through: 0, by: -1) where tau[j] != 0 {
                for c in j..<k { dp[c] = 0 }
                for i in j..<n {
                    let v = wp[i * k + j]
                    for c in j..<k { dp[c] += v * qp[i * k + c] }
                }
                for c in j..<k { dp[c] = -(dp[c] * tau[j]) }
                for i in j..<n {
                    let v = wp[i * k + j]
                    for c in j..<k { qp[i * k + c] += dp[c] * v }
                }
            }
        }}}
        for j in 0..<k where r.storage[j * k + j] < 0 {
            for c in j..<k { r.storage[j * k + c] = -r.storage[j * k + c] }
            for i in 0..<n { q.storage[i * k + j] = -q.storage[i * k + j] }
        }
        self.q = q
        self.r = r
    }
}

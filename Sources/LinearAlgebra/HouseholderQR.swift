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
    public init?(_ a: Matrix<Double>) {
        let n = a.rows
        let k = a.columns
        guard n >= k, k > 0 else { return nil }
        // Column-major working copy: column j is w[j*n ..< (j+1)*n].
        var w = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for j in 0..<k { w[j * n + i] = a.storage[i * k + j] }
        }
        var diag = [Double](repeating: 0, count: k)
        // Reflector j is stored in w[j*n + j ..< (j+1)*n] (its head replaced), with its scale in tau.
        var tau = [Double](repeating: 0, count: k)
        w.withUnsafeMutableBufferPointer { wp in
            for j in 0..<k {
                let col = j * n
                var ss = 0.0
                for i in j..<n { ss += wp[col + i] * wp[col + i] }
                let alpha = ss.squareRoot()
                let x0 = wp[col + j]
                if alpha == 0 {
                    diag[j] = 0
                    tau[j] = 0
                    continue
                }
                let signed = x0 >= 0 ? alpha : -alpha
                diag[j] = -signed
                wp[col + j] = x0 + signed
                // H = I - v v^T / (alpha (alpha + |x0|)).
                let scale = 1 / (alpha * (alpha + x0.magnitude))
                tau[j] = scale
                for c in (j + 1)..<k {
                    let other = c * n
                    var dot = 0.0
                    for i in j..<n { dot += wp[col + i] * wp[other + i] }
                    let f = dot * scale
                    for i in j..<n { wp[other + i] += -f * wp[col + i] }
                }
            }
        }
        // R: the diagonal, and the rows above it from the reduced columns.
        var r = Matrix<Double>(rows: k, columns: k)
        for i in 0..<k {
            r.storage[i * k + i] = diag[i]
            for j in (i + 1)..<k { r.storage[i * k + j] = w[j * n + i] }
        }
        // Q: apply H_{k-1}, ..., H_0 to the first k columns of the identity (column-major).
        var qc = [Double](repeating: 0, count: n * k)
        for j in 0..<k { qc[j * n + j] = 1 }
        w.withUnsafeBufferPointer { wp in
            qc.withUnsafeMutableBufferPointer { qp in
                for j in stride(from: k - 1, through: 0, by: -1) where tau[j] != 0 {
                    let col = j * n
                    for c in j..<k {
                        let other = c * n
                        var dot = 0.0
                        for i in j..<n { dot += wp[col + i] * qp[other + i] }
                        let f = dot * tau[j]
                        for i in j..<n { qp[other + i] += -f * wp[col + i] }
                    }
                }
            }
        }
        var q = Matrix<Double>(rows: n, columns: k)
        for j in 0..<k {
            let flip = r.storage[j * k + j] < 0
            if flip {
                for c in j..<k { r.storage[j * k + c] = -r.storage[j * k + c] }
            }
            for i in 0..<n { q.storage[i * k + j] = flip ? -qc[j * n + i] : qc[j * n + i] }
        }
        self.q = q
        self.r = r
    }
}

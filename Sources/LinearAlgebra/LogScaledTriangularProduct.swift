/// A product `P = R_m ... R_2 R_1` of `k x k` upper-triangular matrices kept as
/// `diag(e^s) U` (row `i` of `P` is `e^(s_i)` times row `i` of `U`, each row of `U` of unit
/// norm), so that nothing overflows or underflows however many factors it has; and the natural
/// logarithms of its singular values, by a one-sided Jacobi method on these scaled rows.
///
/// Deterministic: fixed loop orders, IEEE basic operations, ``PortableMath`` `exp`/`log` (no libm).
public struct LogScaledTriangularProduct: Sendable {
    /// The dimension `k`.
    public let dimension: Int
    /// `s`: natural log of each row's scale.
    public private(set) var logScales: [Double]
    /// `U`, row-major `k x k`, upper triangular, unit rows.
    public private(set) var unitRows: [Double]

    /// The identity (`s = 0`, `U = I`).
    public init(dimension k: Int) {
        dimension = k
        logScales = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: k * k)
        for i in 0..<k { u[i * k + i] = 1 }
        unitRows = u
    }

    /// `P <- R P` for an upper-triangular `k x k` `r` (only its upper triangle is read).
    ///
    /// Row `i` of `R P` is `sum_{l >= i} r_il e^(s_l) U_l = e^(s_i) sum_l (r_il e^(s_l - s_i)) U_l`;
    /// the sum is formed for `l = i, i+1, ...` in order, then normalised (`s_i += log ||row||`).
    /// `e^(s_l - s_i)` is the running product of the ratios `e^(s_m - s_(m-1))`, `m = i+1...l`
    /// (``PortableMath/exp(_:)`` of each difference once; the exponential itself where the product
    /// overflows or underflows). A zero row has `s_i = -infinity`.
    public mutating func multiply(byUpperTriangular r: Matrix<Double>) {
        let k = dimension
        precondition(r.rows == k && r.columns == k, "multiply: R is \(r.rows)x\(r.columns), expected \(k)x\(k)")
        var next = [Double](repeating: 0, count: k * k)
        var scales = logScales
        var ratio = [Double](repeating: 0, count: k)
        for m in 1..<max(k, 1) { ratio[m] = PortableMath.exp(logScales[m] - logScales[m - 1]) }
        for i in 0..<k {
            let base = i * k
            // The row's reference scale: s_i, or for a zero row the largest finite s_l, l > i.
            var anchor = logScales[i]
            let zeroRow = anchor == -.infinity
            if zeroRow { anchor = logScales[i...].filter { $0 > -.infinity }.max() ?? -.infinity }
            if anchor == -.infinity {
                scales[i] = -.infinity
                continue
            }
            var factor = 1.0  // e^(s_l - anchor)
            for l in i..<k {
                if zeroRow {
                    factor = PortableMath.exp(logScales[l] - anchor)
                } else if l > i {
                    factor *= ratio[l]
                    if !factor.isFinite || factor == 0 { factor = PortableMath.exp(logScales[l] - anchor) }
                }
                let ril = r.storage[i * k + l]
                if ril == 0 || logScales[l] == -.infinity { continue }
                let f = ril * factor
                if f == 0 { continue }
                let row = l * k
                for j in l..<k { next[base + j] += f * unitRows[row + j] }
            }
            var ss = 0.0
            for j in i..<k { ss += next[base + j] * next[base + j] }
            let norm = ss.squareRoot()
            if norm > 0 && norm.isFinite {
                for j in i..<k { next[base + j] /= norm }
                scales[i] = anchor + PortableMath.log(norm)
            } else {
                scales[i] = -.infinity
            }
        }
        logScales = scales
        unitRows = next
    }

    /// The natural logs of the `k` singular values of `P`, largest first (`-infinity` for zero).
    ///
    /// One-sided Jacobi on the rows `e^(s_i) u_i`: sweeps visit the pairs `(p, q)`, `p < q`, row
    /// by row and rotate a pair when `|u_p . u_q| > k eps ||u_p|| ||u_q||` (`eps` = 2^-52), with
    /// the rotation written in terms of `rho = e^(s_small - s_big) <= 1` so that neither scale is
    /// ever applied; at most 60 sweeps. The result is `s_i + log ||u_i||`, sorted.
    public func logSingularValues() -> [Double] {
        let k = dimension
        let s = logScales
        var u = unitRows
        let eps = Double.ulpOfOne
        let threshold = Double(k) * eps
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<k {
                for q in (p + 1)..<k where k > 1 {
                    if s[p] == -.infinity || s[q] == -.infinity { continue }
                    // big: the row with the larger scale.
                    let (big, small) = s[p] >= s[q] ? (p, q) : (q, p)
                    var a = 0.0, b = 0.0, g = 0.0
                    for j in 0..<k {
                        a += u[big * k + j] * u[big * k + j]
                        b += u[small * k + j] * u[small * k + j]
                        g += u[big * k + j] * u[small * k + j]
                    }
                    if a == 0 || b == 0 || g.magnitude <= threshold * (a * b).squareRoot() { continue }
                    rotated = true
                    let rho = PortableMath.exp(s[small] - s[big])
                    // zeta = (beta - alpha) / (2 gamma) in true scales is eta / rho.
                    let eta = (rho * rho * b - a) / (2 * g)
                    let tau = (eta >= 0 ? 1.0 : -1.0) / (eta.magnitude + (rho * rho + eta * eta).squareRoot())
                    let t = tau * rho
                    let c = 1 / (1 + t * t).squareRoot()
                    let bigFromSmall = c * tau * rho * rho  // big' = e^s_big (c u_big - c tau rho^2 u_small)
                    let smallFromBig = c * tau  // small' = e^s_small (c tau u_big + c u_small)
                    for j in 0..<k {
                        let ub = u[big * k + j]
                        let us = u[small * k + j]
                        u[big * k + j] = c * ub - bigFromSmall * us
                        u[small * k + j] = smallFromBig * ub + c * us
                    }
                }
            }
            if !rotated { break }
        }
        var out = [Double](repeating: -.infinity, count: k)
        for i in 0..<k where s[i] != -.infinity {
            var ss = 0.0
            for j in 0..<k { ss += u[i * k + j] * u[i * k + j] }
            out[i] = ss > 0 ? s[i] + 0.5 * PortableMath.log(ss) : -.infinity
        }
        out.sort(by: >)
        return out
    }
}

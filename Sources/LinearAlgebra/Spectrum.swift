/// Eigenvalues, spectral radius and singular values of a matrix, computed in `Double` by
/// deterministic algorithms written here (no LAPACK, no libm, no threads).
///
/// Only IEEE-754 basic operations run (`+ - * /`, `squareRoot()`, magnitudes, comparisons), every
/// loop and every sum in the fixed order documented at its function, so each result is a function
/// of the input alone: the same bits on every CPU (x86-64 with or without AVX2/AVX-512, ARM64).
/// The input is first scaled by a power of two so that its largest magnitude lies in [1, 2)
/// (exact, apart from elements that become subnormal) and the results are scaled back.
public enum Spectrum {
    /// The largest eigenvalue modulus of a square matrix (that of the first of
    /// ``eigenvalues(_:)``), or nil for an empty or non-square matrix, a non-finite element, or
    /// when the QR iteration does not converge.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func spectralRadius<S: NetScalar>(_ m: Matrix<S>) -> Double? {
        guard let values = eigenvalues(m), let first = values.first else { return nil }
        return modulus(first.re, first.im)
    }

    /// All `n` eigenvalues of a real `n x n` matrix (complex ones as conjugate pairs), or nil for
    /// an empty or non-square matrix, a non-finite element, or when the QR iteration has not
    /// converged after `30 n` double-shift steps.
    ///
    /// EISPACK's route: `balanc` (permutations isolating eigenvalues, then scaling of rows and
    /// columns by powers of two, exact), `orthes` (Householder reduction to upper Hessenberg form)
    /// and `hqr` (Francis double-shift QR, deflating from the bottom, exceptional shifts at
    /// iterations 10 and 20). Sorted by modulus descending, then real part descending, then
    /// imaginary part descending (a conjugate pair: `+im` first). The modulus is
    /// `big * sqrt(1 + (small / big)^2)` of the two parts' magnitudes, exactly `|re|` for a real
    /// eigenvalue. Zeros are `+0`.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func eigenvalues<S: NetScalar>(_ m: Matrix<S>) -> [(re: Double, im: Double)]? {
        guard m.rows == m.columns, m.rows > 0 else { return nil }
        let n = m.rows
        guard var a = scaledElements(m, columnMajor: false) else { return nil }
        let e = a.exponent
        if a.allZero { return [(re: Double, im: Double)](repeating: (0, 0), count: n) }
        var wr = [Double](repeating: 0, count: n)
        var wi = [Double](repeating: 0, count: n)
        let converged = a.elements.withUnsafeMutableBufferPointer { h in
            wr.withUnsafeMutableBufferPointer { wr in
                wi.withUnsafeMutableBufferPointer { wi in
                    let (low, high) = balance(h.baseAddress!, n)
                    hessenberg(h.baseAddress!, n, low: low, high: high)
                    return hqr(h.baseAddress!, n, low: low, high: high, wr.baseAddress!, wi.baseAddress!)
                }
            }
        }
        guard converged else { return nil }
        var values: [(modulus: Double, re: Double, im: Double)] = []
        values.reserveCapacity(n)
        for i in 0..<n {
            // `+ 0` turns -0 into +0, so that equal keys in the sort below mean equal bits.
            let re = Double(sign: .plus, exponent: e, significand: wr[i]) + 0
            let im = Double(sign: .plus, exponent: e, significand: wi[i]) + 0
            guard re.isFinite, im.isFinite else { return nil }
            values.append((modulus(re, im), re, im))
        }
        values.sort { x, y in
            if x.modulus != y.modulus { return x.modulus > y.modulus }
            if x.re != y.re { return x.re > y.re }
            return x.im > y.im
        }
        return values.map { (re: $0.re, im: $0.im) }
    }

    /// The `min(rows, columns)` singular values, largest first, or nil for an empty matrix, a
    /// non-finite element, or when Jacobi has not converged after 60 sweeps.
    ///
    /// One-sided Jacobi (Hestenes) on the columns of `R^T`, where `A P = Q R` is the Householder QR
    /// factorisation with column pivoting of `A` (of `A^T` when `A` has more columns than rows):
    /// at step `k` the remaining column of largest norm over rows `k...` comes first (the lowest
    /// index on ties). Each sweep then visits the column pairs `(p, q)`, `p < q`, row by row
    /// (`(0,1), (0,2), ..., (0,n-1), (1,2), ...`) and rotates a pair (Rutishauser's formulas for
    /// the smaller angle) when `|a_p . a_q| > n * eps * |a_p| |a_q|` (`n` columns, `eps` = 2^-52);
    /// it stops after the first sweep that rotates nothing. The squared column norms are recomputed
    /// at the start of each sweep and updated by each rotation. The singular values are the final
    /// column norms, sorted (against 40-digit references, every value is within 5e-16 `sigma_max`;
    /// values below about 1e-150 times the largest are not resolved).
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func singularValues<S: NetScalar>(_ m: Matrix<S>) -> [Double]? {
        guard m.rows > 0, m.columns > 0 else { return nil }
        let tall = m.rows >= m.columns
        let length = tall ? m.rows : m.columns  // of a column
        let count = tall ? m.columns : m.rows  // of columns
        // Column c of the tall matrix worked on is a[c * length ..< (c + 1) * length].
        guard var a = scaledElements(m, columnMajor: tall) else { return nil }
        if a.allZero { return [Double](repeating: 0, count: count) }
        var r = a.elements.withUnsafeMutableBufferPointer {
            triangularFactorTransposed($0.baseAddress!, length: length, count: count)
        }
        guard var values = r.withUnsafeMutableBufferPointer({ jacobi($0.baseAddress!, count) }) else { return nil }
        for i in 0..<count { values[i] = Double(sign: .plus, exponent: a.exponent, significand: values[i]) }
        values.sort(by: >)
        return values
    }

    /// `|re + i im|` without overflow or underflow of the squares: `big * sqrt(1 + (small/big)^2)`.
    private static func modulus(_ re: Double, _ im: Double) -> Double {
        let x = re.magnitude, y = im.magnitude
        let big = x >= y ? x : y, small = x >= y ? y : x
        if small == 0 { return big }
        let r = small / big
        return big * (1 + r * r).squareRoot()
    }

    /// The elements in `Double` (row-major, or column-major), times `2^-exponent` where `exponent`
    /// is that of the largest magnitude; nil if an element is not finite.
    private static func scaledElements<S: NetScalar>(
        _ m: Matrix<S>, columnMajor: Bool
    ) -> (elements: [Double], exponent: Int, allZero: Bool)? {
        var a = [Double](repeating: 0, count: m.count)
        var largest = 0.0
        for i in 0..<m.rows {
            for j in 0..<m.columns {
                let x = Double(m.storage[i * m.columns + j])
                guard x.isFinite else { return nil }
                a[columnMajor ? j * m.rows + i : i * m.columns + j] = x
                if x.magnitude > largest { largest = x.magnitude }
            }
        }
        if largest == 0 { return (a, 0, true) }
        let e = Int(largest.exponent)
        for i in 0..<a.count { a[i] = Double(sign: .plus, exponent: -e, significand: a[i]) }
        return (a, e, false)
    }

    /// `|a|` with the sign of `b` (`+` for `b >= 0`, including -0), as Fortran's `sign`.
    private static func sign(_ a: Double, _ b: Double) -> Double {
        b >= 0 ? a.magnitude : -a.magnitude
    }

    // MARK: - Eigenvalues (EISPACK balanc, orthes, hqr; 0-based, row-major h[i * n + j])

    /// EISPACK `balanc` with radix 2. Rows isolating an eigenvalue (no off-diagonal nonzero in
    /// columns `0...l`, searched from `l` down) are swapped to the bottom, then such columns (rows
    /// `k...l`, searched from `k` up) to the left; then passes over `i = low...high` scale row and
    /// column `i` by a power of two when that reduces their off-diagonal 1-norms `c + r` by 5%,
    /// until a pass scales nothing (at most 1000 passes). Returns `(low, high)`.
    private static func balance(_ h: UnsafeMutablePointer<Double>, _ n: Int) -> (low: Int, high: Int) {
        var k = 0
        var l = n - 1
        func swap(_ x: Int, _ y: Int) {
            let v = h[x]
            h[x] = h[y]
            h[y] = v
        }
        // Exchanges row and column j with row and column target.
        func exchange(_ j: Int, _ target: Int) {
            if j == target { return }
            for i in 0...l { swap(i * n + j, i * n + target) }
            for i in k..<n { swap(j * n + i, target * n + i) }
        }
        rows: while true {
            var j = l
            while j >= 0 {
                var isolated = true
                for i in 0...l where i != j && h[j * n + i] != 0 {
                    isolated = false
                    break
                }
                if isolated {
                    exchange(j, l)
                    if l == 0 { return (k, l) }
                    l -= 1
                    continue rows
                }
                j -= 1
            }
            break
        }
        columns: while true {
            var j = k
            while j <= l {
                var isolated = true
                for i in k...l where i != j && h[i * n + j] != 0 {
                    isolated = false
                    break
                }
                if isolated {
                    exchange(j, k)
                    k += 1
                    continue columns
                }
                j += 1
            }
            break
        }
        if k > l { return (k, l) }
        var pass = 0
        var scaled = true
        while scaled && pass < 1000 {
            scaled = false
            pass += 1
            for i in k...l {
                var c = 0.0, r = 0.0
                for j in k...l where j != i {
                    c += h[j * n + i].magnitude
                    r += h[i * n + j].magnitude
                }
                if c == 0 || r == 0 { continue }
                var g = r / 2
                var f = 1.0
                let s = c + r
                while c < g {
                    f *= 2
                    c *= 4
                }
                g = r * 2
                while c >= g {
                    f /= 2
                    c /= 4
                }
                if (c + r) / f >= 0.95 * s { continue }
                g = 1 / f
                scaled = true
                for j in k..<n { h[i * n + j] *= g }
                for j in 0...l { h[j * n + i] *= f }
            }
        }
        return (k, l)
    }

    /// EISPACK `orthes`: for `m = low + 1 ... high - 1` in order, the Householder reflection
    /// `I - u u^T / hh` that zeroes column `m - 1` below row `m` is applied on the left (for each
    /// column `j >= m`, `f_j = sum_i u_i h_ij` accumulated over rows `i = m...high` in increasing
    /// order) and then on the right (for each row `i <= high`, ``dot(_:_:_:)`` of `u` and the row
    /// over columns `m...high`). The entries below the subdiagonal are then set to zero.
    private static func hessenberg(_ h: UnsafeMutablePointer<Double>, _ n: Int, low: Int, high: Int) {
        if low + 1 <= high - 1 {
            let u = UnsafeMutablePointer<Double>.allocate(capacity: n)
            let f = UnsafeMutablePointer<Double>.allocate(capacity: n)
            defer {
                u.deallocate()
                f.deallocate()
            }
            for m in (low + 1)...(high - 1) {
                var scale = 0.0
                for i in m...high { scale += h[i * n + m - 1].magnitude }
                if scale == 0 { continue }
                for i in m...high { u[i] = h[i * n + m - 1] / scale }
                var hh = dot(u + m, u + m, high - m + 1)
                let g = -sign(hh.squareRoot(), u[m])
                hh -= u[m] * g
                u[m] -= g
                let width = n - m
                f.update(repeating: 0, count: n)
                // f_j - (-u_i) h_ij is f_j + u_i h_ij, bit for bit.
                for i in m...high { subtract(-u[i], times: h + i * n + m, from: f + m, width) }
                for j in m..<n { f[j] /= hh }
                for i in m...high { subtract(u[i], times: f + m, from: h + i * n + m, width) }
                for i in 0...high {
                    let row = h + i * n + m
                    subtract(dot(u + m, row, high - m + 1) / hh, times: u + m, from: row, high - m + 1)
                }
                h[m * n + m - 1] = scale * g
            }
        }
        for i in 2..<(n < 2 ? 2 : n) {
            for j in 0..<(i - 1) { h[i * n + j] = 0 }
        }
    }

    /// EISPACK `hqr` (eigenvalues only) on the Hessenberg matrix `h`: the eigenvalues outside
    /// `low ... high` are the diagonal entries; inside, Francis double-shift QR steps deflate one
    /// or two eigenvalues at a time from the bottom (a subdiagonal `h[l][l-1]` is negligible when
    /// adding it to `|h[l-1][l-1]| + |h[l][l]|` changes nothing), with exceptional shifts at
    /// iterations 10 and 20 of each deflation and at most `30 n` steps in all. Returns false when
    /// that cap is hit.
    private static func hqr(
        _ h: UnsafeMutablePointer<Double>, _ n: Int, low: Int, high: Int,
        _ wr: UnsafeMutablePointer<Double>, _ wi: UnsafeMutablePointer<Double>
    ) -> Bool {
        // The sum of the magnitudes of the Hessenberg part, row by row, each from column i - 1 on.
        var norm = 0.0
        var k = 0
        for i in 0..<n {
            for j in k..<n { norm += h[i * n + j].magnitude }
            k = i
            if i < low || i > high {
                wr[i] = h[i * n + i]
                wi[i] = 0
            }
        }
        var en = high
        var t = 0.0
        var itn = 30 * n
        while en >= low {
            var its = 0
            let na = en - 1
            let enm2 = na - 1
            while true {
                // The largest l <= en whose subdiagonal h[l][l-1] is negligible (l = low if none).
                var l = en
                while l > low {
                    var s = h[(l - 1) * n + l - 1].magnitude + h[l * n + l].magnitude
                    if s == 0 { s = norm }
                    if s + h[l * n + l - 1].magnitude == s { break }
                    l -= 1
                }
                var x = h[en * n + en]
                if l == en {  // one root
                    wr[en] = x + t
                    wi[en] = 0
                    en = na
                    break
                }
                var y = h[na * n + na]
                var w = h[en * n + na] * h[na * n + en]
                if l == na {  // two roots
                    let p = (y - x) / 2
                    let q = p * p + w
                    var zz = q.magnitude.squareRoot()
                    x += t
                    if q >= 0 {
                        zz = p + sign(zz, p)
                        wr[na] = x + zz
                        wr[en] = zz != 0 ? x - w / zz : wr[na]
                        wi[na] = 0
                        wi[en] = 0
                    } else {
                        wr[na] = x + p
                        wr[en] = x + p
                        wi[na] = zz
                        wi[en] = -zz
                    }
                    en = enm2
                    break
                }
                if itn == 0 { return false }
                if its == 10 || its == 20 {  // exceptional shift
                    t += x
                    for i in low...en { h[i * n + i] -= x }
                    let s = h[en * n + na].magnitude + h[na * n + enm2].magnitude
                    x = 0.75 * s
                    y = x
                    w = -0.4375 * s * s
                }
                its += 1
                itn -= 1
                // The highest m >= l (from en - 2 down) where two consecutive subdiagonals are small.
                var m = enm2
                var p = 0.0, q = 0.0, r = 0.0
                while true {
                    let zz = h[m * n + m]
                    r = x - zz
                    var s = y - zz
                    p = (r * s - w) / h[(m + 1) * n + m] + h[m * n + m + 1]
                    q = h[(m + 1) * n + m + 1] - zz - r - s
                    r = h[(m + 2) * n + m + 1]
                    s = p.magnitude + q.magnitude + r.magnitude
                    p /= s
                    q /= s
                    r /= s
                    if m == l { break }
                    let tst1 = p.magnitude
                        * (h[(m - 1) * n + m - 1].magnitude + zz.magnitude + h[(m + 1) * n + m + 1].magnitude)
                    let tst2 = tst1 + h[m * n + m - 1].magnitude * (q.magnitude + r.magnitude)
                    if tst2 == tst1 { break }
                    m -= 1
                }
                for i in (m + 2)...en {
                    h[i * n + i - 2] = 0
                    if i != m + 2 { h[i * n + i - 3] = 0 }
                }
                // Double QR step on rows l...en and columns m...en, k = m...en-1 in order.
                for k in m...na {
                    let notLast = k != na
                    if k != m {
                        p = h[k * n + k - 1]
                        q = h[(k + 1) * n + k - 1]
                        r = notLast ? h[(k + 2) * n + k - 1] : 0
                        x = p.magnitude + q.magnitude + r.magnitude
                        if x == 0 { continue }
                        p /= x
                        q /= x
                        r /= x
                    }
                    let s = sign((p * p + q * q + r * r).squareRoot(), p)
                    if k != m {
                        h[k * n + k - 1] = -s * x
                    } else if l != m {
                        h[k * n + k - 1] = -h[k * n + k - 1]
                    }
                    p += s
                    x = p / s
                    y = q / s
                    let zz = r / s
                    q /= p
                    r /= p
                    let r0 = h + k * n, r1 = r0 + n, r2 = r1 + n
                    let last = en < k + 3 ? en : k + 3
                    if notLast {
                        var j = k
                        while j <= en {  // rows k, k+1, k+2
                            let v = r0[j] + q * r1[j] + r * r2[j]
                            r0[j] -= v * x
                            r1[j] -= v * y
                            r2[j] -= v * zz
                            j += 1
                        }
                        var i = l
                        while i <= last {  // columns k, k+1, k+2
                            let c = h + i * n + k
                            let v = x * c[0] + y * c[1] + zz * c[2]
                            c[0] -= v
                            c[1] -= v * q
                            c[2] -= v * r
                            i += 1
                        }
                    } else {
                        var j = k
                        while j <= en {  // rows k, k+1
                            let v = r0[j] + q * r1[j]
                            r0[j] -= v * x
                            r1[j] -= v * y
                            j += 1
                        }
                        var i = l
                        while i <= last {  // columns k, k+1
                            let c = h + i * n + k
                            let v = x * c[0] + y * c[1]
                            c[0] -= v
                            c[1] -= v * q
                            i += 1
                        }
                    }
                }
            }
        }
        return true
    }

    // MARK: - Singular values (QR with column pivoting, then one-sided Jacobi)

    /// Householder QR with column pivoting of the `length x count` column-major matrix at `a`
    /// (`length >= count`, overwritten): at step `k = 0..<count`, the squared norms of the columns
    /// `j >= k` over rows `k...` (``dot(_:_:_:)``) pick the pivot (the largest, the lowest `j` on
    /// ties), the reflection `I - u u^T / hh` zeroes the pivot below row `k` and is applied to the
    /// columns `j > k` in increasing order. Returns `R^T`, `count x count` column-major.
    private static func triangularFactorTransposed(_ a: UnsafeMutablePointer<Double>, length: Int, count: Int) -> [Double] {
        let u = UnsafeMutablePointer<Double>.allocate(capacity: length)
        defer { u.deallocate() }
        for k in 0..<count {
            let rest = length - k
            var best = -1.0, pivot = k
            for j in k..<count {
                let norm2 = dot(a + j * length + k, a + j * length + k, rest)
                if norm2 > best {
                    best = norm2
                    pivot = j
                }
            }
            if pivot != k {
                let x = a + k * length, y = a + pivot * length
                for i in 0..<length {
                    let v = x[i]
                    x[i] = y[i]
                    y[i] = v
                }
            }
            if best == 0 { break }  // the remaining columns are zero
            let column = a + k * length + k
            let beta = -sign(best.squareRoot(), column[0])
            let hh = best - column[0] * beta
            u.update(from: column, count: rest)
            u[0] -= beta
            column[0] = beta
            for i in 1..<Swift.max(rest, 1) { column[i] = 0 }
            for j in (k + 1)..<Swift.max(count, k + 1) {
                let c = a + j * length + k
                subtract(dot(u, c, rest) / hh, times: u, from: c, rest)
            }
        }
        var r = [Double](repeating: 0, count: count * count)
        for j in 0..<count {
            for i in j..<count { r[j * count + i] = a[i * length + j] }
        }
        return r
    }

    /// One-sided Jacobi on the `n x n` column-major matrix at `a` (overwritten); returns the final
    /// column norms (unsorted), or nil after 60 sweeps.
    private static func jacobi(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> [Double]? {
        let tolerance = Double(n) * Double.ulpOfOne
        var norms2 = [Double](repeating: 0, count: n)
        var converged = false
        var sweep = 0
        while !converged && sweep < 60 {
            sweep += 1
            for c in 0..<n { norms2[c] = dot(a + c * n, a + c * n, n) }
            var rotated = false
            for p in 0..<n {
                let ap = a + p * n
                for q in (p + 1)..<Swift.max(n, p + 1) {
                    let aq = a + q * n
                    let alpha = norms2[p], beta = norms2[q]
                    let gamma = dot(ap, aq, n)
                    if !(gamma.magnitude > tolerance * alpha.squareRoot() * beta.squareRoot()) { continue }
                    rotated = true
                    // t = tan of the smaller angle that makes the columns orthogonal:
                    // t^2 + 2 zeta t - 1 = 0 with zeta = (beta - alpha) / (2 gamma).
                    let zeta = (beta - alpha) / (2 * gamma)
                    let root = zeta.magnitude > 1e150 ? zeta.magnitude : (1 + zeta * zeta).squareRoot()
                    let t = sign(1, zeta) / (zeta.magnitude + root)
                    let c = 1 / (1 + t * t).squareRoot()
                    let sn = c * t
                    rotate(ap, aq, n, s: sn, tau: sn / (1 + c))
                    // The updated norms, recomputed when cancellation would make them inaccurate.
                    let newAlpha = alpha - t * gamma
                    let newBeta = beta + t * gamma
                    norms2[p] = newAlpha >= alpha / 4 ? newAlpha : dot(ap, ap, n)
                    norms2[q] = newBeta >= beta / 4 ? newBeta : dot(aq, aq, n)
                }
            }
            converged = !rotated
        }
        guard converged else { return nil }
        return (0..<n).map { columnNorm(a + $0 * n, n) }
    }

    /// The Euclidean norm of `x[0..<length]`: the square root of ``dot(_:_:_:)`` of `x` with
    /// itself, or, when that is below 2^-900 (squares may have underflowed), `big * sqrt(sum
    /// (x_i / big)^2)` with `big` the largest magnitude and the sum in increasing `i`.
    private static func columnNorm(_ x: UnsafeMutablePointer<Double>, _ length: Int) -> Double {
        let s = dot(x, x, length)
        if s >= 0x1p-900 { return s.squareRoot() }
        var big = 0.0
        for i in 0..<length where x[i].magnitude > big { big = x[i].magnitude }
        if big == 0 { return 0 }
        var sum = 0.0
        for i in 0..<length {
            let r = x[i] / big
            sum += r * r
        }
        return big * sum.squareRoot()
    }

    // MARK: - Kernels

    /// `sum_i x_i y_i` for `i = 0..<length`: eight partial sums `s_r` over the `i` with `i % 8 == r`,
    /// each in increasing `i`, then `((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))`.
    private static func dot(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ length: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
        var i = 0
        while i &+ 8 <= length {
            s0 += x[i] * y[i]
            s1 += x[i &+ 1] * y[i &+ 1]
            s2 += x[i &+ 2] * y[i &+ 2]
            s3 += x[i &+ 3] * y[i &+ 3]
            s4 += x[i &+ 4] * y[i &+ 4]
            s5 += x[i &+ 5] * y[i &+ 5]
            s6 += x[i &+ 6] * y[i &+ 6]
            s7 += x[i &+ 7] * y[i &+ 7]
            i = i &+ 8
        }
        let rest = length &- i
        if rest > 0 { s0 += x[i] * y[i] }
        if rest > 1 { s1 += x[i &+ 1] * y[i &+ 1] }
        if rest > 2 { s2 += x[i &+ 2] * y[i &+ 2] }
        if rest > 3 { s3 += x[i &+ 3] * y[i &+ 3] }
        if rest > 4 { s4 += x[i &+ 4] * y[i &+ 4] }
        if rest > 5 { s5 += x[i &+ 5] * y[i &+ 5] }
        if rest > 6 { s6 += x[i &+ 6] * y[i &+ 6] }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }

    /// The rotation `(x_i, y_i) = (c x_i - s y_i, s x_i + c y_i)` for `i = 0..<length`, written as
    /// `x_i - s (y_i + tau x_i)` and `y_i + s (x_i - tau y_i)` with `tau = s / (1 + c)`: small angles
    /// change the columns by small amounts (with `c` and `s` directly, the norms drift by about
    /// `n` ulps over a decomposition).
    private static func rotate(
        _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ length: Int, s: Double, tau: Double
    ) {
        var i = 0
        while i &+ 4 <= length {  // unrolled: each element is computed alone, as below
            let x0 = x[i], y0 = y[i], x1 = x[i &+ 1], y1 = y[i &+ 1]
            let x2 = x[i &+ 2], y2 = y[i &+ 2], x3 = x[i &+ 3], y3 = y[i &+ 3]
            x[i] = x0 - s * (y0 + tau * x0)
            y[i] = y0 + s * (x0 - tau * y0)
            x[i &+ 1] = x1 - s * (y1 + tau * x1)
            y[i &+ 1] = y1 + s * (x1 - tau * y1)
            x[i &+ 2] = x2 - s * (y2 + tau * x2)
            y[i &+ 2] = y2 + s * (x2 - tau * y2)
            x[i &+ 3] = x3 - s * (y3 + tau * x3)
            y[i &+ 3] = y3 + s * (x3 - tau * y3)
            i = i &+ 4
        }
        while i < length {
            let x0 = x[i], y0 = y[i]
            x[i] = x0 - s * (y0 + tau * x0)
            y[i] = y0 + s * (x0 - tau * y0)
            i = i &+ 1
        }
    }

    /// `y_i -= a * x_i` for `i = 0..<length`.
    private static func subtract(
        _ a: Double, times x: UnsafeMutablePointer<Double>, from y: UnsafeMutablePointer<Double>, _ length: Int
    ) {
        var i = 0
        while i &+ 4 <= length {  // unrolled: each element is computed alone, as below
            y[i] -= a * x[i]
            y[i &+ 1] -= a * x[i &+ 1]
            y[i &+ 2] -= a * x[i &+ 2]
            y[i &+ 3] -= a * x[i &+ 3]
            i = i &+ 4
        }
        while i < length {
            y[i] -= a * x[i]
            i = i &+ 1
        }
    }
}

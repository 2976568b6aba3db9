internal import CBLASLoader

/// Eigenvalue and singular-value summaries of a matrix through LAPACK (OpenBLAS's `dgeev`/`dgesvd`).
public enum Spectrum {
    /// The largest eigenvalue modulus of a square matrix, or nil when LAPACK is unavailable or fails.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func spectralRadius<S: NetScalar>(_ m: Matrix<S>) -> Double? {
        guard m.rows == m.columns, m.rows > 0 else { return nil }
        let n = m.rows
        var a = columnMajor(m)
        var wr = [Double](repeating: 0, count: n)
        var wi = [Double](repeating: 0, count: n)
        let info = gl_dgeev(Int32(n), &a, &wr, &wi)
        guard info == 0 else { return nil }
        return zip(wr, wi).map { ($0 * $0 + $1 * $1).squareRoot() }.max()
    }

    /// Singular values, largest first, or nil when LAPACK is unavailable or fails.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func singularValues<S: NetScalar>(_ m: Matrix<S>) -> [Double]? {
        guard m.rows > 0, m.columns > 0 else { return nil }
        var a = columnMajor(m)
        var s = [Double](repeating: 0, count: min(m.rows, m.columns))
        let info = gl_dgesvd(Int32(m.rows), Int32(m.columns), &a, &s)
        guard info == 0 else { return nil }
        return s
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private static func columnMajor<S: NetScalar>(_ m: Matrix<S>) -> [Double] {
        var a = [Double](repeating: 0, count: m.count)
        for i in 0..<m.rows { for j in 0..<m.columns { a[j * m.rows + i] = Double(m[i, j]) } }
        return a
    }
}

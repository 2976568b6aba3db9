internal import CBLASLoader
internal import CFastMath
public import RealModule

/// A floating-point type the engine computes in: `Float` (float32) or `Double` (float64).
///
/// Supplies the BLAS entry point for the type, so generic code reaches the right kernel.
public protocol NetScalar: Real, BinaryFloatingPoint, SIMDScalar, Sendable, Codable, CustomStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// The dtype name used in specs and CSV ("float32", "float64").
    static var dtypeName: String { get }
    /// Row-major `C = alpha * op(A) * op(B) + beta * C` through the optimised BLAS.
    static func blasGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// Row-major `C = alpha * op(A) * op(B) + beta * C` through the project's fixed-order kernels
    /// (see ``BLAS``), by `variant` (nil: the process's ``KernelVariant/current``).
    static func fixedOrderGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, variant: KernelVariant?)
    /// `tanh` in place over `count` elements by ``FastMath`` (vectorised; within a few ulp of libm).
    /// From ``FastMath/vectorKernelMinimum`` elements on, by the C kernels for the widest vector
    /// unit of the CPU (AVX-512, AVX2, baseline): the same operations, bit-identical results.
    static func fastTanh(_ p: UnsafeMutablePointer<Self>, count: Int)
    /// `1 / (1 + e^-x)` in place over `count` elements by ``FastMath``.
    static func fastSigmoid(_ p: UnsafeMutablePointer<Self>, count: Int)
    /// `out[i] = a[i] + b[i]` for `i = 0..<count`, by a vectorised C loop (`out` must not overlap
    /// `a` or `b`).
    static func add(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>, count: Int)
    /// `acc[j] += rows[r * columns + j]` for the rows `r = 0..<rowCount` in order: each sum is the
    /// same as a loop over the rows (vectorised across columns only; `acc` must not overlap `rows`).
    static func accumulateRows(_ rows: UnsafePointer<Self>, rowCount: Int, columns: Int, into acc: UnsafeMutablePointer<Self>)
}

extension Float: NetScalar {
    public static var dtypeName: String { "float32" }
    public static func fastTanh(_ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= FastMath.vectorKernelMinimum { fm_tanh_f32(p, count) } else { FastMath.tanh(p, count: count) }
    }
    public static func fastSigmoid(_ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= FastMath.vectorKernelMinimum { fm_sigmoid_f32(p, count) } else { FastMath.sigmoid(p, count: count) }
    }
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        fm_add_f32(count, a, b, out)
    }
    public static func accumulateRows(_ rows: UnsafePointer<Float>, rowCount: Int, columns: Int, into acc: UnsafeMutablePointer<Float>) {
        fm_sum_rows_f32(rowCount, columns, rows, acc)
    }
    public static func fixedOrderGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, variant: KernelVariant?
    ) {
        if let variant {
            fm_gemm_f32_at_level(variant.level, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        } else {
            fm_gemm_f32(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }
    public static func blasGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        gl_sgemm(
            transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: NetScalar {
    public static var dtypeName: String { "float64" }
    public static func fastTanh(_ p: UnsafeMutablePointer<Double>, count: Int) {
        if count >= FastMath.vectorKernelMinimum { fm_tanh_f64(p, count) } else { FastMath.tanh(p, count: count) }
    }
    public static func fastSigmoid(_ p: UnsafeMutablePointer<Double>, count: Int) {
        if count >= FastMath.vectorKernelMinimum { fm_sigmoid_f64(p, count) } else { FastMath.sigmoid(p, count: count) }
    }
    public static func add(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int) {
        fm_add_f64(count, a, b, out)
    }
    public static func accumulateRows(_ rows: UnsafePointer<Double>, rowCount: Int, columns: Int, into acc: UnsafeMutablePointer<Double>) {
        fm_sum_rows_f64(rowCount, columns, rows, acc)
    }
    public static func fixedOrderGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int, variant: KernelVariant?
    ) {
        if let variant {
            fm_gemm_f64_at_level(variant.level, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        } else {
            fm_gemm_f64(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }
    public static func blasGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        gl_dgemm(
            transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}

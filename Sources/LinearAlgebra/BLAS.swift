internal import CBLASLoader

/// Which implementation computes matrix products.
public enum BLASBackend: String, Sendable, CaseIterable {
    /// Plain Swift loops: the ground truth the optimised path is tested against.
    case reference
    /// OpenBLAS, loaded at run time with the fastest kernel for this CPU.
    case openBLAS

    /// Whether OpenBLAS could be loaded on this machine.
    public static var openBLASAvailable: Bool { gl_blas_load() }

    /// Sets the environment variables OpenBLAS reads when it loads (its kernel and thread count;
    /// loading does this too). Loading can then happen on a background thread without changing
    /// the environment under threads that read it. Call it before starting such threads.
    public static func prepareEnvironment() { gl_blas_prepare_environment() }

    /// The OpenBLAS kernel in use (for example "SkylakeX"), or "unavailable".
    public static var openBLASCore: String { String(cString: gl_blas_corename()) }

    /// Sets how many threads OpenBLAS may use for one product (default 1).
    public static func setOpenBLASThreads(_ n: Int) { gl_blas_set_threads(Int32(n)) }

    /// The thread count last set by ``setOpenBLASThreads(_:)`` (1 until then).
    public static var openBLASThreads: Int { Int(gl_blas_threads()) }

    /// Tunes glibc malloc to keep freed large blocks (the engine's per-call matrices) for reuse
    /// instead of unmapping them, which otherwise costs page faults and kernel zeroing on every
    /// big allocation, and to grow heaps in 32 MiB steps of address space (fewer `mprotect`
    /// calls changing the memory map while other threads run; untouched pages use no memory).
    /// Process-wide; returns whether it was applied (false off glibc).
    @discardableResult
    public static func retainFreedMemory() -> Bool { gl_malloc_retain_freed() == 1 }

    /// Makes every thread allocate from glibc's main arena, for a process that runs one big
    /// computation at a time on a worker thread (the bench): a worker thread's own arena keeps
    /// faulting the big matrices in again (float64 LSTM/GRU steps measured ~20% slower). Only
    /// threads that have not allocated yet are affected, so call it at process start. Not for
    /// the parallel runner, whose threads would then share one arena lock. Returns whether it
    /// was applied (false off glibc).
    @discardableResult
    public static func useSingleMallocArena() -> Bool { gl_malloc_single_arena() == 1 }
}

/// Matrix products: `C = alpha * op(A) * op(B) + beta * C` on row-major matrices.
public enum BLAS {
    /// Products with at most this many multiply-adds (`m*n*k`) run in Swift: a library call
    /// costs more than the arithmetic for the tiny matrices of the tutorial (H = 10).
    public static let smallProductThreshold = 4096

    /// `C = alpha * op(A) * op(B) + beta * C`, where `op(X)` is `X` or its transpose.
    ///
    /// Shapes: `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`.
    @inlinable
    public static func gemm<S: NetScalar>(
        _ a: Matrix<S>, transposeA: Bool = false, _ b: Matrix<S>, transposeB: Bool = false,
        alpha: S = 1, beta: S = 0, into c: inout Matrix<S>, backend: BLASBackend? = nil
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb, "gemm: inner dimensions differ: op(A) is \(m)x\(k), op(B) is \(kb)x\(n)")
        precondition(c.rows == m && c.columns == n, "gemm: C is \(c.rows)x\(c.columns), expected \(m)x\(n)")
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: pa.baseAddress, lda: a.columns, b: pb.baseAddress,
                        ldb: b.columns, beta: beta, c: pc.baseAddress, ldc: n, backend: backend)
                }
            }
        }
    }

    /// Raw-pointer GEMM with explicit leading dimensions (row-major).
    @inlinable
    public static func gemm<S: NetScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>?, lda: Int, b: UnsafePointer<S>?, ldb: Int, beta: S,
        c: UnsafeMutablePointer<S>?, ldc: Int, backend: BLASBackend? = nil
    ) {
        guard m > 0, n > 0, let c else { return }
        guard k > 0, let a, let b else {
            scale(c: c, m: m, n: n, ldc: ldc, beta: beta)
            return
        }
        let useBLAS: Bool
        switch backend {
        case .reference: useBLAS = false
        case .openBLAS: useBLAS = openBLASReady()
        case nil: useBLAS = m * n * k > smallProductThreshold && openBLASReady()
        }
        if useBLAS {
            S.blasGEMM(
                transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
                lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            ReferenceBLAS.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    @usableFromInline
    static func openBLASReady() -> Bool { gl_blas_load() }

    @inlinable
    static func scale<S: NetScalar>(c: UnsafeMutablePointer<S>, m: Int, n: Int, ldc: Int, beta: S) {
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }
}

/// Plain-Swift matrix products, used for small products and as the test oracle for OpenBLAS.
public enum ReferenceBLAS {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C` by loops.
    ///
    /// Every element is `beta * c` (0 when `beta == 0`, `c` when `beta == 1`) plus
    /// `(alpha * a_ip) * b_pj` for `p = 0..<k` in order. The sums are kept in registers: eight,
    /// then two columns at a time when a row of `op(B)` is contiguous, then one column at a time
    /// (a dot product when `B` is transposed), so no sum goes through memory between steps of
    /// `p`. A single column (`n == 1`, a matrix-vector product) is summed for eight rows at a
    /// time instead, so the rows' sums run side by side rather than one after another.
    @inlinable
    public static func gemm<S: NetScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, beta: S,
        c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        // A's element p of row i is at a + i * ai + p * ap.
        let ai = transposeA ? 1 : lda
        let ap = transposeA ? lda : 1
        // B's element (p, j) is at b + p * bp + j * bj.
        let bp = transposeB ? 1 : ldb
        let bj = transposeB ? ldb : 1
        var i0 = 0
        if n == 1 {
            while i0 + 8 <= m {
                rows(SIMD8<S>.self, a + i0 * ai, ai, ap, alpha, b, bp, k, beta, c + i0 * ldc, ldc)
                i0 += 8
            }
        }
        for i in i0..<m {
            let crow = c + i * ldc
            let arow = a + i * ai
            var j = 0
            if bj == 1 {
                while j + 8 <= n {
                    columns(SIMD8<S>.self, arow, ap, alpha, b + j, bp, k, beta, crow + j)
                    j += 8
                }
                while j + 2 <= n {
                    columns(SIMD2<S>.self, arow, ap, alpha, b + j, bp, k, beta, crow + j)
                    j += 2
                }
            }
            while j < n {
                // B's element p of column j: contiguous over p when B is transposed.
                let bcol = b + j * bj
                var sum = beta == 0 ? 0 : (beta == 1 ? crow[j] : crow[j] * beta)
                for p in 0..<k { sum += (alpha * arow[p * ap]) * bcol[p * bp] }
                crow[j] = sum
                j += 1
            }
        }
    }

    /// `V.scalarCount` adjacent rows of the single column of `C`, summed in a vector: lane `r`
    /// is row `r`, with the same operations in the same order as the one-column loop.
    @inlinable @inline(__always)
    static func rows<V: SIMD>(
        _: V.Type, _ a: UnsafePointer<V.Scalar>, _ ai: Int, _ ap: Int, _ alpha: V.Scalar,
        _ b: UnsafePointer<V.Scalar>, _ bp: Int, _ k: Int, _ beta: V.Scalar,
        _ c: UnsafeMutablePointer<V.Scalar>, _ ldc: Int
    ) where V.Scalar: NetScalar {
        var sum = V()
        if beta != 0 {
            for r in 0..<V.scalarCount { sum[r] = c[r * ldc] }
            if beta != 1 { sum *= beta }
        }
        for p in 0..<k {
            let ak = a + p * ap
            var column = V()
            if ai == 1 {
                column = UnsafeRawPointer(ak).loadUnaligned(as: V.self)
            } else {
                for r in 0..<V.scalarCount { column[r] = ak[r * ai] }
            }
            sum += (alpha * column) * b[p * bp]
        }
        for r in 0..<V.scalarCount { c[r * ldc] = sum[r] }
    }

    /// `V.scalarCount` adjacent columns of one row of `C` (a row of `op(B)` contiguous, rows
    /// `bp` apart), summed in a vector.
    @inlinable @inline(__always)
    static func columns<V: SIMD>(
        _: V.Type, _ arow: UnsafePointer<V.Scalar>, _ ap: Int, _ alpha: V.Scalar, _ b: UnsafePointer<V.Scalar>,
        _ bp: Int, _ k: Int, _ beta: V.Scalar, _ c: UnsafeMutablePointer<V.Scalar>
    ) where V.Scalar: NetScalar {
        var sum = V()
        if beta != 0 {
            sum = UnsafeRawPointer(c).loadUnaligned(as: V.self)
            if beta != 1 { sum *= beta }
        }
        for p in 0..<k {
            sum += (alpha * arow[p * ap]) * UnsafeRawPointer(b + p * bp).loadUnaligned(as: V.self)
        }
        UnsafeMutableRawPointer(c).storeBytes(of: sum, as: V.self)
    }
}

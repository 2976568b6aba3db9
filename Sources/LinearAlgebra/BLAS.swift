internal import CBLASLoader

internal import CFastMath

/// Which implementation computes matrix products.
public enum BLASBackend: String, Sendable, CaseIterable {
    /// The project's own kernels (AVX-512, AVX2 or portable; see ``KernelVariant``): every element
    /// is one fused multiply-add per step in ascending order, so the bits are the same on every
    /// CPU. The default.
    case reproducible
    /// Plain Swift loops with the same definition: the test oracle for the other two.
    case reference
    /// OpenBLAS, loaded at run time: fastest on some machines, but its bits depend on the CPU,
    /// its kernel and its thread count. Only when asked for (``Numerics/openBLAS``).
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

/// The numerics mode of the process: which implementation the engine's products use by default.
///
/// Chosen once, before any computation (the `numerics` option of a spec); a results table never
/// mixes the two modes, because the mode is part of every run's key.
public enum Numerics: String, Sendable, CaseIterable {
    /// The project's own fixed-order kernels: results are a function of the inputs only.
    case reproducible
    /// OpenBLAS for products above ``BLAS/smallProductThreshold``: results depend on the machine.
    case openBLAS = "openblas"

    /// The mode in use (``reproducible`` unless ``select(_:)`` chose another).
    public static var current: Numerics { fm_vendor_blas() != 0 ? .openBLAS : .reproducible }

    /// Chooses the process's mode. Call it before any computation starts; returns false (and
    /// keeps the mode) when OpenBLAS is asked for but cannot be loaded.
    @discardableResult
    public static func select(_ mode: Numerics) -> Bool {
        if mode == .openBLAS && !BLASBackend.openBLASAvailable { return false }
        fm_set_vendor_blas(mode == .openBLAS ? 1 : 0)
        return true
    }
}

/// The compiled variants of the C kernels (products, activations, BPTT rows). Every variant gives
/// the same bits; only their speed differs.
public enum KernelVariant: String, Sendable, CaseIterable, Comparable {
    /// Plain C with `fma` (any CPU, including ARM64).
    case portable
    /// AVX2 with FMA.
    case avx2
    /// AVX-512 (F, DQ, VL) with FMA.
    case avx512

    init(level: Int32) {
        switch level {
        case Int32(FM_LEVEL_AVX512): self = .avx512
        case Int32(FM_LEVEL_AVX2): self = .avx2
        default: self = .portable
        }
    }

    var level: Int32 {
        switch self {
        case .portable: Int32(FM_LEVEL_PORTABLE)
        case .avx2: Int32(FM_LEVEL_AVX2)
        case .avx512: Int32(FM_LEVEL_AVX512)
        }
    }

    /// The widest variant this CPU runs.
    public static var best: KernelVariant { KernelVariant(level: fm_best_level()) }
    /// The variant in use: `RNNLAB_KERNEL` (portable, avx2, avx512, auto) if set and supported, else ``best``.
    public static var current: KernelVariant { KernelVariant(level: fm_kernel_level()) }
    /// Every variant this CPU runs, narrowest first.
    public static var supported: [KernelVariant] { allCases.filter { $0 <= best } }

    /// Checks an `RNNLAB_KERNEL` value: nil when fine, else what is wrong with it.
    public static func problem(withRequest value: String) -> String? {
        let level = value.withCString { fm_parse_level($0) }
        if level == -2 { return "RNNLAB_KERNEL=\(value): expected portable, avx2, avx512 or auto" }
        if level >= 0 && KernelVariant(level: level) > best {
            return "RNNLAB_KERNEL=\(value): this CPU runs at most \(best.rawValue)"
        }
        return nil
    }

    public static func < (a: KernelVariant, b: KernelVariant) -> Bool { a.level < b.level }

    /// One core's fused multiply-add throughput with this variant, in GFLOP/s: the best of
    /// repeated timed rounds over about `seconds` (the physical limit the benchmarks compare with).
    public func peakGFLOPS(float64: Bool, seconds: Double = 0.3) -> Double {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(seconds * 1000))
        var best = 0.0
        let iterations = self == .portable ? 20_000 : 2_000_000
        repeat {
            let start = clock.now
            let flops = fm_peak_flops(level, float64 ? 1 : 0, iterations)
            let elapsed = clock.now - start
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if s > 0 { best = Swift.max(best, flops / s / 1e9) }
        } while clock.now < deadline
        return best
    }
}

/// Matrix products: `C = alpha * op(A) * op(B) + beta * C` on row-major matrices.
///
/// Every element is `beta * c` (0 when `beta` is 0, `c` when 1) followed by
/// `fma(alpha * a_ip, b_pj, acc)` for `p = 0..<k` in ascending order, one correctly rounded fused
/// multiply-add per step: the same bits whatever the CPU or kernel variant (in the default,
/// reproducible mode).
public enum BLAS {
    /// In ``Numerics/openBLAS`` mode, products with at most this many multiply-adds (`m*n*k`)
    /// still run on the project's kernels: a library call costs more than the arithmetic there.
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

    /// Raw-pointer GEMM with explicit leading dimensions (row-major). `backend` nil: the
    /// process's ``Numerics`` mode decides.
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
        let chosen: BLASBackend
        switch backend {
        case .reference?: chosen = .reference
        case .openBLAS?: chosen = openBLASReady() ? .openBLAS : .reproducible
        case .reproducible?: chosen = .reproducible
        case nil:
            chosen = m * n * k > smallProductThreshold && vendorMode() && openBLASReady() ? .openBLAS : .reproducible
        }
        switch chosen {
        case .openBLAS:
            S.blasGEMM(
                transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
                lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .reproducible:
            S.fixedOrderGEMM(
                transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
                lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, variant: nil)
        case .reference:
            ReferenceBLAS.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Threads one large product may use: 1 (the default) or 2 (blocks of C's columns, or rows,
    /// computed side by side by a helper thread, each element exactly as on one thread). For a
    /// process that runs one big computation at a time; the runner keeps 1 and runs runs side by side.
    public static var productThreads: Int { Int(fm_product_threads()) }

    /// Sets ``productThreads`` (process-wide; values above 2 act as 2).
    public static func setProductThreads(_ n: Int) { fm_set_product_threads(Int32(n)) }

    /// Runs `body` with two threads per large product, whatever other callers set meanwhile
    /// (holds nest; the setting returns when the last one ends).
    public static func withTwoProductThreads<R>(_ body: () throws -> R) rethrows -> R {
        fm_hold_two_product_threads()
        defer { fm_release_two_product_threads() }
        return try body()
    }

    @usableFromInline
    static func openBLASReady() -> Bool { gl_blas_load() }

    @usableFromInline
    static func vendorMode() -> Bool { fm_vendor_blas() != 0 }

    @inlinable
    static func scale<S: NetScalar>(c: UnsafeMutablePointer<S>, m: Int, n: Int, ldc: Int, beta: S) {
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }
}

/// Plain-Swift matrix products by ``BLAS``'s definition: the test oracle for the kernels.
public enum ReferenceBLAS {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C` by loops.
    ///
    /// Every element is `beta * c` (0 when `beta == 0`, `c` when `beta == 1`) followed by
    /// `fma(alpha * a_ip, b_pj, acc)` for `p = 0..<k` in order (`addingProduct`). The sums are kept in registers: eight,
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
                for p in 0..<k { sum.addProduct(alpha * arow[p * ap], bcol[p * bp]) }
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
            sum.addProduct(alpha * column, V(repeating: b[p * bp]))
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
            sum.addProduct(V(repeating: alpha * arow[p * ap]), UnsafeRawPointer(b + p * bp).loadUnaligned(as: V.self))
        }
        UnsafeMutableRawPointer(c).storeBytes(of: sum, as: V.self)
    }
}

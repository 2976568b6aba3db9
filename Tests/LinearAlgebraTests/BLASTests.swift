import Foundation
import LinearAlgebra
import Testing

/// One GEMM configuration: transposes, sizes, scalars, leading dimensions.
struct GEMMCase: Sendable, CustomTestStringConvertible {
    var transposeA: Bool
    var transposeB: Bool
    var m = 37, n = 53, k = 29
    var alpha = 0.75, beta = -1.25
    /// Extra columns of padding in each stored matrix (sub-block views).
    var pad = 0
    var testDescription: String {
        "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)x\(n)x\(k) alpha=\(alpha) beta=\(beta) pad=\(pad)"
    }

    static let all: [GEMMCase] = {
        var out: [GEMMCase] = []
        for ta in [false, true] {
            for tb in [false, true] {
                out.append(GEMMCase(transposeA: ta, transposeB: tb))
                out.append(GEMMCase(transposeA: ta, transposeB: tb, pad: 5))
                out.append(GEMMCase(transposeA: ta, transposeB: tb, alpha: -2, beta: 0, pad: 3))
                out.append(GEMMCase(transposeA: ta, transposeB: tb, m: 1, n: 7, k: 1, alpha: 1, beta: 1, pad: 2))
            }
        }
        return out
    }()
}

struct BLASTests {
    /// Runs one case through a backend on a padded buffer layout: `A`, `B`, `C` are sub-blocks
    /// starting at row 1, column 2 of larger row-major buffers with leading dimension `cols + pad`.
    /// Returns the whole C buffer (so writes outside the block are visible) and an independent
    /// Double-precision oracle for the block.
    static func run<S: NetScalar>(_ c: GEMMCase, _: S.Type, backend: BLASBackend) -> (c: [S], oracle: [Double], ldc: Int, bound: Double) {
        var g = SeededGenerator(seed: 2024)
        let aRows = c.transposeA ? c.k : c.m, aCols = c.transposeA ? c.m : c.k
        let bRows = c.transposeB ? c.n : c.k, bCols = c.transposeB ? c.k : c.n
        let off = 2  // column offset of the block; row offset 1
        let lda = aCols + off + c.pad, ldb = bCols + off + c.pad, ldc = c.n + off + c.pad
        let a = (0..<((aRows + 1) * lda)).map { _ in S(g.uniform(-1, 1)) }
        let b = (0..<((bRows + 1) * ldb)).map { _ in S(g.uniform(-1, 1)) }
        var cBuffer = (0..<((c.m + 1) * ldc)).map { _ in S(g.uniform(-1, 1)) }
        // Oracle in Double from the (already rounded) stored values.
        var oracle = [Double](repeating: 0, count: c.m * c.n)
        var bound = 0.0
        for i in 0..<c.m {
            for j in 0..<c.n {
                var sum = 0.0, mag = 0.0
                for p in 0..<c.k {
                    let av = Double(c.transposeA ? a[(1 + p) * lda + off + i] : a[(1 + i) * lda + off + p])
                    let bv = Double(c.transposeB ? b[(1 + j) * ldb + off + p] : b[(1 + p) * ldb + off + j])
                    sum += av * bv
                    mag += abs(av * bv)
                }
                let cOld = Double(cBuffer[(1 + i) * ldc + off + j])
                oracle[i * c.n + j] = Double(S(c.alpha)) * sum + (c.beta == 0 ? 0 : Double(S(c.beta)) * cOld)
                bound = max(bound, abs(c.alpha) * mag + abs(c.beta * cOld))
            }
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                cBuffer.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(
                        transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: S(c.alpha),
                        a: pa.baseAddress.map { $0 + lda + off }, lda: lda, b: pb.baseAddress.map { $0 + ldb + off }, ldb: ldb,
                        beta: S(c.beta), c: pc.baseAddress.map { $0 + ldc + off }, ldc: ldc, backend: backend)
                }
            }
        }
        return (cBuffer, oracle, ldc, bound)
    }

    static func check<S: NetScalar>(_ c: GEMMCase, _ type: S.Type, relative: Double) {
        let ref = Self.run(c, type, backend: .reference)
        let blas = Self.run(c, type, backend: .openBLAS)
        let off = 2
        // Outside the block: untouched, identical in both runs.
        for i in 0..<(c.m + 1) {
            for j in 0..<ref.ldc where i == 0 || j < off || j >= off + c.n {
                #expect(ref.c[i * ref.ldc + j] == blas.c[i * ref.ldc + j], "\(c) \(S.dtypeName): wrote outside C at (\(i), \(j))")
            }
        }
        var worstRef = 0.0, worstBlas = 0.0, worstPair = 0.0
        for i in 0..<c.m {
            for j in 0..<c.n {
                let r = Double(ref.c[(1 + i) * ref.ldc + off + j])
                let o = Double(blas.c[(1 + i) * ref.ldc + off + j])
                let e = ref.oracle[i * c.n + j]
                worstRef = max(worstRef, abs(r - e))
                worstBlas = max(worstBlas, abs(o - e))
                worstPair = max(worstPair, abs(o - r))
            }
        }
        let tol = relative * max(ref.bound, 1)
        #expect(worstRef <= tol, "\(c) \(S.dtypeName): reference vs oracle \(worstRef)")
        #expect(worstBlas <= tol, "\(c) \(S.dtypeName): OpenBLAS vs oracle \(worstBlas)")
        #expect(worstPair <= tol, "\(c) \(S.dtypeName): OpenBLAS vs reference \(worstPair)")
    }

    @Test("OpenBLAS is loaded on this machine")
    func openBLASIsAvailable() {
        #expect(BLASBackend.openBLASAvailable)
        #expect(BLASBackend.openBLASCore != "unavailable")
    }

    static var hasAVX512: Bool {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return cpuinfo.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("avx512f") }
    }

    @Test("OpenBLAS runs an AVX-512 kernel on AVX-512 CPUs, even under an inherited OPENBLAS_CORETYPE=Haswell")
    func openBLASKernel() throws {
        guard Self.hasAVX512, ProcessInfo.processInfo.environment["RNNLAB_KEEP_OPENBLAS_CORETYPE"] == nil else { return }
        let core = BLASBackend.openBLASCore.lowercased()
        #expect(["skylakex", "cooperlake", "sapphirerapids"].contains(core), "kernel \(core)")
    }

    /// The loader's choice in fresh processes where OpenBLAS is not loaded yet.
    @Test("the loader picks SkylakeX when the variable is unset or names a slower kernel")
    func loaderChoosesSkylakeX() async {
        guard Self.hasAVX512 else { return }
        await #expect(processExitsWith: .success) {
            unsetenv("OPENBLAS_CORETYPE")
            unsetenv("RNNLAB_KEEP_OPENBLAS_CORETYPE")
            exit(BLASBackend.openBLASCore.lowercased() == "skylakex" ? 0 : 1)
        }
        await #expect(processExitsWith: .success) {
            setenv("OPENBLAS_CORETYPE", "Haswell", 1)
            unsetenv("RNNLAB_KEEP_OPENBLAS_CORETYPE")
            exit(BLASBackend.openBLASCore.lowercased() == "skylakex" ? 0 : 1)
        }
    }

    @Test("RNNLAB_KEEP_OPENBLAS_CORETYPE=1 keeps the user's kernel")
    func userCanKeepTheirKernel() async {
        await #expect(processExitsWith: .success) {
            setenv("OPENBLAS_CORETYPE", "Haswell", 1)
            setenv("RNNLAB_KEEP_OPENBLAS_CORETYPE", "1", 1)
            exit(BLASBackend.openBLASCore.lowercased() == "haswell" ? 0 : 1)
        }
    }

    @Test("Double GEMM: OpenBLAS == reference == Double oracle (all transposes, sub-blocks, alpha/beta)", arguments: GEMMCase.all)
    func doubleGEMM(_ c: GEMMCase) {
        Self.check(c, Double.self, relative: 1e-14)
    }

    @Test("Float GEMM: OpenBLAS == reference == Double oracle (all transposes, sub-blocks, alpha/beta)", arguments: GEMMCase.all)
    func floatGEMM(_ c: GEMMCase) {
        Self.check(c, Float.self, relative: 4e-6)
    }

    @Test("Matrix-level gemm: default backend (small and large products) equals the reference")
    func matrixGEMMChoosesEitherBackendCorrectly() {
        var g = SeededGenerator(seed: 4)
        for (m, k, n) in [(3, 4, 5), (40, 50, 60)] {  // below and above BLAS.smallProductThreshold
            let a = Matrix<Double>(rows: k, columns: m, elements: (0..<(m * k)).map { _ in g.normal() })
            let b = Matrix<Double>(rows: n, columns: k, elements: (0..<(k * n)).map { _ in g.normal() })
            var auto = Matrix<Double>(rows: m, columns: n)
            var ref = Matrix<Double>(rows: m, columns: n)
            BLAS.gemm(a, transposeA: true, b, transposeB: true, into: &auto)
            BLAS.gemm(a, transposeA: true, b, transposeB: true, into: &ref, backend: .reference)
            let worst = zip(auto.storage, ref.storage).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-12, "\(m)x\(n)x\(k)")
            // And against the transposes done explicitly.
            var explicit = Matrix<Double>(rows: m, columns: n)
            BLAS.gemm(a.transposed, b.transposed, into: &explicit, backend: .reference)
            #expect(zip(explicit.storage, ref.storage).allSatisfy { abs($0 - $1) < 1e-12 })
        }
    }

    @Test("k = 0 scales C by beta (beta = 0 clears NaN)")
    func emptyInnerDimension() {
        var c = Matrix<Double>(rows: 2, columns: 3, elements: [1, 2, 3, .nan, 5, 6])
        let a = Matrix<Double>(rows: 2, columns: 0)
        let b = Matrix<Double>(rows: 0, columns: 3)
        BLAS.gemm(a, b, beta: 2, into: &c, backend: .openBLAS)
        #expect(Array(c.storage[0..<3]) == [2, 4, 6] && c.storage[3].isNaN)
        BLAS.gemm(a, b, beta: 0, into: &c, backend: .reference)
        #expect(c.storage == [0, 0, 0, 0, 0, 0])
    }
}

import LinearAlgebra
import Testing

/// The numerics contract of every matrix product: each element of C is exactly `beta * c` (0 when
/// beta is 0, c when 1) followed by `fma(alpha * a_ip, b_pj, acc)` for p = 0..<k in ascending
/// order. Every kernel variant this CPU runs (portable, AVX2, AVX-512), and the Swift reference,
/// must produce those bits, whatever their tiles, packing and k-blocks.
@Suite struct FixedOrderGEMMTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var m: Int, n: Int, k: Int
        var transposeA: Bool, transposeB: Bool
        /// Extra elements at the end of every row (leading dimensions wider than the matrices).
        var pad: Int
        var testDescription: String { "\(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB) pad=\(pad)" }
    }

    /// Unpacked small products, packed products with edge tiles in both directions, exact tiles,
    /// several k-blocks (k > 256), k = 1, and padded leading dimensions.
    static let shapes: [Shape] = [
        (1, 1, 1, 0), (3, 8, 7, 0), (5, 19, 11, 2), (40, 10, 10, 0), (2, 3, 1, 1),
        (70, 45, 300, 0), (64, 128, 128, 0), (33, 65, 600, 3), (9, 33, 257, 1), (130, 17, 40, 0),
    ].flatMap { m, n, k, pad in
        [false, true].flatMap { ta in [false, true].map { tb in Shape(m: m, n: n, k: k, transposeA: ta, transposeB: tb, pad: pad) } }
    }

    struct Operands<S: NetScalar> {
        var a: [S], b: [S], c: [S]
        var lda: Int, ldb: Int, ldc: Int
    }

    static func operands<S: NetScalar>(_ s: Shape, _: S.Type) -> Operands<S> {
        var g = SeededGenerator(seed: UInt64(s.m * 1_000_000 + s.n * 1000 + s.k))
        let lda = (s.transposeA ? s.m : s.k) + s.pad
        let ldb = (s.transposeB ? s.k : s.n) + s.pad
        let ldc = s.n + s.pad
        return Operands(
            a: (0..<(lda * (s.transposeA ? s.k : s.m))).map { _ in S(g.normal()) },
            b: (0..<(ldb * (s.transposeB ? s.n : s.k))).map { _ in S(g.normal()) },
            c: (0..<(ldc * s.m)).map { _ in S(g.normal()) }, lda: lda, ldb: ldb, ldc: ldc)
    }

    /// The definition, element by element; `fused: false` gives the unfused sum (to show the
    /// difference is visible).
    static func definition<S: NetScalar>(_ s: Shape, _ o: Operands<S>, alpha: S, beta: S, fused: Bool = true) -> [S] {
        var out = o.c
        for i in 0..<s.m {
            for j in 0..<s.n {
                let c = o.c[i * o.ldc + j]
                var sum: S = beta == 0 ? 0 : (beta == 1 ? c : beta * c)
                for p in 0..<s.k {
                    let aip = s.transposeA ? o.a[p * o.lda + i] : o.a[i * o.lda + p]
                    let bpj = s.transposeB ? o.b[j * o.ldb + p] : o.b[p * o.ldb + j]
                    if fused { sum.addProduct(alpha * aip, bpj) } else { sum += (alpha * aip) * bpj }
                }
                out[i * o.ldc + j] = sum
            }
        }
        return out
    }

    static func product<S: NetScalar>(_ s: Shape, _ o: Operands<S>, alpha: S, beta: S, variant: KernelVariant?) -> [S] {
        var result = o.c
        o.a.withUnsafeBufferPointer { pa in
            o.b.withUnsafeBufferPointer { pb in
                result.withUnsafeMutableBufferPointer { pc in
                    guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress else { return }
                    if let variant {
                        S.fixedOrderGEMM(
                            transA: s.transposeA, transB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: alpha, a: a,
                            lda: o.lda, b: b, ldb: o.ldb, beta: beta, c: c, ldc: o.ldc, variant: variant)
                    } else {
                        ReferenceBLAS.gemm(
                            transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: alpha,
                            a: a, lda: o.lda, b: b, ldb: o.ldb, beta: beta, c: c, ldc: o.ldc)
                    }
                }
            }
        }
        return result
    }

    /// Same bits: sign, exponent and significand.
    static func identical<S: NetScalar>(_ a: S, _ b: S) -> Bool {
        a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern && a.significandBitPattern == b.significandBitPattern
    }

    static func check<S: NetScalar>(_ type: S.Type, _ s: Shape) {
        let o = operands(s, S.self)
        for (alpha, beta) in [(S(1), S(0)), (S(1), S(1)), (S(0.7), S(-1.3))] {
            let expected = definition(s, o, alpha: alpha, beta: beta)
            for variant in [nil] + KernelVariant.supported.map(Optional.some) {
                let got = product(s, o, alpha: alpha, beta: beta, variant: variant)
                let differing = zip(got, expected).filter { !identical($0, $1) }.count
                #expect(differing == 0, "\(S.self) \(variant?.rawValue ?? "swift reference") alpha=\(alpha) beta=\(beta): \(differing) of \(expected.count) elements differ")
            }
            // The engine's path: BLAS.gemm in the default mode (small products take their own entry).
            var got = o.c
            o.a.withUnsafeBufferPointer { pa in
                o.b.withUnsafeBufferPointer { pb in
                    got.withUnsafeMutableBufferPointer { pc in
                        BLAS.gemm(transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: alpha,
                                  a: pa.baseAddress, lda: o.lda, b: pb.baseAddress, ldb: o.ldb, beta: beta,
                                  c: pc.baseAddress, ldc: o.ldc)
                    }
                }
            }
            #expect(zip(got, expected).filter { !identical($0, $1) }.count == 0, "\(S.self) BLAS.gemm alpha=\(alpha) beta=\(beta)")
        }
    }

    @Test(arguments: shapes)
    func everyVariantComputesTheFixedOrderFusedSum(_ s: Shape) {
        Self.check(Float.self, s)
        Self.check(Double.self, s)
    }

    /// The fused and unfused sums differ in their last bits on long products, so the tests above
    /// would notice a kernel that multiplies and adds separately.
    @Test func theFusedSumIsDistinguishableFromTheUnfusedOne() {
        let s = Shape(m: 16, n: 16, k: 200, transposeA: false, transposeB: false, pad: 0)
        let o = Self.operands(s, Float.self)
        let fused = Self.definition(s, o, alpha: 1, beta: 0)
        let unfused = Self.definition(s, o, alpha: 1, beta: 0, fused: false)
        let differing = zip(fused, unfused).filter { !Self.identical($0, $1) }.count
        #expect(differing > 16)
    }

    /// A large product split over threads (by columns, or rows when C is narrow) keeps every bit.
    @Test(arguments: [(300, 200, 50), (700, 40, 64), (64, 512, 128)])
    func splittingAProductOverThreadsKeepsItsBits(m: Int, n: Int, k: Int) {
        let s = Shape(m: m, n: n, k: k, transposeA: true, transposeB: true, pad: 1)
        let o = Self.operands(s, Double.self)
        let expected = Self.definition(s, o, alpha: 1, beta: 1)
        var got = o.c
        BLAS.withTwoProductThreads {
            #expect(BLAS.productThreads == 2)
            o.a.withUnsafeBufferPointer { pa in
                o.b.withUnsafeBufferPointer { pb in
                    got.withUnsafeMutableBufferPointer { pc in
                        BLAS.gemm(transposeA: true, transposeB: true, m: m, n: n, k: k, alpha: 1, a: pa.baseAddress, lda: o.lda,
                                  b: pb.baseAddress, ldb: o.ldb, beta: 1, c: pc.baseAddress, ldc: o.ldc, backend: .reproducible)
                    }
                }
            }
        }
        #expect(zip(got, expected).filter { !Self.identical($0, $1) }.count == 0)
    }

    @Test func theWidestVariantIsTheDefault() {
        #expect(KernelVariant.supported.contains(.portable))
        #expect(KernelVariant.supported.last == KernelVariant.best)
        #expect(KernelVariant.problem(withRequest: "avx3") != nil)
        #expect(KernelVariant.problem(withRequest: "portable") == nil)
        #expect(KernelVariant.problem(withRequest: "auto") == nil)
    }
}

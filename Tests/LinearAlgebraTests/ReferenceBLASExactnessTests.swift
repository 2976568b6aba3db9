import LinearAlgebra
import Testing

/// The plain-Swift GEMM is the engine's small-product path, so its results are part of the
/// committed numbers: every element must be exactly `beta * c` (0 when beta is 0, c when beta is 1)
/// plus `(alpha * a_ip) * b_pj` for p in order, whatever the register blocking. Compared bit for bit
/// with a naive loop that does exactly that.
@Suite struct ReferenceBLASExactnessTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var m: Int, n: Int, k: Int
        var transposeA: Bool, transposeB: Bool
        var testDescription: String { "\(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB)" }
    }

    /// Shapes that reach every path: eight-row blocks for one column, eight- and two-column blocks,
    /// single-column tails, dot products (transposed B) and k = 1.
    static let shapes: [Shape] = [(1, 1, 1), (9, 1, 13), (17, 1, 5), (3, 8, 7), (5, 19, 11), (2, 3, 1), (40, 10, 10), (1, 40, 10)]
        .flatMap { m, n, k in
            [false, true].flatMap { ta in [false, true].map { tb in Shape(m: m, n: n, k: k, transposeA: ta, transposeB: tb) } }
        }

    static func naive<S: NetScalar>(_ s: Shape, alpha: S, a: [S], b: [S], beta: S, c: [S]) -> [S] {
        var out = c
        for i in 0..<s.m {
            for j in 0..<s.n {
                var sum: S = beta == 0 ? 0 : (beta == 1 ? c[i * s.n + j] : c[i * s.n + j] * beta)
                for p in 0..<s.k {
                    let aip = s.transposeA ? a[p * s.m + i] : a[i * s.k + p]
                    let bpj = s.transposeB ? b[j * s.k + p] : b[p * s.n + j]
                    sum += (alpha * aip) * bpj
                }
                out[i * s.n + j] = sum
            }
        }
        return out
    }

    static func check<S: NetScalar>(_ type: S.Type, _ s: Shape, alpha: S, beta: S) {
        var g = SeededGenerator(seed: UInt64(s.m * 1000 + s.n * 10 + s.k))
        let a = (0..<(s.m * s.k)).map { _ in S(g.normal()) }
        let b = (0..<(s.k * s.n)).map { _ in S(g.normal()) }
        let c = (0..<(s.m * s.n)).map { _ in S(g.normal()) }
        var result = c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                result.withUnsafeMutableBufferPointer { pc in
                    guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress else { return }
                    ReferenceBLAS.gemm(
                        transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k, alpha: alpha,
                        a: a, lda: s.transposeA ? s.m : s.k, b: b, ldb: s.transposeB ? s.k : s.n, beta: beta, c: c, ldc: s.n)
                }
            }
        }
        let expected = naive(s, alpha: alpha, a: a, b: b, beta: beta, c: c)
        let mismatches = zip(result, expected).filter { $0 != $1 }.count
        #expect(mismatches == 0, "\(S.self) alpha=\(alpha) beta=\(beta): \(mismatches) of \(expected.count) elements differ")
    }

    @Test(arguments: shapes)
    func everyElementIsTheOrderedSum(_ s: Shape) {
        for (alpha, beta) in [(1.0, 0.0), (1.0, 1.0), (0.7, -1.3)] {
            Self.check(Float.self, s, alpha: Float(alpha), beta: Float(beta))
            Self.check(Double.self, s, alpha: alpha, beta: beta)
        }
    }
}

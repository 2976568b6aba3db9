import Foundation
import LinearAlgebra
import Testing

struct SeededGeneratorTests {
    /// xoshiro256** seeded by SplitMix64(42): the first five outputs, computed once by an
    /// independent implementation (Python, arbitrary-precision integers masked to 64 bits).
    @Test("seed 42 gives the documented first outputs")
    func fixedFirstOutputs() {
        var g = SeededGenerator(seed: 42)
        let first = (0..<5).map { _ in g.next() }
        #expect(first == [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1, 0xecb8_ad47_03b3_60a1, 0xfde6_dc7f_e2ec_5e64])
        var u = SeededGenerator(seed: 42)
        #expect(u.uniform() == Double(UInt64(0x1578_0b2e_0c2e_c716) >> 11) * 0x1.0p-53)
    }

    @Test("SplitMix64 matches its published first output for seed 0")
    func splitMixReference() {
        var s = SplitMix64(state: 0)
        #expect(s.next() == 0xe220_a839_7b1d_cdaf)
    }

    @Test("the same seed gives the same stream, including normals; other seeds differ")
    func determinism() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let xa = (0..<100).map { _ in a.normal() }
        let xb = (0..<100).map { _ in b.normal() }
        let xc = (0..<100).map { _ in c.normal() }
        #expect(xa == xb && xa != xc)
        let d1 = SeededGenerator(seed: 7).derived(3), d2 = SeededGenerator(seed: 7).derived(3)
        #expect(d1 == d2 && d1 != SeededGenerator(seed: 7).derived(4))
    }

    @Test("uniform() over 1e5 samples: in [0, 1), mean 1/2 and variance 1/12 within 5 standard errors")
    func uniformMoments() {
        var g = SeededGenerator(seed: 123)
        let n = 100_000
        let x = (0..<n).map { _ in g.uniform() }
        #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = x.reduce(0, +) / Double(n)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean - 0.5) < 5 * (1.0 / 12 / Double(n)).squareRoot())
        // Var(s^2) = (mu4 - sigma^4)/n with mu4 = 1/80, sigma^4 = 1/144.
        #expect(abs(variance - 1.0 / 12) < 5 * ((1.0 / 80 - 1.0 / 144) / Double(n)).squareRoot())
        let r = (0..<1000).map { _ in g.uniform(-3, 2) }
        #expect(r.allSatisfy { $0 >= -3 && $0 < 2 })
    }

    @Test("normal() over 1e5 samples: mean 0, variance 1, kurtosis 3, symmetric tails")
    func normalMoments() {
        var g = SeededGenerator(seed: 321)
        let n = 100_000
        let x = (0..<n).map { _ in g.normal() }
        let dn = Double(n)
        let mean = x.reduce(0, +) / dn
        let m2 = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / dn
        let m4 = x.reduce(0) { $0 + pow($1 - mean, 4) } / dn
        #expect(abs(mean) < 5 / dn.squareRoot())
        #expect(abs(m2 - 1) < 5 * (2 / dn).squareRoot())
        #expect(abs(m4 / (m2 * m2) - 3) < 5 * (24 / dn).squareRoot())
        // P(|z| > 2) = 0.0455.
        let tail = Double(x.filter { abs($0) > 2 }.count) / dn
        #expect(abs(tail - 0.0455) < 5 * (0.0455 * 0.9545 / dn).squareRoot())
        var h = SeededGenerator(seed: 1)
        let shifted = (0..<n).map { _ in h.normal(mean: 3, std: 0.5) }
        #expect(abs(shifted.reduce(0, +) / dn - 3) < 5 * 0.5 / dn.squareRoot())
    }

    @Test("integer(below:) is uniform over its range", arguments: [1, 2, 3, 7, 1000])
    func integersInRange(bound: Int) {
        var g = SeededGenerator(seed: 9)
        var counts = [Int](repeating: 0, count: bound)
        let n = 20_000
        for _ in 0..<n { counts[g.integer(below: bound)] += 1 }
        let expected = Double(n) / Double(bound)
        if bound <= 7 {
            for c in counts { #expect(abs(Double(c) - expected) < 5 * (expected * (1 - 1 / Double(bound))).squareRoot() + 1e-9) }
        } else {
            #expect(counts.allSatisfy { $0 >= 0 } && counts.reduce(0, +) == n)
        }
    }

    @Test("permutation(n) is a permutation of 0..<n", arguments: [0, 1, 2, 10, 1000])
    func permutationIsPermutation(n: Int) {
        var g = SeededGenerator(seed: 77)
        let p = g.permutation(n)
        #expect(p.sorted() == Array(0..<n))
        if n >= 10 { #expect(p != Array(0..<n)) }
    }

    @Test("every position of a permutation of 0..<4 is uniform over 0..<4")
    func permutationIsUnbiased() {
        var g = SeededGenerator(seed: 5)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 4), count: 4)
        let n = 24_000
        for _ in 0..<n {
            for (i, v) in g.permutation(4).enumerated() { counts[i][v] += 1 }
        }
        for row in counts { for c in row { #expect(abs(Double(c) - 6000) < 5 * (6000 * 0.75).squareRoot()) } }
    }

    // MARK: - PortableMath.log

    /// Distance in units in the last place of `b`.
    static func ulps(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / b.ulp
    }

    @Test("PortableMath.log is within 2 ulp of Foundation's log over many values, tiny to huge")
    func portableLogAccuracy() {
        var values: [Double] = [
            1, 2, 0.5, 10, .pi, 1.4142135623730951, 1.4142135623730949, 1.4142135623730954, 0.7071067811865476,
            1 + 0x1p-52, 1 - 0x1p-53, 1 + 1e-10, 1 - 1e-10, 1e-300, 1e300,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, Double.leastNormalMagnitude.nextDown,
        ]
        var g = SeededGenerator(seed: 2)
        for _ in 0..<100_000 {
            // Log-uniform over the whole finite range, plus dense coverage of [0.5, 2].
            values.append(Foundation.exp(g.uniform(-744, 709)))
            values.append(g.uniform(0.5, 2))
        }
        for e in -1074...1023 { values.append(Foundation.pow(2.0, Double(e)) * (1 + g.uniform())) }
        var worst = 0.0
        var worstX = 1.0
        for x in values where x > 0 && x.isFinite {
            let d = Self.ulps(PortableMath.log(x), Foundation.log(x))
            if d > worst { worst = d; worstX = x }
        }
        #expect(worst <= 2, "worst \(worst) ulp at x = \(worstX)")
        #expect(PortableMath.log(1) == 0)
    }
}

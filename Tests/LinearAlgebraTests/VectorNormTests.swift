import LinearAlgebra
import Testing

struct VectorNormTests {
    @Test("float32 values of 1e-30 have norm 1e-30 * sqrt(n), not 0", arguments: [1, 4, 100, 10_000])
    func tinyFloat32DoesNotUnderflow(n: Int) {
        let x = [Float](repeating: 1e-30, count: n)
        let expected = Double(Float(1e-30)) * Double(n).squareRoot()
        let norm = VectorNorm.l2(x)
        #expect(norm > 0)
        #expect(abs(norm - expected) <= 1e-12 * expected, "\(norm) vs \(expected)")
        // The naive float32 sum of squares underflows to 0: the reason for scaling.
        #expect(x.reduce(Float(0)) { $0 + $1 * $1 } == 0)
    }

    @Test("huge values do not overflow")
    func hugeDoesNotOverflow() {
        #expect(VectorNorm.l2([1e300, 1e300, 1e300, 1e300]) == 2e300)
        #expect(VectorNorm.l2([Float(3e38), Float(3e38)]) == Double(Float(3e38)) * 2.0.squareRoot())
        #expect(VectorNorm.l2([3.0, -4.0]) == 5)
    }

    @Test("NaN anywhere gives NaN; infinity (without NaN) gives +inf; empty and zero give 0")
    func nonFiniteAndEmpty() {
        #expect(VectorNorm.l2([1.0, .nan, 2]).isNaN)
        #expect(VectorNorm.l2([Double.infinity, .nan]).isNaN)
        #expect(VectorNorm.l2([Double.nan, .infinity]).isNaN)
        #expect(VectorNorm.l2([Float.nan]).isNaN)
        #expect(VectorNorm.l2([1.0, -.infinity, 2]) == .infinity)
        #expect(VectorNorm.l2([Float.infinity, 1]) == .infinity)
        #expect(VectorNorm.l2([Double]()) == 0)
        #expect(VectorNorm.l2([0.0, -0.0]) == 0)
    }

    @Test("the global norm over several arrays equals the norm of their concatenation")
    func concatenation() {
        let parts: [[Double]] = [[3, 4], [], [12], [1e-200, 1e-200]]
        #expect(abs(VectorNorm.l2(concatenating: parts) - 13) < 1e-15)
        let tiny: [[Float]] = [[1e-30, 1e-30], [1e-30, 1e-30]]
        let expected = 2 * Double(Float(1e-30))
        #expect(abs(VectorNorm.l2(concatenating: tiny) - expected) <= 1e-12 * expected)
        #expect(VectorNorm.l2(concatenating: [[1.0], [.nan]]).isNaN)
    }

    @Test("subnormal float32 inputs are measured exactly")
    func subnormals() {
        let x: [Float] = [.leastNonzeroMagnitude, .leastNonzeroMagnitude]
        #expect(VectorNorm.l2(x) == Double(Float.leastNonzeroMagnitude) * 2.0.squareRoot())
    }
}

struct FastMathKernelTests {
    /// Values over the whole range (random, tiny, huge, signed zeros, infinities, NaN).
    static func samples(_ n: Int) -> [Double] {
        var g = SeededGenerator(seed: 7)
        var xs: [Double] = [0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.5, -0.5, 19.99, 20, 20.01, -20.01, 40, 700, -700,
                            701, -701, 1e300, -1e300, .infinity, -.infinity, .nan, .leastNonzeroMagnitude]
        while xs.count < n {
            let u = Double(g.next() % 1_000_000) / 1_000_000
            let scale = [0.01, 1, 5, 30, 1000][Int(g.next() % 5)]
            xs.append((u * 2 - 1) * scale)
        }
        return xs
    }

    static func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    @Test("the C buffer kernels equal the scalar Swift versions bit for bit (float64 and float32)")
    func kernelsMatchScalar() {
        for n in [16, 17, 100, 1003] {
            let xs = Self.samples(n)
            var t = xs, s = xs
            t.withUnsafeMutableBufferPointer { Double.fastTanh($0.baseAddress!, count: n) }
            s.withUnsafeMutableBufferPointer { Double.fastSigmoid($0.baseAddress!, count: n) }
            for i in 0..<n {
                #expect(Self.same(t[i], FastMath.tanh(xs[i])), "tanh(\(xs[i]))")
                #expect(Self.same(s[i], FastMath.sigmoid(xs[i])), "sigmoid(\(xs[i]))")
            }
            let fs = xs.map { Float($0) }
            var tf = fs, sf = fs
            tf.withUnsafeMutableBufferPointer { Float.fastTanh($0.baseAddress!, count: n) }
            sf.withUnsafeMutableBufferPointer { Float.fastSigmoid($0.baseAddress!, count: n) }
            for i in 0..<n {
                #expect(Self.same(Double(tf[i]), Double(FastMath.tanh(fs[i]))), "tanh(\(fs[i]))")
                #expect(Self.same(Double(sf[i]), Double(FastMath.sigmoid(fs[i]))), "sigmoid(\(fs[i]))")
            }
        }
    }
}

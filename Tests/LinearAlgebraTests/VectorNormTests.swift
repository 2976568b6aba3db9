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

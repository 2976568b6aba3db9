import LinearAlgebra
import Testing

/// The deterministic Householder QR and the log-scaled triangular product with its singular values.
struct HouseholderQRTests {
    static func gaussian(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        var m = Matrix<Double>(rows: rows, columns: columns)
        for i in 0..<m.count { m.storage[i] = g.normal() }
        return m
    }

    static func product(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for p in 0..<a.columns { s += a[i, p] * b[p, j] }
                c[i, j] = s
            }
        }
        return c
    }

    @Test("QR reproduces A with orthonormal Q and an upper-triangular R with a non-negative diagonal",
          arguments: [(6, 6), (9, 4), (20, 1), (5, 3)])
    func factorisationIsExact(shape: (Int, Int)) throws {
        let a = Self.gaussian(shape.0, shape.1, seed: UInt64(shape.0 * 31 + shape.1))
        let qr = try #require(HouseholderQR(a))
        let back = Self.product(qr.q, qr.r)
        for i in 0..<a.count { #expect(abs(back.storage[i] - a.storage[i]) < 1e-13) }
        let qtq = Self.product(qr.q.transposed, qr.q)
        for i in 0..<shape.1 {
            for j in 0..<shape.1 { #expect(abs(qtq[i, j] - (i == j ? 1 : 0)) < 1e-14) }
            #expect(qr.r[i, i] >= 0)
            for j in 0..<i { #expect(qr.r[i, j] == 0) }
        }
    }

    @Test("QR of a wide or empty matrix is nil")
    func wideMatrixIsRejected() {
        #expect(HouseholderQR(Matrix<Double>(rows: 2, columns: 3)) == nil)
        #expect(HouseholderQR(Matrix<Double>(rows: 0, columns: 0)) == nil)
    }

    @Test("log singular values of a product of triangular factors match an SVD of the explicit product",
          arguments: [1, 3, 8])
    func logSingularValuesMatchExplicitSVD(factors: Int) throws {
        let k = 5
        var product = LogScaledTriangularProduct(dimension: k)
        var explicit = Matrix<Double>.identity(k)
        for f in 0..<factors {
            var r = Self.gaussian(k, k, seed: UInt64(100 + f))
            for i in 0..<k {
                for j in 0..<i { r[i, j] = 0 }
                r[i, i] = abs(r[i, i]) + 0.1 * Double(i + 1)
            }
            product.multiply(byUpperTriangular: r)
            explicit = Self.product(r, explicit)
        }
        let reference = try #require(Spectrum.singularValues(explicit))
        let logs = product.logSingularValues()
        for i in 0..<k { #expect(abs(logs[i] - PortableMath.log(reference[i])) < 1e-10) }
    }

    @Test("singular values far below underflow stay finite in the log domain")
    func noUnderflow() {
        var product = LogScaledTriangularProduct(dimension: 2)
        let r = Matrix<Double>([[1e-3, 0.5], [0, 1e-5]])
        for _ in 0..<200 { product.multiply(byUpperTriangular: r) }
        let logs = product.logSingularValues()
        // sigma_min ~ 1e-1000 / 505 underflows Double; its log does not.
        #expect(logs.allSatisfy { $0.isFinite })
        #expect(logs[1] < -1000 * PortableMath.log(10))
        #expect(abs(logs[0] + logs[1] - 200 * PortableMath.log(1e-8)) < 1e-8)
    }
}

extension HouseholderQRTests {
    @Test("a singular factor (zero diagonal) leaves the product exact")
    func singularFactor() throws {
        var product = LogScaledTriangularProduct(dimension: 3)
        let a = Matrix<Double>([[0, 0.5, 0.2], [0, 2, 0.3], [0, 0, 1.5]])
        let b = Matrix<Double>([[1.2, 0.1, 0.4], [0, 0.7, 0.3], [0, 0, 0.9]])
        product.multiply(byUpperTriangular: a)
        product.multiply(byUpperTriangular: b)
        let explicit = Self.product(b, a)
        let reference = try #require(Spectrum.singularValues(explicit))
        let logs = product.logSingularValues()
        for i in 0..<2 { #expect(abs(logs[i] - PortableMath.log(reference[i])) < 1e-12) }
        #expect(logs[2] == -.infinity || PortableMath.exp(logs[2]) < 1e-15)
    }
}

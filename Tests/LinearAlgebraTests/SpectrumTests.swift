import LinearAlgebra
import Testing

/// A random matrix with independent entries uniform in [-1, 1), drawn row by row from
/// `SeededGenerator(seed:)` (the Python references below regenerate it bit for bit).
private func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
    var g = SeededGenerator(seed: seed)
    return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in g.uniform(-1, 1) })
}

private func relativeError(_ x: Double, _ reference: Double) -> Double {
    abs(x - reference) / abs(reference)
}

private func modulus(_ z: (re: Double, im: Double)) -> Double {
    (z.re * z.re + z.im * z.im).squareRoot()
}

/// The largest distance between an expected eigenvalue and the computed one matched to it (each
/// expected value, in order, takes the nearest computed value not yet taken).
private func matchedDistance(_ computed: [(re: Double, im: Double)], _ expected: [(Double, Double)]) -> Double {
    var free = Array(computed.indices)
    var worst = 0.0
    for (re, im) in expected {
        let distances = free.map { modulus((computed[$0].re - re, computed[$0].im - im)) }
        let k = distances.indices.min { distances[$0] < distances[$1] }!
        worst = max(worst, distances[k])
        free.remove(at: k)
    }
    return worst
}

private func bits(_ values: [(re: Double, im: Double)]?) -> [UInt64]? {
    values?.flatMap { [$0.re.bitPattern, $0.im.bitPattern] }
}

private func bits(_ values: [Double]?) -> [UInt64]? {
    values?.map(\.bitPattern)
}

private func frobeniusSquared(_ m: Matrix<Double>) -> Double {
    m.storage.reduce(0) { $0 + $1 * $1 }
}

private func companion(monic coefficients: [Double]) -> Matrix<Double> {
    // x^n + c1 x^(n-1) + ... + cn: first row -c1 ... -cn, ones on the subdiagonal.
    let n = coefficients.count - 1
    var m = Matrix<Double>(rows: n, columns: n)
    for j in 0..<n { m[0, j] = -coefficients[j + 1] }
    for i in 1..<n { m[i, i - 1] = 1 }
    return m
}

/// Values computed once from the same seeded matrices in 40-digit arithmetic (mpmath 1.3.0
/// `eig` and `svd_r`, rounded to double); numpy 2.4.6 (`linalg.eigvals`, `linalg.svd`) agrees
/// with them to 5e-14 relative.
struct SpectrumReference: Sendable, CustomTestStringConvertible {
    var rows: Int
    var columns: Int
    var seed: UInt64
    var radius: Double? = nil
    /// All eigenvalues (for the smallest matrices only).
    var eigenvalues: [(Double, Double)] = []
    /// All singular values, largest first (for the smallest matrices only).
    var singularValues: [Double] = []
    var sigmaMax: Double? = nil
    var sigmaMin: Double? = nil

    var testDescription: String { "\(rows)x\(columns) seed \(seed)" }

    static let all: [SpectrumReference] = [
        .init(
            rows: 2, columns: 2, seed: 102, radius: 0.831239255518883,
            eigenvalues: [(-0.831239255518883, 0), (0.614876387165983, 0)],
            singularValues: [0.8460260642857521, 0.6041296029519971]),
        .init(
            rows: 3, columns: 3, seed: 103, radius: 0.8050091823045028,
            eigenvalues: [
                (-0.5645631322927452, 0.5738538605345166), (-0.5645631322927452, -0.5738538605345166),
                (-0.6132211810854428, 0),
            ],
            singularValues: [1.274446524064124, 0.8115654870315789, 0.38421439195021745]),
        .init(
            rows: 4, columns: 4, seed: 104, radius: 1.0493189695042535,
            eigenvalues: [
                (-0.5290578450062791, 0.906183257624406), (-0.5290578450062791, -0.906183257624406),
                (0.9358533309721146, 0), (-0.11637495013842168, 0),
            ],
            singularValues: [1.918758321942369, 1.128894437823025, 0.5109312427705396, 0.10835433144436388]),
        .init(
            rows: 5, columns: 5, seed: 105, radius: 1.5375846396158999,
            eigenvalues: [
                (0.8220176472670228, -1.2994050606197995), (0.8220176472670228, 1.2994050606197995),
                (-0.6821473560328656, 0), (0.184382717704804, -0.39524706921587227),
                (0.184382717704804, 0.39524706921587227),
            ],
            singularValues: [
                2.0952153445885413, 2.039000842642954, 0.9046433166214428, 0.7251833769755385, 0.1094548049264129,
            ]),
        .init(rows: 8, columns: 8, seed: 108, radius: 1.4205466101832882, sigmaMax: 3.1843850160091174, sigmaMin: 0.007111664245527765),
        .init(rows: 13, columns: 13, seed: 113, radius: 2.324261851801343, sigmaMax: 3.582385384825642, sigmaMin: 0.08379970536278913),
        .init(rows: 16, columns: 16, seed: 116, radius: 2.8930303439821805, sigmaMax: 4.543929216472699, sigmaMin: 0.016395500733863724),
        .init(rows: 32, columns: 32, seed: 132, radius: 3.499915142765512, sigmaMax: 5.817866786891109, sigmaMin: 0.002842974934480507),
        .init(rows: 64, columns: 64, seed: 164, radius: 4.942035234587449, sigmaMax: 8.784316085160096, sigmaMin: 0.07495718344950694),
        .init(rows: 7, columns: 3, seed: 201, singularValues: [2.646633844747308, 1.0776828057401333, 1.0194764040099251]),
        .init(rows: 3, columns: 7, seed: 202, singularValues: [2.188391014784357, 1.630579184848925, 0.6974673359197527]),
        .init(rows: 50, columns: 20, seed: 203, sigmaMax: 6.3727368751975995, sigmaMin: 1.4366379505220075),
        .init(rows: 20, columns: 50, seed: 204, sigmaMax: 6.094269936796005, sigmaMin: 1.6405603692309847),
    ]
}

struct SpectrumTests {
    // MARK: Matrices with known spectra

    @Test(
        "a diagonal matrix: the eigenvalues are its entries exactly (sorted by modulus, then real part), the singular values their magnitudes",
        arguments: [[3.0, -5, 0.25, 0], [1, 1, 1], [-2, 2, -1, 1e-30, 1e30], [7], [0.5, -0.5, 0.5, 4, -4]])
    func diagonal(entries: [Double]) throws {
        let n = entries.count
        var m = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { m[i, i] = entries[i] }
        let expected = entries.sorted { abs($0) != abs($1) ? abs($0) > abs($1) : $0 > $1 }
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(values.map(\.re) == expected)
        #expect(values.allSatisfy { $0.im == 0 })
        #expect(Spectrum.spectralRadius(m) == abs(expected[0]))
        let sigma = try #require(Spectrum.singularValues(m))
        let magnitudes = entries.map(abs).sorted(by: >)
        #expect(zip(sigma, magnitudes).allSatisfy { abs($0 - $1) <= 1e-15 * $1 }, "\(sigma) vs \(magnitudes)")
    }

    @Test("a triangular matrix: the eigenvalues are its diagonal exactly", arguments: [true, false])
    func triangular(upper: Bool) throws {
        let diagonal: [Double] = [4, -3, 2.5, -1, 0.5, 0, -0.125]
        let n = diagonal.count
        var m = randomMatrix(rows: n, columns: n, seed: upper ? 11 : 12)
        for i in 0..<n {
            m[i, i] = diagonal[i]
            for j in 0..<n where upper ? j < i : j > i { m[i, j] = 0 }
        }
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(values.map(\.re) == diagonal.sorted { abs($0) > abs($1) })
        #expect(values.allSatisfy { $0.im == 0 })
        #expect(Spectrum.spectralRadius(m) == 4)
    }

    @Test(
        "r times a rotation by (c, s): the pair r (c ± i |s|) with radius r, both singular values r",
        arguments: [(0.6, 0.8, 2.0), (0.8, -0.6, 0.5), (0, 1, 1), (-0.28, 0.96, 1e-3), (0.96, 0.28, 3e5)])
    func scaledRotation(rotation: (c: Double, s: Double, r: Double)) throws {
        let (c, s, r) = rotation
        let m = Matrix([[r * c, -r * s], [r * s, r * c]])
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(values.count == 2)
        #expect(values[0].im > 0 && values[0].re == values[1].re && values[0].im == -values[1].im)
        #expect(abs(values[0].re - r * c) <= 2e-15 * r, "\(values)")
        #expect(abs(values[0].im - r * abs(s)) <= 2e-15 * r, "\(values)")
        #expect(relativeError(try #require(Spectrum.spectralRadius(m)), r) <= 2e-15)
        let sigma = try #require(Spectrum.singularValues(m))
        #expect(sigma.allSatisfy { relativeError($0, r) <= 2e-15 }, "\(sigma)")
    }

    @Test(
        "a companion matrix: the eigenvalues are the polynomial's roots",
        arguments: [
            // (x-1)(x-2)(x-3)(x-4)
            ([1.0, -10, 35, -50, 24], [(4.0, 0.0), (3, 0), (2, 0), (1, 0)]),
            // (x-2)(x^2+1)
            ([1, -2, 1, -2], [(2, 0), (0, 1), (0, -1)]),
            // (x^2-2x+5)(x+1/2): radius sqrt(5)
            ([1, -1.5, 4, 2.5], [(1, 2), (1, -2), (-0.5, 0)]),
            // x^5 - 1: the fifth roots of unity
            ([1, 0, 0, 0, 0, -1], [
                (1, 0), (0.30901699437494745, 0.9510565162951535), (0.30901699437494745, -0.9510565162951535),
                (-0.8090169943749475, 0.5877852522924731), (-0.8090169943749475, -0.5877852522924731),
            ]),
        ] as [([Double], [(Double, Double)])])
    func companionMatrix(coefficients: [Double], roots: [(Double, Double)]) throws {
        let m = companion(monic: coefficients)
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(values.count == roots.count)
        let radius = roots.map { modulus(($0.0, $0.1)) }.max()!
        #expect(matchedDistance(values, roots) <= 1e-12 * radius)
        #expect(relativeError(try #require(Spectrum.spectralRadius(m)), radius) <= 1e-12)
    }

    @Test("a defective Jordan block: exact when triangular, within eps^(1/4) after an orthogonal similarity")
    func jordanBlock() throws {
        let n = 4
        var j = Matrix<Double>.identity(n, scale: 3)
        for i in 0..<(n - 1) { j[i, i + 1] = 1 }
        let exact = try #require(Spectrum.eigenvalues(j))
        #expect(exact.map(\.re) == [3, 3, 3, 3] && exact.allSatisfy { $0.im == 0 })
        // Q = I - (1/2) 1 1^T is orthogonal and symmetric with entries ±1/2: Q J Q is exact.
        var q = Matrix<Double>.identity(n)
        for i in 0..<n { for k in 0..<n { q[i, k] -= 0.5 } }
        var a = Matrix<Double>(rows: n, columns: n)
        for r in 0..<n {
            for c in 0..<n {
                var sum = 0.0
                for k in 0..<n { for l in 0..<n { sum += q[r, k] * j[k, l] * q[l, c] } }
                a[r, c] = sum
            }
        }
        let values = try #require(Spectrum.eigenvalues(a))
        // A perturbation of size eps moves a 4-fold defective eigenvalue by about eps^(1/4) = 1.2e-4.
        #expect(values.allSatisfy { modulus(($0.re - 3, $0.im)) < 1e-3 }, "\(values)")
        #expect(abs(values.map(\.re).reduce(0, +) - 12) <= 1e-13)
        #expect(abs(try #require(Spectrum.spectralRadius(a)) - 3) < 1e-3)
    }

    @Test(
        "a badly scaled similarity D A D^-1 (D = diag(2^(k step))): balancing recovers the eigenvalues of A",
        arguments: [10, 25, 40])
    func balancing(step: Int) throws {
        let n = 6
        let a = randomMatrix(rows: n, columns: n, seed: 21)
        var b = a
        for i in 0..<n {
            for j in 0..<n { b[i, j] = Double(sign: .plus, exponent: step * (i - j), significand: a[i, j]) }
        }
        let expected = try #require(Spectrum.eigenvalues(a))
        let radius = modulus(expected[0])
        let values = try #require(Spectrum.eigenvalues(b))
        // Without balancing the error is about eps |D A D^-1| = eps 2^(5 step) |A|.
        #expect(matchedDistance(values, expected.map { ($0.re, $0.im) }) <= 1e-12 * radius, "\(values) vs \(expected)")
    }

    @Test("a zero matrix: every eigenvalue and singular value is +0", arguments: [1, 3, 10])
    func zero(n: Int) throws {
        let m = Matrix<Double>(rows: n, columns: n)
        #expect(bits(Spectrum.eigenvalues(m)) == [UInt64](repeating: 0, count: 2 * n))
        #expect(Spectrum.spectralRadius(m)?.bitPattern == 0)
        #expect(bits(Spectrum.singularValues(m)) == [UInt64](repeating: 0, count: n))
        #expect(bits(Spectrum.singularValues(Matrix<Double>(rows: n, columns: 2 * n))) == [UInt64](repeating: 0, count: n))
    }

    @Test(
        "a 1x1 matrix: the eigenvalue is the entry, radius and singular value its magnitude, over the whole range",
        arguments: [-7.5, 0, 1, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -3e-200])
    func oneByOne(x: Double) throws {
        let m = Matrix<Double>(rows: 1, columns: 1, repeating: x)
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(bits(values) == [x.bitPattern, 0])
        #expect(Spectrum.spectralRadius(m) == abs(x))
        #expect(Spectrum.singularValues(m) == [abs(x)])
    }

    @Test("a non-square matrix has no eigenvalues; an empty matrix has neither eigenvalues nor singular values")
    func shapes() {
        let wide = randomMatrix(rows: 2, columns: 3, seed: 1)
        #expect(Spectrum.spectralRadius(wide) == nil)
        #expect(Spectrum.eigenvalues(wide) == nil)
        #expect(Spectrum.singularValues(wide)?.count == 2)
        #expect(Spectrum.eigenvalues(wide.transposed) == nil)
        for (r, c) in [(0, 0), (0, 3), (3, 0)] {
            let empty = Matrix<Double>(rows: r, columns: c)
            #expect(Spectrum.spectralRadius(empty) == nil)
            #expect(Spectrum.eigenvalues(empty) == nil)
            #expect(Spectrum.singularValues(empty) == nil)
        }
    }

    @Test("a NaN or infinite element gives nil, in float64 and float32", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(bad: Double) {
        var m = randomMatrix(rows: 3, columns: 3, seed: 2)
        m[1, 2] = bad
        #expect(Spectrum.spectralRadius(m) == nil)
        #expect(Spectrum.eigenvalues(m) == nil)
        #expect(Spectrum.singularValues(m) == nil)
        var f = m.converted(to: Float.self)
        f[1, 2] = Float(bad)
        #expect(Spectrum.spectralRadius(f) == nil)
        #expect(Spectrum.singularValues(f) == nil)
        #expect(Spectrum.singularValues(Matrix<Double>(rows: 1, columns: 4, elements: [1, 2, bad, 3])) == nil)
    }

    // MARK: Random matrices against references and invariants

    @Test(
        "seeded random matrices match 40-digit references to 1e-12 relative (eigenvalues to 1e-12 of the radius)",
        arguments: SpectrumReference.all)
    func randomAgainstReference(reference: SpectrumReference) throws {
        let m = randomMatrix(rows: reference.rows, columns: reference.columns, seed: reference.seed)
        if let radius = reference.radius {
            let values = try #require(Spectrum.eigenvalues(m))
            #expect(values.count == reference.rows)
            #expect(relativeError(try #require(Spectrum.spectralRadius(m)), radius) <= 1e-12)
            if !reference.eigenvalues.isEmpty {
                #expect(matchedDistance(values, reference.eigenvalues) <= 1e-12 * radius)
            }
        } else {
            #expect(Spectrum.spectralRadius(m) == nil)
        }
        let sigma = try #require(Spectrum.singularValues(m))
        #expect(sigma.count == min(reference.rows, reference.columns))
        if !reference.singularValues.isEmpty {
            #expect(sigma.count == reference.singularValues.count)
            for (s, r) in zip(sigma, reference.singularValues) { #expect(relativeError(s, r) <= 1e-12, "\(s) vs \(r)") }
        }
        if let sigmaMax = reference.sigmaMax { #expect(relativeError(sigma[0], sigmaMax) <= 1e-12) }
        if let sigmaMin = reference.sigmaMin { #expect(relativeError(sigma.last!, sigmaMin) <= 1e-12) }
    }

    @Test(
        "random n x n: sum of eigenvalues = trace, sum of sigma^2 = |A|_F^2, prod |lambda| = prod sigma, sigma_min <= |lambda| <= sigma_max, documented order, exact conjugate pairs",
        arguments: Array(2...64))
    func invariants(n: Int) throws {
        let m = randomMatrix(rows: n, columns: n, seed: 300 + UInt64(n))
        let values = try #require(Spectrum.eigenvalues(m))
        let sigma = try #require(Spectrum.singularValues(m))
        let radius = try #require(Spectrum.spectralRadius(m))
        #expect(values.count == n && sigma.count == n)
        let frobenius2 = frobeniusSquared(m)
        var trace = 0.0
        for i in 0..<n { trace += m[i, i] }
        #expect(abs(values.map(\.re).reduce(0, +) - trace) <= 1e-12 * frobenius2.squareRoot())
        #expect(abs(values.map(\.im).reduce(0, +)) <= 1e-12 * frobenius2.squareRoot())
        #expect(relativeError(sigma.map { $0 * $0 }.reduce(0, +), frobenius2) <= 1e-12)
        // |det A| both ways (no overflow: the values lie in [1e-4, 20] for these sizes).
        let productOfModuli = values.map(modulus).reduce(1, *)
        #expect(relativeError(productOfModuli, sigma.reduce(1, *)) <= 1e-10)
        #expect(radius == modulus(values[0]) || relativeError(radius, modulus(values[0])) <= 1e-15)
        #expect(sigma[0] >= radius * (1 - 1e-12))
        #expect(sigma[n - 1] <= values.map(modulus).min()! * (1 + 1e-12))
        #expect(zip(sigma, sigma.dropFirst()).allSatisfy { $0 >= $1 } && sigma[n - 1] >= 0)
        for (x, y) in zip(values, values.dropFirst()) {
            let (mx, my) = (modulus(x), modulus(y))
            #expect(mx > my * (1 - 1e-15) || (x.re == y.re && x.im > y.im), "\(x) before \(y)")
        }
        for z in values where z.im != 0 {
            #expect(values.contains { $0.re == z.re && $0.im == -z.im }, "\(z) has no conjugate")
        }
    }

    @Test(
        "an orthogonal matrix (a cyclic shift): every singular value and eigenvalue modulus is 1",
        arguments: Array(2...16))
    func cyclicShift(n: Int) throws {
        var m = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { m[(i + 1) % n, i] = 1 }
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(values.allSatisfy { abs(modulus($0) - 1) <= 1e-14 }, "\(values)")
        #expect(abs(try #require(Spectrum.spectralRadius(m)) - 1) <= 1e-14)
        #expect(try #require(Spectrum.singularValues(m)).allSatisfy { abs($0 - 1) <= 1e-14 })
    }

    @Test(
        "an orthogonal matrix (a Householder reflection I - 2 v v^T / v^T v, exact entries): unit spectrum, eigenvalues -1 and 1",
        arguments: [4, 16])
    func householderReflection(n: Int) throws {
        var m = Matrix<Double>.identity(n)
        for i in 0..<n { for k in 0..<n { m[i, k] -= 2 / Double(n) } }
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(values.filter { abs($0.re + 1) <= 1e-14 && $0.im == 0 }.count == 1)
        #expect(values.filter { abs($0.re - 1) <= 1e-14 && $0.im == 0 }.count == n - 1)
        #expect(abs(try #require(Spectrum.spectralRadius(m)) - 1) <= 1e-14)
        #expect(try #require(Spectrum.singularValues(m)).allSatisfy { abs($0 - 1) <= 1e-14 })
    }

    @Test("a rank-one matrix u v^T: one singular value |u| |v|, one eigenvalue v.u, the rest about zero")
    func rankOne() throws {
        let u: [Double] = [1, -2, 3, 0, 5, 1], v: [Double] = [2, 1, 0, -1, 1, 3]
        let n = u.count
        var m = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { m[i, j] = u[i] * v[j] } }
        let sigma = try #require(Spectrum.singularValues(m))
        let expected = (u.map { $0 * $0 }.reduce(0, +) * v.map { $0 * $0 }.reduce(0, +)).squareRoot()
        #expect(relativeError(sigma[0], expected) <= 1e-15)
        #expect(sigma.dropFirst().allSatisfy { $0 <= 1e-15 * expected }, "\(sigma)")
        let trace = zip(u, v).map(*).reduce(0, +)  // 8
        #expect(relativeError(try #require(Spectrum.spectralRadius(m)), abs(trace)) <= 1e-14)
    }

    @Test(
        "the singular values of a rectangular matrix and of its transpose are the same bits; min(rows, columns) of them",
        arguments: [(7, 3), (64, 5), (1, 9), (2, 40)])
    func transposeOfRectangular(rows: Int, columns: Int) throws {
        let m = randomMatrix(rows: rows, columns: columns, seed: UInt64(rows * 100 + columns))
        let sigma = try #require(Spectrum.singularValues(m))
        #expect(sigma.count == min(rows, columns))
        #expect(bits(Spectrum.singularValues(m.transposed)) == bits(sigma))
        #expect(relativeError(sigma.map { $0 * $0 }.reduce(0, +), frobeniusSquared(m)) <= 1e-13)
    }

    // MARK: Float input, exactness, determinism

    @Test("float32 input gives the bits of its float64 conversion", arguments: [3, 16, 40])
    func float32Input(n: Int) throws {
        let f = randomMatrix(rows: n, columns: n + 2, seed: 7 + UInt64(n)).converted(to: Float.self)
        let square = Matrix<Float>(rows: n, columns: n, elements: Array(f.storage.prefix(n * n)))
        let d = square.converted(to: Double.self)
        let values = try #require(Spectrum.eigenvalues(square))
        #expect(bits(values) == bits(Spectrum.eigenvalues(d)))
        #expect(try #require(Spectrum.spectralRadius(square)).bitPattern == Spectrum.spectralRadius(d)?.bitPattern)
        let sigma = try #require(Spectrum.singularValues(f))
        #expect(bits(sigma) == bits(Spectrum.singularValues(f.converted(to: Double.self))))
    }

    @Test(
        "scaling by a power of two scales every eigenvalue and singular value exactly (no overflow at 2^900)",
        arguments: [-900, -300, 1, 300, 900])
    func powerOfTwoScaling(exponent: Int) throws {
        let m = randomMatrix(rows: 8, columns: 8, seed: 5)
        let factor = Double(sign: .plus, exponent: exponent, significand: 1)
        let scaled = Matrix(rows: 8, columns: 8, elements: m.storage.map { $0 * factor })
        let values = try #require(Spectrum.eigenvalues(m))
        #expect(bits(Spectrum.eigenvalues(scaled)) == bits(values.map { (re: $0.re * factor, im: $0.im * factor) }))
        #expect(bits(Spectrum.singularValues(scaled)) == bits(try #require(Spectrum.singularValues(m)).map { $0 * factor }))
    }

    /// The contract: these bits are a function of the input only, the same on every CPU. A change
    /// here is a change of algorithm (or of the order of an operation) and must be deliberate.
    @Test("a 16x16 seeded matrix gives the same bits twice and the pinned bits")
    func pinnedBits() throws {
        let m = randomMatrix(rows: 16, columns: 16, seed: 116)
        let values = try #require(Spectrum.eigenvalues(m))
        let sigma = try #require(Spectrum.singularValues(m))
        #expect(bits(Spectrum.eigenvalues(m)) == bits(values))
        #expect(bits(Spectrum.singularValues(m)) == bits(sigma))
        #expect(Spectrum.spectralRadius(m)?.bitPattern == 0x4007_24ed_17cd_e9a9)  // 2.8930303439821796
        #expect(sigma[0].bitPattern == 0x4012_2cfb_c7d0_5b49)  // 4.543929216472699
        #expect(sigma[15].bitPattern == 0x3f90_c9fb_6dd0_5f2b)  // 0.01639550073386357
        #expect(fnv1a(bits(values)!) == 0xb668_25bb_cd0b_40eb)
        #expect(fnv1a(bits(sigma)!) == 0x76a6_80a6_d025_3dd4)
    }

    @Test("a 256x256 random matrix converges; trace and Frobenius norm are matched")
    func large() throws {
        let n = 256
        let m = randomMatrix(rows: n, columns: n, seed: 256)
        let values = try #require(Spectrum.eigenvalues(m))
        let sigma = try #require(Spectrum.singularValues(m))
        var trace = 0.0
        for i in 0..<n { trace += m[i, i] }
        let frobenius2 = frobeniusSquared(m)
        #expect(abs(values.map(\.re).reduce(0, +) - trace) <= 1e-12 * frobenius2.squareRoot())
        #expect(relativeError(sigma.map { $0 * $0 }.reduce(0, +), frobenius2) <= 1e-12)
        #expect(sigma[0] >= modulus(values[0]))
    }
}

/// FNV-1a over the little-endian bytes of the words.
private func fnv1a(_ words: [UInt64]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for w in words {
        for b in 0..<8 {
            h ^= (w >> UInt64(8 * b)) & 0xff
            h &*= 0x0000_0100_0000_01b3
        }
    }
    return h
}

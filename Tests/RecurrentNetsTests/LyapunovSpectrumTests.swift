import LinearAlgebra
import RecurrentNets
import Testing

/// Analytic step Jacobians, the Benettin Lyapunov spectrum and the log-domain Jacobian singular values.
struct LyapunovSpectrumTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var cell: CellKind
        var relu = false
        var layers = 1
        var hidden = 4
        var testDescription: String {
            (cell == .rnn ? (relu ? "rnn-relu" : "rnn-tanh") : cell.rawValue) + " L=\(layers) H=\(hidden)"
        }
    }

    static let cases: [Case] = [
        Case(cell: .rnn), Case(cell: .rnn, relu: true), Case(cell: .lstm), Case(cell: .gru), Case(cell: .layerNormRNN),
        Case(cell: .rnn, layers: 2), Case(cell: .lstm, layers: 2), Case(cell: .gru, layers: 2),
        Case(cell: .layerNormRNN, layers: 2), Case(cell: .lstm, hidden: 17), Case(cell: .gru, hidden: 17),
    ]

    static func model<S: NetScalar>(_ c: Case, _: S.Type = S.self, input: Int = 3) throws -> RecurrentModel<S> {
        let config = try ModelConfiguration(
            cell: c.cell, nonlinearity: c.relu ? .relu : .tanh, inputSize: input, hiddenSize: c.hidden, layers: c.layers)
        var g = SeededGenerator(seed: 7)
        var m = RecurrentModel<S>(configuration: config, inputWeights: .normal(std: 0.8),
                                  recurrentWeights: .normal(std: 0.7), generator: &g)
        // Non-trivial layer-norm gains.
        for k in 0..<c.layers where c.cell == .layerNormRNN {
            if let i = m.parameters.index(of: "ln_weight_l\(k)") {
                for j in 0..<c.hidden { m.parameters.values[i].storage[j] = S(0.5 + 0.1 * Double(j)) }
            }
        }
        return m
    }

    static func point(_ n: Int, _ input: Int, seed: UInt64) -> (state: [Double], x: [Double]) {
        var g = SeededGenerator(seed: seed)
        return ((0..<n).map { _ in 0.5 * g.normal() }, (0..<input).map { _ in g.normal() })
    }

    @Test("every cell's analytic step Jacobian equals fourth-order finite differences of its step map",
          arguments: cases)
    func stepJacobianMatchesFiniteDifferences(c: Case) throws {
        let m: RecurrentModel<Double> = try Self.model(c)
        let n = m.stateDimension
        let (s, x) = Self.point(n, 3, seed: 3)
        let j = try m.stepJacobian(at: s, input: x)
        #expect(j.rows == n && j.columns == n)
        let eps = 1e-4
        var worst = 0.0
        for col in 0..<n {
            func f(_ d: Double) throws -> [Double] {
                var p = s
                p[col] += d
                return try m.step(from: p, input: x).state
            }
            let (p1, m1, p2, m2) = (try f(eps), try f(-eps), try f(2 * eps), try f(-2 * eps))
            for row in 0..<n {
                let fd = (8 * (p1[row] - m1[row]) - (p2[row] - m2[row])) / (12 * eps)
                worst = max(worst, abs(fd - j[row, col]))
            }
        }
        #expect(worst < 1e-8, "worst |analytic - finite difference| = \(worst)")
    }

    @Test("the step map reproduces the forward pass's states", arguments: cases)
    func stepMapEqualsForwardPass(c: Case) throws {
        let m: RecurrentModel<Double> = try Self.model(c)
        var g = SeededGenerator(seed: 5)
        let T = 6
        var x = Matrix<Double>(rows: T, columns: 3)
        for i in 0..<x.count { x.storage[i] = g.normal() }
        let pass = try m.forward(try SequenceBatch(inputs: x, steps: T, batchSize: 1))
        var s = [Double](repeating: 0, count: m.stateDimension)
        for t in 0..<T {
            s = try m.step(from: s, input: Array(x.storage[(t * 3)..<(t * 3 + 3)])).state
            let width = c.cell == .lstm ? 2 : 1
            for k in 0..<c.layers {
                let h = pass.states(layer: k)
                for j in 0..<c.hidden { #expect(abs(s[k * c.hidden * width + j] - h[t, j]) < 1e-14) }
            }
        }
    }

    @Test("pre-activations of the tutorial's worked example: z_h_1 = [0.45, 0.91, 0.65]")
    func workedExamplePreActivations() throws {
        let config = try ModelConfiguration(cell: .rnn, inputSize: 4, hiddenSize: 3)
        var p = ParameterSet<Double>()
        p.append("weight_ih_l0", Matrix([[0.5, 0.3, 0.2, 0.1], [0.4, 0.6, 0.3, 0.5], [0.2, 0.4, 0.7, 0.3]]))
        p.append("weight_hh_l0", Matrix([[0.8, 0.2, 0.5], [0.3, 0.9, 0.4], [0.6, 0.5, 0.7]]))
        p.append("bias_ih_l0", Matrix(rows: 1, columns: 3, repeating: 0.1), isVector: true)
        p.append("bias_hh_l0", Matrix(rows: 1, columns: 3), isVector: true)
        let m = try RecurrentModel(configuration: config, parameters: p)
        let x = Matrix<Double>([[0.2, 0.5, 0.1, 0.8], [0.9, 0.7, 0.3, 0.6], [0.4, 0.2, 0.9, 0.5]])
        let z = try m.preActivations(for: try SequenceBatch(inputs: x, steps: 3, batchSize: 1))
        let expected: [[Double]] = [
            [0.45, 0.91, 0.65], [1.647580638057905, 2.2742567166780794, 1.9638745064479366],
            [2.0093232559809944, 2.4442614380205527, 2.7596118964857994],
        ]
        for t in 0..<3 {
            for j in 0..<3 { #expect(abs(z[0][t, j] - expected[t][j]) < 1e-12) }
        }
    }

    /// A ReLU RNN held at the positive fixed point h* = 1 (b = (I - W) 1, no input): every
    /// pre-activation is positive, so the dynamics are exactly linear with Jacobian W.
    static func linearModel(_ w: Matrix<Double>) throws -> RecurrentModel<Double> {
        let n = w.rows
        let config = try ModelConfiguration(cell: .rnn, nonlinearity: .relu, inputSize: 1, hiddenSize: n)
        var b = Matrix<Double>(rows: 1, columns: n)
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s += w[i, j] }
            b.storage[i] = 1 - s
        }
        var p = ParameterSet<Double>()
        p.append("weight_ih_l0", Matrix(rows: n, columns: 1))
        p.append("weight_hh_l0", w)
        p.append("bias_ih_l0", b, isVector: true)
        p.append("bias_hh_l0", Matrix(rows: 1, columns: n), isVector: true)
        return try RecurrentModel(configuration: config, parameters: p)
    }

    static func orthogonal(_ n: Int, seed: UInt64) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        var a = Matrix<Double>(rows: n, columns: n)
        for i in 0..<a.count { a.storage[i] = g.normal() }
        return try #require(HouseholderQR(a)).q
    }

    @Test("a linear RNN with a normal (symmetric) W: the exponents are log|eigenvalues| to 1e-10")
    func linearNormalExponents() throws {
        let n = 6
        let v = try Self.orthogonal(n, seed: 9)
        let eig = [0.95, -0.8, 0.6, 0.45, -0.3, 0.15]
        var w = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0
                for l in 0..<n { s += v[i, l] * eig[l] * v[j, l] }
                w[i, j] = s
            }
        }
        let m = try Self.linearModel(w)
        let T = 1500
        let spectrum = try LyapunovSpectrum(
            model: m, inputs: Matrix(rows: T, columns: 1), initialState: [Double](repeating: 1, count: n),
            options: .init(transient: 500, interval: 3))
        let eigenvalues = try #require(Spectrum.eigenvalues(w)).map { PortableMath.log(abs($0.re)) }.sorted(by: >)
        for i in 0..<n { #expect(abs(spectrum.exponents[i] - eigenvalues[i]) < 1e-10) }
        #expect(spectrum.isFinite)
    }

    @Test("an orthogonal W with the identity activation: every exponent is 0", arguments: [1, 5])
    func orthogonalExponentsVanish(interval: Int) throws {
        let n = 8
        let m = try Self.linearModel(try Self.orthogonal(n, seed: 4))
        let spectrum = try LyapunovSpectrum(
            model: m, inputs: Matrix(rows: 400, columns: 1), initialState: [Double](repeating: 1, count: n),
            options: .init(transient: 50, interval: interval))
        for e in spectrum.exponents { #expect(abs(e) < 1e-12) }
        #expect(abs(spectrum.kaplanYorkeDimension - Double(n)) < 1e-9 || spectrum.exponents.allSatisfy { abs($0) < 1e-12 })
        for l in spectrum.logSingularValues { #expect(abs(l) < 1e-10) }
    }

    @Test("short-T float64 Jacobian singular values equal an SVD of the explicitly multiplied product",
          arguments: cases)
    func jacobianSingularValuesMatchExplicitProduct(c: Case) throws {
        let m: RecurrentModel<Double> = try Self.model(c)
        let n = m.stateDimension
        let T = 7
        var g = SeededGenerator(seed: 21)
        var x = Matrix<Double>(rows: T, columns: 3)
        for i in 0..<x.count { x.storage[i] = g.normal() }
        let s0 = Self.point(n, 3, seed: 8).state
        var explicit = Matrix<Double>.identity(n)
        var s = s0
        for t in 0..<T {
            let xt = Array(x.storage[(t * 3)..<(t * 3 + 3)])
            if t >= 1 {
                let j = try m.stepJacobian(at: s, input: xt)
                var next = Matrix<Double>(rows: n, columns: n)
                BLAS.gemm(j, explicit, into: &next)
                explicit = next
            }
            s = try m.step(from: s, input: xt).state
        }
        let reference = try #require(Spectrum.singularValues(explicit))
        for interval in [1, 2] {
            let spectrum = try LyapunovSpectrum(model: m, inputs: x, initialState: s0, options: .init(interval: interval))
            // The reference resolves small values only to ~1e-15 sigma_max (absolute).
            for i in 0..<n {
                let mine = PortableMath.exp(spectrum.logSingularValues[i])
                #expect(abs(mine - reference[i]) < 1e-13 * reference[0])
                if reference[i] > 1e-5 * reference[0] {
                    #expect(abs(spectrum.logSingularValues[i] - PortableMath.log(reference[i])) < 1e-9)
                }
            }
        }
    }

    @Test("float32 trajectories: tangents in float64 give spectra for every cell (-infinity only where a ReLU Jacobian is singular)", arguments: cases)
    func float32Spectrum(c: Case) throws {
        let m: RecurrentModel<Float> = try Self.model(c)
        var x = Matrix<Float>(rows: 60, columns: 3)
        var g = SeededGenerator(seed: 2)
        for i in 0..<x.count { x.storage[i] = Float(g.normal()) }
        let k = min(3, m.stateDimension)
        let spectrum = try LyapunovSpectrum(
            model: m, inputs: x, initialState: [Float](repeating: 0, count: m.stateDimension),
            options: .init(transient: 10, exponents: k, interval: 2, frameSeed: 1))
        #expect(spectrum.exponents.count == k)
        #expect(spectrum.exponents.allSatisfy { c.relu ? !$0.isNaN : $0.isFinite })
        #expect(spectrum.exponents == spectrum.exponents.sorted(by: >))
        #expect(spectrum.convergence.last.map { $0.step } == 60)
    }

    @Test("invalid options are typed errors")
    func invalidOptions() throws {
        let m: RecurrentModel<Double> = try Self.model(Case(cell: .rnn))
        let x = Matrix<Double>(rows: 10, columns: 3)
        let s = [Double](repeating: 0, count: 4)
        #expect(throws: EngineError.self) { try LyapunovSpectrum(model: m, inputs: x, initialState: s, options: .init(transient: 9)) }
        #expect(throws: EngineError.self) { try LyapunovSpectrum(model: m, inputs: x, initialState: s, options: .init(exponents: 5)) }
        #expect(throws: EngineError.self) { try LyapunovSpectrum(model: m, inputs: x, initialState: [0], options: .init()) }
        #expect(throws: EngineError.self) { try m.step(from: s, input: [1]) }
    }
}

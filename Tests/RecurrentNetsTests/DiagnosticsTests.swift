import LinearAlgebra
import RecurrentNets
import Testing

struct DiagnosticsTests {
    /// `||dL/dh_t||` is the norm of the gradient of the loss with respect to the state at step t:
    /// the same as dL/dh_0 of a run that starts from h_t and reads the remaining inputs.
    @Test(arguments: [CellKind.rnn, .gru, .layerNormRNN])
    func perStepStateGradientNormsEqualTheGradientOfTheRemainingSequence(_ cell: CellKind) throws {
        var g = SeededGenerator(seed: 5)
        let T = 7, B = 2
        let config = try ModelConfiguration(cell: cell, inputSize: 2, hiddenSize: 3, headPlacement: .lastStep)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        let x = GradientCheck.gaussian(rows: T * B, columns: 2, &g)
        let y = GradientCheck.gaussian(rows: B, columns: 3, &g)
        let full = try model.gradients(
            for: try SequenceBatch(inputs: x, steps: T, batchSize: B), targets: .values(y), loss: .mse)
        let pass = try model.forward(try SequenceBatch(inputs: x, steps: T, batchSize: B))
        for t in 0..<(T - 1) {
            // State after step t (0-based), then the inputs of steps t+1..<T.
            let h = pass.outputs.rows((t * B)..<((t + 1) * B))
            let rest = try SequenceBatch(inputs: x.rows(((t + 1) * B)..<(T * B)), steps: T - 1 - t, batchSize: B)
            let suffix = try model.gradients(for: rest, targets: .values(y), loss: .mse, initialState: RecurrentState(h: [h]))
            let expected = VectorNorm.l2(suffix.initialStateGradient.h[0].storage)
            let got = full.stateGradientNorms[0][t]
            #expect(abs(got - expected) <= 1e-12 * max(expected, 1e-300), "\(cell) t=\(t): \(got) vs \(expected)")
        }
        #expect(full.stateGradientNorms[0].count == T)
        #expect(full.inputGradientNorms.count == T)
        for t in 0..<T {
            let row = full.inputGradient.rows((t * B)..<((t + 1) * B))
            #expect(abs(full.inputGradientNorms[t] - VectorNorm.l2(row.storage)) <= 1e-15 * max(full.inputGradientNorms[t], 1e-300))
        }
    }

    /// A float32 run whose gradients fall to 1e-30 still reports a non-zero norm (no underflow in
    /// the norm), and agrees with float64 where float32 can represent the values.
    @Test func float32NormsDoNotUnderflowAndMatchFloat64() throws {
        var g = SeededGenerator(seed: 9)
        let config = try ModelConfiguration(inputSize: 1, hiddenSize: 10, headPlacement: .lastStep)
        let m64 = RecurrentModel<Double>(
            configuration: config, inputWeights: .xavierUniform(gain: 1), recurrentWeights: .normal(std: 0.05), generator: &g)
        var p32 = ParameterSet<Float>()
        for (n, v) in zip(m64.parameters.names, m64.parameters.values) { p32.append(n, v.converted(), isVector: n.hasPrefix("bias")) }
        let m32 = try RecurrentModel<Float>(configuration: config, parameters: p32)
        let x = GradientCheck.gaussian(rows: 30, columns: 1, &g)
        let y = GradientCheck.gaussian(rows: 1, columns: 10, &g)
        let r64 = try m64.gradients(for: try SequenceBatch(inputs: x, steps: 30, batchSize: 1), targets: .values(y), loss: .mse)
        let r32 = try m32.gradients(
            for: try SequenceBatch(inputs: x.converted(), steps: 30, batchSize: 1), targets: .values(y.converted()), loss: .mse)
        let first32 = r32.stateGradientNorms[0][0]
        let first64 = r64.stateGradientNorms[0][0]
        #expect(first64 < 1e-19, "the setting must reach below the naive float32 norm's underflow: \(first64)")
        #expect(first32 > 0, "a float32 norm below 1e-19 must not be reported as 0")
        #expect(abs(first32 - first64) / first64 < 1e-3, "float32 \(first32) vs float64 \(first64)")
        for name in m64.parameters.names {
            let a = r32.gradients[name]?.storage.map(Double.init) ?? []
            let b = r64.gradients[name]?.storage ?? []
            #expect(GradientCheck.relativeError(a, b) < 1e-4, "\(name)")
        }
    }

    @Test func saturationIsOneForHugeWeightsAndZeroForZeroWeights() throws {
        var g = SeededGenerator(seed: 2)
        let config = try ModelConfiguration(inputSize: 1, hiddenSize: 8, headPlacement: .lastStep)
        let big = RecurrentModel<Double>(
            configuration: config, inputWeights: .normal(std: 50), recurrentWeights: .normal(std: 50), generator: &g)
        var zero = big
        for i in zero.parameters.values.indices {
            zero.parameters.values[i] = Matrix(rows: zero.parameters.values[i].rows, columns: zero.parameters.values[i].columns)
        }
        let batch = try SequenceBatch(inputs: GradientCheck.gaussian(rows: 20, columns: 1, &g), steps: 20, batchSize: 1)
        let y = Matrix<Double>(rows: 1, columns: 8)
        let rBig = try big.gradients(for: batch, targets: .values(y), loss: .mse)
        let rZero = try zero.gradients(for: batch, targets: .values(y), loss: .mse)
        #expect(rBig.saturatedFraction[0] > 0.9)
        #expect(rBig.meanTanhDerivative[0] < 0.1)
        #expect(rZero.saturatedFraction[0] == 0)
        #expect(rZero.meanTanhDerivative[0] == 1)
    }

    @Test func randomInitialStateIsSmallSeededAndDiffersBetweenBatches() throws {
        let config = try ModelConfiguration(inputSize: 1, hiddenSize: 50, layers: 2, initialState: .random)
        var g = SeededGenerator(seed: 3)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        var a = SeededGenerator(seed: 10)
        var b = SeededGenerator(seed: 10)
        let s1 = model.initialState(batchSize: 4, generator: &a)
        let s2 = model.initialState(batchSize: 4, generator: &b)
        let s3 = model.initialState(batchSize: 4, generator: &a)
        #expect(s1 == s2)
        #expect(s1 != s3)
        let values = s1.h.flatMap(\.storage)
        let std = (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(std - 0.01) < 0.002, "std \(std)")
    }

    @Test func spectraOfOrthogonalAndScaledIdentityWeights() throws {
        var g = SeededGenerator(seed: 4)
        let q: Matrix<Double> = Initializer.orthogonal(gain: 0.9).weight(rows: 6, columns: 6, hidden: 6, gates: 1, generator: &g)
        let s = RecurrentSpectrum.blocks(of: q, cell: .rnn)
        #expect(s.count == 1)
        #expect(abs(s[0].spectralRadius - 0.9) < 1e-12)
        #expect(abs(s[0].largestSingularValue - 0.9) < 1e-12)
        let lstm: Matrix<Double> = Initializer.identity(scale: 1.01).weight(rows: 16, columns: 4, hidden: 4, gates: 4, generator: &g)
        let blocks = RecurrentSpectrum.blocks(of: lstm, cell: .lstm)
        #expect(blocks.map(\.block) == ["i", "f", "g", "o"])
        #expect(blocks.allSatisfy { abs($0.spectralRadius - 1.01) < 1e-12 && abs($0.largestSingularValue - 1.01) < 1e-12 })
        // A non-normal matrix: spectral radius (0) differs from the largest singular value (2).
        let nilpotent = Matrix<Double>([[0, 2], [0, 0]])
        #expect(Spectrum.spectralRadius(nilpotent) == 0)
        #expect(abs((Spectrum.singularValues(nilpotent)?.first ?? 0) - 2) < 1e-12)
    }
}

import LinearAlgebra
import RecurrentNets
import Testing

struct DropoutGradientTests {
    /// A 2-layer model with dropout on inputs, between layers and outputs: with the masks fixed
    /// by the seed, the loss is a smooth function of the weights, so central differences apply.
    @Test(arguments: [CellKind.rnn, .lstm, .gru])
    func gradientsWithDropoutMatchFiniteDifferences(_ cell: CellKind) throws {
        let config = try ModelConfiguration(
            cell: cell, inputSize: 3, hiddenSize: 4, layers: 2, headOutputs: 2, headPlacement: .everyStep)
        var g = SeededGenerator(seed: 7)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        var x = Matrix<Double>(rows: 5 * 2, columns: 3)
        for i in 0..<x.count { x.storage[i] = g.normal() }
        var y = Matrix<Double>(rows: 5 * 2, columns: 2)
        for i in 0..<y.count { y.storage[i] = g.normal() }
        let batch = try SequenceBatch(inputs: x, steps: 5, batchSize: 2)
        let rates = DropoutRates(input: 0.3, between: 0.4, output: 0.2)
        func loss(_ m: RecurrentModel<Double>) throws -> Double {
            try m.gradients(for: batch, targets: .values(y), loss: .mse, dropout: rates, dropoutSeed: 11).loss
        }
        let analytic = try model.gradients(for: batch, targets: .values(y), loss: .mse, dropout: rates, dropoutSeed: 11)
        let plain = try model.gradients(for: batch, targets: .values(y), loss: .mse)
        #expect(abs(analytic.loss - plain.loss) > 1e-6, "dropout must change the loss")
        var worst = 0.0
        for (p, name) in model.parameters.names.enumerated() {
            for i in 0..<model.parameters.values[p].count {
                var plus = model
                var minus = model
                plus.parameters.values[p].storage[i] += 1e-6
                minus.parameters.values[p].storage[i] -= 1e-6
                let fd = (try loss(plus) - loss(minus)) / 2e-6
                let a = analytic.gradients[name]?.storage[i] ?? .nan
                worst = max(worst, abs(a - fd) / max(abs(fd), 1e-3))
            }
        }
        #expect(worst < 1e-6, "worst relative error \(worst)")
    }

    @Test func dropoutRateOutsideUnitIntervalIsAnError() throws {
        let config = try ModelConfiguration(inputSize: 1, hiddenSize: 2)
        var g = SeededGenerator(seed: 1)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        let batch = try SequenceBatch(inputs: Matrix(rows: 3, columns: 1, repeating: 0.5), steps: 3, batchSize: 1)
        #expect(throws: EngineError.self) {
            _ = try model.gradients(
                for: batch, targets: .none, loss: .halfSumSquares, dropout: DropoutRates(input: 1.0))
        }
    }
}

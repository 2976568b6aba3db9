import LinearAlgebra
import RecurrentNets
import Testing

/// The four task shapes of tutorial 2.3.4 beyond many-to-many/many-to-one (covered elsewhere):
/// one-to-many with h0 computed from features, and encoder-decoder, checked by finite differences.
struct TaskShapeTests {
    @Test(arguments: [CellKind.rnn, .lstm, .gru])
    func oneToManyGradientsThroughTheProjectedInitialStateMatchFiniteDifferences(_ cell: CellKind) throws {
        var g = SeededGenerator(seed: 21)
        let config = try ModelConfiguration(
            cell: cell, inputSize: 2, hiddenSize: 3, layers: 2, headOutputs: 2, headPlacement: .everyStep)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        let projection = try StateProjection<Double>(features: 4, layers: 2, hidden: 3, generator: &g)
        let features = GradientCheck.gaussian(rows: 2, columns: 4, &g)
        let batch = try SequenceBatch(inputs: GradientCheck.gaussian(rows: 4 * 2, columns: 2, &g), steps: 4, batchSize: 2)
        let y = GradientCheck.gaussian(rows: 4 * 2, columns: 2, &g)
        func loss(_ p: StateProjection<Double>, _ f: Matrix<Double>) throws -> Double {
            let h0 = try p.initialState(from: f, withCell: cell == .lstm)
            return try model.gradients(for: batch, targets: .values(y), loss: .mse, initialState: h0).loss
        }
        let h0 = try projection.initialState(from: features, withCell: cell == .lstm)
        let r = try model.gradients(for: batch, targets: .values(y), loss: .mse, initialState: h0)
        let back = try projection.backward(features: features, initialStateGradient: r.initialStateGradient)
        for (i, name) in projection.parameters.names.enumerated() {
            let numeric = try GradientCheck.numericGradient(of: projection.parameters.values[i].storage) { v in
                var p = projection
                p.parameters.values[i].storage = v
                return try loss(p, features)
            }
            let err = GradientCheck.relativeError(back.gradients[name]?.storage ?? [], numeric)
            #expect(err < GradientCheck.tolerance, "\(cell) d\(name): \(err)")
        }
        let numericF = try GradientCheck.numericGradient(of: features.storage) { v in
            try loss(projection, Matrix(rows: 2, columns: 4, elements: v))
        }
        #expect(GradientCheck.relativeError(back.featureGradient.storage, numericF) < GradientCheck.tolerance)
    }

    @Test(arguments: [CellKind.rnn, .lstm, .gru])
    func encoderDecoderGradientsCrossTheHandOverAndMatchFiniteDifferences(_ cell: CellKind) throws {
        var g = SeededGenerator(seed: 22)
        let encoder = RecurrentModel<Double>(
            configuration: try ModelConfiguration(cell: cell, inputSize: 3, hiddenSize: 4), generator: &g)
        let decoder = RecurrentModel<Double>(
            configuration: try ModelConfiguration(
                cell: cell, inputSize: 2, hiddenSize: 4, headOutputs: 3, headPlacement: .everyStep),
            generator: &g)
        let model = try EncoderDecoder(encoder: encoder, decoder: decoder)
        // Source of 5 steps with lengths [5, 3]; target side of 4 steps (a different length).
        let source = try SequenceBatch(
            inputs: GradientCheck.gaussian(rows: 5 * 2, columns: 3, &g), steps: 5, batchSize: 2, lengths: [5, 3])
        let decoderInputs = try SequenceBatch(inputs: GradientCheck.gaussian(rows: 4 * 2, columns: 2, &g), steps: 4, batchSize: 2)
        let labels = [0, 2, 1, 1, 2, 0, 1, -1]
        let r = try model.gradients(source: source, decoderInputs: decoderInputs, targets: .classes(labels), loss: .crossEntropy)
        func loss(_ m: EncoderDecoder<Double>) throws -> Double {
            try m.gradients(source: source, decoderInputs: decoderInputs, targets: .classes(labels), loss: .crossEntropy).loss
        }
        for (i, name) in encoder.parameters.names.enumerated() {
            let numeric = try GradientCheck.numericGradient(of: encoder.parameters.values[i].storage) { v in
                var m = model
                m.encoder.parameters.values[i].storage = v
                return try loss(m)
            }
            let err = GradientCheck.relativeError(r.encoder[name]?.storage ?? [], numeric)
            #expect(err < GradientCheck.tolerance, "\(cell) encoder d\(name): \(err)")
            #expect(numeric.contains { abs($0) > 1e-6 }, "the encoder must receive gradient through the state")
        }
        for (i, name) in decoder.parameters.names.enumerated() {
            let numeric = try GradientCheck.numericGradient(of: decoder.parameters.values[i].storage) { v in
                var m = model
                m.decoder.parameters.values[i].storage = v
                return try loss(m)
            }
            let err = GradientCheck.relativeError(r.decoder[name]?.storage ?? [], numeric)
            #expect(err < GradientCheck.tolerance, "\(cell) decoder d\(name): \(err)")
        }
        let numericX = try GradientCheck.numericGradient(of: source.inputs.storage) { v in
            let s = try SequenceBatch(inputs: Matrix(rows: 10, columns: 3, elements: v), steps: 5, batchSize: 2, lengths: [5, 3])
            return try model.gradients(source: s, decoderInputs: decoderInputs, targets: .classes(labels), loss: .crossEntropy).loss
        }
        #expect(GradientCheck.relativeError(r.sourceGradient.storage, numericX) < GradientCheck.tolerance)
    }

    @Test func mismatchedEncoderAndDecoderAreAClearError() throws {
        var g = SeededGenerator(seed: 1)
        let e = RecurrentModel<Double>(configuration: try ModelConfiguration(cell: .lstm, inputSize: 1, hiddenSize: 4), generator: &g)
        let d = RecurrentModel<Double>(configuration: try ModelConfiguration(cell: .gru, inputSize: 1, hiddenSize: 4), generator: &g)
        #expect(throws: EngineError.self) { _ = try EncoderDecoder(encoder: e, decoder: d) }
    }
}

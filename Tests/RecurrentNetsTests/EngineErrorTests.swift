import LinearAlgebra
import RecurrentNets
import Testing

/// Bad arguments give a typed ``EngineError`` with a clear description, never a crash.
struct EngineErrorTests {
    static func model(
        cell: CellKind = .rnn, head: Int? = 3, placement: HeadPlacement = .everyStep, layers: Int = 1
    ) throws(EngineError) -> RecurrentModel<Double> {
        var g = SeededGenerator(seed: 1)
        let config = try ModelConfiguration(
            cell: cell, inputSize: 3, hiddenSize: 4, layers: layers, headOutputs: head, headPlacement: placement)
        return RecurrentModel(configuration: config, generator: &g)
    }

    static func batch(features: Int = 3, steps: Int = 4, batch: Int = 2) throws(EngineError) -> SequenceBatch<Double> {
        try SequenceBatch(inputs: Matrix(rows: steps * batch, columns: features, repeating: 0.1), steps: steps, batchSize: batch)
    }

    /// The error `body` throws, which must be an ``EngineError`` (the engine's entry points are
    /// declared `throws(EngineError)`; this also records an issue when nothing is thrown).
    static func error(_ body: () throws -> Void) -> EngineError? {
        do {
            try body()
            Issue.record("expected an EngineError, none was thrown")
            return nil
        } catch let e as EngineError {
            return e
        } catch {
            Issue.record("not an EngineError: \(error)")
            return nil
        }
    }

    @Test("sizes that must be positive: hidden, layers, input, head outputs")
    func nonPositiveSizes() {
        #expect(throws: EngineError.invalidSize(field: "hidden", value: 0)) {
            try ModelConfiguration(inputSize: 3, hiddenSize: 0)
        }
        #expect(throws: EngineError.invalidSize(field: "layers", value: 0)) {
            try ModelConfiguration(inputSize: 3, hiddenSize: 4, layers: 0)
        }
        #expect(throws: EngineError.invalidSize(field: "input", value: -1)) {
            try ModelConfiguration(inputSize: -1, hiddenSize: 4)
        }
        #expect(throws: EngineError.invalidSize(field: "head outputs", value: 0)) {
            try ModelConfiguration(inputSize: 3, hiddenSize: 4, headOutputs: 0)
        }
        #expect(EngineError.invalidSize(field: "hidden", value: 0).description == "hidden must be a positive integer, got 0")
    }

    @Test("inputs with the wrong feature count, through forward, evaluate and gradients")
    func wrongFeatureCount() throws {
        let m = try Self.model()
        let b = try Self.batch(features: 5)
        let expected = EngineError.shapeMismatch(what: "inputs", expected: "(T*B) x 3", found: "8x5")
        #expect(Self.error { _ = try m.forward(b) } == expected)
        #expect(Self.error { _ = try m.evaluate(b, targets: .none, loss: .halfSumSquares) } == expected)
        #expect(Self.error { _ = try m.gradients(for: b, targets: .none, loss: .halfSumSquares) } == expected)
        #expect(Self.error { _ = try m.gradients(for: b, targets: .none, loss: .halfSumSquares, truncation: 2) } == expected)
        #expect(expected.description == "inputs has shape 8x5, expected (T*B) x 3")
    }

    @Test("malformed batches: rows not T*B, lengths out of range or of the wrong count, ragged sequences")
    func malformedBatches() {
        #expect(throws: EngineError.self) {
            try SequenceBatch(inputs: Matrix<Double>(rows: 7, columns: 3), steps: 4, batchSize: 2)
        }
        #expect(throws: EngineError.invalidValue(field: "length", value: "5", expected: "a length in 1...4")) {
            try SequenceBatch(inputs: Matrix<Double>(rows: 8, columns: 3), steps: 4, batchSize: 2, lengths: [4, 5])
        }
        #expect(throws: EngineError.invalidValue(field: "length", value: "0", expected: "a length in 1...4")) {
            try SequenceBatch(inputs: Matrix<Double>(rows: 8, columns: 3), steps: 4, batchSize: 2, lengths: [0, 4])
        }
        #expect(throws: EngineError.shapeMismatch(what: "lengths", expected: "[2]", found: "[3]")) {
            try SequenceBatch(inputs: Matrix<Double>(rows: 8, columns: 3), steps: 4, batchSize: 2, lengths: [1, 2, 3])
        }
        #expect(throws: EngineError.invalidSize(field: "steps", value: 0)) {
            try SequenceBatch(inputs: Matrix<Double>(rows: 0, columns: 3), steps: 0, batchSize: 2)
        }
        #expect(throws: EngineError.self) { try SequenceBatch<Double>(sequences: [[[1, 2]], [[1, 2], [3, 4]]]) }
        #expect(throws: EngineError.self) { try SequenceBatch<Double>(sequences: []) }
    }

    @Test("initial states of the wrong shape: layers, batch, hidden, missing LSTM cell state")
    func wrongInitialState() throws {
        let m = try Self.model(layers: 2)
        let b = try Self.batch()
        let badStates = [
            RecurrentState<Double>.zeros(layers: 1, batch: 2, hidden: 4, withCell: false),
            .zeros(layers: 2, batch: 3, hidden: 4, withCell: false),
            .zeros(layers: 2, batch: 2, hidden: 5, withCell: false),
        ]
        for s in badStates {
            let e = Self.error { _ = try m.forward(b, initialState: s) }
            guard case let .shapeMismatch(what, expected, _) = e else {
                Issue.record("forward: \(String(describing: e))")
                continue
            }
            #expect(what == "initial state h" && expected == "2 x (2x4)")
            #expect(Self.error { _ = try m.gradients(for: b, targets: .none, loss: .halfSumSquares, initialState: s) } == e)
            #expect(e?.description.hasPrefix("initial state h has shape") == true)
        }
        let lstm = try Self.model(cell: .lstm)
        let noCell = RecurrentState<Double>.zeros(layers: 1, batch: 2, hidden: 4, withCell: false)
        let e = Self.error { _ = try lstm.gradients(for: b, targets: .none, loss: .halfSumSquares, initialState: noCell) }
        guard case let .shapeMismatch(what, _, _) = e else {
            Issue.record("LSTM without c0: \(String(describing: e))")
            return
        }
        #expect(what == "initial state c")
    }

    @Test("targets of the wrong count or kind for each loss")
    func wrongTargets() throws {
        let b = try Self.batch()  // T = 4, B = 2
        let every = try Self.model(head: 3)
        let last = try Self.model(head: 3, placement: .lastStep)
        #expect(Self.error { _ = try every.gradients(for: b, targets: .classes([0, 1]), loss: .crossEntropy) }
            == .shapeMismatch(what: "class targets", expected: "[8]", found: "[2]"))
        #expect(Self.error { _ = try last.gradients(for: b, targets: .classes(Array(repeating: 0, count: 8)), loss: .crossEntropy) }
            == .shapeMismatch(what: "class targets", expected: "[2]", found: "[8]"))
        #expect(Self.error { _ = try every.gradients(for: b, targets: .values(Matrix(rows: 8, columns: 2)), loss: .mse) }
            == .shapeMismatch(what: "value targets", expected: "8x3", found: "8x2"))
        #expect(Self.error { _ = try last.gradients(for: b, targets: .values(Matrix(rows: 8, columns: 3)), loss: .bce) }
            == .shapeMismatch(what: "value targets", expected: "2x3", found: "8x3"))
        // The wrong kind: values for cross-entropy, classes or nothing for mse.
        for (loss, t) in [(LossFunction.crossEntropy, Targets<Double>.values(Matrix(rows: 8, columns: 3))), (.mse, .classes([0])),
                          (.bce, .none)] {
            let e = Self.error { _ = try every.gradients(for: b, targets: t, loss: loss) }
            guard case let .invalidValue(field, _, expected) = e else {
                Issue.record("\(loss): \(String(describing: e))")
                continue
            }
            #expect(field == "targets" && expected.contains("class targets for cross-entropy"))
        }
    }

    @Test("class targets out of range (>= outputs, or < -1) are rejected; -1 is accepted", arguments: [3, 7, -2])
    func classOutOfRange(label: Int) throws {
        let b = try Self.batch()
        let m = try Self.model(head: 3, placement: .lastStep)
        let e = Self.error { _ = try m.gradients(for: b, targets: .classes([0, label]), loss: .crossEntropy) }
        #expect(e == .invalidValue(field: "class target", value: "\(label)", expected: "a class in 0..<3 or -1"))
        #expect(e?.description == "class target = \(label) is invalid: expected a class in 0..<3 or -1")
        #expect(throws: Never.self) { try m.gradients(for: b, targets: .classes([0, -1]), loss: .crossEntropy) }
        // Without a head the classes index the hidden units.
        let noHead = try Self.model(head: nil, placement: .lastStep)
        #expect(Self.error { _ = try noHead.evaluate(b, targets: .classes([4, 0]), loss: .crossEntropy) }
            == .invalidValue(field: "class target", value: "4", expected: "a class in 0..<4 or -1"))
    }

    @Test("truncation windows must be positive", arguments: [0, -1, -100])
    func truncationMustBePositive(k: Int) throws {
        let m = try Self.model()
        let e = Self.error { _ = try m.gradients(for: Self.batch(), targets: .none, loss: .halfSumSquares, truncation: k) }
        #expect(e == .invalidValue(field: "truncation", value: "\(k)", expected: "a window k >= 1"))
        #expect(e?.description == "truncation = \(k) is invalid: expected a window k >= 1")
    }

    @Test("unknown initialiser names list the accepted ones")
    func unknownInitName() {
        let e = Self.error { _ = try Initializer(name: "he-normal") }
        #expect(e == .unknownName(field: "init", value: "he-normal", accepted: Initializer.names))
        #expect(e?.description == "unknown init 'he-normal'; expected one of: " + Initializer.names.joined(separator: ", "))
    }

    @Test("parameter sets that do not fit the layout: missing, wrong shape, extra")
    func parametersOutsideLayout() throws {
        let good = try Self.model()
        let config = good.configuration
        var missing = ParameterSet<Double>()
        for name in good.parameters.names where name != "bias_hh_l0" {
            missing.append(name, try #require(good.parameters[name]))
        }
        #expect(Self.error { _ = try RecurrentModel(configuration: config, parameters: missing) }
            == .invalidValue(field: "parameters", value: "missing bias_hh_l0", expected: "every parameter of the layout"))
        var wrongShape = ParameterSet<Double>()
        for name in good.parameters.names {
            let v = try #require(good.parameters[name])
            wrongShape.append(name, name == "weight_hh_l0" ? Matrix(rows: 4, columns: 5) : v)
        }
        #expect(Self.error { _ = try RecurrentModel(configuration: config, parameters: wrongShape) }
            == .shapeMismatch(what: "weight_hh_l0", expected: "4x4", found: "4x5"))
        var extra = good.parameters
        extra.append("h0", Matrix(rows: 1, columns: 4))
        #expect(Self.error { _ = try RecurrentModel(configuration: config, parameters: extra) }
            == .invalidValue(field: "parameters", value: "h0", expected: "no parameters outside the layout"))
    }

    @Test("backward and evaluateLoss reject gradients and outputs of the wrong shape")
    func wrongShapesInLowLevelCalls() throws {
        let m = try Self.model()
        let b = try Self.batch()
        let pass = try m.forward(b)
        #expect(Self.error { _ = try m.backward(pass, outputGradient: Matrix(rows: 8, columns: 3)) }
            == .shapeMismatch(what: "output gradient", expected: "8x4", found: "8x3"))
        let wrongFinal = RecurrentState<Double>.zeros(layers: 1, batch: 3, hidden: 4, withCell: false)
        #expect(Self.error { _ = try m.backward(pass, outputGradient: Matrix(rows: 8, columns: 4), finalStateGradient: wrongFinal) } != nil)
        #expect(Self.error {
            _ = try m.evaluateLoss(
                outputs: Matrix(rows: 6, columns: 4), window: 0..<4, steps: 4, lengths: [4, 4], targets: .none,
                loss: .halfSumSquares)
        } == .shapeMismatch(what: "outputs", expected: "8x4", found: "6x4"))
    }
}

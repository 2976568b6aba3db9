import LinearAlgebra
import RecurrentNets
import Testing

/// One gradient-check configuration: cell, depth, head, loss, lengths, initial-state policy.
struct GradientCase: Sendable, CustomTestStringConvertible {
    var cell: CellKind
    var relu = false
    var layers = 1
    var head: Int? = nil
    var placement: HeadPlacement = .everyStep
    var loss: LossFunction = .halfSumSquares
    var variableLengths = false
    var learnable = false
    var ignoreSomeLabels = false
    var steps = 5
    var seed: UInt64 = 11
    /// Hidden size (16 and up also runs the vectorised C kernels of the LSTM/GRU backward rows
    /// and of tanh/sigmoid).
    var hiddenSize = GradientCase.hidden

    static let batchSize = 3
    static let features = 3
    static let hidden = 4

    var cellName: String { cell == .rnn ? (relu ? "rnn-relu" : "rnn-tanh") : cell.rawValue }

    var testDescription: String {
        var s = "\(cellName) L=\(layers) \(loss.rawValue) \(placement.rawValue)"
        s += head.map { " head=\($0)" } ?? " no-head"
        if variableLengths { s += " lengths=[T,T-2,1]" }
        if learnable { s += " learnable-h0" }
        if ignoreSomeLabels { s += " ignored-labels" }
        if steps != 5 { s += " T=\(steps)" }
        if hiddenSize != Self.hidden { s += " H=\(hiddenSize)" }
        return s
    }

    /// Every cell at depth 1 and 2 (half-sum-squares on the states), then every loss / placement /
    /// head combination, variable lengths and learnable initial states spread over the cells.
    static let all: [GradientCase] = {
        var out: [GradientCase] = []
        for layers in [1, 2] {
            for (cell, relu) in [(CellKind.rnn, false), (.rnn, true), (.lstm, false), (.gru, false), (.layerNormRNN, false)] {
                out.append(GradientCase(cell: cell, relu: relu, layers: layers))
            }
        }
        out += [
            GradientCase(cell: .gru, layers: 2, head: 2, loss: .mse),
            GradientCase(cell: .lstm, loss: .mse),
            GradientCase(cell: .rnn, layers: 2, head: 3, placement: .lastStep, loss: .mse),
            GradientCase(cell: .layerNormRNN, placement: .lastStep, loss: .mse),
            GradientCase(cell: .lstm, layers: 2, head: 3, loss: .crossEntropy, ignoreSomeLabels: true),
            GradientCase(cell: .rnn, relu: true, head: 3, loss: .crossEntropy, ignoreSomeLabels: true),
            GradientCase(cell: .gru, head: 3, placement: .lastStep, loss: .crossEntropy),
            GradientCase(cell: .layerNormRNN, layers: 2, head: 4, placement: .lastStep, loss: .crossEntropy),
            GradientCase(cell: .rnn, head: 2, loss: .bce),
            GradientCase(cell: .lstm, head: 2, placement: .lastStep, loss: .bce),
            GradientCase(cell: .layerNormRNN, layers: 2, loss: .bce),
            // Variable lengths [T, T-2, 1].
            GradientCase(cell: .lstm, layers: 2, head: 3, loss: .crossEntropy, variableLengths: true, ignoreSomeLabels: true),
            GradientCase(cell: .gru, head: 2, placement: .lastStep, loss: .mse, variableLengths: true),
            GradientCase(cell: .rnn, relu: true, layers: 2, variableLengths: true),
            GradientCase(cell: .rnn, layers: 2, head: 2, loss: .mse, variableLengths: true),
            GradientCase(cell: .layerNormRNN, head: 2, loss: .bce, variableLengths: true),
            GradientCase(cell: .lstm, placement: .lastStep, variableLengths: true),
            // Learnable h0 (and c0).
            GradientCase(cell: .rnn, layers: 2, head: 2, loss: .mse, learnable: true),
            GradientCase(cell: .lstm, layers: 2, head: 3, placement: .lastStep, loss: .crossEntropy, learnable: true),
            GradientCase(cell: .gru, learnable: true),
            GradientCase(cell: .layerNormRNN, head: 2, loss: .mse, variableLengths: true, learnable: true),
            // Wide enough for the C kernels (H >= 16).
            GradientCase(cell: .lstm, layers: 2, head: 2, loss: .mse, hiddenSize: 16),
            GradientCase(cell: .gru, layers: 2, hiddenSize: 16),
            GradientCase(cell: .lstm, learnable: true, hiddenSize: 17),
            GradientCase(cell: .gru, head: 3, placement: .lastStep, loss: .crossEntropy, hiddenSize: 17),
            GradientCase(cell: .rnn, layers: 2, head: 2, loss: .mse, hiddenSize: 16),
        ]
        return out
    }()

    static var withVariableLengths: [GradientCase] { all.filter(\.variableLengths) }

    /// Builds the model, batch, targets and initial state (nil for a learnable state: the model's
    /// own `h0`/`c0` is used). ReLU nets are redrawn until every pre-activation is at least 0.01
    /// away from the kink, so central differences never straddle it.
    func setup() throws -> GradientSetup {
        let T = steps, B = Self.batchSize, F = Self.features, H = hiddenSize
        for attempt in 0..<500 {
            var g = SeededGenerator(seed: seed &+ UInt64(attempt) &* 7919)
            let config = try ModelConfiguration(
                cell: cell, nonlinearity: relu ? .relu : .tanh, inputSize: F, hiddenSize: H, layers: layers,
                headOutputs: head, headPlacement: placement, initialState: learnable ? .learnable : .zeros)
            var model = RecurrentModel<Double>(configuration: config, generator: &g)
            // Move layer-norm gain/bias and h0/c0 off their defaults (1, 0, 0) so a gradient that
            // only happens to be right at the default would be caught.
            for name in model.parameters.names where name.hasPrefix("ln_") || name == "h0" || name == "c0" {
                let old = try #require(model.parameters[name])
                let base = name.hasPrefix("ln_weight") ? 1.0 : 0.0
                model.parameters[name] = Matrix(
                    rows: old.rows, columns: old.columns, elements: old.storage.map { _ in base + 0.4 * g.normal() })
            }
            let lengths = variableLengths ? [T, T - 2, 1] : nil
            let batch = try SequenceBatch(
                inputs: GradientCheck.gaussian(rows: T * B, columns: F, &g), steps: T, batchSize: B, lengths: lengths)
            var state: RecurrentState<Double>?
            if !learnable {
                state = RecurrentState(
                    h: (0..<layers).map { _ in GradientCheck.gaussian(rows: B, columns: H, std: 0.5, &g) },
                    c: cell == .lstm ? (0..<layers).map { _ in GradientCheck.gaussian(rows: B, columns: H, std: 0.5, &g) } : nil)
            }
            let rows = placement == .everyStep ? T * B : B
            let width = head ?? H
            let targets: Targets<Double>
            switch loss {
            case .halfSumSquares: targets = .none
            case .mse: targets = .values(GradientCheck.gaussian(rows: rows, columns: width, &g))
            case .bce:
                targets = .values(Matrix(rows: rows, columns: width, elements: (0..<(rows * width)).map { _ in g.uniform() }))
            case .crossEntropy:
                targets = .classes((0..<rows).map { i in ignoreSomeLabels && i % 4 == 1 ? -1 : g.integer(below: width) })
            }
            if relu {
                let start = state ?? model.initialState(batchSize: B, generator: &g)
                guard try GradientCheck.smallestPreActivation(model, batch, start) > 0.01 else { continue }
            }
            return GradientSetup(model: model, batch: batch, targets: targets, state: state, loss: loss)
        }
        throw EngineError.invalidValue(field: "test setup", value: testDescription, expected: "a ReLU draw with a margin")
    }
}

/// A model, a batch and what the loss needs.
struct GradientSetup {
    var model: RecurrentModel<Double>
    var batch: SequenceBatch<Double>
    var targets: Targets<Double>
    var state: RecurrentState<Double>?
    var loss: LossFunction

    /// The full-sequence loss by the forward pass only (no gradient code involved).
    func lossValue(
        _ model: RecurrentModel<Double>? = nil, batch: SequenceBatch<Double>? = nil, state: RecurrentState<Double>?? = nil
    ) throws -> Double {
        try (model ?? self.model).evaluate(
            batch ?? self.batch, targets: targets, loss: loss, initialState: state ?? self.state
        ).loss
    }

    func gradients(truncation: Int? = nil) throws -> GradientResult<Double> {
        try model.gradients(for: batch, targets: targets, loss: loss, initialState: state, truncation: truncation)
    }

    func replacingInputs(_ v: [Double]) throws -> SequenceBatch<Double> {
        try SequenceBatch(
            inputs: Matrix(rows: batch.inputs.rows, columns: batch.inputs.columns, elements: v), steps: batch.steps,
            batchSize: batch.batchSize, lengths: batch.lengths)
    }
}

/// Replaces element storage of one layer's `h` or `c` in a state.
private func replacingState(_ s: RecurrentState<Double>, layer k: Int, cell: Bool, _ v: [Double]) -> RecurrentState<Double> {
    var s = s
    if cell {
        if let old = s.c?[k] { s.c?[k] = Matrix(rows: old.rows, columns: old.columns, elements: v) }
    } else {
        s.h[k] = Matrix(rows: s.h[k].rows, columns: s.h[k].columns, elements: v)
    }
    return s
}

struct FiniteDifferenceTests {
    typealias Check = GradientCheck

    // MARK: - Full BPTT against central differences

    @Test("dL/d(every parameter, input and h0/c0 element) equals the central difference of the loss", arguments: GradientCase.all)
    func analyticGradientsMatchCentralDifferences(_ c: GradientCase) throws {
        let s = try c.setup()
        let r = try s.gradients()
        let base = try s.lossValue()
        #expect(abs(r.loss - base) <= 1e-13 * max(1, abs(base)), "gradients() loss \(r.loss) vs forward loss \(base)")
        #expect(base > 1e-3, "loss too small for a meaningful check: \(base)")

        for name in s.model.parameters.names {
            let values = try #require(s.model.parameters[name]).storage
            let numeric = try Check.numericGradient(of: values) { v in
                try s.lossValue(Check.replacing(s.model, name, v))
            }
            let analytic = try #require(r.gradients[name]).storage
            let err = Check.relativeError(analytic, numeric)
            #expect(err < Check.tolerance, "\(c) d\(name): relative error \(err)")
            #expect(numeric.contains { abs($0) > 1e-6 }, "\(c) d\(name) is ~0: the check would be vacuous")
        }

        let numericX = try Check.numericGradient(of: s.batch.inputs.storage) { v in
            try s.lossValue(batch: s.replacingInputs(v))
        }
        let errX = Check.relativeError(r.inputGradient.storage, numericX)
        #expect(errX < Check.tolerance, "\(c) dL/dx: relative error \(errX)")

        if let state = s.state {
            for k in 0..<c.layers {
                for isCell in c.cell == .lstm ? [false, true] : [false] {
                    let values = isCell ? try #require(state.c?[k]).storage : state.h[k].storage
                    let numeric = try Check.numericGradient(of: values) { v in
                        try s.lossValue(state: .some(replacingState(state, layer: k, cell: isCell, v)))
                    }
                    let analytic = isCell
                        ? try #require(r.initialStateGradient.c?[k]).storage : r.initialStateGradient.h[k].storage
                    let err = Check.relativeError(analytic, numeric)
                    #expect(err < Check.tolerance, "\(c) dL/d\(isCell ? "c0" : "h0") layer \(k): relative error \(err)")
                }
            }
        }
    }

    // MARK: - Variable lengths

    @Test("padded steps are inert: their inputs and targets change neither loss nor any gradient; their dL/dx rows are 0",
          arguments: GradientCase.withVariableLengths)
    func paddedStepsChangeNothing(_ c: GradientCase) throws {
        let s = try c.setup()
        let r1 = try s.gradients()
        let B = s.batch.batchSize
        let F = s.batch.features
        var g = SeededGenerator(seed: 99)
        var x = s.batch.inputs.storage
        var padded: [Int] = []
        for t in 0..<s.batch.steps {
            for b in 0..<B where t >= s.batch.lengths[b] {
                padded.append(t * B + b)
                for f in 0..<F { x[(t * B + b) * F + f] = 100 * g.normal() }
            }
        }
        #expect(!padded.isEmpty)
        // Targets at padded positions changed too (every-step only: last-step reads valid steps).
        var targets = s.targets
        if c.placement == .everyStep {
            switch s.targets {
            case let .classes(labels):
                var l = labels
                for row in padded { l[row] = (l[row] + 1) % (c.head ?? GradientCase.hidden) }
                targets = .classes(l)
            case let .values(m):
                var m2 = m
                for row in padded { for j in 0..<m.columns { m2[row, j] += 7 } }
                targets = .values(m2)
            case .none: break
            }
        }
        let s2 = GradientSetup(model: s.model, batch: try s.replacingInputs(x), targets: targets, state: s.state, loss: s.loss)
        let r2 = try s2.gradients()
        #expect(r1.loss == r2.loss)
        #expect(r1.gradients == r2.gradients, "\(c): some parameter gradient depends on padded steps")
        #expect(r1.inputGradient == r2.inputGradient)
        #expect(r1.initialStateGradient == r2.initialStateGradient)
        #expect(r1.finalState == r2.finalState)
        for r in [r1, r2] {
            for row in padded {
                #expect((0..<F).allSatisfy { r.inputGradient[row, $0] == 0 }, "\(c): dL/dx row \(row) is padding but not 0")
            }
        }
        // The final state of each sequence is its state at its own last valid step.
        let pass = try s.model.forward(s.batch, initialState: s.state ?? s.model.initialState(batchSize: B, generator: &g))
        let top = c.layers - 1
        for b in 0..<B {
            let last = (s.batch.lengths[b] - 1) * B + b
            for j in 0..<GradientCase.hidden {
                #expect(pass.finalState.h[top][b, j] == pass.outputs[last, j])
            }
        }
    }

    @Test("a loss on the final state (backward's finalStateGradient) reaches each sequence's last valid step",
          arguments: [CellKind.rnn, .lstm, .gru, .layerNormRNN])
    func finalStateGradientWithVariableLengths(_ cell: CellKind) throws {
        let s = try GradientCase(cell: cell, layers: 2, variableLengths: true).setup()
        let state0 = try #require(s.state)
        var g = SeededGenerator(seed: 12)
        let L = 2, B = s.batch.batchSize, H = GradientCase.hidden
        let gh = (0..<L).map { _ in GradientCheck.gaussian(rows: B, columns: H, &g) }
        let gc = cell == .lstm ? (0..<L).map { _ in GradientCheck.gaussian(rows: B, columns: H, &g) } : nil
        // loss = sum <G_h, h_final> + <G_c, c_final>
        func loss(_ m: RecurrentModel<Double>, _ batch: SequenceBatch<Double>, _ st: RecurrentState<Double>) throws -> Double {
            let f = try m.forward(batch, initialState: st).finalState
            var total = 0.0
            for k in 0..<L {
                total += zip(f.h[k].storage, gh[k].storage).map(*).reduce(0, +)
                if let gc, let fc = f.c { total += zip(fc[k].storage, gc[k].storage).map(*).reduce(0, +) }
            }
            return total
        }
        let pass = try s.model.forward(s.batch, initialState: state0)
        let r = try s.model.backward(
            pass, outputGradient: Matrix(rows: s.batch.steps * B, columns: H), finalStateGradient: RecurrentState(h: gh, c: gc))
        for name in s.model.parameters.names {
            let values = try #require(s.model.parameters[name]).storage
            let numeric = try Check.numericGradient(of: values) { v in try loss(Check.replacing(s.model, name, v), s.batch, state0) }
            let err = Check.relativeError(try #require(r.gradients[name]).storage, numeric)
            #expect(err < Check.tolerance, "\(cell) d\(name): relative error \(err)")
        }
        let numericX = try Check.numericGradient(of: s.batch.inputs.storage) { v in try loss(s.model, s.replacingInputs(v), state0) }
        #expect(Check.relativeError(r.inputGradient.storage, numericX) < Check.tolerance, "\(cell) dL/dx")
        for k in 0..<L {
            let numeric = try Check.numericGradient(of: state0.h[k].storage) { v in
                try loss(s.model, s.batch, replacingState(state0, layer: k, cell: false, v))
            }
            #expect(Check.relativeError(r.initialStateGradient.h[k].storage, numeric) < Check.tolerance, "\(cell) dh0 \(k)")
        }
        // The length-1 sequence's final state depends on step 0 only: its rows at steps >= 1 are 0.
        for t in 1..<s.batch.steps {
            #expect((0..<s.batch.features).allSatisfy { r.inputGradient[t * B + 2, $0] == 0 })
        }
    }

    // MARK: - Truncated BPTT

    static let truncationCells: [GradientCase] = [
        GradientCase(cell: .rnn, layers: 2, steps: 7),
        GradientCase(cell: .lstm, layers: 2, head: 2, loss: .mse, steps: 7),
        GradientCase(cell: .gru, layers: 2, head: 3, loss: .crossEntropy, ignoreSomeLabels: true, steps: 7),
        GradientCase(cell: .layerNormRNN, head: 3, placement: .lastStep, loss: .crossEntropy, steps: 7),
        GradientCase(cell: .rnn, relu: true, head: 2, loss: .mse, steps: 7),
    ]

    @Test("truncation with k >= T is exactly full BPTT", arguments: truncationCells)
    func truncationCoveringTheSequenceIsFullBPTT(_ c: GradientCase) throws {
        let s = try c.setup()
        let full = try s.gradients()
        for k in [c.steps, c.steps + 1, 1000] {
            let r = try s.gradients(truncation: k)
            #expect(r.loss == full.loss)
            #expect(r.gradients == full.gradients, "\(c) k=\(k)")
            #expect(r.inputGradient == full.inputGradient)
            #expect(r.initialStateGradient == full.initialStateGradient)
            #expect(r.finalState == full.finalState)
        }
    }

    /// The loss whose exact gradient truncated BPTT computes: each window run separately from the
    /// state carried into it, that state held constant (computed once at the unperturbed weights).
    static func detachedWindowLoss(
        _ s: GradientSetup, k: Int, model: RecurrentModel<Double>, inputs: [Double], carried: [RecurrentState<Double>],
        start: RecurrentState<Double>? = nil
    ) throws -> Double {
        let T = s.batch.steps, B = s.batch.batchSize, F = s.batch.features
        let placement = model.configuration.headPlacement
        var total = 0.0
        var w = 0
        for lo in stride(from: 0, to: T, by: k) {
            let hi = min(lo + k, T)
            let batch = try SequenceBatch(
                inputs: Matrix(rows: (hi - lo) * B, columns: F, elements: Array(inputs[(lo * B * F)..<(hi * B * F)])),
                steps: hi - lo, batchSize: B)
            let state = w == 0 ? (start ?? carried[0]) : carried[w]
            w += 1
            // Each window's targets and its share of the full loss's normaliser.
            var targets = s.targets
            var share = 1.0
            switch (s.loss, s.targets, placement) {
            case (.halfSumSquares, _, _): break
            case let (.mse, .values(m), .everyStep):
                targets = .values(m.rows(lo * B..<hi * B))
                share = Double(hi - lo) / Double(T)
            case let (.crossEntropy, .classes(labels), .everyStep):
                let part = Array(labels[(lo * B)..<(hi * B)])
                targets = .classes(part)
                let n = part.filter { $0 >= 0 }.count
                if n == 0 { continue }
                share = Double(n) / Double(labels.filter { $0 >= 0 }.count)
            case (.crossEntropy, .classes, .lastStep):
                if hi < T { continue }  // only the last window holds the last steps (equal lengths)
            default:
                throw EngineError.invalidValue(field: "oracle", value: "\(s.loss)", expected: "a supported loss")
            }
            total += share * (try model.evaluate(batch, targets: targets, loss: s.loss, initialState: state).loss)
        }
        return total
    }

    @Test("truncated BPTT (k < T) is the exact gradient of the loss with the carried state held constant",
          arguments: truncationCells)
    func truncatedGradientMatchesDetachedWindowOracle(_ c: GradientCase) throws {
        let s = try c.setup()
        let k = 3
        let state0 = try #require(s.state)
        // The states carried into each window, at the unperturbed weights.
        var carried = [state0]
        var lo = 0
        while lo + k < c.steps {
            let B = s.batch.batchSize, F = s.batch.features
            let window = try SequenceBatch(
                inputs: Matrix(rows: k * B, columns: F, elements: Array(s.batch.inputs.storage[(lo * B * F)..<((lo + k) * B * F)])),
                steps: k, batchSize: B)
            carried.append(try s.model.forward(window, initialState: carried[carried.count - 1]).finalState)
            lo += k
        }
        let r = try s.gradients(truncation: k)
        let full = try s.gradients()
        let x = s.batch.inputs.storage
        let oracleLoss = try Self.detachedWindowLoss(s, k: k, model: s.model, inputs: x, carried: carried)
        #expect(abs(oracleLoss - full.loss) <= 1e-12 * max(1, abs(full.loss)), "window losses must add up to the full loss")
        #expect(abs(r.loss - full.loss) <= 1e-12 * max(1, abs(full.loss)))
        #expect(r.finalState == full.finalState, "the state crosses window boundaries unchanged")

        for name in s.model.parameters.names {
            let values = try #require(s.model.parameters[name]).storage
            let numeric = try Check.numericGradient(of: values) { v in
                try Self.detachedWindowLoss(s, k: k, model: Check.replacing(s.model, name, v), inputs: x, carried: carried)
            }
            let err = Check.relativeError(try #require(r.gradients[name]).storage, numeric)
            #expect(err < Check.tolerance, "\(c) truncated d\(name): relative error \(err)")
        }
        let numericX = try Check.numericGradient(of: x) { v in
            try Self.detachedWindowLoss(s, k: k, model: s.model, inputs: v, carried: carried)
        }
        #expect(Check.relativeError(r.inputGradient.storage, numericX) < Check.tolerance, "\(c) truncated dL/dx")
        for layer in 0..<c.layers {
            for isCell in c.cell == .lstm ? [false, true] : [false] {
                let values = isCell ? try #require(state0.c?[layer]).storage : state0.h[layer].storage
                let numeric = try Check.numericGradient(of: values) { v in
                    try Self.detachedWindowLoss(
                        s, k: k, model: s.model, inputs: x, carried: carried,
                        start: replacingState(state0, layer: layer, cell: isCell, v))
                }
                let analytic = isCell
                    ? try #require(r.initialStateGradient.c?[layer]).storage : r.initialStateGradient.h[layer].storage
                #expect(Check.relativeError(analytic, numeric) < Check.tolerance, "\(c) truncated dL/dh0 layer \(layer)")
            }
        }
        // Not vacuous: truncation must actually drop terms here.
        let whh = try #require(r.gradients["weight_hh_l0"]).storage
        let whhFull = try #require(full.gradients["weight_hh_l0"]).storage
        #expect(Check.relativeError(whh, whhFull) > 1e-4, "\(c): truncated and full gradients coincide")
    }

    @Test("no gradient crosses a window boundary while the state does", arguments: [CellKind.rnn, .lstm, .gru, .layerNormRNN])
    func noGradientCrossesWindowBoundary(_ cell: CellKind) throws {
        let T = 6, k = 3, B = 2, F = 3, H = 4
        var g = SeededGenerator(seed: 5)
        let config = try ModelConfiguration(cell: cell, inputSize: F, hiddenSize: H, layers: 2, headOutputs: 3)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        let x = GradientCheck.gaussian(rows: T * B, columns: F, &g)
        let batch = try SequenceBatch(inputs: x, steps: T, batchSize: B)
        // Cross-entropy labelled only in window 2 (steps 3..<6): the loss is window 2's loss.
        let labels = (0..<(T * B)).map { $0 < k * B ? -1 : g.integer(below: 3) }
        let truncated = try model.gradients(for: batch, targets: .classes(labels), loss: .crossEntropy, truncation: k)
        let full = try model.gradients(for: batch, targets: .classes(labels), loss: .crossEntropy)

        // The state crosses: an input of window 1 moves window 2's loss.
        var x2 = x
        x2[1 * B + 0, 1] += 0.5
        let moved = try model.evaluate(
            SequenceBatch(inputs: x2, steps: T, batchSize: B), targets: .classes(labels), loss: .crossEntropy)
        #expect(abs(moved.loss - full.loss) > 1e-6, "window 1's input does not reach window 2's loss")
        // Full BPTT sees that dependence...
        #expect((0..<(k * B * F)).contains { full.inputGradient.storage[$0] != 0 })
        // ...the truncated gradient does not: window 1's rows of dL/dx are exactly zero, and so is dL/dh0.
        #expect((0..<(k * B * F)).allSatisfy { truncated.inputGradient.storage[$0] == 0 })
        #expect(truncated.initialStateGradient.h.allSatisfy { $0.storage.allSatisfy { $0 == 0 } })
        #expect((k * B * F..<(T * B * F)).contains { truncated.inputGradient.storage[$0] != 0 })

        // With a loss in both windows, window 1's rows come only from window 1's loss: they equal
        // the gradient of the first k steps run on their own, and window 2's rows equal the gradient
        // of window 2 run from the carried state.
        let both = try model.gradients(for: batch, targets: .none, loss: .halfSumSquares, truncation: k)
        let first = try SequenceBatch(inputs: x.rows(0..<(k * B)), steps: k, batchSize: B)
        let w1 = try model.gradients(for: first, targets: .none, loss: .halfSumSquares)
        let second = try SequenceBatch(inputs: x.rows((k * B)..<(T * B)), steps: T - k, batchSize: B)
        let w2 = try model.gradients(for: second, targets: .none, loss: .halfSumSquares, initialState: w1.finalState)
        let rows1 = Array(both.inputGradient.storage[0..<(k * B * F)])
        let rows2 = Array(both.inputGradient.storage[(k * B * F)...])
        #expect(GradientCheck.relativeError(rows1, w1.inputGradient.storage) < 1e-14)
        #expect(GradientCheck.relativeError(rows2, w2.inputGradient.storage) < 1e-14)
        var summed = w1.gradients
        summed.add(w2.gradients)
        for name in model.parameters.names {
            let a = try #require(both.gradients[name]).storage
            let b = try #require(summed[name]).storage
            #expect(GradientCheck.relativeError(a, b) < 1e-13, "\(cell) \(name): truncated != sum of window gradients")
        }
    }

    // MARK: - The comparison itself can fail

    @Test("negative control: the comparison flags one perturbed element, two swapped elements and a dropped term")
    func comparisonFlagsWrongGradients() throws {
        let c = GradientCase(cell: .lstm, head: 2, loss: .mse, steps: 6)
        let s = try c.setup()
        let r = try s.gradients()
        let name = "weight_hh_l0"
        let values = try #require(s.model.parameters[name]).storage
        let numeric = try Check.numericGradient(of: values) { v in try s.lossValue(Check.replacing(s.model, name, v)) }
        let analytic = try #require(r.gradients[name]).storage
        #expect(Check.relativeError(analytic, numeric) < Check.tolerance)

        // One element off by 1e-4 of the tensor's scale.
        var perturbed = analytic
        let scale = numeric.map(abs).max() ?? 1
        perturbed[7] += 1e-4 * scale
        #expect(Check.relativeError(perturbed, numeric) > Check.tolerance)
        // An index error: two elements swapped.
        var swapped = analytic
        let (i, j) = (0, analytic.indices.max { abs(analytic[$0] - analytic[0]) < abs(analytic[$1] - analytic[0]) } ?? 1)
        swapped.swapAt(i, j)
        #expect(Check.relativeError(swapped, numeric) > Check.tolerance)
        // A missing term: gradients that stop at every step boundary (truncation k = 1).
        let dropped = try #require(try s.gradients(truncation: 1).gradients[name]).storage
        #expect(Check.relativeError(dropped, numeric) > Check.tolerance)
        // NaN never passes.
        var nan = analytic
        nan[0] = .nan
        #expect(Check.relativeError(nan, numeric) > Check.tolerance)
    }
}

import LinearAlgebra

extension RecurrentModel {
    /// Loss and exact gradients of every parameter for one batch, by full or truncated BPTT.
    ///
    /// - Parameters:
    ///   - truncation: nil or `k >= T` for full BPTT; otherwise windows of `k` steps: the state is
    ///     carried across windows without gradient, so memory is `O(k)` and no gradient crosses a
    ///     window boundary. The gradients of all windows are summed.
    ///   - initialState: the state to start from; when nil, the learned `h0`/`c0` for a learnable
    ///     initial state, zeros otherwise.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func gradients(
        for batch: SequenceBatch<Scalar>, targets: Targets<Scalar>, loss: LossFunction,
        initialState: RecurrentState<Scalar>? = nil, truncation: Int? = nil, dropout: DropoutRates = .none,
        dropoutSeed: UInt64 = 0
    ) throws(EngineError) -> GradientResult<Scalar> {
        try dropout.validate()
        var dropoutStream = SeededGenerator(seed: dropoutSeed)
        let c = configuration
        if let truncation, truncation <= 0 {
            throw .invalidValue(field: "truncation", value: "\(truncation)", expected: "a window k >= 1")
        }
        let T = batch.steps
        let B = batch.batchSize
        let k = min(truncation ?? T, T)
        var state = try startingState(for: batch, given: initialState)
        var total = parameters.zeros()
        var totalLoss = 0.0
        // One window (full BPTT) takes the backward pass's input gradient as it is.
        var dx = Matrix<Scalar>(rows: k >= T ? 0 : T * B, columns: c.inputSize)
        var dStart: RecurrentState<Scalar>?
        var norms = [[Double]](repeating: [], count: c.layers)
        var xNorms: [Double] = []
        var correct = 0
        var labelled = 0
        var saturated = [Double](repeating: 0, count: c.layers)
        var derivative = [Double](repeating: 0, count: c.layers)
        var validCount = 0
        var windowStart = 0
        while windowStart < T {
            let range = windowStart..<min(windowStart + k, T)
            let w = batch.window(range)
            let lengths = w.lengths
            let pass = forwardUnchecked(
                inputs: w.inputs, steps: range.count, batchSize: B, lengths: lengths,
                initialState: state, dropout: dropout, generator: &dropoutStream)
            let eval = try evaluateLoss(
                outputs: pass.headInputs, window: range, steps: T, lengths: batch.lengths, targets: targets, loss: loss)
            var outputGradient = eval.outputGradient
            if let mask = pass.outputMask {
                for i in 0..<outputGradient.count { outputGradient.storage[i] *= mask.storage[i] }
            }
            let back = backwardUnchecked(pass, outputGradient: outputGradient, finalStateGradient: nil)
            total.add(back.gradients)
            if !eval.headWeightGradient.storage.isEmpty {
                total.add(eval.headWeightGradient, to: "head.weight")
                total.add(eval.headBiasGradient, to: "head.bias")
            }
            totalLoss += eval.loss
            if range.count == T {
                dx = back.inputGradient
            } else {
                let offset = range.lowerBound * B * c.inputSize
                dx.storage.withUnsafeMutableBufferPointer { d in
                    back.inputGradient.storage.withUnsafeBufferPointer { src in
                        for i in 0..<src.count { d[offset + i] = src[i] }
                    }
                }
            }
            if dStart == nil { dStart = back.initialStateGradient }
            for l in 0..<c.layers { norms[l] += back.stateGradientNorms[l] }
            xNorms += back.inputGradientNorms
            correct += eval.correct
            labelled += eval.labelled
            for l in 0..<c.layers {
                let (sat, der) = Self.saturationStatistics(
                    pass.states(layer: l), steps: range.count, batchSize: B, lengths: lengths)
                saturated[l] += sat
                derivative[l] += der
            }
            validCount += lengths.reduce(0, +) * c.hiddenSize
            state = pass.finalState
            windowStart = range.upperBound
        }
        let start = dStart ?? .zeros(layers: c.layers, batch: B, hidden: c.hiddenSize, withCell: hasCellState)
        if c.initialState == .learnable {
            total["h0"] = Self.sumOverBatch(start.h)
            if let cs = start.c, hasCellState { total["c0"] = Self.sumOverBatch(cs) }
        }
        let denominator = Double(max(validCount, 1))
        return GradientResult(
            loss: totalLoss, gradients: total, inputGradient: dx, initialStateGradient: start,
            stateGradientNorms: norms, inputGradientNorms: xNorms, finalState: state, correct: correct,
            labelled: labelled, saturatedFraction: saturated.map { $0 / denominator },
            meanTanhDerivative: derivative.map { $0 / denominator })
    }

    /// Predictions only (no gradients): head outputs at the head's positions, and accuracy counts.
    public func evaluate(
        _ batch: SequenceBatch<Scalar>, targets: Targets<Scalar>, loss: LossFunction,
        initialState: RecurrentState<Scalar>? = nil
    ) throws(EngineError) -> LossEvaluation<Scalar> {
        let pass = try forward(batch, initialState: initialState)
        return try evaluateLoss(
            outputs: pass.outputs, window: 0..<batch.steps, steps: batch.steps, lengths: batch.lengths,
            targets: targets, loss: loss)
    }

    /// Over the valid rows of a `(T*B) x H` states buffer: how many `|h| > 0.95`, and the sum of
    /// `1 - h^2`. Row by row over contiguous memory, each row summed in Double, then added to the total.
    @inline(__always)
    static func saturationStatistics(
        _ s: Matrix<Scalar>, steps: Int, batchSize B: Int, lengths: [Int]
    ) -> (saturated: Double, derivative: Double) {
        let H = s.columns
        var saturated = 0
        var derivative = 0.0
        s.storage.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for t in 0..<steps {
                for b in 0..<B where t < lengths[b] {
                    let row = base + (t * B + b) * H
                    var count = 0
                    var sum = 0.0
                    for j in 0..<H {
                        let v = Double(row[j])
                        count += Swift.abs(v) > 0.95 ? 1 : 0
                        sum += 1 - v * v
                    }
                    saturated += count
                    derivative += sum
                }
            }
        }
        return (Double(saturated), derivative)
    }

    /// `[L] x (B x H)` summed over the batch into `L x H`.
    static func sumOverBatch(_ states: [Matrix<Scalar>]) -> Matrix<Scalar> {
        let L = states.count
        let H = states.first?.columns ?? 0
        var m = Matrix<Scalar>(rows: L, columns: H)
        for (l, s) in states.enumerated() {
            for b in 0..<s.rows { for j in 0..<H { m[l, j] += s[b, j] } }
        }
        return m
    }
}

public import LinearAlgebra

extension RecurrentModel {
    /// The loss and its gradient w.r.t. the top-layer states for steps `window` of a pass.
    ///
    /// - Parameters:
    ///   - outputs: the top-layer states of the window, `(window.count*B) x H`.
    ///   - window: the global steps these outputs cover.
    ///   - lengths: valid steps of each sequence over the whole sequence.
    ///   - steps: `T` of the whole sequence (normalisers count the whole sequence, so the
    ///     losses of consecutive windows add up to the full loss).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func evaluateLoss(
        outputs: Matrix<Scalar>, window: Range<Int>, steps: Int, lengths: [Int], targets: Targets<Scalar>,
        loss: LossFunction
    ) throws(EngineError) -> LossEvaluation<Scalar> {
        let c = configuration
        let B = lengths.count
        let H = c.hiddenSize
        let placement = c.headPlacement
        guard outputs.rows == window.count * B, outputs.columns == H else {
            throw .shapeMismatch(
                what: "outputs", expected: "\(window.count * B)x\(H)", found: "\(outputs.rows)x\(outputs.columns)")
        }
        // Positions the loss reads.
        var positions: [(t: Int, b: Int)] = []
        var totalPositions = 0
        switch placement {
        case .everyStep:
            for t in window { for b in 0..<B where t < lengths[b] { positions.append((t, b)) } }
            totalPositions = lengths.reduce(0, +)
        case .lastStep:
            for b in 0..<B where window.contains(lengths[b] - 1) { positions.append((lengths[b] - 1, b)) }
            totalPositions = B
        }
        let width = c.headOutputs ?? H
        let targetRow: (Int, Int) -> Int = { t, b in placement == .everyStep ? t * B + b : b }
        let targetRows = placement == .everyStep ? steps * B : B
        // Validate targets.
        switch (loss, targets) {
        case (.halfSumSquares, _): break
        case let (.crossEntropy, .classes(labels)):
            guard labels.count == targetRows else {
                throw .shapeMismatch(what: "class targets", expected: "[\(targetRows)]", found: "[\(labels.count)]")
            }
            if let bad = labels.first(where: { $0 < -1 || $0 >= width }) {
                throw .invalidValue(field: "class target", value: "\(bad)", expected: "a class in 0..<\(width) or -1")
            }
        case let (.mse, .values(m)), let (.bce, .values(m)):
            guard m.rows == targetRows, m.columns == width else {
                throw .shapeMismatch(what: "value targets", expected: "\(targetRows)x\(width)", found: "\(m.rows)x\(m.columns)")
            }
        default:
            throw .invalidValue(
                field: "targets", value: "\(targets)", expected: "class targets for cross-entropy, value targets for mse/bce")
        }
        // Gather the states at the positions. When the loss reads every row of the window (every
        // step, no padding), position p is row p: the outputs are used as they are.
        let P = positions.count
        let allRows = placement == .everyStep && P == window.count * B
        var hs: Matrix<Scalar>
        if allRows {
            hs = outputs
        } else {
            hs = Matrix<Scalar>(rows: P, columns: H)
            for (p, pos) in positions.enumerated() {
                let src = ((pos.t - window.lowerBound) * B + pos.b) * H
                for j in 0..<H { hs.storage[p * H + j] = outputs.storage[src + j] }
            }
        }
        var z: Matrix<Scalar>
        let headW = parameters["head.weight"]
        let headB = parameters["head.bias"]
        if let headW, let headB {
            z = Matrix(rows: P, columns: width)
            BLAS.gemm(hs, headW, transposeB: true, into: &z)
            for p in 0..<P { for j in 0..<width { z.storage[p * width + j] += headB.storage[j] } }
        } else {
            z = hs
        }
        // Loss and dL/dz.
        // Every loss but cross-entropy (which skips unlabelled rows) writes every element of dz.
        var dz: Matrix<Scalar>
        if case .crossEntropy = loss {
            dz = Matrix<Scalar>(rows: P, columns: width)
        } else {
            dz = Matrix<Scalar>(uninitializedRows: P, columns: width)
        }
        var total = 0.0
        var correct = 0
        var labelled = 0
        switch (loss, targets) {
        case (.halfSumSquares, _):
            for i in 0..<z.count {
                let v = Double(z.storage[i])
                total += 0.5 * v * v
                dz.storage[i] = z.storage[i]
            }
        case let (.mse, .values(y)):
            let n = Double(totalPositions * width)
            let everyStep = placement == .everyStep
            // Over unsafe rows; each row's squares are summed in four Double lanes (vectorisable)
            // before being added to the total.
            z.storage.withUnsafeBufferPointer { zb in
            y.storage.withUnsafeBufferPointer { yb in
            dz.storage.withUnsafeMutableBufferPointer { db in
                guard let zp = zb.baseAddress, let yp = yb.baseAddress, let dp = db.baseAddress else { return }
                for p in 0..<P {
                    let pos = positions[p]
                    let r = everyStep ? pos.t * B + pos.b : pos.b
                    let zr = zp + p * width, yr = yp + r * width, dr = dp + p * width
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    var j = 0
                    while j + 4 <= width {
                        let d0 = Double(zr[j]) - Double(yr[j])
                        let d1 = Double(zr[j + 1]) - Double(yr[j + 1])
                        let d2 = Double(zr[j + 2]) - Double(yr[j + 2])
                        let d3 = Double(zr[j + 3]) - Double(yr[j + 3])
                        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3
                        dr[j] = Scalar(2 * d0 / n); dr[j + 1] = Scalar(2 * d1 / n)
                        dr[j + 2] = Scalar(2 * d2 / n); dr[j + 3] = Scalar(2 * d3 / n)
                        j += 4
                    }
                    while j < width {
                        let d = Double(zr[j]) - Double(yr[j])
                        s0 += d * d
                        dr[j] = Scalar(2 * d / n)
                        j += 1
                    }
                    total += ((s0 + s1) + (s2 + s3)) / n
                }
            }}}
        case let (.bce, .values(y)):
            let n = Double(totalPositions * width)
            for (p, pos) in positions.enumerated() {
                let r = targetRow(pos.t, pos.b)
                for j in 0..<width {
                    let x = Double(z.storage[p * width + j])
                    let target = Double(y.storage[r * width + j])
                    // Portable functions only (no libm): the same bits on every platform.
                    total += (max(x, 0) - x * target + PortableMath.log1p(PortableMath.exp(-Swift.abs(x)))) / n
                    let s = PortableMath.sigmoid(x)
                    dz.storage[p * width + j] = Scalar((s - target) / n)
                }
            }
        case let (.crossEntropy, .classes(labels)):
            let countLabelled: Int
            switch placement {
            case .everyStep:
                var count = 0
                for b in 0..<B { for t in 0..<lengths[b] where labels[t * B + b] >= 0 { count += 1 } }
                countLabelled = count
            case .lastStep: countLabelled = labels.filter { $0 >= 0 }.count
            }
            let n = Double(max(countLabelled, 1))
            for (p, pos) in positions.enumerated() {
                let label = labels[targetRow(pos.t, pos.b)]
                guard label >= 0 else { continue }
                var m = -Double.infinity
                var arg = 0
                for j in 0..<width where Double(z.storage[p * width + j]) > m {
                    m = Double(z.storage[p * width + j])
                    arg = j
                }
                var sum = 0.0
                for j in 0..<width { sum += PortableMath.exp(Double(z.storage[p * width + j]) - m) }
                let lse = m + PortableMath.log(sum)
                total += (lse - Double(z.storage[p * width + label])) / n
                for j in 0..<width {
                    let prob = PortableMath.exp(Double(z.storage[p * width + j]) - lse)
                    dz.storage[p * width + j] = Scalar((prob - (j == label ? 1 : 0)) / n)
                }
                labelled += 1
                if arg == label { correct += 1 }
            }
        default:
            break
        }
        // Back through the head.
        var dhs: Matrix<Scalar>
        var dW = Matrix<Scalar>(rows: 0, columns: 0)
        var db = Matrix<Scalar>(rows: 0, columns: 0)
        if let headW {
            dhs = Matrix(rows: P, columns: H)
            BLAS.gemm(dz, headW, into: &dhs)
            dW = Matrix(rows: width, columns: H)
            BLAS.gemm(dz, transposeA: true, hs, into: &dW)
            db = Matrix(rows: 1, columns: width)
            for p in 0..<P { for j in 0..<width { db.storage[j] += dz.storage[p * width + j] } }
        } else {
            dhs = dz
        }
        var dOut: Matrix<Scalar>
        if allRows {
            dOut = dhs
        } else {
            dOut = Matrix<Scalar>(rows: window.count * B, columns: H)
            for (p, pos) in positions.enumerated() {
                let dst = ((pos.t - window.lowerBound) * B + pos.b) * H
                for j in 0..<H { dOut.storage[dst + j] += dhs.storage[p * H + j] }
            }
        }
        return LossEvaluation(
            loss: total, outputGradient: dOut, headWeightGradient: dW, headBiasGradient: db, predictions: z,
            positions: positions, correct: correct, labelled: labelled)
    }
}

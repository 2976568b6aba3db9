import Foundation
import LinearAlgebra
import RecurrentNets
import Testing

/// The tutorial's section 2.3.3 worked example ("I love AI": n_x = 4, n_h = 3, n_y = 2, tanh RNN,
/// h_0 = 0, b_h = 0.1, b_y = 0, softmax outputs), computed exactly by the engine and checked
/// against plain loops written here and against the float64 values hard-coded below.
///
/// The tutorial's printed approximations are mostly wrong. Exact values (rounded to 4 places):
///
/// | quantity | tutorial prints        | exact                          | verdict |
/// |----------|------------------------|--------------------------------|---------|
/// | z_h_1    | [0.44, 0.81, 0.61]     | [0.4500, 0.9100, 0.6500]       | wrong: its own sum gives W_xh x_1 = [0.35, 0.81, 0.55], + b_h = 0.1 |
/// | h_1      | [0.41, 0.67, 0.54]     | [0.4219, 0.7211, 0.5717]       | wrong (tanh of the wrong z; tanh of its own z is right) |
/// | o_1      | [0.88, 0.93]           | [0.9268, 0.9893]               | wrong (follows from h_1) |
/// | y_1      | [0.49, 0.51]           | [0.4844, 0.5156]               | off by one in the 2nd decimal (0.48, 0.52) |
/// | W_xh x_2 | "input term 1.04"      | [0.78, 1.17, 0.85]             | wrong |
/// | W_hh h_1 | "recurrent term 0.94"  | [0.7676, 1.0043, 1.0139]       | wrong |
/// | z_h_2    | [2.08, 2.35, 1.89]     | [1.6476, 2.2743, 1.9639]       | wrong |
/// | h_2      | [0.97, 0.98, 0.96]     | [0.9285, 0.9791, 0.9614]       | 1st element wrong |
/// | o_2      | [2.09, 2.19]           | [1.6184, 1.5425]               | wrong, and impossible: |o| <= row sums of W_hy = 1.7, 1.6 |
/// | y_2      | [0.48, 0.52]           | [0.5190, 0.4810]               | wrong: the classes are swapped |
/// | z_h_3    | [2.56, 2.78, 2.44]     | [2.0093, 2.4443, 2.7596]       | wrong |
/// | h_3      | [0.99, 0.99, 0.98]     | [0.9647, 0.9850, 0.9920]       | 1st and 3rd wrong |
/// | o_3      | [2.34, 2.55]           | [1.6645, 1.5734]               | wrong, and impossible (bounds 1.7, 1.6) |
/// | y_3      | [0.45, 0.55]           | [0.5227, 0.4773]               | wrong: class 0 wins, so the conclusion "positive (class 1)" is wrong too |
struct WorkedExampleTests {
    static let x: [[Double]] = [[0.2, 0.5, 0.1, 0.8], [0.9, 0.7, 0.3, 0.6], [0.4, 0.2, 0.9, 0.5]]
    static let wxh: [[Double]] = [[0.5, 0.3, 0.2, 0.1], [0.4, 0.6, 0.3, 0.5], [0.2, 0.4, 0.7, 0.3]]
    static let whh: [[Double]] = [[0.8, 0.2, 0.5], [0.3, 0.9, 0.4], [0.6, 0.5, 0.7]]
    static let why: [[Double]] = [[0.7, 0.4, 0.6], [0.3, 0.8, 0.5]]
    static let bh = 0.1

    /// float64 values of the example (z, h, o, y for t = 1, 2, 3), from an independent evaluation.
    static let exactZ: [[Double]] = [
        [0.45000000000000007, 0.9099999999999999, 0.65],
        [1.647580638057905, 2.2742567166780794, 1.9638745064479366],
        [2.0093232559809944, 2.4442614380205527, 2.7596118964857994],
    ]
    static let exactH: [[Double]] = [
        [0.42189900525000795, 0.7211322540766998, 0.5716699660851172],
        [0.9285248809957577, 0.9790558010463715, 0.9613843819502276],
        [0.9646803895163216, 0.9850475484351313, 0.9920140981163952],
    ]
    static let exactO: [[Double]] = [
        [0.9267841849567557, 0.9893104878789208],
        [1.6184203662857155, 1.5424942961109385],
        [1.6645037509053149, 1.5734492046611992],
    ]
    static let exactY: [[Double]] = [
        [0.48437351496657594, 0.5156264850334241],
        [0.5189724041267121, 0.48102759587328786],
        [0.5227479219459291, 0.4772520780540708],
    ]

    /// The tutorial's RNN in the engine: PyTorch's two biases, b_h in `bias_ih`, zero in `bias_hh`.
    static func model() throws -> RecurrentModel<Double> {
        let config = try ModelConfiguration(cell: .rnn, nonlinearity: .tanh, inputSize: 4, hiddenSize: 3, headOutputs: 2)
        var p = ParameterSet<Double>()
        p.append("weight_ih_l0", Matrix(wxh))
        p.append("weight_hh_l0", Matrix(whh))
        p.append("bias_ih_l0", Matrix(rows: 1, columns: 3, repeating: bh), isVector: true)
        p.append("bias_hh_l0", Matrix(rows: 1, columns: 3), isVector: true)
        p.append("head.weight", Matrix(why))
        p.append("head.bias", Matrix(rows: 1, columns: 2), isVector: true)
        return try RecurrentModel(configuration: config, parameters: p)
    }

    /// Plain loops, column-vector convention, exactly as the tutorial writes them.
    static func byHand() -> (z: [[Double]], h: [[Double]], o: [[Double]], y: [[Double]]) {
        var h = [0.0, 0.0, 0.0]
        var zs: [[Double]] = [], hs: [[Double]] = [], os: [[Double]] = [], ys: [[Double]] = []
        for t in 0..<3 {
            var z = [Double](repeating: bh, count: 3)
            for i in 0..<3 {
                var input = 0.0, recurrent = 0.0
                for j in 0..<4 { input += wxh[i][j] * x[t][j] }
                for j in 0..<3 { recurrent += whh[i][j] * h[j] }
                z[i] = input + recurrent + bh
            }
            h = z.map { Foundation.tanh($0) }
            var o = [0.0, 0.0]
            for i in 0..<2 { for j in 0..<3 { o[i] += why[i][j] * h[j] } }
            let m = max(o[0], o[1])
            let e = o.map { Foundation.exp($0 - m) }
            let y = e.map { $0 / (e[0] + e[1]) }
            zs.append(z); hs.append(h); os.append(o); ys.append(y)
        }
        return (zs, hs, os, ys)
    }

    static func close(_ a: [Double], _ b: [Double], _ tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
    }

    @Test("the hand computation reproduces the float64 reference values")
    func handComputationMatchesReference() {
        let r = Self.byHand()
        for t in 0..<3 {
            #expect(Self.close(r.z[t], Self.exactZ[t]), "z_\(t + 1)")
            #expect(Self.close(r.h[t], Self.exactH[t]), "h_\(t + 1)")
            #expect(Self.close(r.o[t], Self.exactO[t]), "o_\(t + 1)")
            #expect(Self.close(r.y[t], Self.exactY[t]), "y_\(t + 1)")
        }
    }

    @Test("the engine's h_1, h_2, h_3 and final state equal the hand computation to 1e-12")
    func engineHiddenStatesMatch() throws {
        let m = try Self.model()
        let batch = try SequenceBatch<Double>(sequences: [Self.x])
        let pass = try m.forward(batch)
        let hand = Self.byHand()
        for t in 0..<3 {
            #expect(Self.close(pass.outputs.nested[t], hand.h[t]), "h_\(t + 1): \(pass.outputs.nested[t])")
            #expect(Self.close(pass.outputs.nested[t], Self.exactH[t]))
        }
        #expect(Self.close(pass.finalState.h[0].storage, hand.h[2]))
    }

    @Test("the engine's head outputs o_t and softmax y_t equal the hand computation to 1e-12")
    func engineOutputsAndSoftmaxMatch() throws {
        let m = try Self.model()
        let batch = try SequenceBatch<Double>(sequences: [Self.x])
        let hand = Self.byHand()
        let eval = try m.evaluate(batch, targets: .classes([0, 0, 0]), loss: .crossEntropy)
        #expect(eval.positions.map(\.t) == [0, 1, 2])
        for t in 0..<3 {
            #expect(Self.close(eval.predictions.nested[t], hand.o[t]), "o_\(t + 1): \(eval.predictions.nested[t])")
        }
        // The engine's softmax, read through its cross-entropy: labelling only step t with class c
        // gives loss -log y_t[c], and dL/d(head.bias) = y_t - onehot(c).
        for t in 0..<3 {
            for cls in 0..<2 {
                var labels = [-1, -1, -1]
                labels[t] = cls
                let r = try m.gradients(for: batch, targets: .classes(labels), loss: .crossEntropy)
                #expect(abs(Foundation.exp(-r.loss) - hand.y[t][cls]) <= 1e-12, "y_\(t + 1)[\(cls)]")
                let db = try #require(r.gradients["head.bias"]).storage
                let expected = (0..<2).map { hand.y[t][$0] - ($0 == cls ? 1 : 0) }
                #expect(Self.close(db, expected), "y_\(t + 1) via dL/db_y")
            }
        }
        // Arg-max per step is class 1, 0, 0: the last step says class 0 (the tutorial claims 1).
        let argmax = try m.evaluate(batch, targets: .classes([1, 0, 0]), loss: .crossEntropy)
        #expect(argmax.correct == 3 && argmax.labelled == 3)
        #expect(eval.correct == 2)
    }

    @Test("putting b_h in bias_hh instead of bias_ih gives the same forward pass")
    func biasSplitDoesNotMatter() throws {
        var m = try Self.model()
        m.parameters["bias_ih_l0"] = Matrix(rows: 1, columns: 3)
        m.parameters["bias_hh_l0"] = Matrix(rows: 1, columns: 3, repeating: Self.bh)
        let pass = try m.forward(SequenceBatch<Double>(sequences: [Self.x]))
        for t in 0..<3 { #expect(Self.close(pass.outputs.nested[t], Self.exactH[t])) }
    }
}

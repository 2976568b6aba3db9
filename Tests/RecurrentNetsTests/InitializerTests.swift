import Foundation
import LinearAlgebra
import RecurrentNets
import Testing

/// One statistical expectation for a scheme on a `rows x columns` weight.
struct InitDistributionCase: Sendable, CustomTestStringConvertible {
    var initializer: Initializer
    var rows: Int
    var columns: Int
    var hidden: Int
    /// Theoretical standard deviation.
    var std: Double
    /// Uniform bound (nil for a normal distribution).
    var bound: Double?
    var testDescription: String { "\(initializer) \(rows)x\(columns)" }

    static let all: [InitDistributionCase] = {
        let fanIn = 500.0, fanOut = 300.0  // rows = fan_out = 300, columns = fan_in = 500: fans differ
        func uniform(_ i: Initializer, _ b: Double, hidden: Int = 300) -> InitDistributionCase {
            InitDistributionCase(initializer: i, rows: 300, columns: 500, hidden: hidden, std: b / 3.0.squareRoot(), bound: b)
        }
        func normal(_ i: Initializer, _ s: Double) -> InitDistributionCase {
            InitDistributionCase(initializer: i, rows: 300, columns: 500, hidden: 300, std: s, bound: nil)
        }
        let xb = (6 / (fanIn + fanOut)).squareRoot()
        let xs = (2 / (fanIn + fanOut)).squareRoot()
        return [
            uniform(.pytorchDefault, 1 / 400.0.squareRoot(), hidden: 400),
            uniform(.uniform(bound: 0.1), 0.1),
            normal(.normal(std: 0.01), 0.01),
            uniform(.xavierUniform(gain: 1), xb),
            uniform(.xavierUniform(gain: Initializer.tanhGain), 5.0 / 3.0 * xb),
            normal(.xavierNormal(gain: 1), xs),
            normal(.xavierNormal(gain: Initializer.tanhGain), 5.0 / 3.0 * xs),
            uniform(.kaimingUniform(gain: 2.0.squareRoot()), 2.0.squareRoot() * (3 / fanIn).squareRoot()),
            normal(.kaimingNormal(gain: 2.0.squareRoot()), 2.0.squareRoot() / fanIn.squareRoot()),
        ]
    }()
}

struct InitializerTests {
    static func weight(
        _ i: Initializer, rows: Int, columns: Int, hidden: Int, gates: Int = 1, seed: UInt64 = 7
    ) -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        return i.weight(rows: rows, columns: columns, hidden: hidden, gates: gates, generator: &g)
    }

    /// `max |A^T A - gain^2 I|` over a `n x n` Gram matrix of `m`'s columns (or rows).
    static func gramDeviation(_ m: Matrix<Double>, ofRows: Bool, gain: Double) -> Double {
        let n = ofRows ? m.rows : m.columns
        let len = ofRows ? m.columns : m.rows
        var worst = 0.0
        for a in 0..<n {
            for b in 0..<n {
                var dot = 0.0
                for k in 0..<len { dot += ofRows ? m[a, k] * m[b, k] : m[k, a] * m[k, b] }
                worst = max(worst, abs(dot - (a == b ? gain * gain : 0)))
            }
        }
        return worst
    }

    // MARK: - Orthogonal and identity

    @Test("orthogonal square weights satisfy W W^T = W^T W = gain^2 I to 1e-12", arguments: [1.0, 2.0, 0.5])
    func orthogonalSquare(gain: Double) {
        let w = Self.weight(.orthogonal(gain: gain), rows: 48, columns: 48, hidden: 48)
        #expect(Self.gramDeviation(w, ofRows: true, gain: gain) < 1e-12)
        #expect(Self.gramDeviation(w, ofRows: false, gain: gain) < 1e-12)
    }

    @Test("orthogonal non-square weights have orthonormal rows (wide) or columns (tall), times gain")
    func orthogonalNonSquare() {
        let wide = Self.weight(.orthogonal(gain: 1.5), rows: 20, columns: 35, hidden: 20)
        #expect(Self.gramDeviation(wide, ofRows: true, gain: 1.5) < 1e-12)
        let tall = Self.weight(.orthogonal(gain: 1.5), rows: 35, columns: 20, hidden: 20)
        #expect(Self.gramDeviation(tall, ofRows: false, gain: 1.5) < 1e-12)
        // Not trivially the identity or a permutation.
        #expect(tall.storage.filter { abs($0) > 1e-3 }.count > tall.count / 2)
    }

    @Test("orthogonal LSTM W_hh (4H x H) is orthogonal per gate block, and the blocks differ")
    func orthogonalPerGateBlock() throws {
        let H = 16
        var g = SeededGenerator(seed: 3)
        let config = try ModelConfiguration(cell: .lstm, inputSize: 5, hiddenSize: H)
        let model = RecurrentModel<Double>(configuration: config, recurrentWeights: .orthogonal(gain: 1), generator: &g)
        let whh = try #require(model.parameters["weight_hh_l0"])
        #expect(whh.rows == 4 * H && whh.columns == H)
        var blocks: [Matrix<Double>] = []
        for gate in 0..<4 {
            let block = whh.rows(gate * H..<(gate + 1) * H)
            blocks.append(block)
            #expect(Self.gramDeviation(block, ofRows: true, gain: 1) < 1e-12, "gate block \(gate)")
            #expect(Self.gramDeviation(block, ofRows: false, gain: 1) < 1e-12, "gate block \(gate)")
        }
        #expect(blocks[0] != blocks[1] && blocks[1] != blocks[2] && blocks[2] != blocks[3])
        // The whole 4H x H matrix is then W^T W = 4 I, not orthonormal columns.
        #expect(Self.gramDeviation(whh, ofRows: false, gain: 2) < 1e-12)
    }

    @Test("identity with scale s maps every vector v to s v (norm times s), per gate block", arguments: [1.0, 1.01, 0.5])
    func identityScalesNorm(scale: Double) throws {
        let H = 10
        let w = Self.weight(.identity(scale: scale), rows: H, columns: H, hidden: H)
        #expect(w == Matrix.identity(H, scale: scale))
        var g = SeededGenerator(seed: 1)
        let v = (0..<H).map { _ in g.normal() }
        var wv = [Double](repeating: 0, count: H)
        for i in 0..<H { for j in 0..<H { wv[i] += w[i, j] * v[j] } }
        #expect(abs(VectorNorm.l2(wv) - scale * VectorNorm.l2(v)) < 1e-14)
        // LSTM-shaped: every gate block is s I.
        let lstm = Self.weight(.identity(scale: scale), rows: 4 * H, columns: H, hidden: H, gates: 4)
        for gate in 0..<4 { #expect(lstm.rows(gate * H..<(gate + 1) * H) == Matrix.identity(H, scale: scale)) }
    }

    // MARK: - Distributions

    @Test("distribution: bounds never exceeded, mean ~0 and std within 5 standard errors of theory",
          arguments: InitDistributionCase.all)
    func distributionMatchesTheory(_ c: InitDistributionCase) {
        let w = Self.weight(c.initializer, rows: c.rows, columns: c.columns, hidden: c.hidden)
        let n = Double(w.count)
        let mean = w.storage.reduce(0, +) / n
        let variance = w.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let std = variance.squareRoot()
        // Standard errors: of the mean sigma/sqrt(n); of the std sqrt((mu4 - sigma^4)/n) / (2 sigma),
        // with mu4 = 9/5 sigma^4 (uniform) or 3 sigma^4 (normal).
        let kurtosis = c.bound == nil ? 3.0 : 9.0 / 5.0
        let seMean = c.std / n.squareRoot()
        let seStd = ((kurtosis - 1) * pow(c.std, 4) / n).squareRoot() / (2 * c.std)
        #expect(abs(mean) < 5 * seMean, "mean \(mean), se \(seMean)")
        #expect(abs(std - c.std) < 5 * seStd, "std \(std) vs \(c.std), se \(seStd)")
        if let b = c.bound {
            let largest = w.storage.map(abs).max() ?? 0
            #expect(largest <= b, "|w| = \(largest) exceeds the bound \(b)")
            #expect(largest > 0.99 * b, "the range is not filled: max |w| = \(largest), bound \(b)")
        }
        // Sample kurtosis tells uniform (1.8) from normal (3).
        let m4 = w.storage.reduce(0) { $0 + pow($1 - mean, 4) } / n
        #expect(abs(m4 / (variance * variance) - kurtosis) < 0.1)
    }

    @Test("a model's default biases and head are U(+-1/sqrt(H)); layer-norm gain 1, bias 0; learnable h0 zeros")
    func defaultNonWeightParameters() throws {
        let H = 25
        var g = SeededGenerator(seed: 8)
        let config = try ModelConfiguration(
            cell: .layerNormRNN, inputSize: 3, hiddenSize: H, headOutputs: 4, initialState: .learnable)
        let m = RecurrentModel<Double>(configuration: config, generator: &g)
        for name in ["bias_ih_l0", "bias_hh_l0", "head.weight", "head.bias"] {
            let v = try #require(m.parameters[name]).storage
            #expect(v.allSatisfy { abs($0) <= 0.2 } && v.contains { $0 != 0 }, "\(name)")
        }
        #expect(try #require(m.parameters["ln_weight_l0"]).storage.allSatisfy { $0 == 1 })
        #expect(try #require(m.parameters["ln_bias_l0"]).storage.allSatisfy { $0 == 0 })
        #expect(try #require(m.parameters["h0"]).storage.allSatisfy { $0 == 0 })
    }

    // MARK: - Names

    @Test("names parse with their parameters and defaults")
    func namesParse() throws {
        #expect(try Initializer(name: "pytorch-default") == .pytorchDefault)
        #expect(try Initializer(name: "normal-0.01") == .normal(std: 0.01))
        #expect(try Initializer(name: "normal") == .normal(std: 0.01))
        #expect(try Initializer(name: "uniform") == .uniform(bound: 0.1))
        #expect(try Initializer(name: "uniform-0.25") == .uniform(bound: 0.25))
        #expect(try Initializer(name: "identity-1.01") == .identity(scale: 1.01))
        #expect(try Initializer(name: "identity") == .identity(scale: 1))
        #expect(try Initializer(name: "xavier-uniform-tanh") == .xavierUniform(gain: 5.0 / 3.0))
        #expect(try Initializer(name: "xavier-normal") == .xavierNormal(gain: 1))
        #expect(try Initializer(name: "xavier-normal", defaultGain: 2) == .xavierNormal(gain: 2))
        #expect(try Initializer(name: "kaiming-uniform") == .kaimingUniform(gain: 2.0.squareRoot()))
        #expect(try Initializer(name: "kaiming-normal-1") == .kaimingNormal(gain: 1))
        #expect(try Initializer(name: "orthogonal-2") == .orthogonal(gain: 2))
        #expect(try Initializer(name: "kaiming-normal-tanh") == .kaimingNormal(gain: 5.0 / 3.0))
        #expect(try Initializer(name: "orthogonal-tanh") == .orthogonal(gain: 5.0 / 3.0))
        #expect(try Initializer(name: "orthogonal") == .orthogonal(gain: 1))
        #expect(try Initializer(name: "Orthogonal-1e-1") == .orthogonal(gain: 0.1))
    }

    @Test("every scheme's description parses back to the same scheme")
    func descriptionRoundTrips() throws {
        let schemes: [Initializer] = [
            .pytorchDefault, .normal(std: 0.02), .uniform(bound: 0.3), .xavierUniform(gain: 1.5), .xavierNormal(gain: 1),
            .kaimingUniform(gain: 2), .kaimingNormal(gain: 0.5), .orthogonal(gain: 1.1), .identity(scale: 1.01),
        ]
        for s in schemes { #expect(try Initializer(name: s.description) == s, "\(s)") }
    }

    @Test("unknown names and bad suffixes are typed errors that say what is accepted",
          arguments: ["glorot", "", "normal_0.01", "xavier", "orthogonal2"])
    func unknownNamesAreRejected(name: String) {
        #expect(throws: EngineError.unknownName(field: "init", value: name, accepted: Initializer.names)) {
            try Initializer(name: name)
        }
        let message = EngineError.unknownName(field: "init", value: name, accepted: Initializer.names).description
        #expect(message.contains("xavier-uniform") && message.contains("'\(name)'"))
    }

    @Test("bad parameters are typed errors",
          arguments: ["normal-abc", "normal-", "normal--1", "normal-0", "orthogonal-nan", "identity-inf", "pytorch-default-1",
                      "uniform-1-2", "normal-tanh", "uniform-tanh", "identity-tanh", "pytorch-default-tanh"])
    func badSuffixesAreRejected(name: String) {
        do throws(EngineError) {
            _ = try Initializer(name: name)
            Issue.record("\(name) was accepted")
        } catch {
            guard case let .invalidValue(field, value, expected) = error else {
                Issue.record("\(name): \(error)")
                return
            }
            #expect(field == "init" && value == name && !expected.isEmpty)
            #expect(error.description.contains(name))
        }
    }

    // MARK: - Determinism

    @Test("the same seed gives the same weights; another seed different ones", arguments: ["orthogonal-1", "xavier-normal", "pytorch-default"])
    func sameSeedSameWeights(name: String) throws {
        let config = try ModelConfiguration(cell: .gru, inputSize: 6, hiddenSize: 8, layers: 2, headOutputs: 3)
        let scheme = try Initializer(name: name)
        func build(_ seed: UInt64) -> RecurrentModel<Float> {
            var g = SeededGenerator(seed: seed)
            return RecurrentModel(configuration: config, inputWeights: scheme, recurrentWeights: scheme, generator: &g)
        }
        #expect(build(42).parameters == build(42).parameters)
        #expect(build(42).parameters != build(43).parameters)
    }
}

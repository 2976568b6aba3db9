import LinearAlgebra
import RecurrentNets
import Testing

/// The numerics contract, pinned: a hash of the bit patterns of every output of one forward +
/// backward pass on fixed inputs. The same hashes hold on every CPU and kernel variant (portable,
/// AVX2, AVX-512; `RNNLAB_KERNEL` forces one), so they are the same in CI, on laptops and on cluster
/// nodes. The PyTorch-reference and finite-difference tests allow rounding-level differences; these
/// catch any change in the floating-point operations or their order, which would change the
/// committed results under results/. The cases reach the unpacked small products (H = 10), the
/// packed kernels with and without edge tiles, the C gate kernels (H >= 16), masking, truncation,
/// stacks and the two-thread split of the closing products (B * T * 4H * H >= 4M). A deliberate
/// change of the numerics updates these hashes and regenerates results/.
@Suite(.serialized) struct EngineBitStabilityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var cell: CellKind
        var nonlinearity: Nonlinearity = .tanh
        var layers = 1
        var input: Int
        var hidden: Int
        var steps: Int
        var batch: Int
        var float32: Bool
        var ragged = false
        var truncation: Int?
        var expected: String
        var testDescription: String {
            "\(cell.rawValue) \(nonlinearity.rawValue) L=\(layers) in=\(input) H=\(hidden) T=\(steps) B=\(batch) "
                + (float32 ? "float32" : "float64") + (ragged ? " ragged" : "") + (truncation.map { " k=\($0)" } ?? "")
        }
    }

    static let cases: [Case] = [
        Case(cell: .rnn, input: 1, hidden: 10, steps: 50, batch: 1, float32: true, expected: "dad63cd9416bdb89"),
        Case(cell: .lstm, input: 1, hidden: 10, steps: 50, batch: 1, float32: true, expected: "fdada838cb5f177e"),
        Case(cell: .gru, input: 1, hidden: 10, steps: 50, batch: 1, float32: true, expected: "e8ae56101a48da09"),
        Case(cell: .rnn, nonlinearity: .relu, layers: 2, input: 3, hidden: 20, steps: 12, batch: 5, float32: false, ragged: true, expected: "efd9e472ef800bba"),
        Case(cell: .layerNormRNN, input: 2, hidden: 16, steps: 9, batch: 3, float32: false, expected: "83d4e0c86b2bc2c6"),
        Case(cell: .gru, input: 8, hidden: 64, steps: 30, batch: 16, float32: false, expected: "1ae8a893c32f20ff"),
        Case(cell: .lstm, layers: 2, input: 4, hidden: 16, steps: 30, batch: 4, float32: true, truncation: 7, expected: "23faa571e3e3cebf"),
        Case(cell: .lstm, input: 32, hidden: 128, steps: 20, batch: 64, float32: true, expected: "15dacc2fa021518d"),
        Case(cell: .gru, input: 32, hidden: 96, steps: 10, batch: 30, float32: false, expected: "88d3e08a787fa3db"),
        Case(cell: .rnn, input: 5, hidden: 128, steps: 10, batch: 64, float32: true, expected: "be0abb4d61d2d9a2"),
        Case(cell: .lstm, input: 6, hidden: 64, steps: 16, batch: 32, float32: false, expected: "8b79bdb58bbdd9d5"),
        Case(cell: .rnn, input: 6, hidden: 40, steps: 25, batch: 24, float32: false, ragged: true, expected: "7cda08bb6b84b446"),
        Case(cell: .lstm, input: 3, hidden: 24, steps: 12, batch: 10, float32: true, ragged: true, expected: "3df1277d9d8a9ab9"),
    ]

    /// FNV-1a over 64-bit words.
    struct Hash {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ x: Double) {
            var bits = x.bitPattern
            for _ in 0..<8 {
                state = (state ^ (bits & 0xff)) &* 0x0000_0100_0000_01b3
                bits >>= 8
            }
        }
        mutating func add<S: NetScalar>(_ m: Matrix<S>) { for x in m.storage { add(Double(x)) } }
        var hex: String { String(state, radix: 16) }
    }

    static func hash<S: NetScalar>(_ c: Case, _: S.Type) throws -> String {
        var g = SeededGenerator(seed: 2024)
        let config = try ModelConfiguration(
            cell: c.cell, nonlinearity: c.nonlinearity, inputSize: c.input, hiddenSize: c.hidden, layers: c.layers)
        let model = RecurrentModel<S>(configuration: config, generator: &g)
        let x = Matrix<S>(rows: c.steps * c.batch, columns: c.input,
                          elements: (0..<(c.steps * c.batch * c.input)).map { _ in S(g.normal()) })
        let y = Matrix<S>(rows: c.steps * c.batch, columns: c.hidden,
                          elements: (0..<(c.steps * c.batch * c.hidden)).map { _ in S(0.5 * g.normal()) })
        let lengths = c.ragged ? (0..<c.batch).map { c.steps - ($0 * 3) % c.steps } : nil
        let batch = try SequenceBatch(inputs: x, steps: c.steps, batchSize: c.batch, lengths: lengths)
        let r = try model.gradients(for: batch, targets: .values(y), loss: .mse, truncation: c.truncation)
        var h = Hash()
        h.add(r.loss)
        for m in r.gradients.values { h.add(m) }
        h.add(r.inputGradient)
        for m in r.initialStateGradient.h + (r.initialStateGradient.c ?? []) { h.add(m) }
        for m in r.finalState.h + (r.finalState.c ?? []) { h.add(m) }
        for norms in r.stateGradientNorms { for v in norms { h.add(v) } }
        for v in r.inputGradientNorms + r.saturatedFraction + r.meanTanhDerivative { h.add(v) }
        return h.hex
    }

    @Test(arguments: cases)
    func resultsKeepTheirBits(_ c: Case) throws {
        let hex = c.float32 ? try Self.hash(c, Float.self) : try Self.hash(c, Double.self)
        #expect(hex == c.expected, "\(c.testDescription): the engine's results changed bits (hash \(hex))")
    }

    /// Large steps are then split over the kernels' helper thread (products by blocks of C, whole
    /// recurrent steps by halves of the batch): the bits must not move.
    @Test(arguments: cases)
    func resultsKeepTheirBitsOnTwoProductThreads(_ c: Case) throws {
        let hex = try BLAS.withTwoProductThreads {
            #expect(BLAS.productThreads == 2)
            return c.float32 ? try Self.hash(c, Float.self) : try Self.hash(c, Double.self)
        }
        #expect(hex == c.expected, "\(c.testDescription) on two product threads: the bits changed (hash \(hex))")
    }
}

import Foundation
import LinearAlgebra
import RecurrentNets
import Testing

/// The four PyTorch 2.15 reference cases (float64) of `Fixtures/reference_gradients.json`.
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: [String: any Sendable]
    var testDescription: String { name }

    static func all() throws -> [ReferenceCase] {
        guard let url = Bundle.module.url(forResource: "reference_gradients", withExtension: "json", subdirectory: "Fixtures")
        else { throw FixtureError.missing }
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { throw FixtureError.malformed }
        return cases.map { ReferenceCase(name: ($0["name"] as? String) ?? "?", json: $0.mapValues { Box($0) }) }
    }

    func value(_ key: String) -> Any? { (json[key] as? Box)?.value }
}

struct Box: @unchecked Sendable { let value: Any; init(_ v: Any) { value = v } }
enum FixtureError: Error { case missing, malformed }

func doubles(_ any: Any?) -> [Double] {
    if let n = any as? NSNumber { return [n.doubleValue] }
    if let a = any as? [Any] { return a.flatMap { doubles($0) } }
    return []
}

/// Largest absolute difference relative to the largest reference magnitude.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    let scale = max(b.map(abs).max() ?? 0, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

struct PyTorchReferenceTests {
    static let cases: [ReferenceCase] = (try? ReferenceCase.all()) ?? []

    static func model(_ c: ReferenceCase, head: Bool) throws -> RecurrentModel<Double> {
        let module = c.value("module") as? String ?? ""
        let cell: CellKind = module.hasSuffix("LSTM") ? .lstm : module.hasSuffix("GRU") ? .gru : .rnn
        let nonlinearity: Nonlinearity = (c.value("nonlinearity") as? String) == "relu" ? .relu : .tanh
        let config = try ModelConfiguration(
            cell: cell, nonlinearity: nonlinearity, inputSize: c.value("input_size") as? Int ?? 0,
            hiddenSize: c.value("hidden_size") as? Int ?? 0, layers: c.value("num_layers") as? Int ?? 0,
            headOutputs: head ? 3 : nil, headPlacement: head ? .lastStep : .everyStep)
        var set = ParameterSet<Double>()
        let params = c.value("params") as? [String: Any] ?? [:]
        let shapes = c.value("param_shapes") as? [String: [Int]] ?? [:]
        for item in RecurrentModel<Double>.layout(of: config) where !item.name.hasPrefix("head") {
            let v = doubles(params[item.name])
            #expect(v.count == item.rows * item.columns, "\(item.name) size")
            #expect(shapes[item.name] == (item.isVector ? [item.columns] : [item.rows, item.columns]))
            set.append(item.name, Matrix(rows: item.rows, columns: item.columns, elements: v), isVector: item.isVector)
        }
        if head {
            let ce = (c.value("losses") as? [String: Any])?["ce_last_step"] as? [String: Any] ?? [:]
            set.append("head.weight", Matrix(rows: 3, columns: config.hiddenSize, elements: doubles(ce["head_weight"])))
            set.append("head.bias", Matrix(rows: 1, columns: 3, elements: doubles(ce["head_bias"])), isVector: true)
        }
        return try RecurrentModel(configuration: config, parameters: set)
    }

    static func batchAndState(_ c: ReferenceCase, _ m: RecurrentModel<Double>) throws -> (SequenceBatch<Double>, RecurrentState<Double>) {
        let T = c.value("seq_len") as? Int ?? 0
        let B = c.value("batch") as? Int ?? 0
        let x = doubles(c.value("x"))
        let batch = try SequenceBatch(inputs: Matrix(rows: T * B, columns: m.configuration.inputSize, elements: x), steps: T, batchSize: B)
        let H = m.configuration.hiddenSize
        let L = m.configuration.layers
        func split(_ v: [Double]) -> [Matrix<Double>] {
            (0..<L).map { Matrix(rows: B, columns: H, elements: Array(v[($0 * B * H)..<(($0 + 1) * B * H)])) }
        }
        let h0 = split(doubles(c.value("h0")))
        let c0 = c.value("c0").map { split(doubles($0)) }
        return (batch, RecurrentState(h: h0, c: c0))
    }

    @Test func fixtureHoldsFourCases() {
        #expect(Self.cases.map(\.name) == ["rnn_tanh", "rnn_relu", "lstm_2layer", "gru"])
    }

    @Test("forward pass matches PyTorch: outputs, h_n, c_n", arguments: cases)
    func forwardMatchesPyTorch(_ c: ReferenceCase) throws {
        let m = try Self.model(c, head: false)
        let (batch, h0) = try Self.batchAndState(c, m)
        let pass = try m.forward(batch, initialState: h0)
        let fwd = c.value("forward") as? [String: Any] ?? [:]
        #expect(relativeError(pass.outputs.storage, doubles(fwd["output"])) < 1e-12)
        #expect(relativeError(pass.finalState.h.flatMap(\.storage), doubles(fwd["h_n"])) < 1e-12)
        if let cn = fwd["c_n"] {
            #expect(relativeError(pass.finalState.c?.flatMap(\.storage) ?? [], doubles(cn)) < 1e-12)
        }
    }

    @Test("BPTT matches PyTorch for both losses: loss, every gradient, dL/dx, dL/dh0, dL/dc0", arguments: cases)
    func gradientsMatchPyTorch(_ c: ReferenceCase) throws {
        let losses = c.value("losses") as? [String: Any] ?? [:]
        for (lossName, head) in [("half_sum_sq", false), ("ce_last_step", true)] {
            let ref = losses[lossName] as? [String: Any] ?? [:]
            let m = try Self.model(c, head: head)
            let (batch, h0) = try Self.batchAndState(c, m)
            let targets: Targets<Double> = head ? .classes((ref["targets"] as? [Int]) ?? []) : .none
            let r = try m.gradients(
                for: batch, targets: targets, loss: head ? .crossEntropy : .halfSumSquares, initialState: h0)
            let refLoss = doubles(ref["loss"]).first ?? .nan
            #expect(abs(r.loss - refLoss) / abs(refLoss) < 1e-12, "\(c.name) \(lossName) loss")
            let grads = ref["grads"] as? [String: Any] ?? [:]
            #expect(grads.count == m.parameters.count, "\(c.name) \(lossName): gradient count")
            for name in m.parameters.names {
                let refName = name == "head.weight" ? "head_weight" : name == "head.bias" ? "head_bias" : name
                let mine = r.gradients[name]?.storage ?? []
                let err = relativeError(mine, doubles(grads[refName]))
                #expect(err < 1e-10, "\(c.name) \(lossName) d\(name): relative error \(err)")
            }
            #expect(relativeError(r.inputGradient.storage, doubles(ref["dx"])) < 1e-10, "\(c.name) \(lossName) dx")
            #expect(relativeError(r.initialStateGradient.h.flatMap(\.storage), doubles(ref["dh0"])) < 1e-10, "\(c.name) \(lossName) dh0")
            if let dc0 = ref["dc0"] {
                #expect(relativeError(r.initialStateGradient.c?.flatMap(\.storage) ?? [], doubles(dc0)) < 1e-10)
            }
        }
    }
}

import Foundation
import Interchange
import LinearAlgebra
import RecurrentNets
import Testing

/// The LSTM and GRU (input 2, hidden 8, nn.Linear head of 1 output on the last step) that
/// `Scripts/reference/safetensors_fixture.py` trained in PyTorch, in float32 and float64.
struct FixtureCase: Sendable, CustomTestStringConvertible {
    let cell: CellKind
    let dtype: String
    var testDescription: String { "\(cell.rawValue) \(dtype)" }

    static let all = [FixtureCase(cell: .lstm, dtype: "f64"), FixtureCase(cell: .gru, dtype: "f64"),
                      FixtureCase(cell: .lstm, dtype: "f32"), FixtureCase(cell: .gru, dtype: "f32")]

    func file(_ suffix: String = "") throws -> SafetensorsFile {
        let name = "\(cell.rawValue)_\(dtype)\(suffix)"
        guard let url = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures") else {
            throw SafetensorsError(file: name, expected: "a fixture", found: "no such resource")
        }
        return try SafetensorsFile.read(path: url.path)
    }

    var configuration: ModelConfiguration {
        get throws { try ModelConfiguration(cell: cell, inputSize: 2, hiddenSize: 8, headOutputs: 1, headPlacement: .lastStep) }
    }
}

/// Largest absolute difference, and that difference relative to the largest reference magnitude.
func errors(_ mine: [Double], _ reference: [Double]) -> (abs: Double, rel: Double) {
    guard mine.count == reference.count else { return (.infinity, .infinity) }
    let scale = max(reference.map(abs).max() ?? 0, 1e-300)
    let a = zip(mine, reference).map { abs($0 - $1) }.max() ?? 0
    return (a, a / scale)
}

struct PyTorchFixtureTests {
    /// Runs forward and backward on the fixture's weights in `S`; returns the worst errors.
    func compare<S: NetScalar>(_ c: FixtureCase, _: S.Type) throws -> (abs: Double, rel: Double) {
        let weights = try WeightsBinding().select(try c.file(), path: "fixture", head: true)
        let config = try c.configuration
        try WeightsBinding().check(weights, against: config, path: "fixture")
        var set = ParameterSet<S>()
        for (i, name) in weights.names.enumerated() {
            let m = weights.values[i]
            set.append(name, Matrix(rows: m.rows, columns: m.columns, elements: m.storage.map { S($0) }), isVector: weights.shapes[i].count == 1)
        }
        let model = try RecurrentModel<S>(configuration: config, parameters: set)
        let ref = try c.file("_reference")
        func values(_ name: String) -> [Double] { ref[name]?.values ?? [] }
        let x = values("x")
        let T = ref["x"]?.shape[0] ?? 0
        let B = ref["x"]?.shape[1] ?? 0
        let batch = try SequenceBatch(inputs: Matrix(rows: T * B, columns: 2, elements: x.map { S($0) }), steps: T, batchSize: B)
        let y = Matrix(rows: B, columns: 1, elements: values("y").map { S($0) })
        let pass = try model.forward(batch)
        let r = try model.gradients(for: batch, targets: .values(y), loss: .mse)
        var worst: [(String, (abs: Double, rel: Double))] = []
        worst.append(("out", errors(pass.outputs.storage.map { Double($0) }, values("out"))))
        worst.append(("loss", errors([r.loss], values("loss"))))
        worst.append(("dx", errors(r.inputGradient.storage.map { Double($0) }, values("grad.x"))))
        for name in model.parameters.names {
            let fileName = WeightsBinding().fileName(of: name)
            worst.append(("d" + fileName, errors(r.gradients[name]?.storage.map { Double($0) } ?? [], values("grad." + fileName))))
        }
        #expect(worst.count == 3 + 6)
        let a = worst.map(\.1.abs).max() ?? .nan
        let rel = worst.map(\.1.rel).max() ?? .nan
        let detail = worst.map { "\($0.0) \($0.1.abs) (\($0.1.rel))" }.joined(separator: "; ")
        print("pytorch fixture \(c.testDescription): max abs \(a), max rel \(rel): \(detail)")
        return (a, rel)
    }

    @Test("forward pass, loss, every gradient and dL/dx match PyTorch on its trained weights", arguments: FixtureCase.all)
    func matchesPyTorch(_ c: FixtureCase) throws {
        if c.dtype == "f64" {
            let e = try compare(c, Double.self)
            #expect(e.abs < 1e-12 && e.rel < 1e-12, "\(c.testDescription): \(e)")
        } else {
            // float32 on both sides: unit roundoff 6e-8, summed over 12 steps in different orders
            // (PyTorch's blocked GEMM vs the engine's fixed-order FMA chains), so a few 1e-7 relative.
            let e = try compare(c, Float.self)
            #expect(e.rel < 2e-6, "\(c.testDescription): \(e)")
            // The float32 weights are exact in float64: the float64 engine on them stays close too.
            let wide = try compare(c, Double.self)
            #expect(wide.rel < 2e-6, "\(c.testDescription) in float64: \(wide)")
        }
    }

    @Test("a saved file reads back bit for bit under PyTorch's names", arguments: FixtureCase.all)
    func roundTrips(_ c: FixtureCase) throws {
        let file = try c.file()
        let weights = try WeightsBinding().select(file, path: "fixture", head: true)
        let dtype: SafetensorsDType = c.dtype == "f64" ? .f64 : .f32
        let saved = WeightsBinding().export(weights, dtype: dtype, metadata: [("format", "pt")])
        let back = try SafetensorsFile.decode(try saved.encoded())
        #expect(Set(back.tensors.map(\.name)) == Set(file.tensors.map(\.name)))
        for t in file.tensors { #expect(back[t.name] == t) }
    }

    @Test func bindingErrorsNameTheTensorAndTheExpectation() throws {
        let file = try FixtureCase(cell: .gru, dtype: "f64").file()
        let lstm = try ModelConfiguration(cell: .lstm, inputSize: 2, hiddenSize: 8, headOutputs: 1)
        let set = try WeightsBinding().select(file, path: "g.safetensors", head: true)
        #expect(throws: SafetensorsError(file: "g.safetensors", tensor: "rnn.weight_ih_l0", expected: "shape [32, 2] (lstm, hidden 8)", found: "shape [24, 2]")) {
            try WeightsBinding().check(set, against: lstm, path: "g.safetensors")
        }
        let twoLayers = try ModelConfiguration(cell: .gru, inputSize: 2, hiddenSize: 8, layers: 2, headOutputs: 1)
        #expect(throws: SafetensorsError(file: "g.safetensors", tensor: "rnn.weight_ih_l1", expected: "a tensor of shape [24, 8]", found: "no such tensor")) {
            try WeightsBinding().check(set, against: twoLayers, path: "g.safetensors")
        }
        let noHead = try ModelConfiguration(cell: .gru, inputSize: 2, hiddenSize: 8)
        #expect(throws: SafetensorsError.self) { try WeightsBinding().check(set, against: noHead, path: "g.safetensors") }
        let withoutHead = try WeightsBinding().select(file, path: "g.safetensors", head: false)
        try WeightsBinding().check(withoutHead, against: noHead, path: "g.safetensors")
        // With prefix "" every tensor outside the head prefix is selected: "rnn.weight_ih_l0" is left over.
        #expect(throws: SafetensorsError.self) { try WeightsBinding(prefix: "").select(file, path: "g", head: true) }
        // The wrong prefix selects nothing: every parameter is missing.
        let none = try WeightsBinding(prefix: "lstm.").select(file, path: "g", head: false)
        #expect(throws: SafetensorsError(file: "g", tensor: "lstm.weight_ih_l0", expected: "a tensor of shape [24, 2]", found: "no such tensor")) {
            try WeightsBinding(prefix: "lstm.").check(none, against: noHead, path: "g")
        }
        var extra = file
        extra.tensors.append(SafetensorsTensor(name: "rnn.weight_xx_l0", dtype: .f32, shape: [1], values: [0]))
        #expect(throws: SafetensorsError(file: "g", tensor: "rnn.weight_xx_l0",
                                         expected: "a parameter of nn.RNN/nn.LSTM/nn.GRU under prefix 'rnn.' (weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>)",
                                         found: "a tensor left over")) {
            try WeightsBinding().select(extra, path: "g", head: true)
        }
    }
}

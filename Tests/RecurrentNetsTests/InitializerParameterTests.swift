import LinearAlgebra
import RecurrentNets
import Testing

/// `Initializer.withParameter` means what the name's `-<number>` suffix means, scheme by scheme.
struct InitializerParameterTests {
    @Test(arguments: ["normal", "uniform", "xavier-uniform", "xavier-normal", "kaiming-uniform", "kaiming-normal",
                      "orthogonal", "identity"])
    func theParameterIsTheSuffix(scheme: String) throws {
        #expect(try Initializer(name: scheme).withParameter(0.37) == Initializer(name: scheme + "-0.37"))
        #expect(!Initializer.hasParameterSuffix(scheme))
        #expect(Initializer.hasParameterSuffix(scheme + "-0.37"))
    }

    @Test func pytorchDefaultHasNoParameter() {
        #expect(throws: EngineError.self) { _ = try Initializer.pytorchDefault.withParameter(1) }
        #expect(throws: EngineError.self) { _ = try Initializer.orthogonal(gain: 1).withParameter(0) }
    }

    @Test func theDefaultBiasesAndHeadAreTheExplicitDefaults() {
        let config = try? ModelConfiguration(cell: .lstm, inputSize: 2, hiddenSize: 3, headOutputs: 2)
        guard let config else { Issue.record("configuration"); return }
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let a = RecurrentModel<Double>(configuration: config, generator: &g1)
        let b = RecurrentModel<Double>(
            configuration: config, biases: .pytorchDefault, headWeights: .pytorchDefault, forgetGateBias: nil, generator: &g2)
        #expect(a.parameters == b.parameters)
    }
}

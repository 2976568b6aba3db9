import LinearAlgebra
import RecurrentNets
import Testing
@testable import Training

@Suite("Optimisers match torch.optim (float64)")
struct OptimizerReferenceTests {
    static var runIndices: [Int] { Array(0..<(ReferenceFixture.shared?.optimizers.count ?? 0)) }

    static func configuration(_ c: ReferenceFixture.OptimizerConfig) throws -> OptimizerConfiguration {
        let betas = c.betas ?? [0.9, 0.999]
        return try OptimizerConfiguration(
            name: c.name, learningRate: c.lr, momentum: c.momentum ?? 0, dampening: c.dampening ?? 0,
            nesterov: c.nesterov ?? false, weightDecay: c.weight_decay, betas: (betas[0], betas[1]),
            eps: c.eps ?? 1e-8, amsgrad: c.amsgrad ?? false, alpha: c.alpha ?? 0.99,
            centered: c.centered ?? false)
    }

    @Test func fixtureLoads() throws {
        let fixture = try #require(ReferenceFixture.shared)
        #expect(fixture.optimizers.count >= 10)
        #expect(fixture.gradients.count >= 5)
    }

    @Test("Every step of each optimiser agrees with PyTorch to 1e-12", arguments: runIndices)
    func parametersAfterEveryStepMatchPyTorch(run: Int) throws {
        let fixture = try #require(ReferenceFixture.shared)
        let reference = fixture.optimizers[run]
        var optimizer = Optimizer<Double>(configuration: try Self.configuration(reference.config))
        var parameters = fixture.parameterSet(fixture.parameters.initial)
        #expect(reference.steps.count >= 5)
        for (k, expected) in reference.steps.enumerated() {
            let gradients = fixture.parameterSet(fixture.gradients[k])
            optimizer.step(parameters: &parameters, gradients: gradients, learningRate: reference.lrs[k])
            let error = maxRelativeError(parameters.values.map(\.storage), expected)
            #expect(error < 1e-12, "\(reference.config.name) run \(run), step \(k + 1): relative error \(error)")
        }
        #expect(optimizer.stepCount == reference.steps.count)
    }

    @Test func float32ParametersTrackTheDoubleResult() throws {
        let fixture = try #require(ReferenceFixture.shared)
        let reference = fixture.optimizers[4]  // plain Adam
        var optimizer = Optimizer<Float>(configuration: try Self.configuration(reference.config))
        let parameters = fixture.parameterSet(fixture.parameters.initial)
        var single = ParameterSet<Float>()
        for (i, name) in parameters.names.enumerated() {
            single.append(name, parameters.values[i].converted(to: Float.self), isVector: parameters.shapes[i].count == 1)
        }
        for (k, expected) in reference.steps.enumerated() {
            var g = ParameterSet<Float>()
            let gd = fixture.parameterSet(fixture.gradients[k])
            for (i, name) in gd.names.enumerated() {
                g.append(name, gd.values[i].converted(to: Float.self), isVector: gd.shapes[i].count == 1)
            }
            optimizer.step(parameters: &single, gradients: g, learningRate: reference.lrs[k])
            let error = maxRelativeError(single.values.map { $0.storage.map(Double.init) }, expected)
            #expect(error < 1e-5)
        }
    }

    @Test func resetForgetsMomentum() throws {
        let fixture = try #require(ReferenceFixture.shared)
        let config = try OptimizerConfiguration(name: "sgd", learningRate: 0.1, momentum: 0.9)
        var a = Optimizer<Double>(configuration: config)
        var p = fixture.parameterSet(fixture.parameters.initial)
        let g = fixture.parameterSet(fixture.gradients[0])
        a.step(parameters: &p, gradients: g, learningRate: 0.1)
        a.reset()
        var fresh = Optimizer<Double>(configuration: config)
        var p1 = p
        var p2 = p
        a.step(parameters: &p1, gradients: g, learningRate: 0.1)
        fresh.step(parameters: &p2, gradients: g, learningRate: 0.1)
        #expect(p1 == p2)
    }
}

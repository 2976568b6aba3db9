import LinearAlgebra
import RecurrentNets
import Testing
@testable import Training

@Suite("Configuration errors, dropout and early stopping")
struct ConfigurationTests {
    @Test func negativeLearningRateIsRejectedWithTheField() {
        #expect(throws: TrainingError.invalidValue(field: "lr", value: "-0.1", expected: "a finite number >= 0")) {
            try OptimizerConfiguration(name: "adam", learningRate: -0.1)
        }
    }

    @Test func unknownOptimizerNameListsTheKnownOnes() {
        do {
            _ = try OptimizerConfiguration(name: "adagrad")
            Issue.record("expected an error")
        } catch {
            guard case let .unknownName(field, value, known) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(field == "optimizer" && value == "adagrad" && known.contains("adamw"))
            #expect(error.description.contains("adagrad"))
        }
    }

    @Test(arguments: [
        ("momentum", 1.0), ("momentum", -0.1), ("beta1", 1.0), ("beta2", -0.5), ("eps", 0.0), ("eps", -1e-8),
        ("weight_decay", -0.01), ("alpha", 1.0), ("lr", Double.nan),
    ])
    func outOfRangeHyperParametersAreRejected(field: String, value: Double) {
        do {
            switch field {
            case "momentum": _ = try OptimizerConfiguration(name: "sgd", momentum: value)
            case "beta1": _ = try OptimizerConfiguration(name: "adam", betas: (value, 0.999))
            case "beta2": _ = try OptimizerConfiguration(name: "adam", betas: (0.9, value))
            case "eps": _ = try OptimizerConfiguration(name: "adam", eps: value)
            case "weight_decay": _ = try OptimizerConfiguration(name: "adamw", weightDecay: value)
            case "alpha": _ = try OptimizerConfiguration(name: "rmsprop", alpha: value)
            default: _ = try OptimizerConfiguration(name: "sgd", learningRate: value)
            }
            Issue.record("\(field) = \(value) was accepted")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func nesterovNeedsMomentumWithoutDampening() {
        #expect(throws: TrainingError.self) { try OptimizerConfiguration(name: "sgd", nesterov: true) }
        #expect(throws: TrainingError.self) {
            try OptimizerConfiguration(name: "sgd", momentum: 0.9, dampening: 0.1, nesterov: true)
        }
        #expect(throws: Never.self) { try OptimizerConfiguration(name: "SGD", momentum: 0.9, nesterov: true) }
    }

    @Test func pyTorchDefaultsAreUsed() throws {
        let adamw = try OptimizerConfiguration(name: "AdamW")
        #expect(adamw.kind == .adamw && adamw.weightDecay == 0.01 && adamw.learningRate == 1e-3)
        #expect(try OptimizerConfiguration(name: "rmsprop").learningRate == 0.01)
        #expect(try OptimizerConfiguration(name: "adam").weightDecay == 0)
    }

    @Test func clippingAndScheduleNamesAreValidated() {
        #expect(throws: TrainingError.self) { try GradientClipping(name: "norm", threshold: -1) }
        #expect(throws: TrainingError.self) { try GradientClipping(name: "norm") }
        #expect(throws: TrainingError.self) { try GradientClipping(name: "l1") }
        #expect((try? GradientClipping(name: "norm", threshold: 5)) == .norm(maxNorm: 5))
        #expect(throws: TrainingError.self) { try LearningRateSchedule(name: "cosine") }
        #expect(throws: TrainingError.self) { try LearningRateSchedule(name: "warmup") }
        #expect((try? LearningRateSchedule(name: "noam", modelSize: 8)) == .warmup(modelSize: 8, warmupSteps: 4000))
        #expect(throws: TrainingError.self) { try ReduceLROnPlateau(learningRate: 0.1, factor: 1.0) }
        #expect(throws: TrainingError.self) { try MetricMode(name: "median") }
    }

    @Test(arguments: [-0.1, 1.0, 1.5, Double.nan])
    func invalidDropoutRateIsRejected(rate: Double) {
        #expect(throws: EngineError.self) { try DropoutRates(input: rate).validate() }
        #expect(throws: EngineError.self) { try DropoutRates(between: rate).validate() }
        #expect(throws: EngineError.self) { try DropoutRates(output: rate).validate() }
    }

    @Test func dropoutMaskIsInvertedAndSeeded() throws {
        var g1 = SeededGenerator(seed: 7)
        var g2 = SeededGenerator(seed: 7)
        let a = DropoutRates.mask(rows: 100, columns: 50, rate: 0.3, as: Double.self, generator: &g1)
        let b = DropoutRates.mask(rows: 100, columns: 50, rate: 0.3, as: Double.self, generator: &g2)
        #expect(a == b)
        let kept = 1 / 0.7
        #expect(a.storage.allSatisfy { $0 == 0 || $0 == kept })
        let dropped = Double(a.storage.filter { $0 == 0 }.count) / Double(a.count)
        #expect(abs(dropped - 0.3) < 0.03)
        let mean = a.storage.reduce(0, +) / Double(a.count)
        #expect(abs(mean - 1) < 0.05)
    }

    static func params(_ v: Double) -> ParameterSet<Double> {
        var p = ParameterSet<Double>()
        p.append("w", Matrix([[v]]))
        return p
    }

    @Test func earlyStoppingWaitsPatienceAndKeepsTheBest() throws {
        var stopper = try EarlyStopping<Double>(patience: 3, minDelta: 0.01)
        let losses = [1.0, 0.8, 0.795, 0.7, 0.71, 0.695, 0.72, 0.9]
        var stoppedAt: Int?
        for (i, loss) in losses.enumerated() where stoppedAt == nil {
            if stopper.update(metric: loss, parameters: Self.params(loss)) { stoppedAt = i }
        }
        // 0.795 and 0.695 do not beat the best by more than min_delta.
        #expect(stoppedAt == 6)
        #expect(stopper.bestMetric == 0.7 && stopper.bestEvaluation == 3)
        #expect(stopper.bestParameters == Self.params(0.7))
    }

    @Test func earlyStoppingMaxModeAndNaN() throws {
        var stopper = try EarlyStopping<Double>(patience: 2, mode: .max, restoreBest: false)
        let results = [0.5, .nan, 0.6, 0.6, 0.59].map { stopper.update(metric: $0, parameters: Self.params(0)) }
        #expect(results == [false, false, false, false, true])
        #expect(stopper.bestParameters == nil)
        #expect(throws: TrainingError.self) { try EarlyStopping<Float>(patience: 0) }
        #expect(throws: TrainingError.self) { try EarlyStopping<Float>(patience: 2, minDelta: -1) }
    }
}

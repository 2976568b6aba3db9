import Foundation
import LinearAlgebra
import RecurrentNets
import SequenceTasks
import Testing
@testable import Training

/// `Trainer.evaluate(onlySteps:)` scores the copy task's answer steps only, checked against a model
/// whose head ignores its input (constant logits), so every number follows from the labels by hand.
struct AnswerStepTests {
    static let symbols = 4, copyLength = 3, steps = 12, count = 20

    /// A copy test set and a model predicting the constant logits `bias` at every step.
    static func setUp(bias: [Double]) throws -> (RecurrentModel<Double>, SequenceDataset) {
        let task = try TaskConfiguration(name: "copy", steps: steps, symbolCount: symbols, copyLength: copyLength)
        let data = task.generate(count: count, seed: 11)
        let config = try ModelConfiguration(
            inputSize: symbols + 2, hiddenSize: 2, headOutputs: symbols + 1, headPlacement: .everyStep)
        var g = SeededGenerator(seed: 1)
        var model = RecurrentModel<Double>(configuration: config, generator: &g)
        model.parameters["head.weight"] = Matrix(rows: symbols + 1, columns: 2)
        model.parameters["head.bias"] = Matrix(rows: 1, columns: symbols + 1, elements: bias)
        return (model, data)
    }

    static func labels(_ data: SequenceDataset) throws -> [Int] {
        guard case let .stepClasses(labels, _) = data.targets else { throw CancellationError() }
        return labels
    }

    @Test func aModelPredictingSymbolZeroScoresTheZerosAmongTheAnswers() throws {
        let bias = [3.0, 0, 0, 0, 0]
        let (model, data) = try Self.setUp(bias: bias)
        let labels = try Self.labels(data)
        let answers = (0..<Self.count).flatMap { n in (Self.steps - Self.copyLength..<Self.steps).map { labels[n * Self.steps + $0] } }
        let lse = Foundation.log(Foundation.exp(3.0) + 4)
        let expectedLoss = answers.map { lse - bias[$0] }.reduce(0, +) / Double(answers.count)
        let expectedAccuracy = Double(answers.filter { $0 == 0 }.count) / Double(answers.count)
        let scored = try Trainer<Double>.evaluate(model, on: data, batchSize: 7, onlySteps: (Self.steps - Self.copyLength)..<Self.steps)
        #expect(Swift.abs(scored.loss - expectedLoss) < 1e-12)
        #expect(scored.accuracy == expectedAccuracy)
        #expect(expectedAccuracy > 0 && expectedAccuracy < 1)
        // Over every step, the blanks count too (none of them is symbol 0).
        let all = try Trainer<Double>.evaluate(model, on: data, batchSize: 7)
        #expect(all.accuracy == Double(answers.filter { $0 == 0 }.count) / Double(Self.count * Self.steps))
    }

    @Test func aModelPredictingBlanksGetsNoAnswerRight() throws {
        let (model, data) = try Self.setUp(bias: [0, 0, 0, 0, 5])
        let answer = try Trainer<Double>.evaluate(model, on: data, onlySteps: (Self.steps - Self.copyLength)..<Self.steps)
        #expect(answer.accuracy == 0)
        let all = try Trainer<Double>.evaluate(model, on: data)
        #expect(all.accuracy == Double(Self.steps - Self.copyLength) / Double(Self.steps))
    }
}

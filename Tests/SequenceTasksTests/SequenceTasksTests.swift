import LinearAlgebra
import Testing
@testable import SequenceTasks

@Suite("Sequence task generators")
struct SequenceTasksTests {
    static let allNames = ["binary-sum", "adding", "copy", "temporal-order", "char-lm", "tagging"]

    @Test(arguments: allNames)
    func sameSeedGivesIdenticalDataAndOtherSeedsDiffer(name: String) throws {
        let config = try TaskConfiguration(name: name, trainCount: 50, validationCount: 10, testCount: 10)
        let a = config.makeSplits(seed: 42)
        let b = config.makeSplits(seed: 42)
        let c = config.makeSplits(seed: 43)
        #expect(a == b)
        #expect(a.train.x != c.train.x)
        #expect(a.train.x != a.validation.x)
        #expect(config.generate(count: 20, seed: 5) == config.generate(count: 20, seed: 5))
    }

    @Test(arguments: allNames)
    func shapesAndLabelRangesAreConsistent(name: String) throws {
        let config = try TaskConfiguration(name: name, trainCount: 64, validationCount: 8, testCount: 16)
        let splits = config.makeSplits(seed: 1)
        #expect(splits.train.sampleCount == 64 && splits.validation.sampleCount == 8 && splits.test.sampleCount == 16)
        let d = splits.train
        #expect(d.steps == config.steps)
        #expect(d.x.count == d.sampleCount * d.steps * d.inputFeatures)
        #expect(d.lengths == nil)
        switch d.targets {
        case let .sequenceClasses(labels, classCount):
            #expect(labels.count == d.sampleCount)
            #expect(labels.allSatisfy { (0..<classCount).contains($0) })
        case let .stepClasses(labels, classCount):
            #expect(labels.count == d.sampleCount * d.steps)
            #expect(labels.allSatisfy { (0..<classCount).contains($0) })
        case let .regression(values, outputs):
            #expect(values.count == d.sampleCount * outputs)
        }
        // One-hot tasks have exactly one active feature per step.
        if [.copy, .temporalOrder, .charLM, .tagging].contains(d.kind) {
            for s in 0..<d.sampleCount {
                for t in 0..<d.steps {
                    let row = (0..<d.inputFeatures).map { d.input(sample: s, step: t, feature: $0) }
                    #expect(row.filter { $0 == 1 }.count == 1 && row.filter { $0 != 0 }.count == 1)
                }
            }
        }
    }

    @Test func binarySumFollowsTheTutorial() throws {
        let config = try TaskConfiguration(name: "binary-sum")
        #expect(config.steps == 5 && config.trainCount == 1000 && config.testCount == 100)
        let d = config.generate(count: 500, seed: 9)
        guard case let .sequenceClasses(labels, classCount) = d.targets else {
            Issue.record("binary-sum should be many-to-one classification")
            return
        }
        #expect(classCount == 10 && d.inputFeatures == 1)
        #expect(d.x.allSatisfy { $0 == 0 || $0 == 1 })
        for s in 0..<d.sampleCount {
            let ones = (0..<d.steps).map { d.input(sample: s, step: $0, feature: 0) }.reduce(0, +)
            #expect(labels[s] == Int(ones) % 10)
        }
        let longer = try TaskConfiguration(name: "binary_sum", steps: 25).generate(count: 300, seed: 2)
        guard case let .sequenceClasses(l2, _) = longer.targets else { return }
        #expect(Set(l2).count == 10)  // with T = 25 every residue occurs
    }

    @Test(arguments: [2, 3, 50, 101])
    func addingProblemHasOneMarkerInEachHalf(steps: Int) throws {
        let d = try TaskConfiguration(name: "adding", steps: steps).generate(count: 200, seed: 3)
        guard case let .regression(values, outputs) = d.targets else {
            Issue.record("adding should be regression")
            return
        }
        #expect(outputs == 1 && d.inputFeatures == 2)
        let half = steps / 2
        for s in 0..<d.sampleCount {
            let markers = (0..<steps).filter { d.input(sample: s, step: $0, feature: 1) == 1 }
            #expect(markers.count == 2)
            #expect(markers[0] < half && markers[1] >= half)
            let sum = d.input(sample: s, step: markers[0], feature: 0) + d.input(sample: s, step: markers[1], feature: 0)
            #expect(values[s] == sum)
            #expect((0..<steps).allSatisfy { d.input(sample: s, step: $0, feature: 0) >= 0 && d.input(sample: s, step: $0, feature: 0) < 1 })
        }
    }

    @Test func addingBaselineIsAboutOneSixth() throws {
        let d = try TaskConfiguration(name: "adding", steps: 20).generate(count: 20000, seed: 11)
        guard case let .regression(values, _) = d.targets else { return }
        let mse = values.map { ($0 - 1) * ($0 - 1) }.reduce(0, +) / Double(values.count)
        #expect(abs(mse - AddingTask.baselineMSE) < 0.01)
    }

    @Test func copyTargetsAreBlanksThenTheSymbols() throws {
        let config = try TaskConfiguration(name: "memory", steps: 15, symbolCount: 4, copyLength: 3)
        let d = config.generate(count: 30, seed: 4)
        let (k, s, t) = (4, 3, 15)
        let delay = t - 2 * s - 1
        #expect(d.inputFeatures == k + 2)
        guard case let .stepClasses(labels, classCount) = d.targets else {
            Issue.record("copy should be per-step classification")
            return
        }
        #expect(classCount == k + 1)
        func symbol(_ n: Int, _ step: Int) -> Int {
            (0..<d.inputFeatures).first { d.input(sample: n, step: step, feature: $0) == 1 } ?? -1
        }
        for n in 0..<d.sampleCount {
            for step in 0..<s { #expect(symbol(n, step) < k) }
            for step in s..<(s + delay) { #expect(symbol(n, step) == CopyTask.blank(symbols: k)) }
            #expect(symbol(n, s + delay) == CopyTask.delimiter(symbols: k))
            for step in (s + delay + 1)..<t { #expect(symbol(n, step) == k) }
            for step in 0..<(t - s) { #expect(labels[n * t + step] == k) }
            for i in 0..<s { #expect(labels[n * t + t - s + i] == symbol(n, i)) }
        }
        #expect(throws: TaskError.self) { try TaskConfiguration(name: "copy", steps: 6, copyLength: 3) }
    }

    @Test func temporalOrderClassEncodesTheRelevantSymbols() throws {
        let d = try TaskConfiguration(name: "temporal-order").generate(count: 200, seed: 8)
        guard case let .sequenceClasses(labels, classCount) = d.targets else { return }
        #expect(classCount == 4 && d.inputFeatures == 8 && d.steps == 100)
        #expect(Set(labels) == [0, 1, 2, 3])
        for n in 0..<d.sampleCount {
            let seq = (0..<d.steps).map { t in (0..<8).first { d.input(sample: n, step: t, feature: $0) == 1 } ?? -1 }
            #expect(seq.first == 4 && seq.last == 5)
            let relevant = seq.enumerated().filter { $0.element >= 6 }
            #expect(relevant.count == 2)
            #expect((10...20).contains(relevant[0].offset) && (50...60).contains(relevant[1].offset))
            #expect(labels[n] == 2 * (relevant[0].element - 6) + (relevant[1].element - 6))
        }
    }

    @Test func charLMTargetsAreTheNextCharacters() throws {
        let config = try TaskConfiguration(name: "char-lm", steps: 12)
        let d = config.generate(count: 40, seed: 6)
        let corpus = CharCorpus(text: config.corpus)
        #expect(config.corpus.utf8.count > 2000)
        #expect(d.vocabulary == corpus.vocabulary.map { String($0) })
        let codePoints = corpus.vocabulary.map(\.value)
        #expect(codePoints == codePoints.sorted())
        guard case let .stepClasses(labels, classCount) = d.targets else { return }
        #expect(classCount == d.inputFeatures && classCount == corpus.vocabulary.count)
        let text = corpus.encoded
        for n in 0..<d.sampleCount {
            let inputs = (0..<d.steps).map { t in (0..<d.inputFeatures).first { d.input(sample: n, step: t, feature: $0) == 1 } ?? -1 }
            // The window occurs in the text and the targets are shifted by one.
            #expect(Array(inputs.dropFirst()) == Array(labels[(n * d.steps)..<(n * d.steps + d.steps - 1)]))
            let found = (0..<(text.count - d.steps)).contains { o in
                Array(text[o..<(o + d.steps)]) == inputs && text[o + d.steps] == labels[n * d.steps + d.steps - 1]
            }
            #expect(found)
        }
        let custom = try TaskConfiguration(name: "char-lm", steps: 3, corpusText: String(repeating: "abcab", count: 20))
        #expect(custom.generate(count: 2, seed: 1).vocabulary == ["a", "b", "c"])
        #expect(throws: TaskError.self) { try TaskConfiguration(name: "char-lm", steps: 10, corpusText: "too short") }
    }

    @Test func taggingLabelIsSumOfCurrentAndPreviousModK() throws {
        let d = try TaskConfiguration(name: "tagging", steps: 12, symbolCount: 3).generate(count: 50, seed: 12)
        guard case let .stepClasses(labels, classCount) = d.targets else { return }
        #expect(classCount == 3)
        for n in 0..<d.sampleCount {
            var previous = 0
            for t in 0..<d.steps {
                let x = (0..<3).first { d.input(sample: n, step: t, feature: $0) == 1 } ?? -1
                #expect(labels[n * d.steps + t] == (x + previous) % 3)
                previous = x
            }
        }
    }

    @Test func batchesUseTheEngineTimeMajorLayout() throws {
        let d = try TaskConfiguration(name: "tagging", steps: 4, symbolCount: 3).generate(count: 10, seed: 2)
        let batch = [7, 2, 5]
        let m: Matrix<Float> = d.inputs(batch: batch)
        #expect(m.rows == 4 * 3 && m.columns == 3)
        for t in 0..<4 {
            for (b, s) in batch.enumerated() {
                for f in 0..<3 { #expect(m[t * 3 + b, f] == Float(d.input(sample: s, step: t, feature: f))) }
            }
        }
        let labels = d.classLabels(batch: batch)
        guard case let .stepClasses(all, _) = d.targets else { return }
        #expect(labels.count == 12)
        #expect(labels[2 * 3 + 1] == all[2 * 4 + 2])
        var g: SeededGenerator? = SeededGenerator(seed: 1)
        let batches = d.batchIndices(batchSize: 4, generator: &g)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<10))
        var none: SeededGenerator? = nil
        #expect(d.batchIndices(batchSize: 4, generator: &none).flatMap { $0 } == Array(0..<10))
        let adding = try TaskConfiguration(name: "adding", steps: 4).generate(count: 5, seed: 1)
        let y: Matrix<Double> = adding.regressionTargets(batch: [4, 0])
        guard case let .regression(values, _) = adding.targets else { return }
        #expect(y.rows == 2 && y[0, 0] == values[4] && y[1, 0] == values[0])
    }

    @Test func splittingADatasetIsADeterministicPartition() throws {
        let d = try TaskConfiguration(name: "binary-sum").generate(count: 100, seed: 1)
        let a = try d.split(validationFraction: 0.2, testFraction: 0.1, seed: 5)
        let b = try d.split(validationFraction: 0.2, testFraction: 0.1, seed: 5)
        #expect(a == b)
        #expect(a.train.sampleCount == 70 && a.validation.sampleCount == 20 && a.test.sampleCount == 10)
        #expect(throws: TaskError.self) { try d.split(validationFraction: 0.6, testFraction: 0.5, seed: 1) }
    }

    @Test func unknownTaskNameIsATypedError() {
        #expect(throws: TaskError.unknownTask(name: "parity", known: TaskConfiguration.knownNames)) {
            try TaskConfiguration(name: "parity")
        }
        #expect(throws: TaskError.self) { try TaskConfiguration(name: "adding", steps: 1) }
        #expect(throws: TaskError.self) { try TaskConfiguration(name: "binary-sum", trainCount: 0) }
        #expect(TaskError.unknownTask(name: "parity", known: ["adding"]).description.contains("parity"))
    }
}

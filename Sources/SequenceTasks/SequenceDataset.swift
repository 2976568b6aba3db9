public import LinearAlgebra

/// The targets of a dataset, by problem shape.
public enum TaskTargets: Sendable, Equatable, Hashable {
    /// Many-to-one classification: one label in `0..<classCount` per sample (`samples` labels).
    case sequenceClasses(labels: [Int], classCount: Int)
    /// Many-to-many classification: a label in `0..<classCount` for every step, stored
    /// sample-major: `labels[s * steps + t]` (`samples * steps` labels).
    case stepClasses(labels: [Int], classCount: Int)
    /// Many-to-one regression: `outputs` values per sample, `values[s * outputs + k]`.
    case regression(values: [Double], outputs: Int)

    /// Output width of the model head (classes, or regression outputs).
    public var outputSize: Int {
        switch self {
        case let .sequenceClasses(_, c), let .stepClasses(_, c): return c
        case let .regression(_, outputs): return outputs
        }
    }

    /// Whether every step has a target (many-to-many) rather than only the last.
    public var isPerStep: Bool {
        if case .stepClasses = self { return true }
        return false
    }
}

/// A generated set of fixed-length sequences with their targets.
///
/// Inputs are one flat array `x` of shape `(sampleCount, steps, inputFeatures)`, row-major:
/// `x[(s * steps + t) * inputFeatures + f]`. Use ``inputs(batch:)`` to get a batch in the
/// engine's time-major layout.
public struct SequenceDataset: Sendable, Equatable, Hashable {
    /// The task that produced the data.
    public let kind: TaskKind
    /// Number of sequences.
    public let sampleCount: Int
    /// Steps per sequence (T).
    public let steps: Int
    /// Features per step.
    public let inputFeatures: Int
    /// Inputs, shape `(sampleCount, steps, inputFeatures)` row-major.
    public let x: [Double]
    /// Targets (see ``TaskTargets`` for their layouts).
    public let targets: TaskTargets
    /// Per-sample lengths for variable-length tasks; `nil` when every sequence has `steps` steps
    /// (all current tasks).
    public let lengths: [Int]?
    /// Names of the input symbols for one-hot tasks (for char-lm, the characters, in feature
    /// order); empty for real-valued inputs.
    public let vocabulary: [String]

    /// A dataset from its parts (shapes are checked).
    public init(
        kind: TaskKind, sampleCount: Int, steps: Int, inputFeatures: Int, x: [Double],
        targets: TaskTargets, lengths: [Int]? = nil, vocabulary: [String] = []
    ) {
        precondition(x.count == sampleCount * steps * inputFeatures, "SequenceDataset: x has \(x.count) values")
        switch targets {
        case let .sequenceClasses(labels, _): precondition(labels.count == sampleCount)
        case let .stepClasses(labels, _): precondition(labels.count == sampleCount * steps)
        case let .regression(values, outputs): precondition(values.count == sampleCount * outputs)
        }
        self.kind = kind
        self.sampleCount = sampleCount
        self.steps = steps
        self.inputFeatures = inputFeatures
        self.x = x
        self.targets = targets
        self.lengths = lengths
        self.vocabulary = vocabulary
    }

    /// Input value of sample `s` at step `t`, feature `f`.
    public func input(sample s: Int, step t: Int, feature f: Int) -> Double {
        x[(s * steps + t) * inputFeatures + f]
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SequenceDataset {
        let block = steps * inputFeatures
        var newX: [Double] = []
        newX.reserveCapacity(indices.count * block)
        for s in indices { newX.append(contentsOf: x[(s * block)..<((s + 1) * block)]) }
        let newTargets: TaskTargets
        switch targets {
        case let .sequenceClasses(labels, c):
            newTargets = .sequenceClasses(labels: indices.map { labels[$0] }, classCount: c)
        case let .stepClasses(labels, c):
            newTargets = .stepClasses(
                labels: indices.flatMap { labels[($0 * steps)..<(($0 + 1) * steps)] }, classCount: c)
        case let .regression(values, k):
            newTargets = .regression(values: indices.flatMap { values[($0 * k)..<(($0 + 1) * k)] }, outputs: k)
        }
        return SequenceDataset(
            kind: kind, sampleCount: indices.count, steps: steps, inputFeatures: inputFeatures, x: newX,
            targets: newTargets, lengths: lengths.map { l in indices.map { l[$0] } }, vocabulary: vocabulary)
    }

    /// Inputs of the samples at `indices` as a `(steps * B) x inputFeatures` matrix in the
    /// engine's time-major layout: row `t * B + b` is step `t` of sample `indices[b]`.
    public func inputs<Scalar: NetScalar>(batch indices: [Int]) -> Matrix<Scalar> {
        let b = indices.count
        var m = Matrix<Scalar>(rows: steps * b, columns: inputFeatures)
        for (j, s) in indices.enumerated() {
            for t in 0..<steps {
                let src = (s * steps + t) * inputFeatures
                let dst = (t * b + j) * inputFeatures
                for f in 0..<inputFeatures { m.storage[dst + f] = Scalar(x[src + f]) }
            }
        }
        return m
    }

    /// Class labels of the samples at `indices`: `B` labels for many-to-one tasks, or
    /// `steps * B` labels time-major (`[t * B + b]`) for per-step tasks; empty for regression.
    public func classLabels(batch indices: [Int]) -> [Int] {
        switch targets {
        case let .sequenceClasses(labels, _):
            return indices.map { labels[$0] }
        case let .stepClasses(labels, _):
            var out: [Int] = []
            out.reserveCapacity(steps * indices.count)
            for t in 0..<steps {
                for s in indices { out.append(labels[s * steps + t]) }
            }
            return out
        case .regression:
            return []
        }
    }

    /// Regression targets of the samples at `indices` as a `B x outputs` matrix (`0 x 0` for
    /// classification tasks).
    public func regressionTargets<Scalar: NetScalar>(batch indices: [Int]) -> Matrix<Scalar> {
        guard case let .regression(values, k) = targets else { return Matrix(rows: 0, columns: 0) }
        var m = Matrix<Scalar>(rows: indices.count, columns: k)
        for (j, s) in indices.enumerated() {
            for c in 0..<k { m.storage[j * k + c] = Scalar(values[s * k + c]) }
        }
        return m
    }

    /// Sample indices cut into consecutive batches of `batchSize` (the last may be smaller),
    /// in order, or shuffled by `generator` when given (like `DataLoader(shuffle=True)`).
    public func batchIndices(batchSize: Int, generator: inout SeededGenerator?) -> [[Int]] {
        precondition(batchSize > 0, "batchSize must be positive")
        let order: [Int]
        if var g = generator {
            order = g.permutation(sampleCount)
            generator = g
        } else {
            order = Array(0..<sampleCount)
        }
        return stride(from: 0, to: sampleCount, by: batchSize).map {
            Array(order[$0..<Swift.min($0 + batchSize, sampleCount)])
        }
    }

    /// A deterministic partition into train / validation / test by a seeded permutation:
    /// `floor(n * validationFraction)` validation and `floor(n * testFraction)` test samples,
    /// the rest for training (each part keeps the permuted order).
    public func split(validationFraction: Double, testFraction: Double, seed: UInt64) throws(TaskError) -> DatasetSplits {
        guard validationFraction >= 0, testFraction >= 0, validationFraction + testFraction < 1 else {
            throw .invalidValue(
                field: "split", value: "validation \(validationFraction), test \(testFraction)",
                expected: "non-negative fractions summing to less than 1")
        }
        var g = SeededGenerator(seed: seed)
        let order = g.permutation(sampleCount)
        let nv = Int(Double(sampleCount) * validationFraction)
        let nt = Int(Double(sampleCount) * testFraction)
        let nTrain = sampleCount - nv - nt
        return DatasetSplits(
            train: subset(Array(order[0..<nTrain])),
            validation: subset(Array(order[nTrain..<(nTrain + nv)])),
            test: subset(Array(order[(nTrain + nv)...])))
    }
}

/// Training, validation and test sets of one task.
public struct DatasetSplits: Sendable, Equatable, Hashable {
    /// Samples for fitting.
    public let train: SequenceDataset
    /// Samples for model selection (early stopping, plateau schedules).
    public let validation: SequenceDataset
    /// Held-out samples for the final report.
    public let test: SequenceDataset

    /// The three sets.
    public init(train: SequenceDataset, validation: SequenceDataset, test: SequenceDataset) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

internal import LinearAlgebra

/// The available sequence tasks.
public enum TaskKind: String, Sendable, CaseIterable, Hashable, Codable {
    /// The tutorial's §2.4.2 task: bits in, (number of ones) mod 10 out; many-to-one, 10 classes.
    case binarySum = "binary-sum"
    /// Le et al. (2015) adding problem; many-to-one regression (MSE).
    case adding
    /// Copy / memory task; many-to-many classification.
    case copy
    /// Hochreiter & Schmidhuber (1997) temporal order (task 6a); many-to-one, 4 classes.
    case temporalOrder = "temporal-order"
    /// Character-level language model on the shipped corpus; many-to-many.
    case charLM = "char-lm"
    /// Toy tagging: label = (x_t + x_{t-1}) mod K; many-to-many.
    case tagging

    /// Whether the loss is mean squared error (regression) rather than cross-entropy.
    public var isRegression: Bool { self == .adding }
}

/// A validated task description: which task, its sequence length and its sizes.
///
/// Generation is deterministic: the same configuration and seed give identical data on
/// every machine (``SeededGenerator``).
public struct TaskConfiguration: Sendable, Equatable, Hashable {
    /// The task.
    public let kind: TaskKind
    /// Total steps per sequence (T). For copy this includes the symbols, the delay, the
    /// delimiter and the answer slots (see ``CopyTask``).
    public let steps: Int
    /// Number of training sequences.
    public let trainCount: Int
    /// Number of validation sequences.
    public let validationCount: Int
    /// Number of test sequences.
    public let testCount: Int
    /// Alphabet size K for copy (default 8) and tagging (default 3); 0 for other tasks.
    public let symbolCount: Int
    /// Number of symbols to remember for copy (S, default 5); 0 for other tasks.
    public let copyLength: Int
    /// The char-lm text (the shipped corpus unless another text was given); empty otherwise.
    public let corpus: String

    /// The copy task's default number of symbols to remember (S).
    public static let defaultCopyLength = 5

    /// The copy task's total length for a lag `lag` (T of Arjovsky, Shah & Bengio 2016: S symbols,
    /// T - 1 blanks, the delimiter, S blanks): `lag + 2 * copyLength`.
    public static func copySteps(lag: Int, copyLength: Int = defaultCopyLength) -> Int { lag + 2 * copyLength }

    /// The accepted task names.
    public static let knownNames: [String] = TaskKind.allCases.map(\.rawValue)

    /// A validated configuration. Names are case-insensitive, `_` is read as `-`, and
    /// "memory" is an alias of "copy".
    ///
    /// Default steps: binary-sum 5, adding 50, copy 21 (S=5, delay 10), temporal-order 100,
    /// char-lm 25, tagging 10. Default counts: 1000 train, 100 validation, 100 test.
    /// - Parameter corpusText: char-lm text to use instead of the shipped `Corpus/tiny.txt`.
    /// - Throws: ``TaskError/unknownTask(name:known:)`` or ``TaskError/invalidValue(field:value:expected:)``;
    ///   ``TaskError/corpusUnavailable(reason:)`` if the shipped corpus cannot be read.
    public init(
        name: String, steps: Int? = nil, trainCount: Int = 1000, validationCount: Int = 100,
        testCount: Int = 100, symbolCount: Int? = nil, copyLength: Int? = nil, corpusText: String? = nil
    ) throws(TaskError) {
        var key = String(name.lowercased().map { $0 == "_" || $0 == " " ? "-" : $0 })
        if key == "memory" { key = "copy" }
        guard let kind = TaskKind(rawValue: key) else {
            throw .unknownTask(name: name, known: Self.knownNames)
        }
        func check(_ field: String, _ value: Int, atLeast minimum: Int) throws(TaskError) {
            guard value >= minimum else {
                throw .invalidValue(field: field, value: "\(value)", expected: "an integer >= \(minimum)")
            }
        }
        try check("train_count", trainCount, atLeast: 1)
        try check("validation_count", validationCount, atLeast: 0)
        try check("test_count", testCount, atLeast: 0)
        var k = 0
        var s = 0
        var text = ""
        let t: Int
        switch kind {
        case .binarySum:
            t = steps ?? 5
            try check("steps", t, atLeast: 1)
        case .adding:
            t = steps ?? 50
            try check("steps", t, atLeast: 2)
        case .copy:
            k = symbolCount ?? 8
            s = copyLength ?? Self.defaultCopyLength
            try check("symbols", k, atLeast: 1)
            try check("copy_length", s, atLeast: 1)
            t = steps ?? (2 * s + 11)
            try check("steps", t, atLeast: 2 * s + 1)
        case .temporalOrder:
            t = steps ?? 100
            try check("steps", t, atLeast: 10)
        case .charLM:
            t = steps ?? 25
            try check("steps", t, atLeast: 1)
            if let corpusText {
                text = corpusText
            } else {
                text = try CharCorpus.shippedText()
            }
            // Each of the three regions (80/10/10 %) must hold one window of T + 1 characters.
            let n = text.unicodeScalars.count
            guard n / 10 >= t + 1 else {
                throw .invalidValue(
                    field: "steps", value: "\(t)",
                    expected: "at most \(n / 10 - 1) for a corpus of \(n) characters")
            }
        case .tagging:
            k = symbolCount ?? 3
            t = steps ?? 10
            try check("symbols", k, atLeast: 2)
            try check("steps", t, atLeast: 1)
        }
        self.kind = kind
        self.steps = t
        self.trainCount = trainCount
        self.validationCount = validationCount
        self.testCount = testCount
        self.symbolCount = k
        self.copyLength = s
        self.corpus = text
    }

    /// `count` sequences drawn with `SeededGenerator(seed: seed)` (char-lm windows come from
    /// the whole text).
    public func generate(count: Int, seed: UInt64) -> SequenceDataset {
        var g = SeededGenerator(seed: seed)
        return generate(count: count, generator: &g, region: 0..<10)
    }

    /// Train, validation and test sets drawn independently (fresh samples, as the tutorial's
    /// test set) from the sub-streams `derived(1)`, `derived(2)`, `derived(3)` of
    /// `SeededGenerator(seed: seed)`. For char-lm the windows of the three sets come from
    /// disjoint parts of the text: the first 80 %, the next 10 % and the last 10 %.
    public func makeSplits(seed: UInt64) -> DatasetSplits {
        let root = SeededGenerator(seed: seed)
        var g1 = root.derived(1)
        var g2 = root.derived(2)
        var g3 = root.derived(3)
        return DatasetSplits(
            train: generate(count: trainCount, generator: &g1, region: 0..<8),
            validation: generate(count: validationCount, generator: &g2, region: 8..<9),
            test: generate(count: testCount, generator: &g3, region: 9..<10))
    }

    /// `region` is in tenths of the corpus (used by char-lm only).
    func generate(count: Int, generator g: inout SeededGenerator, region: Range<Int>) -> SequenceDataset {
        switch kind {
        case .binarySum: return BinarySumTask.generate(count: count, steps: steps, generator: &g)
        case .adding: return AddingTask.generate(count: count, steps: steps, generator: &g)
        case .copy:
            return CopyTask.generate(
                count: count, steps: steps, symbols: symbolCount, copyLength: copyLength, generator: &g)
        case .temporalOrder: return TemporalOrderTask.generate(count: count, steps: steps, generator: &g)
        case .charLM:
            return CharCorpus(text: corpus).generate(count: count, steps: steps, tenths: region, generator: &g)
        case .tagging: return TaggingTask.generate(count: count, steps: steps, symbols: symbolCount, generator: &g)
        }
    }
}

public import LinearAlgebra

/// A batch of `B` sequences of `T` steps with `F` features each, time-major.
///
/// `inputs` is `(T*B) x F`; row `t*B + b` is step `t` of sequence `b`. Sequences shorter than
/// `T` give their `lengths`; steps at or past a sequence's length are padding: they change
/// neither state, loss nor gradient.
public struct SequenceBatch<Scalar: NetScalar>: Sendable {
    /// `(T*B) x F` inputs.
    public let inputs: Matrix<Scalar>
    /// Steps `T`.
    public let steps: Int
    /// Sequences `B`.
    public let batchSize: Int
    /// Valid steps of each sequence (`B` values in `1...T`).
    public let lengths: [Int]

    /// A batch over `(T*B) x F` time-major inputs, optionally with per-sequence lengths.
    public init(inputs: Matrix<Scalar>, steps: Int, batchSize: Int, lengths: [Int]? = nil) throws(EngineError) {
        guard steps > 0 else { throw .invalidSize(field: "steps", value: steps) }
        guard batchSize > 0 else { throw .invalidSize(field: "batch", value: batchSize) }
        guard inputs.rows == steps * batchSize else {
            throw .shapeMismatch(
                what: "inputs", expected: "(T*B = \(steps * batchSize)) x F", found: "\(inputs.rows)x\(inputs.columns)")
        }
        let lengths = lengths ?? Array(repeating: steps, count: batchSize)
        guard lengths.count == batchSize else {
            throw .shapeMismatch(what: "lengths", expected: "[\(batchSize)]", found: "[\(lengths.count)]")
        }
        if let bad = lengths.first(where: { $0 < 1 || $0 > steps }) {
            throw .invalidValue(field: "length", value: "\(bad)", expected: "a length in 1...\(steps)")
        }
        self.inputs = inputs
        self.steps = steps
        self.batchSize = batchSize
        self.lengths = lengths
    }

    /// A batch from nested `[b][t][f]` sequences (all `T` steps long).
    public init(sequences: [[[Scalar]]]) throws(EngineError) {
        let b = sequences.count
        let t = sequences.first?.count ?? 0
        let f = sequences.first?.first?.count ?? 0
        guard b > 0, t > 0, f > 0 else {
            throw .shapeMismatch(what: "sequences", expected: "non-empty [B][T][F]", found: "[\(b)][\(t)][\(f)]")
        }
        var m = Matrix<Scalar>(rows: t * b, columns: f)
        for (bi, seq) in sequences.enumerated() {
            guard seq.count == t, seq.allSatisfy({ $0.count == f }) else {
                throw .shapeMismatch(what: "sequence \(bi)", expected: "[\(t)][\(f)]", found: "ragged")
            }
            for (ti, step) in seq.enumerated() {
                for (fi, v) in step.enumerated() { m[ti * b + bi, fi] = v }
            }
        }
        try self.init(inputs: m, steps: t, batchSize: b)
    }

    /// Features per step.
    public var features: Int { inputs.columns }

    /// The inputs of steps `range` and each sequence's valid steps within it (0 for a sequence that
    /// ended before the window: all its rows are padding).
    func window(_ range: Range<Int>) -> (inputs: Matrix<Scalar>, lengths: [Int]) {
        let rows = inputs.rows(range.lowerBound * batchSize..<range.upperBound * batchSize)
        let lens = lengths.map { max(0, min($0 - range.lowerBound, range.count)) }
        return (rows, lens)
    }
}

/// The recurrent state of every layer: `h` (and `c` for the LSTM), each `B x H`.
public struct RecurrentState<Scalar: NetScalar>: Sendable, Equatable {
    /// Hidden states per layer.
    public var h: [Matrix<Scalar>]
    /// Cell states per layer (LSTM only).
    public var c: [Matrix<Scalar>]?

    public init(h: [Matrix<Scalar>], c: [Matrix<Scalar>]? = nil) {
        self.h = h
        self.c = c
    }

    /// All-zero state for `layers` layers of `hidden` units over `batch` sequences.
    public static func zeros(layers: Int, batch: Int, hidden: Int, withCell: Bool) -> RecurrentState {
        let z = Array(repeating: Matrix<Scalar>(rows: batch, columns: hidden), count: layers)
        return RecurrentState(h: z, c: withCell ? z : nil)
    }
}

internal import Foundation
internal import LinearAlgebra

/// Character-level language-model data from a text.
///
/// The vocabulary is the set of Unicode scalars of the text, sorted by code point; a
/// character's index in it is its feature and class number. A sample is a window of T
/// characters starting at a uniformly drawn offset: inputs are characters `o..<o+T` one-hot,
/// targets are the next characters `o+1...o+T` (many-to-many, V classes).
public struct CharCorpus: Sendable, Equatable {
    /// The text as Unicode scalars.
    public let scalars: [Unicode.Scalar]
    /// The sorted distinct scalars.
    public let vocabulary: [Unicode.Scalar]
    private let indexOf: [Unicode.Scalar: Int]

    /// A corpus over `text`.
    public init(text: String) {
        scalars = Array(text.unicodeScalars)
        vocabulary = Set(scalars).sorted { $0.value < $1.value }
        var map: [Unicode.Scalar: Int] = [:]
        for (i, c) in vocabulary.enumerated() { map[c] = i }
        indexOf = map
    }

    /// The class / feature index of each character of the text.
    public var encoded: [Int] { scalars.map { indexOf[$0] ?? 0 } }

    /// The text shipped with the package (`Corpus/tiny.txt`, original English prose, ~2.7 KB).
    /// - Throws: ``TaskError/corpusUnavailable(reason:)`` if the resource cannot be read.
    public static func shippedText() throws(TaskError) -> String {
        guard let url = Bundle.module.url(forResource: "tiny", withExtension: "txt", subdirectory: "Corpus") else {
            throw .corpusUnavailable(reason: "Corpus/tiny.txt is missing from the SequenceTasks bundle")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .corpusUnavailable(reason: "cannot read \(url.path): \(error)")
        }
    }

    /// Windows drawn from the part `tenths` (in tenths of the text) of the corpus.
    func generate(count: Int, steps: Int, tenths: Range<Int>, generator g: inout SeededGenerator) -> SequenceDataset {
        let n = scalars.count
        let start = n * tenths.lowerBound / 10
        let end = n * tenths.upperBound / 10
        precondition(end - start >= steps + 1, "CharCorpus: region too short for \(steps) steps")
        let codes = encoded
        let v = vocabulary.count
        var x = [Double](repeating: 0, count: count * steps * v)
        var labels = [Int](repeating: 0, count: count * steps)
        for s in 0..<count {
            let offset = start + g.integer(below: end - start - steps)
            for t in 0..<steps {
                x[(s * steps + t) * v + codes[offset + t]] = 1
                labels[s * steps + t] = codes[offset + t + 1]
            }
        }
        return SequenceDataset(
            kind: .charLM, sampleCount: count, steps: steps, inputFeatures: v, x: x,
            targets: .stepClasses(labels: labels, classCount: v), vocabulary: vocabulary.map { String($0) })
    }
}

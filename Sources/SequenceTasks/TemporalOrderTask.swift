internal import LinearAlgebra

/// The temporal order problem of Hochreiter & Schmidhuber (1997), task 6a, at fixed length T.
///
/// Eight symbols, one-hot in this feature order: `a, b, c, d` (distractors), `B` (start),
/// `E` (end), `X`, `Y`. Step 0 is `B`, step T-1 is `E`; one relevant symbol (X or Y, 1/2
/// each) is at a step t1 uniform in `[T/10, 2T/10]` and another at t2 uniform in
/// `[5T/10, 6T/10]` (integer division; for T = 100 these are the paper's [10, 20] and
/// [50, 60]); every other step is a uniform distractor. The class is the ordered pair:
/// XX = 0, XY = 1, YX = 2, YY = 3 (many-to-one). The paper draws T from 100...110; here T
/// is fixed per configuration.
public enum TemporalOrderTask {
    /// Names of the input features, in order.
    public static let symbols = ["a", "b", "c", "d", "B", "E", "X", "Y"]
    /// Number of classes (XX, XY, YX, YY).
    public static let classCount = 4

    static func generate(count: Int, steps: Int, generator g: inout SeededGenerator) -> SequenceDataset {
        let f = symbols.count
        var x = [Double](repeating: 0, count: count * steps * f)
        var labels = [Int](repeating: 0, count: count)
        let lo1 = steps / 10, hi1 = 2 * steps / 10
        let lo2 = 5 * steps / 10, hi2 = 6 * steps / 10
        for n in 0..<count {
            var sequence = [Int](repeating: 0, count: steps)
            for t in 0..<steps { sequence[t] = g.integer(below: 4) }
            sequence[0] = 4
            sequence[steps - 1] = 5
            let t1 = lo1 + g.integer(below: hi1 - lo1 + 1)
            let t2 = lo2 + g.integer(below: hi2 - lo2 + 1)
            let first = g.integer(below: 2)
            let second = g.integer(below: 2)
            sequence[t1] = 6 + first
            sequence[t2] = 6 + second
            labels[n] = 2 * first + second
            for t in 0..<steps { x[(n * steps + t) * f + sequence[t]] = 1 }
        }
        return SequenceDataset(
            kind: .temporalOrder, sampleCount: count, steps: steps, inputFeatures: f, x: x,
            targets: .sequenceClasses(labels: labels, classCount: classCount), vocabulary: symbols)
    }
}

internal import LinearAlgebra

/// The copy (memory) task.
///
/// With alphabet size K, S symbols to copy and total length T (delay D = T - 2S - 1 >= 0):
///
/// | steps              | input (one-hot over K + 2)    | target class (K + 1 classes) |
/// |--------------------|-------------------------------|------------------------------|
/// | `0..<S`            | symbols a_0...a_{S-1} (0..<K) | blank (K)                    |
/// | `S..<S+D`          | blank (feature K)             | blank (K)                    |
/// | `S+D`              | delimiter (feature K+1)       | blank (K)                    |
/// | `S+D+1..<T`        | blank (feature K)             | a_0...a_{S-1}                |
///
/// Symbols are uniform over `0..<K`. The model must output blanks until the delimiter and
/// then reproduce the S symbols in order (many-to-many, per-step cross-entropy). A model that
/// only predicts blanks and guesses uniformly on the last S steps has loss
/// `S * ln(K) / T` per step.
public enum CopyTask {
    /// The blank class / feature index for an alphabet of `symbols` symbols.
    public static func blank(symbols: Int) -> Int { symbols }
    /// The delimiter feature index for an alphabet of `symbols` symbols.
    public static func delimiter(symbols: Int) -> Int { symbols + 1 }

    static func generate(
        count: Int, steps: Int, symbols k: Int, copyLength s: Int, generator g: inout SeededGenerator
    ) -> SequenceDataset {
        let features = k + 2
        let delay = steps - 2 * s - 1
        var x = [Double](repeating: 0, count: count * steps * features)
        var labels = [Int](repeating: k, count: count * steps)
        for n in 0..<count {
            let symbolsToCopy = (0..<s).map { _ in g.integer(below: k) }
            for t in 0..<steps {
                let feature: Int
                if t < s {
                    feature = symbolsToCopy[t]
                } else if t == s + delay {
                    feature = k + 1
                } else {
                    feature = k
                }
                x[(n * steps + t) * features + feature] = 1
            }
            for i in 0..<s { labels[n * steps + steps - s + i] = symbolsToCopy[i] }
        }
        return SequenceDataset(
            kind: .copy, sampleCount: count, steps: steps, inputFeatures: features, x: x,
            targets: .stepClasses(labels: labels, classCount: k + 1),
            vocabulary: (0..<k).map { "s\($0)" } + ["blank", "delimiter"])
    }
}

internal import LinearAlgebra

/// A many-to-many toy tagging task whose label needs one step of memory.
///
/// Inputs: symbols x_t uniform over `0..<K`, one-hot over K features. Target at every step:
/// `y_t = (x_t + x_{t-1}) mod K` with `x_{-1} = 0` (so `y_0 = x_0`), K classes. A model that
/// ignores the previous input is right with probability 1/K; with one step of memory the task
/// is solved exactly. The default K is 3.
public enum TaggingTask {
    static func generate(count: Int, steps: Int, symbols k: Int, generator g: inout SeededGenerator) -> SequenceDataset {
        var x = [Double](repeating: 0, count: count * steps * k)
        var labels = [Int](repeating: 0, count: count * steps)
        for n in 0..<count {
            var previous = 0
            for t in 0..<steps {
                let symbol = g.integer(below: k)
                x[(n * steps + t) * k + symbol] = 1
                labels[n * steps + t] = (symbol + previous) % k
                previous = symbol
            }
        }
        return SequenceDataset(
            kind: .tagging, sampleCount: count, steps: steps, inputFeatures: k, x: x,
            targets: .stepClasses(labels: labels, classCount: k), vocabulary: (0..<k).map { "s\($0)" })
    }
}

internal import LinearAlgebra

/// The adding problem in the variant of Le, Jaitly & Hinton (2015, "A simple way to initialize
/// recurrent networks of rectified linear units").
///
/// Two input features per step: feature 0 is a value drawn from U(0, 1); feature 1 is a
/// marker that is 1 at exactly two steps — one uniformly in the first half `0..<T/2` and one
/// uniformly in the second half `T/2..<T` (integer division) — and 0 elsewhere. The target is
/// the sum of the two marked values (regression, one output, MSE loss). Always predicting 1
/// gives an expected MSE of Var(U1 + U2) = 1/6 ≈ 0.167, the baseline a model must beat.
///
/// Hochreiter & Schmidhuber's (1997) original differs: values are drawn from [-1, 1], the
/// first marker lies in the first ten steps and the second in the first half, the first and
/// last steps carry marker -1 when unmarked, and the target is `0.5 + (x1 + x2) / 4`, in [0, 1].
public enum AddingTask {
    /// Expected MSE of the constant prediction 1 (`1/6`).
    public static let baselineMSE = 1.0 / 6.0

    static func generate(count: Int, steps: Int, generator g: inout SeededGenerator) -> SequenceDataset {
        var x = [Double](repeating: 0, count: count * steps * 2)
        var y = [Double](repeating: 0, count: count)
        let half = steps / 2
        for s in 0..<count {
            for t in 0..<steps { x[(s * steps + t) * 2] = g.uniform() }
            let first = g.integer(below: half)
            let second = half + g.integer(below: steps - half)
            x[(s * steps + first) * 2 + 1] = 1
            x[(s * steps + second) * 2 + 1] = 1
            y[s] = x[(s * steps + first) * 2] + x[(s * steps + second) * 2]
        }
        return SequenceDataset(
            kind: .adding, sampleCount: count, steps: steps, inputFeatures: 2, x: x,
            targets: .regression(values: y, outputs: 1))
    }
}

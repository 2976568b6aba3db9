internal import LinearAlgebra

/// The tutorial's binary sequence sum task (§2.4.2, `binary_sequence_sum_task`).
///
/// Inputs: `T` bits, each 0 or 1 with probability 1/2, one feature per step
/// (`torch.randint(0, 2, (n, T, 1)).float()`). Target: `(number of ones) mod 10`, one of 10
/// classes, read from the last step (many-to-one). The tutorial uses T = 5, 1000 training
/// samples and 100 freshly generated test samples.
public enum BinarySumTask {
    /// Number of classes.
    public static let classCount = 10

    static func generate(count: Int, steps: Int, generator g: inout SeededGenerator) -> SequenceDataset {
        var x = [Double](repeating: 0, count: count * steps)
        var labels = [Int](repeating: 0, count: count)
        for s in 0..<count {
            var ones = 0
            for t in 0..<steps {
                let bit = g.integer(below: 2)
                x[s * steps + t] = Double(bit)
                ones += bit
            }
            labels[s] = ones % classCount
        }
        return SequenceDataset(
            kind: .binarySum, sampleCount: count, steps: steps, inputFeatures: 1, x: x,
            targets: .sequenceClasses(labels: labels, classCount: classCount))
    }
}

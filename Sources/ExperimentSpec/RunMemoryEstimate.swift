import RecurrentNets

/// A rough upper estimate of the memory one run needs, checked at validation so that a spec
/// such as `hidden: 60000, layers: 64` is an error with exit 2 instead of an allocation failure
/// in the middle of `run`. It counts parameters with their gradients, optimiser state and copies,
/// the forward caches of a batch over the sequence, and the task's data.
public enum RunMemoryEstimate {
    /// Most memory one run may need.
    public static let limitBytes = 16.0 * 1024 * 1024 * 1024

    /// The options the estimate reads (the others do not change it).
    static let optionNames = [
        "cell", "dtype", "input", "hidden", "layers", "seq_len", "batch", "batch_size", "steps", "samples",
        "validation_samples", "test_samples",
    ]

    /// The weight of `value` of option `name` in the estimate: its number, the gate count of a
    /// cell, the bytes of a dtype.
    static func weight(_ name: String, _ value: JSONValue) -> Double {
        switch value {
        case let .number(n): return n
        case let .string(s):
            if name == "cell" { return Double(CellKind(rawValue: s)?.gates ?? 4) }
            if name == "dtype" { return s == "float64" ? 8 : 4 }
            return 1
        default: return 1
        }
    }

    /// Estimated bytes of a run of `study` whose option weights are `w(name)` (0 when absent).
    static func bytes(study: StudyKind, _ w: (String) -> Double) -> Double {
        let gates = max(1, w("cell"))
        let scalar = max(4, w("dtype"))
        let input = w("input"), hidden = w("hidden"), layers = max(1, w("layers"))
        let length = max(1, w("seq_len"))
        let parameters = layers * gates * hidden * (max(input, hidden) + hidden + 2) + hidden * (input + 1)
        // weights, gradients, two optimiser moments, a transposed copy, the best model so far
        var total = 6 * parameters * scalar
        let perStep = layers * hidden * (gates + 2) * 3 + input  // caches, states and their gradients
        // Not a switch: a study added later (without an entry here) is estimated like gradient-flow.
        if study == .propagation {
            total += (max(1, w("steps")) + 4 * hidden) * hidden * scalar
        } else if study == .train || study == .states {
            total += length * max(1, w("batch_size")) * perStep * scalar
            let samples = w("samples") + w("validation_samples") + w("test_samples")
            total += samples * length * (input + hidden + 2) * scalar
        } else {
            total += length * max(1, w("batch")) * perStep * scalar
        }
        return total
    }

    /// `12.5 GiB`, `300 MiB`.
    static func describe(_ bytes: Double) -> String {
        let gib = bytes / (1024 * 1024 * 1024)
        if gib >= 1 { return JSONValue.format((gib * 10).rounded() / 10) + " GiB" }
        return JSONValue.format((bytes / (1024 * 1024)).rounded()) + " MiB"
    }
}

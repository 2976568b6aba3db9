import SequenceTasks

/// Asks the engine whether it accepts a run's task settings (`copy` needs `seq_len` >= 11,
/// `temporal-order` >= 10, `char-lm` at most a tenth of its corpus), so that such a spec fails
/// at `validate` rather than at run time.
enum TaskCheck {
    /// The options the engine's `TaskConfiguration` reads.
    static let optionNames = ["task", "seq_len", "samples", "validation_samples", "test_samples", "symbols", "copy_length"]

    /// The engine's objection to these values (in ``optionNames`` order), or nil when it accepts them.
    static func problem(_ values: [JSONValue]) -> String? {
        func int(_ i: Int) -> Int {
            if case let .number(n) = values[i] { return Int(n) }
            return 0
        }
        guard case let .string(name) = values[0] else { return "task is not a name" }
        do {
            _ = try TaskConfiguration(name: name, steps: int(1), trainCount: int(2), validationCount: int(3), testCount: int(4),
                                      symbolCount: int(5) > 0 ? int(5) : nil, copyLength: int(6) > 0 ? int(6) : nil)
            return nil
        } catch {
            if name == TaskKind.copy.rawValue {
                let s = int(6) > 0 ? int(6) : TaskConfiguration.defaultCopyLength
                return error.description + " (the copy task needs seq_len >= 2 * copy_length + 1 = \(2 * s + 1); or give its lag as copy_lag)"
            }
            return error.description
        }
    }
}

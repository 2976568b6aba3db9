public import ExperimentSpec
/// A line of a record file that is not used: it does not start with a key, its digest does not
/// match its content, or its config is not the one of the key it claims. `run` runs such a run
/// again; `gather` and `check` reject the folder until it is fixed. A line without a key (nothing
/// to run again) is reported by every command and otherwise ignored, like records of other grids.
public struct RecordProblem: Sendable, Equatable, CustomStringConvertible {
    /// The record file.
    public var path: String
    /// The 1-based line.
    public var line: Int
    /// The key the line claims; nil when it does not start with one.
    public var key: RunKey?
    public var reason: String

    public var description: String {
        "\(path), line \(line): " + (key.map { "the record of run \($0) is not used: " } ?? "not a record: ") + reason
    }

    /// The fix, for `gather` and `check`.
    public static func fix(specPath: String, directory: String) -> String {
        "fix: run 'experiments run \(specPath) --out \(directory)' (it runs these again; --force recomputes every run), or delete those lines"
    }
}

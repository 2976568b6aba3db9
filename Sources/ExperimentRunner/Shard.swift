public import ExperimentSpec
/// Which part of a grid this process runs: everything, or shard `index` of `count` (1-based), the
/// runs whose key (as an integer) mod `count` == `index` - 1 — stable whatever the grid order.
public enum ShardSelection: Sendable, Equatable {
    case all
    case part(index: Int, count: Int)

    /// A bad `--shard` argument or missing scheduler environment.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { "--shard: " + message }
    }

    /// Parses `--shard`: nil (all), `i/n`, or `auto`. `auto` reads SLURM job arrays
    /// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, optional `SLURM_ARRAY_TASK_MIN`: shard = id - min + 1),
    /// else Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, 0-based, with the count from `--shard-count`
    /// or `EXPERIMENTS_SHARD_COUNT`).
    public static func parse(_ argument: String?, count explicitCount: Int? = nil,
                             environment: [String: String]) throws(ParseError) -> ShardSelection {
        guard let argument else { return .all }
        if argument == "auto" {
            let count = explicitCount ?? environment["EXPERIMENTS_SHARD_COUNT"].flatMap { Int($0) }
            if let idText = environment["SLURM_ARRAY_TASK_ID"] {
                guard let id = Int(idText) else { throw ParseError(message: "SLURM_ARRAY_TASK_ID='\(idText)' is not an integer") }
                guard let n = environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) ?? count else {
                    throw ParseError(message: "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT (or --shard-count) is not")
                }
                let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
                return try make(index: id - minimum + 1, count: n,
                                source: "SLURM_ARRAY_TASK_ID=\(id), SLURM_ARRAY_TASK_MIN=\(minimum)")
            }
            if let indexText = environment["JOB_COMPLETION_INDEX"] {
                guard let index = Int(indexText) else {
                    throw ParseError(message: "JOB_COMPLETION_INDEX='\(indexText)' is not an integer")
                }
                guard let count else {
                    throw ParseError(message: "JOB_COMPLETION_INDEX is set; give the number of shards with --shard-count or EXPERIMENTS_SHARD_COUNT")
                }
                return try make(index: index + 1, count: count, source: "JOB_COMPLETION_INDEX=\(index)")
            }
            throw ParseError(message: "'auto' needs SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (SLURM job array) or JOB_COMPLETION_INDEX with --shard-count (Kubernetes Indexed Job); none is set")
        }
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ParseError(message: "expected i/n (e.g. 2/8) or auto, found '\(argument)'")
        }
        return try make(index: index, count: count, source: "'\(argument)'")
    }

    private static func make(index: Int, count: Int, source: String) throws(ParseError) -> ShardSelection {
        guard count >= 1 else { throw ParseError(message: "the number of shards must be >= 1 (\(source))") }
        guard index >= 1, index <= count else {
            throw ParseError(message: "shard \(index) is outside 1...\(count) (\(source))")
        }
        return .part(index: index, count: count)
    }

    /// Whether the run with `key` belongs to this shard.
    public func contains(_ key: RunKey) -> Bool {
        switch self {
        case .all: return true
        case let .part(index, count): return key.integer % UInt64(count) == UInt64(index - 1)
        }
    }

    /// `all` or `i/n`.
    public var label: String {
        switch self {
        case .all: return "all"
        case let .part(index, count): return "\(index)/\(count)"
        }
    }
}

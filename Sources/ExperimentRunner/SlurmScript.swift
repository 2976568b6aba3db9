import Foundation
import ExperimentSpec

/// A grid laid out as Slurm job arrays plus a gather job: what `experiments slurm` writes.
///
/// The grid is split into `shardCount` shards (`min(runs, --array-size)`); one array task runs one
/// shard. Slurm caps array indices at `MaxArraySize - 1`, so larger shard counts are split into
/// chunks, one array job each, whose task `t` runs shard `offset + t + 1` of `shardCount`. Every
/// task passes its shard explicitly (`--shard i/n`) instead of `--shard auto`: the shard then never
/// depends on `SLURM_ARRAY_TASK_COUNT`/`SLURM_ARRAY_TASK_MIN`, which change when a chunk or a subset
/// of it (`sbatch --array=3 script`) is resubmitted.
public struct SlurmPlan: Sendable, Equatable {
    /// A bad option or path.
    public struct PlanError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { "experiments slurm: " + message }
    }

    /// One array job: tasks `0..<count` run shards `offset + 1 ... offset + count`.
    public struct Chunk: Sendable, Equatable {
        /// 1-based.
        public var number: Int
        public var offset: Int
        public var count: Int
        /// `0-(count-1)`, the `--array` value.
        public var arrayRange: String { count == 1 ? "0" : "0-\(count - 1)" }
    }

    /// Options of `experiments slurm`.
    public struct Options: Sendable, Equatable {
        /// Requested number of array tasks (shards); default one per run.
        public var arraySize: Int?
        /// Slurm's MaxArraySize (array indices are 0 ... MaxArraySize - 1).
        public var maxArraySize: Int = 1001
        public var partition: String?
        public var time: String?
        /// CPUs per array task (`--cpus-per-task`).
        public var cpus: Int = 1
        /// `experiments run --jobs` in each task (default: `cpus`).
        public var jobsPerTask: Int?
        /// Results folder (default `results/<spec name>`).
        public var out: String?
        /// The `experiments` executable the jobs run.
        public var binary: String
        /// Where the scripts (and `logs/`) go (default `<out>/slurm`).
        public var scriptDirectory: String?

        public init(binary: String, arraySize: Int? = nil, maxArraySize: Int = 1001, partition: String? = nil,
                    time: String? = nil, cpus: Int = 1, jobsPerTask: Int? = nil, out: String? = nil,
                    scriptDirectory: String? = nil) {
            self.binary = binary
            self.arraySize = arraySize
            self.maxArraySize = maxArraySize
            self.partition = partition
            self.time = time
            self.cpus = cpus
            self.jobsPerTask = jobsPerTask
            self.out = out
            self.scriptDirectory = scriptDirectory
        }
    }

    public var specName: String
    public var runCount: Int
    /// Absolute paths.
    public var specPath: String
    public var outDirectory: String
    public var binary: String
    public var scriptDirectory: String
    public var logDirectory: String { scriptDirectory + "/logs" }
    public var shardCount: Int
    public var chunks: [Chunk]
    public var cpus: Int
    public var jobsPerTask: Int
    public var partition: String?
    public var time: String?

    /// Lays out `runCount` runs of the spec `specName` at `specPath`; relative paths are taken from
    /// `currentDirectory` (default: the process's).
    public init(specName: String, runCount: Int, specPath: String, options: Options,
                currentDirectory: String? = nil) throws(PlanError) {
        let currentDirectory = currentDirectory ?? FileManager.default.currentDirectoryPath
        guard runCount >= 1 else { throw PlanError(message: "the spec has no runs") }
        if let n = options.arraySize, n < 1 { throw PlanError(message: "--array-size must be >= 1") }
        guard options.maxArraySize >= 1 else { throw PlanError(message: "--max-array-size must be >= 1") }
        guard options.cpus >= 1 else { throw PlanError(message: "--cpus must be >= 1") }
        if let j = options.jobsPerTask, j < 1 { throw PlanError(message: "--jobs-per-task must be >= 1") }
        for (name, value) in [("--partition", options.partition), ("--time", options.time)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace || "\"'\\#%$`".contains($0) }) {
                throw PlanError(message: "\(name) '\(value)' must be one word without quotes, '#', '%', '$' or backslashes")
            }
        }
        func absolute(_ path: String) -> String {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
                : URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent(path)
            return url.standardizedFileURL.path
        }
        self.specName = specName
        self.runCount = runCount
        self.specPath = absolute(specPath)
        self.outDirectory = absolute(options.out ?? "results/" + specName)
        self.binary = absolute(options.binary)
        self.scriptDirectory = absolute(options.scriptDirectory ?? outDirectory + "/slurm")
        for path in [self.specPath, outDirectory, binary, scriptDirectory] where path.contains(where: { $0.isNewline }) {
            throw PlanError(message: "paths must not contain line breaks: '\(path)'")
        }
        if scriptDirectory.contains("\"") || scriptDirectory.contains("\\") {
            throw PlanError(message: "the script folder '\(scriptDirectory)' must not contain '\"' or '\\' (it appears in #SBATCH --output)")
        }
        shardCount = min(runCount, options.arraySize ?? runCount)
        var chunks: [Chunk] = []
        var offset = 0
        while offset < shardCount {
            let count = min(options.maxArraySize, shardCount - offset)
            chunks.append(Chunk(number: chunks.count + 1, offset: offset, count: count))
            offset += count
        }
        self.chunks = chunks
        cpus = options.cpus
        jobsPerTask = options.jobsPerTask ?? options.cpus
        partition = options.partition
        time = options.time
    }

    /// `experiments-<spec name>` with only letters, digits, '-', '_' and '.'.
    public var jobName: String {
        "experiments-" + String(specName.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
    }

    public func arrayScriptPath(_ chunk: Chunk) -> String {
        scriptDirectory + (chunks.count == 1 ? "/array.sbatch" : "/array-\(chunk.number)-of-\(chunks.count).sbatch")
    }

    public var gatherScriptPath: String { scriptDirectory + "/gather.sbatch" }

    /// The sbatch script of one chunk.
    public func arrayScript(_ chunk: Chunk) -> String {
        let first = chunk.offset + 1, last = chunk.offset + chunk.count
        var lines = [
            "#!/bin/bash",
            "# Generated by 'experiments slurm': \(runCount) runs of '\(Self.comment(specName))' in \(shardCount) shards;",
            "# chunk \(chunk.number) of \(chunks.count): array tasks \(chunk.arrayRange) run shards \(first)-\(last) of \(shardCount).",
            "# Resubmitting it (or a subset: sbatch --array=3 ...) reruns only runs without a record.",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=\(chunk.arrayRange)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(cpus)",
        ]
        lines += header(log: "%x-%A_%a.out")
        lines += [
            "set -euo pipefail",
            "EXPERIMENTS_BIN=" + Shell.quote(binary),
            "SPEC=" + Shell.quote(specPath),
            "OUT=" + Shell.quote(outDirectory),
            "OFFSET=\(chunk.offset)",
            "TOTAL=\(shardCount)",
            ": \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch (it is a job array)}\"",
            "SHARD=$((OFFSET + SLURM_ARRAY_TASK_ID + 1))",
            "echo \"shard $SHARD/$TOTAL (array job ${SLURM_ARRAY_JOB_ID:-?} task $SLURM_ARRAY_TASK_ID) on $(hostname)\" >&2",
            "exec \"$EXPERIMENTS_BIN\" run \"$SPEC\" --out \"$OUT\" --shard \"$SHARD/$TOTAL\" --no-plot --jobs \(jobsPerTask)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The sbatch script of the gather job (submitted with `--dependency=afterany:<array ids>`).
    public var gatherScript: String {
        var lines = [
            "#!/bin/bash",
            "# Generated by 'experiments slurm': gathers the \(runCount) runs of '\(Self.comment(specName))' after the array job(s).",
            "# Exits 1 listing missing keys when some shard did not finish; resubmit the array(s), then this.",
            "#SBATCH --job-name=\(jobName)-gather",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=1",
        ]
        lines += header(log: "%x-%j.out")
        lines += [
            "set -euo pipefail",
            "EXPERIMENTS_BIN=" + Shell.quote(binary),
            "SPEC=" + Shell.quote(specPath),
            "OUT=" + Shell.quote(outDirectory),
            "exec \"$EXPERIMENTS_BIN\" gather \"$OUT\" --spec \"$SPEC\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private func header(log pattern: String) -> [String] {
        var lines: [String] = []
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        // sbatch reads double-quoted #SBATCH values; '%%' is a literal '%' in a filename pattern.
        let log = (logDirectory + "/").replacingOccurrences(of: "%", with: "%%") + pattern
        lines.append("#SBATCH --output=" + (log.contains(where: { $0.isWhitespace }) ? "\"\(log)\"" : log))
        lines.append("#SBATCH --open-mode=append")
        return lines
    }

    /// The `sbatch` arguments that submit the gather job after `arrayJobIDs`.
    public func gatherSubmission(after arrayJobIDs: [String]) -> [String] {
        ["sbatch", "--parsable", "--dependency=afterany:" + arrayJobIDs.joined(separator: ":"), "--kill-on-invalid-dep=yes",
         gatherScriptPath]
    }

    /// Shell commands that submit everything by hand (what `--submit` does).
    public var submitCommands: String {
        var lines: [String] = []
        for chunk in chunks {
            lines.append("A\(chunk.number)=$(sbatch --parsable \(Shell.quote(arrayScriptPath(chunk))) | cut -d';' -f1)")
        }
        let ids = chunks.map { "$A\($0.number)" }
        lines.append(gatherSubmission(after: ids).map { $0.hasPrefix("--dependency") ? "\"\($0)\"" : Shell.quote($0) }
            .joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` on one comment line.
    private static func comment(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}

/// POSIX shell quoting.
public enum Shell {
    /// `text` as one shell word: unchanged when it only has safe characters, else single-quoted
    /// (`'` written as `'\''`).
    public static func quote(_ text: String) -> String {
        let safe = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0)) }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import ArgumentParser
import ExperimentKit
import Foundation
import LinearAlgebra
import Studies
import ExperimentSpec
import ExperimentRunner
import ExperimentReports
import EngineBinding

/// `experiments`: parsing and dispatch only; the work is in `ExperimentCommands`.
@main
struct Experiments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments",
        abstract: "Run RNN gradient experiments described by JSON specs.",
        discussion: "Exit status: 0 success (diverged runs are results), 1 failed runs, failed expectations, incomplete or inconsistent results, differing compared folders, a write failure or a busy results folder, 2 spec or usage error, 130 interrupted.",
        version: ExperimentCommands.version,
        subcommands: [Validate.self, Expand.self, Run.self, Gather.self, Plot.self, Check.self, Compare.self, Schema.self, Options.self, Slurm.self, Bench.self])

    /// `bench` tunes glibc malloc (keep freed large blocks, one arena) before any worker thread
    /// allocates: a thread that already has its own arena keeps it. `--no-retain-memory` leaves
    /// it alone. Other commands are unchanged (the runner's parallel runs keep their arenas).
    static func main() async {
        let args = CommandLine.arguments.dropFirst()
        if let request = ProcessInfo.processInfo.environment["RNNLAB_KERNEL"],
           let problem = KernelVariant.problem(withRequest: request) {
            FileHandle.standardError.write(Data("experiments: \(problem)\n".utf8))
            Foundation.exit(ExitStatus.specError.rawValue)
        }
        if args.first == "bench" && !args.contains("--no-retain-memory") {
            Benchmark.retainFreedMemory()
            Benchmark.useSingleMallocArena()
        }
        await runMappingUsageErrors()
    }

    /// swift-argument-parser's own `main`, except that its usage errors (exit 64, EX_USAGE) exit 2,
    /// the status the help and the README document for every usage error.
    static func runMappingUsageErrors() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.specError.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// The overrides of the command line, or exit 2 naming the one that does not parse.
func parsedOverrides(_ texts: [String]) throws -> [SpecOverride] {
    do {
        return try texts.map { (text: String) throws(SpecError) in try SpecOverride(parsing: text) }
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(ExitStatus.specError.rawValue)
    }
}

/// Exits with `status` (no output when it is success).
func finish(_ status: ExitStatus) throws {
    if status != .success { throw ExitCode(status.rawValue) }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a spec and count its runs.")
    @Argument(help: "The spec files ('-': standard input), then overrides (block.option=value, grid.axis=v1,v2, ~grid.axis) applied to each.",
              completion: .file(extensions: ["json"])) var arguments: [String]
    var specs: [String] { arguments.filter { !SpecOverride.looksLikeOverride($0) } }
    func validate() throws {
        guard !specs.isEmpty else { throw ValidationError("give at least one spec file") }
    }
    /// Each spec in turn; the worst status wins (2 over 1 over 0).
    func run() throws {
        let overrides = try parsedOverrides(arguments.filter(SpecOverride.looksLikeOverride))
        let statuses = specs.map { ExperimentCommands.validate(specPath: $0, overrides: overrides) }
        try finish(statuses.max { $0.rawValue < $1.rawValue } ?? .success)
    }
}

struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "expand", abstract: "List each run's key and axis values, then the count.")
    @Argument(help: "The spec file.", completion: .file(extensions: ["json"])) var spec: String
    @Argument(help: "Overrides: block.option=value, grid.axis=v1,v2 (or range(a,b,s), log(a,b,n)), ~grid.axis.")
    var overrides: [String] = []
    @Flag(help: "Print JSON (count, runs with key, axes and full config).") var json = false
    func run() throws {
        try finish(ExperimentCommands.expand(specPath: spec, json: json, overrides: try parsedOverrides(overrides)))
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a spec's grid (resuming: recorded runs are skipped).",
        discussion: "Ctrl-C stops scheduling new runs and waits for runs in flight (after the runs, it stops at once), exit 130; run again to resume. The spec's expectations are evaluated at the end (table on stderr, exit 1 when one fails). A second run on the same folder exits 1 at once, naming the process that has it.")
    @Argument(help: "The spec file.", completion: .file(extensions: ["json"])) var spec: String
    @Argument(help: "Overrides: block.option=value, grid.axis=v1,v2 (or range(a,b,s), log(a,b,n), count(n)), ~grid.axis.")
    var overrides: [String] = []
    @Option(help: "Runs in flight (default: active processors).") var jobs: Int?
    @Option(help: "Results folder (default: results/<spec name>).") var out: String?
    @Flag(help: "Recompute runs that already have a record.") var force = false
    @Option(help: "Run one shard: i/n (1-based) or auto (SLURM job array / Kubernetes Indexed Job).") var shard: String?
    @Option(help: "Number of shards for --shard auto with JOB_COMPLETION_INDEX.") var shardCount: Int?
    @Flag(help: "Do not render charts after the grid.") var noPlot = false
    @Flag(help: "Do not evaluate the spec's expectations at the end.") var noCheck = false
    @Flag(name: .shortAndLong, help: "Print only problems (failed or diverged runs, warnings, errors, a failed expectation).")
    var quiet = false

    func run() async throws {
        var options = ExperimentCommands.RunOptions(
            jobs: jobs, out: out, force: force, shard: shard, shardCount: shardCount, plot: !noPlot, check: !noCheck,
            handleInterrupts: true)
        options.quiet = quiet
        options.overrides = try parsedOverrides(overrides)
        options.environment = ProcessInfo.processInfo.environment
        let executor = EngineExecutor()
        try finish(await ExperimentCommands.run(specPath: spec, options: options, executor: executor))
    }
}

struct Gather: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gather", abstract: "Rebuild runs.csv/series.csv from all records (after shard runs).")
    @Argument(help: "The results folder.", completion: .directory) var directory: String
    @Option(help: "The spec (default: the folder's spec.resolved.json or a shard summary).") var spec: String?
    func run() throws { try finish(ExperimentCommands.gather(directory: directory, specPath: spec)) }
}

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "Render the charts of a results folder.")
    @Argument(help: "The results folder.", completion: .directory) var directory: String
    @Option(help: "Take the charts (and expectations) from this spec instead of the folder's spec.resolved.json; its grid must be the folder's.",
            completion: .file(extensions: ["json"])) var spec: String?
    func run() throws { try finish(ExperimentCommands.plot(directory: directory, specPath: spec)) }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check a spec's expectations against its results.")
    @Argument(help: "The spec file.", completion: .file(extensions: ["json"])) var spec: String
    @Argument(help: "The overrides the results were run with (as for run).")
    var overrides: [String] = []
    @Option(help: "Results folder (default: results/<spec name>).") var out: String?
    @Flag(name: .shortAndLong, help: "Print the expectations' table only when one fails.") var quiet = false
    func run() throws {
        try finish(ExperimentCommands.check(specPath: spec, out: out, overrides: try parsedOverrides(overrides), quiet: quiet))
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two results folders cell by cell (medians over seeds, ratio B/A); exit 1 when they differ.")
    @Argument(help: "Results folder A (the baseline).") var a: String
    @Argument(help: "Results folder B.") var b: String
    @Option(name: .customLong("metric"), help: "A metric column to compare (repeatable; default: every numeric column of both).")
    var metrics: [String] = []
    @Option(help: "Relative tolerance on each median, relative to A's.") var rtol: Double = 1e-9
    @Option(help: "Absolute tolerance on each median.") var atol: Double = 0
    func run() throws { try finish(ExperimentCommands.compare(a: a, b: b, metrics: metrics, rtol: rtol, atol: atol)) }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the JSON Schema of the spec format.")
    func run() throws { try finish(ExperimentCommands.schema()) }
}

struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit, submit) a Slurm job array running the grid, plus a gather job.",
        discussion: "Each array task runs one shard: '<binary> run SPEC --out DIR --shard i/n --no-plot --jobs J'. Grids with more shards than MaxArraySize are split into several array jobs. The gather job depends on all of them (afterany) and exits 1 listing missing keys when a shard did not finish: resubmit (finished runs are skipped).")
    @Argument(help: "The spec file.", completion: .file(extensions: ["json"])) var spec: String
    @Option(help: "Number of array tasks (shards), at most the number of runs (default: one per run).") var arraySize: Int?
    @Option(help: "Slurm's MaxArraySize (default: from 'scontrol show config', else 1001).") var maxArraySize: Int?
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit per task (sbatch --time).") var time: String?
    @Option(help: "CPUs per array task.") var cpus: Int = 1
    @Option(help: "Runs in flight per task (default: --cpus).") var jobsPerTask: Int?
    @Option(help: "Results folder (default: results/<spec name>).") var out: String?
    @Option(help: "The experiments executable the jobs run (default: this one).") var binary: String?
    @Flag(help: "Submit with sbatch and print the job ids.") var submit = false
    @Option(help: "Where to write the scripts and logs/ (default: <out>/slurm).") var scriptDir: String?

    func run() throws {
        let plan = SlurmPlan.Options(
            binary: binary ?? SlurmSubmitter.currentExecutable(), arraySize: arraySize, partition: partition, time: time,
            cpus: cpus, jobsPerTask: jobsPerTask, out: out, scriptDirectory: scriptDir)
        try finish(ExperimentCommands.slurm(
            specPath: spec, options: .init(plan: plan, maxArraySize: maxArraySize, submit: submit)))
    }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the engine against the recorded PyTorch figures (or same-run ones with --peer).",
        discussion: "Groups: big (B=64 T=100 in=32 H=128, fwd+bwd), tiny (B=1 T=50 in=1 H=10), binary (binary-sum epoch), grid (the tutorial grid as a whole process). --memory-steps T runs one truncated-BPTT gradient and prints the peak RSS.")
    @Flag(help: "Fewer repeats.") var quick = false
    @Option(help: "Comma-separated groups: big,tiny,binary,grid,lyapunov, or case keys such as big-lstm-float32 (default big,tiny,binary).") var cases: String?
    @Option(help: "Threads one product of a big case may use (the kernels', or OpenBLAS's with numerics openblas; default 1).") var threads = 1
    @Option(help: "The grid spec for the grid group.") var gridSpec = "experiments/gradient-vs-length.json"
    @Option(help: "Numerics of the throughput cases: reproducible (default) or openblas (the opt-in mode).") var numerics = "reproducible"
    @Option(help: "Same-run PyTorch figures: lines 'key ms' (keys as in the recorded table).") var peer: String?
    @Option(help: "Measure truncated-BPTT memory over this many steps instead of timing.") var memorySteps: Int?
    @Option(help: "Truncation window for --memory-steps.") var truncation = 50
    @Flag(inversion: .prefixedNo, help: "Tune glibc malloc to keep freed large blocks (no page faults and kernel zeroing per call; default on).") var retainMemory = true

    func run() throws {
        if let steps = memorySteps {
            let r = try Benchmark.truncatedMemory(steps: steps, truncation: truncation)
            print(String(format: "truncated BPTT T=%d k=%d: %.1f ms, peak RSS %.1f MiB", steps, truncation, r.milliseconds, r.peakMiB))
            return
        }
        guard let mode = Numerics(rawValue: numerics) else {
            throw ValidationError("--numerics: expected reproducible or openblas, got '\(numerics)'")
        }
        guard Numerics.select(mode) else {
            throw ValidationError("--numerics openblas: OpenBLAS (libopenblas0) cannot be loaded")
        }
        var options = Benchmark.SuiteOptions()
        options.quick = quick
        options.threads = threads
        options.retainMemory = retainMemory
        if let cases { options.groups = Set(cases.split(separator: ",").map(String.init)) }
        options.executable = Bundle.main.executablePath
        options.gridSpec = gridSpec
        if let peer { options.peer = try Benchmark.readPeerFigures(path: peer) }
        _ = try Benchmark.runSuite(options) { print($0) }
    }
}

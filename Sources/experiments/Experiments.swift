import ArgumentParser
import ExperimentKit
import Foundation

/// `experiments`: parsing and dispatch only; the work is in `ExperimentCommands`.
@main
struct Experiments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments",
        abstract: "Run RNN gradient experiments described by JSON specs.",
        discussion: "Exit status: 0 success (diverged runs are results), 1 failed runs or incomplete gather, 2 spec or usage error, 130 interrupted.",
        subcommands: [Validate.self, Expand.self, Run.self, Gather.self, Plot.self, Check.self, Schema.self, Slurm.self])
}

/// Exits with `status` (no output when it is success).
func finish(_ status: ExitStatus) throws {
    if status != .success { throw ExitCode(status.rawValue) }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a spec and count its runs.")
    @Argument(help: "The spec file.") var spec: String
    func run() throws { try finish(ExperimentCommands.validate(specPath: spec)) }
}

struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List each run's key and axis values, then the count.")
    @Argument(help: "The spec file.") var spec: String
    @Flag(help: "Print JSON (count, runs with key, axes and full config).") var json = false
    func run() throws { try finish(ExperimentCommands.expand(specPath: spec, json: json)) }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a spec's grid (resuming: recorded runs are skipped).",
        discussion: "Ctrl-C stops scheduling new runs and waits for runs in flight; run again to resume.")
    @Argument(help: "The spec file.") var spec: String
    @Option(help: "Runs in flight (default: active processors).") var jobs: Int?
    @Option(help: "Results folder (default: results/<spec name>).") var out: String?
    @Flag(help: "Recompute runs that already have a record.") var force = false
    @Option(help: "Run one shard: i/n (1-based) or auto (SLURM job array / Kubernetes Indexed Job).") var shard: String?
    @Option(help: "Number of shards for --shard auto with JOB_COMPLETION_INDEX.") var shardCount: Int?
    @Flag(help: "Do not render charts after the grid.") var noPlot = false

    func run() async throws {
        var options = ExperimentCommands.RunOptions(
            jobs: jobs, out: out, force: force, shard: shard, shardCount: shardCount, plot: !noPlot, handleInterrupts: true)
        options.environment = ProcessInfo.processInfo.environment
        let executor = EngineExecutor()
        try finish(await ExperimentCommands.run(specPath: spec, options: options, executor: executor))
    }
}

struct Gather: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rebuild runs.csv/series.csv from all records (after shard runs).")
    @Argument(help: "The results folder.") var directory: String
    @Option(help: "The spec (default: the folder's spec.resolved.json or a shard summary).") var spec: String?
    func run() throws { try finish(ExperimentCommands.gather(directory: directory, specPath: spec)) }
}

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render the charts of a results folder.")
    @Argument(help: "The results folder.") var directory: String
    func run() throws { try finish(ExperimentCommands.plot(directory: directory)) }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a spec's expectations against its results.")
    @Argument(help: "The spec file.") var spec: String
    @Option(help: "Results folder (default: results/<spec name>).") var out: String?
    func run() throws { try finish(ExperimentCommands.check(specPath: spec, out: out)) }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the JSON Schema of the spec format.")
    func run() throws { try finish(ExperimentCommands.schema()) }
}

struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write (and with --submit, submit) a Slurm job array running the grid, plus a gather job.",
        discussion: "Each array task runs one shard: '<binary> run SPEC --out DIR --shard i/n --no-plot --jobs J'. Grids with more shards than MaxArraySize are split into several array jobs. The gather job depends on all of them (afterany) and exits 1 listing missing keys when a shard did not finish: resubmit (finished runs are skipped).")
    @Argument(help: "The spec file.") var spec: String
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

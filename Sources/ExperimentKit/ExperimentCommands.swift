import Foundation
public import ExperimentSpec
public import ExperimentRunner
import ExperimentReports

/// Process exit status of a command: 0 success (diverged runs included), 1 failed runs, failed
/// expectations, incomplete or inconsistent results, a write failure or a busy folder, 2 spec or
/// usage errors, 130 interrupted.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case failure = 1
    case specError = 2
    case interrupted = 130
}

/// One entry point per `experiments` subcommand; the executable only parses arguments and dispatches.
public enum ExperimentCommands {
    /// The release, as `experiments --version` prints it (the CHANGELOG's latest heading).
    public static let version = "0.6.0-dev"

    /// Where commands write text.
    public struct Console: Sendable {
        public var out: @Sendable (String) -> Void
        public var err: @Sendable (String) -> Void
        /// Whether stderr is a terminal (selects the updating progress line).
        public var errIsTerminal: Bool

        public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, errIsTerminal: Bool) {
            self.out = out
            self.err = err
            self.errIsTerminal = errIsTerminal
        }

        /// stdout and stderr.
        public static var standard: Console {
            Console(out: { FileHandle.standardOutput.write(Data($0.utf8)) },
                    err: { FileHandle.standardError.write(Data($0.utf8)) },
                    errIsTerminal: ProgressReporter.standardErrorIsTerminal)
        }
    }

    /// Options of `experiments run`.
    public struct RunOptions: Sendable {
        /// Runs in flight (default: active processors).
        public var jobs: Int?
        /// Results folder (default `results/<spec name>`).
        public var out: String?
        /// Recompute runs whose record exists.
        public var force = false
        /// `i/n`, `auto` or nil.
        public var shard: String?
        /// Number of shards for `--shard auto` with Kubernetes Indexed Jobs.
        public var shardCount: Int?
        /// Render charts after the grid.
        public var plot = true
        /// Evaluate the spec's expectations at the end (exit 1 when one fails).
        public var check = true
        /// Install a SIGINT handler: stop scheduling, finish runs in flight, exit 130.
        public var handleInterrupts = false
        /// Command-line changes to the spec (``SpecOverride``), applied before it is decoded.
        public var overrides: [SpecOverride] = []
        /// Print only problems: no progress, summary or list of files written (failed runs,
        /// warnings, errors and a failed expectation's table still show).
        public var quiet = false
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init(jobs: Int? = nil, out: String? = nil, force: Bool = false, shard: String? = nil,
                    shardCount: Int? = nil, plot: Bool = true, check: Bool = true, handleInterrupts: Bool = false) {
            self.check = check
            self.jobs = jobs
            self.out = out
            self.force = force
            self.shard = shard
            self.shardCount = shardCount
            self.plot = plot
            self.handleInterrupts = handleInterrupts
        }
    }

    private static func load(_ specPath: String, overrides: [SpecOverride] = [], console: Console) -> (Spec, [RunConfiguration])? {
        do {
            let spec = try SpecDecoder.load(path: specPath, overrides: overrides)
            return (spec, try spec.configurations())
        } catch {
            console.err(error.description + "\n")
            return nil
        }
    }

    /// `experiments validate SPEC`: checks the spec and expands the grid.
    public static func validate(specPath: String, overrides: [SpecOverride] = [], console: Console = .standard) -> ExitStatus {
        let spec: Spec
        let count: (runs: Int, collapsed: Int)
        do {  // counts the runs without building them
            spec = try SpecDecoder.load(path: specPath, overrides: overrides)
            count = try spec.runCount()
        } catch {
            console.err(error.description + "\n")
            return .specError
        }
        let axes = spec.grid.axisNames.isEmpty ? "no axes" : "axes " + spec.grid.axisNames.joined(separator: ", ")
        console.out("\(specPath): ok: \(spec.study.rawValue) study '\(spec.name)', \(count.runs) runs (\(axes))"
            + Spec.collapsedNote(count.collapsed) + "\n")
        return .success
    }

    /// `experiments expand SPEC [--json]`: each run's key and axis values in grid order, then the count.
    public static func expand(specPath: String, json: Bool, overrides: [SpecOverride] = [],
                              console: Console = .standard) -> ExitStatus {
        guard let (spec, configs) = load(specPath, overrides: overrides, console: console) else { return .specError }
        if json {
            let runs = configs.map { config in
                JSONValue.object([("key", .string(config.key.hex)),
                                  ("axes", .object(config.axes.map { (key: $0.name, value: $0.value) })),
                                  ("config", config.document)])
            }
            console.out(JSONValue.object([("count", .number(Double(configs.count))), ("runs", .array(runs))]).prettyText() + "\n")
        } else {
            for config in configs {
                let axes = config.axes.map { "\($0.name)=\(CSVTable.format(value: $0.value))" }.joined(separator: " ")
                console.out(axes.isEmpty ? config.key.hex + "\n" : config.key.hex + " " + axes + "\n")
            }
            console.out("\(configs.count) runs" + Spec.collapsedNote((try? spec.runCount().collapsed) ?? 0) + "\n")
        }
        return .success
    }

    /// `experiments run SPEC`: runs the grid (or one shard), skipping recorded runs unless `force`
    /// (and running again those whose record is corrupt), then (not for shards) writes the tables,
    /// the charts and the report, each whole, and the manifest last, and evaluates the expectations.
    /// It holds the folder's lock throughout (shared for a shard).
    public static func run(specPath: String, options: RunOptions, executor: any StudyExecutor,
                           console: Console = .standard) async -> ExitStatus {
        let clock = ContinuousClock()
        let started = clock.now
        // Overlaps the executor's set-up, if it has any, with reading the spec and the records.
        DispatchQueue.global().async { executor.prepare() }
        guard let (spec, configs) = load(specPath, overrides: options.overrides, console: console) else { return .specError }
        let shard: ShardSelection
        do {
            shard = try ShardSelection.parse(options.shard, count: options.shardCount, environment: options.environment)
        } catch {
            console.err("experiments: \(error)\n")
            return .specError
        }
        if let jobs = options.jobs, jobs < 1 {
            console.err("experiments: --jobs must be >= 1\n")
            return .specError
        }
        let pauseAfterRecords: Int?  // the test hook RNNLAB_TEST_PAUSE_AFTER_RECORDS (RecordJournal.TestPause)
        do {
            pauseAfterRecords = try RecordJournal.TestPause.afterRecords(in: options.environment)
        } catch {
            console.err("experiments: \(error)\n")
            return .specError
        }
        let fault: TestFault?
        do {
            fault = try TestFault.parse(environment: options.environment)
        } catch {
            console.err("experiments: \(error)\n")
            return .specError
        }
        let store = ResultStore(directory: options.out ?? ResultStore.defaultDirectory(for: spec), fault: fault)
        // Shards share the folder (a Slurm job array); anything that writes the tables has it alone.
        guard let lock = Self.lock(store.directory, mode: shard == .all ? .exclusive : .shared, command: "run", create: true,
                                   fault: fault, console: console) else { return .failure }
        defer { withExtendedLifetime(lock) {} }
        let selected = configs.filter { shard.contains($0.key) }
        let recorded: Set<RunKey>
        do {
            let inspected = try store.inspectRecords()
            recorded = inspected.keys
            let keys = Set(selected.map(\.key))
            for problem in inspected.problems where problem.key.map(keys.contains) ?? true {
                console.err("warning: \(problem)" + (problem.key == nil ? " (ignored; delete the line)\n" : "; it is run again\n"))
            }
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        var todo = options.force ? selected : selected.filter { !recorded.contains($0.key) }
        for i in todo.indices where todo[i].value("save_weights") == .bool(true) {
            todo[i].weightsDirectory = store.directory + "/weights"
        }
        let reused = selected.count - todo.count
        let quiet = options.quiet, err = console.err
        let info: @Sendable (String) -> Void = { text in if !quiet { err(text) } }
        info("\(spec.name): \(selected.count) runs" + (shard == .all ? "" : " in shard \(shard.label) of \(configs.count)")
            + (reused > 0 ? ", \(reused) already recorded" : "") + ", \(todo.count) to run -> \(store.directory)\n")

        let stop = Scheduler.StopFlag()
        // Set once the grid is done: a Ctrl-C then exits at once (files are renamed into place
        // whole and the manifest comes last, so what is left is the previous generation or none).
        let writing = Scheduler.StopFlag()
        var signalSource: (any DispatchSourceSignal)?
        if options.handleInterrupts {
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            let err = console.err
            source.setEventHandler {
                if writing.isSet {
                    err("\ninterrupted while writing the results: every run is recorded; run the same command again to write them\n")
                    exit(ExitStatus.interrupted.rawValue)
                }
                if stop.set() { exit(ExitStatus.interrupted.rawValue) }
                err("\ninterrupted: finishing the runs in flight (Ctrl-C again to quit now)\n")
            }
            source.resume()
            signalSource = source
        }
        defer {
            if let signalSource {
                signalSource.cancel()
                signal(SIGINT, SIG_DFL)
            }
        }

        var progress = ProgressReporter(
            total: todo.count, interactive: console.errIsTerminal && !options.quiet, problemsOnly: options.quiet,
            write: console.err)
        let gridStarted = clock.now
        let complete: Bool
        var written: [RunKey: ResultStore.Record] = [:]
        do {
            // Each worker runs a configuration and appends its record to this process's record file;
            // an append that fails (after the journal's retry) stops the grid.
            let journal = store.journal(pause: pauseAfterRecords.map { .init(afterRecords: $0, stop: stop) })
            let axisNames = spec.grid.axisNames
            complete = try await Scheduler(jobs: options.jobs).run(todo, stop: stop, work: { config in
                let outcome = Scheduler.outcome(of: config, on: executor)
                return Result { () throws(ResultStore.StoreError) in
                    try store.append(config, outcome, to: journal, axisNames: axisNames)
                }
            }, finished: { config, appended in
                let record = try appended.get()
                written[config.key] = record
                progress.finished(config, record.outcome)
            })
        } catch {
            progress.close()
            console.err("experiments: cannot write results: \(error)\n")
            return .failure
        }
        if !complete {
            progress.close()
            let recorded = selected.filter { recorded.contains($0.key) || written[$0.key] != nil }.count
            console.err("interrupted: \(recorded) of \(selected.count) runs recorded in \(store.directory); run again to resume\n")
            return .interrupted
        }

        let gridFinished = clock.now
        writing.set()
        fault?.reach(.afterRuns)
        let records: [ResultStore.Record]
        let previous = try? Manifest.read(store.directory)
        do {
            if shard == .all {
                records = try store.writeTables(spec: spec, configs: configs, known: written, jobs: options.jobs)
            } else {
                records = try store.records(of: selected.map(\.key), known: written)
                try store.writeShardSummary(spec: spec, shard: shard, records: records)
            }
        } catch {
            console.err("experiments: cannot write the tables: \(error)\n")
            return .failure
        }
        let failed = records.filter { if case .failed = $0.outcome.status { return true }; return false }
        let diverged = records.filter { if case .diverged = $0.outcome.status { return true }; return false }.count
        var summary = "\(spec.name): \(records.count) runs: \(records.count - failed.count - diverged) ok, \(diverged) diverged, \(failed.count) failed"
        if diverged > 0 { summary += " (diverged runs are results, not errors)" }
        summary += "; \(Self.text(clock.now - started)) (spec \(Self.text(gridStarted - started)), runs \(Self.text(gridFinished - gridStarted)), tables \(Self.text(clock.now - gridFinished)))"
        // The runs' own wall times summed (over every job: the CPU budget of the grid); per run in timings.csv.
        if !written.isEmpty {
            let runTime = written.values.compactMap(\.outcome.wallSeconds).reduce(0, +)
            summary += "; run time \(Self.text(.seconds(runTime))) summed over the \(written.count) runs computed"
                + (shard == .all ? " (per run: timings.csv)" : "")
        }
        if !options.quiet || !failed.isEmpty { console.err(summary + "\n") }
        for record in failed.prefix(5) {
            if case let .failed(reason) = record.outcome.status { console.err("  failed \(record.key): \(reason)\n") }
        }
        guard shard == .all else {
            info("shard \(shard.label) done; run 'experiments gather \(store.directory)' when all shards finished\n")
            return failed.isEmpty ? .success : .failure
        }
        info("wrote \(store.runsCSVPath), \(store.seriesCSVPath), \(store.resolvedSpecPath)\n")
        var expectations: [ExpectationResult]?
        var files = Manifest.tableFiles
        do {
            if options.check { expectations = try PostRunHooks.expectations(directory: store.directory, spec: spec) }
            if options.plot {
                let published = try PostRunHooks.publish(directory: store.directory, spec: spec, expectations: expectations,
                                                         fault: fault)
                files += published.files
                info("wrote \(published.charts) charts and \(store.directory)/\(ReportWriter.fileName)\n")
                if published.gnuplotMissing { console.err(ChartError.gnuplotNotFound(directory: store.directory).description + "\n") }
            }
            try Manifest.publish(store.directory, names: files, previous: previous, fault: fault)
        } catch {
            console.err("experiments: cannot write the charts, report or manifest: \(error)\n"
                + "the tables are complete, but the folder is not one generation until this is fixed\n")
            return .failure
        }
        guard let expectations else { return failed.isEmpty ? .success : .failure }
        let passed = expectations.allSatisfy(\.passed)
        if !options.quiet || !passed { console.err(ExpectationChecker.table(expectations)) }
        return failed.isEmpty && passed ? .success : .failure
    }

    /// Takes the lock of `directory` for `command` (creating the folder only when `create`), after
    /// removing the temporaries a killed process left when the lock is exclusive; nil after a
    /// message when another process holds it or the folder is missing or cannot be created.
    static func lock(_ directory: String, mode: FolderLock.Mode, command: String, create: Bool = false,
                     fault: TestFault?, console: Console) -> FolderLock.Outcome? {
        var isFolder: ObjCBool = false
        if !create, !FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) || !isFolder.boolValue {
            console.err("experiments: \(directory): no such results folder: run 'experiments run SPEC --out \(directory)' first\n")
            return nil
        }
        do {
            let outcome = try FolderLock.acquire(directory, mode: mode, command: command, fault: fault)
            switch outcome {
            case .locked where mode == .exclusive:
                FileOutput.removeTemporaries(in: directory)
                FileOutput.removeTemporaries(in: directory + "/shards")
            case .locked: break
            case let .unlocked(reason): console.err("note: \(reason)\n")
            }
            return outcome
        } catch {
            console.err("experiments: \(error)\n")
            return nil
        }
    }

    /// A phase's duration for the run summary: milliseconds with one decimal under 10 s, else seconds.
    static func text(_ d: Duration) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return seconds < 10 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    /// `experiments gather DIR [--spec SPEC]`: rebuilds the tables from all records; fails listing
    /// missing keys when the grid is incomplete.
    public static func gather(directory: String, specPath: String?, console: Console = .standard,
                              environment: [String: String]? = nil) -> ExitStatus {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let spec: Spec
        let fault: TestFault?
        do {
            spec = try Gather.spec(directory: directory, specPath: specPath)
            fault = try TestFault.parse(environment: environment)
        } catch let error as SpecError {
            console.err(error.description + "\n")
            return .specError
        } catch {
            console.err("experiments: \(error)\n")
            return .specError
        }
        guard let lock = lock(directory, mode: .exclusive, command: "gather", fault: fault, console: console) else { return .failure }
        defer { withExtendedLifetime(lock) {} }
        do {
            let report = try Gather.gather(spec: spec, directory: directory, fault: fault)
            for line in report.unreadable { console.err("warning: \(line) (ignored; delete the line)\n") }
            guard report.problems.isEmpty else {
                for problem in report.problems { console.err("\(problem)\n") }
                console.err("\(directory): \(report.problems.count) record line(s) cannot be used; nothing was written. "
                    + RecordProblem.fix(specPath: specPath ?? "SPEC", directory: directory) + "\n")
                return .failure
            }
            guard report.isComplete else {
                let sample = report.missing.prefix(5).map(\.hex).joined(separator: ", ")
                console.err("\(directory): incomplete grid: \(report.missing.count) of \(report.total) runs have no record (e.g. \(sample))\n")
                return .failure
            }
            console.err("\(directory): gathered \(report.total) runs into runs.csv, series.csv, spec.resolved.json, manifest.json\n")
            return .success
        } catch let error as SpecError {
            console.err(error.description + "\n")
            return .specError
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
    }

    /// `experiments plot RESULTS_DIR`: renders the charts of a results folder.
    public static func plot(directory: String, specPath: String? = nil, console: Console = .standard,
                            environment: [String: String]? = nil) -> ExitStatus {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var spec: Spec?
        if let specPath {
            do {
                spec = try SpecDecoder.load(path: specPath)
            } catch {
                console.err(error.description + "\n")
                return .specError
            }
        }
        do {
            return PostRunHooks.plot(resultsDirectory: directory, spec: spec, console: console,
                                     fault: try TestFault.parse(environment: environment))
        } catch {
            console.err("experiments: \(error)\n")
            return .specError
        }
    }

    /// `experiments check SPEC [--out DIR]`: checks the spec's expectations against its results.
    public static func check(specPath: String, out: String?, overrides: [SpecOverride] = [], quiet: Bool = false,
                             console: Console = .standard, environment: [String: String]? = nil) -> ExitStatus {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let (spec, configs) = load(specPath, overrides: overrides, console: console) else { return .specError }
        let fault: TestFault?
        do {
            fault = try TestFault.parse(environment: environment)
        } catch {
            console.err("experiments: \(error)\n")
            return .specError
        }
        return ResultsCheck.run(spec: spec, configs: configs, specPath: specPath,
                                directory: out ?? ResultStore.defaultDirectory(for: spec), console: console, fault: fault,
                                quiet: quiet)
    }

    /// `experiments schema`: prints the JSON Schema of the spec format.
    public static func schema(console: Console = .standard) -> ExitStatus {
        console.out(SpecSchema.document.prettyText() + "\n")
        return .success
    }
}

import Foundation

/// Process exit status of a command: 0 success (diverged runs included), 1 failed runs or an
/// incomplete gather, 2 spec or usage errors, 130 interrupted.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case failure = 1
    case specError = 2
    case interrupted = 130
}

/// One entry point per `experiments` subcommand; the executable only parses arguments and dispatches.
public enum ExperimentCommands {
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
        /// Install a SIGINT handler: stop scheduling, finish runs in flight, exit 130.
        public var handleInterrupts = false
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init(jobs: Int? = nil, out: String? = nil, force: Bool = false, shard: String? = nil,
                    shardCount: Int? = nil, plot: Bool = true, handleInterrupts: Bool = false) {
            self.jobs = jobs
            self.out = out
            self.force = force
            self.shard = shard
            self.shardCount = shardCount
            self.plot = plot
            self.handleInterrupts = handleInterrupts
        }
    }

    private static func load(_ specPath: String, console: Console) -> (Spec, [RunConfiguration])? {
        do {
            let spec = try SpecDecoder.load(path: specPath)
            return (spec, try spec.configurations())
        } catch {
            console.err(error.description + "\n")
            return nil
        }
    }

    /// `experiments validate SPEC`: checks the spec and expands the grid.
    public static func validate(specPath: String, console: Console = .standard) -> ExitStatus {
        guard let (spec, configs) = load(specPath, console: console) else { return .specError }
        let axes = spec.grid.axisNames.isEmpty ? "no axes" : "axes " + spec.grid.axisNames.joined(separator: ", ")
        console.out("\(specPath): ok: \(spec.study.rawValue) study '\(spec.name)', \(configs.count) runs (\(axes))\n")
        return .success
    }

    /// `experiments expand SPEC [--json]`: each run's key and axis values in grid order, then the count.
    public static func expand(specPath: String, json: Bool, console: Console = .standard) -> ExitStatus {
        guard let (_, configs) = load(specPath, console: console) else { return .specError }
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
            console.out("\(configs.count) runs\n")
        }
        return .success
    }

    /// `experiments run SPEC`: runs the grid (or one shard), skipping recorded runs unless `force`,
    /// then writes the tables (not for shards) and renders charts.
    public static func run(specPath: String, options: RunOptions, executor: any StudyExecutor,
                           console: Console = .standard) async -> ExitStatus {
        let clock = ContinuousClock()
        let started = clock.now
        // Overlaps the executor's set-up, if it has any, with reading the spec and the records.
        DispatchQueue.global().async { executor.prepare() }
        guard let (spec, configs) = load(specPath, console: console) else { return .specError }
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
        let store = ResultStore(directory: options.out ?? ResultStore.defaultDirectory(for: spec))
        let selected = configs.filter { shard.contains($0.key) }
        let recorded: Set<RunKey>
        do {
            recorded = try store.recordedKeys()
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        var todo = options.force ? selected : selected.filter { !recorded.contains($0.key) }
        for i in todo.indices where todo[i].value("save_weights") == .bool(true) {
            todo[i].weightsDirectory = store.directory + "/weights"
        }
        let reused = selected.count - todo.count
        console.err("\(spec.name): \(selected.count) runs" + (shard == .all ? "" : " in shard \(shard.label) of \(configs.count)")
            + (reused > 0 ? ", \(reused) already recorded" : "") + ", \(todo.count) to run -> \(store.directory)\n")

        let stop = Scheduler.StopFlag()
        var signalSource: (any DispatchSourceSignal)?
        if options.handleInterrupts {
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            let err = console.err
            source.setEventHandler {
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

        var progress = ProgressReporter(total: todo.count, interactive: console.errIsTerminal, write: console.err)
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
        let records: [ResultStore.Record]
        do {
            if shard == .all {
                records = try store.writeTables(spec: spec, configs: configs, known: written, jobs: options.jobs)
            } else {
                records = try store.records(of: selected.map(\.key), known: written)
                try store.writeShardSummary(spec: spec, shard: shard, records: records)
            }
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        let failed = records.filter { if case .failed = $0.outcome.status { return true }; return false }
        let diverged = records.filter { if case .diverged = $0.outcome.status { return true }; return false }.count
        var summary = "\(spec.name): \(records.count) runs: \(records.count - failed.count - diverged) ok, \(diverged) diverged, \(failed.count) failed"
        if diverged > 0 { summary += " (diverged runs are results, not errors)" }
        summary += "; \(Self.text(clock.now - started)) (spec \(Self.text(gridStarted - started)), runs \(Self.text(gridFinished - gridStarted)), tables \(Self.text(clock.now - gridFinished)))"
        console.err(summary + "\n")
        for record in failed.prefix(5) {
            if case let .failed(reason) = record.outcome.status { console.err("  failed \(record.key): \(reason)\n") }
        }
        if shard == .all {
            console.err("wrote \(store.runsCSVPath), \(store.seriesCSVPath), \(store.resolvedSpecPath)\n")
            if options.plot { _ = PostRunHooks.plot(resultsDirectory: store.directory, spec: spec) }
        } else {
            console.err("shard \(shard.label) done; run 'experiments gather \(store.directory)' when all shards finished\n")
        }
        return failed.isEmpty ? .success : .failure
    }

    /// A phase's duration for the run summary: milliseconds with one decimal under 10 s, else seconds.
    static func text(_ d: Duration) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return seconds < 10 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    /// `experiments gather DIR [--spec SPEC]`: rebuilds the tables from all records; fails listing
    /// missing keys when the grid is incomplete.
    public static func gather(directory: String, specPath: String?, console: Console = .standard) -> ExitStatus {
        let spec: Spec
        do {
            spec = try Gather.spec(directory: directory, specPath: specPath)
        } catch {
            console.err(error.description + "\n")
            return .specError
        }
        do {
            let report = try Gather.gather(spec: spec, directory: directory)
            guard report.isComplete else {
                let sample = report.missing.prefix(5).map(\.hex).joined(separator: ", ")
                console.err("\(directory): incomplete grid: \(report.missing.count) of \(report.total) runs have no record (e.g. \(sample))\n")
                return .failure
            }
            console.err("\(directory): gathered \(report.total) runs into runs.csv, series.csv, spec.resolved.json\n")
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
    public static func plot(directory: String, console: Console = .standard) -> ExitStatus {
        do {
            return PostRunHooks.plot(resultsDirectory: directory, spec: try Gather.spec(directory: directory, specPath: nil))
        } catch {
            console.err(error.description + "\n")
            return .specError
        }
    }

    /// `experiments check SPEC [--out DIR]`: checks the spec's expectations against its results.
    public static func check(specPath: String, out: String?, console: Console = .standard) -> ExitStatus {
        guard let (spec, _) = load(specPath, console: console) else { return .specError }
        return PostRunHooks.check(resultsDirectory: out ?? ResultStore.defaultDirectory(for: spec), spec: spec)
    }

    /// `experiments schema`: prints the JSON Schema of the spec format.
    public static func schema(console: Console = .standard) -> ExitStatus {
        console.out(SpecSchema.document.prettyText() + "\n")
        return .success
    }
}

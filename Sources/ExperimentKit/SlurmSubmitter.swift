import Foundation
import ExperimentSpec
public import ExperimentRunner
import ExperimentReports

/// Runs `scontrol` and `sbatch` for `experiments slurm`.
public struct SlurmSubmitter: Sendable {
    /// What a command printed and returned.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// A failed `sbatch`.
    public struct SubmitError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { "experiments slurm: " + message }
    }

    /// Runs argv (found on PATH); nil when it cannot be started.
    public var execute: @Sendable ([String]) -> Output?

    public init(execute: @escaping @Sendable ([String]) -> Output?) {
        self.execute = execute
    }

    /// Runs commands with `/usr/bin/env`, inheriting the environment (`SLURM_CONF` included).
    public static var system: SlurmSubmitter {
        SlurmSubmitter { argv in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = argv
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            // Read both pipes before waiting so a chatty command cannot block on a full pipe.
            let errData = ErrorCollector(err.fileHandleForReading)
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData.wait(), as: UTF8.self))
        }
    }

    /// This process's executable (`/proc/self/exe` on Linux, else argv[0]): the default `--binary`.
    public static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// `MaxArraySize` from `scontrol show config`, nil when scontrol is missing or fails.
    public func maxArraySize() -> Int? {
        guard let output = execute(["scontrol", "show", "config"]), output.status == 0 else { return nil }
        return Self.maxArraySize(fromConfig: output.stdout)
    }

    /// Parses the `MaxArraySize = N` line of `scontrol show config`.
    public static func maxArraySize(fromConfig text: String) -> Int? {
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize", let n = Int(parts[1]), n >= 1 { return n }
        }
        return nil
    }

    /// The job id printed by `sbatch --parsable` (`id` or `id;cluster`).
    public static func jobID(fromParsable text: String) -> String? {
        let line = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return !id.isEmpty && id.allSatisfy(\.isNumber) ? id : nil
    }

    /// Submits every chunk, then the gather job after all of them; returns (array ids, gather id).
    public func submit(_ plan: SlurmPlan) throws(SubmitError) -> (arrays: [String], gather: String) {
        var ids: [String] = []
        for chunk in plan.chunks {
            ids.append(try sbatch(["sbatch", "--parsable", plan.arrayScriptPath(chunk)], already: ids))
        }
        let gather = try sbatch(plan.gatherSubmission(after: ids), already: ids)
        return (ids, gather)
    }

    private func sbatch(_ argv: [String], already: [String]) throws(SubmitError) -> String {
        let note = already.isEmpty ? "" : " (already submitted: \(already.joined(separator: ", ")); scancel them or resubmit: finished runs are skipped)"
        guard let output = execute(argv) else { throw SubmitError(message: "cannot run sbatch (is Slurm installed and on PATH?)" + note) }
        guard output.status == 0 else {
            throw SubmitError(message: "'\(argv.map(Shell.quote).joined(separator: " "))' exited \(output.status): "
                + output.stderr.trimmingCharacters(in: .whitespacesAndNewlines) + note)
        }
        guard let id = Self.jobID(fromParsable: output.stdout) else {
            throw SubmitError(message: "cannot read a job id from sbatch's output '\(output.stdout)'" + note)
        }
        return id
    }
}

/// Reads a pipe to its end on another thread.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

extension ExperimentCommands {
    /// Options of `experiments slurm`; `maxArraySize` nil means ask `scontrol show config` (default 1001).
    public struct SlurmOptions: Sendable {
        public var plan: SlurmPlan.Options
        public var maxArraySize: Int?
        public var submit = false
        public init(plan: SlurmPlan.Options, maxArraySize: Int? = nil, submit: Bool = false) {
            self.plan = plan
            self.maxArraySize = maxArraySize
            self.submit = submit
        }
    }

    /// `experiments slurm SPEC`: writes the array and gather scripts, then submits them (`--submit`)
    /// or prints how to.
    public static func slurm(specPath: String, options: SlurmOptions, submitter: SlurmSubmitter = .system,
                             console: Console = .standard) -> ExitStatus {
        let spec: Spec, runs: Int
        do {
            spec = try SpecDecoder.load(path: specPath)
            runs = try spec.configurations().count
        } catch {
            console.err(error.description + "\n")
            return .specError
        }
        var planOptions = options.plan
        planOptions.maxArraySize = options.maxArraySize ?? submitter.maxArraySize() ?? 1001
        let plan: SlurmPlan
        do {
            plan = try SlurmPlan(specName: spec.name, runCount: runs, specPath: specPath, options: planOptions)
        } catch {
            console.err(error.description + "\n")
            return .specError
        }
        if !FileManager.default.isExecutableFile(atPath: plan.binary) {
            console.err("experiments slurm: warning: '\(plan.binary)' is not an executable file here (the jobs run it; see --binary)\n")
        }
        do {
            try FileManager.default.createDirectory(atPath: plan.logDirectory, withIntermediateDirectories: true)
            for chunk in plan.chunks { try write(plan.arrayScript(chunk), to: plan.arrayScriptPath(chunk)) }
            try write(plan.gatherScript, to: plan.gatherScriptPath)
        } catch {
            console.err("experiments slurm: cannot write the scripts in \(plan.scriptDirectory): \(error.localizedDescription)\n")
            return .failure
        }
        let layout = plan.chunks.count == 1 ? "1 array job" : "\(plan.chunks.count) array jobs (MaxArraySize \(planOptions.maxArraySize))"
        console.err("\(spec.name): \(runs) runs in \(plan.shardCount) shards, \(layout) + 1 gather job -> \(plan.outDirectory)\n")
        guard options.submit else {
            for chunk in plan.chunks { console.out("wrote \(plan.arrayScriptPath(chunk))\n") }
            console.out("wrote \(plan.gatherScriptPath)\nsubmit with:\n" + plan.submitCommands)
            return .success
        }
        do {
            let ids = try submitter.submit(plan)
            for (chunk, id) in zip(plan.chunks, ids.arrays) {
                console.out("submitted array job \(id) (tasks \(chunk.arrayRange), shards \(chunk.offset + 1)-\(chunk.offset + chunk.count) of \(plan.shardCount)): \(plan.arrayScriptPath(chunk))\n")
            }
            console.out("submitted gather job \(ids.gather) (afterany:\(ids.arrays.joined(separator: ":"))): \(plan.gatherScriptPath)\n")
            console.out("logs: \(plan.logDirectory)\n")
            return .success
        } catch {
            console.err(error.description + "\n")
            return .failure
        }
    }

    private static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        _ = chmod(path, 0o755)
    }
}

import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

/// The `experiments` executable: `EXPERIMENTS_BINARY`, else next to the test bundle, else
/// `.build-runner/debug/experiments` or `.build/debug/experiments` in the package.
func experimentsBinary() -> String? {
    var candidates: [String] = []
    if let explicit = ProcessInfo.processInfo.environment["EXPERIMENTS_BINARY"] { candidates.append(explicit) }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(folder.appendingPathComponent("experiments").path)
        folder = folder.deletingLastPathComponent()
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates += [".build-runner", ".build"].map { root.appendingPathComponent($0 + "/debug/experiments").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A started `experiments` process.
struct CLIProcess {
    let process: Process
    let stderr: Pipe

    init(_ binary: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for the exit; returns the status and stderr text.
    func wait() -> (Int32, String) {
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

@Suite(.serialized) struct CLITests {
    let spec = """
        {"version": 1, "name": "kill", "study": "gradient-flow", "model": {"hidden": 64},
         "grid": {"init": ["orthogonal", "identity"], "seq_len": [1500, 2000], "seed": {"count": 10}}}
        """

    func records(_ folder: String) -> Int {
        (try? ResultStore(directory: folder).recordedKeys().count) ?? 0
    }

    /// The test hook that pauses a run after `n` records (`RecordJournal.TestPause`).
    func pauseAfter(_ n: Int) -> [String: String] { [RecordJournal.TestPause.variable: String(n)] }

    /// Complete lines in the record files of `folder` (as many as records when one process wrote
    /// them): cheap enough to poll, unlike parsing them, which in a debug build takes a core.
    func recordLines(_ folder: String) -> Int {
        let runs = folder + "/runs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.reduce(0) { total, name in
            let data = FileManager.default.contents(atPath: runs + "/" + name) ?? Data()
            return total + data.withUnsafeBytes { bytes in
                guard var next = bytes.baseAddress else { return 0 }
                let end = next + bytes.count
                var lines = 0
                while next < end, let newline = memchr(next, 0x0A, end - next) {
                    lines += 1
                    next = UnsafeRawPointer(newline) + 1
                }
                return lines
            }
        }
    }

    /// Waits until `folder` holds `count` record lines, which a run paused by the test hook reaches
    /// and cannot pass; false (the test fails) when there are more, when the process exits first or
    /// after 300 s: a safety net against a hang, not a timing assumption.
    func waitForRecords(_ folder: String, count: Int, of running: CLIProcess) -> Bool {
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            let found = recordLines(folder)
            if found >= count { return found == count }
            if !running.process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    @Test func aKilledGridResumesToTheSameBytes() throws {
        guard let binary = experimentsBinary() else {
            print("skipping: the experiments binary was not found (build it or set EXPERIMENTS_BINARY)")
            return
        }
        let folder = try TemporaryFolder()
        let specPath = try folder.write("grid.json", spec)
        let killed = folder.path + "/killed"
        // The hook stops the grid after exactly 6 records (with 2 lanes, the run in flight on the
        // other lane waits before its record): the kill lands at a known point on any machine.
        let pauseAt = 6, jobs = 2
        let running = try CLIProcess(binary, ["run", specPath, "--jobs", "\(jobs)", "--out", killed, "--no-plot"],
                                     environment: pauseAfter(pauseAt))
        let reached = waitForRecords(killed, count: pauseAt, of: running)
        kill(running.process.processIdentifier, SIGKILL)
        let (_, log) = running.wait()
        #expect(reached, "the paused run did not reach \(pauseAt) records: \(records(killed)); \(log)")
        #expect(running.process.terminationReason == .uncaughtSignal)
        let partial = records(killed)
        // While paused, no lane appends: the kill finds exactly the hook's count.
        #expect(partial == pauseAt, "records after kill: \(partial)")
        #expect(!FileManager.default.fileExists(atPath: killed + "/runs.csv"))

        let (resumed, resumeLog) = try CLIProcess(binary, ["run", specPath, "--jobs", "2", "--out", killed, "--no-plot"]).wait()
        #expect(resumed == 0, "\(resumeLog)")
        #expect(resumeLog.contains("\(partial) already recorded"), "\(resumeLog)")

        let (clean, _) = try CLIProcess(binary, ["run", specPath, "--jobs", "1", "--out", folder.path + "/clean", "--no-plot"]).wait()
        #expect(clean == 0)
        for file in ["runs.csv", "series.csv", "spec.resolved.json"] {
            #expect(try folder.bytes("killed/" + file) == folder.bytes("clean/" + file), "\(file)")
        }
        let keys = try CSVTable(contentsOf: killed + "/runs.csv").column(named: "key") ?? []
        #expect(keys.count == 40)
        #expect(Set(keys).count == 40)
    }

    @Test func anInterruptStopsSchedulingAndExits130() throws {
        guard let binary = experimentsBinary() else {
            print("skipping: the experiments binary was not found (build it or set EXPERIMENTS_BINARY)")
            return
        }
        let folder = try TemporaryFolder()
        let specPath = try folder.write("grid.json", spec)
        let out = folder.path + "/out"
        // Paused by the hook after 4 records, the run can only go on when SIGINT wakes it: it then
        // records its runs in flight (at most one per lane), starts no other and exits 130.
        let pauseAt = 4, jobs = 2
        let running = try CLIProcess(binary, ["run", specPath, "--jobs", "\(jobs)", "--out", out, "--no-plot"],
                                     environment: pauseAfter(pauseAt))
        let reached = waitForRecords(out, count: pauseAt, of: running)
        kill(running.process.processIdentifier, reached ? SIGINT : SIGKILL)
        let (status, log) = running.wait()
        #expect(reached, "the paused run did not reach \(pauseAt) records: \(records(out)); \(log)")
        #expect(status == 130, "\(log)")
        let partial = records(out)
        #expect((pauseAt...pauseAt + jobs - 1).contains(partial), "records after the interrupt: \(partial)")
        #expect(log.contains("interrupted: \(partial) of 40 runs recorded"), "\(log)")
        #expect(log.contains("run again to resume"))
        let (again, againLog) = try CLIProcess(binary, ["run", specPath, "--out", out, "--no-plot"]).wait()
        #expect(again == 0)
        #expect(againLog.contains("\(partial) already recorded"), "\(againLog)")
        #expect(try CSVTable(contentsOf: out + "/runs.csv").rows.count == 40)
    }

    @Test(arguments: ["0", "-1", "six", ""])
    func anInvalidTestPauseIsAUsageError(value: String) throws {
        guard let binary = experimentsBinary() else {
            print("skipping: the experiments binary was not found")
            return
        }
        let folder = try TemporaryFolder()
        let specPath = try folder.write("grid.json", spec)
        let (status, log) = try CLIProcess(binary, ["run", specPath, "--out", folder.path + "/out", "--no-plot"],
                                           environment: [RecordJournal.TestPause.variable: value]).wait()
        #expect(status == 2, "\(log)")
        #expect(log.contains("RNNLAB_TEST_PAUSE_AFTER_RECORDS='\(value)' must be a whole number >= 1"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    @Test(arguments: [
        ("missing.json", "no such file"),
        ("bad.json", "grid.seed"),
        ("notjson.json", "line 1, column"),
        ("expression.json", "field 'expect[0].<=': expected a number, a metric name, a function or '(' at character 26 of"),
    ])
    func specErrorsExitTwo(file: String, gist: String) throws {
        guard let binary = experimentsBinary() else {
            print("skipping: the experiments binary was not found")
            return
        }
        let folder = try TemporaryFolder()
        _ = try folder.write("bad.json", #"{"version": 1, "name": "bad", "study": "train", "grid": {"seed": {"count": 0}}}"#)
        _ = try folder.write("notjson.json", "{nope")
        _ = try folder.write("expression.json", #"{"version": 1, "name": "e", "study": "gradient-flow", "#
                             + #""expect": [{"metric": "grad_decay_per_step", "<=": "sigma_max.weight_hh_l0 * "}]}"#)
        for command in ["validate", "expand", "run"] {
            let (status, log) = try CLIProcess(binary, [command, folder.path + "/" + file, "--out", folder.path + "/out"]
                .filter { command == "run" || ($0 != "--out" && !$0.hasSuffix("/out")) }).wait()
            #expect(status == 2, "\(command): \(log)")
            #expect(log.contains(gist), "\(command): \(log)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    @Test func theCommittedSchemaMatchesTheCatalogue() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("experiments/schema/spec.schema.json"), encoding: .utf8)
        #expect(committed == SpecSchema.document.prettyText() + "\n",
                "regenerate with: experiments schema > experiments/schema/spec.schema.json")
    }
}

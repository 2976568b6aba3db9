import ExperimentKit
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

    @Test func aKilledGridResumesToTheSameBytes() throws {
        guard let binary = experimentsBinary() else {
            print("skipping: the experiments binary was not found (build it or set EXPERIMENTS_BINARY)")
            return
        }
        let folder = try TemporaryFolder()
        let specPath = try folder.write("grid.json", spec)
        let killed = folder.path + "/killed"
        let running = try CLIProcess(binary, ["run", specPath, "--jobs", "2", "--out", killed, "--no-plot"])
        let deadline = Date().addingTimeInterval(30)
        while records(killed) < 6, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        kill(running.process.processIdentifier, SIGKILL)
        let (_, _) = running.wait()
        #expect(running.process.terminationReason == .uncaughtSignal)
        let partial = records(killed)
        #expect(partial >= 6 && partial < 40, "records after kill: \(partial)")
        #expect(!FileManager.default.fileExists(atPath: killed + "/runs.csv"))

        let (resumed, log) = try CLIProcess(binary, ["run", specPath, "--jobs", "2", "--out", killed, "--no-plot"]).wait()
        #expect(resumed == 0, "\(log)")
        #expect(log.contains("\(partial) already recorded"))

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
        let running = try CLIProcess(binary, ["run", specPath, "--jobs", "2", "--out", out, "--no-plot"])
        let deadline = Date().addingTimeInterval(30)
        while records(out) < 4, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        kill(running.process.processIdentifier, SIGINT)
        let (status, log) = running.wait()
        #expect(status == 130, "\(log)")
        #expect(log.contains("run again to resume"))
        let (again, _) = try CLIProcess(binary, ["run", specPath, "--out", out, "--no-plot"]).wait()
        #expect(again == 0)
        #expect(try CSVTable(contentsOf: out + "/runs.csv").rows.count == 40)
    }

    @Test(arguments: [
        ("missing.json", "no such file"),
        ("bad.json", "grid.seed"),
        ("notjson.json", "line 1, column"),
    ])
    func specErrorsExitTwo(file: String, gist: String) throws {
        guard let binary = experimentsBinary() else {
            print("skipping: the experiments binary was not found")
            return
        }
        let folder = try TemporaryFolder()
        _ = try folder.write("bad.json", #"{"version": 1, "name": "bad", "study": "train", "grid": {"seed": {"count": 0}}}"#)
        _ = try folder.write("notjson.json", "{nope")
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

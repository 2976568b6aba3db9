import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

@Suite struct SlurmScriptTests {
    func plan(runs: Int = 24, arraySize: Int? = nil, maxArraySize: Int = 1001, spec: String = "specs/grad.json",
              out: String? = nil, scriptDirectory: String? = nil, name: String = "grad") throws -> SlurmPlan {
        var options = SlurmPlan.Options(binary: "bin/experiments", arraySize: arraySize, maxArraySize: maxArraySize,
                                        cpus: 2, out: out, scriptDirectory: scriptDirectory)
        options.partition = "debug"
        options.time = "00:10:00"
        return try SlurmPlan(specName: name, runCount: runs, specPath: spec, options: options, currentDirectory: "/home/lab")
    }

    @Test func oneArrayJobWithOneTaskPerShard() throws {
        let p = try plan(arraySize: 4)
        #expect(p.shardCount == 4)
        #expect(p.chunks.map { [$0.number, $0.offset, $0.count] } == [[1, 0, 4]])
        #expect(p.specPath == "/home/lab/specs/grad.json")
        #expect(p.outDirectory == "/home/lab/results/grad")
        #expect(p.binary == "/home/lab/bin/experiments")
        #expect(p.arrayScriptPath(p.chunks[0]) == "/home/lab/results/grad/slurm/array.sbatch")
        let script = p.arrayScript(p.chunks[0])
        #expect(script.hasPrefix("#!/bin/bash\n"))
        for line in ["#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=debug", "#SBATCH --time=00:10:00",
                     "#SBATCH --job-name=experiments-grad", "#SBATCH --output=/home/lab/results/grad/slurm/logs/%x-%A_%a.out",
                     "OFFSET=0", "TOTAL=4", "SHARD=$((OFFSET + SLURM_ARRAY_TASK_ID + 1))",
                     "EXPERIMENTS_BIN=/home/lab/bin/experiments", "SPEC=/home/lab/specs/grad.json", "OUT=/home/lab/results/grad",
                     "exec \"$EXPERIMENTS_BIN\" run \"$SPEC\" --out \"$OUT\" --shard \"$SHARD/$TOTAL\" --no-plot --jobs 2"] {
            #expect(script.split(separator: "\n").contains(Substring(line)), "\(line)")
        }
        // #SBATCH lines must come before the first command or sbatch ignores them.
        let lines = script.split(separator: "\n")
        let lastDirective = try #require(lines.lastIndex { $0.hasPrefix("#SBATCH") })
        let firstCommand = try #require(lines.firstIndex { !$0.hasPrefix("#") })
        #expect(lastDirective < firstCommand)
    }

    @Test func defaultArraySizeIsOneTaskPerRunCappedByTheGrid() throws {
        #expect(try plan(runs: 24).shardCount == 24)
        #expect(try plan(runs: 24, arraySize: 100).shardCount == 24)
        #expect(try plan(runs: 1).arrayScript(plan(runs: 1).chunks[0]).contains("#SBATCH --array=0\n"))
    }

    @Test func largeGridsAreSplitIntoChunksWithOffsets() throws {
        let p = try plan(runs: 50_000, arraySize: 2500, maxArraySize: 1001)
        #expect(p.shardCount == 2500)
        #expect(p.chunks.map(\.offset) == [0, 1001, 2002])
        #expect(p.chunks.map(\.count) == [1001, 1001, 498])
        #expect(p.chunks.map(\.arrayRange) == ["0-1000", "0-1000", "0-497"])
        #expect(p.arrayScriptPath(p.chunks[2]) == "/home/lab/results/grad/slurm/array-3-of-3.sbatch")
        let third = p.arrayScript(p.chunks[2])
        #expect(third.contains("\n#SBATCH --array=0-497\n"))
        #expect(third.contains("\nOFFSET=2002\nTOTAL=2500\n"))
        #expect(third.contains("shards 2003-2500 of 2500"))
        #expect(!third.contains("SLURM_ARRAY_TASK_COUNT"))
        // Every shard 1...2500 is run by exactly one (chunk, task).
        var shards: [Int] = []
        for chunk in p.chunks { for task in 0..<chunk.count { shards.append(chunk.offset + task + 1) } }
        #expect(shards == Array(1...2500))
    }

    @Test func gatherDependsOnEveryArrayJob() throws {
        let p = try plan(runs: 3000, maxArraySize: 1000)
        #expect(p.chunks.count == 3)
        #expect(p.gatherSubmission(after: ["11", "12", "13"]) == [
            "sbatch", "--parsable", "--dependency=afterany:11:12:13", "--kill-on-invalid-dep=yes",
            "/home/lab/results/grad/slurm/gather.sbatch",
        ])
        #expect(p.gatherScript.contains("\nexec \"$EXPERIMENTS_BIN\" gather \"$OUT\" --spec \"$SPEC\"\n"))
        #expect(p.gatherScript.contains("#SBATCH --output=/home/lab/results/grad/slurm/logs/%x-%j.out\n"))
        #expect(!p.gatherScript.contains("--array"))
        let commands = p.submitCommands.split(separator: "\n")
        #expect(commands.count == 4)
        #expect(commands[0] == "A1=$(sbatch --parsable /home/lab/results/grad/slurm/array-1-of-3.sbatch | cut -d';' -f1)")
        #expect(commands[3] == "sbatch --parsable \"--dependency=afterany:$A1:$A2:$A3\" --kill-on-invalid-dep=yes /home/lab/results/grad/slurm/gather.sbatch")
    }

    @Test func pathsWithSpacesAndQuotesAreQuoted() throws {
        let p = try plan(spec: "my specs/it's grad.json", out: "/data/run 1/out", scriptDirectory: "/data/run 1/100%/slurm",
                         name: "grad flow/v2")
        let script = p.arrayScript(p.chunks[0])
        #expect(script.contains("\nSPEC='/home/lab/my specs/it'\\''s grad.json'\n"))
        #expect(script.contains("\nOUT='/data/run 1/out'\n"))
        #expect(script.contains("\n#SBATCH --output=\"/data/run 1/100%%/slurm/logs/%x-%A_%a.out\"\n"))
        #expect(script.contains("\n#SBATCH --job-name=experiments-grad_flow_v2\n"))
        #expect(p.submitCommands.hasPrefix("A1=$(sbatch --parsable '/data/run 1/100%/slurm/array.sbatch' | cut"))
        #expect(Shell.quote("plain/path-1.json") == "plain/path-1.json")
        #expect(Shell.quote("") == "''")
        #expect(Shell.quote("a b") == "'a b'")
        #expect(Shell.quote("$HOME") == "'$HOME'")
    }

    @Test func quotedScriptsRunInAShell() throws {
        let folder = try TemporaryFolder()
        let odd = folder.path + "/it's a \"dir\" $x"
        try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true)
        let p = try SlurmPlan(specName: "s", runCount: 2, specPath: odd + "/spec file.json",
                              options: .init(binary: "/bin/echo", out: odd + "/out", scriptDirectory: folder.path + "/scripts"))
        let script = p.arrayScript(p.chunks[0]).replacingOccurrences(of: "exec ", with: "")
        let path = try folder.write("task.sh", script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [path]
        process.environment = ["SLURM_ARRAY_TASK_ID": "1", "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output == "run \(odd)/spec file.json --out \(odd)/out --shard 2/2 --no-plot --jobs 1\n")
    }

    @Test func rejectsBadOptions() throws {
        #expect(throws: SlurmPlan.PlanError.self) { try plan(arraySize: 0) }
        #expect(throws: SlurmPlan.PlanError.self) { try plan(runs: 0) }
        #expect(throws: SlurmPlan.PlanError.self) { try plan(maxArraySize: 0) }
        #expect(throws: SlurmPlan.PlanError.self) { try plan(scriptDirectory: "/a\"b") }
        var options = SlurmPlan.Options(binary: "/bin/x")
        options.partition = "debug --exclusive"
        #expect(throws: SlurmPlan.PlanError.self) {
            try SlurmPlan(specName: "s", runCount: 2, specPath: "/s.json", options: options)
        }
    }

    @Test func parsesSlurmOutput() {
        #expect(SlurmSubmitter.jobID(fromParsable: "1234\n") == "1234")
        #expect(SlurmSubmitter.jobID(fromParsable: "1234;cluster\n") == "1234")
        #expect(SlurmSubmitter.jobID(fromParsable: "sbatch: error: bad\n") == nil)
        let config = "Configuration data as of 2026-11-28T07:00:00\nMailProg                = /bin/true\nMaxArraySize            = 4001\nMaxJobCount = 10000\n"
        #expect(SlurmSubmitter.maxArraySize(fromConfig: config) == 4001)
        #expect(SlurmSubmitter.maxArraySize(fromConfig: "MaxJobCount = 10000\n") == nil)
    }

    @Test func submitsChunksThenTheGatherJob() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        let calls = Calls()
        let submitter = SlurmSubmitter { argv in
            let n = calls.append(argv)
            if argv.first == "scontrol" { return .init(status: 0, stdout: "MaxArraySize = 4\n", stderr: "") }
            return .init(status: 0, stdout: "\(100 + n);local\n", stderr: "")
        }
        let log = Captured()
        let options = ExperimentCommands.SlurmOptions(
            plan: .init(binary: "/bin/true", arraySize: 10, out: folder.path + "/out"), submit: true)
        #expect(ExperimentCommands.slurm(specPath: spec, options: options, submitter: submitter, console: log.console) == .success)
        let argvs = calls.all
        #expect(argvs.count == 5)
        #expect(argvs[0] == ["scontrol", "show", "config"])
        #expect(argvs[1] == ["sbatch", "--parsable", folder.path + "/out/slurm/array-1-of-3.sbatch"])
        #expect(argvs[4][2] == "--dependency=afterany:101:102:103")
        #expect(log.out.contains("submitted gather job 104 (afterany:101:102:103)"))
        let third = try String(contentsOfFile: folder.path + "/out/slurm/array-3-of-3.sbatch", encoding: .utf8)
        #expect(third.contains("\n#SBATCH --array=0-1\n") && third.contains("\nOFFSET=8\nTOTAL=10\n"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/out/slurm/logs"))
    }
}

/// Records the argv of each call; returns its 0-based number.
private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [[String]] = []
    var all: [[String]] { lock.withLock { list } }
    func append(_ argv: [String]) -> Int { lock.withLock { list.append(argv); return list.count - 1 } }
}

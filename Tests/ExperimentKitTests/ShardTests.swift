import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

@Suite struct ShardTests {
    @Test func parsesExplicitShards() throws {
        #expect(try ShardSelection.parse(nil, environment: [:]) == .all)
        #expect(try ShardSelection.parse("2/8", environment: [:]) == .part(index: 2, count: 8))
        #expect(throws: ShardSelection.ParseError.self) { try ShardSelection.parse("0/8", environment: [:]) }
        #expect(throws: ShardSelection.ParseError.self) { try ShardSelection.parse("9/8", environment: [:]) }
        #expect(throws: ShardSelection.ParseError.self) { try ShardSelection.parse("1/0", environment: [:]) }
        #expect(throws: ShardSelection.ParseError.self) { try ShardSelection.parse("two", environment: [:]) }
    }

    @Test func autoReadsSlurmJobArrays() throws {
        #expect(try ShardSelection.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"])
            == .part(index: 1, count: 4))
        #expect(try ShardSelection.parse("auto", environment: [
            "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1",
        ]) == .part(index: 4, count: 4))
    }

    @Test func autoReadsKubernetesIndexedJobs() throws {
        #expect(try ShardSelection.parse("auto", count: 3, environment: ["JOB_COMPLETION_INDEX": "2"]) == .part(index: 3, count: 3))
        #expect(try ShardSelection.parse("auto", environment: ["JOB_COMPLETION_INDEX": "0", "EXPERIMENTS_SHARD_COUNT": "2"])
            == .part(index: 1, count: 2))
        do {
            _ = try ShardSelection.parse("auto", environment: ["JOB_COMPLETION_INDEX": "0"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("--shard-count"))
        }
        do {
            _ = try ShardSelection.parse("auto", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("SLURM_ARRAY_TASK_ID"))
        }
    }

    @Test func shardsPartitionTheGridByKey() throws {
        let runs = try expand(#"{"seed": {"count": 60}}"#)
        var seen: [RunKey: Int] = [:]
        for i in 1...3 {
            for run in runs where ShardSelection.part(index: i, count: 3).contains(run.key) { seen[run.key, default: 0] += 1 }
        }
        #expect(seen.count == 60)
        #expect(seen.values.allSatisfy { $0 == 1 })
        let first = runs.filter { ShardSelection.part(index: 1, count: 3).contains($0.key) }
        #expect(first.allSatisfy { $0.key.integer % 3 == 0 })
    }

    @Test func gatheringThreeShardsEqualsOneRunByteForByte() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        let single = folder.path + "/single"
        let sharded = folder.path + "/sharded"
        #expect(await ExperimentCommands.run(specPath: spec, options: .init(jobs: 2, out: single, plot: false),
                                             executor: DemoExecutor(), console: .silent) == .success)
        for i in 1...3 {
            #expect(await ExperimentCommands.run(specPath: spec, options: .init(jobs: 2, out: sharded, shard: "\(i)/3", plot: false),
                                                 executor: DemoExecutor(), console: .silent) == .success)
            #expect(!FileManager.default.fileExists(atPath: sharded + "/runs.csv"))
        }
        // Without --spec: the spec comes from the shard summaries.
        #expect(ExperimentCommands.gather(directory: sharded, specPath: nil, console: .silent) == .success)
        for file in ["runs.csv", "series.csv", "spec.resolved.json"] {
            #expect(try folder.bytes("single/" + file) == folder.bytes("sharded/" + file), "\(file)")
        }
        _ = single
    }

    @Test func gatherReportsAnIncompleteGrid() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        let out = folder.path + "/out"
        _ = await ExperimentCommands.run(specPath: spec, options: .init(out: out, shard: "1/3", plot: false),
                                         executor: DemoExecutor(), console: .silent)
        let log = Captured()
        #expect(ExperimentCommands.gather(directory: out, specPath: spec, console: log.console) == .failure)
        #expect(log.err.contains("incomplete grid"))
        #expect(!FileManager.default.fileExists(atPath: out + "/runs.csv"))
    }
}

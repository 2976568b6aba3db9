import ExperimentKit
import Foundation
import Testing

// MARK: - Shared test support

/// A fresh folder under the temporary directory, removed when the value is released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/experimentkit-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the folder and returns the file's path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
    }
}

/// Captures a command's output.
final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }

    var console: ExperimentCommands.Console {
        ExperimentCommands.Console(out: { text in self.lock.withLock { self.outText += text } },
                                   err: { text in self.lock.withLock { self.errText += text } }, errIsTerminal: false)
    }
}

extension ExperimentCommands.Console {
    static let silent = ExperimentCommands.Console(out: { _ in }, err: { _ in }, errIsTerminal: false)
}

/// 3 x 3 x 2 = 18 runs of the gradient-flow study.
let demoSpec = """
    {"version": 1, "name": "demo", "study": "gradient-flow",
     "grid": {"init": ["orthogonal", "identity-1.01", "normal-0.01"], "seq_len": [5, 10, 20], "seed": {"count": 2}}}
    """

/// Counts calls; fails runs whose seed is in `failSeeds`, diverges runs whose seed is in `divergeSeeds`.
final class ScriptedExecutor: StudyExecutor, @unchecked Sendable {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom, with \"quotes\", commas" }
    }

    private let lock = NSLock()
    private var count = 0
    let failSeeds: Set<Int>
    let divergeSeeds: Set<Int>

    init(failSeeds: Set<Int> = [], divergeSeeds: Set<Int> = []) {
        self.failSeeds = failSeeds
        self.divergeSeeds = divergeSeeds
    }

    var calls: Int { lock.withLock { count } }

    func run(_ config: RunConfiguration) throws -> RunOutcome {
        lock.withLock { count += 1 }
        if failSeeds.contains(config.seed) { throw Boom() }
        var outcome = try DemoExecutor().run(config)
        if divergeSeeds.contains(config.seed) {
            outcome.status = .diverged(step: 3)
            outcome.metrics.append(("blowup", .infinity))
            outcome.series.append(SeriesPoint(series: "loss", step: 3, value: .nan))
        }
        return outcome
    }
}

// MARK: - Store tests

@Suite struct StoreTests {
    @Test func oneJobAndTwoJobsWriteIdenticalBytes() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        for jobs in [1, 2] {
            let status = await ExperimentCommands.run(
                specPath: spec, options: .init(jobs: jobs, out: folder.path + "/j\(jobs)", plot: false),
                executor: DemoExecutor(sleepMilliseconds: jobs), console: .silent)
            #expect(status == .success)
        }
        for file in ["runs.csv", "series.csv", "spec.resolved.json"] {
            #expect(try folder.bytes("j1/" + file) == folder.bytes("j2/" + file), "\(file)")
        }
        let table = try CSVTable(contentsOf: folder.path + "/j1/runs.csv")
        #expect(table.header == ["key", "study", "init", "seq_len", "seed", "decay", "gradient_ratio", "final_loss",
                                 "status", "status_step", "status_reason"])
        #expect(table.rows.count == 18)
        let keys = table.column(named: "key") ?? []
        #expect(keys == keys.sorted())
        #expect(table.column(named: "seq_len")?.contains("5") == true)
    }

    @Test func aRerunSkipsRecordedRunsAndResumesMissingOnes() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        let out = folder.path + "/out"
        let first = ScriptedExecutor()
        _ = await ExperimentCommands.run(specPath: spec, options: .init(out: out, plot: false), executor: first, console: .silent)
        #expect(first.calls == 18)
        let csv = try folder.bytes("out/runs.csv")

        let second = ScriptedExecutor()
        _ = await ExperimentCommands.run(specPath: spec, options: .init(out: out, plot: false), executor: second, console: .silent)
        #expect(second.calls == 0)

        let keys = try FileManager.default.contentsOfDirectory(atPath: out + "/runs").sorted()
        try FileManager.default.removeItem(atPath: out + "/runs/" + keys[0])
        try FileManager.default.removeItem(atPath: out + "/runs/" + keys[5] + "/record.json")
        let third = ScriptedExecutor()
        _ = await ExperimentCommands.run(specPath: spec, options: .init(out: out, plot: false), executor: third, console: .silent)
        #expect(third.calls == 2)
        #expect(try folder.bytes("out/runs.csv") == csv)

        let forced = ScriptedExecutor()
        _ = await ExperimentCommands.run(specPath: spec, options: .init(out: out, force: true, plot: false), executor: forced, console: .silent)
        #expect(forced.calls == 18)
        #expect(try folder.bytes("out/runs.csv") == csv)
    }

    @Test func aFailedRunIsRecordedAndTheOthersGoOn() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        let executor = ScriptedExecutor(failSeeds: [1])
        let log = Captured()
        let status = await ExperimentCommands.run(specPath: spec, options: .init(out: folder.path + "/out", plot: false),
                                                  executor: executor, console: log.console)
        #expect(status == .failure)
        #expect(executor.calls == 18)
        #expect(log.err.contains("9 ok, 0 diverged, 9 failed"))
        let table = try CSVTable(contentsOf: folder.path + "/out/runs.csv")
        #expect(table.column(named: "status")?.filter { $0 == "failed" }.count == 9)
        #expect(table.column(named: "status_reason")?.contains("boom, with \"quotes\", commas") == true)
        #expect(table.rows.allSatisfy { $0.count == table.header.count })
    }

    @Test func divergedRunsAreResultsNotErrors() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec)
        let log = Captured()
        let status = await ExperimentCommands.run(specPath: spec, options: .init(out: folder.path + "/out", plot: false),
                                                  executor: ScriptedExecutor(divergeSeeds: [0]), console: log.console)
        #expect(status == .success)
        #expect(log.err.contains("9 diverged"))
        let table = try CSVTable(contentsOf: folder.path + "/out/runs.csv")
        #expect(table.column(named: "status_step")?.filter { $0 == "3" }.count == 9)
        #expect(table.column(named: "blowup")?.filter { $0 == "inf" }.count == 9)
        let series = try CSVTable(contentsOf: folder.path + "/out/series.csv")
        #expect(series.column(named: "value")?.contains("nan") == true)
    }

    @Test func specErrorsExitTwoWithoutTouchingResults() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("bad.json", #"{"version": 1, "name": "bad", "study": "train", "grid": {"init": ["orthogonl"]}}"#)
        let log = Captured()
        let status = await ExperimentCommands.run(specPath: spec, options: .init(out: folder.path + "/out", plot: false),
                                                  executor: DemoExecutor(), console: log.console)
        #expect(status == .specError)
        #expect(log.err.contains("grid.init[0]"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    @Test func recordsRoundTripNonFiniteNumbers() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let config = try expand("{}", study: "states")[0]
        let outcome = RunOutcome(status: .diverged(step: 7), metrics: [("a", .nan), ("b", .infinity), ("c", -.infinity), ("d", 0.1)],
                                 series: [SeriesPoint(series: "s", step: 1, value: 1e-300)])
        try store.write(config, outcome)
        let record = try store.readRecord(config.key)
        #expect(record.outcome.status == .diverged(step: 7))
        #expect(record.outcome.metrics.map { CSVTable.format(metric: $0.value) } == ["nan", "inf", "-inf", "0.1"])
        #expect(record.outcome.series == outcome.series)
        #expect(store.recordedKeys() == [config.key])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/runs/" + config.key.hex)
        #expect(leftovers == ["record.json"])
    }

    @Test func csvQuotesAndParsesRFC4180() throws {
        let table = CSVTable(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\nbreak", "plain"], ["", " pad"]])
        #expect(table.text == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"line\nbreak\",plain\n,\" pad\"\n")
        #expect(try CSVTable(parsing: table.text) == table)
        #expect(try CSVTable(parsing: "a,b\r\n1,2\r\n") == CSVTable(header: ["a", "b"], rows: [["1", "2"]]))
        #expect(throws: CSVTable.ParseError.self) { try CSVTable(parsing: "a,b\n1\n") }
        #expect(throws: CSVTable.ParseError.self) { try CSVTable(parsing: "a\n\"open\n") }
        #expect(CSVTable.format(value: .number(20)) == "20")
        #expect(CSVTable.format(metric: 20) == "20.0")
    }
}

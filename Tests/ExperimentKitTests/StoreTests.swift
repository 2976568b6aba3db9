import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
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

/// Removes the record lines of `keys` from every record file of a results folder.
func dropRecords(of keys: [String], in directory: String) throws {
    let folder = directory + "/runs"
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".jsonl") {
        let path = folder + "/" + name
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = lines.filter { line in !keys.contains { line.hasPrefix(#"{"key":""# + $0) } }
        try Data(kept.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
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

        let keys = try CSVTable(contentsOf: out + "/runs.csv").column(named: "key") ?? []
        try dropRecords(of: [keys[0], keys[5]], in: out)
        #expect(try ResultStore(directory: out).recordedKeys().count == 16)
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
                                 series: [SeriesPoint(series: "s \"q\"\n", step: 1, value: 1e-300), SeriesPoint(series: "t", step: 2, value: -0.0)])
        let journal = store.journal()
        try store.append(config, outcome, to: journal)
        let record = try store.readRecord(config.key)
        #expect(record.outcome.status == .diverged(step: 7))
        #expect(record.outcome.metrics.map { CSVTable.format(metric: $0.value) } == ["nan", "inf", "-inf", "0.1"])
        #expect(record.outcome.series == outcome.series)
        #expect(record.config == config.document)
        #expect(try store.recordedKeys() == [config.key])
        let files = try FileManager.default.contentsOfDirectory(atPath: store.recordsDirectory)
        #expect(files.count == 1 && files.allSatisfy { $0.hasSuffix(".jsonl") })
        let text = try String(contentsOfFile: journal.filePath ?? "", encoding: .utf8)
        #expect(text.filter { $0 == "\n" }.count == 1 && text.hasSuffix("\n"))
    }

    @Test func anUnterminatedLastLineIsNotARecord() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let configs = try expand(#"{"seed": {"count": 3}}"#)
        let journal = store.journal()
        for config in configs.prefix(2) { try store.append(config, try DemoExecutor().run(config), to: journal) }
        let path = try #require(journal.filePath)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((#"{"key":""# + configs[2].key.hex + #"","config":{"#).utf8))
        try handle.close()
        #expect(try store.recordedKeys() == Set(configs.prefix(2).map(\.key)))
        #expect(try store.readRecords(configs.map(\.key)).count == 2)
    }

    @Test func recordsLongerThanTheReadBlockRoundTrip() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let configs = try expand(#"{"seed": {"count": 3}}"#)
        let journal = store.journal()
        // About 3 MB per line: lines span several 1 MiB read blocks.
        for config in configs {
            let series = (0..<120_000).map { SeriesPoint(series: "g", step: $0, value: Double($0) / 3 + Double(config.seed)) }
            try store.append(config, RunOutcome(metrics: [("seed", Double(config.seed))], series: series), to: journal)
        }
        #expect(try store.recordedKeys() == Set(configs.map(\.key)))
        let records = try store.readRecords(configs.map(\.key))
        for config in configs {
            let series = try #require(records[config.key]).outcome.series
            #expect(series.count == 120_000 && series[119_999].value == 119_999.0 / 3 + Double(config.seed))
        }
    }

    @Test func aCorruptRecordLineIsReportedByFileAndLineAndNotUsed() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let config = try expand("{}")[0]
        let journal = store.journal()
        try store.append(config, RunOutcome(), to: journal)
        let path = try #require(journal.filePath)
        let good = try String(contentsOfFile: path, encoding: .utf8)
        try Data((good + "not a record\n").utf8).write(to: URL(fileURLWithPath: path))
        let inspected = try store.inspectRecords()
        #expect(inspected.keys == [config.key])
        #expect(inspected.problems.map(\.description) == ["\(path), line 2: not a record: it does not start with {\"key\":\"<16 hex digits>\""])
        try Data((good.replacingOccurrences(of: "\"status\":\"ok\"", with: "\"status\":7")).utf8).write(to: URL(fileURLWithPath: path))
        let corrupt = try store.inspectRecords()
        #expect(corrupt.keys.isEmpty)
        #expect(corrupt.problems.first?.description.hasPrefix("\(path), line 1: the record of run \(config.key) is not used: its content does not match") == true)
        #expect(throws: ResultStore.StoreError.self) { try store.readRecord(config.key) }
    }

    /// A record line of an earlier version (no digest) with `part` edited: still read, and a bad
    /// value is an error naming the line, not a crash.
    func withoutDigest(_ text: String) -> String {
        text.replacingOccurrences(of: #","sha256":"[0-9a-f]{64}"\}"#, with: "}", options: .regularExpression)
    }

    @Test(arguments: [
        (#""status":"ok""#, #""status":"diverged","status_step":1e999"#, "status_step"),
        (#"["g",1,"#, #"["g",1e999,"#, "series point"),
        (#"["g",1,"#, #"["g",1.5,"#, "series point"),
    ])
    func corruptNumbersInARecordAreErrorsNotCrashes(good: String, bad: String, part: String) throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let config = try expand("{}")[0]
        let journal = store.journal()
        try store.append(config, RunOutcome(series: [SeriesPoint(series: "g", step: 1, value: 0.5)]), to: journal)
        let path = try #require(journal.filePath)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(good))
        try Data(withoutDigest(text).replacingOccurrences(of: good, with: bad).utf8).write(to: URL(fileURLWithPath: path))
        #expect { try store.readRecord(config.key) } throws: { error in
            String(describing: error).contains(path + ": line 1: malformed record: " + part)
        }
    }

    @Test func recordsOfTheEarlierLayoutAreReportedNotIgnored() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let old = store.recordsDirectory + "/0123456789abcdef"
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: old + "/record.json"))
        #expect { try store.recordedKeys() } throws: { error in
            String(describing: error).contains(old + "/record.json") && String(describing: error).contains("earlier version")
        }
    }

    @Test func aFailedAppendNamesTheFileAndTheNextGoesToANewFile() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let configs = try expand(#"{"seed": {"count": 2}}"#)
        // The records folder is a plain file: nothing can be created in it.
        try Data("x".utf8).write(to: URL(fileURLWithPath: store.recordsDirectory))
        let journal = store.journal()
        #expect { try store.append(configs[0], RunOutcome(), to: journal) } throws: { error in
            String(describing: error).hasPrefix(store.recordsDirectory)
        }
        try FileManager.default.removeItem(atPath: store.recordsDirectory)
        try store.append(configs[1], RunOutcome(), to: journal)
        #expect(try store.recordedKeys() == [configs[1].key])
    }

    @Test func theNewestRecordOfARunWins() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let config = try expand("{}")[0]
        let old = store.journal()
        try store.append(config, RunOutcome(metrics: [("m", 1)]), to: old)
        let new = store.journal()
        try store.append(config, RunOutcome(metrics: [("m", 2)]), to: new)
        let oldPath = try #require(old.filePath), newPath = try #require(new.filePath)
        #expect(oldPath.contains("/records-1-") && newPath.contains("/records-2-"))
        #expect(try store.readRecord(config.key).outcome.metrics.first?.value == 2)
        // Copying a folder without its times (cp -r) must not change which record wins.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: newPath)
        #expect(try store.readRecord(config.key).outcome.metrics.first?.value == 2)
    }

    @Test func workerThreadsAppendWholeLines() throws {
        let folder = try TemporaryFolder()
        let store = ResultStore(directory: folder.path)
        let configs = try expand(#"{"seed": {"count": 200}}"#)
        let journal = store.journal()
        DispatchQueue.concurrentPerform(iterations: 4) { part in
            for config in configs[(part * 50)..<(part * 50 + 50)] {
                let series = (1...300).map { SeriesPoint(series: "s", step: $0, value: Double(config.seed) + Double($0) / 7) }
                _ = try? store.append(config, RunOutcome(metrics: [("seed", Double(config.seed))], series: series), to: journal)
            }
        }
        let records = try store.readRecords(configs.map(\.key))
        #expect(records.count == 200)
        #expect(records.values.allSatisfy { $0.outcome.series.count == 300 && $0.outcome.series[299].value == $0.outcome.metrics[0].value + 300.0 / 7 })
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

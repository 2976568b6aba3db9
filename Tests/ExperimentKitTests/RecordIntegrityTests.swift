import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

/// Every kind of corrupted record line: reported by file and line, never used; `run` runs it again,
/// `gather` and `check` reject the folder until then.
@Suite struct RecordIntegrityTests {
    /// A results folder of the demo grid, run once (tables, manifest, one record file).
    struct Recorded {
        let folder: TemporaryFolder
        let spec: String
        let out: String
        let file: String
        var lines: [String]

        init() async throws {
            folder = try TemporaryFolder()
            spec = try folder.write("grid.json", demoSpec)
            out = folder.path + "/out"
            #expect(await ExperimentCommands.run(specPath: spec, options: .init(jobs: 1, out: out, plot: false),
                                                 executor: DemoExecutor(), console: .silent) == .success)
            let names = try FileManager.default.contentsOfDirectory(atPath: out + "/runs")
            file = out + "/runs/" + (try #require(names.first { $0.hasSuffix(".jsonl") }))
            lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        }

        func save(_ lines: [String], terminated: Bool = true) throws {
            try Data((lines.joined(separator: "\n") + (terminated ? "\n" : "")).utf8).write(to: URL(fileURLWithPath: file))
        }

        func key(of line: String) -> String { String(line.dropFirst(8).prefix(16)) }
    }

    /// `line` with its digest recomputed (what a careful forger would do).
    static func redigested(_ line: String) -> String {
        let content = Array(line.utf8.dropLast(RecordFormat.digestPrefix.count + 64 + 2))
        return String(decoding: content, as: UTF8.self) + #","sha256":""# + FileOutput.hex(SHA256.hash(content)) + #""}"#
    }

    /// Kinds of corruption of line 3 of the record file, and the reason reported for it.
    static let corruptions: [(name: String, reason: String)] = [
        ("changed metric", "does not match its SHA-256 digest"),
        ("empty content", "does not end as a record does"),
        ("another run's content, digest recomputed", "its config is that of run"),
        ("another run's content under this key", "does not match its SHA-256 digest"),
        ("cut short, newline kept", "does not end as a record does"),
        ("empty config, digest recomputed", "its config is that of run"),
    ]

    static func corrupt(_ name: String, _ lines: [String], key: String) -> String {
        let line = lines[2]
        switch name {
        case "changed metric": return line.replacingOccurrences(of: #""status":"ok""#, with: #""status":"failed","status_reason":"x""#)
        case "empty content": return #"{"key":""# + key + #""}"#
        case "another run's content, digest recomputed": return redigested(#"{"key":""# + key + lines[5].dropFirst(24))
        case "another run's content under this key": return #"{"key":""# + key + lines[5].dropFirst(24)
        case "cut short, newline kept": return String(line.prefix(line.count / 2))
        default:
            let config = line.range(of: #""config":{"#).map { line[..<$0.upperBound] } ?? ""
            let rest = line.range(of: #"},"status""#).map { line[$0.lowerBound...] } ?? ""
            return redigested(String(config) + rest.dropFirst(0))
        }
    }

    @Test(arguments: corruptions.map(\.name))
    func aCorruptRecordIsReportedRejectedAndRunAgain(kind: String) async throws {
        let recorded = try await Recorded()
        var lines = recorded.lines
        let key = recorded.key(of: lines[2])
        lines[2] = Self.corrupt(kind, recorded.lines, key: key)
        try recorded.save(lines)
        let reason = try #require(Self.corruptions.first { $0.name == kind }).reason
        let store = ResultStore(directory: recorded.out)
        let (keys, problems) = try store.inspectRecords()
        #expect(!keys.contains(try #require(RunKey(hex: key))))
        #expect(problems.count == 1)
        #expect(problems.first?.description.hasPrefix("\(recorded.file), line 3: the record of run \(key) is not used: ") == true)
        #expect(problems.first?.reason.contains(reason) == true, "\(problems)")

        let gatherLog = Captured()
        #expect(ExperimentCommands.gather(directory: recorded.out, specPath: recorded.spec, console: gatherLog.console) == .failure)
        #expect(gatherLog.err.contains("\(recorded.file), line 3"))
        #expect(gatherLog.err.contains("fix: run 'experiments run"))
        let checkLog = Captured()
        #expect(ExperimentCommands.check(specPath: recorded.spec, out: recorded.out, console: checkLog.console) == .failure)
        #expect(checkLog.err.contains("\(recorded.file), line 3"), "\(checkLog.err)")

        let clean = recorded.folder.path + "/clean"
        #expect(await ExperimentCommands.run(specPath: recorded.spec, options: .init(jobs: 1, out: clean, plot: false),
                                             executor: DemoExecutor(), console: .silent) == .success)
        let runLog = Captured()
        #expect(await ExperimentCommands.run(specPath: recorded.spec, options: .init(jobs: 1, out: recorded.out, plot: false),
                                             executor: DemoExecutor(), console: runLog.console) == .success)
        #expect(runLog.err.contains("warning: \(recorded.file), line 3"))
        #expect(runLog.err.contains("17 already recorded, 1 to run"), "\(runLog.err)")
        for file in ["runs.csv", "series.csv", "spec.resolved.json", "manifest.json"] {
            #expect(try recorded.folder.bytes("out/" + file) == recorded.folder.bytes("clean/" + file), "\(file)")
        }
        #expect(ExperimentCommands.gather(directory: recorded.out, specPath: recorded.spec, console: .silent) == .success)
        #expect(ExperimentCommands.check(specPath: recorded.spec, out: recorded.out, console: .silent) == .success)
    }

    @Test func harmlessLinesAreNotProblems() async throws {
        let recorded = try await Recorded()
        var lines = recorded.lines
        let key = recorded.key(of: lines[4])
        // A line without a key: reported, ignored. A duplicate: the newest wins. A bad line then a
        // good one of the same key: the good one is used. A line of an earlier version (no
        // digest): read. A cut last line without its newline: not a record.
        lines.append("garbage")
        lines.append(lines[0])
        lines.append(#"{"key":""# + key + #""}"#)
        lines.append(lines[4])
        lines[1] = lines[1].replacingOccurrences(of: #","sha256":"[0-9a-f]{64}"\}"#, with: "}", options: .regularExpression)
        lines.append(String(lines[6].prefix(40)))
        try recorded.save(lines, terminated: false)
        let (keys, problems) = try ResultStore(directory: recorded.out).inspectRecords()
        #expect(keys.count == 18)
        #expect(problems.count == 1 && problems.first?.key == nil && problems.first?.line == 19, "\(problems)")
        let log = Captured()
        #expect(ExperimentCommands.gather(directory: recorded.out, specPath: recorded.spec, console: log.console) == .success)
        #expect(log.err.contains("warning: \(recorded.file), line 19: not a record"), "\(log.err)")
        let rows = try CSVTable(contentsOf: recorded.out + "/runs.csv").rows
        #expect(rows.count == 18 && Set(rows.map { $0[0] }).count == 18)
        #expect(ExperimentCommands.check(specPath: recorded.spec, out: recorded.out, console: .silent) == .success)
    }

    @Test func recordsOfOtherGridsAreIgnored() async throws {
        let recorded = try await Recorded()
        var lines = recorded.lines
        // A corrupt line of a key outside this grid is not this grid's problem.
        lines.append(#"{"key":"0123456789abcdef"}"#)
        try recorded.save(lines)
        #expect(ExperimentCommands.gather(directory: recorded.out, specPath: recorded.spec, console: .silent) == .success)
        #expect(ExperimentCommands.check(specPath: recorded.spec, out: recorded.out, console: .silent) == .success)
    }
}

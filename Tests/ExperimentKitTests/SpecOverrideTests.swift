import Foundation
import Testing
@testable import ExperimentSpec
@testable import ExperimentKit
@testable import EngineBinding

/// Command-line overrides (`block.option=value`, `grid.axis=...`, `~grid.axis`) act as if written in the spec.
@Suite struct SpecOverrideTests {
    static let spec = """
        {"version": 1, "name": "o", "study": "gradient-flow", "model": {"hidden": 8},
         "grid": {"seq_len": [10, 20], "seed": [1, 2]}}
        """

    static func load(_ overrides: [String], spec: String = spec) throws -> Spec {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("override-\(UUID().uuidString).json").path
        try Data(spec.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try SpecDecoder.load(path: path, overrides: try overrides.map { (t: String) throws(SpecError) in try SpecOverride(parsing: t) })
    }

    @Test(arguments: [
        ("grid.seq_len=5,50", JSONValue.array([.number(5), .number(50)])),
        ("grid.seq_len=range(10,30,10)", .object([("range", .array([.number(10), .number(30), .number(10)]))])),
        ("grid.seq_len=log(10,1000,3)", .object([("log", .array([.number(10), .number(1000), .number(3)]))])),
        ("grid.seed=count(3)", .object([("count", .number(3))])),
        ("grid.init=orthogonal,identity-1.01", .array([.string("orthogonal"), .string("identity-1.01")])),
        ("grid.seq_len=[7]", .array([.number(7)])),
    ])
    func axisFormsParse(_ text: String, _ expected: JSONValue) throws {
        let o = try SpecOverride(parsing: text)
        #expect(o.action == .set(expected))
    }

    @Test func anOverrideIsTheSameAsWritingItInTheFile() throws {
        let overridden = try Self.load(["model.hidden=16", "grid.seq_len=30", "~grid.seed"])
        let written = try Self.load([], spec: """
            {"version": 1, "name": "o", "study": "gradient-flow", "model": {"hidden": 16}, "grid": {"seq_len": [30]}}
            """)
        #expect(try overridden.configurations().map(\.key) == written.configurations().map(\.key))
        #expect(overridden.resolvedDocument == written.resolvedDocument)
    }

    @Test func aNewAxisGoesLastAndANewBlockIsCreated() throws {
        let spec = try Self.load(["grid.init=orthogonal,identity", "study_options.batch=4"])
        #expect(spec.grid.axisNames == ["seq_len", "seed", "init"])
        #expect(try spec.configurations().count == 8)
    }

    @Test(arguments: [
        ("model.hidden=abc", "from the command-line override 'model.hidden=abc'"),
        ("model.hiden=3", "did you mean 'hidden'?"),
        ("~grid.nope", "no such axis"),
        ("grid.seq_len=range(1,2)", "range(start,stop,step)"),
        ("modl.hidden=3", "did you mean 'model'?"),
        ("~model.hidden", "only grid axes can be removed"),
        ("hidden", "'block.option=value'"),
    ])
    func badOverridesNameThemselves(_ text: String, _ fragment: String) {
        do {
            _ = try Self.load([text])
            Issue.record("\(text) was accepted")
        } catch let error as SpecError {
            #expect(error.description.contains(fragment), "\(error.description)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [("model.hidden=3", true), ("~grid.seed", true), ("spec.json", false), ("--jobs=2", false), ("-", false)])
    func overridesAreToldApartFromFiles(_ argument: String, _ isOverride: Bool) {
        #expect(SpecOverride.looksLikeOverride(argument) == isOverride)
    }
}

/// `check SPEC [OVERRIDE...]`: results run with overrides are checked with the same overrides.
@Suite struct CheckOverrideTests {
    @Test func checkTakesTheOverridesTheRunWasMadeWithAndQuietPrintsOnlyFailures() async throws {
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", demoSpec.replacingOccurrences(
            of: "\"grid\"", with: #""expect": [{"metric": "grad_h_last", ">": 0}], "grid""#))
        let out = folder.path + "/out"
        let overrides = try ["grid.seq_len=5", "grid.seed=1"].map { (t: String) throws(SpecError) in try SpecOverride(parsing: t) }
        var options = ExperimentCommands.RunOptions(jobs: 1, out: out, plot: false)
        options.overrides = overrides
        #expect(await ExperimentCommands.run(specPath: spec, options: options, executor: EngineExecutor(), console: .silent) == .success)
        // Without the overrides the folder does not cover the spec's grid.
        let plain = Captured()
        #expect(ExperimentCommands.check(specPath: spec, out: out, console: plain.console) == .failure)
        #expect(plain.err.contains("does not cover the grid"), "\(plain.err)")
        let loud = Captured(), quiet = Captured()
        #expect(ExperimentCommands.check(specPath: spec, out: out, overrides: overrides, console: loud.console) == .success)
        #expect(ExperimentCommands.check(specPath: spec, out: out, overrides: overrides, quiet: true, console: quiet.console) == .success)
        #expect(loud.out.contains("PASS") && quiet.out.isEmpty, "\(loud.out) | \(quiet.out)")
    }
}

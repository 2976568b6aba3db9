import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

/// Specs read from standard input (`-`) and what bad input does to the process: exit 2 with a
/// message, never a crash.
@Suite struct SpecInputTests {
    /// Runs `experiments ARGUMENTS` with `input` on standard input; returns status, stdout, stderr.
    func run(_ arguments: [String], input: [UInt8]) throws -> (Int32, String, String)? {
        guard let binary = experimentsBinary() else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out, err)
    }

    @Test(arguments: ["validate", "expand"])
    func aSpecIsReadFromStandardInput(command: String) throws {
        let spec = #"{"version": 1, "name": "t", "study": "propagation", "grid": {"seed": {"count": 3}}}"#
        guard let (status, out, _) = try run([command, "-"], input: Array(spec.utf8)) else { return }
        #expect(status == 0)
        #expect(out.contains("3 runs"))
    }

    @Test(arguments: [
        (#"{"version": 1, "name": "t", "study": "train", "grid": {"hidden": {"range": [1, 1e19, 1]}}}"#, "grid.hidden.range"),
        (#"{"version": 1, "name": "t", "study": "train", "model": {"hidden": 1e9}}"#, "model.hidden"),
        (#"{"version": 1, "name": "t", "study": "train", "model": {"hidden": 1e309}}"#, "field 'model.hidden': expected a number of magnitude below about 1.8e308, found line 1, column 67: number 1e309"),
    ])
    func hugeNumbersExitWithStatusTwo(spec: String, gist: String) throws {
        for command in ["validate", "expand", "run"] {
            guard let (status, _, err) = try run([command, "-"], input: Array(spec.utf8)) else { return }
            #expect(status == 2, "\(command): \(err)")
            #expect(err.contains("<stdin>") && err.contains(gist), "\(command): \(err)")
        }
    }

    @Test func expandSaysHowManyRunsCollapsed() throws {
        let spec = #"{"version": 1, "name": "t", "study": "train", "grid": {"clip": ["none", "norm"], "max_norm": [0.1, 1, 10]}}"#
        guard let (status, out, _) = try run(["expand", "-"], input: Array(spec.utf8)) else { return }
        #expect(status == 0)
        #expect(out.hasSuffix("4 runs, 2 duplicates collapsed (axis values of options that do not apply to a run are dropped)\n"))
    }
}

import ExperimentKit
@testable import ExperimentRunner
import Foundation
import Testing

/// `experiments plot DIR --spec SPEC`: new chart definitions for the same runs, without a rerun.
@Suite(.serialized) struct PlotSpecTests {
    static func spec(charts: String, seeds: String = "[1, 2]") -> String {
        """
        {"version": 1, "name": "p", "study": "gradient-flow", "model": {"hidden": 4},
         "grid": {"seq_len": [5, 10], "seed": \(seeds)}, "charts": \(charts)}
        """
    }

    @Test func aNewSpecReplacesTheChartsAndRemovesStaleOnes() throws {
        guard let binary = experimentsBinary() else {
            Issue.record("no experiments binary (build it first)")
            return
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("plot-spec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let two = #"[{"name": "a", "x": "seq_len", "y": "loss"}, {"name": "b", "x": "seq_len", "y": "grad_h_first"}]"#
        let one = #"[{"name": "a", "title": "Renamed", "x": "seq_len", "y": "loss"}]"#
        try Data(Self.spec(charts: two).utf8).write(to: URL(fileURLWithPath: base + "/two.json"))
        try Data(Self.spec(charts: one).utf8).write(to: URL(fileURLWithPath: base + "/one.json"))
        try Data(Self.spec(charts: one, seeds: "[1]").utf8).write(to: URL(fileURLWithPath: base + "/other.json"))
        let out = base + "/out"
        #expect(try CLIProcess(binary, ["run", base + "/two.json", "--out", out, "-q"]).wait().0 == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/b.gp"))
        let (status, text) = try CLIProcess(binary, ["plot", out, "--spec", base + "/one.json"]).wait()
        #expect(status == 0, "\(text)")
        #expect(!FileManager.default.fileExists(atPath: out + "/b.gp") && !FileManager.default.fileExists(atPath: out + "/b.dat"))
        let script = (try? String(contentsOfFile: out + "/a.gp", encoding: .utf8)) ?? ""
        #expect(script.contains("Renamed"))
        // The folder is one generation again (the manifest lists what is there), and a plain plot keeps the new charts.
        #expect(try CLIProcess(binary, ["check", base + "/one.json", "--out", out]).wait().0 == 0)
        #expect(try CLIProcess(binary, ["plot", out]).wait().0 == 0)
        #expect(!FileManager.default.fileExists(atPath: out + "/b.gp"))
        // A spec of other runs is refused (exit 2) and changes nothing.
        let (refused, message) = try CLIProcess(binary, ["plot", out, "--spec", base + "/other.json"]).wait()
        #expect(refused == 2 && message.contains("does not describe the runs"))
    }
}

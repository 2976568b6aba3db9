@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Interchange
import Testing

/// `model.weights` (start from a safetensors file) and `save_weights` (write the trained one).
@Suite(.serialized) struct WeightsOptionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh folder holding a copy of the PyTorch GRU fixture (float64, input 2, hidden 8, head 1) as `w.safetensors`.
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weights-option-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.root.appendingPathComponent("Tests/InterchangeTests/Fixtures/gru_f64.safetensors"),
            to: dir.appendingPathComponent("w.safetensors"))
        return dir
    }

    func spec(_ dir: URL, _ text: String) throws -> String {
        let path = dir.appendingPathComponent("spec.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let gradientFlow = """
        {"version": 1, "name": "w", "study": "gradient-flow",
         "model": {"cell": "gru", "input": 2, "hidden": 8, "dtype": "float64", "weights": "w.safetensors"},
         "grid": {"seq_len": [5, 10]}}
        """

    @Test func weightsEnterTheKeyByDigestAndLeaveOtherSpecsAlone() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let withWeights = try SpecDecoder.load(path: try spec(dir, Self.gradientFlow)).configurations()
        #expect(withWeights.count == 2)
        #expect(withWeights.allSatisfy { $0.initialWeights != nil && $0.value("weights_sha256") != nil })
        let plain = try SpecDecoder.decode(text: Self.gradientFlow.replacingOccurrences(of: #", "weights": "w.safetensors""#, with: ""))
        let plainConfigs = try plain.configurations()
        #expect(plainConfigs.allSatisfy { $0.value("weights") == nil && $0.value("weights_sha256") == nil })
        #expect(!plain.resolvedDocument.canonicalText.contains("weights"))
        #expect(Set(withWeights.map(\.key)).isDisjoint(with: plainConfigs.map(\.key)))
        // A changed file is a new run.
        let path = dir.appendingPathComponent("w.safetensors").path
        var file = try SafetensorsFile.read(path: path)
        file.tensors[0].values[0] += 1
        try file.write(to: path)
        let changed = try SpecDecoder.load(path: dir.appendingPathComponent("spec.json").path).configurations()
        #expect(Set(changed.map(\.key)).isDisjoint(with: withWeights.map(\.key)))
    }

    @Test("a bad weights file is a spec error naming the file, the tensor and what was expected", arguments: [
        (#""hidden": 8, "weights": "missing.safetensors""#, "no such file"),
        (#""hidden": 9, "weights": "w.safetensors""#, "tensor 'rnn.weight_ih_l0'"),
        (#""hidden": 8, "layers": 2, "weights": "w.safetensors""#, "tensor 'rnn.weight_ih_l1'"),
        (#""hidden": 8, "weights": "w.safetensors", "weights_prefix": """#, "a tensor left over"),
        (#""hidden": 8, "weights": "w.safetensors", "weights_prefix": "gru.""#, "no such tensor"),
    ])
    func badWeights(_ model: String, _ mention: String) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = """
            {"version": 1, "name": "w", "study": "gradient-flow", "model": {"cell": "gru", "input": 2, \(model)}}
            """
        let path = try spec(dir, text)
        do {
            _ = try SpecDecoder.load(path: path).configurations()
            Issue.record("no error for \(model)")
        } catch {
            #expect(error.description.contains("field 'model.weights'"), "\(error)")
            #expect(error.description.contains(mention), "\(error)")
        }
    }

    @Test func aResultsFolderSpecIsReadForChartsWithoutItsWeights() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try SpecDecoder.load(path: try spec(dir, Self.gradientFlow))
        let resolved = spec.resolvedDocument.prettyText()
        #expect(resolved.contains("\"weights\": \"w.safetensors\""))
        let fromResults = try SpecDecoder.decodeResults(text: resolved, file: "/elsewhere/spec.resolved.json")
        #expect(fromResults.charts == spec.charts)
        #expect(throws: SpecError.self) { try fromResults.configurations() }
    }

    @Test func plotWithTheSpecRedrawsTheChartsOfAWeightsSpecsFolder() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try spec(dir, Self.gradientFlow)
        let out = dir.appendingPathComponent("out").path
        #expect(await ExperimentCommands.run(specPath: path, options: .init(jobs: 1, out: out, plot: false),
                                             executor: EngineExecutor(), console: .silent) == .success)
        // The folder's spec.resolved.json cannot list its runs (its weights file is relative to the
        // spec), so the runs are matched by runs.csv's keys.
        let log = Captured()
        #expect(ExperimentCommands.plot(directory: out, specPath: path, console: log.console) != .specError, "\(log.err)")
        #expect(!log.err.contains("pass --spec SPEC"), "\(log.err)")
    }

    @Test func trainChecksTheTaskShapesBeforeAnyRun() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func train(_ task: String) -> String {
            """
            {"version": 1, "name": "t", "study": "train", "model": {"cell": "gru", "hidden": 8, "weights": "w.safetensors"},
             "training": {"epochs": 1}, "task": {"task": "\(task)", "seq_len": 6, "samples": 16}}
            """
        }
        // The fixture was trained on the adding problem (2 inputs, 1 output): it starts a train run there.
        let configs = try SpecDecoder.load(path: try spec(dir, train("adding"))).configurations()
        let outcome = try EngineExecutor().run(try #require(configs.first))
        #expect(outcome.status == .ok)
        // binary-sum has 1 input and 10 classes.
        do {
            _ = try SpecDecoder.load(path: try spec(dir, train("binary-sum"))).configurations()
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("expected shape [24, 1] (gru, hidden 8), found shape [24, 2] (file w.safetensors, tensor 'rnn.weight_ih_l0')"),
                    "\(error)")
        }
    }

    @Test func trainSavesWeightsThatLoadBack() throws {
        guard let binary = experimentsBinary() else { return }
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = """
            {"version": 1, "name": "save", "study": "train",
             "model": {"cell": "gru", "hidden": 8, "dtype": "float64"},
             "training": {"epochs": 1, "batch_size": 16, "save_weights": true},
             "task": {"task": "adding", "seq_len": 6, "samples": 32, "validation_samples": 8, "test_samples": 8}}
            """
        let path = try spec(dir, text)
        let out = dir.appendingPathComponent("out").path
        let (status, stderr) = try CLIProcess(binary, ["run", path, "--out", out, "--no-plot"]).wait()
        #expect(status == 0, "\(stderr)")
        let config = try #require(try SpecDecoder.load(path: path).configurations().first)
        let saved = try SafetensorsFile.read(path: out + "/weights/\(config.key.hex).safetensors")
        #expect(saved.tensors.map(\.name) == ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "head.weight", "head.bias"])
        #expect(saved.tensors.allSatisfy { $0.dtype == .f64 })
        #expect(saved.metadata.first { $0.key == "config" }?.value == config.canonicalJSON)
        #expect(saved.metadata.first { $0.key == "format" }?.value == "pt")
        // The saved file starts a new spec's runs (gradient-flow ignores the head).
        try FileManager.default.copyItem(atPath: out + "/weights/\(config.key.hex).safetensors", toPath: dir.appendingPathComponent("trained.safetensors").path)
        let again = try spec(dir, """
            {"version": 1, "name": "again", "study": "gradient-flow",
             "model": {"cell": "gru", "input": 2, "hidden": 8, "dtype": "float64", "weights": "trained.safetensors"}}
            """)
        let configs = try SpecDecoder.load(path: again).configurations()
        let outcome = try EngineExecutor().run(try #require(configs.first))
        #expect(outcome.status == .ok)
    }
}

import Foundation
import SequenceTasks
import Training
public import Interchange
public import LinearAlgebra
public import RecurrentNets

/// Weights a spec starts its runs from (`model.weights`): one safetensors file, read and
/// validated once when the spec is loaded, with its SHA-256 (part of every run's key).
public struct SpecWeights: Sendable {
    /// The options of this feature. They enter a run's configuration (and key) only when the
    /// spec sets them to a value other than the default, so specs without them keep their keys.
    public static let optionNames: Set<String> = ["weights", "weights_prefix", "weights_head_prefix", "save_weights"]

    /// The path as written in the spec (relative to the spec's folder).
    public let path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public let digest: String
    /// The selected tensors in engine names, with and without the head.
    public let withHead: ParameterSet<Double>
    public let withoutHead: ParameterSet<Double>
    public let binding: WeightsBinding

    /// Reads `path` (relative to the folder of `specFile`) and selects its tensors.
    static func load(path: String, specFile: String, binding: WeightsBinding, at jsonPath: String) throws(SpecError) -> SpecWeights {
        let base = URL(fileURLWithPath: specFile).deletingLastPathComponent()
        let resolved = path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw SpecError(path: jsonPath, expected: "a readable safetensors file (relative to the spec's folder)", found: "no such file: \(resolved)")
        }
        let bytes = Array(data)
        do {
            let file = try SafetensorsFile.decode(bytes, file: path)
            return SpecWeights(
                path: path, digest: SHA256.hash(bytes).map { String(format: "%02x", $0) }.joined(),
                withHead: try binding.select(file, path: path, head: true),
                withoutHead: try binding.select(file, path: path, head: false), binding: binding)
        } catch {
            throw SpecError(path: jsonPath, expected: error.expected, found: error.found + Self.where(error))
        }
    }

    private static func `where`(_ error: SafetensorsError) -> String {
        " (file \(error.file)" + (error.tensor.map { ", tensor '\($0)'" } ?? "") + ")"
    }

    /// Checks the tensors against the model of `config` (exit 2 before any run): every
    /// parameter present with its shape and nothing left over. For `train` and `states` the input
    /// width and the head's outputs are the task's (read from a one-sequence sample of it).
    func check(_ config: RunConfiguration) throws(SpecError) {
        guard let settings = try? RunSettings(config) else { return }  // the run reports the problem
        let taskStudy = config.study == .train || config.study == .states
        var input = settings.model.inputSize
        var head: Int?
        if taskStudy {
            guard let task = try? TaskConfiguration(
                name: settings.task.kind.rawValue, steps: settings.studyOptions.sequenceLength, trainCount: 1, validationCount: 0,
                testCount: 0, symbolCount: settings.task.symbolCount, copyLength: settings.task.copyLength)
            else { return }  // the run reports the task's own error
            let sample = task.makeSplits(seed: 0).train
            input = sample.inputFeatures
            head = Trainer<Double>.objective(for: sample).outputs
        }
        let model: ModelConfiguration
        do {
            model = try ModelConfiguration(
                cell: settings.model.cell, inputSize: input, hiddenSize: settings.model.hiddenSize,
                layers: settings.model.layers, headOutputs: head, initialState: settings.model.initialState)
        } catch {
            return  // the run reports the configuration's own error
        }
        do {
            try binding.check(taskStudy ? withHead : withoutHead, against: model, path: path)
        } catch {
            throw SpecError(path: "model.weights", expected: error.expected, found: error.found + Self.where(error))
        }
    }
}

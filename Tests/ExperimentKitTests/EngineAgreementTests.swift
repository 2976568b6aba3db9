import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

/// The spec accepts exactly what the engine runs: every choice of every option, set on a grid axis
/// of a tiny run, is run by `EngineExecutor` without an error.
@Suite struct EngineAgreementTests {
    static let tiny = #""model": {"hidden": 2}, "task": {"seq_len": 12, "samples": 4, "validation_samples": 2, "test_samples": 2}, "training": {"epochs": 1, "batch_size": 2}"#

    static var choiceOptions: [String] {
        OptionCatalog.options(for: .train).compactMap { option in
            guard option.varies, case .choice = option.type else { return nil }
            return option.name
        }
    }

    @Test(arguments: choiceOptions)
    func everyChoiceTheSpecAcceptsTheEngineRuns(option: String) throws {
        guard case let .choice(values)? = OptionCatalog.option(named: option)?.type else { return }
        let axis = "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "train", \#(Self.tiny), "grid": {"\#(option)": \#(axis)}}"#)
        let executor = EngineExecutor()
        for config in try spec.configurations() {
            #expect(throws: Never.self, "\(option)=\(config.value(option)?.excerpt ?? "")") { _ = try executor.run(config) }
        }
    }

    @Test func taskSettingsTheEngineRejectsFailValidation() {
        let error = specError(#"{"version": 1, "name": "t", "study": "train", "grid": {"task": ["adding", "copy"], "seq_len": [5, 20]}}"#)
        #expect(error?.path == "grid")
        #expect(error?.description.contains("task=\"copy\" seq_len=5") == true, "\(error?.description ?? "no error")")
        #expect(specError(#"{"version": 1, "name": "t", "study": "train", "grid": {"zip": {"task": ["adding", "copy"], "seq_len": [5, 20]}}}"#) == nil)
    }

    @Test(arguments: ["uniform-0.1", "xavier-uniform-tanh", "kaiming-normal-2", "identity-1.01", "normal"])
    func initialisersTheSpecAcceptsTheEngineRuns(name: String) throws {
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "propagation", "model": {"hidden": 3, "init": "\#(name)"}}"#)
        for config in try spec.configurations() { _ = try EngineExecutor().run(config) }
    }
}

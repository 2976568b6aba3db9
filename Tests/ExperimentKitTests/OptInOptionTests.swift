import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

/// An option marked `omittedAtDefault` (the train study's `lyapunov_per_epoch`) changes nothing for
/// runs that leave it at its default: not their keys, not `spec.resolved.json`.
struct OptInOptionTests {
    static let plain = #"{"version": 1, "name": "t", "study": "train", "grid": {"seed": {"count": 2}}}"#

    @Test("runs at the default keep their keys; runs that opt in get new keys")
    func keysChangeOnlyWhenOptedIn() throws {
        let before = try SpecDecoder.decode(text: Self.plain).configurations()
        let explicitDefault = try SpecDecoder.decode(
            text: #"{"version": 1, "name": "t", "study": "train", "study_options": {"lyapunov_per_epoch": 0}, "grid": {"seed": {"count": 2}}}"#
        ).configurations()
        #expect(before.map(\.key) == explicitDefault.map(\.key))
        #expect(before.allSatisfy { $0.value("lyapunov_per_epoch") == nil })
        let grid = try SpecDecoder.decode(
            text: #"{"version": 1, "name": "t", "study": "train", "grid": {"lyapunov_per_epoch": [0, 200], "seed": {"count": 2}}}"#
        ).configurations()
        #expect(Array(grid.prefix(2)).map(\.key) == before.map(\.key))
        #expect(Set(grid.suffix(2).map(\.key)).isDisjoint(with: before.map(\.key)))
        #expect(grid.last?.value("lyapunov_per_epoch") == .number(200))
    }

    @Test("an opt-in grid axis at its default shows its default in runs.csv (empty only where it does not apply)")
    func axisCellsShowTheDefault() throws {
        let spec = try SpecDecoder.decode(text: #"""
            {"version": 1, "name": "t", "study": "train", "model": {"cell": "lstm", "init": "orthogonal"},
             "grid": {"bias_init": ["pytorch-default", "zeros", "constant"], "bias_value": [0.5], "init_gain": [0, 2], "seed": [1]}}
            """#)
        let configs = try spec.configurations()
        let cells = configs.map { c in
            ["bias_init", "bias_value", "init_gain", "forget_bias", "save_weights"].map {
                OptionCatalog.effectiveValue(of: $0, in: c.document).map(CSVTable.format(value:)) ?? ""
            }
        }
        // bias_value applies only to bias_init constant; forget_bias has no default value (null);
        // save_weights is not a grid axis here but is filled the same way (the train study has it).
        #expect(cells.contains(["pytorch-default", "", "0", "", "false"]), "\(cells)")
        #expect(cells.contains(["zeros", "", "2", "", "false"]), "\(cells)")
        #expect(cells.contains(["constant", "0.5", "0", "", "false"]), "\(cells)")
        // A study without the option leaves it empty.
        let flow = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "gradient-flow", "grid": {"seed": [1]}}"#)
        #expect(try OptionCatalog.effectiveValue(of: "save_weights", in: flow.configurations()[0].document) == nil)
    }

    @Test("spec.resolved.json lists the opt-in only when it is set")
    func resolvedDocument() throws {
        #expect(!(try SpecDecoder.decode(text: Self.plain)).resolvedDocument.canonicalText.contains("lyapunov_per_epoch"))
        let set = try SpecDecoder.decode(
            text: #"{"version": 1, "name": "t", "study": "train", "study_options": {"lyapunov_per_epoch": 300}}"#)
        #expect(set.resolvedDocument.canonicalText.contains(#""lyapunov_per_epoch":300"#))
    }

    @Test("a grid constraint on the opt-in's default matches runs that leave it out")
    func constraintsSeeTheDefault() throws {
        let spec = try SpecDecoder.decode(
            text: #"{"version": 1, "name": "t", "study": "train", "grid": {"lyapunov_per_epoch": [0, 100], "seed": {"count": 2}, "exclude": [{"lyapunov_per_epoch": 0, "seed": 1}]}}"#)
        #expect(try spec.configurations().count == 3)
    }

    @Test("lyapunov_per_epoch 1 is a spec error")
    func oneStepIsRejected() {
        #expect(throws: SpecError.self) {
            _ = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "train", "study_options": {"lyapunov_per_epoch": 1}}"#)
        }
    }
}

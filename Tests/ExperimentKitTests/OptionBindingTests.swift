@testable import ExperimentSpec
@testable import EngineBinding
import Foundation
import Interchange
import RecurrentNets
import Studies
import Testing

/// Each option's binding (``OptionSpec/binding``) is the one place that says which engine setting
/// it sets: every option has one, and every binding reaches the study the executor builds.
@Suite struct OptionBindingTests {
    /// Options read when the spec is loaded, not by the executor: the weights prefixes choose the
    /// tensors of the weights file (see WeightsOptionTests), `copy_lag` gives `seq_len` (GridWalk).
    /// Their bindings change the settings only.
    static let readWhenTheSpecLoads: Set<String> = ["weights_prefix", "weights_head_prefix", "copy_lag"]

    /// Values that make every option of a study visible in the study it builds: sequences long
    /// enough for copy with its defaults, an initialiser with a parameter (for `init_gain`), and a
    /// Lyapunov study that trains (else the training options are not part of it).
    static func baseValues(for study: StudyKind) -> [String: JSONValue] {
        var values: [String: JSONValue] = ["seq_len": .number(30), "init": .string("orthogonal")]
        if study == .lyapunov { values["measure_training"] = .bool(true) }
        return values
    }

    /// A run's configuration as a spec would give it: every option of `study` at `values` or its
    /// default, opt-ins at their default left out.
    static func configuration(_ study: StudyKind, _ values: [String: JSONValue]) -> RunConfiguration {
        let options = OptionCatalog.options(for: study).compactMap { option -> (name: String, value: JSONValue)? in
            let value = values[option.name] ?? option.defaultValue
            return option.omittedAtDefault && value == option.defaultValue ? nil : (option.name, value)
        }
        var config = RunConfiguration(study: study, seed: 3, options: options)
        // A weights file (no tensors): the executor uses it only while `weights` names one.
        config.initialWeights = SpecWeights(path: "w.safetensors", digest: "", withHead: ParameterSet(), withoutHead: ParameterSet(),
                                            binding: WeightsBinding())
        return config
    }

    /// A valid value of `option` other than `current`.
    static func otherValue(of option: OptionSpec, than current: JSONValue) throws -> JSONValue {
        let candidates: [JSONValue]
        switch option.type {
        case .int:
            guard case let .number(n) = current else { throw Failure("\(option.name): \(current.excerpt)") }
            candidates = [.number(n + 2), .number(n - 2)]
        case .number:
            // An option unset by default (null) takes a number.
            var n = 0.0
            if case let .number(x) = current { n = x }
            candidates = [.number(n == 0 ? 0.25 : n / 2)]
        case .bool:
            candidates = [.bool(current != .bool(true))]
        case let .choice(values):
            candidates = values.map(JSONValue.string)
        case .string:
            // An initialiser other than the default one `init` gives (so that `init_ih` changes the
            // model), or a path or prefix.
            candidates = (OptionCatalog.initSchemes.filter { $0 != "pytorch-default" } + ["x."]).map(JSONValue.string)
        }
        for candidate in candidates where candidate != current {
            if let valid = try? option.validate(candidate, path: option.name) { return valid }
        }
        throw Failure("\(option.name): no other valid value than \(current.excerpt)")
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The executor's numerics mode and study for `config`, as text (every stored field).
    static func built(_ config: RunConfiguration) throws -> String {
        let settings = try RunSettings(config)
        var text = ""
        dump(settings.numerics, to: &text)
        dump(try EngineExecutor.study(settings, weights: config.initialWeights), to: &text)
        return text
    }

    @Test func everyOptionHasABinding() {
        let unbound = OptionCatalog.all.filter { !$0.binding.isBound }.map(\.name)
        #expect(unbound.isEmpty, "options whose binding is a description only (write binds: .set(\\.field, \"...\")): \(unbound)")
    }

    /// Setting one option to another value (where it has an effect) changes the run's settings and
    /// the study the engine runs, in every study that has the option.
    @Test(arguments: OptionCatalog.all.map(\.name))
    func everyBindingReachesTheStudy(name: String) throws {
        let option = try #require(OptionCatalog.option(named: name))
        for study in StudyKind.allCases where option.applies(to: study) {
            var values = Self.baseValues(for: study)
            if let condition = option.condition { values[condition.option] = .string(condition.values[0]) }
            let before = Self.configuration(study, values)
            values[name] = try Self.otherValue(of: option, than: before.value(name) ?? option.defaultValue)
            let after = Self.configuration(study, values)
            #expect(try RunSettings(before) != RunSettings(after), "\(name) (\(study.rawValue)): the settings do not change")
            guard !Self.readWhenTheSpecLoads.contains(name) else { continue }
            #expect(try Self.built(before) != Self.built(after),
                    "\(name) (\(study.rawValue)): \(values[name]?.excerpt ?? "") does not change the study the executor builds")
        }
    }

    @Test func theDefaultsGiveTheEngineDefaultsOfAStudy() throws {
        let settings = try RunSettings(Self.configuration(.gradientFlow, [:]))
        #expect(settings.model == ModelSettings())  // the catalogue's model defaults are the engine's
        #expect(settings.initializers.recurrentName == "pytorch-default" && settings.initializers.input.isEmpty)
        #expect(settings.studyOptions.truncation == nil)  // 0: full BPTT
        #expect(settings.studyOptions.sequenceLength == 10 && settings.seed == 3)
    }

    @Test func aValueOfTheWrongTypeNamesTheOption() {
        let config = RunConfiguration(study: .gradientFlow, seed: 0, options: [("hidden", .string("ten"))])
        #expect {
            _ = try RunSettings(config)
        } throws: { error in
            (error as? RunConfiguration.AccessError)?.option == "hidden"
        }
    }

    @Test func aDescriptionAloneSetsNothing() throws {
        let unbound: OptionBinding = "ModelSettings.hiddenSize"
        var settings = try RunSettings(Self.configuration(.gradientFlow, [:]))
        let before = settings
        try unbound.write(.number(99), of: "hidden", to: &settings)
        #expect(!unbound.isBound && settings == before)
        let bound = try #require(OptionCatalog.option(named: "hidden")).binding
        try bound.write(.number(99), of: "hidden", to: &settings)
        #expect(bound.isBound && settings.model.hiddenSize == 99)
    }
}

import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

@Suite struct KeyTests {
    /// Computed once (and checked against Python's hashlib); must never change.
    @Test func aFixedConfigurationHasAFixedKey() throws {
        let runs = try SpecDecoder.decode(text: #"{"version": 1, "name": "k", "study": "gradient-flow"}"#).configurations()
        #expect(runs.count == 1)
        #expect(runs[0].canonicalJSON == #"{"batch":1,"cell":"rnn","dtype":"float32","h0":"zeros","hidden":10,"init":"pytorch-default","init_hh":"","init_ih":"","input":1,"layers":1,"nonlinearity":"tanh","numerics":"reproducible","seed":0,"seq_len":10,"study":"gradient-flow","truncation":0}"#)
        #expect(runs[0].key.hex == "caa1e10743e7397d")
        let train = try SpecDecoder.decode(text: #"{"version":1,"name":"k","study":"train","training":{"lr":0.001},"grid":{"seed":[7]}}"#)
            .configurations()
        #expect(train[0].key.hex == "6b7be35dfaa83605")
    }

    @Test func keysDoNotDependOnKeyOrderInTheSpec() throws {
        let a = try SpecDecoder.decode(text: """
            {"version": 1, "name": "a", "study": "train", "model": {"hidden": 20, "cell": "gru"},
             "training": {"lr": 0.1, "clip": "norm"}, "grid": {"seed": {"count": 2}}}
            """).configurations()
        let b = try SpecDecoder.decode(text: """
            {"grid": {"seed": {"count": 2}}, "training": {"clip": "norm", "lr": 0.1},
             "model": {"cell": "gru", "hidden": 20}, "study": "train", "name": "b", "version": 1}
            """).configurations()
        #expect(a.map(\.key) == b.map(\.key))
    }

    @Test func writingADefaultExplicitlyKeepsTheKey() throws {
        let implicit = try SpecDecoder.decode(text: #"{"version": 1, "name": "a", "study": "train"}"#).configurations()
        let explicit = try SpecDecoder.decode(text: #"{"version": 1, "name": "a", "study": "train", "training": {"lr": 0.01, "epochs": 20.0}}"#)
            .configurations()
        #expect(implicit[0].key == explicit[0].key)
        let changed = try SpecDecoder.decode(text: #"{"version": 1, "name": "a", "study": "train", "training": {"lr": 0.02}}"#)
            .configurations()
        #expect(implicit[0].key != changed[0].key)
    }

    @Test func keysAreSixteenLowercaseHexDigits() throws {
        let runs = try expand(#"{"seed": {"count": 20}}"#)
        for run in runs {
            #expect(RunKey(hex: run.key.hex) == run.key)
            #expect(run.key.hex.count == 16)
        }
        #expect(RunKey(hex: "ABCDEF0123456789") == nil)
    }

    @Test func accessorsReportMissingOptions() throws {
        let run = try expand("{}", study: "gradient-flow")[0]
        #expect(throws: RunConfiguration.AccessError.self) { try run.double("lr") }
        #expect(throws: RunConfiguration.AccessError.self) { try run.int("cell") }
        #expect(try run.int("seq_len") == 10)
    }
}

import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import LinearAlgebra
import Testing

/// The numerics contract end to end: the same spec gives byte-identical tables whatever kernel
/// variant runs it, whatever OpenBLAS is installed or set to, and whatever the number of jobs.
/// Each configuration runs in its own `experiments` process (the variant and OpenBLAS's settings
/// are read once per process).
@Suite(.serialized) struct ReproducibilityTests {
    /// Every cell and both precisions, with products large enough for the packed kernels (the
    /// recurrent step is 16 x 160 x 40 for the LSTM) and small ones (the input projection).
    static let trainSpec = """
        {"version": 1, "name": "repro", "study": "train",
         "model": {"hidden": 40},
         "task": {"task": "binary-sum", "seq_len": 12, "samples": 64, "validation_samples": 16, "test_samples": 16},
         "training": {"optimizer": "adam", "lr": 0.01, "batch_size": 16, "epochs": 2},
         "grid": {"cell": ["rnn", "lstm", "gru"], "dtype": ["float32", "float64"]}}
        """
    /// The spectral radius and singular values (the studies' own eigen and SVD code) too.
    static let flowSpec = """
        {"version": 1, "name": "repro-flow", "study": "gradient-flow",
         "model": {"hidden": 48}, "study_options": {"seq_len": 30, "batch": 8},
         "grid": {"init": ["orthogonal", "pytorch-default"], "seed": {"count": 2}}}
        """

    /// Lyapunov spectra (tangent products, Householder QR, the log-domain product) of every cell,
    /// stacked, in both precisions, under each drive.
    static let lyapunovSpec = """
        {"version": 1, "name": "repro-lyapunov", "study": "lyapunov",
         "model": {"hidden": 20, "layers": 2}, "study_options": {"lyapunov_steps": 60, "transient": 10, "exponents": 6, "reorthonormalize": 2},
         "task": {"task": "adding", "seq_len": 10, "samples": 32, "validation_samples": 8, "test_samples": 8},
         "grid": {"cell": ["rnn", "lstm", "gru", "ln-rnn"], "dtype": ["float32", "float64"], "drive": ["normal", "task"]}}
        """

    struct Setting: Sendable, CustomTestStringConvertible {
        var name: String
        var environment: [String: String]
        var jobs: String
        var testDescription: String { name }
    }

    /// The variants this CPU runs, plus OpenBLAS kernels and thread counts (which must not matter).
    static var settings: [Setting] {
        KernelVariant.supported.map { Setting(name: "RNNLAB_KERNEL=\($0.rawValue)", environment: ["RNNLAB_KERNEL": $0.rawValue], jobs: "2") } + [
            Setting(name: "OpenBLAS Haswell, 2 threads, --jobs 1",
                    environment: ["OPENBLAS_CORETYPE": "Haswell", "RNNLAB_KEEP_OPENBLAS_CORETYPE": "1", "OPENBLAS_NUM_THREADS": "2"], jobs: "1"),
            Setting(name: "OpenBLAS Prescott, 1 thread",
                    environment: ["OPENBLAS_CORETYPE": "Prescott", "RNNLAB_KEEP_OPENBLAS_CORETYPE": "1", "OPENBLAS_NUM_THREADS": "1"], jobs: "2"),
        ]
    }

    static func tables(_ binary: String, spec: String, in folder: TemporaryFolder, _ setting: Setting, tag: String) throws -> [String: Data] {
        let specPath = try folder.write("\(tag).json", spec)
        let out = folder.path + "/" + tag
        let (status, log) = try CLIProcess(binary, ["run", specPath, "--out", out, "--no-plot", "--jobs", setting.jobs],
                                           environment: setting.environment).wait()
        #expect(status == 0, "\(setting.name): \(log)")
        var files: [String: Data] = [:]
        for file in ["runs.csv", "series.csv"] { files[file] = try folder.bytes(tag + "/" + file) }
        return files
    }

    @Test func everyKernelVariantAndOpenBLASSettingGivesTheSameTables() throws {
        guard let binary = experimentsBinary() else {
            Issue.record("the experiments binary was not found (build it or set EXPERIMENTS_BINARY)")
            return
        }
        let folder = try TemporaryFolder()
        var baseline: [String: [String: Data]] = [:]
        for (index, setting) in Self.settings.enumerated() {
            for (name, spec) in [("train", Self.trainSpec), ("flow", Self.flowSpec), ("lyapunov", Self.lyapunovSpec)] {
                let got = try Self.tables(binary, spec: spec, in: folder, setting, tag: "\(name)-\(index)")
                if let first = baseline[name] {
                    for file in ["runs.csv", "series.csv"] {
                        #expect(got[file] == first[file], "\(name)/\(file) differs under \(setting.name) from \(Self.settings[0].name)")
                    }
                } else {
                    baseline[name] = got
                    #expect((got["runs.csv"]?.count ?? 0) > 200)
                }
            }
        }
    }

    @Test func openBLASIsAnOptInThatChangesTheKeys() throws {
        guard let binary = experimentsBinary() else {
            Issue.record("the experiments binary was not found (build it or set EXPERIMENTS_BINARY)")
            return
        }
        let folder = try TemporaryFolder()
        let vendor = Self.flowSpec.replacingOccurrences(of: #""model": {"hidden": 48}"#, with: #""model": {"hidden": 48, "numerics": "openblas"}"#)
        #expect(vendor != Self.flowSpec)
        let defaultKeys = try SpecDecoder.decode(text: Self.flowSpec).configurations().map(\.key)
        let vendorKeys = try SpecDecoder.decode(text: vendor).configurations().map(\.key)
        #expect(Set(defaultKeys).isDisjoint(with: vendorKeys))

        let specPath = try folder.write("vendor.json", vendor)
        let (status, log) = try CLIProcess(binary, ["run", specPath, "--out", folder.path + "/vendor", "--no-plot"]).wait()
        if BLASBackend.openBLASAvailable {
            #expect(status == 0, "\(log)")
            let resolved = String(decoding: try folder.bytes("vendor/spec.resolved.json"), as: UTF8.self)
            #expect(resolved.contains(#""numerics": "openblas""#), "\(resolved)")
        } else {
            #expect(status != 0)
            #expect(log.contains("OpenBLAS"), "\(log)")
        }
    }

    @Test func aGridCannotMixNumericsModes() throws {
        let spec = #"{"version": 1, "name": "mix", "study": "gradient-flow", "grid": {"numerics": ["reproducible", "openblas"]}}"#
        #expect {
            _ = try SpecDecoder.decode(text: spec).configurations()
        } throws: { error in
            "\(error)".contains("grid.numerics") && "\(error)".contains("one value per spec")
        }
    }

    @Test func anUnsupportedKernelRequestIsAUsageError() throws {
        guard let binary = experimentsBinary() else {
            Issue.record("the experiments binary was not found (build it or set EXPERIMENTS_BINARY)")
            return
        }
        let folder = try TemporaryFolder()
        let specPath = try folder.write("flow.json", Self.flowSpec)
        let (status, log) = try CLIProcess(binary, ["validate", specPath], environment: ["RNNLAB_KERNEL": "avx3"]).wait()
        #expect(status == 2, "\(log)")
        #expect(log.contains("RNNLAB_KERNEL=avx3"), "\(log)")
    }
}

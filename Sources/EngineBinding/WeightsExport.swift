import Foundation
import Interchange
import RecurrentNets
import Studies
import ExperimentSpec
import ExperimentRunner

/// Writes a run's final parameters as `<directory>/<key>.safetensors` under PyTorch's names
/// (`rnn.weight_ih_l0`, ..., `head.weight`, `head.bias`), in the run's dtype, with the run's
/// configuration in `__metadata__`.
enum WeightsExport {
    static func write(_ parameters: ParameterSet<Double>, of config: RunConfiguration, dtype runDType: DType, to directory: String) throws {
        let dtype: SafetensorsDType = runDType == .float64 ? .f64 : .f32
        var metadata: [(key: String, value: String)] = [("format", "pt"), ("key", config.key.hex), ("config", config.canonicalJSON)]
        for (name, value) in config.options {
            if case let .string(s) = value { metadata.append((name, s)) } else { metadata.append((name, value.excerpt)) }
        }
        metadata.append(("seed", String(config.seed)))
        metadata.append(("study", config.study.rawValue))
        let file = WeightsBinding().export(parameters, dtype: dtype, metadata: metadata)
        try file.write(to: directory + "/" + config.key.hex + ".safetensors")
    }
}

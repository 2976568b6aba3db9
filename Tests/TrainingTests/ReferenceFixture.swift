import Foundation
import LinearAlgebra
import RecurrentNets

/// `Fixtures/optim_reference.json`, written by `Scripts/reference/optim_reference.py` (PyTorch, float64).
struct ReferenceFixture: Decodable {
    struct Parameters: Decodable {
        let names: [String]
        let shapes: [[Int]]
        let initial: [[Double]]
    }

    struct OptimizerConfig: Decodable {
        let name: String
        let lr: Double
        let momentum: Double?
        let dampening: Double?
        let nesterov: Bool?
        let weight_decay: Double?
        let betas: [Double]?
        let eps: Double?
        let amsgrad: Bool?
        let alpha: Double?
        let centered: Bool?
        let lr_decay: Double?
    }

    struct OptimizerRun: Decodable {
        let config: OptimizerConfig
        let lrs: [Double]
        let steps: [[[Double]]]
    }

    struct ClipNorm: Decodable {
        let max_norm: Double
        let grads: [[Double]]
        let total_norm: Double
        let clipped: [[Double]]
    }

    struct ClipValue: Decodable {
        let clip_value: Double
        let grads: [[Double]]
        let clipped: [[Double]]
    }

    struct StepLR: Decodable {
        let base: Double
        let step_size: Int
        let gamma: Double
        let lrs: [Double]
    }

    struct Warmup: Decodable {
        let base: Double
        let d_model: Int
        let warmup_steps: Int
        let lrs: [Double]
        let factors: [Double]
    }

    struct PlateauOptions: Decodable {
        let mode: String
        let factor: Double
        let patience: Int
        let threshold: Double
        let threshold_mode: String
        let cooldown: Int
        let min_lr: Double
        let eps: Double?
    }

    struct Plateau: Decodable {
        let lr: Double
        let options: PlateauOptions
        let metrics: [Double]
        let lrs: [Double]
    }

    let torch_version: String
    let parameters: Parameters
    let gradients: [[[Double]]]
    let optimizers: [OptimizerRun]
    let clip_norm: [ClipNorm]
    let clip_value: [ClipValue]
    let step_lr: [StepLR]
    let warmup: [Warmup]
    let plateau: [Plateau]

    static let shared: ReferenceFixture? = {
        guard let url = Bundle.module.url(forResource: "optim_reference", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(ReferenceFixture.self, from: data)
    }()

    /// A parameter set with the fixture's names and shapes holding `flat` values per tensor.
    func parameterSet(_ flat: [[Double]]) -> ParameterSet<Double> {
        var set = ParameterSet<Double>()
        for (i, name) in parameters.names.enumerated() {
            let shape = parameters.shapes[i]
            if shape.count == 1 {
                set.append(name, Matrix(rows: 1, columns: shape[0], elements: flat[i]), isVector: true)
            } else {
                set.append(name, Matrix(rows: shape[0], columns: shape[1], elements: flat[i]))
            }
        }
        return set
    }
}

/// Whether `a` and `b` agree to `relative` (with a tiny absolute floor for values near zero).
func close(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool {
    if a == b { return true }
    return Swift.abs(a - b) <= relative * Swift.max(Swift.abs(a), Swift.abs(b)) + 1e-15
}

/// The largest relative difference between two parameter sets given as flat tensors.
func maxRelativeError(_ actual: [[Double]], _ expected: [[Double]]) -> Double {
    var worst = 0.0
    for (x, y) in zip(actual.joined(), expected.joined()) {
        let scale = Swift.max(Swift.abs(x), Swift.abs(y), 1e-3)
        worst = Swift.max(worst, Swift.abs(x - y) / scale)
    }
    return worst
}

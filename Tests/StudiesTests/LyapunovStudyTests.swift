import LinearAlgebra
import RecurrentNets
import SequenceTasks
@testable import Studies
import Testing
import Training

/// The `lyapunov` study: its metrics and series, consistency with the gradient-flow study, drives
/// and training.
struct LyapunovStudyTests {
    static func study(
        cell: CellKind = .rnn, drive: LyapunovStudy.Drive = .normal, init recurrent: Initializer = .pytorchDefault,
        dtype: DType = .float64, training: TrainingSettings? = nil, steps: Int = 150
    ) throws -> LyapunovStudy {
        let model = ModelSettings(cell: cell, hiddenSize: 10, recurrentInit: recurrent, dtype: dtype)
        let task = try TaskConfiguration(name: "adding", steps: 20, trainCount: 64, validationCount: 16, testCount: 16)
        return LyapunovStudy(
            model: model, steps: steps, options: .init(transient: 20), drive: drive, task: task, training: training, seed: 1)
    }

    static func metric(_ out: StudyOutput, _ name: String) -> Double? { out.metrics.first { $0.name == name }?.value }

    @Test("the study reports every metric and series of the spectrum")
    func metricsAndSeries() throws {
        let out = try Self.study().run()
        for name in ["lyapunov_max", "lyapunov_sum", "kaplan_yorke_dimension", "jacobian_sv_max", "jacobian_sv_min",
                     "grad_decay_per_step", "lyapunov_vs_decay_ratio"] {
            #expect(Self.metric(out, name)?.isFinite == true, "\(name)")
        }
        #expect(out.series.filter { $0.series == "lyapunov" }.count == 10)
        #expect(out.series.filter { $0.series == "jacobian_sv" }.count == 10)
        let convergence = out.series.filter { $0.series == "lyapunov_convergence" }
        #expect(convergence.count <= 100 && convergence.last?.step == 150)
        #expect(out.status == .ok)
    }

    @Test("exp(lambda_max) agrees with the gradient-flow study's grad_decay_per_step of the same model and inputs",
          arguments: [Initializer.pytorchDefault, .orthogonal(gain: 1), .normal(std: 0.01)])
    func agreesWithGradientFlow(recurrent: Initializer) throws {
        let out = try Self.study(init: recurrent).run()
        let flow = try GradientFlowStudy(
            model: ModelSettings(hiddenSize: 10, recurrentInit: recurrent, dtype: .float64), sequenceLength: 150, seed: 1
        ).run()
        let decay = try #require(Self.metric(flow, "grad_decay_per_step"))
        #expect(Self.metric(out, "grad_decay_per_step") == decay)
        let ratio = try #require(Self.metric(out, "lyapunov_vs_decay_ratio"))
        #expect(abs(ratio - 1) < 0.1)
    }

    @Test("every cell runs under every drive, in float32 and float64",
          arguments: [CellKind.rnn, .lstm, .gru, .layerNormRNN], [LyapunovStudy.Drive.none, .normal, .task])
    func everyCellAndDrive(cell: CellKind, drive: LyapunovStudy.Drive) throws {
        for dtype in DType.allCases {
            let out = try Self.study(cell: cell, drive: drive, dtype: dtype, steps: 60).run()
            #expect(Self.metric(out, "lyapunov_max")?.isFinite == true)
            #expect((Self.metric(out, "lyapunov_vs_decay_ratio") != nil) == (drive == .normal))
        }
    }

    @Test("results are deterministic")
    func deterministic() throws {
        let a = try Self.study(cell: .gru).run()
        let b = try Self.study(cell: .gru).run()
        #expect(a.metrics.map(\.value) == b.metrics.map(\.value))
        #expect(a.series == b.series)
    }

    @Test("with training, lambda_max is recorded for the initialisation and after every epoch")
    func perEpoch() throws {
        let settings = try TrainingSettings(
            optimizer: OptimizerConfiguration(name: "adam", learningRate: 0.01), epochs: 3, batchSize: 16)
        let out = try Self.study(cell: .gru, drive: .task, training: settings, steps: 100).run()
        #expect(out.series.filter { $0.series == "lyapunov_max_epoch" }.map(\.step) == [0, 1, 2, 3])
        #expect(out.series.filter { $0.series == "train_loss" }.count == 3)
        #expect(Self.metric(out, "test_loss")?.isFinite == true)
    }
}

extension LyapunovStudyTests {
    @Test("the train study's opt-in measures lambda_max after every epoch and adds the spectrum's metrics; off, its output is unchanged")
    func trainStudyOptIn() throws {
        let settings = try TrainingSettings(
            optimizer: OptimizerConfiguration(name: "adam", learningRate: 0.01), epochs: 2, batchSize: 16)
        let task = try TaskConfiguration(name: "adding", steps: 10, trainCount: 32, validationCount: 8, testCount: 8)
        let model = ModelSettings(cell: .gru, hiddenSize: 8)
        let plain = try TrainStudy(model: model, task: task, training: settings, seed: 3).run()
        let measured = try TrainStudy(model: model, task: task, training: settings, seed: 3, lyapunovSteps: 60).run()
        #expect(measured.metrics.prefix(plain.metrics.count).map(\.name) == plain.metrics.map(\.name))
        #expect(measured.metrics.prefix(plain.metrics.count).map(\.value.bitPattern) == plain.metrics.map(\.value.bitPattern))
        #expect(measured.metrics.dropFirst(plain.metrics.count).map(\.name)
            == ["lyapunov_max", "lyapunov_sum", "kaplan_yorke_dimension", "jacobian_sv_max", "jacobian_sv_min"])
        #expect(measured.series.filter { $0.series == "lyapunov_max_epoch" }.map(\.step) == [0, 1, 2])
        #expect(measured.series.filter { $0.series == "lyapunov" }.count == 8)
    }
}

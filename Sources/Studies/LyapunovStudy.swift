public import LinearAlgebra
public import RecurrentNets
public import SequenceTasks
public import Training

/// The Lyapunov spectrum of the driven dynamics `s_t = F(s_{t-1}, x_t)` of one sequence, and the
/// singular values of `ds_T/ds_1` (``LyapunovSpectrum``: analytic step Jacobians, Householder QR,
/// log-domain product), optionally measured after every epoch of training on a task.
///
/// The model and its first `T` inputs under drive `normal` are the gradient-flow study's (same
/// seed streams, batch 1), so the two studies describe the same trajectory; `gain` then scales
/// every `weight_hh` (with `init_hh` `xavier-normal`, `W ~ N(0, g^2/N)`).
///
/// Metrics (natural logs, per step): `lyapunov_max`, `lyapunov_sum` (of the `k` computed),
/// `kaplan_yorke_dimension`, `jacobian_sv_max`, `jacobian_sv_min` (logs of the extreme singular
/// values of `(ds_T/ds_1) Q_0`); under drive `normal` also `grad_decay_per_step` (the
/// gradient-flow study's metric on the same model and inputs) and `lyapunov_vs_decay_ratio`
/// `= exp(lyapunov_max) / grad_decay_per_step`; when training, `test_loss`, `final_train_loss`.
/// Series: `lyapunov` (index 1...k -> exponent), `lyapunov_convergence` (t -> running
/// `lambda_max`, at most 100 points), `jacobian_sv` (index -> log singular value); when training,
/// `lyapunov_max_epoch` (epoch 0...E -> `lambda_max`) and `train_loss` (epoch).
public struct LyapunovStudy: Study {
    /// Where the inputs `x_t` come from.
    public enum Drive: String, Sendable, CaseIterable {
        /// `x_t = 0`: the autonomous map (biases only).
        case none
        /// `x_t ~ N(0, 1)`, the gradient-flow study's inputs.
        case normal
        /// The task's test sequences, one after another (the state carries over).
        case task
    }

    public var dtype: DType { model.dtype }

    public var model: ModelSettings
    /// Trajectory length `T`.
    public var steps: Int
    public var options: LyapunovSpectrum.Options
    public var drive: Drive
    /// Factor applied to every `weight_hh` after initialisation.
    public var gain: Double
    public var task: TaskConfiguration
    /// Training settings; nil: measure the freshly initialised model only.
    public var training: TrainingSettings?
    public var seed: Int

    public init(
        model: ModelSettings, steps: Int, options: LyapunovSpectrum.Options, drive: Drive, gain: Double = 1,
        task: TaskConfiguration, training: TrainingSettings? = nil, seed: Int
    ) {
        self.model = model
        self.steps = steps
        self.options = options
        self.drive = drive
        self.gain = gain
        self.task = task
        self.training = training
        self.seed = seed
    }

    /// Runs the study in `S` (``Study/run()`` picks `S` from the dtype).
    public func run<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        if S.self == Float.self { return try measure(Float.self) }
        if S.self == Double.self { return try measure(Double.self) }
        return try measure(S.self)
    }

    private func measure<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        let usesTask = drive == .task || training != nil
        let splits = usesTask ? task.makeSplits(seed: RunStreams(seed: seed).seed) : nil
        var settings = model
        var net: RecurrentModel<S>
        if let splits {
            settings.inputSize = splits.train.inputFeatures
            let objective = Trainer<S>.objective(for: splits.train)
            net = try settings.makeModel(headOutputs: objective.outputs, placement: objective.placement, seed: seed)
        } else {
            net = try settings.makeModel(headOutputs: nil, placement: .lastStep, seed: seed)
        }
        if gain != 1 {
            for k in 0..<net.configuration.layers {
                guard let i = net.parameters.index(of: "weight_hh_l\(k)") else { continue }
                for j in 0..<net.parameters.values[i].count { net.parameters.values[i].storage[j] *= S(gain) }
            }
        }
        let x: Matrix<S> = inputs(features: settings.inputSize, test: splits?.test)
        var stream = RunStreams(seed: seed).training
        let h0 = net.flatState(net.initialState(batchSize: 1, generator: &stream))
        var options = self.options
        var frame = SeededGenerator(seed: RunStreams(seed: seed).seed).derived(4)
        options.frameSeed = frame.next()

        var out = StudyOutput()
        var perEpoch: [(Int, Double)] = []
        var trainLoss: [(Int, Double)] = []
        var testLoss = Double.nan
        if let training, let splits {
            let fixed = options
            perEpoch.append((0, (try? LyapunovSpectrum(model: net, inputs: x, initialState: h0, options: fixed))?.maximum ?? .nan))
            var trainStream = RunStreams(seed: seed).training
            let log = try Trainer<S>(settings: training).train(
                &net, on: splits.train, validation: splits.validation, generator: &trainStream
            ) { epoch, model in
                perEpoch.append((epoch, (try? LyapunovSpectrum(model: model, inputs: x, initialState: h0, options: fixed))?.maximum ?? .nan))
            }
            trainLoss = log.epochs.map { (training.step(of: $0), $0.trainLoss) }
            if case let .diverged(step, _) = log.outcome {
                out.status = .diverged(step: step)
            } else {
                testLoss = try Trainer<S>.evaluate(net, on: splits.test).loss
            }
        }
        let spectrum = try LyapunovSpectrum(model: net, inputs: x, initialState: h0, options: options)
        out.metric("lyapunov_max", spectrum.maximum)
        out.metric("lyapunov_sum", spectrum.sum)
        out.metric("kaplan_yorke_dimension", spectrum.kaplanYorkeDimension)
        out.metric("jacobian_sv_max", spectrum.logSingularValues.first ?? .nan)
        out.metric("jacobian_sv_min", spectrum.logSingularValues.last ?? .nan)
        if drive == .normal && training == nil {
            let decay = try gradientDecay(net, x)
            out.metric("grad_decay_per_step", decay)
            out.metric("lyapunov_vs_decay_ratio", PortableMath.exp(spectrum.maximum) / decay)
        }
        if training != nil {
            out.metric("final_train_loss", trainLoss.last?.1 ?? .nan)
            out.metric("test_loss", testLoss)
        }
        for (i, e) in spectrum.exponents.enumerated() { out.point("lyapunov", i + 1, e) }
        let points = spectrum.convergence
        let stride = max(1, (points.count + 99) / 100)
        for (i, p) in points.enumerated() where (points.count - 1 - i) % stride == 0 {
            out.point("lyapunov_convergence", p.step, p.value)
        }
        for (i, v) in spectrum.logSingularValues.enumerated() { out.point("jacobian_sv", i + 1, v) }
        for (epoch, v) in perEpoch { out.point("lyapunov_max_epoch", epoch, v) }
        for (epoch, v) in trainLoss { out.point("train_loss", epoch, v) }
        if !spectrum.isFinite, out.status == .ok { out.status = .diverged(step: 0) }
        return out
    }

    /// The drive's `T x input` inputs.
    private func inputs<S: NetScalar>(features: Int, test: SequenceDataset?) -> Matrix<S> {
        var x = Matrix<S>(rows: steps, columns: features)
        switch drive {
        case .none:
            break
        case .normal:
            // The gradient-flow study's first draws (x of shape [T, 1, input]).
            var data = RunStreams(seed: seed).data
            for i in 0..<x.count { x.storage[i] = S(data.normal()) }
        case .task:
            if let test { x = Self.taskInputs(steps: steps, features: features, test: test) }
        }
        return x
    }

    /// `T x features` inputs: the test sequences one after another (cycling when T is longer).
    static func taskInputs<S: NetScalar>(steps: Int, features: Int, test: SequenceDataset) -> Matrix<S> {
        var x = Matrix<S>(rows: steps, columns: features)
        guard test.sampleCount > 0, test.steps > 0 else { return x }
        for t in 0..<steps {
            let sample = (t / test.steps) % test.sampleCount
            for f in 0..<features { x[t, f] = S(test.input(sample: sample, step: t % test.steps, feature: f)) }
        }
        return x
    }

    /// The gradient-flow study's `grad_decay_per_step` on `net` (its head ignored) and inputs `x`:
    /// `loss = mean((h_T - y)^2)`, `y ~ N(0,1)` drawn after `x` from the data stream.
    private func gradientDecay<S: NetScalar>(_ net: RecurrentModel<S>, _ x: Matrix<S>) throws(EngineError) -> Double {
        var data = RunStreams(seed: seed).data
        for _ in 0..<x.count { _ = data.normal() }
        var y = Matrix<S>(rows: 1, columns: net.configuration.hiddenSize)
        for i in 0..<y.count { y.storage[i] = S(data.normal()) }
        let batch = try SequenceBatch(inputs: x, steps: steps, batchSize: 1)
        var training = RunStreams(seed: seed).training
        let h0 = net.initialState(batchSize: 1, generator: &training)
        let r = try net.gradients(for: batch, targets: .values(y), loss: .mse, initialState: h0)
        return GradientFlowStudy.decayPerStep(r.stateGradientNorms[0])
    }
}

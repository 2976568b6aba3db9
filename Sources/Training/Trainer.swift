public import LinearAlgebra
public import RecurrentNets
public import SequenceTasks

/// The training loop: shuffled minibatches, full or truncated BPTT, clipping, optimiser,
/// schedules, dropout, validation, early stopping and divergence detection.
public struct Trainer<Scalar: NetScalar>: Sendable {
    public var settings: TrainingSettings

    public init(settings: TrainingSettings) { self.settings = settings }

    /// The head, placement and loss a task needs: classes over the last step (many-to-one),
    /// classes on every step (many-to-many), or regression on the last step.
    public static func objective(for dataset: SequenceDataset) -> (outputs: Int, placement: HeadPlacement, loss: LossFunction) {
        switch dataset.targets {
        case let .sequenceClasses(_, c): return (c, .lastStep, .crossEntropy)
        case let .stepClasses(_, c): return (c, .everyStep, .crossEntropy)
        case let .regression(_, n): return (n, .lastStep, .mse)
        }
    }

    /// The engine batch and targets of `indices` of a dataset.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func batch(_ data: SequenceDataset, _ indices: [Int]) throws(EngineError) -> (SequenceBatch<Scalar>, Targets<Scalar>) {
        let x: Matrix<Scalar> = data.inputs(batch: indices)
        let batch = try SequenceBatch(inputs: x, steps: data.steps, batchSize: indices.count)
        switch data.targets {
        case .sequenceClasses, .stepClasses: return (batch, .classes(data.classLabels(batch: indices)))
        case .regression: return (batch, .values(data.regressionTargets(batch: indices)))
        }
    }

    /// Mean loss and accuracy of `model` on a dataset (no dropout, no gradients).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func evaluate(
        _ model: RecurrentModel<Scalar>, on data: SequenceDataset, batchSize: Int = 256
    ) throws(EngineError) -> (loss: Double, accuracy: Double) {
        let loss = objective(for: data).loss
        var total = 0.0
        var correct = 0
        var labelled = 0
        var none: SeededGenerator?
        for indices in data.batchIndices(batchSize: batchSize, generator: &none) {
            let (batch, targets) = try Self.batch(data, indices)
            let e = try model.evaluate(batch, targets: targets, loss: loss)
            total += e.loss * Double(indices.count)
            correct += e.correct
            labelled += e.labelled
        }
        let accuracy = labelled > 0 ? Double(correct) / Double(labelled) : .nan
        return (total / Double(max(data.sampleCount, 1)), accuracy)
    }

    /// Trains `model` in place on `train`, validating on `validation` after every epoch.
    ///
    /// Randomness (shuffling, dropout, random initial states) comes only from `generator`.
    /// `afterEpoch` (optional) sees the model after each completed epoch's validation (epoch 1, 2, ...).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func train(
        _ model: inout RecurrentModel<Scalar>, on train: SequenceDataset, validation: SequenceDataset?,
        generator: inout SeededGenerator, afterEpoch: ((Int, RecurrentModel<Scalar>) -> Void)? = nil
    ) throws(EngineError) -> TrainingLog {
        let loss = Self.objective(for: train).loss
        var optimizer = Optimizer<Scalar>(configuration: settings.optimizer)
        var plateau: ReduceLROnPlateau?
        if case let .plateau(factor, patience) = settings.schedule {
            plateau = try? ReduceLROnPlateau(learningRate: settings.optimizer.learningRate, factor: factor, patience: patience)
        }
        var stopping = settings.earlyStoppingPatience > 0
            ? try? EarlyStopping<Scalar>(patience: settings.earlyStoppingPatience) : nil
        var log = TrainingLog()
        var scheduleStep = 0
        for epoch in 1...settings.epochs {
            var shuffle: SeededGenerator? = generator.derived(UInt64(epoch))
            let batches = train.batchIndices(batchSize: settings.batchSize, generator: &shuffle)
            var sums = (loss: 0.0, before: 0.0, after: 0.0, max: 0.0, clipped: 0, gradH: 0.0)
            var correct = 0
            var labelled = 0
            var lr = settings.optimizer.learningRate
            for (i, indices) in batches.enumerated() {
                let (batch, targets) = try Self.batch(train, indices)
                var stream = generator.derived(UInt64(epoch) << 32 | UInt64(i))
                let h0 = model.initialState(batchSize: indices.count, generator: &stream)
                var r = try model.gradients(
                    for: batch, targets: targets, loss: loss, initialState: h0, truncation: settings.truncation,
                    dropout: settings.dropout, dropoutSeed: stream.next())
                let report = settings.clipping.apply(to: &r.gradients)
                log.updates += 1
                guard r.loss.isFinite, report.isFinite, report.clippedNorm.isFinite else {
                    log.outcome = .diverged(step: log.updates, epoch: epoch)
                    log.epochs.append(Self.partial(epoch, sums, batches: i + 1, lr: lr, correct: correct, labelled: labelled))
                    return log
                }
                switch settings.schedule {
                case let .perUpdate(schedule): lr = schedule.learningRate(base: settings.optimizer.learningRate, step: scheduleStep)
                case .plateau: lr = plateau?.learningRate ?? lr
                }
                scheduleStep += 1
                optimizer.step(parameters: &model.parameters, gradients: r.gradients, learningRate: lr)
                if model.parameters.hasNonFinite {
                    log.outcome = .diverged(step: log.updates, epoch: epoch)
                    log.epochs.append(Self.partial(epoch, sums, batches: i + 1, lr: lr, correct: correct, labelled: labelled))
                    return log
                }
                sums.loss += r.loss
                sums.before += report.totalNorm
                sums.after += report.clippedNorm
                sums.max = Swift.max(sums.max, report.totalNorm)
                sums.clipped += report.clipped ? 1 : 0
                sums.gradH += r.stateGradientNorms.first?.first ?? 0
                correct += r.correct
                labelled += r.labelled
            }
            var metrics = Self.partial(epoch, sums, batches: batches.count, lr: lr, correct: correct, labelled: labelled)
            if let validation {
                let v = try Self.evaluate(model, on: validation)
                metrics.validationLoss = v.loss
                metrics.validationAccuracy = v.accuracy
                if plateau != nil { plateau?.step(metric: v.loss) }
                if stopping != nil {
                    stopping?.update(metric: v.loss, parameters: model.parameters)
                    if stopping?.shouldStop == true {
                        log.epochs.append(metrics)
                        if let best = stopping?.bestParameters { model.parameters = best }
                        log.outcome = .completed(stoppedAt: epoch)
                        return log
                    }
                }
            }
            log.epochs.append(metrics)
            afterEpoch?(epoch, model)
        }
        if let best = stopping?.bestParameters { model.parameters = best }
        return log
    }

    private static func partial(
        _ epoch: Int, _ s: (loss: Double, before: Double, after: Double, max: Double, clipped: Int, gradH: Double),
        batches: Int, lr: Double, correct: Int, labelled: Int
    ) -> EpochMetrics {
        let n = Double(max(batches, 1))
        return EpochMetrics(
            epoch: epoch, trainLoss: s.loss / n, trainAccuracy: labelled > 0 ? Double(correct) / Double(labelled) : .nan,
            validationLoss: .nan, validationAccuracy: .nan, gradNormBefore: s.before / n, gradNormAfter: s.after / n,
            gradNormMax: s.max, clipRate: Double(s.clipped) / n, learningRate: lr, gradHFirst: s.gradH / n)
    }
}

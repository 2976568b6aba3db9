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
    ///
    /// With `onlySteps` (a dataset with a class per step), only the targets of those steps count
    /// (the copy task's answer steps): the loss is the mean cross-entropy over them, the accuracy
    /// the fraction of them predicted right.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func evaluate(
        _ model: RecurrentModel<Scalar>, on data: SequenceDataset, batchSize: Int = 256, onlySteps: Range<Int>? = nil
    ) throws(EngineError) -> (loss: Double, accuracy: Double) {
        let loss = objective(for: data).loss
        var total = 0.0
        var correct = 0
        var labelled = 0
        var none: SeededGenerator?
        for indices in data.batchIndices(batchSize: batchSize, generator: &none) {
            var (batch, targets) = try Self.batch(data, indices)
            if let onlySteps, case .stepClasses = data.targets, case var .classes(labels) = targets {
                // Labels are step-major (row t * B + b); -1 leaves a step out of the loss.
                for t in 0..<data.steps where !onlySteps.contains(t) {
                    for b in 0..<indices.count { labels[t * indices.count + b] = -1 }
                }
                targets = .classes(labels)
            }
            let e = try model.evaluate(batch, targets: targets, loss: loss)
            total += e.loss * Double(indices.count)
            correct += e.correct
            labelled += e.labelled
        }
        let accuracy = labelled > 0 ? Double(correct) / Double(labelled) : .nan
        return (total / Double(max(data.sampleCount, 1)), accuracy)
    }

    /// Trains `model` in place on `train`, validating on `validation` after every epoch (or every
    /// ``TrainingSettings/evaluationInterval`` updates), for ``TrainingSettings/epochs`` epochs (or
    /// until ``TrainingSettings/updateBudget`` updates are made).
    ///
    /// Randomness (shuffling, dropout, random initial states) comes only from `generator`.
    /// `afterEpoch` (optional) sees the model after each epoch (epoch 1, 2, ...; the last may be partial).
    /// Plateau and early-stopping patience count evaluations.
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
        let interval = settings.evaluationInterval
        // The updates since the last record.
        var window = Window()
        var lr = settings.optimizer.learningRate
        /// Records `window` (validating the model); true when early stopping ends training.
        func evaluation(_ epoch: Int) throws(EngineError) -> Bool {
            var metrics = Self.partial(epoch, window, lr: lr)
            metrics.updates = log.updates
            window = Window()
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
                        return true
                    }
                }
            }
            log.epochs.append(metrics)
            return false
        }
        func diverged(_ epoch: Int) -> TrainingLog {
            log.outcome = .diverged(step: log.updates, epoch: epoch)
            var metrics = Self.partial(epoch, window, lr: lr)
            metrics.updates = log.updates
            log.epochs.append(metrics)
            return log
        }
        var epoch = 0
        while true {
            epoch += 1
            if let budget = settings.updateBudget {
                if log.updates >= budget { break }
            } else if epoch > settings.epochs {
                break
            }
            log.epochsRun = epoch
            var shuffle: SeededGenerator? = generator.derived(UInt64(epoch))
            let batches = train.batchIndices(batchSize: settings.batchSize, generator: &shuffle)
            if batches.isEmpty { break }
            if interval == nil {
                window = Window()
                lr = settings.optimizer.learningRate
            }
            for (i, indices) in batches.enumerated() {
                let (batch, targets) = try Self.batch(train, indices)
                var stream = generator.derived(UInt64(epoch) << 32 | UInt64(i))
                let h0 = model.initialState(batchSize: indices.count, generator: &stream)
                var r = try model.gradients(
                    for: batch, targets: targets, loss: loss, initialState: h0, truncation: settings.truncation,
                    dropout: settings.dropout, dropoutSeed: stream.next())
                let report = settings.clipping.apply(to: &r.gradients)
                log.updates += 1
                window.batches += 1
                guard r.loss.isFinite, report.isFinite, report.clippedNorm.isFinite else { return diverged(epoch) }
                switch settings.schedule {
                case let .perUpdate(schedule): lr = schedule.learningRate(base: settings.optimizer.learningRate, step: scheduleStep)
                case .plateau: lr = plateau?.learningRate ?? lr
                }
                scheduleStep += 1
                optimizer.step(parameters: &model.parameters, gradients: r.gradients, learningRate: lr)
                if model.parameters.hasNonFinite { return diverged(epoch) }
                window.loss += r.loss
                window.before += report.totalNorm
                window.after += report.clippedNorm
                window.max = Swift.max(window.max, report.totalNorm)
                window.clipped += report.clipped ? 1 : 0
                window.gradH += r.stateGradientNorms.first?.first ?? 0
                window.correct += r.correct
                window.labelled += r.labelled
                if let interval, log.updates % interval == 0, try evaluation(epoch) { return log }
                if let budget = settings.updateBudget, log.updates >= budget { break }
            }
            if interval == nil, try evaluation(epoch) { return log }
            afterEpoch?(epoch, model)
        }
        // With an evaluation interval, the updates after the last evaluation get one of their own.
        if interval != nil, window.batches > 0, try evaluation(log.epochsRun) { return log }
        if let best = stopping?.bestParameters { model.parameters = best }
        return log
    }

    /// Sums over the updates since the last record.
    private struct Window {
        var loss = 0.0, before = 0.0, after = 0.0, max = 0.0, gradH = 0.0
        var clipped = 0, correct = 0, labelled = 0, batches = 0
    }

    private static func partial(_ epoch: Int, _ s: Window, lr: Double) -> EpochMetrics {
        let n = Double(max(s.batches, 1))
        return EpochMetrics(
            epoch: epoch, trainLoss: s.loss / n, trainAccuracy: s.labelled > 0 ? Double(s.correct) / Double(s.labelled) : .nan,
            validationLoss: .nan, validationAccuracy: .nan, gradNormBefore: s.before / n, gradNormAfter: s.after / n,
            gradNormMax: s.max, clipRate: Double(s.clipped) / n, learningRate: lr, gradHFirst: s.gradH / n)
    }
}

import LinearAlgebra
import RecurrentNets
import Testing
@testable import Training

@Suite("Clipping and learning-rate schedules match PyTorch")
struct ClippingAndScheduleTests {
    @Test func clipGradNormMatchesPyTorchAboveAndBelowMaxNorm() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for case_ in fixture.clip_norm {
            var grads = fixture.parameterSet(case_.grads)
            let report = GradientClipping.norm(maxNorm: case_.max_norm).apply(to: &grads)
            #expect(close(report.totalNorm, case_.total_norm), "norm \(report.totalNorm) vs \(case_.total_norm)")
            #expect(maxRelativeError(grads.values.map(\.storage), case_.clipped) < 1e-12)
            let shouldClip = case_.max_norm / (case_.total_norm + 1e-6) < 1
            #expect(report.clipped == shouldClip)
            if shouldClip {
                #expect(abs(report.clippedNorm - case_.max_norm) < 1e-5 * case_.max_norm)
            } else {
                #expect(report.clippedNorm == report.totalNorm)
                #expect(grads == fixture.parameterSet(case_.grads))
            }
        }
    }

    @Test func clipGradValueMatchesPyTorch() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for case_ in fixture.clip_value {
            var grads = fixture.parameterSet(case_.grads)
            let report = GradientClipping.value(case_.clip_value).apply(to: &grads)
            #expect(grads.values.map(\.storage) == case_.clipped)
            #expect(report.clipped == (case_.clipped != case_.grads))
            #expect(close(report.clippedNorm, grads.globalNorm))
        }
    }

    @Test func nonFiniteGradientsAreReportedAndLeftAlone() {
        var grads = ParameterSet<Double>()
        grads.append("w", Matrix([[1, .nan], [2, 3]]))
        let before = grads.values[0].storage
        let report = GradientClipping.norm(maxNorm: 1).apply(to: &grads)
        #expect(!report.isFinite)
        #expect(!report.clipped)
        #expect(grads.values[0].storage[0] == before[0] && grads.values[0].storage[1].isNaN)
        var inf = ParameterSet<Float>()
        inf.append("w", Matrix([[1, .infinity]]))
        #expect(!GradientClipping.value(1).apply(to: &inf).isFinite)
    }

    @Test func noClippingStillReportsTheNorm() {
        var grads = ParameterSet<Double>()
        grads.append("w", Matrix([[3, 4]]))
        let report = GradientClipping.none.apply(to: &grads)
        #expect(report.totalNorm == 5 && report.clippedNorm == 5 && !report.clipped)
    }

    @Test func stepLRMatchesPyTorch() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for case_ in fixture.step_lr {
            let schedule = LearningRateSchedule.step(stepSize: case_.step_size, gamma: case_.gamma)
            for (step, expected) in case_.lrs.enumerated() {
                #expect(close(schedule.learningRate(base: case_.base, step: step), expected))
            }
        }
    }

    @Test func warmupScheduleMatchesTheTutorialIncludingStepZero() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for case_ in fixture.warmup {
            let schedule = LearningRateSchedule.warmup(modelSize: case_.d_model, warmupSteps: case_.warmup_steps)
            for (step, expected) in case_.lrs.enumerated() {
                #expect(close(schedule.learningRate(base: case_.base, step: step), expected), "step \(step)")
                #expect(close(
                    LearningRateSchedule.noamFactor(step: step, modelSize: case_.d_model, warmupSteps: case_.warmup_steps),
                    case_.factors[step]))
            }
            // The guard: step 0 is evaluated as step 1.
            #expect(case_.lrs[0] == case_.lrs[1])
        }
    }

    @Test func constantScheduleKeepsTheBaseRate() {
        #expect(LearningRateSchedule.constant.learningRate(base: 0.3, step: 1000) == 0.3)
    }

    @Test func reduceLROnPlateauMatchesPyTorch() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for case_ in fixture.plateau {
            let o = case_.options
            var scheduler = try ReduceLROnPlateau(
                learningRate: case_.lr, mode: MetricMode(name: o.mode), factor: o.factor, patience: o.patience,
                threshold: o.threshold,
                thresholdMode: try #require(ReduceLROnPlateau.ThresholdMode(rawValue: o.threshold_mode)),
                cooldown: o.cooldown, minLearningRate: o.min_lr, eps: o.eps ?? 1e-8)
            for (i, metric) in case_.metrics.enumerated() {
                let lr = scheduler.step(metric: metric)
                #expect(close(lr, case_.lrs[i]), "options \(o), step \(i): \(lr) vs \(case_.lrs[i])")
            }
        }
    }
}

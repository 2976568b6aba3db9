/// The metric and series names a study emits: exact names and families such as `grad_norm.<param>`
/// (written as the prefix `grad_norm.`). Charts and expectations are checked against them when a
/// spec is validated, so a misspelt `y` or `metric` fails before anything runs.
public struct StudyOutputs: Sendable {
    public let metrics: [String]
    public let metricPrefixes: [String]
    public let series: [String]
    public let seriesPrefixes: [String]
    /// Metrics that are not plain real numbers everywhere (integers; only some runs), by name.
    var metricTraits: [String: MetricTraits] = [:]
    /// Series that only some runs have, by name.
    var seriesScopes: [String: Scope] = [:]
    /// What `step` counts in each series, by exact name or by family prefix (`grad_h.l`).
    var stepUnits: [String: StepUnit] = [:]
    /// Series recorded at every evaluation of training: per epoch, or every `eval_every` updates.
    var evaluationSeries: Set<String> = []

    /// What `study` emits, or nil for a study this table does not describe (then nothing is checked).
    public static func of(_ study: StudyKind) -> StudyOutputs? { table[study] }

    private static let training = (
        metrics: ["final_train_loss", "final_train_accuracy", "final_val_loss", "final_val_accuracy", "test_loss",
                  "test_accuracy", "test_answer_loss", "test_answer_accuracy", "epochs_run", "updates", "diverged_at_step", "max_grad_norm", "mean_clip_rate"],
        series: ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "grad_norm_before", "grad_norm_after",
                 "clip_rate", "lr", "grad_h_first"],
        traits: ["final_train_accuracy": MetricTraits(scope: .classificationTasks),
                 "final_val_accuracy": MetricTraits(scope: .classificationTasks),
                 "test_accuracy": MetricTraits(scope: .classificationTasks),
                 "epochs_run": MetricTraits(integer: true), "updates": MetricTraits(integer: true),
                 "diverged_at_step": MetricTraits(integer: true, scope: .divergedRuns),
                 "test_answer_loss": MetricTraits(scope: .copyTask),
                 "test_answer_accuracy": MetricTraits(scope: .copyTask)],
        seriesScopes: ["train_accuracy": Scope.classificationTasks, "val_accuracy": .classificationTasks])

    /// The spectrum's metrics (also `train`/`states` with `lyapunov_per_epoch`).
    private static let lyapunov = (
        metrics: ["lyapunov_max", "lyapunov_sum", "kaplan_yorke_dimension", "jacobian_sv_max", "jacobian_sv_min"],
        series: ["lyapunov", "lyapunov_max_epoch"])

    private static let table: [StudyKind: StudyOutputs] = [
        .gradientFlow: StudyOutputs(
            metrics: ["loss", "grad_h_first", "grad_h_last", "grad_x_first", "grad_decay_per_step", "saturated_fraction",
                      "mean_tanh_derivative"],
            metricPrefixes: ["grad_norm.", "grad_max.", "grad_min.", "spectral_radius.", "sigma_max."],
            series: ["grad_h", "grad_h_distance", "grad_x"], seriesPrefixes: ["grad_h.l"],
            stepUnits: ["grad_h": .timeStep, "grad_h_distance": .distance, "grad_x": .timeStep, "grad_h.l": .timeStep]),
        .propagation: StudyOutputs(
            metrics: ["norm_ratio", "spectral_radius", "sigma_max", "theory"], metricPrefixes: [],
            series: ["norm_ratio", "theory"], seriesPrefixes: [],
            stepUnits: ["norm_ratio": .multiplications, "theory": .multiplications]),
        .train: StudyOutputs(
            metrics: training.metrics + lyapunov.metrics, metricPrefixes: [], series: training.series + lyapunov.series,
            seriesPrefixes: [], metricTraits: training.traits, seriesScopes: training.seriesScopes,
            stepUnits: trainingUnits, evaluationSeries: Set(training.series)),
        .states: StudyOutputs(
            metrics: training.metrics + ["sample_target"] + lyapunov.metrics, metricPrefixes: [],
            series: training.series + lyapunov.series, seriesPrefixes: ["input.f", "state.h", "output.o"],
            // The first test sequence's class (an integer; a regression target is not reported).
            metricTraits: training.traits.merging(["sample_target": MetricTraits(integer: true, scope: .classificationTasks)]) { $1 },
            seriesScopes: training.seriesScopes,
            stepUnits: trainingUnits.merging(["input.f": .timeStep, "state.h": .timeStep, "output.o": .timeStep]) { $1 },
            evaluationSeries: Set(training.series)),
        .lyapunov: StudyOutputs(
            metrics: lyapunov.metrics + ["grad_decay_per_step", "lyapunov_vs_decay_ratio", "final_train_loss", "test_loss"],
            metricPrefixes: [], series: lyapunov.series + ["lyapunov_convergence", "jacobian_sv", "train_loss"],
            seriesPrefixes: [],
            stepUnits: ["lyapunov": .index, "lyapunov_max_epoch": .epoch, "lyapunov_convergence": .timeStep,
                        "jacobian_sv": .index, "train_loss": .epoch],
            evaluationSeries: ["train_loss"]),
    ]

    /// Every training series counts epochs (epoch 0: before training, where measured); the spectrum's
    /// `lyapunov` counts exponents.
    private static let trainingUnits: [String: StepUnit] =
        Dictionary(uniqueKeysWithValues: training.series.map { ($0, StepUnit.epoch) })
        .merging(["lyapunov": .index, "lyapunov_max_epoch": .epoch]) { $1 }

    /// Whether the study emits metric `name` (`status` counts: every run has one).
    public func hasMetric(_ name: String) -> Bool {
        name == "status" || metrics.contains(name) || metricPrefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }

    /// Whether the study emits series `name`.
    public func hasSeries(_ name: String) -> Bool {
        series.contains(name) || seriesPrefixes.contains { name.hasPrefix($0) && name.count > $0.count }
    }

    /// Whether `prefix` names a family of series drawn as a heatmap (`state` for `state.h<j>`).
    public func hasSeriesFamily(_ prefix: String) -> Bool {
        seriesPrefixes.contains { $0.hasPrefix(prefix + ".") }
    }

    /// Names to suggest from for `name` (families written with `<...>` left out).
    var metricCandidates: [String] { metrics + ["status"] + metricPrefixes.map { $0 + "weight_hh_l0" } }
    var seriesCandidates: [String] { series + seriesPrefixes.map { $0 + "0" } }
}

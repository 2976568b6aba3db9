import SequenceTasks

extension StudyOutputs {
    /// Which runs a metric or series applies to. Elsewhere the metric's runs.csv cell is empty and
    /// the series has no rows in series.csv (a NaN the run computed is still written `nan`).
    public enum Scope: Sendable, Equatable {
        /// Every run.
        case everyRun
        /// Runs on a classification task (accuracy means nothing for the adding problem's regression).
        case classificationTasks
        /// Runs that diverged (`diverged_at_step`).
        case divergedRuns
        /// Runs on the copy task (its answer steps: `test_answer_loss`, `test_answer_accuracy`).
        case copyTask
    }

    /// How a metric is written beyond a real number: as an integer (a count, `20` not `20.0`), and
    /// which runs it applies to.
    public struct MetricTraits: Sendable, Equatable {
        public var integer: Bool
        public var scope: Scope

        public init(integer: Bool = false, scope: Scope = .everyRun) {
            self.integer = integer
            self.scope = scope
        }
    }

    /// What the `step` of a series counts (the `step_unit` column of series.csv).
    public enum StepUnit: String, Sendable, CaseIterable {
        /// Training epochs (0: before the first epoch, where measured).
        case epoch
        /// Optimiser updates made (training series of a run with `eval_every` > 0).
        case update
        /// The time step t = 1…T of the sequence.
        case timeStep = "t"
        /// The distance T−t from the last time step (0: the last step).
        case distance
        /// Multiplications by the recurrent matrix (0: the start vector).
        case multiplications
        /// An index i = 1…k (the i-th Lyapunov exponent or singular value, largest first).
        case index

        /// The default x label of a chart of a series with this step unit.
        public var axisLabel: String {
            switch self {
            case .epoch: return "epoch"
            case .update: return "optimiser updates"
            case .timeStep: return "time step t"
            case .distance: return "T − t (steps back from the last)"
            case .multiplications: return "multiplications by W_hhᵀ"
            case .index: return "index i (largest first)"
            }
        }
    }

    /// The traits of metric `name` (a plain real number that every run has, unless declared).
    public func traits(ofMetric name: String) -> MetricTraits { metricTraits[name] ?? MetricTraits() }

    /// Which runs series `name` applies to.
    public func scope(ofSeries name: String) -> Scope { seriesScopes[name] ?? .everyRun }

    /// What the step of series `name` counts (nil: not declared).
    public func stepUnit(ofSeries name: String) -> StepUnit? {
        if let unit = stepUnits[name] { return unit }
        return stepUnits.first { name.hasPrefix($0.key) && seriesPrefixes.contains($0.key) }?.value
    }
}

/// How one run's values are written in runs.csv and series.csv, from its study's declarations
/// (``StudyOutputs``) and its configuration and status: integer metrics without `.0`, an empty
/// cell for a metric that does not apply to the run, no rows for a series that does not apply,
/// and each series' step unit. Records keep every value as computed; only the tables follow these
/// rules, so records of earlier versions give the same tables.
public struct RunCells: Sendable {
    private let outputs: StudyOutputs?
    private let classification: Bool
    private let copyTask: Bool
    private let evaluatesByUpdates: Bool
    private let diverged: Bool

    /// The rules for a run of configuration `config` (``RunConfiguration/document``) that
    /// diverged or not. A study or task this version does not know applies every metric.
    public init(config: JSONValue, diverged: Bool) {
        if case let .string(study)? = config["study"], let kind = StudyKind(rawValue: study) {
            outputs = StudyOutputs.of(kind)
        } else {
            outputs = nil
        }
        if case let .string(task)? = config["task"], let kind = TaskKind(rawValue: task) {
            classification = !kind.isRegression
            copyTask = kind == .copy
        } else {
            classification = true
            copyTask = false
        }
        if case let .number(n)? = config["eval_every"], n > 0 { evaluatesByUpdates = true } else { evaluatesByUpdates = false }
        self.diverged = diverged
    }

    private func applies(_ scope: StudyOutputs.Scope) -> Bool {
        switch scope {
        case .everyRun: return true
        case .classificationTasks: return classification
        case .divergedRuns: return diverged
        case .copyTask: return copyTask
        }
    }

    /// Whether metric `name` applies to the run (else its cell is empty).
    public func applies(metric name: String) -> Bool {
        applies(outputs?.traits(ofMetric: name).scope ?? .everyRun)
    }

    /// Whether series `name` applies to the run (else it has no rows).
    public func applies(series name: String) -> Bool {
        applies(outputs?.scope(ofSeries: name) ?? .everyRun)
    }

    /// The step unit of series `name` (empty when not declared): a training series of a run that
    /// evaluates every N updates (`eval_every`) counts updates instead of epochs.
    public func stepUnit(ofSeries name: String) -> String {
        guard let unit = outputs?.stepUnit(ofSeries: name) else { return "" }
        if unit == .epoch, evaluatesByUpdates, outputs?.evaluationSeries.contains(name) == true {
            return StudyOutputs.StepUnit.update.rawValue
        }
        return unit.rawValue
    }

    /// The runs.csv cell of metric `name` with value `value`: empty when it does not apply; an
    /// integer metric as an integer when it is one exactly (a NaN or a fraction, which a count should
    /// never be, falls back to ``CSVTable/format(metric:)``, so every cell reads back as its value).
    public func cell(metric name: String, value: Double) -> String {
        guard applies(metric: name) else { return "" }
        if outputs?.traits(ofMetric: name).integer == true, let n = RunCells.exactInteger(value) {
            var bytes: [UInt8] = []
            DecimalText.append(n, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        return CSVTable.format(metric: value)
    }

    /// `x` as an Int when that text reads back as exactly `x` (finite, integral, not −0, |x| ≤ 2^53).
    static func exactInteger(_ x: Double) -> Int? {
        guard x.isFinite, x == x.rounded(), Swift.abs(x) <= 9_007_199_254_740_992, !(x == 0 && x.sign == .minus) else {
            return nil
        }
        return Int(x)
    }
}

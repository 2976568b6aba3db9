/// The kind of study a spec runs; decides which options a run has.
public enum StudyKind: String, Sendable, CaseIterable, Hashable {
    case gradientFlow = "gradient-flow"
    case propagation
    case train
    case states
}

/// The spec block an option is written in.
public enum OptionBlock: String, Sendable, CaseIterable, Hashable {
    case model
    case training
    case task
    case studyOptions = "study_options"
}

/// The type of an option's value, with its constraints.
public enum OptionType: Sendable {
    /// An integral number within optional inclusive bounds.
    case int(min: Int?, max: Int?)
    /// A finite number; `min` is exclusive when `exclusiveMin`, `max` is exclusive when `exclusiveMax`.
    case number(min: Double?, max: Double?, exclusiveMin: Bool, exclusiveMax: Bool)
    case bool
    /// One of a fixed list of strings.
    case choice([String])
    /// A string checked by `validate`, which returns an error text or nil when the string is fine;
    /// `pattern` (a regular expression) approximates it for the JSON Schema.
    case string(summary: String, pattern: String?, validate: @Sendable (String) -> String?)
}

/// One option a run can have: where it is written, its type, default and the studies using it.
public struct OptionSpec: Sendable {
    public let name: String
    /// Blocks the option may be written in (the first is where `spec.resolved.json` puts it).
    public let blocks: [OptionBlock]
    public let type: OptionType
    public let defaultValue: JSONValue
    public let studies: Set<StudyKind>
    public let summary: String
    /// Whether a grid may vary the option (false: one value for every run of a spec).
    public let varies: Bool

    public init(
        _ name: String, _ blocks: [OptionBlock], _ type: OptionType, default defaultValue: JSONValue,
        studies: Set<StudyKind>, _ summary: String, varies: Bool = true
    ) {
        self.varies = varies
        self.name = name
        self.blocks = blocks
        self.type = type
        self.defaultValue = defaultValue
        self.studies = studies
        self.summary = summary
    }

    /// Whether the option is part of a run of `study`.
    public func applies(to study: StudyKind) -> Bool { studies.contains(study) }

    /// A description of valid values, for error messages.
    public var expectation: String {
        switch type {
        case let .int(min, max):
            switch (min, max) {
            case let (lo?, hi?): return "an integer from \(lo) to \(hi)"
            case let (lo?, nil): return "an integer >= \(lo)"
            case let (nil, hi?): return "an integer <= \(hi)"
            default: return "an integer"
            }
        case let .number(min, max, exclusiveMin, exclusiveMax):
            var parts: [String] = []
            if let min { parts.append((exclusiveMin ? "> " : ">= ") + JSONValue.format(min)) }
            if let max { parts.append((exclusiveMax ? "< " : "<= ") + JSONValue.format(max)) }
            return parts.isEmpty ? "a finite number" : "a number " + parts.joined(separator: " and ")
        case .bool: return "true or false"
        case let .choice(values): return "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case let .string(summary, _, _): return summary
        }
    }

    /// Checks one value of this option at `path`; returns it normalised (integers as integral numbers).
    public func validate(_ value: JSONValue, path: String) throws(SpecError) -> JSONValue {
        func fail(_ found: String? = nil) -> SpecError {
            SpecError(path: path, expected: "\(name): \(expectation)", found: found ?? value.excerpt)
        }
        switch type {
        case let .int(min, max):
            guard case let .number(n) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            guard n.isFinite, n == n.rounded(), Swift.abs(n) < 9.0e15 else { throw fail() }
            if let min, n < Double(min) { throw fail() }
            if let max, n > Double(max) { throw fail() }
            return .number(n)
        case let .number(min, max, exclusiveMin, exclusiveMax):
            guard case let .number(n) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            guard n.isFinite else { throw fail() }
            if let min, exclusiveMin ? n <= min : n < min { throw fail() }
            if let max, exclusiveMax ? n >= max : n > max { throw fail() }
            return .number(n)
        case .bool:
            guard case .bool = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            return value
        case let .choice(values):
            guard case let .string(s) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            guard values.contains(s) else {
                throw fail(value.excerpt + SpecSuggestion.didYouMean(s, among: values))
            }
            return value
        case let .string(_, _, validate):
            guard case let .string(s) = value else { throw fail(value.typeDescription + " " + value.excerpt) }
            if let problem = validate(s) { throw fail(value.excerpt + " (" + problem + ")") }
            return value
        }
    }
}

/// Every option a run can have, in one table. Edit `OptionCatalog.all` to add options; the spec
/// decoder, the grid, the JSON Schema and the run keys all follow it.
///
/// Keys hash every applicable option's value, so adding an option to a study changes that study's
/// keys, while changing a default changes only the keys of runs whose value changes.
public enum OptionCatalog {
    private static let allStudies = Set(StudyKind.allCases)
    private static let training: Set<StudyKind> = [.train, .states]
    private static let taskStudies: Set<StudyKind> = [.train, .states]

    /// Initialiser names accepted by `init`, `init_ih`, `init_hh` (each optionally `-<positive number>`).
    public static let initSchemes = [
        "pytorch-default", "xavier-uniform", "xavier-normal", "kaiming-uniform", "kaiming-normal",
        "orthogonal", "identity", "normal",
    ]

    /// Validates an initialiser name such as `orthogonal`, `normal-0.01`, `identity-1.01`.
    @Sendable public static func checkInit(_ text: String) -> String? {
        for scheme in initSchemes {
            if text == scheme { return nil }
            let prefix = scheme + "-"
            if text.hasPrefix(prefix) {
                let rest = String(text.dropFirst(prefix.count))
                let plain = !rest.isEmpty && rest.allSatisfy { $0.isASCII && ($0.isNumber || ".eE+-".contains($0)) }
                if plain, let x = Double(rest), x.isFinite, x > 0 { return nil }
                return "the suffix after '\(scheme)-' must be a positive number"
            }
        }
        return "unknown initialiser" + SpecSuggestion.didYouMean(text, among: initSchemes)
    }

    @Sendable private static func checkInitOrEmpty(_ text: String) -> String? {
        text.isEmpty ? nil : checkInit(text)
    }

    private static let initSummary =
        "an initialiser: " + initSchemes.joined(separator: ", ") + ", optionally followed by -<positive number>"

    private static let initPattern =
        "^(" + initSchemes.joined(separator: "|") + ")(-[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?)?$"

    private static func unit(_ exclusiveMax: Bool = true) -> OptionType {
        .number(min: 0, max: 1, exclusiveMin: false, exclusiveMax: exclusiveMax)
    }
    private static let positive = OptionType.number(min: 0, max: nil, exclusiveMin: true, exclusiveMax: false)
    private static let nonNegative = OptionType.number(min: 0, max: nil, exclusiveMin: false, exclusiveMax: false)

    /// The table. Order here is the order of options in `spec.resolved.json` and in a record's config.
    public static let all: [OptionSpec] = [
        // model
        OptionSpec("cell", [.model], .choice(["rnn", "lstm", "gru", "ln-rnn"]), default: .string("rnn"),
                   studies: allStudies, "recurrent cell"),
        OptionSpec("nonlinearity", [.model], .choice(["tanh", "relu"]), default: .string("tanh"),
                   studies: allStudies, "activation of the plain RNN cell"),
        OptionSpec("input", [.model], .int(min: 1, max: nil), default: .number(1), studies: allStudies, "input width"),
        OptionSpec("hidden", [.model], .int(min: 1, max: nil), default: .number(10), studies: allStudies, "hidden width"),
        OptionSpec("layers", [.model], .int(min: 1, max: nil), default: .number(1), studies: allStudies, "stacked layers"),
        OptionSpec("init", [.model], .string(summary: initSummary, pattern: initPattern, validate: checkInit),
                   default: .string("pytorch-default"), studies: allStudies, "weight initialiser"),
        OptionSpec("init_ih", [.model], .string(summary: "\"\" (same as init) or " + initSummary, pattern: "^$|" + initPattern, validate: checkInitOrEmpty),
                   default: .string(""), studies: allStudies, "input-to-hidden initialiser (empty: same as init)"),
        OptionSpec("init_hh", [.model], .string(summary: "\"\" (same as init) or " + initSummary, pattern: "^$|" + initPattern, validate: checkInitOrEmpty),
                   default: .string(""), studies: allStudies, "hidden-to-hidden initialiser (empty: same as init)"),
        OptionSpec("h0", [.model], .choice(["zeros", "random", "learnable"]), default: .string("zeros"),
                   studies: allStudies, "initial hidden state"),
        OptionSpec("dtype", [.model], .choice(["float32", "float64"]), default: .string("float32"),
                   studies: allStudies, "floating-point precision"),
        OptionSpec("numerics", [.model], .choice(["reproducible", "openblas"]), default: .string("reproducible"),
                   studies: allStudies,
                   "matrix products: reproducible (the project's fixed-order kernels, the same bits on every CPU) or openblas (opt-in, machine-dependent bits); one value per spec",
                   varies: false),
        // weights in and out (safetensors; SpecWeights: keyed only when set)
        OptionSpec("weights", [.model], .string(summary: "a safetensors file (relative to the spec) or \"\" (an initialiser)", pattern: nil, validate: { _ in nil }),
                   default: .string(""), studies: allStudies, "start every run from these weights instead of an initialiser"),
        OptionSpec("weights_prefix", [.model], .string(summary: "a tensor-name prefix such as \"rnn.\" or \"\"", pattern: nil, validate: { _ in nil }),
                   default: .string("rnn."), studies: allStudies, "prefix of the nn.RNN/nn.LSTM/nn.GRU tensors in the weights file", varies: false),
        OptionSpec("weights_head_prefix", [.model], .string(summary: "a tensor-name prefix such as \"fc.\"", pattern: nil, validate: { _ in nil }),
                   default: .string("head."), studies: allStudies, "prefix of the nn.Linear head's weight and bias in the weights file", varies: false),
        // study_options (seq_len is shared with task)
        OptionSpec("seq_len", [.studyOptions, .task], .int(min: 1, max: 100_000), default: .number(10),
                   studies: [.gradientFlow, .train, .states], "sequence length (one value shared by study_options and task)"),
        OptionSpec("batch", [.studyOptions], .int(min: 1, max: nil), default: .number(1),
                   studies: [.gradientFlow], "sequences per measurement"),
        OptionSpec("steps", [.studyOptions], .int(min: 1, max: nil), default: .number(50),
                   studies: [.propagation], "multiplications by W_hh^T"),
        OptionSpec("derivative", [.studyOptions], .choice(["none", "tanh"]), default: .string("none"),
                   studies: [.propagation], "tanh derivative along a forward trajectory (tanh) or none"),
        OptionSpec("truncation", [.studyOptions], .int(min: 0, max: nil), default: .number(0),
                   studies: [.gradientFlow, .train, .states], "truncated BPTT window k (0 = full BPTT)"),
        // training
        OptionSpec("optimizer", [.training], .choice(["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]),
                   default: .string("adam"), studies: training, "optimiser"),
        OptionSpec("lr", [.training], positive, default: .number(0.01), studies: training, "learning rate"),
        OptionSpec("momentum", [.training], unit(), default: .number(0.9), studies: training, "momentum coefficient"),
        OptionSpec("weight_decay", [.training], nonNegative, default: .number(0), studies: training, "weight decay"),
        OptionSpec("clip", [.training], .choice(["none", "norm", "value"]), default: .string("none"),
                   studies: training, "gradient clipping"),
        OptionSpec("max_norm", [.training], positive, default: .number(5), studies: training, "norm clipping threshold"),
        OptionSpec("clip_value", [.training], positive, default: .number(5), studies: training, "value clipping threshold"),
        OptionSpec("schedule", [.training], .choice(["constant", "step", "warmup", "plateau"]), default: .string("constant"),
                   studies: training, "learning-rate schedule"),
        OptionSpec("lr_step_size", [.training], .int(min: 1, max: nil), default: .number(100), studies: training,
                   "updates between learning-rate drops (schedule step)"),
        OptionSpec("lr_gamma", [.training], .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: false), default: .number(0.1),
                   studies: training, "learning-rate factor per drop (schedule step)"),
        OptionSpec("warmup_steps", [.training], .int(min: 1, max: nil), default: .number(100), studies: training,
                   "warm-up updates (schedule warmup: lr * H^-0.5 * min(s^-0.5, s * w^-1.5))"),
        OptionSpec("plateau_factor", [.training], .number(min: 0, max: 1, exclusiveMin: true, exclusiveMax: true), default: .number(0.5),
                   studies: training, "learning-rate factor on a plateau (schedule plateau)"),
        OptionSpec("plateau_patience", [.training], .int(min: 0, max: nil), default: .number(5), studies: training,
                   "epochs without validation improvement before a drop (schedule plateau)"),
        OptionSpec("epochs", [.training], .int(min: 1, max: nil), default: .number(20), studies: training, "training epochs"),
        OptionSpec("batch_size", [.training], .int(min: 1, max: nil), default: .number(32), studies: training, "minibatch size"),
        OptionSpec("dropout_input", [.training], unit(), default: .number(0), studies: training, "dropout on inputs"),
        OptionSpec("dropout_output", [.training], unit(), default: .number(0), studies: training, "dropout on outputs"),
        OptionSpec("dropout_between", [.training], unit(), default: .number(0), studies: training, "dropout between layers"),
        OptionSpec("save_weights", [.training], .bool, default: .bool(false), studies: [.train, .states],
                   "write each run's final parameters to weights/<key>.safetensors (PyTorch names)", varies: false),
        OptionSpec("early_stopping_patience", [.training], .int(min: 0, max: nil), default: .number(0),
                   studies: training, "epochs without improvement before stopping (0 = never)"),
        // task
        OptionSpec("task", [.task], .choice(["binary-sum", "adding", "copy", "temporal-order", "char-lm", "tagging"]),
                   default: .string("binary-sum"), studies: taskStudies, "sequence task"),
        OptionSpec("samples", [.task], .int(min: 1, max: nil), default: .number(1000), studies: taskStudies, "training samples"),
        OptionSpec("validation_samples", [.task], .int(min: 1, max: nil), default: .number(100), studies: taskStudies, "validation samples"),
        OptionSpec("test_samples", [.task], .int(min: 1, max: nil), default: .number(100), studies: taskStudies, "test samples"),
    ]

    private static let byName: [String: OptionSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The option called `name`, if any.
    public static func option(named name: String) -> OptionSpec? { byName[name] }

    /// Options written in `block`, in table order.
    public static func options(in block: OptionBlock) -> [OptionSpec] { all.filter { $0.blocks.contains(block) } }

    /// Options of a run of `study`, in table order.
    public static func options(for study: StudyKind) -> [OptionSpec] { all.filter { $0.applies(to: study) } }
}

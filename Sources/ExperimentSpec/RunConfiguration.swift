/// One fully resolved run: the study, the seed and every option the study uses with its value
/// (default < block value < grid axis value), in `OptionCatalog.all` order.
public struct RunConfiguration: Sendable {
    /// A problem reading an option from a configuration (a programming error in an executor).
    public struct AccessError: Error, Sendable, CustomStringConvertible {
        public var option: String
        public var problem: String
        public var description: String { "option '\(option)': \(problem)" }

        package init(option: String, problem: String) {
            self.option = option
            self.problem = problem
        }
    }

    public let study: StudyKind
    public let seed: Int
    /// Every applicable option and its value, in catalogue order.
    public let options: [(name: String, value: JSONValue)]
    /// The grid axes' values for this run, in spec order (`seed` included when it is an axis).
    /// Informational: the key depends only on `study`, `seed` and `options`.
    public let axes: [(name: String, value: JSONValue)]
    /// The identity of the run.
    public let key: RunKey
    /// The weights the run starts from (`model.weights`; their digest is the option `weights_sha256`).
    public internal(set) var initialWeights: SpecWeights?
    /// Where a `train` run with `save_weights` writes `<key>.safetensors` (set by `experiments run`).
    public package(set) var weightsDirectory: String?

    public init(study: StudyKind, seed: Int, options: [(name: String, value: JSONValue)],
                axes: [(name: String, value: JSONValue)] = []) {
        self.init(study: study, seed: seed, options: options, axes: axes,
                  canonicalOrder: RunConfiguration.canonicalOrder(of: options.map(\.name)))
    }

    /// `canonicalOrder` is ``canonicalOrder(of:)`` of the options' names (the same for every run of
    /// a grid, so a grid sorts them once).
    init(study: StudyKind, seed: Int, options: [(name: String, value: JSONValue)],
         axes: [(name: String, value: JSONValue)], canonicalOrder: [Int]) {
        self.study = study
        self.seed = seed
        self.options = options
        self.axes = axes
        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        JSONValue.writeObject(order: canonicalOrder, sortingKeys: true, to: &canonical) { i in
            RunConfiguration.member(i, study: study, seed: seed, options: options)
        }
        self.key = RunKey(canonicalBytes: canonical)
    }

    /// The order in which the members of ``document`` appear in its canonical text: indices into
    /// `optionNames` followed by `seed` (index `optionNames.count`) and `study` (the next), sorted
    /// by name.
    static func canonicalOrder(of optionNames: [String]) -> [Int] {
        JSONValue.canonicalOrder(of: optionNames + ["seed", "study"])
    }

    /// The configuration as one flat object: every option plus `seed` and `study`.
    public var document: JSONValue { RunConfiguration.document(study: study, seed: seed, options: options) }

    /// Sorted keys, no whitespace: the text the key hashes.
    public var canonicalJSON: String { document.canonicalText }

    private static func document(study: StudyKind, seed: Int, options: [(name: String, value: JSONValue)]) -> JSONValue {
        .object((0..<(options.count + 2)).map { member($0, study: study, seed: seed, options: options) })
    }

    /// Member `i` of ``document``: the options in order, then `seed`, then `study`.
    private static func member(_ i: Int, study: StudyKind, seed: Int, options: [(name: String, value: JSONValue)])
        -> (key: String, value: JSONValue) {
        switch i {
        case options.count: ("seed", .number(Double(seed)))
        case options.count + 1: ("study", .string(study.rawValue))
        default: (options[i].name, options[i].value)
        }
    }

    /// The value of `name` (an option, `seed` or `study`), or nil when the run has no such option.
    public func value(_ name: String) -> JSONValue? {
        switch name {
        case "seed": return .number(Double(seed))
        case "study": return .string(study.rawValue)
        default: return options.first { $0.name == name }?.value
        }
    }

    /// An integer option, e.g. `try config.int("hidden")`.
    public func int(_ name: String) throws(AccessError) -> Int {
        guard case let .number(n) = try required(name), n == n.rounded(), Swift.abs(n) < 9.0e15 else {
            throw AccessError(option: name, problem: "not an integer")
        }
        return Int(n)
    }

    /// A number option, e.g. `try config.double("lr")`.
    public func double(_ name: String) throws(AccessError) -> Double {
        guard case let .number(n) = try required(name) else { throw AccessError(option: name, problem: "not a number") }
        return n
    }

    /// A string option, e.g. `try config.string("init")`.
    public func string(_ name: String) throws(AccessError) -> String {
        guard case let .string(s) = try required(name) else { throw AccessError(option: name, problem: "not a string") }
        return s
    }

    /// A boolean option.
    public func bool(_ name: String) throws(AccessError) -> Bool {
        guard case let .bool(b) = try required(name) else { throw AccessError(option: name, problem: "not a boolean") }
        return b
    }

    private func required(_ name: String) throws(AccessError) -> JSONValue {
        guard let v = value(name) else {
            throw AccessError(option: name, problem: "not an option of study '\(study.rawValue)'")
        }
        return v
    }
}

/// A decoded, validated experiment spec (format version 1). Build one with `SpecDecoder`.
public struct Spec: Sendable {
    /// The highest spec format version this program reads.
    public static let supportedVersion = 1

    /// The file it was read from (or "<spec>").
    public let file: String
    public let version: Int
    /// `[A-Za-z0-9._-]+`; names the results folder.
    public let name: String
    public let description: String?
    public let study: StudyKind
    /// Option values written in the blocks (`model`, `training`, `task`, `study_options`), catalogue order.
    public let blockValues: [(name: String, value: JSONValue)]
    public let grid: Grid
    /// The grid exactly as written (kept for `spec.resolved.json`).
    public let gridDocument: JSONValue
    /// The `charts` array, untouched (for the charts module).
    public let charts: JSONValue
    /// The `expect` array, untouched (for the expectation checker).
    public let expect: JSONValue
    /// The weights files the spec names (`model.weights`, as a block value or on a grid axis), by path as written.
    public let weights: [String: SpecWeights]
    /// False for a results folder's `spec.resolved.json` decoded for its charts (weights not read).
    public let weightsRead: Bool

    init(file: String, version: Int, name: String, description: String?, study: StudyKind,
         blockValues: [(name: String, value: JSONValue)], grid: Grid, gridDocument: JSONValue,
         charts: JSONValue, expect: JSONValue, weights: [String: SpecWeights] = [:], weightsRead: Bool = true) {
        self.weights = weights
        self.weightsRead = weightsRead
        self.file = file
        self.version = version
        self.name = name
        self.description = description
        self.study = study
        self.blockValues = blockValues
        self.grid = grid
        self.gridDocument = gridDocument
        self.charts = charts
        self.expect = expect
    }

    /// The value of option `name` before grid axes apply: the block value, else the default.
    public func baseValue(of option: OptionSpec) -> JSONValue {
        blockValues.first { $0.name == option.name }?.value ?? option.defaultValue
    }

    /// The options of this spec's runs: the study's options, without those of ``SpecWeights``
    /// that the spec leaves at their default (so specs without them keep their keys).
    public var runOptions: [OptionSpec] {
        OptionCatalog.options(for: study).filter { option in
            !SpecWeights.optionNames.contains(option.name) || baseValue(of: option) != option.defaultValue
                || grid.axisNames.contains(option.name)
        }
    }

    /// Every run of the grid in grid order (first axis slowest), after `where` / `exclude`.
    /// Throws when two points resolve to the same configuration or no run is left.
    public func configurations() throws(SpecError) -> [RunConfiguration] {
        if !weightsRead, runOptions.contains(where: { $0.name == "weights" }) {
            throw SpecError(file: file, path: "model.weights", expected: "the spec itself (pass --spec SPEC): its weights files are relative to it",
                            found: "a results folder's spec.resolved.json")
        }
        let options = runOptions
        let base = options.map { (name: $0.name, value: baseValue(of: $0)) }
        let canonicalOrder = RunConfiguration.canonicalOrder(of: base.map(\.name))
        var result: [RunConfiguration] = []
        var seen = Set<RunKey>()
        var duplicate: RunConfiguration?
        // Where each axis of a point goes among the options (nil: the seed, or not an option).
        var targets: [Int?] = []
        grid.forEachPoint { (assignment: [(name: String, value: JSONValue)]) in
            if targets.isEmpty {
                targets = assignment.map { axis in axis.name == "seed" ? nil : base.firstIndex { $0.name == axis.name } }
            }
            var values = base
            var seed = 0
            for ((name, value), target) in zip(assignment, targets) {
                if let target {
                    values[target].value = value
                } else if name == "seed", case let .number(n) = value {
                    seed = Int(n)
                }
            }
            var config = RunConfiguration(study: study, seed: seed, options: values, axes: assignment,
                                          canonicalOrder: canonicalOrder)
            if case let .string(path)? = config.value("weights"), let loaded = weights[path] {
                // The file's digest is part of the key: a changed file is a new run.
                config = RunConfiguration(study: study, seed: seed, options: values + [("weights_sha256", .string(loaded.digest))],
                                          axes: assignment)
                config.initialWeights = loaded
            }
            guard grid.admits(config) else { return }
            if !seen.insert(config.key).inserted, duplicate == nil { duplicate = config }
            result.append(config)
        }
        if let duplicate {
            throw SpecError(file: file, path: "grid", expected: "distinct runs",
                            found: "the same run twice (" + duplicate.axes.map { "\($0.name)=\($0.value.excerpt)" }
                                .joined(separator: " ") + ")")
        }
        if result.isEmpty {
            throw SpecError(file: file, path: "grid", expected: "at least one run", found: "'where'/'exclude' leave no runs")
        }
        var checked = Set<String>()
        for config in result {
            guard let loaded = config.initialWeights else { continue }
            let shape = ["cell", "input", "hidden", "layers", "h0", "task", "seq_len"].map { config.value($0)?.excerpt ?? "" }.joined(separator: " ")
            guard checked.insert(loaded.path + " " + shape).inserted else { continue }
            do { try loaded.check(config) } catch { throw error.inFile(file) }
        }
        return result
    }

    /// The spec with every default filled in (what `spec.resolved.json` holds). Decoding it again gives
    /// the same runs and the same resolved document.
    public var resolvedDocument: JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [("version", .number(Double(version))), ("name", .string(name))]
        if let description { pairs.append(("description", .string(description))) }
        pairs.append(("study", .string(study.rawValue)))
        for block in OptionBlock.allCases {
            let members = runOptions.filter { $0.blocks.first == block }
            if members.isEmpty { continue }
            pairs.append((block.rawValue, .object(members.map { ($0.name, baseValue(of: $0)) })))
        }
        pairs.append(("grid", gridDocument))
        if charts != .null { pairs.append(("charts", charts)) }
        pairs.append(("expect", expect))
        return .object(pairs)
    }
}

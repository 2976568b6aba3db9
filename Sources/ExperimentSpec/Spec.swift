/// A decoded, validated experiment spec (format version 1). Build one with `SpecDecoder`.
public struct Spec: Sendable {
    /// The highest spec format version this program reads.
    public static let supportedVersion = 1

    /// Longest `name` (it becomes a folder name and a part of file names).
    public static let maximumNameLength = 100

    /// What a valid `name` looks like, for error messages.
    static let nameRule = "a name of 1 to \(maximumNameLength) letters, digits, '.', '_' or '-', not starting with '.' or '-'"

    /// Whether `name` can name a results folder: ASCII letters, digits, `.`, `_`, `-`, at most
    /// ``maximumNameLength`` characters, not starting with `.` or `-`.
    public static func isValidName(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, first != ".", first != "-", scalars.count <= maximumNameLength else { return false }
        return scalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
            default: false
            }
        }
    }

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
    /// The `charts` array as written (for `spec.resolved.json`; ``chartSpecs`` is it decoded).
    public let charts: JSONValue
    /// The `expect` array as written (for `spec.resolved.json`; ``expectations`` is it decoded).
    public let expect: JSONValue
    /// The charts, decoded and checked against the grid and the study's outputs (nil: the study's defaults).
    public let chartSpecs: [ChartSpec]?
    /// The expectations, decoded and checked against the grid and the study's outputs.
    public let expectations: [Expectation]
    /// The `derived` block: named metric expressions (empty when absent).
    public internal(set) var derived = DerivedMetrics()
    /// The weights files the spec names (`model.weights`, as a block value or on a grid axis), by path as written.
    public let weights: [String: SpecWeights]
    /// False for a results folder's `spec.resolved.json` decoded for its charts (weights not read).
    public let weightsRead: Bool

    init(file: String, version: Int, name: String, description: String?, study: StudyKind,
         blockValues: [(name: String, value: JSONValue)], grid: Grid, gridDocument: JSONValue,
         charts: JSONValue, expect: JSONValue, chartSpecs: [ChartSpec]?, expectations: [Expectation],
         weights: [String: SpecWeights] = [:], weightsRead: Bool = true) {
        self.chartSpecs = chartSpecs
        self.expectations = expectations
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

    /// Whether a run of the grid starts from a weights file (`model.weights` set, or on an axis).
    public var usesWeights: Bool {
        guard let option = OptionCatalog.option(named: "weights") else { return false }
        return baseValue(of: option) != option.defaultValue || grid.axisNames.contains(option.name)
    }

    /// Counts the runs of the grid without building them (after `where` / `exclude`, with points
    /// that differ only in options that do not apply collapsed). Throws when no run is left or a
    /// run would not fit in memory.
    public func runCount() throws(SpecError) -> (runs: Int, collapsed: Int) {
        let summary = try walk(GridWalk(spec: self))
        return (summary.runs, summary.collapsed)
    }

    /// Walks the grid, attributing errors to this spec's file; no run left is an error.
    private func walk(_ walk: GridWalk, _ body: (GridWalk.Point) -> Void = { _ in }) throws(SpecError) -> GridWalk.Summary {
        let summary: GridWalk.Summary
        do throws(SpecError) {
            summary = try walk.walk(body)
        } catch {
            throw error.inFile(file)
        }
        if summary.runs == 0 {
            throw SpecError(file: file, path: "grid", expected: "at least one run", found: "'where'/'exclude' leave no runs")
        }
        return summary
    }

    /// Every run of the grid in grid order (first axis slowest), after `where` / `exclude`; a grid
    /// axis value of an option that does not apply to a run is dropped from it (the run keeps the
    /// base value and does not list the axis), and runs that became equal are listed once.
    public func configurations() throws(SpecError) -> [RunConfiguration] {
        if !weightsRead, usesWeights {
            throw SpecError(file: file, path: "model.weights", expected: "the spec itself (pass --spec SPEC): its weights files are relative to it",
                            found: "a results folder's spec.resolved.json")
        }
        let walk = GridWalk(spec: self)
        let canonicalOrder = RunConfiguration.canonicalOrder(of: walk.options.map(\.name))
        // Opt-in options (``OptionSpec/omittedAtDefault``) at their default are left out of a run, so
        // its key is the one it had before the option existed.
        let optional = walk.options.indices.filter { walk.options[$0].omittedAtDefault }
        var result: [RunConfiguration] = []
        _ = try self.walk(walk) { point in
            var values = zip(walk.options, walk.base).map { (name: $0.name, value: $1) }
            var axes: [(name: String, value: JSONValue)] = []
            for (a, axis) in grid.axes.enumerated() {
                for (m, name) in axis.names.enumerated() {
                    guard let target = walk.targets[a][m] else {
                        axes.append((name, axis.points[point[a]][m]))
                        continue
                    }
                    guard walk.applies(target, at: point) else { continue }
                    values[target].value = axis.points[point[a]][m]
                    axes.append((name, axis.points[point[a]][m]))
                }
            }
            if let i = walk.seqLen, let derived = walk.derivedSeqLen(at: point) { values[i].value = derived }
            let omitted = optional.filter { values[$0].value == walk.options[$0].defaultValue }
            var options = omitted.isEmpty ? values : values.indices.filter { !omitted.contains($0) }.map { values[$0] }
            // A weights file's digest is part of the key: a changed file is a new run.
            var loaded: SpecWeights?
            if case let .string(path)? = options.first(where: { $0.name == "weights" })?.value, let file = weights[path] {
                options.append(("weights_sha256", .string(file.digest)))
                loaded = file
            }
            let seed = walk.seed(at: point)
            var config = omitted.isEmpty && loaded == nil
                ? RunConfiguration(study: study, seed: seed, options: options, axes: axes, canonicalOrder: canonicalOrder)
                : RunConfiguration(study: study, seed: seed, options: options, axes: axes)
            config.initialWeights = loaded
            result.append(config)
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
            let members = OptionCatalog.options(for: study).filter {
                $0.blocks.first == block && !($0.omittedAtDefault && baseValue(of: $0) == $0.defaultValue)
            }
            if members.isEmpty { continue }
            pairs.append((block.rawValue, .object(members.map { ($0.name, baseValue(of: $0)) })))
        }
        pairs.append(("grid", gridDocument))
        if let derived = derived.document { pairs.append(("derived", derived)) }
        if charts != .null { pairs.append(("charts", charts)) }
        pairs.append(("expect", expect))
        return .object(pairs)
    }
}

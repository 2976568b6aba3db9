import Foundation
import Interchange

/// Reads and validates specs. Every problem is a `SpecError` naming the file and the JSON path.
public enum SpecDecoder {
    /// The top-level keys, in the order `spec.resolved.json` writes them.
    public static let topLevelKeys = [
        "version", "name", "description", "study", "model", "training", "task", "study_options", "grid", "derived", "charts",
        "expect",
    ]

    /// Reads the spec at `path` (`-`: standard input). A missing, unreadable or non-JSON file,
    /// or text that is not UTF-8, is a `SpecError` too.
    public static func load(path: String) throws(SpecError) -> Spec {
        try decode(bytes: SpecSource.read(path: path), file: SpecSource.displayName(of: path))
    }

    /// Reads the spec at `path` and applies command-line `overrides` (``SpecOverride``) before
    /// decoding; an error at a path an override wrote names the override.
    public static func load(path: String, overrides: [SpecOverride]) throws(SpecError) -> Spec {
        guard !overrides.isEmpty else { return try load(path: path) }
        let file = SpecSource.displayName(of: path)
        var document = try parse(bytes: SpecSource.read(path: path), file: file)
        for override in overrides {
            do throws(SpecError) {
                document = try override.applied(to: document)
            } catch {
                throw error.inFile(file)
            }
        }
        do throws(SpecError) {
            return try decode(document, file: file)
        } catch {
            guard let culprit = overrides.last(where: { error.path == $0.path || error.path.hasPrefix($0.path + ".")
                || error.path.hasPrefix($0.path + "[") }) else { throw error }
            var named = error
            named.found += " (from the command-line override '\(culprit.text)')"
            throw named
        }
    }

    /// Decodes spec text.
    public static func decode(text: String, file: String = "<spec>") throws(SpecError) -> Spec {
        try decode(bytes: Array(text.utf8), file: file)
    }

    /// Decodes the `spec.resolved.json` of a results folder without reading the weights files it
    /// names (their paths are relative to the original spec): enough for charts; its
    /// ``Spec/configurations()`` then ask for the spec itself.
    package static func decodeResults(text: String, file: String) throws(SpecError) -> Spec {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: Array(text.utf8))
        } catch {
            throw SpecError(file: file, path: "", expected: "valid JSON", found: "line \(error.line), column \(error.column): \(error.message)")
        }
        do throws(SpecError) {
            return try decodeDocument(document, file: file, readsWeights: false)
        } catch {
            throw error.inFile(file)
        }
    }

    /// Decodes spec bytes (UTF-8 JSON; a byte-order mark is skipped).
    public static func decode(bytes: [UInt8], file: String = "<spec>") throws(SpecError) -> Spec {
        try decode(try parse(bytes: bytes, file: file), file: file)
    }

    /// Parses spec bytes into a document (UTF-8 JSON; a byte-order mark is skipped).
    static func parse(bytes: [UInt8], file: String) throws(SpecError) -> JSONValue {
        let document: JSONValue
        let text = try SpecSource.utf8Text(bytes, file: file)
        do {
            document = try JSONParser.parse(bytes: text, finiteNumbersOnly: true)
        } catch {
            if let path = error.path {  // valid JSON, but a number no Double holds
                throw SpecError(file: file, path: path, expected: "a number of magnitude below about 1.8e308",
                                found: "line \(error.line), column \(error.column): \(error.message)")
            }
            throw SpecError(file: file, path: "", expected: "valid JSON",
                            found: "line \(error.line), column \(error.column): \(error.message)")
        }
        return document
    }

    /// Decodes a parsed spec document.
    public static func decode(_ document: JSONValue, file: String = "<spec>") throws(SpecError) -> Spec {
        do throws(SpecError) {
            return try decodeDocument(document, file: file)
        } catch {
            throw error.inFile(file)
        }
    }

    private static func decodeDocument(_ document: JSONValue, file: String, readsWeights: Bool = true) throws(SpecError) -> Spec {
        guard case let .object(pairs) = document else {
            throw SpecError(path: "", expected: "a JSON object", found: document.typeDescription)
        }
        for pair in pairs where !topLevelKeys.contains(pair.key) {
            throw SpecError(path: pair.key, expected: "one of the keys " + topLevelKeys.joined(separator: ", "),
                            found: "unknown key '\(pair.key)'" + SpecSuggestion.didYouMean(pair.key, among: topLevelKeys))
        }
        // version
        guard let versionValue = document["version"] else {
            throw SpecError(path: "version", expected: "\"version\": \(Spec.supportedVersion)", found: "no version")
        }
        guard case let .number(v) = versionValue, v == v.rounded(), v >= 1 else {
            throw SpecError(path: "version", expected: "a positive integer version", found: versionValue.excerpt)
        }
        guard v <= Double(Spec.supportedVersion) else {
            throw SpecError(path: "version", expected: "version \(Spec.supportedVersion) or lower (the highest supported is \(Spec.supportedVersion))",
                            found: versionValue.excerpt)
        }
        // name
        guard let nameValue = document["name"] else {
            throw SpecError(path: "name", expected: Spec.nameRule, found: "no name")
        }
        guard case let .string(name) = nameValue, Spec.isValidName(name) else {
            throw SpecError(path: "name", expected: Spec.nameRule + " (it names the results folder)",
                            found: nameValue.excerpt + (nameValue.isLongString(Spec.maximumNameLength) ? " (too long)" : ""))
        }
        // description
        var description: String?
        if let d = document["description"] {
            guard case let .string(text) = d else {
                throw SpecError(path: "description", expected: "a string", found: d.typeDescription)
            }
            description = text
        }
        // study
        let studyNames = StudyKind.allCases.map(\.rawValue)
        guard let studyValue = document["study"] else {
            throw SpecError(path: "study", expected: "one of " + studyNames.joined(separator: ", "), found: "no study")
        }
        guard case let .string(studyName) = studyValue, let study = StudyKind(rawValue: studyName) else {
            let hint: String
            if case let .string(s) = studyValue { hint = SpecSuggestion.didYouMean(s, among: studyNames) } else { hint = "" }
            throw SpecError(path: "study", expected: "one of " + studyNames.joined(separator: ", "), found: studyValue.excerpt + hint)
        }
        // option blocks
        var values: [String: (value: JSONValue, path: String)] = [:]
        for pair in pairs {  // document order, so a conflict is reported where it is written second
            guard let block = OptionBlock(rawValue: pair.key) else { continue }
            try decodeBlock(pair.value, block: block, study: study, into: &values)
        }
        let blockValues = OptionCatalog.all.compactMap { option in
            values[option.name].map { (name: option.name, value: $0.value) }
        }
        // grid
        let gridDocument = document["grid"] ?? .object([])
        let grid = try Grid(decoding: gridDocument, study: study)
        // charts (absent: the study's default charts), expect; checked by the charts module below
        let charts = document["charts"] ?? .null
        if charts != .null, case .array = charts {} else if charts != .null {
            throw SpecError(path: "charts", expected: "an array of charts", found: charts.typeDescription)
        }
        let expect = document["expect"] ?? .array([])
        guard case .array = expect else {
            throw SpecError(path: "expect", expected: "an array of expectations", found: expect.typeDescription)
        }
        // charts and expectations: decoded once into types and checked against the grid and the study
        let outputs = StudyOutputs.of(study)
        // Expressions read the study's metrics and the numeric axes (columns of runs.csv too).
        let derived = try DerivedMetrics.parse(document["derived"], file: file,
                                               isMetric: SpecReferences.isMetric(outputs, grid: grid),
                                               metricCandidates: SpecReferences.metricCandidates(outputs, grid: grid))
        for name in derived.names where grid.axisNames.contains(name) || grid.labelAxes.contains(where: { $0.name == name }) {
            throw SpecError(file: file, path: JSONPath.child(derived.path, name), expected: "a name that is not a grid axis",
                            found: "'\(name)', an axis of the grid")
        }
        let references = SpecReferences(file: file, grid: grid, study: study, derived: derived,
                                        tasks: taskValues(study: study, blockValues: blockValues, grid: grid))
        let chartSpecs = charts == .null ? nil : try ChartSpec.parseAll(charts, file: file)
        for chart in chartSpecs ?? [] { try references.check(chart) }
        let expectations = try Expectation.parseAll(expect, file: file)
        for expectation in expectations { try references.check(expectation) }
        let weights = readsWeights ? try loadWeights(blockValues: blockValues, study: study, grid: grid, file: file) : [:]
        var spec = Spec(file: file, version: Int(v), name: name, description: description, study: study,
                        blockValues: blockValues, grid: grid, gridDocument: gridDocument, charts: charts, expect: expect,
                        chartSpecs: chartSpecs, expectations: expectations, weights: weights, weightsRead: readsWeights)
        spec.derived = derived
        try spec.checkConditions(blockPaths: values.mapValues(\.path))
        try spec.checkLyapunovOptions()
        try spec.checkInitGainAndCopyLag(blockPaths: values.mapValues(\.path))
        return spec
    }

    /// Reads every weights file the spec names (`model.weights` and the values of a `weights` axis).
    /// Every task a run of the spec may have (nil for a study without tasks, or a task axis of
    /// non-string values).
    private static func taskValues(study: StudyKind, blockValues: [(name: String, value: JSONValue)], grid: Grid) -> Set<String>? {
        guard let option = OptionCatalog.option(named: "task"), option.applies(to: study) else { return nil }
        if let axis = grid.axes.first(where: { $0.names.contains("task") }), let i = axis.names.firstIndex(of: "task") {
            var tasks: Set<String> = []
            for point in axis.points {
                guard i < point.count, case let .string(task) = point[i] else { return nil }
                tasks.insert(task)
            }
            return tasks
        }
        if case let .string(task) = blockValues.first(where: { $0.name == "task" })?.value ?? option.defaultValue { return [task] }
        return nil
    }

    private static func loadWeights(blockValues: [(name: String, value: JSONValue)], study: StudyKind, grid: Grid,
                                    file: String) throws(SpecError) -> [String: SpecWeights] {
        let settings: RunSettings
        do {
            settings = try RunSettings(study: study, seed: 0) { name in blockValues.first { $0.name == name }?.value }
        } catch {
            throw SpecError(path: "model", expected: "options that fit their settings", found: error.description)
        }
        var paths: [(String, String)] = []
        if !settings.weights.path.isEmpty { paths.append((settings.weights.path, "model.weights")) }
        for axis in grid.axes {
            guard let column = axis.names.firstIndex(of: "weights") else { continue }
            for point in axis.points {
                if case let .string(p) = point[column], !p.isEmpty { paths.append((p, axis.path)) }
            }
        }
        let binding = WeightsBinding(prefix: settings.weights.prefix, headPrefix: settings.weights.headPrefix)
        var loaded: [String: SpecWeights] = [:]
        for (path, at) in paths where loaded[path] == nil {
            loaded[path] = try SpecWeights.load(path: path, specFile: file, binding: binding, at: at)
        }
        return loaded
    }

    private static func decodeBlock(_ value: JSONValue, block: OptionBlock, study: StudyKind,
                                    into values: inout [String: (value: JSONValue, path: String)]) throws(SpecError) {
        let path = block.rawValue
        guard case let .object(pairs) = value else {
            throw SpecError(path: path, expected: "an object of \(block.rawValue) options", found: value.typeDescription)
        }
        let names = OptionCatalog.options(in: block).map(\.name)
        for pair in pairs {
            let keyPath = JSONPath.child(path, pair.key)
            guard let option = OptionCatalog.option(named: pair.key), option.blocks.contains(block) else {
                var found = "unknown key '\(pair.key)'"
                if let other = OptionCatalog.option(named: pair.key), let home = other.blocks.first {
                    found += " (it belongs in block '\(home.rawValue)')"
                } else {
                    found += SpecSuggestion.didYouMean(pair.key, among: names)
                }
                throw SpecError(path: keyPath, expected: "an option of block '\(block.rawValue)' (" + names.joined(separator: ", ") + ")",
                                found: found)
            }
            guard option.applies(to: study) else {
                throw SpecError(path: keyPath, expected: "an option used by study '\(study.rawValue)'",
                                found: "'\(pair.key)' (used by: \(option.studies.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            let normalised = try option.validate(pair.value, path: keyPath)
            if let earlier = values[pair.key], earlier.value != normalised {
                throw SpecError(path: keyPath, expected: "the same value as \(earlier.path) (one option, one value)",
                                found: normalised.excerpt + " vs " + earlier.value.excerpt)
            }
            values[pair.key] = (normalised, keyPath)
        }
    }
}

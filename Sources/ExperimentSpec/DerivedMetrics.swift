/// The spec's `derived` block: named metrics computed from a run's metrics by a
/// ``MetricExpression``, usable wherever a metric is (chart `x`/`y`, expectation `metric`,
/// expression bounds). They are computed when charts are drawn and expectations checked; runs.csv
/// and run keys are unchanged.
///
/// ```json
/// "derived": {"loss_vs_chance": "test_loss / (5 * ln(8) / 30)",
///             "decay_margin": "sigma_max.weight_hh_l0 - grad_decay_per_step"}
/// ```
/// A definition may use the study's metrics and the derived metrics defined before it.
public struct DerivedMetrics: Sendable, Equatable {
    /// Name, definition as written, and the definition with earlier derived names substituted.
    public private(set) var entries: [(name: String, text: String, expression: MetricExpression)] = []
    /// JSON path of the block.
    public var path = "derived"

    public init() {}

    public static func == (a: DerivedMetrics, b: DerivedMetrics) -> Bool {
        a.path == b.path && a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.text == $1.text }
    }

    public var names: [String] { entries.map(\.name) }

    /// The fully substituted definitions by name.
    public var expressions: [String: MetricExpression] {
        Dictionary(entries.map { ($0.name, $0.expression) }, uniquingKeysWith: { a, _ in a })
    }

    /// Words a derived metric may not be called (they mean something else in expressions).
    static let reserved = ["status", "pi"] + MetricExpression.Function.allCases.map(\.rawValue)

    /// Parses `derived` (nil or null: none). `isMetric` (when given) tells the study's metric names;
    /// a definition naming anything else fails, as does a derived name that shadows a metric.
    public static func parse(_ json: JSONValue?, file: String, isMetric: ((String) -> Bool)? = nil,
                             metricCandidates: [String] = []) throws(SpecError) -> DerivedMetrics {
        var result = DerivedMetrics()
        guard let json, json != .null else { return result }
        guard case let .object(pairs) = json else {
            throw SpecError(file: file, path: result.path, expected: "an object of name -> expression", found: json.typeDescription)
        }
        for (name, value) in pairs {
            let path = JSONPath.child(result.path, name)
            guard MetricExpression.isPlainName(name), !name.hasSuffix("."), !reserved.contains(name) else {
                throw SpecError(file: file, path: path, expected: "a name of letters, digits, '_' and '.', starting with a letter "
                                + "or '_' (not " + reserved.joined(separator: ", ") + ")", found: "'\(name)'")
            }
            if isMetric?(name) ?? false {
                throw SpecError(file: file, path: path, expected: "a name that is not a metric of the study", found: "'\(name)', a metric")
            }
            if result.names.contains(name) {
                throw SpecError(file: file, path: path, expected: "each derived name once", found: "'\(name)' again")
            }
            guard case let .string(text) = value else {
                throw SpecError(file: file, path: path, expected: "an expression string such as \"test_loss / 0.1732\"",
                                found: value.typeDescription)
            }
            let expression = try result.resolve(text, path: path, file: file, isMetric: isMetric,
                                                metricCandidates: metricCandidates)
            result.entries.append((name, text, expression))
        }
        return result
    }

    /// Parses a metric expression written at `path` and substitutes the derived metrics it names.
    /// With `isMetric`, every other name must be a metric of the study ("did you mean" otherwise).
    public func resolve(_ text: String, path: String, file: String, isMetric: ((String) -> Bool)? = nil,
                        metricCandidates: [String] = []) throws(SpecError) -> MetricExpression {
        let parsed: MetricExpression
        do {
            parsed = try MetricExpression.parse(text)
        } catch {
            throw SpecError(file: file, path: path, expected: error.expected + " at " + error.location(in: text), found: error.found)
        }
        let known = expressions
        if parsed.metricNames.contains("status"), !MetricExpression.isPlainName(text) {
            throw SpecError(file: file, path: path, expected: "numeric metrics in an expression (status is ok, diverged or failed)",
                            found: "'status' in \"\(text)\"")
        }
        if let isMetric {
            for name in parsed.metricNames where known[name] == nil && !isMetric(name) {
                let candidates = metricCandidates + names
                if name == "status" && !MetricExpression.isPlainName(text) {
                    throw SpecError(file: file, path: path, expected: "numeric metrics in an expression", found: "'status'")
                }
                throw SpecError(file: file, path: path,
                                expected: "a metric of the study or a derived metric (" + candidates.joined(separator: ", ") + ")",
                                found: "'\(name)'" + (MetricExpression.isPlainName(text) ? "" : " in \"\(text)\"")
                                    + SpecSuggestion.didYouMean(name, among: candidates))
            }
        }
        return parsed.substituting(known)
    }

    /// `derived` as written (for `spec.resolved.json`), or nil when empty.
    public var document: JSONValue? {
        entries.isEmpty ? nil : .object(entries.map { ($0.name, .string($0.text)) })
    }
}

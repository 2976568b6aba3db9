public import ExperimentSpec
import ExperimentRunner
/// Evaluates a spec's `expect` block against a results folder.
///
/// Rules: failed runs are left out of numeric checks (they count for `metric: "status"`);
/// for median/mean/min/max, NaN and missing values are excluded and counted in the detail; for
/// `all` and `fraction` a NaN or missing value does not satisfy the comparison. An expectation
/// whose `where` matches no run fails with "no runs match".
public enum ExpectationChecker {
    /// Checks every expectation of `spec` (nil: the folder's `spec.resolved.json`) against the
    /// results in `resultsDirectory`.
    public static func check(resultsDirectory: String, spec: Spec?) throws(CheckError) -> [ExpectationResult] {
        let data = try ReportData.load(directory: resultsDirectory, spec: spec, specError: CheckError.spec,
                                       resultsError: CheckError.results)
        let expectations = data.spec.expectations
        do {
            for expectation in expectations { try expectation.validate(axes: data.axisNames, file: data.specFile) }
        } catch {
            throw .spec(error)
        }
        var series: SeriesIndex?
        if expectations.contains(where: { if case .series = $0.selector { return true } else { return false } }) {
            do {
                series = try data.loadSeries()
            } catch {
                throw .results(error)
            }
        }
        return expectations.map { evaluate($0, data: data, series: series) }
    }

    /// An aligned table: name | observed | expected | PASS/FAIL, details of failures below, and a total.
    public static func table(_ results: [ExpectationResult]) -> String {
        let header = ["expectation", "observed", "expected", "result"]
        let rows = results.map { [$0.name, $0.observed, $0.expected, $0.passed ? "PASS" : "FAIL"] }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: " | ")
        }
        var text = line(header) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        for row in rows { text += line(row) + "\n" }
        for result in results where !result.passed && !result.detail.isEmpty {
            text += "FAIL \(result.name): \(result.detail)\n"
        }
        let passed = results.filter(\.passed).count
        text += "\(passed) of \(results.count) expectations passed\n"
        return text
    }

    // MARK: Evaluation

    private struct Cell {
        var runs: [ReportData.Run]
        var failed: Int
    }

    static func evaluate(_ e: Expectation, data: ReportData, series: SeriesIndex?) -> ExpectationResult {
        func result(_ observed: String, _ passed: Bool, _ detail: String = "") -> ExpectationResult {
            ExpectationResult(name: e.name, description: e.description, observed: observed, expected: e.expectedText,
                              passed: passed, detail: detail)
        }
        // The metric and any expression bounds, compiled once (a derived metric or expression reads several columns).
        var metricExpression: MetricExpression?
        var boundExpressions: [String: MetricExpression] = [:]
        var texts: [String] = []
        if case let .metric(name) = e.selector { texts.append(name) }
        if case let .value(comparison) = e.check { texts += comparison.expressionBounds.map(\.text) }
        for text in texts {
            guard let compiled = data.expression(text) else { return result("no column", false, "'\(text)' is not a metric expression") }
            if let name = data.missingColumns(compiled).first {
                var detail = "runs.csv has no column '\(name)'"
                if let hint = SpecSuggestion.closest(to: name, among: data.metrics) { detail += " (did you mean '\(hint)'?)" }
                return result("no column", false, detail)
            }
            if case .metric(text) = e.selector, metricExpression == nil { metricExpression = compiled } else { boundExpressions[text] = compiled }
        }
        let matched = data.runs.filter { e.filter.accepts($0.cells) }
        guard !matched.isEmpty else {
            let scope = e.filter.conditions.isEmpty ? "" : " where " + e.filter.summary
            return result("no runs", false, "no runs match" + scope)
        }
        if e.selector == .status {
            guard case let .value(.equals(wanted)) = e.check else { return result("-", false, "unsupported status check") }
            let hits = matched.filter { PlotAxis.cell($0.status, matches: wanted) }.count
            return proportion(e, hits: hits, total: matched.count, what: "runs", result: result)
        }
        var runs = matched.filter { $0.status != "failed" }
        var failedNote = matched.count > runs.count ? "\(matched.count - runs.count) failed run(s) left out" : ""
        guard !runs.isEmpty else { return result("no runs", false, "all matching runs failed") }
        // An empty cell: the metric does not apply to the run (accuracy on a regression task), which
        // is neither a pass nor a miss; `nan` (a value the run computed) still counts.
        if case let .metric(name) = e.selector {
            let applicable = runs.filter { data.cell(name, of: $0) != "" }
            guard !applicable.isEmpty else {
                return result("not applicable", false,
                              "'\(name)' does not apply to any matching run (its cells are empty, e.g. accuracy on a regression task)")
            }
            if applicable.count < runs.count {
                failedNote = [failedNote, "\(runs.count - applicable.count) run(s) where '\(name)' does not apply left out"]
                    .filter { !$0.isEmpty }.joined(separator: "; ")
            }
            runs = applicable
        }
        func value(_ run: ReportData.Run) -> Double? {
            switch e.selector {
            case .metric: return metricExpression.flatMap { data.value($0, of: run).number }
            case .status: return nil
            case let .series(name, step):
                guard let points = series?.points[run.key]?[name], !points.isEmpty else { return nil }
                switch step {
                case let .at(s): return points.first { $0.step == s }?.value
                case .first: return points.min { $0.step < $1.step }?.value
                case .last: return points.max { $0.step < $1.step }?.value
                }
            }
        }
        func notes(_ extra: String...) -> String {
            ([failedNote] + extra).filter { !$0.isEmpty }.joined(separator: "; ")
        }

        switch e.check {
        case let .value(comparison) where !comparison.expressionBounds.isEmpty:
            return perRunBounds(e, comparison, runs: runs, data: data, metric: metricExpression, bounds: boundExpressions,
                                failedNote: failedNote, result: result)
        case let .value(comparison):
            switch e.aggregate {
            case .all, .fraction:
                let misses = runs.filter { run in !(value(run).map { satisfies($0, comparison) } ?? false) }
                var r = proportion(e, hits: runs.count - misses.count, total: runs.count, what: "runs", result: result)
                // A failure names the runs that miss, by their axis values and value (at most 10).
                let listed = r.passed ? "" : "missing it: " + misses.prefix(10).map { run in
                    let where_ = data.axisNames.compactMap { name in run.cells[name].map { "\(name)=\($0)" } }.joined(separator: " ")
                    return "[\(where_)] " + (value(run).map(Expectation.format) ?? "no value")
                }.joined(separator: ", ") + (misses.count > 10 ? ", ... (\(misses.count - 10) more)" : "")
                r.detail = [r.detail, listed, failedNote].filter { !$0.isEmpty }.joined(separator: "; ")
                return r
            default:
                let (aggregate, excluded) = aggregated(runs.map(value), e.aggregate)
                guard let aggregate else { return result("no values", false, notes("every value is NaN or missing")) }
                let ok = satisfies(aggregate, comparison)
                return result("\(Expectation.format(aggregate)) (\(e.aggregate.rawValue) of \(runs.count - excluded) runs)", ok,
                              notes(excluded > 0 ? "\(excluded) NaN or missing value(s) excluded" : ""))
            }

        case let .trend(increasing, over, tolerance):
            let axis = data.axis(over) ?? PlotAxis(name: over, values: [])
            var points = axis.ordered(runs.compactMap { $0.cells[over] })
            // A numeric axis is followed in increasing order, whatever the order of the spec.
            let numbers = points.compactMap(Double.init)
            if numbers.count == points.count {
                points = zip(points, numbers).sorted { $0.1 < $1.1 }.map(\.0)
            }
            var series: [(String, Double)] = []
            var missing: [String] = []
            for point in points {
                let members = runs.filter { $0.cells[over] == point }
                if let v = aggregated(members.map(value), e.aggregate).0 { series.append((point, v)) } else { missing.append(point) }
            }
            let shown = series.count > 6 ? Array(series.prefix(3)) + [("...", Double.nan)] + Array(series.suffix(2)) : series
            let observed = shown.map { $0.0 == "..." ? "..." : "\(over)=\($0.0): \(Expectation.format($0.1))" }
                .joined(separator: ", ")
            let gaps = missing.isEmpty ? "" : "no values at \(over)=" + missing.joined(separator: ", ")
            guard series.count >= 2 else {
                return result(observed.isEmpty ? "no values" : observed, false, notes("needs values at 2 or more points of \(over)", gaps))
            }
            var breaks: [String] = []
            for k in 1..<series.count {
                let previous = series[k - 1].1, current = series[k].1
                let slack = tolerance * Swift.abs(previous)
                let ok = increasing ? current >= previous - slack : current <= previous + slack
                if !ok { breaks.append("\(over)=\(series[k - 1].0) -> \(series[k].0)") }
            }
            guard let first = series.first?.1, let last = series.last?.1 else { return result(observed, false) }
            let overall = increasing ? last > first : last < first
            var reasons: [String] = []
            if !breaks.isEmpty { reasons.append("goes the wrong way at " + breaks.joined(separator: ", ")) }
            if !overall { reasons.append("the last value is not \(increasing ? "above" : "below") the first") }
            return result(observed, breaks.isEmpty && overall, notes(reasons.joined(separator: "; "), gaps))

        case let .ratio(override, comparison):
            let otherFilter = e.filter.overridden(by: override)
            let others = data.runs.filter { otherFilter.accepts($0.cells) && $0.status != "failed" }
            guard !others.isEmpty else {
                return result("no runs", false, notes("no runs match the ratio_to cell where " + otherFilter.summary))
            }
            let (numerator, _) = aggregated(runs.map(value), e.aggregate)
            let (denominator, _) = aggregated(others.map(value), e.aggregate)
            guard let numerator, let denominator else { return result("no values", false, notes("NaN or missing values only")) }
            let ratio = numerator / denominator
            let ok = !ratio.isNaN && satisfies(ratio, comparison)
            return result("\(Expectation.format(ratio)) (\(Expectation.format(numerator)) / \(Expectation.format(denominator)))",
                          ok, notes())

        case let .beats(override, lower, required):
            let otherFilter = e.filter.overridden(by: override)
            // A named zip row (label axis) moves its members with it: they do not pair runs either.
            let moved = Set(override.axes + override.axes.flatMap(data.linkedAxes))
            let pairedAxes = data.axisNames.filter { !moved.contains($0) }
            func pairKey(_ run: ReportData.Run) -> [String] { pairedAxes.map { run.cells[$0] ?? "" } }
            var opponents: [[String]: ReportData.Run] = [:]
            var otherFailed = 0
            for run in data.runs where otherFilter.accepts(run.cells) {
                if run.status == "failed" { otherFailed += 1 } else { opponents[pairKey(run)] = run }
            }
            guard !opponents.isEmpty else {
                return result("no runs", false, notes("no runs match the beats cell where " + otherFilter.summary))
            }
            var wins = 0, pairs = 0, unpaired = 0
            for run in runs {
                guard let opponent = opponents[pairKey(run)] else { unpaired += 1; continue }
                pairs += 1
                if beats(value(run), value(opponent), lower: lower) { wins += 1 }
            }
            guard pairs > 0 else {
                return result("no pairs", false, notes("no run of the other cell has the same seed and settings"))
            }
            let fraction = Double(wins) / Double(pairs)
            return result("\(wins)/\(pairs) seeds (\(Expectation.format(fraction)))", fraction >= required,
                          notes(unpaired > 0 ? "\(unpaired) run(s) without a counterpart" : "",
                                otherFailed > 0 ? "\(otherFailed) failed run(s) of the other cell left out" : ""))
        }
    }

    /// A comparison with metric-expression bounds, run by run (aggregate `all` or `fraction`): a
    /// failure lists the runs that miss by axis values with both sides printed exactly.
    private static func perRunBounds(_ e: Expectation, _ comparison: Expectation.Comparison, runs: [ReportData.Run], data: ReportData,
                                     metric: MetricExpression?, bounds: [String: MetricExpression], failedNote: String,
                                     result: (String, Bool, String) -> ExpectationResult) -> ExpectationResult {
        func bound(_ text: String, _ run: ReportData.Run) -> MetricExpression.Value {
            bounds[text].map { data.value($0, of: run) } ?? .undefined("'\(text)' is not a metric expression")
        }
        func text(_ v: MetricExpression.Value) -> String {
            switch v {
            case let .value(x): return Expectation.exact(x)
            case let .missing(name): return "no value of \(name)"
            case let .undefined(reason): return "undefined (\(reason))"
            }
        }
        var misses: [String] = []
        for run in runs {
            let value: MetricExpression.Value = metric.map { data.value($0, of: run) } ?? .undefined("no metric")
            // The comparison with this run's bounds, and the bounds as shown.
            let resolved: Expectation.Comparison?
            let shown: String
            switch comparison {
            case let .compareTo(op, b):
                let v = bound(b, run)
                resolved = v.number.map { .compare(op, $0) }
                shown = "\(op.rawValue) \(text(v))"
            case let .betweenExpressions(low, high):
                let l = bound(low, run), h = bound(high, run)
                resolved = l.number.flatMap { lv in h.number.map { .between(lv, $0) } }
                shown = "in [\(text(l)), \(text(h))]"
            default:
                resolved = comparison
                shown = ""
            }
            let ok = value.number.flatMap { v in resolved.map { satisfies(v, $0) } } ?? false
            if !ok {
                let where_ = data.axisNames.compactMap { name in run.cells[name].map { "\(name)=\($0)" } }.joined(separator: " ")
                misses.append("[\(where_)] \(text(value)) not \(shown)")
            }
        }
        var r = proportion(e, hits: runs.count - misses.count, total: runs.count, what: "runs", result: result)
        if !r.passed {
            let listed = "missing it: " + misses.prefix(10).joined(separator: ", ") + (misses.count > 10 ? ", ... (\(misses.count - 10) more)" : "")
            r.detail = [r.detail, listed, failedNote].filter { !$0.isEmpty }.joined(separator: "; ")
        }
        return r
    }

    private static func proportion(_ e: Expectation, hits: Int, total: Int, what: String,
                                   result: (String, Bool, String) -> ExpectationResult) -> ExpectationResult {
        let fraction = Double(hits) / Double(total)
        let observed = "\(hits)/\(total) \(what) (\(Expectation.format(fraction)))"
        switch e.aggregate {
        case .all: return result(observed, hits == total, hits == total ? "" : "\(total - hits) run(s) do not satisfy it")
        default:
            let needed = e.atLeast ?? 1
            return result(observed, fraction >= needed, fraction >= needed ? "" : "needs at least \(Expectation.format(needed))")
        }
    }

    /// The aggregate of the non-NaN values and how many values were NaN or missing.
    static func aggregated(_ values: [Double?], _ aggregate: Expectation.Aggregate) -> (Double?, Int) {
        let kept = values.compactMap { $0 }.filter { !$0.isNaN }
        let excluded = values.count - kept.count
        guard !kept.isEmpty else { return (nil, excluded) }
        let sorted = kept.sorted()
        switch aggregate {
        case .mean: return (kept.reduce(0, +) / Double(kept.count), excluded)
        case .min: return (sorted[0], excluded)
        case .max: return (sorted[sorted.count - 1], excluded)
        case .median, .all, .fraction: return (Aggregator.quantile(sorted, 0.5), excluded)
        }
    }

    static func satisfies(_ value: Double, _ comparison: Expectation.Comparison) -> Bool {
        if value.isNaN { return false }
        switch comparison {
        case let .compare(op, bound):
            switch op {
            case .less: return value < bound
            case .greater: return value > bound
            case .lessOrEqual: return value <= bound
            case .greaterOrEqual: return value >= bound
            }
        case let .between(low, high): return low <= value && value <= high
        case let .equals(expected):
            if case let .number(n) = expected { return value == n }
            return false
        case .compareTo, .betweenExpressions: return false  // resolved per run first
        }
    }

    /// True when `mine` is better than `theirs`; NaN or missing is the worst value.
    static func beats(_ mine: Double?, _ theirs: Double?, lower: Bool) -> Bool {
        guard let mine, !mine.isNaN else { return false }
        guard let theirs, !theirs.isNaN else { return true }
        return lower ? mine < theirs : mine > theirs
    }
}

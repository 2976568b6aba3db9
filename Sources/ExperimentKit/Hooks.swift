import Foundation

/// What happens after a grid: charts, expectations and the report.
public enum PostRunHooks {
    /// Renders the spec's `charts` (or the study's defaults) into `resultsDirectory` and writes
    /// `report.md`. Without gnuplot the `.gp` and `.dat` files are still written and the message
    /// says how to install it and render later.
    public static func plot(resultsDirectory: String, spec: Spec, console: ExperimentCommands.Console = .standard) -> ExitStatus {
        let document = spec.resolvedDocument
        let charts: [ChartOutput]
        do {
            charts = try ChartRenderer.renderAll(resultsDirectory: resultsDirectory, spec: document, specFile: spec.file)
        } catch {
            console.err("\(error)\n")
            return .failure
        }
        let expectations = try? ExpectationChecker.check(resultsDirectory: resultsDirectory, spec: document, specFile: spec.file)
        do {
            let report = try ReportWriter.write(
                resultsDirectory: resultsDirectory, spec: document, specFile: spec.file, charts: charts,
                expectations: spec.expect == .array([]) ? nil : expectations)
            console.err("wrote \(charts.count) charts and \(report)\n")
        } catch {
            console.err("\(error)\n")
            return .failure
        }
        return .success
    }

    /// Checks the spec's `expect` list against the results in `resultsDirectory`: prints a table,
    /// rewrites `report.md` (embedding the charts already rendered there) and fails when one fails.
    public static func check(resultsDirectory: String, spec: Spec, console: ExperimentCommands.Console = .standard) -> ExitStatus {
        let document = spec.resolvedDocument
        let results: [ExpectationResult]
        do {
            results = try ExpectationChecker.check(resultsDirectory: resultsDirectory, spec: document, specFile: spec.file)
        } catch {
            console.err("\(error)\n")
            return .failure
        }
        console.out(ExpectationChecker.table(results))
        do {
            let charts = try ChartRenderer.existingOutputs(resultsDirectory: resultsDirectory, spec: document, specFile: spec.file)
            _ = try ReportWriter.write(
                resultsDirectory: resultsDirectory, spec: document, specFile: spec.file, charts: charts,
                expectations: results)
        } catch {
            console.err("\(error)\n")
            return .failure
        }
        return results.allSatisfy(\.passed) ? .success : .failure
    }
}

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
            _ = try ReportWriter.write(
                resultsDirectory: resultsDirectory, spec: document, specFile: spec.file,
                charts: existingCharts(in: resultsDirectory), expectations: results)
        } catch {
            console.err("\(error)\n")
            return .failure
        }
        return results.allSatisfy(\.passed) ? .success : .failure
    }

    /// The charts whose script is in the folder, with their rendered files when present.
    static func existingCharts(in directory: String) -> [ChartOutput] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".gp") }.sorted().map { script in
            let name = String(script.dropLast(3))
            let svg = files.contains(name + ".svg") ? name + ".svg" : nil
            let png = files.contains(name + ".png") ? name + ".png" : nil
            return ChartOutput(name: name, title: name, dataFile: name + ".dat", scriptFile: script, svgFile: svg, pngFile: png)
        }
    }
}

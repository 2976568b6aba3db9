import Foundation
public import ExperimentSpec
public import ExperimentRunner
import ExperimentReports

/// What happens after a grid: charts, expectations and the report, written as part of one
/// generation of the results folder (see `Manifest`).
public enum PostRunHooks {
    /// What ``publish(directory:spec:expectations:fault:)`` wrote.
    struct Published {
        /// Files written into the results folder (names relative to it), report.md last.
        var files: [String]
        var charts: Int
        /// gnuplot is not installed: the `.gp` and `.dat` files were written, no image.
        var gnuplotMissing: Bool
    }

    /// Renders the spec's `charts` (or the study's defaults) into a staging folder inside
    /// `directory`, moves each file into place (a rename: a reader never sees half a chart), then
    /// writes `report.md` whole. The caller writes the manifest afterwards. Any failure throws.
    static func publish(directory: String, spec: Spec, expectations: [ExpectationResult]?,
                        fault: TestFault?) throws(ChartError) -> Published {
        let staging = directory + "/" + FileOutput.temporaryPrefix + "\(getpid())-charts"
        do {
            try FileOutput.createFolder(staging)
        } catch {
            throw .writeFailed(path: error.path, message: error.message)
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let (charts, gnuplotMissing) = try ChartRenderer.render(
            resultsDirectory: directory, spec: spec, into: staging, gnuplot: GnuplotRenderer.locate(),
            fault: fault)
        var files: [String] = []
        for chart in charts {
            for name in [chart.dataFile, chart.scriptFile, chart.svgFile, chart.pngFile, chart.pdfFile].compactMap({ $0 }) {
                do {
                    try FileOutput.commit(staging + "/" + name, to: directory + "/" + name)
                } catch {
                    throw .writeFailed(path: error.path, message: error.message)
                }
                if files.isEmpty { fault?.reach(.charts) }
                files.append(name)
            }
        }
        let path = directory + "/" + ReportWriter.fileName
        do {
            let text = try ReportWriter.text(resultsDirectory: directory, spec: spec, charts: charts, expectations: expectations)
            let temporary = try FileOutput.writeTemporary([Array(text.utf8)], for: path, fault: fault, phase: .report)
            fault?.reach(.report)
            try FileOutput.commit(temporary, to: path)
        } catch let error as ResultStore.StoreError {
            throw .writeFailed(path: error.path, message: error.message)
        } catch let error as ResultsError {
            throw .results(error)
        } catch {
            throw .writeFailed(path: path, message: "\(error)")
        }
        return Published(files: files + [ReportWriter.fileName], charts: charts.count, gnuplotMissing: gnuplotMissing)
    }

    /// The expectations of `spec` against the tables in `directory`: nil when the spec has none.
    static func expectations(directory: String, spec: Spec) throws(CheckError) -> [ExpectationResult]? {
        guard !spec.expectations.isEmpty else { return nil }
        return try ExpectationChecker.check(resultsDirectory: directory, spec: spec)
    }

    /// `experiments plot DIR`: checks that the tables are the ones the manifest lists, renders the
    /// charts, writes `report.md` and a new manifest. Without gnuplot the `.gp` and `.dat` files
    /// are still written and the message says how to install it and render later (exit 1).
    public static func plot(resultsDirectory: String, spec: Spec?, console: ExperimentCommands.Console = .standard,
                            fault: TestFault? = nil) -> ExitStatus {
        let directory = resultsDirectory
        guard let lock = ExperimentCommands.lock(directory, mode: .exclusive, command: "plot", fault: fault, console: console) else {
            return .failure
        }
        defer { withExtendedLifetime(lock) {} }
        let previous: Manifest
        let resolved: Spec
        do {
            previous = try Manifest.verify(directory, only: Set(Manifest.tableFiles))
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        if let spec {
            // A spec given on the command line brings new chart definitions (and expectations) for
            // the same runs: its grid must give the folder's run keys; its resolved spec replaces the
            // folder's, and charts it no longer has leave with the old manifest.
            do {
                // The folder's run keys from its runs.csv (verified above): its resolved spec cannot
                // list its runs when they start from a weights file (only the spec itself can).
                let table = try ResultTable.load(path: ResultStore(directory: directory).runsCSVPath)
                let mine = Set(try spec.configurations().map(\.key).map(\.hex))
                let theirs = Set(table.index(of: "key").map { column in table.rows.map { $0[column] } } ?? [])
                guard mine == theirs else {
                    console.err("experiments: \(spec.file) does not describe the runs of \(directory) (\(mine.subtracting(theirs).count) of its runs are not there, "
                        + "\(theirs.subtracting(mine).count) of the folder's are not in it); run it with 'experiments run \(spec.file) --out \(directory)'\n")
                    return .specError
                }
                try FileOutput.write(spec.resolvedDocument.prettyText() + "\n", to: ResultStore(directory: directory).resolvedSpecPath,
                                     fault: fault)
            } catch let error as SpecError {
                console.err(error.description + "\n")
                return .specError
            } catch let error as ResultsError {
                console.err("experiments: \(error)\n")
                return .failure
            } catch {
                console.err("experiments: cannot write \(directory)/spec.resolved.json: \(error)\n")
                return .failure
            }
            resolved = spec
        } else {
            do {
                resolved = try Gather.spec(directory: directory, specPath: nil)
            } catch {
                console.err(error.description + "\n")
                return .specError
            }
        }
        do {
            let published = try publish(directory: directory, spec: resolved,
                                        expectations: try? expectations(directory: directory, spec: resolved), fault: fault)
            let kept = previous.names.filter { Manifest.tableFiles.contains($0) }
            try Manifest.publish(directory, names: kept + published.files, previous: previous, fault: fault)
            console.err("wrote \(published.charts) charts and \(directory)/\(ReportWriter.fileName)\n")
            if published.gnuplotMissing {
                console.err(ChartError.gnuplotNotFound(directory: directory).description + "\n")
                return .failure
            }
        } catch {
            console.err("experiments: cannot write the charts or the report: \(error)\n")
            return .failure
        }
        return .success
    }
}

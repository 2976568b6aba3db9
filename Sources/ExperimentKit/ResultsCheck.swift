import Foundation
import ExperimentSpec
import ExperimentRunner
import ExperimentReports

/// `experiments check SPEC`: the results folder must be one complete generation (its manifest),
/// cover exactly the spec's grid (every key, no other), and have no corrupt record of the grid;
/// then the expectations are evaluated (table on stdout) and `report.md` is rewritten. A folder
/// that cannot be written (read-only) is still checked: the report goes to stdout, with a note.
enum ResultsCheck {
    static func run(spec: Spec, configs: [RunConfiguration], specPath: String, directory: String,
                    console: ExperimentCommands.Console, fault: TestFault?, quiet: Bool = false) -> ExitStatus {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            console.err("experiments: \(directory): no results yet: run 'experiments run \(specPath)"
                + (directory == ResultStore.defaultDirectory(for: spec) ? "" : " --out \(directory)") + "' first\n")
            return .failure
        }
        guard let lock = ExperimentCommands.lock(directory, mode: .exclusive, command: "check", fault: fault, console: console) else {
            return .failure
        }
        defer { withExtendedLifetime(lock) {} }  // held until the report and manifest are written
        let manifest: Manifest
        let table: CSVTable
        do {
            manifest = try Manifest.verify(directory)
            table = try CSVTable(contentsOf: directory + "/" + ReportData.runsFile)
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        let coverage = coverageProblems(table: table, configs: configs, axisNames: spec.grid.axisNames)
        if !coverage.isEmpty {
            console.err("experiments: \(directory)/runs.csv does not cover the grid of \(specPath) (\(configs.count) runs):\n"
                + coverage.joined(separator: "\n") + "\nfix: run 'experiments run \(specPath) --out \(directory)' (or check the spec you meant)\n")
            return .failure
        }
        do {
            let grid = Set(configs.map(\.key))
            let found = try ResultStore(directory: directory).inspectRecords().problems
            for line in found where line.key == nil { console.err("warning: \(line) (ignored; delete the line)\n") }
            let problems = found.filter { $0.key.map(grid.contains) ?? false }
            if !problems.isEmpty {
                for problem in problems { console.err("\(problem)\n") }
                console.err("experiments: \(directory): \(problems.count) record line(s) of this grid cannot be used; "
                    + RecordProblem.fix(specPath: specPath, directory: directory) + "\n")
                return .failure
            }
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        let results: [ExpectationResult]
        let report: String
        do {
            results = try ExpectationChecker.check(resultsDirectory: directory, spec: spec)
            let charts = try ChartRenderer.existingOutputs(resultsDirectory: directory, spec: spec)
            report = try ReportWriter.text(resultsDirectory: directory, spec: spec, charts: charts, expectations: results)
        } catch {
            console.err("experiments: \(error)\n")
            return .failure
        }
        let status: ExitStatus = results.allSatisfy(\.passed) ? .success : .failure
        // Quiet: the table only when an expectation fails.
        if !quiet || status != .success { console.out(ExpectationChecker.table(results)) }
        let path = directory + "/" + ReportWriter.fileName
        guard case .locked = lock else {
            console.out("\n" + report)
            console.err("note: \(path) was not written (the folder cannot be written); the report is printed above\n")
            return status
        }
        do {
            let temporary = try FileOutput.writeTemporary([Array(report.utf8)], for: path, fault: fault, phase: .report)
            fault?.reach(.report)
            try FileOutput.commit(temporary, to: path)
            try Manifest.publish(directory, names: manifest.names + [ReportWriter.fileName], previous: manifest, fault: fault)
        } catch {
            console.out("\n" + report)
            console.err("note: \(error.message); the report is printed above instead\n")
        }
        return status
    }

    /// What keeps runs.csv from being exactly the grid: missing runs and runs of no grid point (by
    /// their axis values and key), and keys listed twice; at most 20 of each, then a count.
    static func coverageProblems(table: CSVTable, configs: [RunConfiguration], axisNames: [String]) -> [String] {
        let keyColumn = table.header.firstIndex(of: "key")
        var seen: [String: Int] = [:]
        for row in table.rows { seen[keyColumn.map { row[$0] } ?? "", default: 0] += 1 }
        let grid = Set(configs.map(\.key.hex))
        func listed(_ items: [String], _ what: String) -> [String] {
            guard !items.isEmpty else { return [] }
            let shown = items.prefix(20).map { "  \(what): " + $0 }
            return shown + (items.count > 20 ? ["  ... and \(items.count - 20) more \(what) runs"] : [])
        }
        let missing = configs.filter { seen[$0.key.hex] == nil }.map { config in
            (config.axes.map { "\($0.name)=\(CSVTable.format(value: $0.value))" } + ["key \(config.key)"]).joined(separator: " ")
        }
        let columns = axisNames.compactMap { name in table.header.firstIndex(of: name).map { (name, $0) } }
        var reported = Set<String>()
        let extra = table.rows.compactMap { row -> String? in
            let key = keyColumn.map { row[$0] } ?? ""
            guard !grid.contains(key), reported.insert(key).inserted else { return nil }
            return (columns.map { "\($0.0)=\(row[$0.1])" } + ["key \(key)"]).joined(separator: " ")
        }
        let twice = seen.filter { $0.value > 1 }.keys.sorted().map { "key \($0) (\(seen[$0] ?? 0) rows)" }
        return listed(missing, "missing") + listed(extra, "extra") + listed(twice, "repeated")
    }
}

import Foundation
public import ExperimentSpec

/// Rebuilds runs.csv, series.csv and spec.resolved.json of a results folder from its records
/// (e.g. after shard runs), byte for byte what a single-machine `experiments run` writes.
public enum Gather {
    /// What a gather found.
    public struct Report: Sendable {
        public var total: Int
        /// Keys of the grid without a record, sorted.
        public var missing: [RunKey]
        /// Records of the grid, sorted by key (empty when some are missing).
        public var records: [ResultStore.Record]
        /// Record lines of the grid that cannot be used; nothing is written when there are any.
        public var problems: [RecordProblem] = []
        /// Lines that do not start with a key: ignored (as records of other grids are).
        public var unreadable: [RecordProblem] = []
        public var isComplete: Bool { missing.isEmpty && problems.isEmpty }
    }

    /// The spec of a results folder: `specPath` when given, else `spec.resolved.json`, else the
    /// spec kept in a shard summary.
    public static func spec(directory: String, specPath: String?) throws(SpecError) -> Spec {
        if let specPath { return try SpecDecoder.load(path: specPath) }
        let store = ResultStore(directory: directory)
        if let data = try? String(contentsOfFile: store.resolvedSpecPath, encoding: .utf8) {
            return try SpecDecoder.decodeResults(text: data, file: store.resolvedSpecPath)
        }
        for path in store.shardSummaryPaths() {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let summary = try? JSONParser.parse(text), let document = summary["spec"] else { continue }
            return try SpecDecoder.decode(document, file: path + " (spec)")
        }
        throw SpecError(file: directory, path: "", expected: "a results folder with spec.resolved.json or shards/*.json (or pass --spec)",
                        found: "neither")
    }

    /// Checks that every run of `spec` has a usable record in `directory`; when all have and no
    /// record line of the grid is corrupt, writes the tables, then the manifest (the charts and
    /// report of the previous generation are removed: `experiments plot` renders them again).
    public static func gather(spec: Spec, directory: String, fault: TestFault? = nil) throws -> Report {
        let store = ResultStore(directory: directory, fault: fault)
        let configs = try spec.configurations()
        let (recorded, problems) = try store.inspectRecords()
        let grid = Set(configs.map(\.key))
        let relevant = problems.filter { $0.key.map(grid.contains) ?? false }
        let unreadable = problems.filter { $0.key == nil }
        let missing = configs.map(\.key).filter { !recorded.contains($0) }.sorted()
        guard missing.isEmpty, relevant.isEmpty else {
            return Report(total: configs.count, missing: missing, records: [], problems: relevant, unreadable: unreadable)
        }
        let previous = try? Manifest.read(directory)
        let records = try store.writeTables(spec: spec, configs: configs)
        try Manifest.publish(directory, names: Manifest.tableFiles, previous: previous, fault: fault)
        return Report(total: configs.count, missing: [], records: records, unreadable: unreadable)
    }
}

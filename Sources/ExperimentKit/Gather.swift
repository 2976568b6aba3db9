import Foundation

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
        public var isComplete: Bool { missing.isEmpty }
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

    /// Checks that every run of `spec` has a record in `directory`; when complete, writes the tables.
    public static func gather(spec: Spec, directory: String) throws -> Report {
        let store = ResultStore(directory: directory)
        let configs = try spec.configurations()
        let recorded = try store.recordedKeys()
        let missing = configs.map(\.key).filter { !recorded.contains($0) }.sorted()
        guard missing.isEmpty else { return Report(total: configs.count, missing: missing, records: []) }
        let records = try store.writeTables(spec: spec, configs: configs)
        return Report(total: configs.count, missing: [], records: records)
    }
}

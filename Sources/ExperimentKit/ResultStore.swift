import Foundation

/// The results folder of a spec (default `results/<spec name>/`):
/// - `runs/<key>/record.json`: one run (full config, status, metrics, series), written atomically;
/// - `runs.csv`: `key, study, <axes in spec order>, <metrics>, status, status_step, status_reason`, sorted by key;
/// - `series.csv`: `key, series, step, value`, sorted by key;
/// - `spec.resolved.json`: the spec with defaults filled in;
/// - `shards/shard-<i>-of-<n>.json`: summaries of shard runs.
/// Nothing holds timestamps or host names, so reruns and gathers write identical bytes.
public struct ResultStore: Sendable {
    /// A file that could not be written or read.
    public struct StoreError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// One stored run.
    public struct Record: Sendable {
        public var key: RunKey
        /// The flat configuration (`RunConfiguration.document`).
        public var config: JSONValue
        public var outcome: RunOutcome
    }

    /// The results folder.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `results/<spec name>`.
    public static func defaultDirectory(for spec: Spec) -> String { "results/" + spec.name }

    public var runsCSVPath: String { directory + "/runs.csv" }
    public var seriesCSVPath: String { directory + "/series.csv" }
    public var resolvedSpecPath: String { directory + "/spec.resolved.json" }
    public var shardsDirectory: String { directory + "/shards" }

    /// `runs/<key>/record.json`.
    public func recordPath(_ key: RunKey) -> String { directory + "/runs/\(key.hex)/record.json" }

    /// Whether the run's record exists (a finished run, resumable).
    public func hasRecord(_ key: RunKey) -> Bool { FileManager.default.fileExists(atPath: recordPath(key)) }

    /// The record of a finished run, as reading its file back gives it (numbers round-trip exactly;
    /// NaN is stored as null; a metric name repeated by the executor is kept once).
    public func record(_ config: RunConfiguration, _ outcome: RunOutcome) -> Record {
        var names = Set<String>()
        let metrics = outcome.metrics.filter { names.insert($0.name).inserted }
        return Record(key: config.key, config: config.document,
                      outcome: RunOutcome(status: outcome.status, metrics: metrics, series: outcome.series))
    }

    /// Writes the record of a finished run (temporary file, then rename) and returns it.
    @discardableResult
    public func write(_ config: RunConfiguration, _ outcome: RunOutcome) throws(StoreError) -> Record {
        let record = record(config, outcome)
        var status: [(key: String, value: JSONValue)] = [("status", .string(outcome.status.name))]
        switch outcome.status {
        case .ok: break
        case let .diverged(step): status.append(("status_step", .number(Double(step))))
        case let .failed(reason): status.append(("status_reason", .string(reason)))
        }
        let head = JSONValue.object(
            [("key", .string(config.key.hex)), ("config", record.config)] + status + [
                ("metrics", .object(record.outcome.metrics.map { (key: $0.name, value: .number($0.value)) })),
            ])
        // The series (often thousands of points) is written directly, one point per line, in the
        // same JSON the tree would print: ["name", step, value].
        var text = head.prettyText()
        text.removeLast(2)  // "\n}"
        text += ",\n  \"series\": ["
        var names: [String: String] = [:]
        for (i, point) in outcome.series.enumerated() {
            let name = names[point.series] ?? JSONValue.quote(point.series)
            names[point.series] = name
            text += (i == 0 ? "\n    [" : ",\n    [") + name + ", " + String(point.step) + ", " + JSONValue.format(point.value) + "]"
        }
        text += outcome.series.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        let folder = directory + "/runs/" + config.key.hex
        try writeAtomically(text, to: recordPath(config.key), folder: folder,
                            temporaryName: ".tmp-\(getpid())-\(config.key.hex)")
        return record
    }

    /// Reads a record back.
    public func readRecord(_ key: RunKey) throws(StoreError) -> Record {
        let path = recordPath(key)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(path: path, message: "missing record")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: Array(data))
        } catch {
            throw StoreError(path: path, message: "line \(error.line), column \(error.column): \(error.message)")
        }
        func bad(_ what: String) -> StoreError { StoreError(path: path, message: "malformed record: \(what)") }
        guard case .string(key.hex)? = document["key"] else { throw bad("key") }
        guard let config = document["config"], case let .string(statusName)? = document["status"] else { throw bad("status") }
        let status: RunStatus
        switch statusName {
        case "ok": status = .ok
        case "diverged":
            guard case let .number(step)? = document["status_step"] else { throw bad("status_step") }
            status = .diverged(step: Int(step))
        case "failed":
            guard case let .string(reason)? = document["status_reason"] else { throw bad("status_reason") }
            status = .failed(reason: reason)
        default: throw bad("status '\(statusName)'")
        }
        guard case let .object(metricPairs)? = document["metrics"], case let .array(seriesItems)? = document["series"] else {
            throw bad("metrics or series")
        }
        var metrics: [(name: String, value: Double)] = []
        for pair in metricPairs {
            switch pair.value {
            case let .number(x): metrics.append((pair.key, x))
            case .null: metrics.append((pair.key, .nan))
            default: throw bad("metric '\(pair.key)'")
            }
        }
        var series: [SeriesPoint] = []
        for item in seriesItems {
            guard case let .array(parts) = item, parts.count == 3, case let .string(name) = parts[0],
                  case let .number(step) = parts[1] else { throw bad("series point") }
            let value: Double
            switch parts[2] {
            case let .number(x): value = x
            case .null: value = .nan
            default: throw bad("series value")
            }
            series.append(SeriesPoint(series: name, step: Int(step), value: value))
        }
        return Record(key: key, config: config, outcome: RunOutcome(status: status, metrics: metrics, series: series))
    }

    /// Keys of every record in the folder.
    public func recordedKeys() -> Set<RunKey> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/runs")) ?? []
        return Set(names.compactMap { RunKey(hex: $0) }.filter(hasRecord))
    }

    /// Writes runs.csv, series.csv and spec.resolved.json for `configs` from their records (all must exist).
    /// `known` holds records this process has just written (equal to reading them back), so they are
    /// not read again. Returns the records, sorted by key.
    @discardableResult
    public func writeTables(spec: Spec, configs: [RunConfiguration], known: [RunKey: Record] = [:]) throws(StoreError) -> [Record] {
        let sorted = configs.sorted { $0.key < $1.key }
        var records: [Record] = []
        for config in sorted {
            if let record = known[config.key] { records.append(record) } else { records.append(try readRecord(config.key)) }
        }
        let axisNames = spec.grid.axisNames
        var metricNames: [String] = []
        var seenMetrics = Set<String>()
        for record in records {
            for metric in record.outcome.metrics where seenMetrics.insert(metric.name).inserted { metricNames.append(metric.name) }
        }
        var rows: [[String]] = []
        var seriesRows: [[String]] = []
        for (config, record) in zip(sorted, records) {
            var row = [config.key.hex, config.study.rawValue]
            row += axisNames.map { config.value($0).map(CSVTable.format(value:)) ?? "" }
            row += metricNames.map { name in
                record.outcome.metrics.first { $0.name == name }.map { CSVTable.format(metric: $0.value) } ?? ""
            }
            switch record.outcome.status {
            case .ok: row += ["ok", "", ""]
            case let .diverged(step): row += ["diverged", String(step), ""]
            case let .failed(reason): row += ["failed", "", reason]
            }
            rows.append(row)
            for point in record.outcome.series {
                seriesRows.append([config.key.hex, point.series, String(point.step), CSVTable.format(metric: point.value)])
            }
        }
        let runs = CSVTable(header: ["key", "study"] + axisNames + metricNames + ["status", "status_step", "status_reason"], rows: rows)
        let series = CSVTable(header: ["key", "series", "step", "value"], rows: seriesRows)
        try writeAtomically(runs.text, to: runsCSVPath, folder: directory, temporaryName: ".tmp-\(getpid())-runs.csv")
        try writeAtomically(series.text, to: seriesCSVPath, folder: directory, temporaryName: ".tmp-\(getpid())-series.csv")
        try writeResolvedSpec(spec)
        return records
    }

    /// Writes spec.resolved.json.
    public func writeResolvedSpec(_ spec: Spec) throws(StoreError) {
        try writeAtomically(spec.resolvedDocument.prettyText() + "\n", to: resolvedSpecPath, folder: directory,
                            temporaryName: ".tmp-\(getpid())-spec.resolved.json")
    }

    /// Writes a shard's summary: its selection, counts, keys and the resolved spec (for `gather`).
    public func writeShardSummary(spec: Spec, shard: ShardSelection, records: [Record]) throws(StoreError) {
        guard case let .part(index, count) = shard else { return }
        func tally(_ name: String) -> JSONValue { .number(Double(records.filter { $0.outcome.status.name == name }.count)) }
        let document = JSONValue.object([
            ("shard", .string(shard.label)), ("runs", .number(Double(records.count))),
            ("ok", tally("ok")), ("diverged", tally("diverged")), ("failed", tally("failed")),
            ("keys", .array(records.map { .string($0.key.hex) }.sorted { $0.canonicalText < $1.canonicalText })),
            ("spec", spec.resolvedDocument),
        ])
        try writeAtomically(document.prettyText() + "\n", to: shardsDirectory + "/shard-\(index)-of-\(count).json",
                            folder: shardsDirectory, temporaryName: ".tmp-\(getpid())-shard-\(index)")
    }

    /// Paths of the shard summaries, sorted.
    public func shardSummaryPaths() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: shardsDirectory)) ?? []
        return names.filter { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }.sorted().map { shardsDirectory + "/" + $0 }
    }

    private func writeAtomically(_ text: String, to path: String, folder: String, temporaryName: String) throws(StoreError) {
        let temporary = folder + "/" + temporaryName
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(path: folder, message: error.localizedDescription)
            }
        }
        // Plain write + rename, no fsync: a killed process (Ctrl-C, kill -9) leaves either the whole
        // record or none, and not syncing keeps a 1000-run grid from waiting on the disk 1000 times.
        guard let file = fopen(temporary, "wb") else {
            throw StoreError(path: temporary, message: String(cString: strerror(errno)))
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError(path: temporary, message: "could not write the record")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError(path: path, message: reason)
        }
    }
}

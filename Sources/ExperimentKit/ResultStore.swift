import Foundation

/// The results folder of a spec (default `results/<spec name>/`):
/// - `runs/records-<host>-<pid>.jsonl`: the records of one process, one run per line (full config,
///   status, metrics, series; see `RecordJournal`); all files together are the resume cache;
/// - `runs.csv`: `key, study, <axes in spec order>, <metrics>, status, status_step, status_reason`, sorted by key;
/// - `series.csv`: `key, series, step, value`, sorted by key;
/// - `spec.resolved.json`: the spec with defaults filled in;
/// - `shards/shard-<i>-of-<n>.json`: summaries of shard runs.
/// Nothing in the tables holds timestamps or host names, so reruns and gathers write identical bytes.
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
    /// The folder of the record files.
    public var recordsDirectory: String { directory + "/runs" }

    /// A new record file for this process (created on its first append).
    public func journal() -> RecordJournal { RecordJournal(folder: recordsDirectory) }

    /// The record of a finished run, as reading its line back gives it (numbers round-trip exactly;
    /// NaN is stored as null; a metric name repeated by the executor is kept once).
    public func record(_ config: RunConfiguration, _ outcome: RunOutcome) -> Record {
        var names = Set<String>()
        let metrics = outcome.metrics.filter { names.insert($0.name).inserted }
        return Record(key: config.key, config: config.document,
                      outcome: RunOutcome(status: outcome.status, metrics: metrics, series: outcome.series))
    }

    /// Appends the record of a finished run to `journal` and returns it.
    @discardableResult
    public func append(_ config: RunConfiguration, _ outcome: RunOutcome, to journal: RecordJournal) throws(StoreError) -> Record {
        let record = record(config, outcome)
        try journal.append(line: Self.line(of: record))
        return record
    }

    /// One line of compact JSON, key first: `{"key":..,"config":{..},"status":..,"metrics":{..},"series":[[name,step,value],..]}`.
    static func line(of record: Record) -> [UInt8] {
        var head = "{\"key\":\"" + record.key.hex + "\",\"config\":" + record.config.compactText
        head += ",\"status\":" + JSONValue.quote(record.outcome.status.name)
        switch record.outcome.status {
        case .ok: break
        case let .diverged(step): head += ",\"status_step\":" + String(step)
        case let .failed(reason): head += ",\"status_reason\":" + JSONValue.quote(reason)
        }
        head += ",\"metrics\":{"
        for (i, metric) in record.outcome.metrics.enumerated() {
            head += (i == 0 ? "" : ",") + JSONValue.quote(metric.name) + ":" + JSONValue.format(metric.value)
        }
        head += "},\"series\":["
        var out = Array(head.utf8)
        out.reserveCapacity(out.count + record.outcome.series.count * 40 + 3)
        var names = RenderedNames { JSONValue.quote($0) }
        for (i, point) in record.outcome.series.enumerated() {
            out.append(contentsOf: i == 0 ? [UInt8(ascii: "[")] : [UInt8(ascii: ","), UInt8(ascii: "[")])
            out.append(contentsOf: names[point.series])
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: String(point.step).utf8)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: JSONValue.format(point.value).utf8)
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "]}\n".utf8)
        return out
    }

    /// Keys of every complete record in the folder.
    public func recordedKeys() throws(StoreError) -> Set<RunKey> {
        Set(try scan().keys)
    }

    /// The records of `keys` that exist (the newest line of a key wins: files by modification time,
    /// then name, lines in file order).
    public func readRecords(_ keys: some Sequence<RunKey>) throws(StoreError) -> [RunKey: Record] {
        let index = try scan()
        var records: [RunKey: Record] = [:]
        for key in keys {
            guard let location = index[key] else { continue }
            records[key] = try Self.parse(location)
        }
        return records
    }

    /// Reads one record back.
    public func readRecord(_ key: RunKey) throws(StoreError) -> Record {
        guard let record = try readRecords([key])[key] else {
            throw StoreError(path: recordsDirectory, message: "no record of run \(key)")
        }
        return record
    }

    /// Where a record line is.
    private struct Location {
        var path: String
        var bytes: ArraySlice<UInt8>
        var line: Int
    }

    /// Every complete line of every record file, by key.
    private func scan() throws(StoreError) -> [RunKey: Location] {
        let folder = recordsDirectory
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return [:] }
        var files: [(path: String, modified: Date)] = []
        for name in names where name.hasSuffix(".jsonl") {
            let path = folder + "/" + name
            let attributes = try? manager.attributesOfItem(atPath: path)
            files.append((path, attributes?[.modificationDate] as? Date ?? .distantPast))
        }
        files.sort { ($0.modified, $0.path) < ($1.modified, $1.path) }
        let prefix = Array(#"{"key":""#.utf8)
        var index: [RunKey: Location] = [:]
        for file in files {
            guard let data = manager.contents(atPath: file.path) else {
                throw StoreError(path: file.path, message: "cannot read the record file")
            }
            let bytes = [UInt8](data)
            var start = 0
            var line = 1
            // A last line without its newline is an append cut short (a killed process): not a record.
            while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let text = bytes[start..<end]
                let keyStart = start + prefix.count
                guard text.starts(with: prefix), keyStart + 17 <= end, bytes[keyStart + 16] == UInt8(ascii: "\""),
                      let key = RunKey(hex: String(decoding: bytes[keyStart..<keyStart + 16], as: UTF8.self)) else {
                    throw StoreError(path: file.path, message: "line \(line): malformed record: expected it to start with {\"key\":\"<16 hex digits>\"")
                }
                index[key] = Location(path: file.path, bytes: text, line: line)
                start = end + 1
                line += 1
            }
        }
        return index
    }

    private static func parse(_ location: Location) throws(StoreError) -> Record {
        func bad(_ what: String) -> StoreError {
            StoreError(path: location.path, message: "line \(location.line): malformed record: \(what)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: Array(location.bytes))
        } catch {
            throw bad("column \(error.column): \(error.message)")
        }
        guard case let .string(hex)? = document["key"], let key = RunKey(hex: hex) else { throw bad("key") }
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
        series.reserveCapacity(seriesItems.count)
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

    /// Writes runs.csv, series.csv and spec.resolved.json for `configs` from their records (all must exist).
    /// `known` holds records this process has just written (equal to reading them back), so they are
    /// not read again; `jobs` threads (default: one per core) render series.csv. Returns the records, sorted by key.
    @discardableResult
    public func writeTables(spec: Spec, configs: [RunConfiguration], known: [RunKey: Record] = [:],
                            jobs: Int? = nil) throws(StoreError) -> [Record] {
        let sorted = configs.sorted { $0.key < $1.key }
        let unknown = sorted.map(\.key).filter { known[$0] == nil }
        let read = unknown.isEmpty ? [:] : try readRecords(unknown)
        var records: [Record] = []
        for config in sorted {
            guard let record = known[config.key] ?? read[config.key] else {
                throw StoreError(path: recordsDirectory, message: "no record of run \(config.key)")
            }
            records.append(record)
        }
        let axisNames = spec.grid.axisNames
        var metricNames: [String] = []
        var seenMetrics = Set<String>()
        for record in records {
            for metric in record.outcome.metrics where seenMetrics.insert(metric.name).inserted { metricNames.append(metric.name) }
        }
        var rows: [[String]] = []
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
        }
        let runs = CSVTable(header: ["key", "study"] + axisNames + metricNames + ["status", "status_step", "status_reason"], rows: rows)
        try writeAtomically(runs.text, to: runsCSVPath, folder: directory, temporaryName: ".tmp-\(getpid())-runs.csv")
        try writeAtomically(Self.seriesText(records, parts: jobs ?? ProcessInfo.processInfo.activeProcessorCount), to: seriesCSVPath, folder: directory, temporaryName: ".tmp-\(getpid())-series.csv")
        try writeResolvedSpec(spec)
        return records
    }

    /// series.csv: `key, series, step, value` for every point of `records` (in their order), rendered
    /// in up to `parts` slices concurrently.
    static func seriesText(_ records: [Record], parts: Int) -> [UInt8] {
        var out = Array("key,series,step,value\n".utf8)
        let points = records.reduce(0) { $0 + $1.outcome.series.count }
        let parts = max(1, min(parts, points / 10_000))
        guard parts > 1 else {
            appendSeriesRows(records[...], to: &out)
            return out
        }
        let slices = SliceTexts(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var text: [UInt8] = []
            appendSeriesRows(records[records.count * part / parts..<records.count * (part + 1) / parts], to: &text)
            slices.set(part, text)
        }
        out.reserveCapacity(out.count + slices.texts.reduce(0) { $0 + $1.count })
        for text in slices.texts { out.append(contentsOf: text) }
        return out
    }

    private static func appendSeriesRows(_ records: ArraySlice<Record>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + records.reduce(0) { $0 + $1.outcome.series.count } * 48)
        var names = RenderedNames { CSVTable.escape($0) }
        for record in records {
            let key = Array(record.key.hex.utf8)
            for point in record.outcome.series {
                // Keys, steps and numbers never need quoting; series names may.
                out.append(contentsOf: key)
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: names[point.series])
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: String(point.step).utf8)
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: CSVTable.format(metric: point.value).utf8)
                out.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// Series names as rendered text, for the few names a record's series interleave.
    private struct RenderedNames {
        let render: (String) -> String
        var known: [(name: String, text: [UInt8])] = []

        init(render: @escaping (String) -> String) { self.render = render }

        subscript(name: String) -> [UInt8] {
            mutating get {
                if let hit = known.first(where: { $0.name == name }) { return hit.text }
                let text = Array(render(name).utf8)
                if known.count < 16 { known.append((name, text)) }
                return text
            }
        }
    }

    /// Texts rendered concurrently, one per slice.
    private final class SliceTexts: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [[UInt8]]

        init(count: Int) { storage = Array(repeating: [], count: count) }

        func set(_ index: Int, _ text: [UInt8]) { lock.withLock { storage[index] = text } }

        var texts: [[UInt8]] { lock.withLock { storage } }
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
        try writeAtomically(Array(text.utf8), to: path, folder: folder, temporaryName: temporaryName)
    }

    private func writeAtomically(_ bytes: [UInt8], to path: String, folder: String, temporaryName: String) throws(StoreError) {
        let temporary = folder + "/" + temporaryName
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(path: folder, message: error.localizedDescription)
            }
        }
        // Plain write + rename, no fsync: a killed process (Ctrl-C, kill -9) leaves either the whole
        // file or the previous one.
        guard let file = fopen(temporary, "wb") else {
            throw StoreError(path: temporary, message: String(cString: strerror(errno)))
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError(path: temporary, message: "could not write the file")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError(path: path, message: reason)
        }
    }
}

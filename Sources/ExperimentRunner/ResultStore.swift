import Foundation
public import ExperimentSpec

/// The results folder of a spec (default `results/<spec name>/`):
/// - `runs/records-<generation>-<host>-<pid>.jsonl`: the records of one process, one run per line (full config,
///   status, metrics, series; see `RecordJournal`); all files together are the resume cache;
/// - `runs.csv`: `key, study, <axes in spec order>, <metrics>, status, status_step, status_reason`, sorted by key;
/// - `series.csv`: `key, series, step, value, step_unit`, sorted by key;
/// - `timings.csv`: `key, <axes>, status, wall_seconds`, sorted by key: the only file with
///   machine-dependent numbers, outside the manifest and the determinism promise;
/// - `spec.resolved.json`: the spec with defaults filled in;
/// - `shards/shard-<i>-of-<n>.json`: summaries of shard runs;
/// - `manifest.json`: the digests of the files of the last complete write (see `Manifest`).
/// Every file is written whole (`FileOutput`: a temporary, then a rename).
/// Nothing in runs.csv or series.csv holds timestamps, wall times or host names, so reruns and
/// gathers write identical bytes.
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
        /// Its status, metrics and series (the series are empty when `rendered` holds them).
        public var outcome: RunOutcome
        /// Its table rows, when already rendered (by the worker that recorded it).
        var rendered: RecordFormat.TableRows?
    }

    /// The results folder.
    public let directory: String

    /// The test hook that fails or pauses writes (nil: none).
    public var fault: TestFault?

    public init(directory: String, fault: TestFault? = nil) {
        self.directory = directory
        self.fault = fault
    }

    /// `results/<spec name>`.
    public static func defaultDirectory(for spec: Spec) -> String { "results/" + spec.name }

    public var runsCSVPath: String { directory + "/runs.csv" }
    public var seriesCSVPath: String { directory + "/series.csv" }
    /// `timings.csv`: each run's wall time; outside the determinism promise, so not in the manifest.
    public var timingsCSVPath: String { directory + "/timings.csv" }
    public var resolvedSpecPath: String { directory + "/spec.resolved.json" }
    public var shardsDirectory: String { directory + "/shards" }
    /// The folder of the record files.
    public var recordsDirectory: String { directory + "/runs" }

    /// A new record file for this process (created on its first append); `pause` is the test hook
    /// ``RecordJournal/TestPause``.
    public func journal(pause: RecordJournal.TestPause? = nil) -> RecordJournal {
        RecordJournal(folder: recordsDirectory, pause: pause)
    }

    /// The record of a finished run, as reading its line back gives it (numbers round-trip exactly;
    /// NaN is stored as null; a metric name repeated by the executor is kept once).
    public func record(_ config: RunConfiguration, _ outcome: RunOutcome) -> Record {
        var names = Set<String>()
        let metrics = outcome.metrics.filter { names.insert($0.name).inserted }
        return Record(key: config.key, config: config.document,
                      outcome: RunOutcome(status: outcome.status, metrics: metrics, series: outcome.series,
                                          wallSeconds: outcome.wallSeconds))
    }

    /// Appends the record of a finished run to `journal` and returns it, with its rows of the tables
    /// (runs.csv with the columns of `axisNames`, series.csv) rendered in the same pass, so that the
    /// thread that ran it does this work. The returned record keeps its series only as those rows
    /// (`outcome.series` is empty): what the tables need, in a fraction of the memory.
    @discardableResult
    public func append(_ config: RunConfiguration, _ outcome: RunOutcome, to journal: RecordJournal,
                       axisNames: [String] = []) throws(StoreError) -> Record {
        var record = record(config, outcome)
        let text = RecordFormat.render(record, axisNames: axisNames)
        do {
            try journal.append(line: text.line)
        } catch {
            throw StoreError(path: error.path, message: "run \(config.key): \(error.message)")
        }
        record.rendered = text.rows
        record.outcome.series = []
        return record
    }

    /// Keys of every usable record in the folder.
    public func recordedKeys() throws(StoreError) -> Set<RunKey> {
        Set(try scan(keeping: []).index.keys)
    }

    /// Keys of every usable record, and the lines that cannot be used (see ``RecordProblem``; a key
    /// whose newest line is usable has no problem, whatever its older lines are).
    public func inspectRecords() throws(StoreError) -> (keys: Set<RunKey>, problems: [RecordProblem]) {
        let scanned = try scan(keeping: [])
        return (Set(scanned.index.keys), scanned.problems)
    }

    /// The records of `keys` that exist (the newest line of a key wins: files by generation, then
    /// name, lines in file order).
    public func readRecords(_ keys: some Sequence<RunKey>) throws(StoreError) -> [RunKey: Record] {
        let wanted = Set(keys)
        let index = try scan(keeping: wanted).index
        let locations = wanted.sorted().compactMap { index[$0] }
        // Parsing is most of a resume or gather: one slice of the lines per core.
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, locations.count / 64))
        let parsed = ConcurrentSlots<Result<Record, StoreError>>.compute(count: locations.count, parts: parts) { i in
            Result { () throws(StoreError) in try Self.parse(locations[i]) }
        }
        var records: [RunKey: Record] = [:]
        for result in parsed {
            let record = try result.get()
            records[record.key] = record
        }
        return records
    }

    /// The records of `keys`, sorted by key: from `known` (records this process has just written,
    /// as ``append(_:_:to:axisNames:)`` returned them) or read from the record files; every key
    /// must have one.
    public func records(of keys: [RunKey], known: [RunKey: Record] = [:]) throws(StoreError) -> [Record] {
        let sorted = keys.sorted()
        let unknown = sorted.filter { known[$0] == nil }
        let read = unknown.isEmpty ? [:] : try readRecords(unknown)
        var records: [Record] = []
        records.reserveCapacity(sorted.count)
        for key in sorted {
            guard let record = known[key] ?? read[key] else {
                throw StoreError(path: recordsDirectory, message: "no record of run \(key)")
            }
            records.append(record)
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

    /// Where a record line is, with its bytes when they were kept.
    private struct Location: Sendable {
        var path: String
        var line: Int
        var bytes: [UInt8]?
    }

    /// Every complete line of every record file, by key (a later line of a key replaces an earlier
    /// one), keeping the bytes of the lines of `wanted` keys; lines that cannot be used (checked by
    /// ``RecordFormat/problem(_:key:)``) are in `problems` instead. Files are read in 1 MiB blocks,
    /// so memory stays bounded by what is kept.
    private func scan(keeping wanted: Set<RunKey>) throws(StoreError) -> (index: [RunKey: Location], problems: [RecordProblem]) {
        let folder = recordsDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return ([:], []) }
        if let old = names.first(where: { RunKey(hex: $0) != nil && FileManager.default.fileExists(atPath: folder + "/" + $0 + "/record.json") }) {
            throw StoreError(path: folder + "/" + old + "/record.json",
                             message: "a record in the layout of an earlier version (one folder per run); this version keeps records in runs/records-*.jsonl: delete \(folder) to recompute, or gather it with the earlier version")
        }
        let files = names.filter { $0.hasSuffix(".jsonl") }
            .map { (generation: RecordJournal.generation(ofFileNamed: $0), path: folder + "/" + $0) }
            .sorted { ($0.generation, $0.path) < ($1.generation, $1.path) }
        let prefix = Array(#"{"key":""#.utf8)
        let newline = UInt8(ascii: "\n")
        var index: [RunKey: Location] = [:]
        var bad: [RunKey: RecordProblem] = [:]
        var unreadable: [RecordProblem] = []
        for file in files {
            guard let handle = fopen(file.path, "rb") else {
                throw StoreError(path: file.path, message: String(cString: strerror(errno)))
            }
            defer { fclose(handle) }
            var line = 1
            func take(_ text: ArraySlice<UInt8>) {
                defer { line += 1 }
                let keyStart = text.startIndex + prefix.count
                guard text.starts(with: prefix), keyStart + 17 <= text.endIndex, text[keyStart + 16] == UInt8(ascii: "\""),
                      let key = RunKey(hex: String(decoding: text[keyStart..<keyStart + 16], as: UTF8.self)) else {
                    unreadable.append(RecordProblem(path: file.path, line: line, key: nil,
                                                    reason: "it does not start with {\"key\":\"<16 hex digits>\""))
                    return
                }
                let bytes = Array(text)
                if let reason = RecordFormat.problem(bytes, key: key) {
                    index[key] = nil
                    bad[key] = RecordProblem(path: file.path, line: line, key: key, reason: reason)
                } else {
                    index[key] = Location(path: file.path, line: line, bytes: wanted.contains(key) ? bytes : nil)
                    bad[key] = nil
                }
            }
            var block = [UInt8](repeating: 0, count: 1 << 20)
            var pending: [UInt8] = []  // the start of a line that continues in the next block
            while true {
                let count = block.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
                if count == 0 {
                    if ferror(handle) != 0 { throw StoreError(path: file.path, message: "cannot read the record file") }
                    break
                }
                var start = 0
                while let end = block[start..<count].firstIndex(of: newline) {
                    if pending.isEmpty {
                        take(block[start..<end])
                    } else {
                        pending += block[start..<end]
                        take(pending[...])
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = end + 1
                }
                pending += block[start..<count]
            }
            // What is left in `pending` is a last line without its newline: an append cut short
            // (a killed process), not a record.
        }
        let problems = (unreadable + bad.values).sorted { ($0.path, $0.line) < ($1.path, $1.line) }
        return (index, problems)
    }

    private static func parse(_ location: Location) throws(StoreError) -> Record {
        do {
            return try RecordFormat.parse(location.bytes ?? [])
        } catch {
            throw StoreError(path: location.path, message: "line \(location.line): malformed record: \(error.what); fix: delete that line, or run again with --force")
        }
    }

    /// Writes runs.csv, series.csv and spec.resolved.json for `configs` from their records (all
    /// must exist). `known` holds records this process has just written (as
    /// ``append(_:_:to:axisNames:)`` returned them, with their rows rendered), so they are not read
    /// again; `jobs` threads (default: one per core) render the series.csv rows of the others.
    /// Returns the records, sorted by key.
    @discardableResult
    public func writeTables(spec: Spec, configs: [RunConfiguration], known: [RunKey: Record] = [:],
                            jobs: Int? = nil) throws(StoreError) -> [Record] {
        let records = try records(of: configs.map(\.key), known: known)
        let axisNames = spec.grid.axisNames
        var metricNames: [String] = []
        var seenMetrics = Set<String>()
        var previous: [(name: String, value: Double)] = []
        for record in records {
            let metrics = record.outcome.metrics
            // Usually every record has the metrics of the one before.
            if metrics.elementsEqual(previous, by: { $0.name == $1.name }) { continue }
            for metric in metrics where seenMetrics.insert(metric.name).inserted { metricNames.append(metric.name) }
            previous = metrics
        }
        let (allRecords, allMetrics) = (records, metricNames)
        let parts = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        // series.csv is written while runs.csv is assembled and written; both are renamed into
        // place only when both are complete.
        let written = ConcurrentSlots<Result<String, StoreError>>.compute(count: 2, parts: 2) { task in
            Result { () throws(StoreError) in
                if task == 0 {
                    return try FileOutput.writeTemporary(Self.seriesChunks(allRecords, parts: parts), for: seriesCSVPath,
                                                         fault: fault, phase: .tables)
                }
                return try FileOutput.writeTemporary(Self.runsChunks(allRecords, axisNames: axisNames, metricNames: allMetrics),
                                                     for: runsCSVPath, fault: fault, phase: .tables)
            }
        }
        switch (written[0], written[1]) {
        case let (.success(series), .success(runs)):
            // A process killed between the renames leaves tables of two generations, which the
            // manifest (written last, by the caller) does not list: readers reject them.
            try FileOutput.commit(series, to: seriesCSVPath)
            fault?.reach(.tables)
            try FileOutput.commit(runs, to: runsCSVPath)
        case let (.failure(error), other), let (other, .failure(error)):
            if case let .success(path) = other { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        try FileOutput.write(Self.timingsChunks(records, axisNames: axisNames), to: timingsCSVPath, fault: fault, phase: .tables)
        try writeResolvedSpec(spec)
        return records
    }

    /// timings.csv as chunks: `key, <axes>, status, wall_seconds` for every record, sorted by key
    /// (empty when its record has no wall time: a record of an earlier version). The times are
    /// those recorded when each run was computed, so a rerun that reuses every record rewrites the
    /// same bytes; runs computed again have new times.
    static func timingsChunks(_ records: [Record], axisNames: [String]) -> [[UInt8]] {
        var text: [UInt8] = []
        CSVTable.appendRecord(["key"] + axisNames + ["status", "wall_seconds"], to: &text)
        for record in records {
            var row = [record.key.hex]
            for name in axisNames {
                row.append(OptionCatalog.effectiveValue(of: name, in: record.config).map(CSVTable.format(value:)) ?? "")
            }
            row.append(record.outcome.status.name)
            row.append(record.outcome.wallSeconds.map(CSVTable.format(metric:)) ?? "")
            CSVTable.appendRecord(row, to: &text)
        }
        return [text]
    }

    /// runs.csv as chunks: the header, then each record's row (rendered again unless the worker
    /// rendered it for these columns).
    static func runsChunks(_ records: [Record], axisNames: [String], metricNames: [String]) -> [[UInt8]] {
        var header: [UInt8] = []
        CSVTable.appendRecord(["key", "study"] + axisNames + metricNames + ["status", "status_step", "status_reason"], to: &header)
        var chunks = [header]
        chunks.reserveCapacity(records.count + 1)
        for record in records {
            if let rendered = record.rendered, rendered.axisNames == axisNames,
               record.outcome.metrics.elementsEqual(metricNames, by: { $0.name == $1 }) {
                chunks.append(rendered.runsRow)
            } else {
                chunks.append(RecordFormat.runsRow(record, axisNames: axisNames, metricNames: metricNames))
            }
        }
        return chunks
    }

    /// series.csv as chunks: the header, then the rows of each record in order (records read back
    /// are rendered in up to `parts` slices concurrently).
    static func seriesChunks(_ records: [Record], parts: Int) -> [[UInt8]] {
        let missing = records.indices.filter { records[$0].rendered == nil }
        let points = missing.reduce(0) { $0 + records[$1].outcome.series.count }
        let parts = max(1, min(parts, points / 10_000))
        let texts = ConcurrentSlots<[UInt8]>.compute(count: missing.count, parts: parts) { i in
            RecordFormat.seriesRows(of: records[missing[i]])
        }
        var chunks: [[UInt8]] = [RecordFormat.seriesHeader]
        chunks.reserveCapacity(records.count + 1)
        var next = 0
        for record in records {
            if let rows = record.rendered?.seriesRows {
                chunks.append(rows)
            } else {
                chunks.append(texts[next])
                next += 1
            }
        }
        return chunks
    }

    /// Writes spec.resolved.json.
    public func writeResolvedSpec(_ spec: Spec) throws(StoreError) {
        try FileOutput.write(spec.resolvedDocument.prettyText() + "\n", to: resolvedSpecPath, fault: fault, phase: .tables)
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
        try FileOutput.write(document.prettyText() + "\n", to: shardsDirectory + "/shard-\(index)-of-\(count).json", fault: fault)
    }

    /// Paths of the shard summaries, sorted.
    public func shardSummaryPaths() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: shardsDirectory)) ?? []
        return names.filter { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }.sorted().map { shardsDirectory + "/" + $0 }
    }
}

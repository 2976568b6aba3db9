import Foundation
import ExperimentSpec

/// The text of a record: one line of compact JSON in a record file, key first,
/// `{"key":..,"config":{..},"status":..[,"status_step"|"status_reason":..],"metrics":{..},"series":[[name,step,value],..]}`
/// (NaN as null, infinities as ±1e999), ending with `,"sha256":"<64 hex>"}`: the SHA-256 of the line's
/// bytes before `,"sha256"` (``verify(_:)``); and its rows of series.csv (`key,series,step,value,step_unit`).
/// A line may hold `"wall_seconds":..` (the run's wall time, before `"metrics"`); it goes to timings.csv,
/// never to the tables. Lines of earlier versions have no digest or no wall time; they are still
/// read, their config checked against the key. The tables follow ``RunCells``: a record keeps every
/// value as computed.
enum RecordFormat {
    /// A record line that does not parse; `what` names the part.
    struct Malformed: Error {
        var what: String
    }

    /// A record's rows of the tables, rendered where it ran.
    struct TableRows: Sendable {
        /// The axis columns `runsRow` was rendered for (its metric columns are the record's own).
        var axisNames: [String]
        /// Its runs.csv row (with the newline).
        var runsRow: [UInt8]
        /// Its series.csv rows.
        var seriesRows: [UInt8]
    }

    /// The record's line (ending with a newline) and its table rows (runs.csv with the axis columns
    /// `axisNames` and its own metrics), in one pass.
    static func render(_ record: ResultStore.Record, axisNames: [String]) -> (line: [UInt8], rows: TableRows) {
        let series = record.outcome.series
        var line: [UInt8] = []
        line.reserveCapacity(2048 + series.count * 48)
        line.append(contentsOf: #"{"key":""#.utf8)
        line.append(contentsOf: record.key.hex.utf8)
        line.append(contentsOf: #"","config":"#.utf8)
        record.config.write(to: &line, sortingKeys: false)
        line.append(contentsOf: #","status":"#.utf8)
        JSONValue.write(quoted: record.outcome.status.name, to: &line)
        switch record.outcome.status {
        case .ok: break
        case let .diverged(step):
            line.append(contentsOf: #","status_step":"#.utf8)
            DecimalText.append(step, to: &line)
        case let .failed(reason):
            line.append(contentsOf: #","status_reason":"#.utf8)
            JSONValue.write(quoted: reason, to: &line)
        }
        if let seconds = record.outcome.wallSeconds {
            line.append(contentsOf: #","wall_seconds":"#.utf8)
            JSONValue.write(seconds, to: &line)
        }
        line.append(contentsOf: #","metrics":{"#.utf8)
        for (i, metric) in record.outcome.metrics.enumerated() {
            if i > 0 { line.append(UInt8(ascii: ",")) }
            JSONValue.write(quoted: metric.name, to: &line)
            line.append(UInt8(ascii: ":"))
            JSONValue.write(metric.value, to: &line)
        }
        line.append(contentsOf: #"},"series":["#.utf8)
        var rows: [UInt8] = []
        rows.reserveCapacity(series.count * 56)
        appendSeries(series, key: record.key, cells: cells(of: record), line: &line, rows: &rows, withLine: true)
        line.append(UInt8(ascii: "]"))
        let digest = FileOutput.hex(SHA256.hash(line))
        line.append(contentsOf: digestPrefix)
        line.append(contentsOf: digest.utf8)
        line.append(contentsOf: "\"}\n".utf8)
        let runs = runsRow(record, axisNames: axisNames, metricNames: record.outcome.metrics.map(\.name))
        return (line, TableRows(axisNames: axisNames, runsRow: runs, seriesRows: rows))
    }

    /// Appends the series points to a record line (`[name,step,value]`, comma-separated; only
    /// `withLine`) and their series.csv rows to `rows`. Each number is formatted once for both (the
    /// texts differ only for integral values, which JSON writes without ".0", and non-finite ones).
    /// Hot: a grid renders every point of every run; the loop copies bytes, nothing else.
    /// Only the series that apply to the run (``RunCells``) get rows; the line has every point.
    private static func appendSeries(_ series: [SeriesPoint], key: RunKey, cells: RunCells, line: inout [UInt8],
                                     rows: inout [UInt8], withLine: Bool) {
        // The few distinct names, and each point's: rendered once, JSON-quoted and as the start
        // `key,name,` of a series.csv row, into one buffer.
        var names: [String] = []
        var nameIndex = [Int](repeating: 0, count: series.count)
        var texts: [UInt8] = []
        var json: [Range<Int>] = []
        var rowStart: [Range<Int>] = []
        var rowEnd: [Range<Int>] = []  // `,<step unit>` and the newline
        var applies: [Bool] = []
        // Names are told apart by their bytes (String's == would merge canonically equivalent ones).
        func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
        for (i, point) in series.enumerated() {
            if let n = names.indices.last, same(point.series, names[n]) {
                nameIndex[i] = n
            } else if let n = names.firstIndex(where: { same(point.series, $0) }) {
                nameIndex[i] = n
            } else {
                names.append(point.series)
                nameIndex[i] = names.count - 1
                var from = texts.count
                JSONValue.write(quoted: point.series, to: &texts)
                json.append(from..<texts.count)
                from = texts.count
                texts.append(contentsOf: (key.hex + "," + CSVTable.escape(point.series) + ",").utf8)
                rowStart.append(from..<texts.count)
                from = texts.count
                texts.append(contentsOf: ("," + CSVTable.escape(cells.stepUnit(ofSeries: point.series)) + "\n").utf8)
                rowEnd.append(from..<texts.count)
                applies.append(cells.applies(series: point.series))
            }
        }
        var number = NumberText()
        series.withUnsafeBufferPointer { points in
            texts.withUnsafeBufferPointer { texts in
                for i in points.indices {
                    let n = nameIndex[i]
                    let value = points[i].value
                    number.set(step: points[i].step, value: value)
                    number.withBytes { step, text in
                        if withLine {
                            if i > 0 { line.append(UInt8(ascii: ",")) }
                            line.append(UInt8(ascii: "["))
                            line.append(contentsOf: UnsafeBufferPointer(rebasing: texts[json[n]]))
                            line.append(UInt8(ascii: ","))
                            line.append(contentsOf: step)
                            line.append(UInt8(ascii: ","))
                            if value.isFinite && value != value.rounded() {
                                line.append(contentsOf: text)
                            } else {
                                JSONValue.write(value, to: &line)
                            }
                            line.append(UInt8(ascii: "]"))
                        }
                        guard applies[n] else { return }
                        rows.append(contentsOf: UnsafeBufferPointer(rebasing: texts[rowStart[n]]))
                        rows.append(contentsOf: step)
                        rows.append(UInt8(ascii: ","))
                        rows.append(contentsOf: text)
                        rows.append(contentsOf: UnsafeBufferPointer(rebasing: texts[rowEnd[n]]))
                    }
                }
            }
        }
    }

    /// A series point's step (decimal) and value (``CSVTable/format(metric:)``) as bytes, in one
    /// reused buffer.
    private struct NumberText {
        private var bytes: [UInt8] = []
        private var stepCount = 0

        init() { bytes.reserveCapacity(48) }

        mutating func set(step: Int, value: Double) {
            bytes.removeAll(keepingCapacity: true)
            DecimalText.append(step, to: &bytes)
            stepCount = bytes.count
            CSVTable.append(metric: value, to: &bytes)
        }

        /// Calls `body` with the step's and the value's bytes.
        func withBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
            bytes.withUnsafeBufferPointer { all in
                body(UnsafeBufferPointer(rebasing: all[..<stepCount]), UnsafeBufferPointer(rebasing: all[stepCount...]))
            }
        }
    }

    /// The record's series.csv rows.
    static func seriesRows(of record: ResultStore.Record) -> [UInt8] {
        var rows: [UInt8] = []
        rows.reserveCapacity(record.outcome.series.count * 56)
        var unused: [UInt8] = []
        appendSeries(record.outcome.series, key: record.key, cells: cells(of: record), line: &unused, rows: &rows,
                     withLine: false)
        return rows
    }

    /// The rules of the record's table cells.
    static func cells(of record: ResultStore.Record) -> RunCells {
        if case .diverged = record.outcome.status { return RunCells(config: record.config, diverged: true) }
        return RunCells(config: record.config, diverged: false)
    }

    /// series.csv's header.
    static let seriesHeader = Array("key,series,step,value,step_unit\n".utf8)

    /// The record's runs.csv row: key, study, `axisNames` values, `metricNames` values (empty when
    /// the record lacks one or it does not apply to the run: ``RunCells``), status, status_step,
    /// status_reason.
    static func runsRow(_ record: ResultStore.Record, axisNames: [String], metricNames: [String]) -> [UInt8] {
        var row = [record.key.hex, record.config["study"].map(CSVTable.format(value:)) ?? ""]
        row.reserveCapacity(2 + axisNames.count + metricNames.count + 3)
        // An axis option that does not apply to the run (max_norm without norm clipping) stays empty.
        for name in axisNames { row.append(OptionCatalog.effectiveValue(of: name, in: record.config).map(CSVTable.format(value:)) ?? "") }
        let metrics = record.outcome.metrics
        let cells = cells(of: record)
        for (i, name) in metricNames.enumerated() {
            // Usually every record has the same metrics in the same order.
            let value = i < metrics.count && metrics[i].name == name ? metrics[i].value : metrics.first { $0.name == name }?.value
            row.append(value.map { cells.cell(metric: name, value: $0) } ?? "")
        }
        switch record.outcome.status {
        case .ok: row += ["ok", "", ""]
        case let .diverged(step): row += ["diverged", String(step), ""]
        case let .failed(reason): row += ["failed", "", reason]
        }
        var text: [UInt8] = []
        CSVTable.appendRecord(row, to: &text)
        return text
    }

    /// `,"sha256":"`, before a line's digest.
    static let digestPrefix = Array(#","sha256":""#.utf8)

    /// Why the record line `bytes` (without its newline), which starts with the key `key`, cannot
    /// be used, or nil when it can: its digest must match its content (lines of earlier versions
    /// have none), and its config must be the one whose key it claims.
    static func problem(_ bytes: [UInt8], key: RunKey) -> String? {
        let tail = digestPrefix.count + 64 + 2
        let quoteBrace = Array(#""}"#.utf8)
        if bytes.count > tail + 35, bytes.suffix(2).elementsEqual(quoteBrace),
           bytes[(bytes.count - tail)..<(bytes.count - tail + digestPrefix.count)].elementsEqual(digestPrefix) {
            let content = Array(bytes[..<(bytes.count - tail)])
            let stored = bytes[(bytes.count - 66)..<(bytes.count - 2)]
            guard stored.elementsEqual(FileOutput.hex(SHA256.hash(content)).utf8) else {
                return "its content does not match its SHA-256 digest (the line was changed after it was written)"
            }
        } else if !bytes.suffix(2).elementsEqual("]}".utf8) {
            return "it does not end as a record does (cut short or edited)"
        }
        let configStart = Array(#"","config":"#.utf8)
        guard bytes.count > 35, bytes[24..<35].elementsEqual(configStart),
              let config = try? JSONParser.parseValue(bytes: bytes, at: 35).value, case .object = config else {
            return "it has no config"
        }
        let actual = RunKey(canonicalJSON: config.canonicalText)
        guard actual == key else {
            return "its config is that of run \(actual), not of run \(key)"
        }
        return nil
    }

    /// Parses one record line (without its newline).
    static func parse(_ bytes: [UInt8]) throws(Malformed) -> ResultStore.Record {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: bytes)
        } catch {
            throw Malformed(what: "column \(error.column): \(error.message)")
        }
        guard case let .string(hex)? = document["key"], let key = RunKey(hex: hex) else { throw Malformed(what: "key") }
        guard let config = document["config"], case let .string(statusName)? = document["status"] else {
            throw Malformed(what: "status")
        }
        let status: RunStatus
        switch statusName {
        case "ok": status = .ok
        case "diverged":
            guard case let .number(number)? = document["status_step"], let step = Int(exactly: number) else {
                throw Malformed(what: "status_step")
            }
            status = .diverged(step: step)
        case "failed":
            guard case let .string(reason)? = document["status_reason"] else { throw Malformed(what: "status_reason") }
            status = .failed(reason: reason)
        default: throw Malformed(what: "status '\(statusName)'")
        }
        guard case let .object(metricPairs)? = document["metrics"], case let .array(seriesItems)? = document["series"] else {
            throw Malformed(what: "metrics or series")
        }
        var metrics: [(name: String, value: Double)] = []
        for pair in metricPairs {
            switch pair.value {
            case let .number(x): metrics.append((pair.key, x))
            case .null: metrics.append((pair.key, .nan))
            default: throw Malformed(what: "metric '\(pair.key)'")
            }
        }
        var series: [SeriesPoint] = []
        series.reserveCapacity(seriesItems.count)
        for item in seriesItems {
            guard case let .array(parts) = item, parts.count == 3, case let .string(name) = parts[0],
                  case let .number(number) = parts[1], let step = Int(exactly: number) else { throw Malformed(what: "series point") }
            let value: Double
            switch parts[2] {
            case let .number(x): value = x
            case .null: value = .nan
            default: throw Malformed(what: "series value")
            }
            series.append(SeriesPoint(series: name, step: step, value: value))
        }
        var wallSeconds: Double?
        if case let .number(seconds)? = document["wall_seconds"] { wallSeconds = seconds }
        return ResultStore.Record(key: key, config: config,
                                  outcome: RunOutcome(status: status, metrics: metrics, series: series, wallSeconds: wallSeconds))
    }
}

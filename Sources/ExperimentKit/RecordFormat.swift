import Foundation

/// The text of a record: one line of compact JSON in a record file, key first,
/// `{"key":..,"config":{..},"status":..[,"status_step"|"status_reason":..],"metrics":{..},"series":[[name,step,value],..]}`
/// (NaN as null, infinities as ±1e999), and its rows of series.csv (`key,series,step,value`).
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
        let series = record.outcome.series
        var line = Array(head.utf8)
        line.reserveCapacity(line.count + series.count * 40 + 3)
        var rows: [UInt8] = []
        rows.reserveCapacity(series.count * 48)
        let key = Array(record.key.hex.utf8)
        var jsonNames = RenderedNames { JSONValue.quote($0) }
        var csvNames = RenderedNames { CSVTable.escape($0) }
        for (i, point) in series.enumerated() {
            let step = String(point.step).utf8
            let value = point.value
            // Both texts are the shortest round-trip digits except for integral values (JSON drops
            // the ".0") and non-finite ones.
            let csvValue = CSVTable.format(metric: value)
            let plain = value.isFinite && value != value.rounded()
            if i > 0 { line.append(UInt8(ascii: ",")) }
            line.append(UInt8(ascii: "["))
            line.append(contentsOf: jsonNames[point.series])
            line.append(UInt8(ascii: ","))
            line.append(contentsOf: step)
            line.append(UInt8(ascii: ","))
            line.append(contentsOf: plain ? csvValue.utf8 : JSONValue.format(value).utf8)
            line.append(UInt8(ascii: "]"))
            appendSeriesRow(key: key, name: csvNames[point.series], step: step, value: csvValue.utf8, to: &rows)
        }
        line.append(contentsOf: "]}\n".utf8)
        let runs = runsRow(record, axisNames: axisNames, metricNames: record.outcome.metrics.map(\.name))
        return (line, TableRows(axisNames: axisNames, runsRow: runs, seriesRows: rows))
    }

    /// The record's series.csv rows.
    static func seriesRows(of record: ResultStore.Record) -> [UInt8] {
        var rows: [UInt8] = []
        rows.reserveCapacity(record.outcome.series.count * 48)
        let key = Array(record.key.hex.utf8)
        var names = RenderedNames { CSVTable.escape($0) }
        for point in record.outcome.series {
            appendSeriesRow(key: key, name: names[point.series], step: String(point.step).utf8,
                            value: CSVTable.format(metric: point.value).utf8, to: &rows)
        }
        return rows
    }

    /// `key,series,step,value` and a newline (keys, steps and numbers never need quoting in CSV;
    /// `name` is already escaped).
    private static func appendSeriesRow(key: [UInt8], name: [UInt8], step: String.UTF8View, value: String.UTF8View,
                                        to rows: inout [UInt8]) {
        rows.append(contentsOf: key)
        rows.append(UInt8(ascii: ","))
        rows.append(contentsOf: name)
        rows.append(UInt8(ascii: ","))
        rows.append(contentsOf: step)
        rows.append(UInt8(ascii: ","))
        rows.append(contentsOf: value)
        rows.append(UInt8(ascii: "\n"))
    }

    /// The record's runs.csv row: key, study, `axisNames` values, `metricNames` values (empty when
    /// the record lacks one), status, status_step, status_reason.
    static func runsRow(_ record: ResultStore.Record, axisNames: [String], metricNames: [String]) -> [UInt8] {
        var row = [record.key.hex, record.config["study"].map(CSVTable.format(value:)) ?? ""]
        row.reserveCapacity(2 + axisNames.count + metricNames.count + 3)
        for name in axisNames { row.append(record.config[name].map(CSVTable.format(value:)) ?? "") }
        let metrics = record.outcome.metrics
        for (i, name) in metricNames.enumerated() {
            // Usually every record has the same metrics in the same order.
            let value = i < metrics.count && metrics[i].name == name ? metrics[i].value : metrics.first { $0.name == name }?.value
            row.append(value.map(CSVTable.format(metric:)) ?? "")
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
        return ResultStore.Record(key: key, config: config, outcome: RunOutcome(status: status, metrics: metrics, series: series))
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
}

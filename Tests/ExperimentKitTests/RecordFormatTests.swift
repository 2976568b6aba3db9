@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

/// A record's line and table rows, rendered where the run ran, against the plain formatting rules.
@Suite struct RecordFormatTests {
    static let values: [Double] = [
        6.017086887346883e-06, 0.1, 2.0, -3.0, 0.0, -0.0, 1e16, 123456.789, 5e-324, -1.7976931348623157e308,
        .nan, .infinity, -.infinity,
    ]

    @Test func seriesRowsAreKeyNameStepAndTheValuesDescription() throws {
        let config = try expand("{}")[0]
        let series = Self.values.enumerated().map { SeriesPoint(series: $0.offset % 3 == 0 ? "a,b" : "g", step: $0.offset - 2, value: $0.element) }
        let record = ResultStore(directory: "unused").record(config, RunOutcome(metrics: [("m", 1.5)], series: series))
        let rows = RecordFormat.render(record, axisNames: []).rows.seriesRows
        let expected = series.map { point in
            [config.key.hex, CSVTable.escape(point.series), String(point.step), CSVTable.format(metric: point.value)]
                .joined(separator: ",") + ",\n"  // no step unit: the train study declares no such series
        }.joined()
        #expect(String(decoding: rows, as: UTF8.self) == expected)
        // Records read back (no rendered rows) give the same rows.
        #expect(RecordFormat.seriesRows(of: record) == rows)
    }

    @Test func aRecordLineParsesBackToTheSameRecord() throws {
        let config = try expand("{}")[0]
        let series = Self.values.enumerated().map { SeriesPoint(series: "s\($0.offset % 2)", step: $0.offset, value: $0.element) }
        let record = ResultStore(directory: "unused").record(config, RunOutcome(status: .diverged(step: 7), metrics: [("m", .nan), ("n", 2)], series: series))
        let line = RecordFormat.render(record, axisNames: []).line
        #expect(line.last == UInt8(ascii: "\n") && line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        let back = try RecordFormat.parse(Array(line.dropLast()))
        #expect(back.key == record.key && back.config == record.config && back.outcome.status == .diverged(step: 7))
        #expect(back.outcome.series.count == series.count)
        for (a, b) in zip(back.outcome.series, series) {
            #expect(a.series == b.series && a.step == b.step)
            #expect(a.value == b.value || (a.value.isNaN && b.value.isNaN))
            #expect(a.value.sign == b.value.sign || a.value.isNaN)
        }
        #expect(back.outcome.metrics.map(\.name) == ["m", "n"] && back.outcome.metrics[0].value.isNaN)
    }

    @Test func canonicallyEquivalentSeriesNamesKeepTheirOwnBytes() throws {
        let config = try expand("{}")[0]
        let composed = "\u{E9}", decomposed = "e\u{301}"  // equal as Strings, different bytes
        let series = [SeriesPoint(series: composed, step: 0, value: 1.5), SeriesPoint(series: decomposed, step: 1, value: 2.5)]
        let record = ResultStore(directory: "unused").record(config, RunOutcome(series: series))
        let rendered = RecordFormat.render(record, axisNames: [])
        let rows = String(decoding: rendered.rows.seriesRows, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(rows.map { Array($0.utf8) } == [Array("\(config.key.hex),\(composed),0,1.5,".utf8), Array("\(config.key.hex),\(decomposed),1,2.5,".utf8)])
        let line = String(decoding: rendered.line, as: UTF8.self)
        #expect(line.utf8.contains(Array(decomposed.utf8)))
        #expect(try RecordFormat.parse(Array(rendered.line.dropLast())).outcome.series.map { Array($0.series.utf8) }
            == [Array(composed.utf8), Array(decomposed.utf8)])
    }
}

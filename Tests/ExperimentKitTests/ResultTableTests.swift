import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

@Suite struct ResultTableTests {
    @Test func readsQuotedFieldsEscapedQuotesAndCRLF() throws {
        let text = "key,name,value\r\na,\"x, y\",1.5\r\nb,\"say \"\"hi\"\"\",nan\r\nc,\"two\nlines\",\n"
        let table = try ResultTable(csvText: text)
        #expect(table.header == ["key", "name", "value"])
        #expect(table.rows.count == 3)
        #expect(table.column("name") == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(table.number(row: 0, column: 2) == 1.5)
        #expect(table.number(row: 1, column: 2)?.isNaN == true)
        #expect(table.number(row: 2, column: 2) == nil)
        #expect(table.column("missing") == nil)
    }

    @Test func readsLastRowWithoutNewlineAndEmptyTrailingField() throws {
        let table = try ResultTable(csvText: "a,b\n1,")
        #expect(table.rows == [["1", ""]])
    }

    @Test func rejectsRowsWithWrongFieldCount() {
        #expect(throws: ResultsError.self) { try ResultTable(csvText: "a,b\n1,2,3\n") }
    }

    @Test func rejectsUnterminatedQuote() {
        #expect(throws: ResultsError.self) { try ResultTable(csvText: "a\n\"open\n") }
    }

    @Test(arguments: [("inf", Double.infinity), ("-inf", -Double.infinity), ("1e-05", 1e-5), ("20", 20)])
    func parsesNumberCells(text: String, value: Double) {
        #expect(ResultTable.number(text) == value)
    }
}

import Foundation

/// A problem reading a results folder (missing file, malformed CSV, missing column).
public struct ResultsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file concerned.
    public var file: String
    /// What went wrong.
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

/// A CSV table read from a results folder: a header and rows of strings (RFC 4180).
///
/// A small reader of our own rather than a CSV package: the files are written by this package
/// (quoted fields, `""` escapes, CRLF or LF line ends), the reader is ~60 lines, works on
/// bytes (fast for a large `series.csv`) and adds no dependency to resolve.
public struct ResultTable: Sendable {
    /// Column names in file order.
    public let header: [String]
    /// Data rows; each has exactly `header.count` fields.
    public let rows: [[String]]
    private let indexByName: [String: Int]

    /// Parses CSV text. Rows whose field count differs from the header are an error.
    public init(csvText: String, file: String = "<csv>") throws(ResultsError) {
        try self.init(bytes: Array(csvText.utf8), file: file)
    }

    /// Reads and parses a CSV file.
    public static func load(path: String) throws(ResultsError) -> ResultTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResultsError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        return try ResultTable(bytes: [UInt8](data), file: path)
    }

    init(bytes: [UInt8], file: String) throws(ResultsError) {
        var records = try ResultTable.parse(bytes, file: file)
        guard !records.isEmpty else { throw ResultsError(file: file, message: "empty file: no header") }
        let header = records.removeFirst()
        for (index, record) in records.enumerated() where record.count != header.count {
            throw ResultsError(
                file: file,
                message: "row \(index + 2) has \(record.count) fields, the header has \(header.count)")
        }
        self.header = header
        self.rows = records
        var map: [String: Int] = [:]
        for (index, name) in header.enumerated() where map[name] == nil { map[name] = index }
        self.indexByName = map
    }

    /// The index of a column, or nil.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// All values of a column, or nil when there is no such column.
    public func column(_ name: String) -> [String]? {
        guard let index = indexByName[name] else { return nil }
        return rows.map { $0[index] }
    }

    /// A field as a number: nil when empty or not numeric; `nan`, `inf`, `-inf` are understood.
    public func number(row: Int, column: Int) -> Double? {
        ResultTable.number(rows[row][column])
    }

    /// Parses a CSV number cell: nil for empty or non-numeric text.
    public static func number(_ text: String) -> Double? {
        switch text {
        case "": return nil
        case "nan", "NaN", "-nan": return .nan
        case "inf", "+inf", "Infinity", "infinity": return .infinity
        case "-inf", "-Infinity", "-infinity": return -.infinity
        default: return Double(text)
        }
    }

    private static func parse(_ bytes: [UInt8], file: String) throws(ResultsError) -> [[String]] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var index = 0
        var line = 1
        var fieldStarted = false
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote && field.isEmpty && !fieldStarted {
                // Quoted field: runs to the closing quote; "" is a literal quote.
                index += 1
                var closed = false
                while index < bytes.count {
                    let b = bytes[index]
                    if b == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if b == lf { line += 1 }
                    field.append(b)
                    index += 1
                }
                if !closed { throw ResultsError(file: file, message: "line \(line): unterminated quoted field") }
                fieldStarted = true
                if index < bytes.count, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr {
                    throw ResultsError(file: file, message: "line \(line): text after a closing quote")
                }
                continue
            }
            switch byte {
            case comma:
                record.append(text(field))
                field.removeAll(keepingCapacity: true)
                fieldStarted = false
                index += 1
            case cr, lf:
                record.append(text(field))
                field.removeAll(keepingCapacity: true)
                fieldStarted = false
                if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                record = []
                index += (byte == cr && index + 1 < bytes.count && bytes[index + 1] == lf) ? 2 : 1
                line += 1
            default:
                field.append(byte)
                index += 1
            }
        }
        if fieldStarted || !field.isEmpty || !record.isEmpty {
            record.append(text(field))
            records.append(record)
        }
        return records
    }
}

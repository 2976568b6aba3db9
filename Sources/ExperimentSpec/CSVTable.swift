import Foundation

/// A CSV table: a header and rows of text cells. Own small RFC 4180 writer (no CSV package):
/// fields containing `,`, `"`, CR or LF are quoted with doubled quotes; records end with LF.
/// Reading goes through ``ResultTable``'s parser (LF and CRLF).
public struct CSVTable: Sendable, Equatable {
    /// A malformed CSV text or unreadable file.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Reads a CSV file whose first record is the header.
    public init(contentsOf path: String) throws(ParseError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(file: path, line: 0, message: "cannot read the file")
        }
        try self.init(parsing: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses CSV text whose first record is the header, with the package's one CSV reader
    /// (``ResultTable``).
    public init(parsing text: String, file: String = "<csv>") throws(ParseError) {
        do {
            let table = try ResultTable(csvText: text, file: file)
            header = table.header
            rows = table.rows
        } catch {
            throw ParseError(file: file, line: 0, message: error.message)
        }
    }

    /// The cells of the column called `name`, or nil when there is no such column.
    public func column(named name: String) -> [String]? {
        guard let i = header.firstIndex(of: name) else { return nil }
        return rows.map { $0[i] }
    }

    /// The RFC 4180 text (LF line endings, a final LF).
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity((rows.count + 1) * 48)
        CSVTable.appendRecord(header, to: &out)
        for row in rows { CSVTable.appendRecord(row, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one record to RFC 4180 text: fields joined by commas, quoted when needed, then LF.
    public static func appendRecord(_ fields: some Sequence<String>, to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: CSVTable.escape(field).utf8)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// A field, quoted when it holds `,`, `"`, CR or LF (or leading/trailing spaces).
    public static func escape(_ field: String) -> String {
        let utf8 = field.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A metric value: Swift's shortest round-trip `description`, with `nan`, `inf`, `-inf`.
    public static func format(metric x: Double) -> String {
        var bytes: [UInt8] = []
        append(metric: x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``format(metric:)`` of `x` to `out`.
    package static func append(metric x: Double, to out: inout [UInt8]) {
        if x.isNaN { return out.append(contentsOf: "nan".utf8) }
        if x.isInfinite { return out.append(contentsOf: x > 0 ? "inf".utf8 : "-inf".utf8) }
        DecimalText.append(description: x, to: &out)
    }

    /// A configuration value: strings as they are, integral numbers without `.0`.
    public static func format(value: JSONValue) -> String {
        switch value {
        case let .string(s): return s
        case let .number(n):
            if n.isNaN { return "nan" }
            if n.isInfinite { return n > 0 ? "inf" : "-inf" }
            return JSONValue.format(n)
        case let .bool(b): return b ? "true" : "false"
        case .null: return ""
        default: return value.canonicalText
        }
    }
}

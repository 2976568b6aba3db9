/// A problem with a spec: which file, which field (a JSON path such as `grid.init[3]`), what was
/// expected and what was found. Commands print it and exit with status 2.
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec file (as given on the command line), or "<spec>" when not from a file.
    public var file: String
    /// JSON path of the offending field; empty for the document itself.
    public var path: String
    /// What a valid value looks like.
    public var expected: String
    /// What the spec holds instead.
    public var found: String

    public init(file: String = "<spec>", path: String, expected: String, found: String) {
        self.file = file
        self.path = path
        self.expected = expected
        self.found = found
    }

    /// `file: field 'path': expected ..., found ...`, with control and format characters (terminal
    /// escapes, bidirectional overrides) shown as `\u{1B}` so that echoed text cannot act on a terminal.
    public var description: String {
        let field = path.isEmpty ? "document" : "field '\(path)'"
        return SpecError.printable("\(file): \(field): expected \(expected), found \(found)")
    }

    /// `text` with every control or format character replaced by its `\u{...}` escape.
    public static func printable(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The same error attributed to another file.
    public func inFile(_ file: String) -> SpecError {
        var copy = self
        copy.file = file
        return copy
    }
}

/// Builds JSON paths: `root.key`, `root[3]`.
public enum JSONPath {
    /// `parent.key` (or `key` at the root).
    public static func child(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }
    /// `parent[index]`.
    public static func element(_ parent: String, _ index: Int) -> String {
        parent + "[\(index)]"
    }
}

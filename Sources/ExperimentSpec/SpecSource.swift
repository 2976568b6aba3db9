import Foundation

/// Where a spec's bytes come from: a file, or standard input when the path is `-`. Checks the
/// text encoding before parsing: a UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 text is
/// reported as such instead of as an unexpected character.
public enum SpecSource {
    /// The path that means standard input.
    public static let standardInputPath = "-"
    /// The name errors give a spec read from standard input.
    public static let standardInputName = "<stdin>"

    /// The name errors use for `path`.
    public static func displayName(of path: String) -> String {
        path == standardInputPath ? standardInputName : path
    }

    /// The bytes of the spec at `path` (`-`: all of standard input), without a UTF-8 byte-order mark.
    public static func read(path: String) throws(SpecError) -> [UInt8] {
        if path == standardInputPath {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return try utf8Text(Array(data), file: standardInputName)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SpecError(file: path, path: "", expected: "a spec file", found: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw SpecError(file: path, path: "", expected: "a spec file", found: "a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, path: "", expected: "a readable spec file", found: "a file that cannot be read")
        }
        return try utf8Text(Array(data), file: path)
    }

    /// `bytes` without a leading UTF-8 byte-order mark; throws when they look like UTF-16 or UTF-32.
    public static func utf8Text(_ bytes: [UInt8], file: String) throws(SpecError) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        if let encoding = wideEncoding(of: bytes) {
            throw SpecError(file: file, path: "", expected: "UTF-8 text (JSON is UTF-8)", found: encoding + " text")
        }
        return bytes
    }

    /// "UTF-16LE", "UTF-32BE", ... when the first bytes are a byte-order mark of, or an ASCII
    /// character encoded in, a wide encoding (JSON text starts with an ASCII character).
    static func wideEncoding(of bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(4)) + [UInt8](repeating: 0xAA, count: max(0, 4 - bytes.count))
        switch (head[0], head[1], head[2], head[3]) {
        case (0x00, 0x00, 0xFE, 0xFF): return "UTF-32BE"
        case (0xFF, 0xFE, 0x00, 0x00): return "UTF-32LE"
        case (0xFE, 0xFF, _, _): return "UTF-16BE"
        case (0xFF, 0xFE, _, _): return "UTF-16LE"
        case (0x00, 0x00, 0x00, let c) where c != 0: return "UTF-32BE"
        case (let c, 0x00, 0x00, 0x00) where c != 0: return "UTF-32LE"
        case (0x00, let c, _, _) where c != 0: return "UTF-16BE"
        case (let c, 0x00, _, _) where c != 0: return "UTF-16LE"
        default: return nil
        }
    }
}

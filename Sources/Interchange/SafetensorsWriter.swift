import Foundation

extension SafetensorsFile {
    /// The file's bytes: the header (`__metadata__` first, then the tensors in order, padded
    /// with spaces to a multiple of 8 bytes, as the reference writer does) and the data, each
    /// tensor little-endian in its `dtype` (F32 or F64; F16/BF16 are read-only).
    public func encoded(file: String = "<bytes>") throws(SafetensorsError) -> [UInt8] {
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            parts.append(Self.quote("__metadata__") + ":{"
                + metadata.map { Self.quote($0.key) + ":" + Self.quote($0.value) }.joined(separator: ",") + "}")
        }
        var offset = 0
        var names = Set<String>()
        for t in tensors {
            guard names.insert(t.name).inserted, t.name != "__metadata__" else {
                throw SafetensorsError(file: file, tensor: t.name, expected: "unique tensor names", found: "a duplicate name")
            }
            guard t.dtype == .f32 || t.dtype == .f64 else {
                throw SafetensorsError(file: file, tensor: t.name, expected: "dtype F32 or F64 to write", found: t.dtype.rawValue)
            }
            guard t.shape.allSatisfy({ $0 >= 0 }), t.shape.reduce(1, *) == t.values.count else {
                throw SafetensorsError(file: file, tensor: t.name, expected: "\(t.shape.reduce(1, *)) values for shape \(t.shapeText)",
                                       found: "\(t.values.count) values")
            }
            let end = offset + t.values.count * t.dtype.size
            parts.append(Self.quote(t.name) + ":{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[" + t.shape.map(String.init).joined(separator: ",")
                + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xFF)); n >>= 8 }
        out += headerBytes
        for t in tensors {
            for v in t.values {
                var bits: UInt64
                let size: Int
                if t.dtype == .f64 { bits = v.bitPattern; size = 8 } else { bits = UInt64(Float(v).bitPattern); size = 4 }
                for _ in 0..<size { out.append(UInt8(bits & 0xFF)); bits >>= 8 }
            }
        }
        return out
    }

    /// Writes the file atomically (a temporary file renamed into place), creating the folder.
    public func write(to path: String) throws(SafetensorsError) {
        let bytes = try encoded(file: path)
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw SafetensorsError(file: path, expected: "a writable file", found: "\(error)")
        }
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

import Foundation

/// The contents of a safetensors file: tensors in file order and the `__metadata__` strings.
///
/// Reading validates the format completely before any tensor is decoded: the header length is
/// at most ``maxHeaderBytes`` and fits in the file; the header is a JSON object without duplicate
/// keys; `__metadata__`, if present, maps strings to strings; every other entry has exactly
/// `dtype` (F64, F32, F16, BF16), `shape` (non-negative integers) and `data_offsets`
/// (`[begin, end]`, relative to the data section); `end - begin` equals the element size times
/// the element count; the tensors, ordered by offset, cover the data section exactly (no gap, no
/// overlap, nothing past the end). Allocation is bounded by the file's size.
public struct SafetensorsFile: Sendable, Equatable {
    /// Largest header accepted (the reference implementation's bound).
    public static let maxHeaderBytes = 100_000_000

    public var tensors: [SafetensorsTensor]
    /// `__metadata__`, in file order.
    public var metadata: [(key: String, value: String)]

    public init(tensors: [SafetensorsTensor], metadata: [(key: String, value: String)] = []) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public static func == (a: SafetensorsFile, b: SafetensorsFile) -> Bool {
        a.tensors == b.tensors && a.metadata.map(\.key) == b.metadata.map(\.key) && a.metadata.map(\.value) == b.metadata.map(\.value)
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> SafetensorsTensor? { tensors.first { $0.name == name } }

    /// Reads and validates the file at `path`.
    public static func read(path: String) throws(SafetensorsError) -> SafetensorsFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw SafetensorsError(file: path, expected: "a safetensors file", found: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(file: path, expected: "a readable file", found: "a file that cannot be read")
        }
        return try decode(Array(data), file: path)
    }

    /// Decodes and validates the bytes of a safetensors file (`file` names it in errors).
    public static func decode(_ bytes: [UInt8], file: String = "<bytes>") throws(SafetensorsError) -> SafetensorsFile {
        func fail(_ expected: String, _ found: String, tensor: String? = nil) -> SafetensorsError {
            SafetensorsError(file: file, tensor: tensor, expected: expected, found: found)
        }
        guard bytes.count >= 8 else {
            throw fail("at least 8 bytes (the header length)", "\(bytes.count) bytes")
        }
        var length: UInt64 = 0
        for k in stride(from: 7, through: 0, by: -1) { length = length << 8 | UInt64(bytes[k]) }
        guard length <= UInt64(maxHeaderBytes) else {
            throw fail("a header of at most \(maxHeaderBytes) bytes", "a header length of \(length)")
        }
        guard length <= UInt64(bytes.count - 8) else {
            throw fail("a header inside the file (\(bytes.count - 8) bytes after the length)", "a header length of \(length)")
        }
        let headerEnd = 8 + Int(length)
        guard length >= 2, bytes[8] == UInt8(ascii: "{") else {
            throw fail("a header that is a JSON object", length == 0 ? "an empty header" : "a header not starting with '{'")
        }
        let header: HeaderJSON
        do {
            header = try HeaderJSON.parse(Array(bytes[8..<headerEnd]))
        } catch {
            throw fail("a well-formed JSON header", "\(error.message) at header byte \(error.offset)")
        }
        guard case let .object(entries) = header else { throw fail("a header that is a JSON object", header.kind) }
        let dataSize = bytes.count - headerEnd

        var metadata: [(key: String, value: String)] = []
        var infos: [(name: String, dtype: SafetensorsDType, shape: [Int], count: Int, begin: Int, end: Int)] = []
        for (name, value) in entries {
            if name == "__metadata__" {
                guard case let .object(pairs) = value else {
                    throw fail("__metadata__ to be an object of strings", value.kind)
                }
                for (k, v) in pairs {
                    guard case let .string(s) = v else {
                        throw fail("__metadata__ values to be strings", "\(v.kind) for key \"\(k)\"")
                    }
                    metadata.append((k, s))
                }
                continue
            }
            guard case let .object(fields) = value else {
                throw fail("an object with dtype, shape and data_offsets", value.kind, tensor: name)
            }
            let keys = fields.map(\.key)
            guard Set(keys) == ["dtype", "shape", "data_offsets"], keys.count == 3 else {
                throw fail("exactly the keys dtype, shape, data_offsets", "keys " + keys.joined(separator: ", "), tensor: name)
            }
            let get = { (k: String) -> HeaderJSON in fields.first { $0.key == k }?.value ?? .null }
            guard case let .string(dtypeName) = get("dtype") else {
                throw fail("a dtype string", get("dtype").kind, tensor: name)
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw fail("dtype F64, F32, F16 or BF16", "dtype \(dtypeName)", tensor: name)
            }
            guard case let .array(dims) = get("shape") else {
                throw fail("a shape array of non-negative integers", get("shape").kind, tensor: name)
            }
            var shape: [Int] = []
            var count = 1
            for d in dims {
                guard let n = d.integer else {
                    throw fail("a shape of non-negative integers", "dimension \(d.kind)", tensor: name)
                }
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow, product <= bytes.count else {
                    throw fail("a shape whose elements fit in the file", "shape with more than \(bytes.count) elements", tensor: name)
                }
                shape.append(n)
                count = product
            }
            guard case let .array(offsets) = get("data_offsets"), offsets.count == 2,
                  let begin = offsets[0].integer, let end = offsets[1].integer
            else {
                throw fail("data_offsets [begin, end] of non-negative integers", get("data_offsets").kind, tensor: name)
            }
            guard begin <= end, end <= dataSize else {
                throw fail("data_offsets inside the data section (\(dataSize) bytes)", "[\(begin), \(end)]", tensor: name)
            }
            guard end - begin == count * dtype.size else {
                throw fail("\(count * dtype.size) bytes (\(count) x \(dtype.rawValue) for shape \(shape))",
                           "\(end - begin) bytes ([\(begin), \(end)])", tensor: name)
            }
            infos.append((name, dtype, shape, count, begin, end))
        }
        // Coverage: sorted by offsets, each tensor starts where the previous ended, and the last ends the file.
        var position = 0
        for info in infos.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard info.begin == position else {
                throw fail(
                    "tensor data to start at byte \(position) of the data section (no gap, no overlap)",
                    info.begin < position ? "an overlap: [\(info.begin), \(info.end)]" : "a gap: [\(info.begin), \(info.end)]",
                    tensor: info.name)
            }
            position = info.end
        }
        guard position == dataSize else {
            throw fail("tensors covering the \(dataSize) bytes of the data section", "\(dataSize - position) bytes not covered")
        }
        let tensors = bytes.withUnsafeBytes { raw in
            infos.map { info in
                SafetensorsTensor(name: info.name, dtype: info.dtype, shape: info.shape,
                                  values: info.dtype.decode(raw, offset: headerEnd + info.begin, count: info.count))
            }
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }
}

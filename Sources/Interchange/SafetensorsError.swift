/// A problem reading or writing a safetensors file: the file, the tensor (when one is at fault),
/// what was expected and what was found.
public struct SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or "<bytes>").
    public var file: String
    /// The tensor at fault, or nil for a problem of the whole file.
    public var tensor: String?
    public var expected: String
    public var found: String

    public init(file: String, tensor: String? = nil, expected: String, found: String) {
        self.file = file
        self.tensor = tensor
        self.expected = expected
        self.found = found
    }

    public var description: String {
        let at = tensor.map { ": tensor '\($0)'" } ?? ""
        return "\(file)\(at): expected \(expected), found \(found)"
    }
}

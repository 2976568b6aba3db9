/// One named tensor of a safetensors file: its stored element type, shape and values (row-major,
/// converted exactly to `Double`).
public struct SafetensorsTensor: Sendable, Equatable {
    public var name: String
    /// The element type in the file (the writer stores F32 or F64).
    public var dtype: SafetensorsDType
    public var shape: [Int]
    public var values: [Double]

    public init(name: String, dtype: SafetensorsDType, shape: [Int], values: [Double]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }

    /// The shape as PyTorch prints it, e.g. `[40, 10]`.
    public var shapeText: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

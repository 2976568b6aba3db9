public import LinearAlgebra

/// Named parameter tensors in a fixed order, with PyTorch's names and shapes.
///
/// Used for weights, for their gradients (same names and shapes) and for optimiser state.
/// A bias of PyTorch shape `[n]` is held as a `1 x n` matrix and reported with shape `[n]`.
public struct ParameterSet<Scalar: NetScalar>: Sendable, Equatable {
    /// Parameter names in order (e.g. "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", ...).
    public private(set) var names: [String]
    /// The tensors, aligned with `names`.
    public var values: [Matrix<Scalar>]
    /// PyTorch shapes, aligned with `names` (`[rows, columns]` or `[n]` for vectors).
    public private(set) var shapes: [[Int]]

    /// An empty set.
    public init() {
        names = []
        values = []
        shapes = []
    }

    /// Appends a parameter. `isVector` reports the PyTorch shape as `[n]` (value must be `1 x n`).
    public mutating func append(_ name: String, _ value: Matrix<Scalar>, isVector: Bool = false) {
        precondition(!names.contains(name), "Duplicate parameter name \(name)")
        precondition(!isVector || value.rows == 1, "A vector parameter must be 1 x n")
        names.append(name)
        values.append(value)
        shapes.append(isVector ? [value.columns] : [value.rows, value.columns])
    }

    /// The number of parameter tensors.
    public var count: Int { names.count }

    /// The number of scalars over all tensors.
    public var scalarCount: Int { values.reduce(0) { $0 + $1.count } }

    /// The index of a named parameter.
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// The tensor named `name`, if present.
    public subscript(name: String) -> Matrix<Scalar>? {
        get { index(of: name).map { values[$0] } }
        set {
            guard let i = index(of: name), let newValue else { return }
            precondition(
                newValue.rows == values[i].rows && newValue.columns == values[i].columns,
                "Parameter \(name) is \(values[i].rows)x\(values[i].columns), got \(newValue.rows)x\(newValue.columns)")
            values[i] = newValue
        }
    }

    /// A set with the same names and shapes, every element zero.
    public func zeros() -> ParameterSet {
        var z = self
        z.values = values.map { Matrix(rows: $0.rows, columns: $0.columns) }
        return z
    }

    /// Adds `other` element-wise (same names and shapes).
    public mutating func add(_ other: ParameterSet) {
        precondition(other.names == names, "ParameterSet.add: names differ")
        for i in values.indices { Self.accumulate(other.values[i], into: &values[i]) }
    }

    /// Adds `delta` (same shape) to the tensor named `name`.
    public mutating func add(_ delta: Matrix<Scalar>, to name: String) {
        guard let i = index(of: name) else { preconditionFailure("ParameterSet.add: no parameter \(name)") }
        precondition(delta.rows == values[i].rows && delta.columns == values[i].columns, "ParameterSet.add: \(name) shape")
        Self.accumulate(delta, into: &values[i])
    }

    private static func accumulate(_ source: Matrix<Scalar>, into target: inout Matrix<Scalar>) {
        target.storage.withUnsafeMutableBufferPointer { dst in
            source.storage.withUnsafeBufferPointer { src in
                for j in 0..<dst.count { dst[j] += src[j] }
            }
        }
    }

    /// The global L2 norm over every element of every tensor (no underflow).
    public var globalNorm: Double {
        VectorNorm.l2(values.map { VectorNorm.l2($0.storage) })
    }

    /// Whether any element is NaN or infinite. (Inlinable: compiled for the caller's scalar type.)
    @inlinable
    public var hasNonFinite: Bool {
        values.contains { $0.storage.contains { !$0.isFinite } }
    }
}

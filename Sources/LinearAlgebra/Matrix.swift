/// A dense row-major matrix of `rows x columns` scalars.
///
/// Vectors are `1 x n` or `n x 1` matrices; a sequence batch of `T` steps, `B` sequences and `F`
/// features is a `(T*B) x F` matrix whose row `t*B + b` is step `t` of sequence `b`.
public struct Matrix<Scalar: NetScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, row after row (`rows * columns` of them).
    public var storage: [Scalar]

    /// A matrix with every element equal to `value`.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative, got \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        // Not `Array(repeating:count:)`, which allocates through unspecialised generic code.
        self.storage = Array(unsafeUninitializedCapacity: rows * columns) { buffer, count in
            buffer.initialize(repeating: value)
            count = rows * columns
        }
    }

    /// A matrix whose elements are left uninitialised: for the engine's large buffers that are
    /// fully overwritten (by a GEMM with `beta = 0`, or element by element) before being read.
    /// The caller must write every element before reading it.
    @inlinable
    package init(uninitializedRows rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative, got \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = Array(unsafeUninitializedCapacity: rows * columns) { _, count in count = rows * columns }
    }

    /// A matrix over the given row-major elements; `elements.count` must be `rows * columns`.
    @inlinable
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(
            elements.count == rows * columns,
            "Matrix \(rows)x\(columns) needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from nested rows (all of the same length).
    public init(_ nested: [[Scalar]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "Ragged rows")
        self.init(rows: nested.count, columns: columns, elements: nested.flatMap { $0 })
    }

    /// The `n x n` identity scaled by `scale`.
    public static func identity(_ n: Int, scale: Scalar = 1) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i * n + i] = scale }
        return m
    }

    /// Number of elements.
    @inlinable public var count: Int { storage.count }

    /// The element at row `i`, column `j`.
    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// The transpose (`columns x rows`).
    @inlinable
    public var transposed: Matrix {
        var t = Matrix(uninitializedRows: columns, columns: rows)
        let (r, c) = (rows, columns)
        t.storage.withUnsafeMutableBufferPointer { tp in
            storage.withUnsafeBufferPointer { sp in
                for i in 0..<r {
                    for j in 0..<c { tp[j * r + i] = sp[i * c + j] }
                }
            }
        }
        return t
    }

    /// Rows `range` as a new matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(
            rows: range.count, columns: columns,
            elements: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// Changes the shape keeping the elements in order; `rows * columns` must not change.
    public func reshaped(rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: storage)
    }

    /// Converts every element to another scalar type.
    public func converted<Other: NetScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, columns: columns, elements: storage.map { Other($0) })
    }

    /// The elements as nested rows.
    public var nested: [[Scalar]] {
        (0..<rows).map { Array(storage[($0 * columns)..<(($0 + 1) * columns)]) }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String { "Matrix<\(Scalar.dtypeName)>(\(rows)x\(columns))" }
}

public import LinearAlgebra

/// A weight initialisation scheme, selectable by name (see ``init(name:)``).
///
/// Fans follow PyTorch: for a weight of shape `[out, in]`, `fan_in = in`, `fan_out = out`.
public enum Initializer: Sendable, Equatable, CustomStringConvertible {
    /// PyTorch's RNN default: `U(-1/sqrt(H), 1/sqrt(H))`.
    case pytorchDefault
    /// `N(0, std^2)`; the tutorial's `randn * 0.01` is `normal(std: 0.01)`.
    case normal(std: Double)
    /// `U(-a, a)`.
    case uniform(bound: Double)
    /// Glorot uniform: `U(-b, b)`, `b = gain * sqrt(6 / (fan_in + fan_out))`.
    case xavierUniform(gain: Double)
    /// Glorot normal: `std = gain * sqrt(2 / (fan_in + fan_out))`.
    case xavierNormal(gain: Double)
    /// He uniform (fan_in): `b = gain * sqrt(3 / fan_in)`; gain sqrt(2) for ReLU.
    case kaimingUniform(gain: Double)
    /// He normal (fan_in): `std = gain / sqrt(fan_in)`; gain sqrt(2) for ReLU.
    case kaimingNormal(gain: Double)
    /// `gain * Q` with `Q` from the QR decomposition of a Gaussian matrix, signs fixed so that
    /// `diag(R) > 0` (PyTorch's `orthogonal_`); applied to each square gate block.
    case orthogonal(gain: Double)
    /// `scale * I` on each square gate block (the tutorial's identity init, scale 1.01).
    case identity(scale: Double)

    /// The names accepted by ``init(name:)`` (each may end in `-<number>`).
    public static let names = [
        "pytorch-default", "normal", "uniform", "xavier-uniform", "xavier-normal", "kaiming-uniform",
        "kaiming-normal", "orthogonal", "identity",
    ]

    /// `calculate_gain('tanh')` = 5/3.
    public static let tanhGain = 5.0 / 3.0

    /// Parses a scheme name with an optional numeric parameter:
    /// `pytorch-default`, `normal-0.01` (std, default 0.01), `uniform-0.1` (bound, default 0.1),
    /// `xavier-uniform[-gain]`, `xavier-normal[-gain]` (gain default 1; `-tanh` means 5/3),
    /// `kaiming-uniform[-gain]`, `kaiming-normal[-gain]` (default sqrt(2)),
    /// `orthogonal[-gain]` (default 1), `identity[-scale]` (default 1).
    public init(name: String, defaultGain: Double? = nil) throws(EngineError) {
        let lowered = name.lowercased()
        var base = lowered
        var parameter: Double?
        if let scheme = Initializer.names.first(where: { lowered == $0 }) {
            base = scheme
        } else if let scheme = Initializer.names.sorted(by: { $0.count > $1.count })
            .first(where: { lowered.hasPrefix($0 + "-") })
        {
            base = scheme
            let suffix = String(lowered.dropFirst(scheme.count + 1))
            if suffix == "tanh" {
                // A gain: meaningless as a std, bound or scale (normal-tanh would draw N(0, (5/3)^2)).
                guard ["xavier-uniform", "xavier-normal", "kaiming-uniform", "kaiming-normal", "orthogonal"].contains(scheme)
                else {
                    throw .invalidValue(
                        field: "init", value: name, expected: "'\(scheme)-<positive number>' ('-tanh' is a gain: xavier, kaiming, orthogonal)")
                }
                parameter = Initializer.tanhGain
            } else if let v = Double(suffix), v.isFinite, v > 0 {
                parameter = v
            } else {
                throw .invalidValue(
                    field: "init", value: name, expected: "'\(scheme)-<positive number>' (e.g. \(scheme)-1.5)")
            }
        } else {
            throw .unknownName(field: "init", value: name, accepted: Initializer.names)
        }
        if base == "pytorch-default", parameter != nil {
            throw .invalidValue(field: "init", value: name, expected: "'pytorch-default' without a parameter")
        }
        switch base {
        case "pytorch-default": self = .pytorchDefault
        case "normal": self = .normal(std: parameter ?? 0.01)
        case "uniform": self = .uniform(bound: parameter ?? 0.1)
        case "xavier-uniform": self = .xavierUniform(gain: parameter ?? defaultGain ?? 1)
        case "xavier-normal": self = .xavierNormal(gain: parameter ?? defaultGain ?? 1)
        case "kaiming-uniform": self = .kaimingUniform(gain: parameter ?? defaultGain ?? 2.0.squareRoot())
        case "kaiming-normal": self = .kaimingNormal(gain: parameter ?? defaultGain ?? 2.0.squareRoot())
        case "orthogonal": self = .orthogonal(gain: parameter ?? defaultGain ?? 1)
        default: self = .identity(scale: parameter ?? 1)
        }
    }

    /// The scheme with its numeric parameter replaced by `parameter` (std of `normal`, bound of
    /// `uniform`, gain of xavier, kaiming and orthogonal, scale of identity): the same value as the
    /// name's `-<number>` suffix, so `Initializer(name: "orthogonal").withParameter(1.2)` equals
    /// `Initializer(name: "orthogonal-1.2")`.
    /// - Throws: ``EngineError/invalidValue(field:value:expected:)`` for `pytorch-default` (it has no
    ///   parameter) or a parameter that is not finite and positive.
    public func withParameter(_ parameter: Double) throws(EngineError) -> Initializer {
        guard parameter.isFinite, parameter > 0 else {
            throw .invalidValue(field: "init_gain", value: "\(parameter)", expected: "a finite number > 0")
        }
        switch self {
        case .pytorchDefault:
            throw .invalidValue(
                field: "init_gain", value: "\(parameter)",
                expected: "an initialiser with a parameter ('pytorch-default' has none: U(-1/sqrt(H), 1/sqrt(H)); use uniform with init_gain as the bound)")
        case .normal: return .normal(std: parameter)
        case .uniform: return .uniform(bound: parameter)
        case .xavierUniform: return .xavierUniform(gain: parameter)
        case .xavierNormal: return .xavierNormal(gain: parameter)
        case .kaimingUniform: return .kaimingUniform(gain: parameter)
        case .kaimingNormal: return .kaimingNormal(gain: parameter)
        case .orthogonal: return .orthogonal(gain: parameter)
        case .identity: return .identity(scale: parameter)
        }
    }

    /// Whether `name` carries a parameter suffix (`orthogonal-1.2`, `xavier-normal-tanh`) rather
    /// than being a bare scheme name.
    public static func hasParameterSuffix(_ name: String) -> Bool {
        !names.contains(name.lowercased())
    }

    public var description: String {
        switch self {
        case .pytorchDefault: return "pytorch-default"
        case let .normal(std): return "normal-\(std)"
        case let .uniform(bound): return "uniform-\(bound)"
        case let .xavierUniform(gain): return "xavier-uniform-\(gain)"
        case let .xavierNormal(gain): return "xavier-normal-\(gain)"
        case let .kaimingUniform(gain): return "kaiming-uniform-\(gain)"
        case let .kaimingNormal(gain): return "kaiming-normal-\(gain)"
        case let .orthogonal(gain): return "orthogonal-\(gain)"
        case let .identity(scale): return "identity-\(scale)"
        }
    }

    /// A `rows x columns` weight for a layer of `hidden` units with `gates` stacked blocks.
    ///
    /// Orthogonal and identity need square blocks (`rows == gates * columns`); for a
    /// non-square input weight they fall back to orthogonal rows/columns of the whole matrix.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public func weight<S: NetScalar>(
        rows: Int, columns: Int, hidden: Int, gates: Int, generator: inout SeededGenerator
    ) -> Matrix<S> {
        var m = Matrix<S>(rows: rows, columns: columns)
        let fanIn = Double(columns)
        let fanOut = Double(rows)
        func fillUniform(_ b: Double, _ m: inout Matrix<S>) {
            for i in 0..<m.count { m.storage[i] = S(generator.uniform(-b, b)) }
        }
        func fillNormal(_ std: Double, _ m: inout Matrix<S>) {
            for i in 0..<m.count { m.storage[i] = S(std * generator.normal()) }
        }
        switch self {
        case .pytorchDefault: fillUniform(1 / Double(hidden).squareRoot(), &m)
        case let .normal(std): fillNormal(std, &m)
        case let .uniform(bound): fillUniform(bound, &m)
        case let .xavierUniform(gain): fillUniform(gain * (6 / (fanIn + fanOut)).squareRoot(), &m)
        case let .xavierNormal(gain): fillNormal(gain * (2 / (fanIn + fanOut)).squareRoot(), &m)
        case let .kaimingUniform(gain): fillUniform(gain * (3 / fanIn).squareRoot(), &m)
        case let .kaimingNormal(gain): fillNormal(gain / fanIn.squareRoot(), &m)
        case let .orthogonal(gain):
            if rows == gates * columns {
                for g in 0..<gates {
                    let q = Orthogonal.matrix(rows: columns, columns: columns, generator: &generator)
                    for i in 0..<columns {
                        for j in 0..<columns { m[g * columns + i, j] = S(gain * q[i * columns + j]) }
                    }
                }
            } else {
                let q = Orthogonal.matrix(rows: rows, columns: columns, generator: &generator)
                for i in 0..<m.count { m.storage[i] = S(gain * q[i]) }
            }
        case let .identity(scale):
            for g in 0..<gates {
                for i in 0..<min(hidden, columns) where g * hidden + i < rows {
                    m[g * hidden + i, i] = S(scale)
                }
            }
        }
        return m
    }
}

/// How the recurrent biases (`bias_ih_l{k}`, `bias_hh_l{k}` of every layer) start.
public enum BiasInitializer: Sendable, Equatable {
    /// PyTorch's `U(-1/sqrt(H), 1/sqrt(H))` on both biases.
    case pytorchDefault
    /// Both biases zero (Le et al.'s IRNN).
    case zeros
    /// An effective bias `b_ih + b_hh = value` on every unit: `bias_ih` holds `value`, `bias_hh` 0.
    case constant(Double)
}

/// Orthogonal matrices from Gaussian ones, platform-independently.
enum Orthogonal {
    /// A `rows x columns` matrix with orthonormal rows (rows <= columns) or columns, equal to the
    /// `Q` of the QR decomposition of an `N(0,1)` matrix with `diag(R) > 0` (unique), computed by
    /// modified Gram-Schmidt with re-orthogonalisation in Double. Row-major.
    static func matrix(rows: Int, columns: Int, generator: inout SeededGenerator) -> [Double] {
        let tall = rows >= columns
        let n = tall ? rows : columns  // vector length
        let k = tall ? columns : rows  // number of vectors
        // Gaussian matrix as PyTorch lays it out: flattened (rows x columns), transposed when wide.
        var a = [Double](repeating: 0, count: rows * columns)
        for i in 0..<a.count { a[i] = generator.normal() }
        // vectors[v] = column v of the (n x k) matrix to factor.
        var vectors = [[Double]](repeating: [Double](repeating: 0, count: n), count: k)
        for v in 0..<k {
            for i in 0..<n { vectors[v][i] = tall ? a[i * columns + v] : a[v * columns + i] }
        }
        for v in 0..<k {
            for _ in 0..<2 {
                for u in 0..<v {
                    var dot = 0.0
                    for i in 0..<n { dot += vectors[u][i] * vectors[v][i] }
                    for i in 0..<n { vectors[v][i] -= dot * vectors[u][i] }
                }
            }
            var norm = 0.0
            for i in 0..<n { norm += vectors[v][i] * vectors[v][i] }
            norm = norm.squareRoot()
            if norm > 0 { for i in 0..<n { vectors[v][i] /= norm } }
        }
        var q = [Double](repeating: 0, count: rows * columns)
        for v in 0..<k {
            for i in 0..<n {
                if tall { q[i * columns + v] = vectors[v][i] } else { q[v * columns + i] = vectors[v][i] }
            }
        }
        return q
    }
}

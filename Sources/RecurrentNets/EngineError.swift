/// A bad argument to the engine: wrong shape, unknown name, invalid size. Never a crash.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A size that must be positive was not (`field` names it, e.g. "hidden").
    case invalidSize(field: String, value: Int)
    /// A name that is not one of the accepted ones.
    case unknownName(field: String, value: String, accepted: [String])
    /// A tensor with the wrong shape.
    case shapeMismatch(what: String, expected: String, found: String)
    /// Any other invalid value.
    case invalidValue(field: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .invalidSize(field, value):
            return "\(field) must be a positive integer, got \(value)"
        case let .unknownName(field, value, accepted):
            return "unknown \(field) '\(value)'; expected one of: \(accepted.joined(separator: ", "))"
        case let .shapeMismatch(what, expected, found):
            return "\(what) has shape \(found), expected \(expected)"
        case let .invalidValue(field, value, expected):
            return "\(field) = \(value) is invalid: expected \(expected)"
        }
    }
}

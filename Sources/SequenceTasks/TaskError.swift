/// Errors raised while configuring or generating a sequence task.
public enum TaskError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A task name that is not known.
    case unknownTask(name: String, known: [String])
    /// A setting outside its allowed range (the field, the value given, what was expected).
    case invalidValue(field: String, value: String, expected: String)
    /// The text corpus could not be read or is too short.
    case corpusUnavailable(reason: String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case let .unknownTask(name, known):
            return "Unknown task '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case let .invalidValue(field, value, expected):
            return "Invalid \(field) = \(value); expected \(expected)"
        case let .corpusUnavailable(reason):
            return "Text corpus unavailable: \(reason)"
        }
    }
}

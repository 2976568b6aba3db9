/// Errors raised while configuring training components (optimisers, clipping, schedules,
/// regularisation, early stopping).
///
/// Every case names the offending field and the value that was given, so a message can be
/// shown to the user unchanged.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A name (optimiser, clipping method, schedule, mode) that is not known.
    case unknownName(field: String, value: String, known: [String])
    /// A numeric or boolean setting outside its allowed range.
    case invalidValue(field: String, value: String, expected: String)
    /// Two settings that cannot be used together (e.g. Nesterov momentum with dampening).
    case incompatibleSettings(field: String, value: String, reason: String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case let .unknownName(field, value, known):
            return "Unknown \(field) '\(value)'; expected one of: \(known.joined(separator: ", "))"
        case let .invalidValue(field, value, expected):
            return "Invalid \(field) = \(value); expected \(expected)"
        case let .incompatibleSettings(field, value, reason):
            return "Invalid \(field) = \(value): \(reason)"
        }
    }

    /// The name of the offending field.
    public var field: String {
        switch self {
        case let .unknownName(field, _, _), let .invalidValue(field, _, _),
            let .incompatibleSettings(field, _, _):
            return field
        }
    }
}

/// Small validation helpers shared by the configuration initialisers.
enum Check {
    static func nonNegative(_ field: String, _ v: Double) throws(TrainingError) {
        guard v >= 0, v.isFinite else {
            throw .invalidValue(field: field, value: "\(v)", expected: "a finite number >= 0")
        }
    }

    static func positive(_ field: String, _ v: Double) throws(TrainingError) {
        guard v > 0, v.isFinite else {
            throw .invalidValue(field: field, value: "\(v)", expected: "a finite number > 0")
        }
    }

    static func unitHalfOpen(_ field: String, _ v: Double) throws(TrainingError) {
        guard v >= 0, v < 1 else {
            throw .invalidValue(field: field, value: "\(v)", expected: "a number in [0, 1)")
        }
    }

    static func unitClosed(_ field: String, _ v: Double) throws(TrainingError) {
        guard v >= 0, v <= 1 else {
            throw .invalidValue(field: field, value: "\(v)", expected: "a number in [0, 1]")
        }
    }

    static func positiveInt(_ field: String, _ v: Int) throws(TrainingError) {
        guard v > 0 else {
            throw .invalidValue(field: field, value: "\(v)", expected: "an integer > 0")
        }
    }

    static func nonNegativeInt(_ field: String, _ v: Int) throws(TrainingError) {
        guard v >= 0 else {
            throw .invalidValue(field: field, value: "\(v)", expected: "an integer >= 0")
        }
    }

    /// Lower-cases and maps '_' and ' ' to '-' so "Adam_W" and "adamw" compare sensibly.
    static func normalized(_ name: String) -> String {
        String(name.lowercased().map { $0 == "_" || $0 == " " ? "-" : $0 })
    }
}

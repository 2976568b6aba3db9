import LinearAlgebra
import RecurrentNets
import SequenceTasks
import Studies

/// Which engine setting an option sets, as code: a writer of the option's validated value into
/// ``RunSettings``, with a description of the setting for the README's options table.
///
/// One binding per option, in ``OptionCatalog/all``:
/// ```swift
/// binds: .set(\.model.hiddenSize, "ModelSettings.hiddenSize")
/// ```
/// A string literal (`binds: "ModelSettings.hiddenSize"`) is a description without a writer: it
/// compiles, but the option sets nothing, and the binding tests fail until it gets one.
public struct OptionBinding: Sendable, ExpressibleByStringLiteral {
    /// The engine setting, e.g. `ModelSettings.hiddenSize` (the options table's "engine setting").
    public let description: String
    /// Writes a value into the settings; false when the value has the wrong type.
    private let writer: (@Sendable (inout RunSettings, JSONValue) -> Bool)?

    /// Whether the binding writes a setting (false for a description only).
    public var isBound: Bool { writer != nil }

    init(_ description: String, _ writer: @escaping @Sendable (inout RunSettings, JSONValue) -> Bool) {
        self.description = description
        self.writer = writer
    }

    /// A description only: the option sets nothing (see ``isBound``).
    public init(stringLiteral description: String) {
        self.description = description
        writer = nil
    }

    /// The option's value goes into the setting at `path` as it is (an integer, number, boolean,
    /// string, or an engine enum by its raw value).
    static func set<Value: OptionValue>(_ path: any WritableKeyPath<RunSettings, Value> & Sendable, _ description: String) -> OptionBinding {
        OptionBinding(description) { settings, value in
            guard let converted = Value(optionValue: value) else { return false }
            settings[keyPath: path] = converted
            return true
        }
    }

    /// An opt-in count: the value when it is at least `minimum`, else nil (off, or the engine's default).
    static func count(atLeast minimum: Int, _ path: any WritableKeyPath<RunSettings, Int?> & Sendable, _ description: String) -> OptionBinding {
        OptionBinding(description) { settings, value in
            guard let n = Int(optionValue: value) else { return false }
            settings[keyPath: path] = n >= minimum ? n : nil
            return true
        }
    }

    /// An option whose default is `null` (unset): nil, else the value as it is.
    static func optional<Value: OptionValue>(_ path: any WritableKeyPath<RunSettings, Value?> & Sendable, _ description: String) -> OptionBinding {
        OptionBinding(description) { settings, value in
            if value == .null {
                settings[keyPath: path] = nil
                return true
            }
            guard let converted = Value(optionValue: value) else { return false }
            settings[keyPath: path] = converted
            return true
        }
    }

    /// Writes `value` of option `name` into `settings`.
    func write(_ value: JSONValue, of name: String, to settings: inout RunSettings) throws(RunConfiguration.AccessError) {
        guard let writer else { return }
        guard writer(&settings, value) else {
            throw RunConfiguration.AccessError(option: name, problem: "\(value.excerpt) does not fit its setting \(description)")
        }
    }
}

/// A type an option's validated value converts to.
protocol OptionValue: Sendable {
    init?(optionValue: JSONValue)
}

extension Int: OptionValue {
    init?(optionValue: JSONValue) {
        guard case let .number(n) = optionValue, n == n.rounded(), Swift.abs(n) < 9.0e15 else { return nil }
        self = Int(n)
    }
}

extension Double: OptionValue {
    init?(optionValue: JSONValue) {
        guard case let .number(n) = optionValue else { return nil }
        self = n
    }
}

extension Bool: OptionValue {
    init?(optionValue: JSONValue) {
        guard case let .bool(b) = optionValue else { return nil }
        self = b
    }
}

extension String: OptionValue {
    init?(optionValue: JSONValue) {
        guard case let .string(s) = optionValue else { return nil }
        self = s
    }
}

extension OptionValue where Self: RawRepresentable, RawValue == String {
    init?(optionValue: JSONValue) {
        guard case let .string(s) = optionValue else { return nil }
        self.init(rawValue: s)
    }
}

extension CellKind: OptionValue {}
extension Nonlinearity: OptionValue {}
extension InitialStateMode: OptionValue {}
extension DType: OptionValue {}
extension Numerics: OptionValue {}
extension TaskKind: OptionValue {}
extension PropagationStudy.Derivative: OptionValue {}
extension LyapunovStudy.Drive: OptionValue {}

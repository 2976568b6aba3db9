/// When an option has an effect: only while another option of the run has one of some values
/// (`max_norm` only while `clip` is `norm`). Outside it the option is ignored by the engine, so a
/// spec may not set it on its own, and a grid axis's value is dropped from such a run.
public struct OptionCondition: Sendable {
    /// The option that decides, e.g. `clip`.
    public let option: String
    /// Its values under which the conditioned option has an effect, e.g. `["norm"]`.
    public let values: [String]

    public init(_ option: String, _ values: [String]) {
        self.option = option
        self.values = values
    }

    /// Whether the deciding option's `value` lets the conditioned option take effect.
    public func holds(for value: JSONValue) -> Bool {
        if case let .string(s) = value { return values.contains(s) }
        return false
    }

    /// `clip is "norm"`, `optimizer is "momentum" or "nesterov"`.
    public var description: String {
        option + " is " + values.map { "\"\($0)\"" }.joined(separator: " or ")
    }
}

public import LinearAlgebra

/// Inverted dropout rates (tutorial 3.3.4, Zaremba et al. 2014): on the inputs, between stacked
/// layers and on the top states before the head — never on the recurrent connection. Kept
/// units are scaled by `1/(1-p)`; evaluation uses no dropout.
public struct DropoutRates: Sendable, Equatable {
    /// Rate on the network's inputs.
    public var input: Double
    /// Rate on each layer's input from the layer below (layers >= 1).
    public var between: Double
    /// Rate on the top layer's states before the head.
    public var output: Double

    /// No dropout.
    public static let none = DropoutRates(input: 0, between: 0, output: 0)

    public init(input: Double = 0, between: Double = 0, output: Double = 0) {
        self.input = input
        self.between = between
        self.output = output
    }

    /// Throws unless every rate is in [0, 1).
    public func validate() throws(EngineError) {
        for (name, rate) in [("dropout_input", input), ("dropout_between", between), ("dropout_output", output)]
        where !(rate >= 0 && rate < 1) {
            throw .invalidValue(field: name, value: "\(rate)", expected: "a rate in [0, 1)")
        }
    }

    /// A `rows x columns` mask of `0` (probability `rate`) and `1/(1-rate)`.
    public static func mask<S: NetScalar>(
        rows: Int, columns: Int, rate: Double, as _: S.Type, generator: inout SeededGenerator
    ) -> Matrix<S> {
        var m = Matrix<S>(rows: rows, columns: columns)
        let keep = S(1 / (1 - rate))
        for i in 0..<m.count { m.storage[i] = generator.uniform() < rate ? 0 : keep }
        return m
    }
}

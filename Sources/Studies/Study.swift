public import LinearAlgebra
public import RecurrentNets

/// A measurement on the engine that a run performs, in the numeric type its settings name.
public protocol Study: Sendable {
    /// The numeric type the study computes in.
    var dtype: DType { get }
    /// Runs the study in `S`.
    func run<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput
}

extension Study {
    /// Runs the study in its dtype (float32 or float64).
    public func run() throws(EngineError) -> StudyOutput {
        switch dtype {
        case .float32: return try run(Float.self)
        case .float64: return try run(Double.self)
        }
    }
}

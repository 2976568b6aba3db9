public import LinearAlgebra
public import RecurrentNets

/// The numeric type a run computes in.
public enum DType: String, Sendable, CaseIterable {
    case float32, float64
}

/// The model part of a run: architecture, initialisation and numeric type.
public struct ModelSettings: Sendable, Equatable {
    public var cell: CellKind
    public var nonlinearity: Nonlinearity
    public var inputSize: Int
    public var hiddenSize: Int
    public var layers: Int
    /// Initialiser of every `weight_ih`.
    public var inputInit: Initializer
    /// Initialiser of every `weight_hh`.
    public var recurrentInit: Initializer
    public var initialState: InitialStateMode
    public var dtype: DType

    public init(
        cell: CellKind = .rnn, nonlinearity: Nonlinearity = .tanh, inputSize: Int = 1, hiddenSize: Int = 10,
        layers: Int = 1, inputInit: Initializer = .pytorchDefault, recurrentInit: Initializer = .pytorchDefault,
        initialState: InitialStateMode = .zeros, dtype: DType = .float32
    ) {
        self.cell = cell
        self.nonlinearity = nonlinearity
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.inputInit = inputInit
        self.recurrentInit = recurrentInit
        self.initialState = initialState
        self.dtype = dtype
    }

    /// A model with the given head, its weights drawn from the run's weight stream.
    public func makeModel<S: NetScalar>(
        headOutputs: Int?, placement: HeadPlacement, seed: Int, as _: S.Type = S.self
    ) throws(EngineError) -> RecurrentModel<S> {
        var stream = RunStreams(seed: seed).weights
        return RecurrentModel<S>(
            configuration: try configuration(headOutputs: headOutputs, placement: placement),
            inputWeights: inputInit, recurrentWeights: recurrentInit, generator: &stream)
    }

    /// The engine configuration with the given head.
    public func configuration(headOutputs: Int?, placement: HeadPlacement) throws(EngineError) -> ModelConfiguration {
        try ModelConfiguration(
            cell: cell, nonlinearity: nonlinearity, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            headOutputs: headOutputs, headPlacement: placement, initialState: initialState)
    }
}

/// Independent random streams of a run, derived from its seed only, so runs that differ in
/// another axis (sequence length, init, clipping...) share weights' and data's random numbers.
public struct RunStreams: Sendable {
    public let seed: UInt64
    public init(seed: Int) { self.seed = UInt64(bitPattern: Int64(seed)) }
    /// Draws for the weights.
    public var weights: SeededGenerator { SeededGenerator(seed: seed).derived(1) }
    /// Draws for the inputs and targets.
    public var data: SeededGenerator { SeededGenerator(seed: seed).derived(2) }
    /// Draws for shuffling, dropout and random initial states.
    public var training: SeededGenerator { SeededGenerator(seed: seed).derived(3) }
}

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
    /// Initialiser of every recurrent bias (`bias_ih`, `bias_hh`).
    public var biasInit: BiasInitializer
    /// The LSTM's effective forget-gate bias (nil: the biases as `biasInit` leaves them).
    public var forgetGateBias: Double?
    /// Initialiser of the output head's weight (studies with a head).
    public var headInit: Initializer
    /// Weights to start from instead of the initialisers (engine names, in float64: float32,
    /// float16 and bfloat16 values are exact in it), e.g. read from a safetensors file.
    /// Tensors the model does not have (a head, for a study without one) are not used.
    public var initialParameters: ParameterSet<Double>?

    public init(
        cell: CellKind = .rnn, nonlinearity: Nonlinearity = .tanh, inputSize: Int = 1, hiddenSize: Int = 10,
        layers: Int = 1, inputInit: Initializer = .pytorchDefault, recurrentInit: Initializer = .pytorchDefault,
        initialState: InitialStateMode = .zeros, dtype: DType = .float32, initialParameters: ParameterSet<Double>? = nil,
        biasInit: BiasInitializer = .pytorchDefault, forgetGateBias: Double? = nil, headInit: Initializer = .pytorchDefault
    ) {
        self.biasInit = biasInit
        self.forgetGateBias = forgetGateBias
        self.headInit = headInit
        self.initialParameters = initialParameters
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
        let config = try configuration(headOutputs: headOutputs, placement: placement)
        if let initialParameters { return try Self.model(config, from: initialParameters) }
        var stream = RunStreams(seed: seed).weights
        return RecurrentModel<S>(
            configuration: config, inputWeights: inputInit, recurrentWeights: recurrentInit, biases: biasInit,
            headWeights: headInit, forgetGateBias: forgetGateBias, generator: &stream)
    }

    /// A model over given weights: every parameter of the layout must be there with its shape
    /// (converted to `S` by rounding once); a head's tensors are left out when the model has none.
    static func model<S: NetScalar>(_ config: ModelConfiguration, from weights: ParameterSet<Double>) throws(EngineError) -> RecurrentModel<S> {
        var set = ParameterSet<S>()
        for (i, name) in weights.names.enumerated() where config.headOutputs != nil || !name.hasPrefix("head.") {
            let m = weights.values[i]
            set.append(name, Matrix(rows: m.rows, columns: m.columns, elements: m.storage.map { S($0) }),
                       isVector: weights.shapes[i].count == 1)
        }
        return try RecurrentModel(configuration: config, parameters: set)
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

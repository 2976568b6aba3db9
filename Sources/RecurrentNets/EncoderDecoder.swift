public import LinearAlgebra

/// Sequence-to-sequence models of different lengths (tutorial 2.3.4, type 4): an encoder reads the
/// source; its final state (each sequence's last valid step) is the decoder's initial state; the
/// decoder reads the target-side inputs (teacher forcing) and its head produces the outputs.
public struct EncoderDecoder<Scalar: NetScalar>: Sendable {
    /// Reads the source; its head, if any, is unused.
    public var encoder: RecurrentModel<Scalar>
    /// Produces the outputs; must have the encoder's cell, layers and hidden size.
    public var decoder: RecurrentModel<Scalar>

    /// The loss and the gradients of both models and of both input sequences.
    public struct Gradients: Sendable {
        public var loss: Double
        public var encoder: ParameterSet<Scalar>
        public var decoder: ParameterSet<Scalar>
        /// dL/d(source inputs) and dL/d(decoder inputs), time-major.
        public var sourceGradient: Matrix<Scalar>
        public var decoderInputGradient: Matrix<Scalar>
    }

    public init(encoder: RecurrentModel<Scalar>, decoder: RecurrentModel<Scalar>) throws(EngineError) {
        let e = encoder.configuration
        let d = decoder.configuration
        guard e.cell == d.cell, e.layers == d.layers, e.hiddenSize == d.hiddenSize else {
            throw .invalidValue(
                field: "decoder", value: "\(d.cell.rawValue) \(d.layers)x\(d.hiddenSize)",
                expected: "the encoder's cell, layers and hidden size (\(e.cell.rawValue) \(e.layers)x\(e.hiddenSize))")
        }
        self.encoder = encoder
        self.decoder = decoder
    }

    /// Full BPTT through the decoder and, via the handed-over state, through the encoder.
    public func gradients(
        source: SequenceBatch<Scalar>, decoderInputs: SequenceBatch<Scalar>, targets: Targets<Scalar>,
        loss: LossFunction
    ) throws(EngineError) -> Gradients {
        guard source.batchSize == decoderInputs.batchSize else {
            throw .shapeMismatch(
                what: "decoder inputs", expected: "batch \(source.batchSize)", found: "batch \(decoderInputs.batchSize)")
        }
        let pass = try encoder.forward(source)
        let dec = try decoder.gradients(for: decoderInputs, targets: targets, loss: loss, initialState: pass.finalState)
        let zeros = Matrix<Scalar>(rows: source.steps * source.batchSize, columns: encoder.configuration.hiddenSize)
        let enc = try encoder.backward(pass, outputGradient: zeros, finalStateGradient: dec.initialStateGradient)
        return Gradients(
            loss: dec.loss, encoder: enc.gradients, decoder: dec.gradients, sourceGradient: enc.inputGradient,
            decoderInputGradient: dec.inputGradient)
    }
}

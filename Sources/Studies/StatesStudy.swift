public import LinearAlgebra
import Training
import SequenceTasks
public import RecurrentNets

/// Tutorial 2.4.3 (`visualize_rnn_states`): train as ``TrainStudy``, then record the inputs,
/// hidden states (top layer) and head outputs over time for the first test sequence.
///
/// Series: `input.f<j>`, `state.h<j>`, `output.o<j>` with step = t (1...T); metrics as
/// ``TrainStudy`` plus `sample_target` (the first test sequence's class, or NaN).
public struct StatesStudy: Study {
    public var dtype: DType { training.model.dtype }

    public var training: TrainStudy

    public init(training: TrainStudy) { self.training = training }

    /// Runs the study in `S` (``Study/run()`` picks `S` from the dtype).
    public func run<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        // Called with a concrete type, `measure` is compiled for float32 and float64 (generic code
        // would look up type metadata at run time in every arithmetic step).
        if S.self == Float.self { return try measure(Float.self) }
        if S.self == Double.self { return try measure(Double.self) }
        return try measure(S.self)
    }

    private func measure<S: NetScalar>(_: S.Type) throws(EngineError) -> StudyOutput {
        var (out, model, test) = try training.trained(S.self)
        guard out.status == .ok, test.sampleCount > 0 else { return out }
        let (batch, targets) = try Trainer<S>.batch(test, [0])
        let pass = try model.forward(batch)
        let T = batch.steps
        for t in 0..<T {
            for f in 0..<batch.features { out.point("input.f\(f)", t + 1, Double(batch.inputs[t, f])) }
            for j in 0..<model.configuration.hiddenSize { out.point("state.h\(j)", t + 1, Double(pass.outputs[t, j])) }
        }
        // Head outputs at every step (the tutorial plots o_t for all t), whatever the placement.
        if let w = model.parameters["head.weight"], let b = model.parameters["head.bias"] {
            var o = Matrix<S>(rows: T, columns: w.rows)
            BLAS.gemm(pass.outputs, w, transposeB: true, into: &o)
            for t in 0..<T {
                for j in 0..<w.rows { out.point("output.o\(j)", t + 1, Double(o[t, j] + b.storage[j])) }
            }
        }
        if case let .classes(labels) = targets, let first = labels.first {
            out.metric("sample_target", Double(first))
        } else {
            out.metric("sample_target", .nan)
        }
        return out
    }
}

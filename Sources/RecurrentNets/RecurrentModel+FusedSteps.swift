import LinearAlgebra
import CFastMath

/// Whole recurrent steps by the C kernels (`fm_*_step_*`): a step's recurrent product and its
/// element-wise math for every sequence of the batch in one call, so that with two product threads
/// the batch's halves run side by side. The same operations in the same order as the per-row path
/// (same bits); used only when every sequence is still running at the step, in the reproducible
/// numerics mode, for tanh RNN and LSTM cells with `H >= FastMath.vectorKernelMinimum`.
extension RecurrentModel {
    /// Whether a layer's steps can go through the fused entry points.
    static func fusedStepsApply(cell: CellKind, relu: Bool, hiddenSize H: Int) -> Bool {
        guard H >= FastMath.vectorKernelMinimum, fm_vendor_blas() == 0 else { return false }
        guard Scalar.self == Float.self || Scalar.self == Double.self else { return false }
        return cell == .lstm || (cell == .rnn && !relu)
    }

    /// Row stride for a copy of W_hh (or its transpose) read by every step: one cache line more
    /// than the row, so that a power-of-two width does not map the rows a product reads together
    /// onto a few L1 sets. The values and the arithmetic are unchanged.
    static func paddedStride(_ width: Int) -> Int { width + max(1, 64 / MemoryLayout<Scalar>.stride) }

    /// `m` (`rows x columns`, or its transpose when `transpose`) copied into rows of
    /// ``paddedStride(_:)`` elements.
    static func padded(_ m: Matrix<Scalar>, transpose: Bool) -> (storage: [Scalar], stride: Int) {
        let rows = transpose ? m.columns : m.rows
        let columns = transpose ? m.rows : m.columns
        let stride = paddedStride(columns)
        var out = [Scalar](repeating: 0, count: rows * stride)
        for i in 0..<rows {
            for j in 0..<columns {
                out[i * stride + j] = transpose ? m.storage[j * m.columns + i] : m.storage[i * m.columns + j]
            }
        }
        return (out, stride)
    }

    /// One forward step (see `fm_lstm_forward_step_*`, `fm_rnn_forward_step_*`): `gates` is the
    /// step's `B x GH` block of pre-activations; `c`, `cOut`, `tanhC` are LSTM-only (nil for RNN).
    static func fusedForwardStep(
        _ cell: CellKind, B: Int, H: Int, bias: UnsafePointer<Scalar>, hIn: UnsafePointer<Scalar>,
        whhT: UnsafePointer<Scalar>, ldw: Int, gates: UnsafeMutablePointer<Scalar>, c: UnsafeMutablePointer<Scalar>?,
        cOut: UnsafeMutablePointer<Scalar>?, tanhC: UnsafeMutablePointer<Scalar>?, h: UnsafeMutablePointer<Scalar>
    ) {
        if cell == .lstm {
            guard let c, let cOut, let tanhC else { return }
            if Scalar.self == Float.self {
                fm_lstm_forward_step_f32(B, H, f(bias), f(hIn), f(whhT), ldw, f(gates), f(c), f(cOut), f(tanhC), f(h))
            } else {
                fm_lstm_forward_step_f64(B, H, d(bias), d(hIn), d(whhT), ldw, d(gates), d(c), d(cOut), d(tanhC), d(h))
            }
        } else if Scalar.self == Float.self {
            fm_rnn_forward_step_f32(B, H, f(bias), f(hIn), f(whhT), ldw, f(gates), f(h))
        } else {
            fm_rnn_forward_step_f64(B, H, d(bias), d(hIn), d(whhT), ldw, d(gates), d(h))
        }
    }

    /// One backward step (see `fm_lstm_backward_step_*`, `fm_rnn_backward_step_*`): `up` is the
    /// gradient from above at the step (`B x H`), `gates` the cached activations (`B x GH`);
    /// writes `tot` (dL/dh_t), `dPre` and `dh` (dL/dh_{t-1}); `tanhC`, `cPrev`, `dc` are LSTM-only.
    static func fusedBackwardStep(
        _ cell: CellKind, B: Int, H: Int, up: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>,
        tanhC: UnsafePointer<Scalar>?, cPrev: UnsafePointer<Scalar>?, whh: UnsafePointer<Scalar>, ldw: Int,
        tot: UnsafeMutablePointer<Scalar>, dc: UnsafeMutablePointer<Scalar>?, dPre: UnsafeMutablePointer<Scalar>,
        dh: UnsafeMutablePointer<Scalar>
    ) {
        if cell == .lstm {
            guard let tanhC, let cPrev, let dc else { return }
            if Scalar.self == Float.self {
                fm_lstm_backward_step_f32(
                    B, H, f(up), f(gates), f(tanhC), f(cPrev), f(whh), ldw, f(tot), f(dc), f(dPre), f(dh))
            } else {
                fm_lstm_backward_step_f64(
                    B, H, d(up), d(gates), d(tanhC), d(cPrev), d(whh), ldw, d(tot), d(dc), d(dPre), d(dh))
            }
        } else if Scalar.self == Float.self {
            fm_rnn_backward_step_f32(B, H, f(up), f(gates), f(whh), ldw, f(tot), f(dPre), f(dh))
        } else {
            fm_rnn_backward_step_f64(B, H, d(up), d(gates), d(whh), ldw, d(tot), d(dPre), d(dh))
        }
    }
}

@inline(__always) private func f<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> { .init(OpaquePointer(p)) }
@inline(__always) private func f<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> { .init(OpaquePointer(p)) }
@inline(__always) private func d<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Double> { .init(OpaquePointer(p)) }
@inline(__always) private func d<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Double> { .init(OpaquePointer(p)) }

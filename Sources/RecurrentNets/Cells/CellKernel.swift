import LinearAlgebra

/// The element-wise math of one kind of recurrent cell, for the generic forward and backward
/// sweeps (`RecurrentModel+Forward.swift`, `RecurrentModel+Backward.swift`): what a layer caches
/// per row (one sequence at one step) and how a row's pre-activations become its gates and state,
/// and a row's dL/dh_t its pre-activation gradients. The sweeps own the matrix products, masking,
/// truncation and state carrying, the same for every cell.
protocol CellKernel<Scalar> {
    associatedtype Scalar: NetScalar

    /// Hidden units `H`.
    var hiddenSize: Int { get }
    /// Gate blocks `G` (`G * H` pre-activations per row).
    var gateCount: Int { get }
    /// Whether the layer caches `extra` (`(T*B) x H`; see ``ForwardPass/LayerCache``).
    var cachesExtra: Bool { get }
    /// Columns of the `extra2` cache, and whether it has rows.
    var extra2Columns: Int { get }
    var cachesExtra2: Bool { get }
    /// Columns of `b_hh` added to the input projection before the recurrent product (GRU: r and z
    /// only; `b_hn` stays inside `r * (W_hn h + b_hn)`).
    var foldedHiddenBias: Int { get }
    /// Whether `h_{t-1} W_hh^T` stays apart from the input projection (GRU), instead of being
    /// accumulated into it.
    var separateRecurrentProduct: Bool { get }
    /// Whether a step where every sequence runs may go through the C step entry points.
    var fusedSteps: Bool { get }

    /// Activates row `row` (sequence `b`) in place and writes its state and caches.
    func forwardRow(_ buffers: ForwardBuffers<Scalar>, row: Int, b: Int, hPrev: UnsafePointer<Scalar>)

    /// Writes row `row`'s pre-activation gradients (`dX`, and `dHp` for GRU) from `tot` (dL/dh_t
    /// of sequence `b`, at `b * H`), updating per-sequence carries (LSTM's dc) and accumulators.
    func backwardRow(_ buffers: BackwardBuffers<Scalar>, t: Int, b: Int, row: Int)

    /// Adds the gradient paths from h_t to h_{t-1} that bypass W_hh (GRU: `z * dL/dh_t`) to `dh`
    /// for a running sequence `b` at step `t`; nothing for the other cells.
    func addDirectPath(_ buffers: BackwardBuffers<Scalar>, t: Int, b: Int)
}

extension CellKernel {
    var cachesExtra: Bool { true }
    var extra2Columns: Int { 1 }
    var cachesExtra2: Bool { false }
    var foldedHiddenBias: Int { gateCount * hiddenSize }
    var separateRecurrentProduct: Bool { false }
    var fusedSteps: Bool { false }
    func addDirectPath(_ buffers: BackwardBuffers<Scalar>, t: Int, b: Int) {}
}

/// A forward sweep's buffers for one layer, opened once per layer (rows are `G*H` wide for
/// gates, `H` for states and caches).
struct ForwardBuffers<Scalar: NetScalar> {
    typealias Buf = UnsafeMutableBufferPointer<Scalar>
    /// Pre-activations, activated in place: `(T*B) x GH`.
    let gates: Buf
    /// `h_t`: `(T*B) x H`.
    let states: Buf
    let extra: Buf
    let extra2: Buf
    /// LSTM: the running cell state, `B x H`.
    let cell: Buf
    /// GRU: `h_{t-1} W_hh^T` of the current step, `B x GH`.
    let recurrent: Buf
    /// `b_hh` (GRU reads `b_hn` from it).
    let hiddenBias: UnsafeBufferPointer<Scalar>
    /// Layer-norm weight and bias (ln-rnn).
    let lnWeight: UnsafeBufferPointer<Scalar>
    let lnBias: UnsafeBufferPointer<Scalar>
}

/// A backward sweep's buffers for one layer.
struct BackwardBuffers<Scalar: NetScalar> {
    typealias Buf = UnsafeMutableBufferPointer<Scalar>
    typealias ReadBuf = UnsafeBufferPointer<Scalar>
    /// Sequences `B` (rows per step).
    let batchSize: Int
    /// The forward caches.
    let gates: ReadBuf
    let states: ReadBuf
    let extra: ReadBuf
    let extra2: ReadBuf
    /// The initial state (h_0, and c_0 for LSTM), `B x H`.
    let h0: ReadBuf
    let c0: ReadBuf
    /// dL/dh_t of the current step, `B x H`.
    let total: Buf
    /// Pre-activation gradients of the input side (`(T*B) x GH`) and, for GRU, of the recurrent side.
    let dPreX: Buf
    let dPreH: Buf
    /// dL/dh carried to the previous step and LSTM's dL/dc, `B x H`.
    let dh: Buf
    let dc: Buf
    /// Layer norm: its weight, a scratch row and the weight/bias gradient accumulators.
    let lnWeight: ReadBuf
    let scratch: Buf
    let dLnWeight: Buf
    let dLnBias: Buf
}

import LinearAlgebra
import CFastMath

/// LSTM (gates i, f, g, o): `c_t = f * c_{t-1} + i * g`, `h_t = o * tanh(c_t)`. Caches the gates,
/// `c_t` (extra) and `tanh(c_t)` (extra2). Rows of at least ``FastMath/vectorKernelMinimum`` units
/// go to the C row kernels (the same expressions, so the same bits).
struct LSTMKernel<Scalar: NetScalar>: CellKernel {
    let hiddenSize: Int
    let fusedSteps: Bool
    var gateCount: Int { 4 }
    var cachesExtra2: Bool { true }
    var extra2Columns: Int { hiddenSize }

    @inline(__always)
    func forwardRow(_ f: ForwardBuffers<Scalar>, row: Int, b: Int, hPrev: UnsafePointer<Scalar>) {
        let H = hiddenSize
        let p = row * 4 * H
        let o = row * H
        let cb = b * H
        if H >= FastMath.vectorKernelMinimum, let g = f.gates.address(p), let c = f.cell.address(cb),
            let cOut = f.extra.address(o), let tanhC = f.extra2.address(o), let h = f.states.address(o)
        {
            if Scalar.self == Float.self {
                fm_lstm_forward_row_f32(H, .init(OpaquePointer(g)), .init(OpaquePointer(c)), .init(OpaquePointer(cOut)),
                    .init(OpaquePointer(tanhC)), .init(OpaquePointer(h)))
                return
            }
            if Scalar.self == Double.self {
                fm_lstm_forward_row_f64(H, .init(OpaquePointer(g)), .init(OpaquePointer(c)), .init(OpaquePointer(cOut)),
                    .init(OpaquePointer(tanhC)), .init(OpaquePointer(h)))
                return
            }
        }
        let (g, s, e, e2, c) = (f.gates, f.states, f.extra, f.extra2, f.cell)
        guard let gBase = g.baseAddress, let e2Base = e2.baseAddress else { return }
        Scalar.fastSigmoid(gBase + p, count: 2 * H)      // i, f
        Scalar.fastTanh(gBase + p + 2 * H, count: H)     // g
        Scalar.fastSigmoid(gBase + p + 3 * H, count: H)  // o
        for j in 0..<H {
            let cn = g[p + H + j] * c[cb + j] + g[p + j] * g[p + 2 * H + j]
            c[cb + j] = cn
            e[o + j] = cn
            e2[o + j] = cn
        }
        Scalar.fastTanh(e2Base + o, count: H)
        for j in 0..<H { s[o + j] = g[p + 3 * H + j] * e2[o + j] }
    }

    @inline(__always)
    func backwardRow(_ k: BackwardBuffers<Scalar>, t: Int, b: Int, row: Int) {
        let H = hiddenSize
        let gBase = row * 4 * H
        let sBase = row * H
        let o = b * H
        // c_{t-1}: the initial cell state at t = 0, else the cached c of step t-1.
        let prev = t == 0 ? k.c0 : k.extra
        let pBase = t == 0 ? o : (row - k.batchSize) * H
        let (gs, ex2, tot, dc, dX) = (k.gates, k.extra2, k.total, k.dc, k.dPreX)
        if H >= FastMath.vectorKernelMinimum, let g = gs.address(gBase), let tc = ex2.address(sBase),
            let cPrev = prev.address(pBase), let tt = tot.address(o), let d = dc.address(o), let dx = dX.address(gBase)
        {
            if Scalar.self == Float.self {
                fm_lstm_backward_row_f32(H, .init(OpaquePointer(g)), .init(OpaquePointer(tc)), .init(OpaquePointer(cPrev)),
                    .init(OpaquePointer(tt)), .init(OpaquePointer(d)), .init(OpaquePointer(dx)))
                return
            }
            if Scalar.self == Double.self {
                fm_lstm_backward_row_f64(H, .init(OpaquePointer(g)), .init(OpaquePointer(tc)), .init(OpaquePointer(cPrev)),
                    .init(OpaquePointer(tt)), .init(OpaquePointer(d)), .init(OpaquePointer(dx)))
                return
            }
        }
        for j in 0..<H {
            let i = gs[gBase + j]
            let f = gs[gBase + H + j]
            let g = gs[gBase + 2 * H + j]
            let og = gs[gBase + 3 * H + j]
            let tc = ex2[sBase + j]
            let cPrev = prev[pBase + j]
            let dht = tot[o + j]
            let dct = dc[o + j] + dht * og * (1 - tc * tc)
            dX[gBase + j] = dct * g * i * (1 - i)
            dX[gBase + H + j] = dct * cPrev * f * (1 - f)
            dX[gBase + 2 * H + j] = dct * i * (1 - g * g)
            dX[gBase + 3 * H + j] = dht * tc * og * (1 - og)
            dc[o + j] = dct * f
        }
    }
}

import LinearAlgebra
import CFastMath

/// GRU (gates r, z, n; PyTorch's convention): `n = tanh(pre_n + r * (W_hn h_{t-1} + b_hn))`,
/// `h_t = (1 - z) * n + z * h_{t-1}`. The recurrent product stays apart from the input projection;
/// caches the gates and `W_hn h_{t-1} + b_hn` (extra). Rows of at least
/// ``FastMath/vectorKernelMinimum`` units go to the C row kernels (the same expressions).
struct GRUKernel<Scalar: NetScalar>: CellKernel {
    let hiddenSize: Int
    var gateCount: Int { 3 }
    var foldedHiddenBias: Int { 2 * hiddenSize }
    var separateRecurrentProduct: Bool { true }

    @inline(__always)
    func forwardRow(_ f: ForwardBuffers<Scalar>, row: Int, b: Int, hPrev: UnsafePointer<Scalar>) {
        let H = hiddenSize
        let p = row * 3 * H
        let q = b * 3 * H
        let o = row * H
        if H >= FastMath.vectorKernelMinimum, let g = f.gates.address(p), let gh = f.recurrent.address(q),
            let bhn = f.hiddenBias.address(2 * H), let hnOut = f.extra.address(o), let h = f.states.address(o)
        {
            if Scalar.self == Float.self {
                fm_gru_forward_row_f32(H, .init(OpaquePointer(g)), .init(OpaquePointer(gh)), .init(OpaquePointer(bhn)),
                    .init(OpaquePointer(hnOut)), .init(OpaquePointer(hPrev)), .init(OpaquePointer(h)))
                return
            }
            if Scalar.self == Double.self {
                fm_gru_forward_row_f64(H, .init(OpaquePointer(g)), .init(OpaquePointer(gh)), .init(OpaquePointer(bhn)),
                    .init(OpaquePointer(hnOut)), .init(OpaquePointer(hPrev)), .init(OpaquePointer(h)))
                return
            }
        }
        let (g, gh, bh, s, e) = (f.gates, f.recurrent, f.hiddenBias, f.states, f.extra)
        guard let gBase = g.baseAddress else { return }
        for j in 0..<(2 * H) { g[p + j] = g[p + j] + gh[q + j] }
        Scalar.fastSigmoid(gBase + p, count: 2 * H)      // r, z
        for j in 0..<H {
            let hn = gh[q + 2 * H + j] + bh[2 * H + j]
            e[o + j] = hn
            g[p + 2 * H + j] = g[p + 2 * H + j] + g[p + j] * hn
        }
        Scalar.fastTanh(gBase + p + 2 * H, count: H)     // n
        for j in 0..<H {
            let z = g[p + H + j]
            s[o + j] = (1 - z) * g[p + 2 * H + j] + z * hPrev[j]
        }
    }

    @inline(__always)
    func backwardRow(_ k: BackwardBuffers<Scalar>, t: Int, b: Int, row: Int) {
        let H = hiddenSize
        let gBase = row * 3 * H
        let sBase = row * H
        let o = b * H
        let prev = t == 0 ? k.h0 : k.states
        let pBase = t == 0 ? o : (row - k.batchSize) * H
        let (gs, ex, tot, dX, dHp) = (k.gates, k.extra, k.total, k.dPreX, k.dPreH)
        if H >= FastMath.vectorKernelMinimum, let g = gs.address(gBase), let hn = ex.address(sBase),
            let hPrev = prev.address(pBase), let tt = tot.address(o), let dx = dX.address(gBase), let dh = dHp.address(gBase)
        {
            if Scalar.self == Float.self {
                fm_gru_backward_row_f32(H, .init(OpaquePointer(g)), .init(OpaquePointer(hn)), .init(OpaquePointer(hPrev)),
                    .init(OpaquePointer(tt)), .init(OpaquePointer(dx)), .init(OpaquePointer(dh)))
                return
            }
            if Scalar.self == Double.self {
                fm_gru_backward_row_f64(H, .init(OpaquePointer(g)), .init(OpaquePointer(hn)), .init(OpaquePointer(hPrev)),
                    .init(OpaquePointer(tt)), .init(OpaquePointer(dx)), .init(OpaquePointer(dh)))
                return
            }
        }
        for j in 0..<H {
            let r = gs[gBase + j]
            let z = gs[gBase + H + j]
            let n = gs[gBase + 2 * H + j]
            let hn = ex[sBase + j]
            let hPrev = prev[pBase + j]
            let dht = tot[o + j]
            let dpn = dht * (1 - z) * (1 - n * n)
            let dpz = dht * (hPrev - n) * z * (1 - z)
            let dpr = dpn * hn * r * (1 - r)
            dX[gBase + j] = dpr
            dX[gBase + H + j] = dpz
            dX[gBase + 2 * H + j] = dpn
            dHp[gBase + j] = dpr
            dHp[gBase + H + j] = dpz
            dHp[gBase + 2 * H + j] = dpn * r
        }
    }

    @inline(__always)
    func addDirectPath(_ k: BackwardBuffers<Scalar>, t: Int, b: Int) {
        let H = hiddenSize
        let o = b * H
        let zBase = (t * k.batchSize + b) * 3 * H + H
        for j in 0..<H { k.dh[o + j] += k.total[o + j] * k.gates[zBase + j] }
    }
}

import LinearAlgebra

/// Elman RNN: `h_t = act(pre_t)` with tanh or ReLU. Caches only the gates (= `h_t`).
struct ElmanKernel<Scalar: NetScalar>: CellKernel {
    let hiddenSize: Int
    let relu: Bool
    let fusedSteps: Bool
    var gateCount: Int { 1 }
    var cachesExtra: Bool { false }

    @inline(__always)
    func forwardRow(_ f: ForwardBuffers<Scalar>, row: Int, b: Int, hPrev: UnsafePointer<Scalar>) {
        let H = hiddenSize
        let p = row * H
        let (g, s) = (f.gates, f.states)
        if relu {
            for j in 0..<H {
                let z = g[p + j]
                let v = z > 0 ? z : 0
                g[p + j] = v
                s[p + j] = v
            }
        } else {
            if let base = g.baseAddress { Scalar.fastTanh(base + p, count: H) }
            for j in 0..<H { s[p + j] = g[p + j] }
        }
    }

    @inline(__always)
    func backwardRow(_ k: BackwardBuffers<Scalar>, t: Int, b: Int, row: Int) {
        let H = hiddenSize
        let gBase = row * H
        let o = b * H
        let (gs, tot, dX) = (k.gates, k.total, k.dPreX)
        if relu {
            for j in 0..<H {
                let v = gs[gBase + j]
                dX[gBase + j] = tot[o + j] * (v > 0 ? Scalar(1) : 0)
            }
        } else {
            for j in 0..<H {
                let v = gs[gBase + j]
                dX[gBase + j] = tot[o + j] * (1 - v * v)
            }
        }
    }
}

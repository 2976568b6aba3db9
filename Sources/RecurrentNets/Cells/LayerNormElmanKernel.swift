import LinearAlgebra

/// Elman tanh RNN with a layer-normalised state: `h_t = w * xhat + b`, `xhat = (a - mean) / sqrt(var
/// + eps)`, `a = tanh(pre_t)`. Caches `a` (gates), `xhat` (extra) and `1/sqrt(var + eps)` (extra2).
struct LayerNormElmanKernel<Scalar: NetScalar>: CellKernel {
    let hiddenSize: Int
    var gateCount: Int { 1 }
    var cachesExtra2: Bool { true }

    @inline(__always)
    func forwardRow(_ f: ForwardBuffers<Scalar>, row: Int, b: Int, hPrev: UnsafePointer<Scalar>) {
        let H = hiddenSize
        let p = row * H
        let (g, s, e, e2, lw, lb) = (f.gates, f.states, f.extra, f.extra2, f.lnWeight, f.lnBias)
        let eps = Scalar(1e-5)
        if let base = g.baseAddress { Scalar.fastTanh(base + p, count: H) }
        var mean: Scalar = 0
        for j in 0..<H { mean += g[p + j] }
        mean /= Scalar(H)
        var variance: Scalar = 0
        for j in 0..<H { variance += (g[p + j] - mean) * (g[p + j] - mean) }
        variance /= Scalar(H)
        let inv = 1 / (variance + eps).squareRoot()
        e2[row] = inv
        let o = row * H
        for j in 0..<H {
            let xh = (g[p + j] - mean) * inv
            e[o + j] = xh
            s[o + j] = lw[j] * xh + lb[j]
        }
    }

    @inline(__always)
    func backwardRow(_ k: BackwardBuffers<Scalar>, t: Int, b: Int, row: Int) {
        let H = hiddenSize
        let gBase = row * H
        let sBase = row * H
        let o = b * H
        let (gs, ex, ex2, tot, dX) = (k.gates, k.extra, k.extra2, k.total, k.dPreX)
        let (lw, da, dlw, dlb) = (k.lnWeight, k.scratch, k.dLnWeight, k.dLnBias)
        let inv = ex2[row]
        var meanD: Scalar = 0
        var meanDX: Scalar = 0
        for j in 0..<H {
            let g = tot[o + j]
            let xh = ex[sBase + j]
            dlw[j] += g * xh
            dlb[j] += g
            let dxh = g * lw[j]
            da[j] = dxh
            meanD += dxh
            meanDX += dxh * xh
        }
        meanD /= Scalar(H)
        meanDX /= Scalar(H)
        for j in 0..<H {
            let xh = ex[sBase + j]
            let d = inv * (da[j] - meanD - xh * meanDX)
            let a = gs[gBase + j]
            dX[gBase + j] = d * (1 - a * a)
        }
    }
}

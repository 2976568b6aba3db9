import LinearAlgebra
import RecurrentNets
import Testing

/// Shared helpers for the finite-difference gradient checks (no suite here).
enum GradientCheck {
    /// Step of the central differences.
    ///
    /// A fourth-order central difference `(8[f(x+h) - f(x-h)] - [f(x+2h) - f(x-2h)]) / 12h` with
    /// `h = 1e-4` has truncation error `~h^4 f^(5) / 30 ~ 1e-17` and rounding error
    /// `~eps_mach |L| / h ~ 1e-12`, two orders below the plain two-point difference at `h = 1e-6`
    /// (`~1e-10`), so a 1e-6 relative tolerance leaves a wide margin over noise while any wrong index
    /// or missing term (relative errors of 1e-3 and more) fails.
    static let step = 1e-4

    /// The largest relative error accepted between an analytic gradient and its finite difference.
    static let tolerance = 1e-6

    /// Gradients smaller than this are compared absolutely (relative error against `floor`).
    static let floor = 1e-5

    /// The derivative of `f` at `x` by the fourth-order central difference.
    static func derivative(at x: Double, _ f: (Double) throws -> Double) rethrows -> Double {
        let h = step
        let p1 = try f(x + h), m1 = try f(x - h), p2 = try f(x + 2 * h), m2 = try f(x - 2 * h)
        return (8 * (p1 - m1) - (p2 - m2)) / (12 * h)
    }

    /// `max |analytic - numeric| / max(max |numeric|, floor)`: the comparison every check uses.
    static func relativeError(_ analytic: [Double], _ numeric: [Double], floor: Double = floor) -> Double {
        precondition(analytic.count == numeric.count, "length \(analytic.count) vs \(numeric.count)")
        let scale = max(numeric.map { Swift.abs($0) }.max() ?? 0, floor)
        let worst = zip(analytic, numeric).map { Swift.abs($0 - $1) }.max() ?? 0
        // NaN anywhere must fail, not compare false.
        if analytic.contains(where: { $0.isNaN }) || numeric.contains(where: { $0.isNaN }) { return .infinity }
        return worst / scale
    }

    /// The finite-difference gradient of `loss` with respect to every element of `values`.
    static func numericGradient(
        of values: [Double], _ loss: ([Double]) throws -> Double
    ) rethrows -> [Double] {
        var out = [Double](repeating: 0, count: values.count)
        var v = values
        for i in values.indices {
            let x = values[i]
            out[i] = try derivative(at: x) { xi in
                v[i] = xi
                return try loss(v)
            }
            v[i] = x
        }
        return out
    }

    /// A matrix of `N(0, std^2)` values.
    static func gaussian(rows: Int, columns: Int, std: Double = 1, _ g: inout SeededGenerator) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in std * g.normal() })
    }

    /// `model` with the tensor `name` replaced by `values` (same shape).
    static func replacing(_ model: RecurrentModel<Double>, _ name: String, _ values: [Double]) -> RecurrentModel<Double> {
        var m = model
        if let old = m.parameters[name] {
            m.parameters[name] = Matrix(rows: old.rows, columns: old.columns, elements: values)
        }
        return m
    }

    /// The smallest |pre-activation| of an Elman RNN over the valid steps of a batch (every layer),
    /// computed independently of the engine's cell code from its cached layer states.
    static func smallestPreActivation(
        _ model: RecurrentModel<Double>, _ batch: SequenceBatch<Double>, _ state: RecurrentState<Double>
    ) throws -> Double {
        let pass = try model.forward(batch, initialState: state)
        let c = model.configuration
        let H = c.hiddenSize
        let B = batch.batchSize
        var smallest = Double.infinity
        for k in 0..<c.layers {
            let input = k == 0 ? batch.inputs : pass.states(layer: k - 1)
            let states = pass.states(layer: k)
            let wih = try #require(model.parameters["weight_ih_l\(k)"])
            let whh = try #require(model.parameters["weight_hh_l\(k)"])
            let bih = try #require(model.parameters["bias_ih_l\(k)"])
            let bhh = try #require(model.parameters["bias_hh_l\(k)"])
            for t in 0..<batch.steps {
                for b in 0..<B where t < batch.lengths[b] {
                    for j in 0..<H {
                        var z = bih[0, j] + bhh[0, j]
                        for f in 0..<input.columns { z += wih[j, f] * input[t * B + b, f] }
                        for i in 0..<H { z += whh[j, i] * (t == 0 ? state.h[k][b, i] : states[(t - 1) * B + b, i]) }
                        smallest = min(smallest, Swift.abs(z))
                    }
                }
            }
        }
        return smallest
    }
}


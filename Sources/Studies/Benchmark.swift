import Foundation
import LinearAlgebra
public import RecurrentNets

/// Throughput benchmarks of the engine: forward + backward (full BPTT, MSE on every output,
/// no optimiser step), timed by wall clock over repeated steps after warm-up.
public enum Benchmark {
    /// One measured case.
    public struct Case: Sendable {
        public var cell: CellKind
        public var dtype: DType
        public var batch: Int
        public var steps: Int
        public var input: Int
        public var hidden: Int
        public var warmup: Int
        public var repeats: Int

        public init(cell: CellKind, dtype: DType, batch: Int, steps: Int, input: Int, hidden: Int, warmup: Int, repeats: Int) {
            self.cell = cell
            self.dtype = dtype
            self.batch = batch
            self.steps = steps
            self.input = input
            self.hidden = hidden
            self.warmup = warmup
            self.repeats = repeats
        }

        /// Matmul FLOPs of one forward+backward, as the peer scripts count them:
        /// `3 * 2 * B * T * (I*H + H*H) * gates`.
        public var flops: Double {
            3 * 2 * Double(batch * steps) * Double(input * hidden + hidden * hidden) * Double(cell.gates)
        }

        public var label: String {
            "\(cell.rawValue) \(dtype.rawValue) B=\(batch) T=\(steps) in=\(input) H=\(hidden)"
        }
    }

    /// A measurement: median milliseconds per step, steps per second, GFLOP/s.
    public struct Measurement: Sendable {
        public var label: String
        public var medianMilliseconds: Double
        public var stepsPerSecond: Double
        public var gflops: Double
        /// Median CPU time of the calling thread per step (ms): less sensitive than the wall
        /// clock to other processes on a shared machine (products run on this thread unless --threads asks for a helper).
        public var cpuMilliseconds: Double = .nan
    }

    /// CPU time of the calling thread, in ms.
    static func threadCPUMilliseconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
    }

    /// The cases of the performance issue: big (B=64, T=100, in=32, H=128) and tiny (B=1, T=50,
    /// in=1, H=10), RNN/LSTM/GRU, float32 and float64.
    public static func standardCases(quick: Bool = false) -> [Case] {
        var cases: [Case] = []
        for dtype in DType.allCases {
            for cell in [CellKind.rnn, .lstm, .gru] {
                cases.append(Case(cell: cell, dtype: dtype, batch: 64, steps: 100, input: 32, hidden: 128,
                                  warmup: quick ? 1 : 3, repeats: quick ? 3 : 20))
            }
        }
        for cell in [CellKind.rnn, .lstm, .gru] {
            cases.append(Case(cell: cell, dtype: .float32, batch: 1, steps: 50, input: 1, hidden: 10,
                              warmup: quick ? 5 : 50, repeats: quick ? 50 : 1000))
        }
        return cases
    }

    /// Times one case.
    public static func measure(_ c: Case) throws(EngineError) -> Measurement {
        switch c.dtype {
        case .float32: return try measure(c, Float.self)
        case .float64: return try measure(c, Double.self)
        }
    }

    static func measure<S: NetScalar>(_ c: Case, _: S.Type) throws(EngineError) -> Measurement {
        let config = try ModelConfiguration(
            cell: c.cell, inputSize: c.input, hiddenSize: c.hidden, headPlacement: .everyStep)
        var g = SeededGenerator(seed: 1)
        let model = RecurrentModel<S>(configuration: config, generator: &g)
        var x = Matrix<S>(rows: c.steps * c.batch, columns: c.input)
        for i in 0..<x.count { x.storage[i] = S(g.normal()) }
        var y = Matrix<S>(rows: c.steps * c.batch, columns: c.hidden)
        for i in 0..<y.count { y.storage[i] = S(g.normal()) }
        let batch = try SequenceBatch(inputs: x, steps: c.steps, batchSize: c.batch)
        var sink = 0.0
        for _ in 0..<c.warmup {
            sink += try model.gradients(for: batch, targets: .values(y), loss: .mse).loss
        }
        var times: [Double] = []
        var cpu: [Double] = []
        times.reserveCapacity(c.repeats)
        for _ in 0..<c.repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = threadCPUMilliseconds()
            sink += try model.gradients(for: batch, targets: .values(y), loss: .mse).loss
            cpu.append(threadCPUMilliseconds() - cpuStart)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let median = Self.median(times) + (sink.isNaN ? 0 : 0)
        return Measurement(
            label: c.label, medianMilliseconds: median, stepsPerSecond: 1000 / median,
            gflops: c.flops / (median * 1e6), cpuMilliseconds: Self.median(cpu))
    }

    /// The median of `values` (the upper one of an even count; NaN when empty).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}

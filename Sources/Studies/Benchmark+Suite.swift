import Foundation
import LinearAlgebra
import RecurrentNets
import SequenceTasks
import Training

#if canImport(Glibc)
import Glibc
#endif

/// The `experiments bench` suite: engine throughput, the binary-sum epoch through `Trainer`,
/// the tutorial grid as a whole process, and truncated-BPTT peak memory.
extension Benchmark {
    /// The PyTorch figures this project is compared with: medians recorded on this kind of
    /// machine (PyTorch 2.15, 2 threads; /work/shared/baselines/README.md), in ms per step (per
    /// epoch for `binary-epoch`, per whole grid for `grid`). Keys are ``Case/key`` values.
    public static let recordedPeerMilliseconds: [String: Double] = [
        "big-rnn-float32": 12.4, "big-lstm-float32": 27.2, "big-gru-float32": 35.8,
        "big-rnn-float64": 20.2, "big-lstm-float64": 79.2, "big-gru-float64": 64.4,
        "tiny-rnn-float32": 1000 / 577.0, "tiny-lstm-float32": 1000 / 2087.0, "tiny-gru-float32": 1000 / 211.0,
        "binary-epoch": 31.3, "grid-process": 7380, "grid-compute": 5256,
    ]

    /// One printed row.
    public struct Row: Sendable {
        public var key: String
        public var label: String
        public var milliseconds: Double
        /// Steps per second (updates per second for the binary epoch; runs per second for the grid).
        public var perSecond: Double
        public var gflops: Double?
        /// Median thread CPU time (ms), when measured.
        public var cpuMilliseconds: Double?
        /// One core's measured FMA peak for the case's precision (GFLOP/s), for throughput cases.
        public var peakGFLOPS: Double?
    }

    /// Options of a suite run.
    public struct SuiteOptions: Sendable {
        public var quick = false
        /// Threads per product for the big single-run cases (the kernels' helper thread, or
        /// OpenBLAS's in the openblas mode; the engine default stays 1).
        public var threads = 1
        /// Which groups to run: big, tiny, binary, grid, or single cases by key (`big-lstm-float32`).
        public var groups: Set<String> = ["big", "tiny", "binary"]
        /// Path of the `experiments` executable and the grid spec (for the grid group).
        public var executable: String?
        public var gridSpec = "experiments/gradient-vs-length.json"
        /// Same-run peer figures (key -> ms); recorded figures are used for missing keys.
        public var peer: [String: Double] = [:]
        /// Call ``retainFreedMemory()`` first (glibc malloc tuning; see there).
        public var retainMemory = false
        public init() {}
    }

    /// The key of a throughput case (`big-rnn-float32`, `tiny-gru-float32`).
    public static func key(_ c: Case) -> String {
        "\(c.batch == 1 ? "tiny" : "big")-\(c.cell.rawValue)-\(c.dtype.rawValue)"
    }

    /// Keeps freed large blocks in the heap instead of returning them to the kernel, so the
    /// big per-call matrices do not page-fault and get zeroed by the kernel on every call
    /// (glibc's default gives blocks above its mmap threshold back at once). Process-wide.
    public static func retainFreedMemory() {
        BLASBackend.retainFreedMemory()
    }

    /// One malloc arena for the whole process (see ``BLASBackend/useSingleMallocArena()``): call
    /// at process start, before any worker thread allocates.
    public static func useSingleMallocArena() {
        BLASBackend.useSingleMallocArena()
    }

    /// Runs the suite, printing one line per case as it finishes and a table at the end.
    public static func runSuite(_ options: SuiteOptions, print emit: (String) -> Void) throws -> [Row] {
        var rows: [Row] = []
        if options.retainMemory { retainFreedMemory() }
        let variant = KernelVariant.current
        let peak = (f32: variant.peakGFLOPS(float64: false), f64: variant.peakGFLOPS(float64: true))
        emit("numerics: \(Numerics.current.rawValue); kernels: \(variant.rawValue) (this CPU runs: \(KernelVariant.supported.map(\.rawValue).joined(separator: ", ")); RNNLAB_KERNEL forces one)")
        emit(String(format: "one core's measured FMA peak (%@): float32 %.1f GFLOP/s, float64 %.1f GFLOP/s", variant.rawValue, peak.f32, peak.f64))
        if Numerics.current == .openBLAS {
            emit("OpenBLAS: \(BLASBackend.openBLASCore); threads for big cases: \(options.threads)")
        }
        emit("threads per product for big cases: \(options.threads); malloc retains freed memory: \(options.retainMemory)")
        for c in standardCases(quick: options.quick) {
            let big = c.batch > 1
            guard options.groups.contains(big ? "big" : "tiny") || options.groups.contains(key(c)) else { continue }
            if big {
                BLASBackend.setOpenBLASThreads(options.threads)
                BLAS.setProductThreads(options.threads)
            }
            let m = try measure(c)
            BLASBackend.setOpenBLASThreads(1)
            BLAS.setProductThreads(1)
            var row = Row(key: key(c), label: c.label, milliseconds: m.medianMilliseconds,
                          perSecond: m.stepsPerSecond, gflops: m.gflops, cpuMilliseconds: m.cpuMilliseconds)
            row.peakGFLOPS = c.dtype == .float64 ? peak.f64 : peak.f32
            rows.append(row)
            emit(line(row, options.peer))
        }
        for cell in [CellKind.rnn, .lstm, .gru] where options.groups.contains("lyapunov") || options.groups.contains("lyapunov-\(cell.rawValue)-float64") {
            let (row, pass) = try lyapunovSpectrum(cell: cell, repeats: options.quick ? 3 : 7)
            rows.append(row)
            emit(line(row, options.peer))
            emit(String(format: "  one forward+backward pass of the same model (B = 1 / B = k = 16 sequences): %.3f / %.3f ms; the spectrum costs %.1fx / %.1fx",
                        pass.single, pass.batch, row.milliseconds / pass.single, row.milliseconds / pass.batch))
        }
        if options.groups.contains("binary") {
            let row = try binarySumEpoch(epochs: options.quick ? 5 : 20)
            rows.append(row)
            emit(line(row, options.peer))
        }
        if options.groups.contains("grid") {
            let row = try gridCompute(repeats: options.quick ? 3 : 7)
            rows.append(row)
            emit(line(row, options.peer))
        }
        if options.groups.contains("grid"), let exe = options.executable {
            let (one, two, runs) = try gridProcessScaling(executable: exe, spec: options.gridSpec, repeats: options.quick ? 3 : 7)
            for row in [one, two] {
                rows.append(row)
                emit(line(row, options.peer))
            }
            emit(String(format: "runner scaling: --jobs 2 is %.2fx faster than --jobs 1 on the runs phase (%.1f -> %.1f ms) and %.2fx on the whole process (medians of interleaved runs)",
                        runs.jobs1 / runs.jobs2, runs.jobs1, runs.jobs2, one.milliseconds / two.milliseconds))
        }
        emit("")
        emit(table(rows, options.peer))
        return rows
    }

    /// One line of progress.
    static func line(_ r: Row, _ peer: [String: Double]) -> String {
        let p = peerFigure(r.key, peer)
        let ratio = p.map { String(format: "%.2fx vs PyTorch (%@)", $0.ms / r.milliseconds, $0.source) } ?? ""
        return String(format: "%-44@ %10.3f ms %12.1f /s  ", r.label, r.milliseconds, r.perSecond)
            + (r.gflops.map { String(format: "%7.2f GFLOP/s  ", $0) } ?? String(repeating: " ", count: 17))
            + (r.gflops.flatMap { g in r.peakGFLOPS.map { String(format: "(%3.0f%% of peak %.1f)  ", 100 * g / $0, $0) } } ?? "")
            + ratio
    }

    static func peerFigure(_ key: String, _ peer: [String: Double]) -> (ms: Double, source: String)? {
        if let v = peer[key] { return (v, "same run") }
        if let v = recordedPeerMilliseconds[key] { return (v, "recorded") }
        return nil
    }

    /// A Markdown table: ms, per second, GFLOP/s, the PyTorch figure and the speed-up.
    public static func table(_ rows: [Row], _ peer: [String: Double]) -> String {
        var out = "| case | ms | CPU ms | per s | GFLOP/s | one core's peak | PyTorch ms | speed-up vs PyTorch |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for r in rows {
            let p = peerFigure(r.key, peer)
            out += "| \(r.label) | " + String(format: "%.3f", r.milliseconds) + " | "
                + (r.cpuMilliseconds.map { String(format: "%.3f", $0) } ?? "-") + " | "
                + String(format: "%.1f", r.perSecond) + " | " + (r.gflops.map { String(format: "%.2f", $0) } ?? "-") + " | "
                + (r.gflops == nil ? "-" : r.peakGFLOPS.map { String(format: "%.1f", $0) } ?? "-") + " | "
                + (p.map { String(format: "%.3f (%@)", $0.ms, $0.source) } ?? "-") + " | "
                + (p.map { String(format: "%.2fx", $0.ms / r.milliseconds) } ?? "-") + " |\n"
        }
        out += "ms: median wall time per step (per epoch, per grid); CPU ms: median CPU time of the benchmark thread. one core's peak: the measured FMA throughput of the kernel variant in use. speed-up = PyTorch ms / this engine's wall ms (> 1: faster than PyTorch). 'recorded': the baseline figure from /work/shared/baselines, not measured in this run.\n"
        return out
    }

    /// The tutorial's binary-sum task (§2.4.2): RNN(1, 8) + Linear(8, 10) on the last step,
    /// Adam 0.01, batch 32, 1000 samples (32 updates per epoch), float32, trained through
    /// ``Trainer``; the median epoch time excluding the first epoch, as the peer script does.
    public static func binarySumEpoch(epochs: Int) throws -> Row {
        let task = try TaskConfiguration(name: "binary-sum", steps: 5, trainCount: 1000, validationCount: 0, testCount: 0)
        let train = task.makeSplits(seed: 0).train
        let config = try ModelConfiguration(
            cell: .rnn, inputSize: 1, hiddenSize: 8, headOutputs: BinarySumTask.classCount, headPlacement: .lastStep)
        var g = SeededGenerator(seed: 0)
        var model = RecurrentModel<Float>(configuration: config, generator: &g)
        let settings = try TrainingSettings(
            optimizer: OptimizerConfiguration(name: "adam", learningRate: 0.01), epochs: 1, batchSize: 32)
        let trainer = Trainer<Float>(settings: settings)
        var times: [Double] = []
        var stream = SeededGenerator(seed: 7)
        for e in 0..<max(epochs, 2) {
            var epochStream = stream.derived(UInt64(e))
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.train(&model, on: train, validation: nil, generator: &epochStream)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if e > 0 { times.append(ms) }
            _ = stream.next()
        }
        let median = Self.median(times)
        var noShuffle: SeededGenerator?
        let updates = Double(train.batchIndices(batchSize: 32, generator: &noShuffle).count)
        return Row(key: "binary-epoch", label: "binary-sum epoch (32 updates, H=8, Adam)",
                   milliseconds: median, perSecond: updates * 1000 / median, gflops: nil)
    }

    /// The `k = 16` largest Lyapunov exponents and Jacobian singular values of a driven cell
    /// (input 32, hidden 128, T = 200 steps of N(0,1) inputs, float64, re-orthonormalised every
    /// step), as ``Scripts/lyapunov_torch.py`` computes them with autograd Jacobians + QR; and, for
    /// scale, one forward+backward pass (MSE on the last state) over the same T with 1 and with
    /// 16 sequences. Medians in ms.
    static func lyapunovSpectrum(cell: CellKind, repeats: Int) throws -> (row: Row, pass: (single: Double, batch: Double)) {
        let T = 200, input = 32, hidden = 128, k = 16
        let config = try ModelConfiguration(cell: cell, inputSize: input, hiddenSize: hidden, headPlacement: .lastStep)
        var g = SeededGenerator(seed: 3)
        let model = RecurrentModel<Double>(configuration: config, generator: &g)
        var x = Matrix<Double>(rows: T * k, columns: input)
        for i in 0..<x.count { x.storage[i] = g.normal() }
        let single = x.rows(0..<T)
        let state = [Double](repeating: 0, count: model.stateDimension)
        let options = LyapunovSpectrum.Options(transient: 0, exponents: k, interval: 1, frameSeed: 1)
        var times: [Double] = []
        var sink = 0.0
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            sink += try LyapunovSpectrum(model: model, inputs: single, initialState: state, options: options).maximum
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        func pass(_ batch: Int) throws -> Double {
            let b = try SequenceBatch(inputs: x.rows(0..<(T * batch)), steps: T, batchSize: batch)
            let y = Matrix<Double>(rows: batch, columns: hidden)
            var t: [Double] = []
            for _ in 0..<max(repeats, 1) {
                let start = DispatchTime.now().uptimeNanoseconds
                sink += try model.gradients(for: b, targets: .values(y), loss: .mse).loss
                t.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return median(t)
        }
        let ms = median(times) + (sink.isNaN ? 0 : 0)
        let row = Row(key: "lyapunov-\(cell.rawValue)-float64",
                      label: "Lyapunov k=16 \(cell.rawValue) f64 T=200 in=32 H=128",
                      milliseconds: ms, perSecond: 1000 / ms, gflops: nil)
        return (row, (try pass(1), try pass(k)))
    }

    /// The tutorial grid's compute alone (1000 gradient-flow runs with per-step norms, in process,
    /// one thread, no I/O): PyTorch's in-process figure is 5256 ms, JAX's jitted steady state 140 ms.
    public static func gridCompute(repeats: Int) throws -> Row {
        let inits = [
            ("pytorch-default", "pytorch-default"), ("xavier-uniform", "xavier-uniform"), ("orthogonal", "xavier-uniform"),
            ("identity", "xavier-uniform"), ("normal-0.01", "xavier-uniform"),
        ]
        var studies: [GradientFlowStudy] = []
        for (recurrent, input) in inits {
            let model = ModelSettings(inputInit: try Initializer(name: input), recurrentInit: try Initializer(name: recurrent))
            for t in stride(from: 5, through: 100, by: 5) {
                for seed in 0..<10 { studies.append(GradientFlowStudy(model: model, sequenceLength: t, seed: seed)) }
            }
        }
        var times: [Double] = []
        var sink = 0.0
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            for study in studies { sink += try study.run().metrics.first?.value ?? 0 }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let ms = Self.median(times) + (sink.isNaN ? 0 : 0)
        return Row(key: "grid-compute", label: "tutorial grid compute, 1000 runs, 1 thread (JAX jit: 140 ms)",
                   milliseconds: ms, perSecond: 1000 * 1000 / ms, gflops: nil)
    }

    /// The tutorial grid (1000 gradient-flow runs) as whole `experiments run` processes, each into
    /// a fresh folder (CSV written, no charts), with `--jobs 1` and `--jobs 2` alternating: the
    /// median wall time of each (`grid-process-jobs1`, and `grid-process` for `--jobs 2`), and the
    /// median of the runs phase each process reports (the grid on the worker lanes, without
    /// start-up, reading the spec, writing the tables and exit).
    public static func gridProcessScaling(executable: String, spec: String, repeats: Int)
        throws -> (jobs1: Row, jobs2: Row, runsPhase: (jobs1: Double, jobs2: Double)) {
        var times: [Int: [Double]] = [1: [], 2: []]
        var phases: [Int: [Double]] = [1: [], 2: []]
        for _ in 0..<max(repeats, 1) {
            for jobs in [1, 2] {
                let (wall, runs) = try gridProcess(executable: executable, spec: spec, jobs: jobs)
                times[jobs, default: []].append(wall)
                phases[jobs, default: []].append(runs)
            }
        }
        func row(_ jobs: Int) -> Row {
            let ms = median(times[jobs] ?? [])
            return Row(key: jobs == 2 ? "grid-process" : "grid-process-jobs1",
                       label: "tutorial grid, 1000 runs, whole process, --jobs \(jobs)",
                       milliseconds: ms, perSecond: 1000 * 1000 / ms, gflops: nil)
        }
        return (row(1), row(2), (median(phases[1] ?? []), median(phases[2] ?? [])))
    }

    /// One whole `experiments run` of the grid into a fresh folder: its wall time and the runs
    /// phase it reports, in ms.
    static func gridProcess(executable: String, spec: String, jobs: Int) throws -> (wall: Double, runs: Double) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bench-grid-\(getpid())").path
        try? FileManager.default.removeItem(atPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["run", spec, "--jobs", String(jobs), "--out", out, "--no-plot"]
        let errors = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = errors
        let start = DispatchTime.now().uptimeNanoseconds
        try p.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard p.terminationStatus == 0 else {
            throw BenchError.gridFailed(status: p.terminationStatus)
        }
        guard let runs = runsPhaseMilliseconds(inSummary: text) else { throw BenchError.noRunsPhase }
        return (ms, runs)
    }

    /// The runs phase of a run summary (`...; 60.1 ms (spec 3.2 ms, runs 41.9 ms, tables 4.8 ms)`), in ms.
    static func runsPhaseMilliseconds(inSummary text: String) -> Double? {
        guard let range = text.range(of: ", runs ") else { return nil }
        let figure = text[range.upperBound...].prefix { $0 != "," && $0 != ")" }.split(separator: " ")
        guard figure.count == 2, let value = Double(figure[0]) else { return nil }
        switch figure[1] {
        case "ms": return value
        case "s": return value * 1000
        default: return nil
        }
    }

    public enum BenchError: Error, CustomStringConvertible {
        case gridFailed(status: Int32)
        case noRunsPhase
        public var description: String {
            switch self {
            case let .gridFailed(s): return "experiments run of the grid spec exited with status \(s)"
            case .noRunsPhase: return "experiments run of the grid spec printed no run summary with a runs phase"
            }
        }
    }

    /// One truncated-BPTT gradient over `steps` steps with window `truncation` (RNN, B=32,
    /// in=1, H=128, float32, class targets on the last step): returns the wall time in ms and
    /// the process's peak resident set size in MiB. Run each `steps` in its own process.
    public static func truncatedMemory(steps: Int, truncation: Int) throws -> (milliseconds: Double, peakMiB: Double) {
        let B = 32
        let config = try ModelConfiguration(
            cell: .rnn, inputSize: 1, hiddenSize: 128, headOutputs: 10, headPlacement: .lastStep)
        var g = SeededGenerator(seed: 1)
        let model = RecurrentModel<Float>(configuration: config, generator: &g)
        var x = Matrix<Float>(rows: steps * B, columns: 1)
        for i in 0..<x.count { x.storage[i] = Float(g.normal()) }
        let labels = (0..<B).map { $0 % 10 }
        let batch = try SequenceBatch(inputs: x, steps: steps, batchSize: B)
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try model.gradients(for: batch, targets: .classes(labels), loss: .crossEntropy, truncation: truncation)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        _ = r.loss
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (ms, Double(usage.ru_maxrss) / 1024)
    }
}

extension Benchmark {
    /// Reads `key ms` lines (as written by Scripts/bench-vs-pytorch.sh).
    public static func readPeerFigures(path: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var figures: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let ms = Double(parts[1]) { figures[String(parts[0])] = ms }
        }
        return figures
    }
}

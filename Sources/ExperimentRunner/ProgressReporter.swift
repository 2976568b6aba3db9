import Foundation
public import ExperimentSpec

/// Reports grid progress on stderr. On a terminal: one updating line `completed/total, runs/s, ETA`.
/// Otherwise (a log file, CI, a cluster job): a plain line for the first and the last run and then
/// at most one every ``logInterval``, each with the rate, the ETA and the axis values of the run just
/// finished; failed and diverged runs are always listed.
public struct ProgressReporter {
    /// The least time between two plain progress lines off a terminal.
    public static let logInterval: Duration = .seconds(5)

    private let total: Int
    private let interactive: Bool
    private let write: (String) -> Void
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var completed = 0
    private let problemsOnly: Bool

    /// `total` runs to do now; `interactive` selects the updating line; `problemsOnly` (off a
    /// terminal) keeps only the lines of failed and diverged runs; `write` receives text.
    public init(total: Int, interactive: Bool, problemsOnly: Bool = false, write: @escaping (String) -> Void) {
        self.total = total
        self.interactive = interactive
        self.problemsOnly = problemsOnly
        self.write = write
        self.start = clock.now
    }

    /// Whether standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    /// Records one finished run.
    public mutating func finished(_ config: RunConfiguration, _ outcome: RunOutcome) {
        completed += 1
        let now = clock.now
        let seconds = max(1e-9, (now - start) / .seconds(1))
        let rate = Double(completed) / seconds
        let remaining = Double(total - completed) / max(rate, 1e-9)
        if interactive {
            if completed == total || lastDraw.map({ now - $0 > .milliseconds(100) }) ?? true {
                lastDraw = now
                write("\r\u{1B}[K\(completed)/\(total) runs, \(String(format: "%.1f", rate)) runs/s, ETA \(Self.duration(remaining))")
            }
            if case let .failed(reason) = outcome.status {
                write("\r\u{1B}[Krun \(config.key) failed: \(reason)\n")
            }
            if completed == total { write("\n") }
        } else {
            var note = outcome.status.name
            if case let .diverged(step) = outcome.status { note += " at step \(step)" }
            if case let .failed(reason) = outcome.status { note += ": \(reason)" }
            let due = lastDraw.map { now - $0 >= Self.logInterval } ?? true
            if outcome.status != .ok || (!problemsOnly && (due || completed == total)) {
                lastDraw = now
                var axes = config.axes.map { "\($0.name)=\($0.value.compactText)" }
                if !config.axes.contains(where: { $0.name == "seed" }) { axes.append("seed=\(config.seed)") }
                let pace = completed == total ? "done in \(Self.duration(seconds))"
                    : "\(String(format: "%.1f", rate)) runs/s, ETA \(Self.duration(remaining))"
                write("[\(completed)/\(total)] \(pace); \(axes.joined(separator: " ")) (\(config.key)) \(note)\n")
            }
        }
    }

    /// Ends the updating line (after an interruption).
    public func close() {
        if interactive, completed < total { write("\n") }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

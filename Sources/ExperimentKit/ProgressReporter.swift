import Foundation

/// Reports grid progress on stderr. On a terminal: one updating line `completed/total, runs/s, ETA`.
/// Otherwise: plain lines, one per finished run for small grids or one every `total/50` runs
/// (failed and diverged runs are always listed).
public struct ProgressReporter {
    private let total: Int
    private let interactive: Bool
    private let write: (String) -> Void
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var completed = 0
    private let every: Int

    /// `total` runs to do now; `interactive` selects the updating line; `write` receives text.
    public init(total: Int, interactive: Bool, write: @escaping (String) -> Void) {
        self.total = total
        self.interactive = interactive
        self.write = write
        self.start = clock.now
        self.every = max(1, total / 50)
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
            if outcome.status != .ok || completed % every == 0 || completed == total {
                write("[\(completed)/\(total)] \(config.key) \(note)\n")
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

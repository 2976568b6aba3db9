import Foundation
import ExperimentSpec

/// **A test hook, not a user feature**: `RNNLAB_TEST_FAULT=<action>@<phase>` makes a command stop or
/// fail at a named point after the runs, so that fault tests (kill -9, Ctrl-C, a full or read-only
/// disk) hit every phase boundary without depending on timing.
///
/// Actions: `pause` prints `test hook: paused at <phase>` on stderr and waits until the process is
/// killed (a SIGINT ends `run` with 130, as in any phase); `enospc` and `erofs` make every file
/// write of the phase fail as a full disk (`ENOSPC`) or a read-only one (`EROFS`) would, before any
/// byte is written. Phases, in the order `run` meets them: `after-runs` (the grid is recorded, no
/// table written), `tables` (pause: series.csv is renamed into place, runs.csv not yet), `charts`
/// (pause: the first chart file is in place, the others not), `report` (pause: report.md is
/// written beside its final name), `manifest` (pause: every file is in place, manifest.json is
/// written beside its final name). `*` is every phase (and, for `erofs`, the lock file).
public struct TestFault: Sendable, Equatable {
    /// What the hook does.
    public enum Action: String, Sendable, CaseIterable {
        case pause, enospc, erofs
    }

    /// A point after the runs.
    public enum Phase: String, Sendable, CaseIterable {
        case afterRuns = "after-runs", tables, charts, report, manifest
    }

    /// A value of the variable that is not `<action>@<phase>`.
    public struct InvalidValue: Error, Sendable, CustomStringConvertible {
        public var value: String
        public var description: String {
            "\(TestFault.variable)='\(value)' must be <action>@<phase> with action "
                + Action.allCases.map(\.rawValue).joined(separator: ", ") + " and phase "
                + (Phase.allCases.map(\.rawValue) + ["*"]).joined(separator: ", ") + " (a test hook: unset it to run normally)"
        }
    }

    /// The environment variable, `RNNLAB_TEST_FAULT`.
    public static let variable = "RNNLAB_TEST_FAULT"

    public var action: Action
    /// The phase; nil is every phase.
    public var phase: Phase?

    public init(_ action: Action, at phase: Phase?) {
        self.action = action
        self.phase = phase
    }

    /// The hook of `environment`: nil when the variable is unset.
    public static func parse(environment: [String: String]) throws(InvalidValue) -> TestFault? {
        guard let text = environment[variable] else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let action = Action(rawValue: parts[0]) else { throw InvalidValue(value: text) }
        if parts[1] == "*" { return TestFault(action, at: nil) }
        guard let phase = Phase(rawValue: parts[1]) else { throw InvalidValue(value: text) }
        return TestFault(action, at: phase)
    }

    private func applies(to phase: Phase?) -> Bool { self.phase == nil || self.phase == phase }

    /// At the boundary `phase`: a `pause` there announces itself on stderr and blocks forever.
    package func reach(_ phase: Phase) {
        guard action == .pause, applies(to: phase) else { return }
        FileHandle.standardError.write(Data("test hook: paused at \(phase.rawValue)\n".utf8))
        Scheduler.StopFlag().pauseUntilSet()
    }

    /// The error number a write of `phase` (nil: the lock file) fails with, if any.
    func injectedError(in phase: Phase?) -> Int32? {
        switch action {
        case .pause: return nil
        case .enospc: return phase != nil && applies(to: phase) ? ENOSPC : nil
        case .erofs: return applies(to: phase) ? EROFS : nil
        }
    }
}

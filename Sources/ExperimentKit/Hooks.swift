import Foundation

/// Connection points for the charts and expectations module (`ChartRenderer`, `ExpectationChecker`).
/// Placeholders for now: they print "not yet implemented"; the lead connects them.
public enum PostRunHooks {
    /// Renders the spec's `charts` from the results in `resultsDirectory`.
    public static func plot(resultsDirectory: String, spec: Spec) -> ExitStatus {
        FileHandle.standardError.write(Data("plot: not yet implemented (\(spec.name), \(resultsDirectory))\n".utf8))
        return .success
    }

    /// Checks the spec's `expect` list against the results in `resultsDirectory`.
    public static func check(resultsDirectory: String, spec: Spec) -> ExitStatus {
        FileHandle.standardError.write(Data("check: not yet implemented (\(spec.name), \(resultsDirectory))\n".utf8))
        return .success
    }
}

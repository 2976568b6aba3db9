import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

/// `experiments compare A B`: two results folders joined on their axis values.
@Suite struct CompareTests {
    static let spec = #"{"study": "s", "grid": {"init": ["x", "y"], "seed": [1, 2]}}"#

    static func runs(_ values: [(String, Int, String)], extraAxis: String? = nil) -> String {
        var text = "key,study,init,\(extraAxis.map { $0 + "," } ?? "")seed,loss,status,status_step,status_reason\n"
        for (i, (initName, seed, loss)) in values.enumerated() {
            text += "k\(i),s,\(initName),\(extraAxis == nil ? "" : "1,")\(seed),\(loss),ok,,\n"
        }
        return text
    }

    static let base = runs([("x", 1, "1.0"), ("x", 2, "3.0"), ("y", 1, "0.5"), ("y", 2, "0.5")])

    @Test func identicalFoldersAgreeAndExitZero() throws {
        let a = try ResultsFolder(runs: Self.base, spec: Self.spec), b = try ResultsFolder(runs: Self.base, spec: Self.spec)
        defer { a.remove(); b.remove() }
        let c = try ResultsComparison(a: a.path, b: b.path, rtol: 0, atol: 0)
        #expect(c.matches && c.rows.count == 2)
        #expect(c.rows.first?.a == 2.0 && c.rows.first?.countA == 2)  // median of 1 and 3
        let out = Captured()
        #expect(ExperimentCommands.compare(a: a.path, b: b.path, metrics: [], rtol: 0, atol: 0, console: out.console) == .success)
    }

    @Test(arguments: [(1e-3, true), (1e-6, false)])
    func aChangedMedianDiffersBeyondTheToleranceOnly(_ rtol: Double, _ agrees: Bool) throws {
        let changed = Self.runs([("x", 1, "1.0"), ("x", 2, "3.0002"), ("y", 1, "0.5"), ("y", 2, "0.5")])
        let a = try ResultsFolder(runs: Self.base, spec: Self.spec), b = try ResultsFolder(runs: changed, spec: Self.spec)
        defer { a.remove(); b.remove() }
        let c = try ResultsComparison(a: a.path, b: b.path, rtol: rtol, atol: 0)
        #expect(c.rows.first(where: { $0.cell == ["init=x"] })?.agrees == agrees)
        #expect(c.matches == agrees)
        let out = Captured()
        let status = ExperimentCommands.compare(a: a.path, b: b.path, metrics: ["loss"], rtol: rtol, atol: 0, console: out.console)
        #expect(status == (agrees ? .success : .failure))
        #expect((out.out + out.err).contains("DIFFERS") == !agrees)
    }

    @Test func cellsOnOneSideAreNamedAndFail() throws {
        let fewer = Self.runs([("x", 1, "1.0"), ("x", 2, "3.0")])
        let a = try ResultsFolder(runs: Self.base, spec: Self.spec), b = try ResultsFolder(runs: fewer, spec: Self.spec)
        defer { a.remove(); b.remove() }
        let c = try ResultsComparison(a: a.path, b: b.path, rtol: 0, atol: 0)
        #expect(c.onlyInA == [["init=y"]] && !c.matches)
        #expect(c.render(nameA: "A", nameB: "B").contains("only in A: init=y"))
    }

    @Test func anAxisOfOneGridIsPooledWithANote() throws {
        let specB = #"{"study": "s", "grid": {"init": ["x", "y"], "lr": [1], "seed": [1, 2]}}"#
        let withAxis = Self.runs([("x", 1, "1.0"), ("x", 2, "3.0"), ("y", 1, "0.5"), ("y", 2, "0.5")], extraAxis: "lr")
        let a = try ResultsFolder(runs: Self.base, spec: Self.spec), b = try ResultsFolder(runs: withAxis, spec: specB)
        defer { a.remove(); b.remove() }
        let c = try ResultsComparison(a: a.path, b: b.path, rtol: 0, atol: 0)
        #expect(c.matches && c.notes.contains { $0.contains("'lr'") })
    }

    @Test func foldersWithNoMetricInCommonAreAnErrorNotAnAgreement() throws {
        let other = Self.base.replacingOccurrences(of: ",loss,", with: ",accuracy,")
        let a = try ResultsFolder(runs: Self.base, spec: Self.spec), b = try ResultsFolder(runs: other, spec: Self.spec)
        defer { a.remove(); b.remove() }
        let out = Captured()
        #expect(ExperimentCommands.compare(a: a.path, b: b.path, metrics: [], rtol: 0, atol: 0, console: out.console) == .specError)
        #expect(out.err.contains("share no numeric metric column") && out.err.contains("accuracy"), "\(out.err)")
    }

    @Test func anUnknownMetricOrFolderIsAUsageError() throws {
        let a = try ResultsFolder(runs: Self.base, spec: Self.spec)
        defer { a.remove() }
        let out = Captured()
        #expect(ExperimentCommands.compare(a: a.path, b: a.path, metrics: ["nope"], rtol: 0, atol: 0, console: out.console) == .specError)
        #expect((out.out + out.err).contains("metric 'nope'"))
        #expect(ExperimentCommands.compare(a: a.path, b: "/nonexistent", metrics: [], rtol: 0, atol: 0, console: out.console) == .specError)
        #expect((out.out + out.err).contains("no such file"))
    }
}

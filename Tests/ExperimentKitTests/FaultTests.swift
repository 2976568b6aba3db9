import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

/// Faults a hostile but fair user meets, on real `experiments` processes: kill -9 and Ctrl-C at
/// every phase boundary, a full disk, a read-only folder, two runs at once. Processes are stopped
/// at known points by the test hooks (`RNNLAB_TEST_FAULT`, `RNNLAB_TEST_PAUSE_AFTER_RECORDS`), never
/// after a sleep, so the tests do not depend on the machine's speed or load.
@Suite(.serialized) struct FaultTests {
    /// 12 small runs (2 inits x 2 lengths x 3 seeds); `seeds` changes the grid, `expectation` the check.
    static func spec(seeds: Int = 3, expectation: String = #"{"name": "finite-loss", "metric": "loss", "aggregate": "max", "<": 1e9}"#) -> String {
        """
        {"version": 1, "name": "faults", "study": "gradient-flow", "model": {"hidden": 8},
         "grid": {"init": ["orthogonal", "identity"], "seq_len": [20, 40], "seed": {"count": \(seeds)}},
         "expect": [\(expectation)]}
        """
    }

    /// A started process whose stderr is read as it comes.
    final class Started {
        let process = Process()
        private let pipe = Pipe()
        private(set) var log = ""

        init(_ binary: String, _ arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Reads stderr until it holds `text` (true) or ends (false): blocking reads, no timing.
        func waitFor(_ text: String) -> Bool {
            while !log.contains(text) {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty { return false }
                log += String(decoding: data, as: UTF8.self)
            }
            return true
        }

        /// Waits for the exit; returns the status (128 + n after signal n) and the whole stderr.
        func wait() -> (Int32, String) {
            log += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            return (status, log)
        }
    }

    /// Runs a command to its end: status, stdout, stderr.
    static func call(_ binary: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // stdout is small here; stderr is read first to its end, then stdout.
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let outText = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, outText, errText)
    }

    static func temporaries(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".tmp-") }
    }

    static let postRunPhases = TestFault.Phase.allCases.map(\.rawValue)

    /// The defect of issue 14: a kill between two writes left tables of two grids that `check`
    /// passed. Now, killed at any boundary while writing the results of a 3-seed grid over those
    /// of a 2-seed grid, the folder is either the old generation, whole, or rejected by `check`
    /// (naming the file), and the next `run` finishes it with the bytes of a clean run.
    @Test(arguments: postRunPhases)
    func aKillAtAnyPhaseLeavesOneGenerationOrARejectedFolder(phase: String) throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let old = try folder.write("old.json", Self.spec(seeds: 2))
        let new = try folder.write("new.json", Self.spec(seeds: 3))
        let out = folder.path + "/out"
        #expect(try Self.call(binary, ["run", old, "--out", out, "--jobs", "2"]).0 == 0)
        let paused = try Started(binary, ["run", new, "--out", out, "--jobs", "2"], environment: [TestFault.variable: "pause@" + phase])
        let reached = paused.waitFor("test hook: paused at \(phase)")
        kill(paused.process.processIdentifier, SIGKILL)
        let (status, log) = paused.wait()
        #expect(reached && status == 128 + SIGKILL, "\(log)")

        let (newStatus, _, newErr) = try Self.call(binary, ["check", new, "--out", out])
        #expect(newStatus == 1, "\(newErr)")
        let (oldStatus, _, oldErr) = try Self.call(binary, ["check", old, "--out", out])
        // Before the first rename the old generation is intact and whole; after it, never.
        #expect(oldStatus == (phase == "after-runs" ? 0 : 1), "\(oldErr)")
        if phase != "after-runs" {
            #expect(oldErr.contains("manifest.json") && oldErr.contains("fix: run"), "\(oldErr)")
            // plot verifies the tables before it draws them.
            let (plot, _, plotErr) = try Self.call(binary, ["plot", out])
            #expect(plot == 1 && plotErr.contains("does not match manifest.json"), "\(plotErr)")
        }

        let (again, _, againErr) = try Self.call(binary, ["run", new, "--out", out, "--jobs", "1"])
        #expect(again == 0, "\(againErr)")
        #expect(againErr.contains("12 already recorded, 0 to run"), "\(againErr)")
        #expect(Self.temporaries(out).isEmpty, "\(Self.temporaries(out))")
        #expect(try Self.call(binary, ["check", new, "--out", out]).0 == 0)
        #expect(try Self.call(binary, ["run", new, "--out", folder.path + "/clean", "--jobs", "2"]).0 == 0)
        for file in ["runs.csv", "series.csv", "spec.resolved.json", "report.md"] {
            #expect(try folder.bytes("out/" + file) == folder.bytes("clean/" + file), "\(file)")
        }
        let keys = try CSVTable(contentsOf: out + "/runs.csv").column(named: "key") ?? []
        #expect(keys.count == 12 && Set(keys).count == 12)
    }

    @Test(arguments: postRunPhases)
    func ctrlCExits130InEveryPhase(phase: String) throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec())
        let out = folder.path + "/out"
        let paused = try Started(binary, ["run", spec, "--out", out, "--jobs", "2"], environment: [TestFault.variable: "pause@" + phase])
        let reached = paused.waitFor("test hook: paused at \(phase)")
        kill(paused.process.processIdentifier, reached ? SIGINT : SIGKILL)
        let (status, log) = paused.wait()
        #expect(reached && status == 130, "\(log)")
        #expect(log.contains("interrupted while writing the results"), "\(log)")
        let (again, _, againErr) = try Self.call(binary, ["run", spec, "--out", out])
        #expect(again == 0 && againErr.contains("12 already recorded"), "\(againErr)")
        #expect(try Self.call(binary, ["check", spec, "--out", out]).0 == 0)
    }

    /// A write that fails as on a full disk (the injection hook, which always runs): exit 1 with a
    /// plain message, no temporary left, the folder rejected or still the previous generation; the
    /// same command after the fault finishes it.
    @Test(arguments: ["tables", "charts", "report", "manifest"])
    func aFullDiskInAnyPhaseExitsOneAndTheRerunFinishes(phase: String) throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec())
        let out = folder.path + "/out"
        let (status, _, err) = try Self.call(binary, ["run", spec, "--out", out], environment: [TestFault.variable: "enospc@" + phase])
        #expect(status == 1, "\(err)")
        #expect(err.contains("No space left on device (the disk is full: free some space"), "\(err)")
        #expect(!err.contains("NSCocoaErrorDomain") && !err.contains("Error Domain"))
        #expect(Self.temporaries(out).isEmpty, "\(Self.temporaries(out))")
        #expect(try Self.call(binary, ["check", spec, "--out", out]).0 == 1)
        let (again, _, againErr) = try Self.call(binary, ["run", spec, "--out", out])
        #expect(again == 0 && againErr.contains("12 already recorded"), "\(againErr)")
        #expect(try Self.call(binary, ["check", spec, "--out", out]).0 == 0)
    }

    /// Mounts a tmpfs of `kilobytes` at a new folder; nil (the test skips) where mounting is not permitted.
    static func mountTmpfs(kilobytes: Int, under folder: TemporaryFolder) -> String? {
        let point = folder.path + "/disk"
        try? FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        guard let (status, _, _) = try? call("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", point]), status == 0 else {
            print("skipping: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
            return nil
        }
        return point
    }

    static func unmount(_ point: String) { _ = try? call("/bin/umount", ["-l", point]) }

    /// Fills the disk of `folder` (writes until ENOSPC) and returns the filler's path.
    static func fill(_ folder: String) -> String {
        let path = folder + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let block = [UInt8](repeating: 0, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)
        return path
    }

    /// The real thing: a full tmpfs, filled after the records, before the tables, charts or report.
    @Test func aRealFullDiskExitsOneAndKeepsThePreviousGeneration() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        guard let disk = Self.mountTmpfs(kilobytes: 4096, under: folder) else { return }
        defer { Self.unmount(disk) }
        let spec = try folder.write("grid.json", Self.spec())
        let out = disk + "/out"
        #expect(try Self.call(binary, ["run", spec, "--out", out, "--no-plot"]).0 == 0)
        let tables = try folder.bytes("disk/out/runs.csv")
        let filler = Self.fill(disk)
        for command in [["plot", out], ["run", spec, "--out", out], ["run", spec, "--out", out, "--force"]] {
            let (status, _, err) = try Self.call(binary, command)
            #expect(status == 1, "\(command): \(err)")
            #expect(err.contains("No space left on device"), "\(command): \(err)")
            #expect(!err.contains("NSCocoaErrorDomain") && !err.contains("Error Domain"), "\(err)")
            #expect(Self.temporaries(out).isEmpty, "\(Self.temporaries(out))")
        }
        // Nothing was half-written: the previous generation is whole and passes.
        #expect(try folder.bytes("disk/out/runs.csv") == tables)
        let (check, report, checkErr) = try Self.call(binary, ["check", spec, "--out", out])
        #expect(check == 0, "\(checkErr)")
        #expect(report.contains("# faults"), "the report goes to stdout when it cannot be written: \(checkErr)")
        unlink(filler)
        let (again, _, againErr) = try Self.call(binary, ["run", spec, "--out", out])
        #expect(again == 0 && againErr.contains("12 already recorded"), "\(againErr)")
        #expect(try Self.call(binary, ["check", spec, "--out", out]).0 == 0)
    }

    @Test func aReadOnlyFolderIsCheckedWithTheReportOnStdout() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec())
        let plain = folder.path + "/plain"
        #expect(try Self.call(binary, ["run", spec, "--out", plain, "--no-plot"]).0 == 0)
        // The injection (always): every write fails as on a read-only disk.
        let readOnly = [TestFault.variable: "erofs@*"]
        let (status, report, err) = try Self.call(binary, ["check", spec, "--out", plain], environment: readOnly)
        #expect(status == 0, "\(err)")
        #expect(report.contains("PASS") && report.contains("# faults"), "\(report)")
        #expect(err.contains("note:") && err.contains("printed above"), "\(err)")

        guard let disk = Self.mountTmpfs(kilobytes: 4096, under: folder) else { return }
        defer { Self.unmount(disk) }
        let out = disk + "/out"
        #expect(try Self.call(binary, ["run", spec, "--out", out]).0 == 0)
        guard (try? Self.call("/bin/mount", ["-o", "remount,ro", disk]).0) == 0 else {
            print("skipping: cannot remount the tmpfs read-only")
            return
        }
        let (roStatus, roReport, roErr) = try Self.call(binary, ["check", spec, "--out", out])
        #expect(roStatus == 0, "\(roErr)")
        #expect(roReport.contains("1 of 1 expectations passed") && roReport.contains("# faults"))
        #expect(roErr.contains("Read-only file system"), "\(roErr)")
        for command in [["run", spec, "--out", out, "--force"], ["plot", out], ["gather", out]] {
            let (status, _, err) = try Self.call(binary, command)
            #expect(status == 1, "\(command): \(err)")
            #expect(err.contains("Read-only file system") && !err.contains("Error Domain"), "\(command): \(err)")
        }
    }

    /// Two runs on one folder: the second exits at once, naming the first, and computes nothing;
    /// shard runs (a Slurm job array) still share the folder.
    @Test func aSecondRunOnTheSameFolderExitsWithoutWork() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec())
        let out = folder.path + "/out"
        let first = try Started(binary, ["run", spec, "--out", out, "--jobs", "1"],
                                environment: [RecordJournal.TestPause.variable: "2"])
        // The lock is held from the line announcing the runs; the hook pauses the run after 2 records.
        let reached = first.waitFor("12 to run ->")
        for command in [["run", spec, "--out", out], ["run", spec, "--out", out, "--shard", "1/2"], ["gather", out, "--spec", spec],
                        ["plot", out], ["check", spec, "--out", out]] {
            let (status, _, err) = try Self.call(binary, command)
            #expect(status == 1, "\(command): \(err)")
            #expect(err.contains("another experiments process (run, pid \(first.process.processIdentifier)"), "\(command): \(err)")
        }
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.wait()
        #expect(reached)
        #expect(try ResultStore(directory: out).recordedKeys().count <= 2, "only the first run recorded runs")

        // Shards: one paused after its first record while the other runs to its end beside it.
        let shard = try Started(binary, ["run", spec, "--out", out, "--shard", "1/2", "--jobs", "1"],
                                environment: [RecordJournal.TestPause.variable: "1"])
        #expect(shard.waitFor("to run ->"))
        let (other, _, otherErr) = try Self.call(binary, ["run", spec, "--out", out, "--shard", "2/2"])
        #expect(other == 0, "\(otherErr)")
        kill(shard.process.processIdentifier, SIGKILL)
        _ = shard.wait()
        let (again, _, againErr) = try Self.call(binary, ["run", spec, "--out", out])
        #expect(again == 0, "\(againErr)")
        let keys = try CSVTable(contentsOf: out + "/runs.csv").column(named: "key") ?? []
        #expect(keys.count == 12 && Set(keys).count == 12)
    }

    @Test func usageErrorsExitTwo() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec())
        for arguments in [["run"], ["run", spec, "--jobs", "-1"], ["run", spec, "--jobs", "0"], ["run", spec, "--jobs", "two"],
                          ["run", spec, "--no-such-flag"], ["check"], ["gather"], ["no-such-command"]] {
            let (status, _, err) = try Self.call(binary, arguments)
            #expect(status == 2, "\(arguments): \(err)")
        }
        let (hook, _, hookErr) = try Self.call(binary, ["run", spec, "--out", folder.path + "/out"],
                                               environment: [TestFault.variable: "pause@lunch"])
        #expect(hook == 2 && hookErr.contains("RNNLAB_TEST_FAULT='pause@lunch' must be <action>@<phase>"), "\(hookErr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
        #expect(!FileManager.default.fileExists(atPath: "results/faults"))
    }

    @Test func runExitsOneWhenAnExpectationFailsUnlessNoCheck() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec(expectation: #"{"name": "impossible", "metric": "loss", "aggregate": "max", "<": 0}"#))
        let (status, _, err) = try Self.call(binary, ["run", spec, "--out", folder.path + "/out", "--no-plot"])
        #expect(status == 1, "\(err)")
        #expect(err.contains("impossible") && err.contains("FAIL") && err.contains("0 of 1 expectations passed"), "\(err)")
        let (unchecked, _, uncheckedErr) = try Self.call(binary, ["run", spec, "--out", folder.path + "/out", "--no-plot", "--no-check"])
        #expect(unchecked == 0 && !uncheckedErr.contains("FAIL"), "\(uncheckedErr)")
        #expect(try Self.call(binary, ["check", spec, "--out", folder.path + "/out"]).0 == 1)
    }

    @Test func checkNamesMissingAndExtraRunsByTheirAxisValues() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let two = try folder.write("two.json", Self.spec(seeds: 2))
        let three = try folder.write("three.json", Self.spec(seeds: 3))
        #expect(try Self.call(binary, ["run", two, "--out", folder.path + "/two", "--no-plot"]).0 == 0)
        #expect(try Self.call(binary, ["run", three, "--out", folder.path + "/three", "--no-plot"]).0 == 0)
        let (missing, _, missingErr) = try Self.call(binary, ["check", three, "--out", folder.path + "/two"])
        #expect(missing == 1)
        #expect(missingErr.contains("does not cover the grid") && missingErr.contains("missing: init=orthogonal seq_len=20 seed=2 key "),
                "\(missingErr)")
        #expect(missingErr.components(separatedBy: "  missing: ").count - 1 == 4)
        let (extra, _, extraErr) = try Self.call(binary, ["check", two, "--out", folder.path + "/three"])
        #expect(extra == 1)
        #expect(extraErr.contains("extra: init=orthogonal seq_len=20 seed=2 key "), "\(extraErr)")
    }

    @Test func fileErrorsAreInPlainWordsWithTheFix() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let spec = try folder.write("grid.json", Self.spec())
        let file = try folder.write("a-file", "x")
        let (status, _, err) = try Self.call(binary, ["run", spec, "--out", file])
        #expect(status == 1)
        #expect(err.contains("is a file, not a folder; choose another --out"), "\(err)")
        #expect(!err.contains("Error Domain") && !err.contains("NSCocoaErrorDomain"))
        let (before, _, beforeErr) = try Self.call(binary, ["check", spec, "--out", folder.path + "/none"])
        #expect(before == 1 && beforeErr.contains("no results yet: run 'experiments run"), "\(beforeErr)")
        let (plot, _, plotErr) = try Self.call(binary, ["plot", folder.path])
        #expect(plot == 1 && plotErr.contains("no results yet"), "\(plotErr)")
        for command in [["plot", folder.path + "/none"], ["gather", folder.path + "/none", "--spec", spec]] {
            let (status, _, err) = try Self.call(binary, command)
            #expect(status == 1 && err.contains("no such results folder"), "\(command): \(err)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/none"))
    }

    /// `run --no-plot` writes the tables only: the charts and report of the previous write stay
    /// when the tables are byte for byte the same, and go when they changed (they described other data).
    @Test func chartsOfIdenticalTablesStayAndStaleOnesGo() throws {
        guard let binary = experimentsBinary() else { return }
        let folder = try TemporaryFolder()
        let two = try folder.write("two.json", Self.spec(seeds: 2))
        let three = try folder.write("three.json", Self.spec(seeds: 3))
        let out = folder.path + "/out"
        #expect(try Self.call(binary, ["run", two, "--out", out]).0 == 0)
        #expect(try Self.call(binary, ["run", two, "--out", out, "--no-plot"]).0 == 0)
        let kept = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(kept.contains("report.md") && kept.contains(".svg"))
        #expect(try Self.call(binary, ["check", two, "--out", out]).0 == 0)
        #expect(try Self.call(binary, ["run", three, "--out", out, "--no-plot"]).0 == 0)
        let fresh = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(!fresh.contains("report.md") && !fresh.contains(".svg"))
        #expect(!FileManager.default.fileExists(atPath: out + "/report.md"))
        #expect(try Self.call(binary, ["check", three, "--out", out]).0 == 0)
    }
}

import Foundation
import ExperimentSpec

/// The record file of one process: `runs/records-<generation>-<host>-<pid>.jsonl`, created on the
/// first append (generation: one more than the highest in the folder, so a later run's records win
/// over earlier ones even when files are copied without their times), one record per line. Lines
/// are appended whole, under a lock, normally by one `write` call (a killed process leaves whole
/// lines and at most one unterminated last line, which readers ignore). Safe to share between
/// worker threads. With a ``TestPause`` (a test hook) it stops the grid after a given number of lines.
public final class RecordJournal: @unchecked Sendable {
    /// The records folder (`<results>/runs`).
    public let folder: String
    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var path: String?
    private let pause: TestPause?
    /// Lines appended by this journal.
    private var appended = 0

    init(folder: String, pause: TestPause? = nil) {
        self.folder = folder
        self.pause = pause
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The file this journal writes, once it has written a line.
    public var filePath: String? { lock.withLock { path } }

    /// Appends one line (UTF-8 bytes ending with a newline and containing no other). When the
    /// write fails, it is tried once more in a new file (a partly written line stays unterminated
    /// at the end of the old one) before the error is thrown.
    public func append(line bytes: [UInt8]) throws(ResultStore.StoreError) {
        lock.lock()
        if let pause, appended >= pause.afterRecords {
            // The test hook paused the grid: a line after the N-th waits (without the lock) until
            // the pause ends, so that exactly N lines are written during it.
            lock.unlock()
            pause.stop.pauseUntilSet()
            lock.lock()
        }
        let count: Int
        do {
            try write(line: bytes)
            appended += 1
            count = appended
        } catch {
            lock.unlock()
            throw error
        }
        lock.unlock()
        // The test hook: the lane that appended the N-th line pauses.
        if let pause, count == pause.afterRecords { pause.stop.pauseUntilSet() }
    }

    /// Writes one line, retrying once in a new file. Caller holds the lock.
    private func write(line bytes: [UInt8]) throws(ResultStore.StoreError) {
        do {
            try writeAll(bytes, to: try openIfNeeded())
        } catch {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
            try writeAll(bytes, to: try openIfNeeded())
        }
    }

    /// Opens a new file (never one another process may be appending to). Caller holds the lock.
    private func openIfNeeded() throws(ResultStore.StoreError) -> Int32 {
        if descriptor >= 0 { return descriptor }
        try FileOutput.createFolder(folder)
        let host = ProcessInfo.processInfo.hostName.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let generation = 1 + names.map(Self.generation(ofFileNamed:)).reduce(0, max)
        let base = folder + "/records-\(generation)-" + String(host.prefix(40)) + "-\(getpid())"
        for attempt in 0..<1000 {
            let candidate = base + (attempt == 0 ? "" : "-\(attempt)") + ".jsonl"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
            if fd >= 0 {
                descriptor = fd
                path = candidate
                return fd
            }
            if errno != EEXIST { throw ResultStore.StoreError(path: candidate, message: "cannot create the record file: " + FileOutput.reason(errno)) }
        }
        throw ResultStore.StoreError(path: base + ".jsonl", message: "no free record file name")
    }

    /// The generation in a record file's name (0 when it has none).
    static func generation(ofFileNamed name: String) -> Int {
        guard name.hasPrefix("records-"), name.hasSuffix(".jsonl") else { return 0 }
        return Int(name.dropFirst("records-".count).prefix { $0.isNumber }) ?? 0
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32) throws(ResultStore.StoreError) {
        guard FileOutput.write(bytes, to: fd) else {
            throw ResultStore.StoreError(path: path ?? folder, message: "cannot append a record: " + FileOutput.reason(errno))
        }
    }
}

extension RecordJournal {
    /// **A test hook, not a user feature**: stops a grid at a known point, so that fault tests
    /// (kill -9, Ctrl-C, `scancel` of a Slurm task) do not depend on timing. `experiments run`
    /// reads `RNNLAB_TEST_PAUSE_AFTER_RECORDS=N` (a whole number >= 1; any other value is a usage
    /// error, exit 2) once. When this process has appended its N-th record line (durably: the
    /// `write` returned), the lane that appended it blocks, no lane starts a new run, and a lane
    /// that finishes a run in flight blocks before appending its record: this process's record
    /// file then holds exactly N lines, whatever `--jobs` and the machine's speed. The process
    /// waits forever (the test kills it) unless a SIGINT sets the stop flag: then the blocked
    /// lanes go on, the runs in flight are recorded (between N and N + jobs - 1 lines in all) and
    /// it exits 130 as after any Ctrl-C. Fewer than N runs to do: no pause. Unset: no cost but one
    /// nil check per record.
    public struct TestPause: Sendable {
        /// A value of the variable that is not a whole number >= 1.
        public struct InvalidValue: Error, Sendable, CustomStringConvertible {
            public var value: String
            public var description: String {
                "\(TestPause.variable)='\(value)' must be a whole number >= 1 (a test hook: unset it to run normally)"
            }
        }

        /// The environment variable, `RNNLAB_TEST_PAUSE_AFTER_RECORDS`.
        public static let variable = "RNNLAB_TEST_PAUSE_AFTER_RECORDS"

        /// N: pause once this many lines were appended.
        public var afterRecords: Int
        /// The grid's stop flag: the pause stops scheduling and lasts until it is set.
        public var stop: Scheduler.StopFlag

        public init(afterRecords: Int, stop: Scheduler.StopFlag) {
            self.afterRecords = afterRecords
            self.stop = stop
        }

        /// N from `environment`: nil when the variable is unset.
        public static func afterRecords(in environment: [String: String]) throws(InvalidValue) -> Int? {
            guard let text = environment[variable] else { return nil }
            guard let n = Int(text), n >= 1 else { throw InvalidValue(value: text) }
            return n
        }
    }
}

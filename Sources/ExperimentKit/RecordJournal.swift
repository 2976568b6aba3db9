import Foundation

/// The record file of one process: `runs/records-<generation>-<host>-<pid>.jsonl`, created on the
/// first append (generation: one more than the highest in the folder, so a later run's records win
/// over earlier ones even when files are copied without their times), one record per line. Lines
/// are appended whole, under a lock, normally by one `write` call (a killed process leaves whole
/// lines and at most one unterminated last line, which readers ignore). Safe to share between
/// worker threads.
public final class RecordJournal: @unchecked Sendable {
    /// The records folder (`<results>/runs`).
    public let folder: String
    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var path: String?

    init(folder: String) {
        self.folder = folder
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
        defer { lock.unlock() }
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
        try ResultStore.createFolder(folder)
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
            if errno != EEXIST { throw ResultStore.StoreError(path: candidate, message: String(cString: strerror(errno))) }
        }
        throw ResultStore.StoreError(path: base + ".jsonl", message: "no free record file name")
    }

    /// The generation in a record file's name (0 when it has none).
    static func generation(ofFileNamed name: String) -> Int {
        guard name.hasPrefix("records-"), name.hasSuffix(".jsonl") else { return 0 }
        return Int(name.dropFirst("records-".count).prefix { $0.isNumber }) ?? 0
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32) throws(ResultStore.StoreError) {
        guard ResultStore.write(bytes, to: fd) else {
            throw ResultStore.StoreError(path: path ?? folder, message: String(cString: strerror(errno)))
        }
    }
}

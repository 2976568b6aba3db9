import Foundation
import ExperimentSpec

/// The lock of a results folder: `flock` on `<folder>/.lock`, held until the process exits (or the
/// lock is released). Commands that write the tables, charts or report (`run`, `gather`, `plot`,
/// `check`) take it exclusively; shard runs (`run --shard`) take it shared, so the tasks of a
/// Slurm job array run side by side in one folder while a full run, a gather or a plot waits for
/// none of them: a process that cannot have the lock at once **exits** (status 1) with a message
/// naming the holder, it does not wait. On a filesystem without locks (some network mounts) the
/// command goes on unlocked, with a note.
public final class FolderLock: @unchecked Sendable {
    /// How the lock is taken.
    public enum Mode: Sendable {
        case exclusive, shared
    }

    /// What taking the lock found.
    public enum Outcome {
        case locked(FolderLock)
        /// Locks are not supported here, or the folder is read-only (`reason` says which).
        case unlocked(reason: String)
    }

    /// The lock file's name.
    public static let fileName = ".lock"

    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock of `folder` (creating the folder) for `command` (e.g. "run"), or throws when
    /// another process holds it.
    public static func acquire(_ folder: String, mode: Mode, command: String,
                               fault: TestFault? = nil) throws(ResultStore.StoreError) -> Outcome {
        // (Only the commands that create the folder call this before it exists.)
        let path = folder + "/" + fileName
        if let code = fault?.injectedError(in: nil) {
            return .unlocked(reason: "cannot open \(path): " + FileOutput.reason(code))
        }
        do {
            try FileOutput.createFolder(folder)
        } catch {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { throw error }
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            let code = errno
            if FileOutput.isReadOnly(code) { return .unlocked(reason: "cannot open \(path): " + FileOutput.reason(code)) }
            throw ResultStore.StoreError(path: path, message: "cannot open the lock file: " + FileOutput.reason(code))
        }
        if flock(fd, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK {
                let holder = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                close(fd)
                let who = "another experiments process" + (holder.isEmpty ? "" : " (\(holder))")
                throw ResultStore.StoreError(
                    path: folder, message: "\(who) is using this folder; wait until it has finished, or stop it, then try again (this '\(command)' changed nothing)")
            }
            close(fd)
            return .unlocked(reason: "\(path): locks are not supported on this filesystem (\(String(cString: strerror(code)))); going on without one: do not start two commands on this folder at once")
        }
        // Who holds it, for the message of the next process (best effort; with shared holders, one of them).
        let text = Array("\(command), pid \(getpid()) on \(ProcessInfo.processInfo.hostName)\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pwrite(fd, text, text.count, 0) }
        return .locked(FolderLock(descriptor: fd))
    }
}

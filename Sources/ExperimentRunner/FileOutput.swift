import Foundation
import ExperimentSpec

/// The files of a results folder, written whole: each goes to `.tmp-<pid>-<name>` beside its final
/// name, then is renamed into place, so a reader (or a writer killed half-way) sees the old file or
/// the new one, never a part of one. Temporaries a killed process left are removed by the next
/// writer (``removeTemporaries(in:)``). Errors say what happened in plain words, with the path and
/// the fix (no Foundation error domains).
package enum FileOutput {
    /// The start of every temporary's name.
    package static let temporaryPrefix = ".tmp-"

    /// `<folder>/.tmp-<pid>-<name>` for `path` = `<folder>/<name>`.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/" + temporaryPrefix + "\(getpid())-" + url.lastPathComponent
    }

    /// Writes `chunks` to the temporary of `path` (creating its folder) and returns the temporary's
    /// path; `fault` (the test hook) may fail the write of `phase`.
    package static func writeTemporary(_ chunks: [[UInt8]], for path: String, fault: TestFault? = nil,
                               phase: TestFault.Phase? = nil) throws(ResultStore.StoreError) -> String {
        let temporary = temporaryPath(for: path)
        try createFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        if let code = fault?.injectedError(in: phase) {
            throw ResultStore.StoreError(path: path, message: "cannot write the file: " + reason(code))
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw ResultStore.StoreError(path: path, message: "cannot write the file: " + reason(errno))
        }
        let written = writeAll(chunks, to: fd)
        let code = errno
        let closed = close(fd)
        guard written, closed == 0 else {
            let failure = written ? errno : code
            unlink(temporary)
            throw ResultStore.StoreError(path: path, message: "cannot write the file: " + reason(failure))
        }
        return temporary
    }

    /// Renames a complete temporary into place (removing it when that fails).
    package static func commit(_ temporary: String, to path: String) throws(ResultStore.StoreError) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ResultStore.StoreError(path: path, message: "cannot replace the file: " + reason(code))
        }
    }

    /// Writes `path` whole (temporary, then rename).
    static func write(_ chunks: [[UInt8]], to path: String, fault: TestFault? = nil,
                      phase: TestFault.Phase? = nil) throws(ResultStore.StoreError) {
        try commit(try writeTemporary(chunks, for: path, fault: fault, phase: phase), to: path)
    }

    /// Writes `text` to `path` whole.
    package static func write(_ text: String, to path: String, fault: TestFault? = nil,
                      phase: TestFault.Phase? = nil) throws(ResultStore.StoreError) {
        try write([Array(text.utf8)], to: path, fault: fault, phase: phase)
    }

    /// Writes `chunks` in order, gathered into blocks of 1 MiB (a table is about a thousand chunks of
    /// a few kilobytes: a `write` per chunk cost more than copying the data); false on an error
    /// (in `errno`).
    static func writeAll(_ chunks: [[UInt8]], to fd: Int32) -> Bool {
        let blockSize = 1 << 20
        var block: [UInt8] = []
        block.reserveCapacity(blockSize)
        for chunk in chunks {
            if block.count + chunk.count > blockSize {
                guard write(block, to: fd) else { return false }
                block.removeAll(keepingCapacity: true)
            }
            if chunk.count >= blockSize {
                guard write(chunk, to: fd) else { return false }
            } else {
                block.append(contentsOf: chunk)
            }
        }
        return write(block, to: fd)
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and interruptions); false on an error
    /// (in `errno`).
    static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// Creates `folder` and its parents unless they exist.
    package static func createFolder(_ folder: String) throws(ResultStore.StoreError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue { return }
        var prefix = folder.hasPrefix("/") ? "/" : ""
        for part in folder.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + part
            if mkdir(prefix, 0o777) == 0 || errno == EEXIST {
                if FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder), isFolder.boolValue { continue }
                throw ResultStore.StoreError(
                    path: prefix, message: "cannot create the folder \(folder): \(prefix) is a file, not a folder; choose another --out or move the file")
            }
            throw ResultStore.StoreError(path: folder, message: "cannot create the folder: " + reason(errno))
        }
    }

    /// Removes the temporaries (files and folders named `.tmp-*`) that a killed process left in
    /// `folder`. Only a process that holds the folder's exclusive lock calls this.
    package static func removeTemporaries(in folder: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasPrefix(temporaryPrefix) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// The SHA-256 of a file's bytes as 64 hex digits; nil when it cannot be read.
    static func sha256(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return hex(SHA256.hash([UInt8](data)))
    }

    /// Lowercase hex digits of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String { SHA256.hex(bytes) }

    /// Whether `code` means the folder cannot be written at all (a read-only disk or no permission).
    static func isReadOnly(_ code: Int32) -> Bool { code == EROFS || code == EACCES || code == EPERM }

    /// `strerror` of `code`, with the fix for the usual causes.
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT: return text + " (the disk is full: free some space, then run the same command again)"
        case EROFS, EACCES, EPERM: return text + " (the folder is read-only: choose a writable --out, or fix its permissions)"
        case ENOTDIR: return text + " (a file is in the way of a folder on this path: choose another --out)"
        default: return text
        }
    }
}

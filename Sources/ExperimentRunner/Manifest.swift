import Foundation
import ExperimentSpec

/// `manifest.json` of a results folder: the SHA-256 of every file of the last complete write
/// (`runs.csv`, `series.csv`, `spec.resolved.json`, the charts, `report.md`), written **last**, after
/// each of them was renamed into place. A folder whose files all match it holds one generation;
/// a file that differs (a writer was killed between two renames, or it was edited) or a missing
/// manifest (a first write was killed, or an earlier version wrote the folder) is named by
/// ``verify(_:only:)`` with the fix. It has no timestamps: rewriting the same results gives the same bytes.
/// `timings.csv` (wall times, which depend on the machine) is not listed, so that it stays so.
public struct Manifest: Sendable, Equatable {
    /// A results folder whose files are not one complete generation.
    public struct Mismatch: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public static let fileName = "manifest.json"
    /// The tables every generation has.
    public static let tableFiles = ["runs.csv", "series.csv", "spec.resolved.json"]

    /// File name (relative to the folder) -> SHA-256 (hex), sorted by name.
    public var files: [(name: String, sha256: String)]

    public static func == (lhs: Manifest, rhs: Manifest) -> Bool {
        lhs.files.elementsEqual(rhs.files) { $0.name == $1.name && $0.sha256 == $1.sha256 }
    }

    public var names: [String] { files.map(\.name) }

    /// The manifest of `names` in `directory` as they are now (a file that cannot be read throws).
    public static func of(_ directory: String, names: [String]) throws(ResultStore.StoreError) -> Manifest {
        var files: [(name: String, sha256: String)] = []
        for name in Set(names).sorted() {
            guard let digest = FileOutput.sha256(ofFile: directory + "/" + name) else {
                throw ResultStore.StoreError(path: directory + "/" + name, message: "cannot read the file it has just written")
            }
            files.append((name, digest))
        }
        return Manifest(files: files)
    }

    /// The manifest of `directory`: nil when it has none; a manifest that does not parse throws.
    public static func read(_ directory: String) throws(Mismatch) -> Manifest? {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let document = try? JSONParser.parse(bytes: [UInt8](data)), case let .object(pairs)? = document["files"] else {
            throw Mismatch(path: path, message: "not a manifest (edited or cut short?); " + fix(directory))
        }
        var files: [(name: String, sha256: String)] = []
        for pair in pairs {
            guard case let .string(digest) = pair.value else {
                throw Mismatch(path: path, message: "entry '\(pair.key)' is not a digest; " + fix(directory))
            }
            files.append((pair.key, digest))
        }
        return Manifest(files: files)
    }

    /// The manifest's text.
    var text: String {
        JSONValue.object([("format", .number(1)), ("files", .object(files.map { (key: $0.name, value: .string($0.sha256)) }))])
            .prettyText() + "\n"
    }

    /// Checks that the files of `directory` are the generation its manifest lists (only the names in
    /// `only`, when given) and returns the manifest.
    public static func verify(_ directory: String, only: Set<String>? = nil) throws(Mismatch) -> Manifest {
        guard let manifest = try read(directory) else {
            let hasTables = FileManager.default.fileExists(atPath: directory + "/runs.csv")
            throw Mismatch(path: directory, message: hasTables
                ? "no \(fileName): the folder was written by an earlier version of experiments, or a run, gather or plot was stopped before it finished; " + fix(directory)
                : "no results yet (no runs.csv, no \(fileName)): run 'experiments run SPEC --out \(directory)' first")
        }
        for file in manifest.files where only?.contains(file.name) ?? true {
            let path = directory + "/" + file.name
            guard let digest = FileOutput.sha256(ofFile: path) else {
                throw Mismatch(path: path, message: "listed in \(fileName) but missing or unreadable; " + fix(directory, file: file.name))
            }
            guard digest == file.sha256 else {
                throw Mismatch(path: path, message: "does not match \(fileName) (a process was stopped while writing the folder, or the file was edited): "
                    + "it is not part of the last complete results; " + fix(directory, file: file.name))
            }
        }
        return manifest
    }

    /// What rewrites a consistent generation.
    static func fix(_ directory: String, file: String? = nil) -> String {
        if let file, !tableFiles.contains(file) {
            return "fix: run 'experiments plot \(directory)' (or 'experiments run SPEC --out \(directory)') again"
        }
        return "fix: run 'experiments run SPEC --out \(directory)' again (recorded runs are not recomputed), or 'experiments gather \(directory)'"
    }

    /// Writes the manifest of `names` last (temporary, then rename), then removes the files the
    /// previous manifest listed that this generation no longer has (left from an older generation).
    /// When only the tables were written and they are byte for byte those of the previous
    /// manifest, its other files (charts, report) still describe them: they stay listed, unchanged.
    @discardableResult
    package static func publish(_ directory: String, names: [String], previous: Manifest?,
                        fault: TestFault?) throws(ResultStore.StoreError) -> Manifest {
        var manifest = try of(directory, names: names)
        if let previous, Set(names) == Set(tableFiles),
           manifest.files.allSatisfy({ file in previous.files.contains { $0.name == file.name && $0.sha256 == file.sha256 } }) {
            let unchanged = previous.files.filter { file in
                !tableFiles.contains(file.name) && FileOutput.sha256(ofFile: directory + "/" + file.name) == file.sha256
            }
            manifest.files = (manifest.files + unchanged).sorted { $0.name < $1.name }
        }
        let path = directory + "/" + fileName
        let temporary = try FileOutput.writeTemporary([Array(manifest.text.utf8)], for: path, fault: fault, phase: .manifest)
        fault?.reach(.manifest)
        try FileOutput.commit(temporary, to: path)
        let kept = Set(manifest.names)
        for name in previous?.names ?? [] where !kept.contains(name) && !name.contains("/") {
            unlink(directory + "/" + name)
        }
        return manifest
    }
}

import Foundation
import ExperimentSpec
import ExperimentRunner

/// Runs gnuplot on a written script, in the results folder.
package enum GnuplotRenderer {
    /// The absolute path of `gnuplot` on PATH, or nil.
    package static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = (String(directory) as NSString).appendingPathComponent("gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `gnuplot <script>` with `directory` as working directory; returns gnuplot's stderr
    /// (warnings) on success and throws `ChartError.gnuplotFailed` with it otherwise.
    static func run(gnuplot: String, script: String, chart: String, directory: String) throws(ChartError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gnuplot)
        process.arguments = [script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        // A fixed date for the PDF's metadata (cairo >= 1.17.2 reads SOURCE_DATE_EPOCH; older cairo
        // writes the time of day, which `fixPDFDates` replaces), so reruns give the same bytes.
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = "0"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .launchFailed(path: gnuplot, message: "it could not be started (is it an executable gnuplot?); reinstall it (apt-get install gnuplot-nox)")
        }
        // Read to the end before waiting so a chatty gnuplot cannot fill the pipe and block.
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: data, as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw .gnuplotFailed(chart: chart, status: process.terminationStatus, stderr: stderr)
        }
        try checkComplete(chart: chart, directory: directory)
        try fixPDFDates(path: ReportData.path(directory, chart + ".pdf"))
        return stderr
    }

    /// The date every PDF's `/CreationDate` and `/ModDate` is given (the epoch, as SOURCE_DATE_EPOCH=0).
    static let fixedPDFDate = Array("(D:19700101000000Z)".utf8)

    /// Rewrites the `/CreationDate (D:YYYYMMDDHHmmSSZ)` and `/ModDate (...)` entries of the PDF at
    /// `path` (if it exists) to ``fixedPDFDate``: the same length, so the cross-reference offsets
    /// stay valid. Older cairo ignores SOURCE_DATE_EPOCH and writes the time of rendering.
    static func fixPDFDates(path: String) throws(ChartError) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let fixed = withFixedPDFDates([UInt8](data))
        guard fixed != [UInt8](data) else { return }
        do {
            try Data(fixed).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .writeFailed(path: path, message: "the PDF could not be rewritten with a fixed date (\(error.localizedDescription))")
        }
    }

    /// `pdf` with every `/CreationDate (...)` and `/ModDate (...)` whose date is as long as
    /// ``fixedPDFDate`` set to it; other bytes unchanged.
    static func withFixedPDFDates(_ pdf: [UInt8]) -> [UInt8] {
        var bytes = pdf
        for key in ["/CreationDate ", "/ModDate "].map({ Array($0.utf8) }) {
            var i = 0
            while i + key.count + fixedPDFDate.count <= bytes.count {
                if bytes[i] == key[0], bytes[i..<(i + key.count)].elementsEqual(key) {
                    let start = i + key.count
                    let end = start + fixedPDFDate.count
                    let value = bytes[start..<end]
                    if value.first == UInt8(ascii: "("), value.last == UInt8(ascii: ")"),
                       value.dropFirst().prefix(2).elementsEqual(Array("D:".utf8)) {
                        bytes.replaceSubrange(start..<end, with: fixedPDFDate)
                    }
                    i = end
                } else {
                    i += 1
                }
            }
        }
        return bytes
    }

    /// gnuplot exits 0 even when it could not write its output (a full disk leaves a 0-byte PNG and
    /// a cut SVG): an SVG must end with `</svg>`, a PNG with its `IEND` chunk.
    static func checkComplete(chart: String, directory: String) throws(ChartError) {
        let endings = [(chart + ".svg", Array("</svg>".utf8)), (chart + ".png", [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82] as [UInt8])]
        for (name, ending) in endings {
            let path = ReportData.path(directory, name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") { bytes.removeLast() }
            if !bytes.suffix(ending.count).elementsEqual(ending) {
                throw .writeFailed(path: path, message: "gnuplot wrote an incomplete file (is the disk full? free some space, then run the same command again)")
            }
        }
    }
}

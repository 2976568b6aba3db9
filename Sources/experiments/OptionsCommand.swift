import ArgumentParser
import ExperimentKit
import Foundation
import ExperimentSpec
import ExperimentRunner
import ExperimentReports
import EngineBinding

/// `experiments options [--markdown]`: the options a spec can set, from the one catalogue.
struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options", abstract: "List the options a spec can set (--markdown: the README's table).")
    @Flag(help: "Print the Markdown table that README.md holds between its option-table markers.") var markdown = false
    @Option(help: "Rewrite the option table between the markers of this README file in place.") var updateReadme: String?

    func run() throws {
        if let path = updateReadme {
            guard let readme = try? String(contentsOfFile: path, encoding: .utf8),
                  let updated = OptionTable.updating(readme) else {
                FileHandle.standardError.write(Data("experiments: \(path): no option-table markers (\(OptionTable.beginMarker))\n".utf8))
                throw ExitCode(ExitStatus.specError.rawValue)
            }
            try updated.write(toFile: path, atomically: true, encoding: .utf8)
        } else if markdown {
            print(OptionTable.markdown(), terminator: "")
        } else {
            for option in OptionCatalog.all {
                print("\(option.name)\t\(option.blocks.map(\.rawValue).joined(separator: ","))\t\(option.expectation)\t\(option.summary)")
            }
        }
    }
}

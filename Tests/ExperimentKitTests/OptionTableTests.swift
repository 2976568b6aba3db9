import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

/// The README's option table is generated from the catalogue; these tests keep it in step.
@Suite struct OptionTableTests {
    static let readmePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md").path

    @Test func theReadmeTableMatchesTheCatalogue() throws {
        let readme = try String(contentsOfFile: Self.readmePath, encoding: .utf8)
        let updated = try #require(OptionTable.updating(readme), "README.md lacks the option-table markers")
        #expect(updated == readme, "README.md's option table is stale: run `experiments options --update-readme README.md`")
    }

    @Test func everyOptionHasOneRowWithItsBindingAndBounds() {
        let table = OptionTable.markdown()
        for option in OptionCatalog.all {
            #expect(table.contains("| `\(option.name)` |"))
            #expect(!option.binding.description.isEmpty)
        }
        #expect(table.contains("an integer from 1 to 65536"))
    }
}

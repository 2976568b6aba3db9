import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

/// Paper-ready defaults of the generated gnuplot scripts: series stay distinguishable, panels
/// compare, legends sit outside the data, categories are not joined, titles fit.
@Suite struct ChartStyleTests {
    @Test(arguments: [12, 30, 60])
    func seriesLooksAreDistinctUpToMany(_ count: Int) {
        let looks = (0..<count).map { GnuplotScript.style($0) }
        #expect(Set(looks.map { "\($0.color) \($0.point) \($0.dash)" }).count == count)
        // The first ten differ in colour and in marker alike.
        #expect(Set(looks.prefix(10).map(\.color)).count == 10 && Set(looks.prefix(10).map(\.point)).count == 10)
    }

    @Test(arguments: [40, 80, 120])
    func titlesWrapAtWordsWithinTheWidth(_ width: Int) {
        let text = String(repeating: "gradient norms vanish ", count: 12).trimmingCharacters(in: .whitespaces)
        let lines = GnuplotScript.wrapped(text, width: width)
        #expect(lines.count > 1 && lines.allSatisfy { $0.count <= width })
        #expect(lines.joined(separator: " ") == text)
    }

    @Test func aWrappedTitleIsOneQuotedExpressionPerLine() {
        let title = GnuplotScript.title(String(repeating: "word ", count: 60), canvasWidth: 960)
        #expect(title.hasPrefix("'") && title.hasSuffix("'") && title.contains("'.\"\\n\".'"))
    }

    static let runs = """
        key,study,init,clip,seed,test_loss,status,status_step,status_reason
        a,train,orthogonal,none,1,1e-8,ok,,
        b,train,orthogonal,norm,1,1e-1,ok,,
        c,train,identity,none,1,1e-6,ok,,
        d,train,identity,norm,1,1e2,ok,,

        """

    @Test func facetsShareOneYRangeAndLegendsSitOutside() throws {
        let spec = """
            {"version": 1, "name": "c", "study": "train", "grid": {"init": ["orthogonal", "identity"], "clip": ["none", "norm"], "seed": [1]},
             "charts": [{"name": "c", "x": "init", "y": "test_loss", "series": "seed", "facet": "clip", "log_y": true}]}
            """
        let folder = try ResultsFolder(runs: Self.runs, spec: spec)
        defer { folder.remove() }
        _ = try? ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)
        let script = folder.read("c.gp")
        // One range covering 1e-8 .. 1e2 for both panels, set once before the multiplot.
        let ranges = script.components(separatedBy: "\n").filter { $0.hasPrefix("set yrange") }
        #expect(ranges.count == 2, "one per terminal: \(ranges)")
        #expect(Set(ranges).count == 1)
        #expect(!script.contains("inside"))
        #expect(script.contains("set key outside right top"))
        // Categorical x (init): points with error bars, never joined by lines.
        #expect(script.contains("with points") && !script.contains("with linespoints"))
    }
}

/// Reference lines, axis limits and PDF output declared in a chart.
@Suite struct ChartAnnotationTests {
    static let runs = """
        key,study,lr,seed,test_loss,status,status_step,status_reason
        a,train,0.1,1,0.5,ok,,
        b,train,1,1,0.2,ok,,

        """

    @Test func referenceLinesLimitsAndPDFReachTheScript() throws {
        let spec = """
            {"version": 1, "name": "c", "study": "train", "grid": {"lr": [0.1, 1], "seed": [1]},
             "charts": [{"name": "c", "x": "lr", "y": "test_loss", "log_x": true,
                         "hline": [{"at": 0.1667, "label": "chance 'baseline'"}, 0.5], "vline": {"at": 0.5},
                         "x_range": [0.05, null], "y_range": [0, 1], "pdf": true}]}
            """
        let folder = try ResultsFolder(runs: Self.runs, spec: spec)
        defer { folder.remove() }
        _ = try? ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)
        let script = folder.read("c.gp")
        #expect(script.contains("set arrow 100 from graph 0, first 0.1667 to graph 1, first 0.1667 nohead"))
        #expect(script.contains("set label 100 'chance ''baseline''' at graph 0.99, first 0.1667"))
        #expect(script.contains("set arrow 101 from graph 0, first 0.5"))
        #expect(script.contains("set arrow 200 from first 0.5, graph 0 to first 0.5, graph 1"))
        #expect(script.contains("set xrange [0.05:*]") && script.contains("set yrange [0:1]"))
        #expect(script.contains("set terminal pdfcairo") && script.contains("set output 'c.pdf'"))
    }

    @Test func pdfDatesAreFixedWithoutMovingAByte() {
        let pdf = Array("<< /Producer (cairo) /CreationDate (D:20261204191802Z) /ModDate (D:20261204191803Z) >>\nxref".utf8)
        let fixed = GnuplotRenderer.withFixedPDFDates(pdf)
        #expect(fixed.count == pdf.count)
        #expect(String(decoding: fixed, as: UTF8.self)
            == "<< /Producer (cairo) /CreationDate (D:19700101000000Z) /ModDate (D:19700101000000Z) >>\nxref")
        // A date of another length (with a time zone) is left alone rather than shifting the offsets.
        let zoned = Array("/CreationDate (D:20261204191802+01'00) x".utf8)
        #expect(GnuplotRenderer.withFixedPDFDates(zoned) == zoned)
    }

    @Test func aRenderedPDFCarriesTheFixedDate() throws {
        guard let gnuplot = GnuplotRenderer.locate() else { return }
        let spec = """
            {"version": 1, "name": "c", "study": "train", "grid": {"lr": [0.1, 1], "seed": [1]},
             "charts": [{"name": "c", "x": "lr", "y": "test_loss", "pdf": true}]}
            """
        let folder = try ResultsFolder(runs: Self.runs, spec: spec)
        defer { folder.remove() }
        _ = try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: gnuplot)
        let pdf = String(decoding: FileManager.default.contents(atPath: folder.file("c.pdf")) ?? Data(), as: UTF8.self)
        #expect(pdf.hasPrefix("%PDF"))
        #expect(pdf.contains("/CreationDate (D:19700101000000Z)"))
    }

    @Test(arguments: [
        (#""hline": "high""#, "hline"), (#""hline": {"at": 1, "color": "red"}"#, "hline"),
        (#""x_range": [2, 1]"#, "x_range"), (#""y_range": [0, 1], "log_y": true"#, "positive limits"),
        (#""pdf": "yes""#, "pdf"),
    ])
    func badAnnotationsAreSpecErrors(_ fragment: String, _ expected: String) {
        let json = "{\"x\": \"lr\", \"y\": \"m\", \(fragment)}"
        do {
            _ = try ChartSpec.parse(try JSONParser.parse(json), path: "charts[0]", file: "s.json")
            Issue.record("accepted \(fragment)")
        } catch let error as SpecError {
            #expect(error.description.contains(expected), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

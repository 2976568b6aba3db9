import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Testing

/// Charts and expectations are checked against the grid (axes and their values) and the study's
/// metric and series names when the spec is validated.
@Suite struct SpecReferenceTests {
    static let head = #""version": 1, "name": "t", "study": "propagation", "grid": {"init": ["orthogonal", "identity"], "seed": {"count": 2}}"#

    @Test(arguments: [
        (#""charts": [{"x": "init", "y": "norm"}]"#, "charts[0].y", "a metric of the study (norm_ratio, "),
        (#""charts": [{"source": "series", "x": "step", "y": "norm"}]"#, "charts[0].y", "a series of the study"),
        (#""charts": [{"x": "init", "y": "norm_ratio", "where": {"init": "orthogonl"}}]"#, "charts[0].where.init", "did you mean 'orthogonal'"),
        (#""charts": [{"x": "init", "y": "norm_ratio", "series": "sede"}]"#, "charts[0].series", "did you mean 'seed'"),
        (#""expect": [{"metric": "spectral_radis", "<": 2}]"#, "expect[0].metric", "did you mean 'spectral_radius'"),
        (#""expect": [{"series": "theroy", "step": "last", "<": 2}]"#, "expect[0].series", "did you mean 'theory'"),
        (#""expect": [{"metric": "norm_ratio", "where": {"seed": 7}, "<": 2}]"#, "expect[0].where.seed", "a value of axis 'seed' (0, 1)"),
    ])
    func unknownNamesAndValuesFailValidation(members: String, path: String, gist: String) {
        let error = specError("{" + Self.head + ", " + members + "}")
        #expect(error?.path == path)
        #expect(error?.description.contains(gist) == true, "\(error?.description ?? "no error")")
    }

    @Test func chartsAndExpectationsAreDecodedOnce() throws {
        let spec = try SpecDecoder.decode(text: "{" + Self.head + #", "charts": [{"x": "init", "y": "norm_ratio"}], "expect": [{"metric": "norm_ratio", "<": 100}]}"#)
        #expect(spec.chartSpecs?.map(\.y) == ["norm_ratio"])
        #expect(spec.expectations.count == 1)
    }

    @Test(arguments: StudyKind.allCases)
    func defaultChartsPlotWhatTheStudyEmits(study: StudyKind) throws {
        let outputs = try #require(StudyOutputs.of(study))
        for chart in ChartSpec.defaults(study: study.rawValue, axes: [], metrics: []) {
            switch (chart.source, chart.kind) {
            case (.runs, _): #expect(outputs.hasMetric(chart.y), "\(chart.y)")
            case (.series, .heatmap): #expect(outputs.hasSeriesFamily(chart.y), "\(chart.y)")
            case (.series, .line), (.series, .scatter): #expect(outputs.hasSeries(chart.y), "\(chart.y)")
            }
        }
    }
}

/// The schema describes charts and expectations key by key, as their decoders accept them.
@Suite struct ReportSchemaTests {
    func properties(_ definition: String) -> [String] {
        guard case let .object(pairs)? = SpecSchema.document["$defs"]?[definition]?["properties"] else { return [] }
        return pairs.map(\.key)
    }

    @Test func chartsAndExpectationsAreNotBareArrays() {
        #expect(SpecSchema.document["properties"]?["charts"]?["items"] != nil)
        #expect(SpecSchema.document["properties"]?["expect"]?["items"] != nil)
    }

    @Test func theSchemaListsEveryKeyTheDecodersAccept() {
        // The decoder's own list (ChartSpec.keys), so a key added to one and not the other fails here.
        #expect(properties("chart") == ChartSpec.keys)
        #expect(properties("expectation") == ["name", "description", "metric", "series", "step", "where", "aggregate", "at_least",
                                              "<", ">", "<=", ">=", "between", "equals", "trend", "over", "tolerance", "ratio_to",
                                              "beats", "by", "fraction"])
    }
}

import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

@Suite struct ChartSpecTests {
    private func parse(_ text: String) throws(SpecError) -> [ChartSpec] {
        guard let json = try? JSONParser.parse(text) else { return [] }
        return try ChartSpec.parseAll(json, file: "spec.json")
    }

    private func error(_ text: String) -> SpecError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesAFullChartAndDefaults() throws {
        let charts = try parse("""
        [{"title": "Hidden-to-hidden gradient", "x": "seq_len", "y": "grad_norm.weight_hh_l0", "series": "init",
          "facet": "activation", "where": {"clip": ["none", "norm"]}, "aggregate": "mean", "band": "quantile-0.25-0.75",
          "log_y": true, "x_label": "T", "y_label": "norm"},
         {"source": "series", "y": "grad_h_distance"},
         {"kind": "heatmap", "y": "state", "name": "states-tanh"}]
        """)
        #expect(charts.count == 3)
        let c = charts[0]
        #expect(c.name == "grad_norm.weight_hh_l0_vs_seq_len_by_init_per_activation")
        #expect(c.kind == .line && c.source == .runs && c.aggregate == .mean && c.logY && !c.logX)
        #expect(c.band == .quantile(low: 0.25, high: 0.75))
        #expect(c.filter.conditions.first?.values == [.string("none"), .string("norm")])
        #expect(charts[1].x == "step")
        #expect(charts[1].band == nil)
        #expect(charts[2].source == .series && charts[2].kind == .heatmap)
        #expect(charts[2].name == "states-tanh")
    }

    @Test func unknownKeySuggestsTheClosest() throws {
        let e = try #require(error(#"[{"x": "a", "y": "b"}, {"x": "a", "y": "b", "titel": "t"}]"#))
        #expect(e.path == "charts[1].titel")
        #expect(e.expected.contains("did you mean 'title'"))
    }

    @Test(arguments: [
        (#"[{"x": "a", "y": "b", "log_y": "yes"}]"#, "charts[0].log_y"),
        (#"[{"x": "a", "y": 3}]"#, "charts[0].y"),
        (#"[{"x": "a"}]"#, "charts[0].y"),
        (#"[{"x": "a", "y": "b", "kind": "pie"}]"#, "charts[0].kind"),
        (#"[{"x": "a", "y": "b", "band": "quantile-0.9-0.1"}]"#, "charts[0].band"),
        (#"[{"x": "a", "y": "b", "name": "../evil"}]"#, "charts[0].name"),
        (#"[{"x": "a", "y": "b"}, {"x": "a", "y": "b"}]"#, "charts[1].name"),
        (#"[{"x": "a", "y": "b", "where": {"c": {"d": 1}}}]"#, "charts[0].where.c"),
        (#"{"x": "a"}"#, "charts"),
    ])
    func rejectsInvalidCharts(text: String, path: String) {
        #expect(error(text)?.path == path)
    }

    @Test func validateRejectsUnknownAxes() throws {
        let charts = try parse(#"[{"x": "seq_len", "y": "m", "series": "int", "where": {"seed": 1}}]"#)
        do {
            try charts[0].validate(axes: ["init", "seq_len", "seed"], file: "spec.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "charts[0].series")
            #expect(error.expected.contains("did you mean 'init'"))
        }
        let bad = try parse(#"[{"x": "sequence", "y": "m"}]"#)
        #expect(throws: SpecError.self) { try bad[0].validate(axes: ["init", "seq_len"], file: "spec.json") }
    }

    @Test func defaultsForGradientFlow() {
        let axes = [PlotAxis(name: "init", values: [.string("orthogonal"), .string("xavier")]),
                    PlotAxis(name: "seq_len", values: [.number(10), .number(50)]),
                    PlotAxis(name: "seed", values: [.number(1), .number(2)])]
        let charts = ChartSpec.defaults(study: "gradient-flow", axes: axes,
                                        metrics: ["grad_norm.weight_ih_l0", "grad_norm.weight_hh_l0", "grad_h_first"])
        #expect(charts.map(\.y) == ["grad_norm.weight_ih_l0", "grad_norm.weight_hh_l0", "grad_h_first", "grad_h_distance"])
        #expect(charts.allSatisfy { $0.logY && ($0.series == "init") })
        #expect(charts[0].x == "seq_len")
        #expect(charts[3].source == .series && charts[3].filter.conditions.first?.values == [.number(50)])
        #expect(Set(charts.map(\.name)).count == charts.count)
        let states = ChartSpec.defaults(study: "states", axes: axes, metrics: [])
        #expect(states.first?.kind == .heatmap)
        #expect(ChartSpec.defaults(study: "train", axes: axes, metrics: []).map(\.y) == ["train_loss", "val_accuracy"])
    }
}

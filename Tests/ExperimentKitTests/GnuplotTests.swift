import Foundation
import Testing
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

@Suite(.serialized) struct GnuplotTests {
    static let gnuplot = GnuplotRenderer.locate()

    @Test func quotingDoublesSingleQuotesAndDropsControlCharacters() {
        #expect(GnuplotScript.quote("it's") == "'it''s'")
        #expect(GnuplotScript.quote("a\nb\r\tc\u{7}") == "'abc'")
        #expect(GnuplotScript.quote("`cmd` \"x\" @m") == "'`cmd` \"x\" @m'")
    }

    @Test func hostileTitleAndSeriesValuesStayText() throws {
        let title = #""; system "touch pwned"; ""#
        let hostile = "`touch pwned2`"
        let runs = """
        key,study,init,seq_len,seed,grad_h_first,status,status_step,status_reason
        a,s,"\(hostile)",10,1,0.5,ok,,
        b,s,"\(hostile)",20,1,0.25,ok,,
        c,s,it's,10,1,0.4,ok,,
        d,s,it's,20,1,0.3,ok,,

        """
        let spec = """
        {"version": 1, "name": "hostile", "study": "gradient-flow", "grid": {"init": ["orthogonal", "identity"], "seq_len": [10, 20], "seed": [1]},
         "charts": [{"name": "hostile", "title": \(JSONValue.quote(title)), "x": "seq_len", "y": "grad_h_first",
                     "series": "init", "x_label": "@x_label_macro `touch pwned3`", "log_y": true}]}
        """
        let folder = try ResultsFolder(runs: runs, spec: spec)
        defer { folder.remove() }
        #expect(folder.spec["charts"] != nil)
        let outputs: [ChartOutput]
        if let gnuplot = Self.gnuplot {
            outputs = try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: gnuplot)
        } else {
            print("gnuplot not installed: checking the script text only")
            outputs = (try? ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)) ?? []
        }
        let script = folder.read("hostile.gp")
        #expect(script.contains("set title '\"; system \"touch pwned\"; \"' noenhanced"))
        #expect(script.contains("title '`touch pwned2`' noenhanced"))
        #expect(script.contains("title 'it''s' noenhanced"))
        // No user text outside single quotes: removing quoted strings leaves no hostile fragment.
        let unquoted = script.replacingOccurrences(of: "'[^']*'", with: "", options: .regularExpression)
        #expect(!unquoted.contains("pwned") && !unquoted.contains("system") && !unquoted.contains("`"))
        guard Self.gnuplot != nil else { return }
        #expect(outputs.first?.svgFile == "hostile.svg")
        for name in ["pwned", "pwned2", "pwned3"] {
            #expect(!folder.exists(name), "gnuplot executed \(name)")
            #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/" + name))
        }
        let svg = folder.read("hostile.svg")
        #expect(svg.contains("system") && svg.contains("touch pwned"))
        #expect(svg.contains("`touch pwned2`"))
        #expect(folder.exists("hostile.png"))
    }

    @Test func defaultGradientFlowChartsRenderStandaloneAndReproducibly() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        let first = try? ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: Self.gnuplot)
        let names = ["grad_norm.weight_ih_l0_vs_seq_len_by_init", "grad_norm.weight_hh_l0_vs_seq_len_by_init",
                     "grad_h_first_vs_seq_len_by_init", "grad_h_distance"]
        for name in names {
            #expect(folder.exists(name + ".gp") && folder.exists(name + ".dat"), "\(name)")
        }
        let dat = folder.read("grad_h_first_vs_seq_len_by_init.dat")
        #expect(dat.contains("# note: 1 NaN or infinite value(s) excluded"))
        #expect(!dat.contains("\r"))
        let blocks = dat.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 3)
        guard let gnuplot = Self.gnuplot else {
            print("gnuplot not installed: rendering skipped")
            return
        }
        let outputs = try #require(first)
        #expect(outputs.map(\.name) == names)
        for output in outputs {
            #expect(output.svgFile != nil && output.pngFile != nil, "\(output.name)")
        }
        // The script runs standalone (plain `gnuplot name.gp` in the folder) and reruns are byte-identical.
        let before = names.map { folder.read($0 + ".gp") + folder.read($0 + ".dat") + folder.read($0 + ".svg") }
        try FileManager.default.removeItem(atPath: folder.file("grad_h_distance.svg"))
        _ = try GnuplotRenderer.run(gnuplot: gnuplot, script: "grad_h_distance.gp", chart: "grad_h_distance", directory: folder.path)
        #expect(folder.exists("grad_h_distance.svg"))
        _ = try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: gnuplot)
        let after = names.map { folder.read($0 + ".gp") + folder.read($0 + ".dat") + folder.read($0 + ".svg") }
        #expect(before == after)
    }

    @Test func facetsHeatmapsAndEmptyChartsRender() throws {
        var series = "key,series,step,value\n"
        var runs = "key,study,nonlinearity,seed,loss,status,status_step,status_reason\n"
        for (activation, scale) in [("tanh", 1.0), ("relu", 2.0)] {
            for seed in 1...2 {
                let key = "\(activation)-\(seed)"
                runs += "\(key),states,\(activation),\(seed),0.5,ok,,\n"
                for unit in 0..<12 {
                    for step in 1...30 {
                        let value = scale * sin(Double(step * (unit + 1)) / 10) * (activation == "relu" ? 0.5 : 1)
                        series += "\(key),state.h\(unit),\(step),\(value)\n"
                    }
                }
                for step in 1...30 { series += "\(key),train_loss,\(step),\(pow(scale, Double(step) / 10))\n" }
            }
        }
        let spec = """
        {"version": 1, "name": "states", "study": "states", "grid": {"nonlinearity": ["tanh", "relu"], "seed": [1, 2]},
         "charts": [{"kind": "heatmap", "y": "state", "facet": "nonlinearity", "name": "states"},
                    {"source": "series", "y": "train_loss", "facet": "nonlinearity", "log_y": true, "name": "norm"},
                    {"source": "series", "y": "val_loss", "log_y": true, "name": "empty"}]}
        """
        let folder = try ResultsFolder(runs: runs, series: series, spec: spec)
        defer { folder.remove() }
        guard let gnuplot = Self.gnuplot else {
            #expect(throws: ChartError.gnuplotNotFound(directory: folder.path)) {
                try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)
            }
            return
        }
        let outputs = try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: gnuplot)
        #expect(outputs.map(\.name) == ["states", "norm", "empty"])
        #expect(outputs.allSatisfy { $0.svgFile != nil && $0.pngFile != nil })
        #expect(folder.read("states.gp").contains("with image"))
        #expect(folder.read("states.gp").contains("set multiplot layout 1,2"))
        #expect(folder.read("states.dat").contains("# rows: h0 h1 h2"))
        #expect(outputs[2].notes.contains("no points of series 'val_loss' for the matching runs"))
    }

    @Test(arguments: [("update", "optimiser updates"), ("epoch", "epoch"), ("distance", "T − t (steps back from the last)")])
    func aSeriesChartWithoutAnXLabelSaysWhatItsStepsCount(unit: String, label: String) throws {
        var series = "key,series,step,value,step_unit\n"
        let runs = "key,study,seed,test_loss,status,status_step,status_reason\nk1,train,1,0.5,ok,,\n"
        for step in 1...5 { series += "k1,train_loss,\(step * 10),\(1.0 / Double(step)),\(unit)\n" }
        let spec = """
        {"version": 1, "name": "u", "study": "train", "grid": {"seed": [1]},
         "charts": [{"source": "series", "y": "train_loss", "name": "plain"},
                    {"source": "series", "y": "train_loss", "name": "labelled", "x_label": "mine"}]}
        """
        let folder = try ResultsFolder(runs: runs, series: series, spec: spec)
        defer { folder.remove() }
        _ = try? ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)
        #expect(folder.read("plain.gp").contains("set xlabel '\(label)'"), "\(folder.read("plain.gp").prefix(2000))")
        #expect(folder.read("labelled.gp").contains("set xlabel 'mine'"))
    }

    @Test func stepsOfDifferentUnitsOnOneAxisAreNoted() throws {
        var series = "key,series,step,value,step_unit\n"
        let runs = "key,study,eval_every,seed,test_loss,status,status_step,status_reason\nk0,train,0,1,0.5,ok,,\nk1,train,1,1,0.5,ok,,\n"
        for step in 1...3 { series += "k0,train_loss,\(step),1.0,epoch\nk1,train_loss,\(step),1.0,update\n" }
        let spec = """
        {"version": 1, "name": "u", "study": "train", "grid": {"eval_every": [0, 1], "seed": [1]},
         "charts": [{"source": "series", "y": "train_loss", "name": "mixed"}, {"source": "series", "y": "train_loss", "name": "apart", "series": "eval_every"}]}
        """
        let folder = try ResultsFolder(runs: runs, series: series, spec: spec)
        defer { folder.remove() }
        _ = try? ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)
        #expect(folder.read("mixed.dat").contains("count different things in different runs (epoch, update"), "\(folder.read("mixed.dat").prefix(800))")
        #expect(folder.read("mixed.gp").contains("set xlabel 'epoch / optimiser updates'"))
    }

    @Test func missingGnuplotStillWritesScriptsAndExplains() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        do {
            _ = try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: nil)
            Issue.record("expected gnuplotNotFound")
        } catch {
            #expect(error == .gnuplotNotFound(directory: folder.path))
            #expect(error.description == "gnuplot not found: install it (apt-get install gnuplot-nox), then render with: experiments plot \(folder.path)")
        }
        #expect(folder.exists("grad_h_distance.gp") && folder.exists("grad_h_distance.dat"))
        #expect(!folder.exists("grad_h_distance.svg"))
    }

    @Test func missingSeriesFileLeavesSeriesChartsEmptyWithANote() throws {
        let folder = try ResultsFolder.gradientFlow()
        defer { folder.remove() }
        try FileManager.default.removeItem(atPath: folder.file("series.csv"))
        guard let gnuplot = Self.gnuplot else { return }
        let outputs = try ChartRenderer.render(resultsDirectory: folder.path, spec: nil, gnuplot: gnuplot)
        #expect(outputs.count == 4)
        #expect(outputs.last?.notes.contains("series.csv not found in the results folder") == true)
        #expect(outputs.allSatisfy { $0.svgFile != nil })
        #expect(folder.read("grad_h_distance.gp").contains("'no data'"))
    }

    @Test func gnuplotErrorsCarryStderr() throws {
        guard let gnuplot = Self.gnuplot else { return }
        let folder = try ResultsFolder.small(expect: "[]")
        defer { folder.remove() }
        try folder.write("broken.gp", "plot 'nonexistent.dat' using 1:2\n")
        do {
            _ = try GnuplotRenderer.run(gnuplot: gnuplot, script: "broken.gp", chart: "broken", directory: folder.path)
            Issue.record("expected a failure")
        } catch {
            guard case let .gnuplotFailed(chart, _, stderr) = error else { Issue.record("wrong error \(error)"); return }
            #expect(chart == "broken")
            #expect(stderr.contains("nonexistent.dat"))
        }
    }

    /// gnuplot exits 0 when the disk is full, leaving a 0-byte PNG or a cut SVG: such a file is a
    /// write failure, not a chart.
    @Test(arguments: [("c.svg", "<svg>\n<g>\n"), ("c.png", ""), ("c.png", "\u{89}PNG\r\n")])
    func anIncompleteImageIsAWriteFailure(name: String, content: String) throws {
        let folder = try TemporaryFolder()
        _ = try folder.write(name, content)
        #expect(throws: ChartError.writeFailed(
            path: folder.path + "/" + name,
            message: "gnuplot wrote an incomplete file (is the disk full? free some space, then run the same command again)")) {
            try GnuplotRenderer.checkComplete(chart: "c", directory: folder.path)
        }
        _ = try folder.write("d.svg", "<svg>\n</svg>\n\n")
        try GnuplotRenderer.checkComplete(chart: "d", directory: folder.path)
    }
}

/// report.md's words for a chart without an image.
@Suite struct ReportChartTests {
    @Test func aChartWithoutItsScriptAsksForPlotWithTheSpecNotGnuplot() throws {
        let folder = try ResultsFolder.small(expect: "[]")
        defer { folder.remove() }
        try folder.write("kept.gp", "# a script\n")
        let charts = ["kept", "gone"].map { ChartOutput(name: $0, title: $0, dataFile: $0 + ".dat", scriptFile: $0 + ".gp") }
        let text = try ReportWriter.text(resultsDirectory: folder.path, spec: nil, charts: charts, expectations: nil)
        #expect(text.contains("Not rendered: run `gnuplot kept.gp` in this folder."))
        #expect(text.contains("Not drawn for this spec's chart definitions: run `experiments plot"))
        #expect(!text.contains("gnuplot gone.gp"))
    }
}

/// The default charts of a train spec without a `charts` block.
@Suite struct TrainDefaultChartTests {
    @Test(arguments: [("adding", "", "val_loss"), ("copy", "0.5", "val_accuracy")])
    func aRegressionTaskGetsAValidationLossChartInsteadOfAnEmptyAccuracyChart(task: String, accuracy: String, second: String) throws {
        let runs = "key,study,lr,seed,final_val_loss,final_val_accuracy,status,status_step,status_reason\n"
            + "k1,train,0.1,1,0.5,\(accuracy),ok,,\nk2,train,0.01,1,0.4,\(accuracy),ok,,\n"
        let spec = #"{"version": 1, "name": "d", "study": "train", "task": {"task": "\#(task)", "seq_len": 20}, "grid": {"lr": [0.1, 0.01], "seed": [1]}}"#
        let folder = try ResultsFolder(runs: runs, series: "key,series,step,value,step_unit\n", spec: spec)
        defer { folder.remove() }
        let charts = try ChartRenderer.existingOutputs(resultsDirectory: folder.path, spec: nil)
        #expect(charts.map(\.name) == ["train_loss", second])
    }
}

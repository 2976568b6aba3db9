extension ChartSpec {
    /// Sensible charts for a study when its spec has no `charts` block.
    ///
    /// - gradient-flow: each gradient metric present (`grad_norm.weight_ih_l0`,
    ///   `grad_norm.weight_hh_l0`, `grad_h_first`) against the first numeric axis by the first
    ///   string axis, log y; and the `grad_h_distance` series (‖∂L/∂hₜ‖ against T - t) by the
    ///   first string axis at the largest value of the first numeric axis, log y.
    /// - propagation: the `norm_ratio` series (||v_k|| / ||v_0||) against step by the first string axis, log y.
    /// - train: `train_loss` and `val_accuracy` (`val_loss` when no run has an accuracy, as on the
    ///   adding problem) series against their steps by the first string axis.
    /// - states: a heatmap of the `state` series, one panel per value of the first string axis.
    /// - otherwise: every metric against the first numeric axis by the first string axis.
    ///
    /// `metrics` are the metric columns of runs.csv that hold a value in some run (empty: assume the
    /// standard ones exist).
    public static func defaults(study: String, axes: [PlotAxis], metrics: [String]) -> [ChartSpec] {
        let varying = axes.filter { !$0.isReplication }
        let numeric = varying.first { $0.isNumeric && $0.values.count > 1 } ?? varying.first { $0.isNumeric }
        let categorical = varying.first { !$0.isNumeric && $0.values.count > 1 } ?? varying.first { !$0.isNumeric && $0.name != numeric?.name }
        let byAxis = categorical?.name
        func has(_ metric: String) -> Bool { metrics.isEmpty || metrics.contains(metric) }
        let kind = study.lowercased()
        var charts: [ChartSpec] = []

        if kind.contains("grad") {
            if let x = numeric {
                for metric in ["grad_norm.weight_ih_l0", "grad_norm.weight_hh_l0", "grad_h_first"] where has(metric) {
                    charts.append(ChartSpec(title: "\(metric) vs \(x.name)", x: x.name, y: metric, series: byAxis,
                                            logY: true, yLabel: metric == "grad_h_first" ? "‖∂L/∂h₁‖" : "‖\(metric)‖"))
                }
            }
            var filter = PlotFilter(path: "where")
            if let x = numeric, let longest = x.values.compactMap({ if case let .number(n) = $0 { return n } else { return nil } }).max() {
                filter.conditions = [(x.name, [.number(longest)])]
            }
            let suffix = filter.conditions.isEmpty ? "" : " (" + filter.summary + ")"
            charts.append(ChartSpec(name: "grad_h_distance", title: "‖∂L/∂hₜ‖ vs distance T - t" + suffix, source: .series,
                                    x: "step", y: "grad_h_distance", series: byAxis, filter: filter, logY: true,
                                    xLabel: "T - t (steps back from the loss)", yLabel: "‖∂L/∂hₜ‖"))
        } else if kind.contains("propag") {
            charts.append(ChartSpec(name: "norm_vs_step", title: "Signal norm vs step", source: .series, x: "step", y: "norm_ratio",
                                    series: byAxis, logY: true, xLabel: "step", yLabel: "||v_k|| / ||v_0||"))
        } else if kind.contains("train") {
            // No x label: the series' step unit names it (epochs, or updates with eval_every).
            charts.append(ChartSpec(name: "train_loss", title: "Training loss", source: .series, x: "step", y: "train_loss",
                                    series: byAxis, logY: true, yLabel: "train loss"))
            if has("final_val_accuracy") {
                charts.append(ChartSpec(name: "val_accuracy", title: "Validation accuracy", source: .series, x: "step",
                                        y: "val_accuracy", series: byAxis, yLabel: "validation accuracy"))
            } else {
                // A regression task (the adding problem) has no accuracy.
                charts.append(ChartSpec(name: "val_loss", title: "Validation loss", source: .series, x: "step",
                                        y: "val_loss", series: byAxis, logY: true, yLabel: "validation loss"))
            }
        } else if kind.contains("state") {
            charts.append(ChartSpec(name: "states", title: "Hidden state over time", kind: .heatmap, source: .series,
                                    x: "step", y: "state", facet: byAxis, aggregate: .median, band: ChartSpec.Band.none,
                                    xLabel: "step", yLabel: "unit"))
        } else if let x = numeric ?? varying.first {
            for metric in metrics {
                charts.append(ChartSpec(x: x.name, y: metric, series: byAxis == x.name ? nil : byAxis))
            }
        }
        return charts
    }
}

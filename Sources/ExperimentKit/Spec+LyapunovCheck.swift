extension Spec {
    /// For the `lyapunov` study: checks, for every grid point, that `transient` leaves at least one
    /// Jacobian to average (`transient < lyapunov_steps - 1`) and that `exponents` does not exceed
    /// the state dimension (`layers * hidden`, twice that for the LSTM), so that a bad combination
    /// is a spec error (exit 2) and not a failed run. For `train` and `states`,
    /// `lyapunov_per_epoch` must be 0 (off) or a trajectory of at least 2 steps.
    func checkLyapunovOptions() throws(SpecError) {
        if study == .train || study == .states {
            let option = OptionCatalog.option(named: "lyapunov_per_epoch")
            var values = option.map { [baseValue(of: $0)] } ?? []
            for axis in grid.axes {
                for (n, name) in axis.names.enumerated() where name == "lyapunov_per_epoch" {
                    values += axis.points.map { $0[n] }
                }
            }
            if values.contains(.number(1)) {
                throw SpecError(path: "study_options.lyapunov_per_epoch",
                                expected: "0 (off) or a trajectory length T >= 2", found: "1")
            }
            return
        }
        guard study == .lyapunov else { return }
        let names = ["lyapunov_steps", "transient", "exponents", "layers", "hidden", "cell"]
        var base: [String: JSONValue] = [:]
        for name in names {
            if let option = OptionCatalog.option(named: name) { base[name] = baseValue(of: option) }
        }
        func number(_ v: JSONValue?) -> Int {
            if case let .number(n)? = v { return Int(n) }
            return 0
        }
        try grid.forEachPoint { (assignment: [(name: String, value: JSONValue)]) throws(SpecError) in
            var values = base
            for (name, value) in assignment where values[name] != nil { values[name] = value }
            let steps = number(values["lyapunov_steps"])
            let transient = number(values["transient"])
            let point = assignment.isEmpty ? "" : " (grid point " + assignment.map { "\($0.name)=\($0.value.excerpt)" }.joined(separator: ", ") + ")"
            guard transient < steps - 1 else {
                throw SpecError(
                    path: "study_options.transient",
                    expected: "transient < lyapunov_steps - 1 (at least one step Jacobian left to average)",
                    found: "transient \(transient) with lyapunov_steps \(steps)" + point)
            }
            let lstm = values["cell"] == .string("lstm")
            let dimension = number(values["layers"]) * number(values["hidden"]) * (lstm ? 2 : 1)
            let k = number(values["exponents"])
            guard k <= dimension else {
                throw SpecError(
                    path: "study_options.exponents",
                    expected: "at most the state dimension layers * hidden\(lstm ? " * 2 (LSTM: h and c)" : "") = \(dimension)",
                    found: "\(k)" + point)
            }
        }
    }
}

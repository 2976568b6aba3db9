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
        let walk = GridWalk(spec: self)
        func index(_ name: String) -> Int? { walk.options.firstIndex { $0.name == name } }
        guard let iSteps = index("lyapunov_steps"), let iTransient = index("transient"), let iExponents = index("exponents"),
              let iLayers = index("layers"), let iHidden = index("hidden"), let iCell = index("cell")
        else { return }
        func number(_ v: JSONValue) -> Int {
            if case let .number(n) = v { return Int(n) }
            return 0
        }
        var problem: SpecError?
        do throws(SpecError) {
        _ = try walk.walk { point in
            guard problem == nil else { return }
            let steps = number(walk.value(iSteps, at: point))
            let transient = number(walk.value(iTransient, at: point))
            let axes = self.grid.axes.enumerated().flatMap { a, axis in
                axis.names.enumerated().map { m, name in "\(name)=\(axis.points[point[a]][m].excerpt)" }
            }
            let where_ = axes.isEmpty ? "" : " (grid point " + axes.joined(separator: ", ") + ")"
            guard transient < steps - 1 else {
                problem = SpecError(
                    path: "study_options.transient",
                    expected: "transient < lyapunov_steps - 1 (at least one step Jacobian left to average)",
                    found: "transient \(transient) with lyapunov_steps \(steps)" + where_)
                return
            }
            let lstm = walk.value(iCell, at: point) == .string("lstm")
            let dimension = number(walk.value(iLayers, at: point)) * number(walk.value(iHidden, at: point)) * (lstm ? 2 : 1)
            let k = number(walk.value(iExponents, at: point))
            if k > dimension {
                problem = SpecError(
                    path: "study_options.exponents",
                    expected: "at most the state dimension layers * hidden\(lstm ? " * 2 (LSTM: h and c)" : "") = \(dimension)",
                    found: "\(k)" + where_)
            }
        }
        } catch {
            throw error.inFile(file)
        }
        if let problem { throw problem.inFile(file) }
    }
}

import RecurrentNets

extension Spec {
    /// Rejects, at every grid point, an `init_gain` beside a recurrent initialiser that cannot take
    /// it (a name with a `-<number>` suffix already, or `pytorch-default`, which has no parameter),
    /// and a `seq_len` written beside `copy_lag` that differs from the derived `copy_lag + 2 *
    /// copy_length`, so that such a spec fails at `validate` (exit 2) rather than at run time.
    /// A block `seq_len` equal to its default counts as unset (`spec.resolved.json` writes it).
    /// Also rejects `epochs` written beside an `updates` budget (the budget decides; epochs would be
    /// ignored).
    func checkInitGainAndCopyLag(blockPaths: [String: String]) throws(SpecError) {
        let walk = GridWalk(spec: self)
        func index(_ name: String) -> Int? { walk.options.firstIndex { $0.name == name } }
        func isSet(_ i: Int) -> Bool { walk.location[i] != nil || walk.base[i] != walk.options[i].defaultValue }
        func path(_ i: Int) -> String {
            guard let (a, _) = walk.location[i] else { return blockPaths[walk.options[i].name] ?? walk.options[i].name }
            let axis = grid.axes[a]
            return axis.names.count == 1 ? axis.path : JSONPath.child(axis.path, walk.options[i].name)
        }
        let gain = index("init_gain").flatMap { isSet($0) ? $0 : nil }
        let lagChecks = walk.copyLag.map(isSet) ?? false
        // epochs beside an updates budget: the budget decides how long training runs.
        let budget = index("updates").flatMap { isSet($0) ? $0 : nil }
        let epochs = index("epochs").flatMap { isSet($0) ? $0 : nil }
        guard gain != nil || lagChecks || (budget != nil && epochs != nil),
              let iInit = index("init"), let iHH = index("init_hh") else { return }
        var problem: SpecError?
        func gridPoint(_ point: GridWalk.Point) -> String {
            let axes = grid.axes.enumerated().flatMap { a, axis in
                axis.names.enumerated().map { m, name in "\(name)=\(axis.points[point[a]][m].excerpt)" }
            }
            return axes.isEmpty ? "" : " (grid point " + axes.joined(separator: ", ") + ")"
        }
        do throws(SpecError) {
            _ = try walk.walk { point in
                guard problem == nil else { return }
                if let budget, let epochs, case let .number(u) = walk.value(budget, at: point), u > 0 {
                    problem = SpecError(
                        path: path(epochs),
                        expected: "epochs left out beside an updates budget (updates \(JSONValue.format(u)) decides how long training runs; the last epoch may be partial)",
                        found: "epochs \(walk.rawValue(epochs, at: point).excerpt)" + gridPoint(point))
                    return
                }
                if let gain, case let .number(g) = walk.value(gain, at: point), g > 0 {
                    var name = ""
                    if case let .string(hh) = walk.value(iHH, at: point), !hh.isEmpty { name = hh }
                    else if case let .string(i) = walk.value(iInit, at: point) { name = i }
                    if name == "pytorch-default" || Initializer.hasParameterSuffix(name) {
                        problem = SpecError(
                            path: path(gain),
                            expected: name == "pytorch-default"
                                ? "init_gain beside a recurrent initialiser other than pytorch-default (it has no parameter: use uniform, whose parameter is the bound)"
                                : "init_gain beside a recurrent initialiser without a parameter suffix (write '\(Initializer.names.sorted { $0.count > $1.count }.first { name.hasPrefix($0 + "-") } ?? name)' and the number in init_gain, or leave init_gain out)",
                            found: "init_gain \(JSONValue.format(g)) with '\(name)'" + gridPoint(point))
                        return
                    }
                }
                if lagChecks, let iLag = walk.copyLag, let iSeq = walk.seqLen, case let .number(n)? = walk.derivedSeqLen(at: point),
                   case let .int(_, max?) = walk.options[iSeq].type, n > Double(max) {
                    problem = SpecError(
                        path: path(iLag),
                        expected: "copy_lag + 2 * copy_length <= \(max) (the longest seq_len)",
                        found: "a derived seq_len of \(JSONValue.format(n))" + gridPoint(point))
                    return
                }
                if lagChecks, let iSeq = walk.seqLen, let derived = walk.derivedSeqLen(at: point), isSet(iSeq),
                   walk.rawValue(iSeq, at: point) != derived {
                    problem = SpecError(
                        path: path(iSeq),
                        expected: "seq_len left out beside copy_lag (it is derived: copy_lag + 2 * copy_length = \(derived.excerpt)) or equal to that",
                        found: "seq_len \(walk.rawValue(iSeq, at: point).excerpt)" + gridPoint(point))
                }
            }
        } catch {
            throw error.inFile(file)
        }
        if let problem { throw problem.inFile(file) }
    }
}

import Foundation
@testable import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport

/// Temporary results folders for the chart, expectation and report tests.
struct ResultsFolder {
    let path: String

    init(runs: String, series: String? = nil, spec: String) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("charts-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
        try write("runs.csv", runs)
        if let series { try write("series.csv", series) }
        try write("spec.resolved.json", spec)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent(name))
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    var spec: JSONValue { (try? JSONParser.parse(read("spec.resolved.json"))) ?? .null }

    /// Deletes the folder (kept, and its path printed, when CHARTS_KEEP_RESULTS is set, to inspect charts).
    func remove() {
        if ProcessInfo.processInfo.environment["CHARTS_KEEP_RESULTS"] != nil {
            print("kept results folder: \(path)")
            return
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A gradient-flow-like study: init x seq_len x seed, gradient metrics and the grad_h series.
    static func gradientFlow(charts: String? = nil, expect: String? = nil) throws -> ResultsFolder {
        let inits: [(String, Double)] = [("orthogonal", 0.97), ("xavier-normal", 0.8), ("normal", 1.15)]
        let lengths = [10, 20, 40]
        var runs = "key,study,init,seq_len,seed,grad_norm.weight_ih_l0,grad_norm.weight_hh_l0,grad_h_first,final_loss,status,status_step,status_reason\n"
        var series = "key,series,step,value\n"
        var rows: [(String, String, String)] = []
        for (initName, rate) in inits {
            for length in lengths {
                for seed in 1...3 {
                    let key = "\(initName)-L\(length)-s\(seed)"
                    let jitter = 1 + 0.25 * Double(seed - 2)
                    let first = pow(rate, Double(length)) * jitter
                    let diverged = rate > 1 && length == 40 && seed == 3
                    let firstText = diverged ? "inf" : "\(first)"
                    let status = diverged ? "diverged" : "ok"
                    var row = "\(key),gradient-flow,\(initName),\(length),\(seed),\(first * 0.5),\(first * 2),\(firstText),"
                    row += "\(diverged ? "nan" : "0.69"),\(status),\(diverged ? "40" : ""),\(diverged ? "\"non-finite gradient, step 40\"" : "")\n"
                    var s = ""
                    for t in 1...length {
                        s += "\(key),grad_h,\(t),\(pow(rate, Double(length - t)) * jitter)\n"
                    }
                    for d in 0..<length {
                        s += "\(key),grad_h_distance,\(d),\(pow(rate, Double(d)) * jitter)\n"
                    }
                    rows.append((key, row, s))
                }
            }
        }
        rows.sort { $0.0 < $1.0 }
        for row in rows { runs += row.1; series += row.2 }
        var spec = """
        {"version": 1, "name": "vanishing-gradients", "study": "gradient-flow",
         "description": "How ||dL/dh_t|| decays with distance for three initialisations.",
         "grid": {"init": ["orthogonal", "xavier-normal", "normal"], "seq_len": [10, 20, 40], "seed": [1, 2, 3]}
        """
        if let charts { spec += ", \"charts\": " + charts }
        if let expect { spec += ", \"expect\": " + expect }
        spec += "}"
        return try ResultsFolder(runs: runs, series: series, spec: spec)
    }

    /// A small hand-written study for expectation tests: clip x lr x seed, metric `loss`.
    static func small(expect: String) throws -> ResultsFolder {
        let runs = """
        key,study,clip,lr,seed,test_loss,test_accuracy,status,status_step,status_reason
        a1,train,none,0.1,1,0.50,0.8,ok,,
        a2,train,none,0.1,2,0.60,0.7,ok,,
        a3,train,none,0.1,3,0.70,0.6,ok,,
        b1,train,none,1,1,nan,,diverged,12,"loss is nan, stopped"
        b2,train,none,1,2,inf,,diverged,9,loss overflow
        b3,train,none,1,3,2.0,0.3,ok,,
        c1,train,norm,0.1,1,0.40,0.85,ok,,
        c2,train,norm,0.1,2,0.45,0.8,ok,,
        c3,train,norm,0.1,3,0.55,0.75,ok,,
        d1,train,norm,1,1,0.30,0.9,ok,,
        d2,train,norm,1,2,0.35,0.9,ok,,
        d3,train,norm,1,3,,,failed,0,crash

        """
        let spec = """
        {"version": 1, "name": "small", "study": "train", "grid": {"clip": ["none", "norm"], "lr": [0.1, 1], "seed": [1, 2, 3]},
         "charts": [], "expect": \(expect)}
        """
        return try ResultsFolder(runs: runs, spec: spec)
    }
}

extension ReportData {
    /// The data of a results folder, with its `spec.resolved.json` decoded.
    init(folder directory: String) throws {
        try self.init(directory: directory, spec: ReportData.spec(nil, directory: directory))
    }
}

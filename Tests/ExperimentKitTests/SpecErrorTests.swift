import ExperimentKit
@testable import ExperimentSpec
@testable import ExperimentRunner
@testable import ExperimentReports
@testable import EngineBinding
@testable import ExperimentTestSupport
import Foundation
import Testing

/// One malformed spec and what its error must say. The table doubles as README material:
/// `SpecErrorTests.printTable` prints `path: message` for every row.
struct MalformedSpec: Sendable, CustomTestStringConvertible {
    enum Source: Sendable {
        case text(String)
        case bytes([UInt8])
        case missingFile
        case directory
    }

    var title: String
    var source: Source
    var path: String
    var gist: String
    var testDescription: String { title }

    static func spec(_ title: String, _ body: String, _ path: String, _ gist: String) -> MalformedSpec {
        MalformedSpec(title: title, source: .text(body), path: path, gist: gist)
    }

    /// A spec with the given members after version/name/study.
    static func with(_ title: String, study: String = "train", _ members: String, _ path: String, _ gist: String) -> MalformedSpec {
        spec(title, #"{"version": 1, "name": "t", "study": "\#(study)", \#(members)}"#, path, gist)
    }

    static let all: [MalformedSpec] = [
        spec("not JSON", #"{"version": 1, "name": "t",,}"#, "", "line 1, column 28"),
        MalformedSpec(title: "missing file", source: .missingFile, path: "", gist: "no such file"),
        MalformedSpec(title: "a directory", source: .directory, path: "", gist: "a directory"),
        spec("top level not an object", "[1, 2]", "", "expected a JSON object, found an array"),
        spec("version too new", #"{"version": 2, "name": "t", "study": "train"}"#, "version", "highest supported is 1"),
        spec("version as string", #"{"version": "1", "name": "t", "study": "train"}"#, "version", "positive integer version"),
        spec("missing name", #"{"version": 1, "study": "train"}"#, "name", "found no name"),
        spec("bad name", #"{"version": 1, "name": "my results/1", "study": "train"}"#, "name", "letters, digits"),
        spec("unknown study", #"{"version": 1, "name": "t", "study": "gradient_flow"}"#, "study", "did you mean 'gradient-flow'"),
        with("unknown top-level key", #""gird": {}"#, "gird", "did you mean 'grid'"),
        with("unknown nested key", #""model": {"hiden": 20}"#, "model.hiden", "did you mean 'hidden'"),
        with("lyapunov transient too long", study: "lyapunov", #""study_options": {"lyapunov_steps": 100}, "grid": {"transient": [10, 99]}"#,
             "study_options.transient", "transient 99 with lyapunov_steps 100 (grid point transient=99)"),
        with("lyapunov exponents above the state dimension", study: "lyapunov", #""model": {"hidden": 4, "cell": "lstm"}, "study_options": {"exponents": 9}"#,
             "study_options.exponents", "layers * hidden * 2 (LSTM: h and c) = 8, found 9"),
        with("option in the wrong block", #""model": {"lr": 0.1}"#, "model.lr", "belongs in block 'training'"),
        with("option unused by the study", study: "gradient-flow", #""training": {"lr": 0.1}"#, "training.lr", "used by: lyapunov, states, train"),
        with("wrong type", #""model": {"hidden": "20"}"#, "model.hidden", "an integer from 1 to 65536, found a string"),
        with("fractional integer", #""model": {"layers": 1.5}"#, "model.layers", "an integer from 1 to 64"),
        with("negative length", #""study_options": {"seq_len": -5}"#, "study_options.seq_len", "from 1 to 100000"),
        with("bad enum value", #""model": {"cell": "transformer"}"#, "model.cell", "one of \"rnn\""),
        with("probability out of range", #""training": {"dropout_input": 1}"#, "training.dropout_input", "< 1"),
        with("non-positive init suffix", #""model": {"init": "normal-0"}"#, "model.init", "positive number"),
        with("seq_len disagrees between blocks", #""study_options": {"seq_len": 10}, "task": {"seq_len": 20}"#, "task.seq_len", "one option, one value"),
        with("bad enum in a grid axis", #""grid": {"init": ["orthogonal", "identity", "normal-0.01", "orthogonl"]}"#, "grid.init[3]", "did you mean 'orthogonal'"),
        with("empty axis", #""grid": {"hidden": []}"#, "grid.hidden", "an empty axis"),
        with("unknown axis", #""grid": {"leraning_rate": [0.1]}"#, "grid.leraning_rate", "unknown axis"),
        with("zip lengths differ", #""grid": {"zip": {"hidden": [10, 20], "layers": [1, 2, 3]}}"#, "grid.zip.layers", "equal lengths"),
        with("huge grid", #""grid": {"seed": {"count": 1000}, "hidden": {"range": [1, 2000, 1]}}"#, "grid", "at most 1000000 runs"),
        with("range on a string option", #""grid": {"cell": {"range": [1, 3, 1]}}"#, "grid.cell.range", "only on numeric options"),
        with("unknown axis form", #""grid": {"lr": {"linspace": [0.1, 1, 3]}}"#, "grid.lr.linspace", "one of 'values'"),
        with("repeated axis value", #""grid": {"hidden": [10, 20, 10]}"#, "grid.hidden[2]", "distinct values"),
        with("unknown key in exclude", #""grid": {"seed": {"count": 2}, "exclude": [{"sede": 1}]}"#, "grid.exclude[0].sede", "did you mean 'seed'"),
        with("charts not an array", #""charts": {"x": 1}"#, "charts", "an array of charts"),
        with("hidden beyond its upper bound", #""model": {"hidden": 1e9}"#, "model.hidden", "from 1 to 65536, found 1000000000"),
        with("range of more than 2^63 points", #""grid": {"hidden": {"range": [1, 1e19, 1]}}"#, "grid.hidden.range", "about 1e+19 points"),
        with("range of infinitely many points", #""grid": {"lr": {"range": [-1e308, 1e308, 1e-300]}}"#, "grid.lr.range", "at most 1000000 points"),
        with("number beyond a Double", #""model": {"hidden": 1e309}"#, "model.hidden", "number 1e309 is out of range"),
        with("number beyond a Double in a list", #""grid": {"lr": [0.1, -2e400]}"#, "grid.lr[1]", "number -2e400 is out of range"),
        spec("name too long", #"{"version": 1, "name": "\#(String(repeating: "a", count: 300))", "study": "train"}"#, "name", "(too long)"),
        spec("name starting with a dot", #"{"version": 1, "name": ".hidden", "study": "train"}"#, "name", "not starting with '.'"),
        with("terminal escape in an unknown key", #""model": {"\u001b[31mred": 1}"#, "model.\u{1B}[31mred", "unknown key '\\u{1B}[31mred'"),
        with("initialiser the engine rejects", #""model": {"init": "pytorch-default-2"}"#, "model.init", "without a parameter"),
        MalformedSpec(title: "UTF-16 text", source: .bytes([0xFF, 0xFE] + Array(#"{"version": 1}"#.utf8).flatMap { [$0, 0] }),
                      path: "", gist: "expected UTF-8 text (JSON is UTF-8), found UTF-16LE text"),
    ]
}

@Suite struct SpecErrorTests {
    static func error(for row: MalformedSpec, in folder: String) -> SpecError? {
        let path: String
        switch row.source {
        case let .text(text):
            path = folder + "/spec.json"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        case let .bytes(bytes):
            path = folder + "/spec.json"
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        case .missingFile:
            path = folder + "/missing.json"
        case .directory:
            path = folder
        }
        do {
            _ = try SpecDecoder.load(path: path).configurations()
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: MalformedSpec.all)
    func malformedSpecsNameThePathAndTheProblem(row: MalformedSpec) throws {
        let folder = try TemporaryFolder()
        let error = Self.error(for: row, in: folder.path)
        #expect(error != nil)
        #expect(error?.path == row.path)
        #expect(error?.description.contains(row.gist) == true, "\(error?.description ?? "no error")")
        #expect(error?.file.hasPrefix(folder.path) == true)
    }

    @Test func thereAreAtLeastFifteenMalformedSpecs() {
        #expect(MalformedSpec.all.count >= 15)
    }

    /// Prints the table (`swift test --filter printTable` shows it) for the README.
    @Test func printTable() throws {
        let folder = try TemporaryFolder()
        for row in MalformedSpec.all {
            guard let error = Self.error(for: row, in: folder.path) else { continue }
            let message = error.description.replacingOccurrences(of: folder.path, with: "<dir>")
            print("| \(row.title) | `\(row.path.isEmpty ? "(document)" : row.path)` | \(message) |")
        }
    }

    @Test(arguments: ["uniform-0.1", "xavier-uniform-tanh", "orthogonal-2", "normal"])
    func initialisersTheEngineAcceptsAreValid(name: String) throws {
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "propagation", "model": {"init": "\#(name)"}}"#)
        #expect(spec.blockValues.first { $0.name == "init" }?.value == .string(name))
    }

    @Test func aUTF8ByteOrderMarkIsSkipped() throws {
        let spec = try SpecDecoder.decode(bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"version": 1, "name": "t", "study": "states"}"#.utf8))
        #expect(spec.name == "t")
    }

    @Test func controlCharactersInMessagesAreEscaped() {
        let error = SpecError(path: "model.\u{1B}[2J", expected: "x", found: "'\u{202E}abc\u{7}'")
        #expect(error.description == #"<spec>: field 'model.\u{1B}[2J': expected x, found '\u{202E}abc\u{7}'"#)
    }

    @Test func validSpecsDecode() throws {
        let spec = try SpecDecoder.decode(text: """
            {"version": 1, "name": "clip-study_v1.2", "description": "x", "study": "train",
             "model": {"cell": "lstm", "init": "identity-1.01", "init_hh": "orthogonal"},
             "training": {"optimizer": "sgd", "clip": "norm", "max_norm": 1},
             "task": {"task": "adding", "seq_len": 50}, "study_options": {"seq_len": 50, "truncation": 10},
             "grid": {"lr": {"log": [0.001, 1, 4]}, "seed": {"count": 2}},
             "charts": [{"x": "lr", "y": "test_loss", "log_x": true}], "expect": []}
            """)
        #expect(spec.name == "clip-study_v1.2")
        #expect(try spec.configurations().count == 8)
        #expect(spec.charts == .array([.object([("x", .string("lr")), ("y", .string("test_loss")), ("log_x", .bool(true))])]))
    }

    @Test func theResolvedSpecDecodesToTheSameRunsAndItself() throws {
        let spec = try SpecDecoder.decode(text: #"{"version": 1, "name": "t", "study": "states", "model": {"hidden": 5}, "grid": {"seq_len": [1, 2]}}"#)
        let again = try SpecDecoder.decode(spec.resolvedDocument)
        #expect(try again.configurations().map(\.key) == spec.configurations().map(\.key))
        #expect(again.resolvedDocument.prettyText() == spec.resolvedDocument.prettyText())
    }
}

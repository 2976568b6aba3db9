public import LinearAlgebra
public import RecurrentNets

/// How a file's tensor names map to the engine's: the recurrent tensors of `nn.RNN`/`nn.LSTM`/
/// `nn.GRU` (`weight_ih_l0`, ...) under `prefix`, the head `nn.Linear`'s `weight`/`bias` under
/// `headPrefix`, and a learnable initial state as `h0`/`c0` at the top level.
///
/// The engine saves `rnn.<name>`, `head.weight`, `head.bias` (and `h0`, `c0`): the defaults, so
/// its files load back unchanged, as does the `state_dict` of a PyTorch module with attributes
/// `rnn` and `head`.
public struct WeightsBinding: Sendable, Equatable {
    public var prefix: String
    public var headPrefix: String

    public init(prefix: String = "rnn.", headPrefix: String = "head.") {
        self.prefix = prefix
        self.headPrefix = headPrefix
    }

    /// The file name of an engine parameter.
    public func fileName(of engineName: String) -> String {
        if engineName.hasPrefix("head.") { return headPrefix + engineName.dropFirst("head.".count) }
        if engineName == "h0" || engineName == "c0" { return engineName }
        return prefix + engineName
    }

    /// Whether `name` is a recurrent parameter name of the engine (and of PyTorch's modules).
    static func isRecurrentName(_ name: String) -> Bool {
        for stem in ["weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l", "ln_weight_l", "ln_bias_l"] where name.hasPrefix(stem) {
            let layer = name.dropFirst(stem.count)
            return !layer.isEmpty && layer.allSatisfy { $0.isASCII && $0.isNumber } && (layer == "0" || layer.first != "0")
        }
        return false
    }

    /// Selects and renames the file's tensors into engine names. Tensors outside both prefixes
    /// are ignored; one inside them that is not a parameter name is an error (a tensor left
    /// over). Without `head`, tensors under the head prefix are ignored.
    public func select(_ file: SafetensorsFile, path: String, head: Bool) throws(SafetensorsError) -> ParameterSet<Double> {
        var set = ParameterSet<Double>()
        for t in file.tensors {
            let engineName: String
            if !headPrefix.isEmpty, t.name.hasPrefix(headPrefix) {
                let rest = String(t.name.dropFirst(headPrefix.count))
                guard rest == "weight" || rest == "bias" else {
                    throw SafetensorsError(file: path, tensor: t.name, expected: "\(headPrefix)weight or \(headPrefix)bias (nn.Linear) under the head prefix",
                                           found: "a tensor left over")
                }
                guard head else { continue }
                engineName = "head." + rest
            } else if t.name == "h0" || t.name == "c0" {
                engineName = t.name
            } else if t.name.hasPrefix(prefix) {
                let rest = String(t.name.dropFirst(prefix.count))
                guard Self.isRecurrentName(rest) else {
                    throw SafetensorsError(
                        file: path, tensor: t.name,
                        expected: "a parameter of nn.RNN/nn.LSTM/nn.GRU under prefix '\(prefix)' (weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>)",
                        found: "a tensor left over")
                }
                engineName = rest
            } else {
                continue
            }
            switch t.shape.count {
            case 1:
                set.append(engineName, Matrix(rows: 1, columns: t.shape[0], elements: t.values), isVector: true)
            case 2:
                set.append(engineName, Matrix(rows: t.shape[0], columns: t.shape[1], elements: t.values))
            default:
                throw SafetensorsError(file: path, tensor: t.name, expected: "a tensor of 1 or 2 dimensions", found: "shape \(t.shapeText)")
            }
        }
        return set
    }

    /// Checks selected tensors against the layout of `configuration`: nothing missing, every
    /// shape right, nothing left over. `checkInputWidth`/`checkHeadRows` false skip the dimensions
    /// a task decides at run time (the input features of `weight_ih_l0`, the head's outputs).
    public func check(
        _ set: ParameterSet<Double>, against configuration: ModelConfiguration, path: String,
        checkInputWidth: Bool = true, checkHeadRows: Bool = true
    ) throws(SafetensorsError) {
        let layout = RecurrentModel<Double>.layout(of: configuration)
        for item in layout {
            guard let i = set.index(of: item.name) else {
                throw SafetensorsError(file: path, tensor: fileName(of: item.name),
                                       expected: "a tensor of shape \(Self.text(item))", found: "no such tensor")
            }
            let shape = set.shapes[i]
            var expected = item.isVector ? [item.columns] : [item.rows, item.columns]
            if !checkInputWidth, item.name == "weight_ih_l0", shape.count == 2 { expected[1] = shape[1] }
            if !checkHeadRows, item.name == "head.weight", shape.count == 2 { expected[0] = shape[0] }
            if !checkHeadRows, item.name == "head.bias", shape.count == 1 { expected[0] = shape[0] }
            guard shape == expected else {
                throw SafetensorsError(file: path, tensor: fileName(of: item.name),
                                       expected: "shape \(Self.text(expected)) (\(configuration.cell.rawValue), hidden \(configuration.hiddenSize))",
                                       found: "shape \(Self.text(shape))")
            }
        }
        for name in set.names where !layout.contains(where: { $0.name == name }) {
            throw SafetensorsError(file: path, tensor: fileName(of: name),
                                   expected: "only the model's parameters (\(configuration.cell.rawValue), \(configuration.layers) layer(s)" +
                                       (configuration.headOutputs == nil ? ", no head" : "") + ")",
                                   found: "a tensor left over")
        }
    }

    /// The parameters under PyTorch names, in `dtype` (F32 or F64), with `metadata`.
    public func export<S: NetScalar>(_ parameters: ParameterSet<S>, dtype: SafetensorsDType, metadata: [(key: String, value: String)])
        -> SafetensorsFile {
        var tensors: [SafetensorsTensor] = []
        for (i, name) in parameters.names.enumerated() {
            let values = parameters.values[i].storage.map { Double($0) }
            tensors.append(SafetensorsTensor(name: fileName(of: name), dtype: dtype, shape: parameters.shapes[i], values: values))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func text(_ item: (name: String, rows: Int, columns: Int, isVector: Bool)) -> String {
        text(item.isVector ? [item.columns] : [item.rows, item.columns])
    }

    private static func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

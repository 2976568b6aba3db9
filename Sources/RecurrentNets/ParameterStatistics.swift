public import LinearAlgebra

/// Summary statistics of one gradient (or weight) tensor.
public struct ParameterStatistics: Sendable, Equatable {
    /// L2 (Frobenius) norm, computed without underflow.
    public var norm: Double
    /// Largest `|g|`.
    public var maxAbs: Double
    /// Smallest `|g|`.
    public var minAbs: Double

    /// Statistics of a tensor's elements.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public init<S: NetScalar>(_ m: Matrix<S>) {
        norm = VectorNorm.l2(m.storage)
        var lo = Double.infinity
        var hi = 0.0
        for v in m.storage {
            let a = Swift.abs(Double(v))
            if a.isNaN {
                lo = .nan
                hi = .nan
                break
            }
            lo = Swift.min(lo, a)
            hi = Swift.max(hi, a)
        }
        maxAbs = hi
        minAbs = m.storage.isEmpty ? 0 : lo
    }
}

/// Spectral summaries of a recurrent weight `W_hh` (per gate block for gated cells).
public struct RecurrentSpectrum: Sendable, Equatable {
    /// Block label: "" for a plain RNN, else the gate letter ("i", "f", "g", "o" / "r", "z", "n").
    public var block: String
    /// Largest eigenvalue modulus of the `H x H` block.
    public var spectralRadius: Double
    /// Largest singular value of the block.
    public var largestSingularValue: Double

    /// The spectra of every `H x H` gate block of a `(G*H) x H` recurrent weight.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func blocks<S: NetScalar>(of w: Matrix<S>, cell: CellKind) -> [RecurrentSpectrum] {
        let H = w.columns
        let labels: [String]
        switch cell {
        case .rnn, .layerNormRNN: labels = [""]
        case .lstm: labels = ["i", "f", "g", "o"]
        case .gru: labels = ["r", "z", "n"]
        }
        return labels.enumerated().map { g, label in
            let block = w.rows((g * H)..<((g + 1) * H))
            return RecurrentSpectrum(
                block: label, spectralRadius: Spectrum.spectralRadius(block) ?? .nan,
                largestSingularValue: Spectrum.singularValues(block)?.first ?? .nan)
        }
    }
}

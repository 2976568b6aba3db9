public import LinearAlgebra
public import RecurrentNets

/// How gradients are limited before the optimiser step.
public enum GradientClipping: Sendable, Equatable, Hashable {
    /// No clipping (the report still carries the gradient norm).
    case none
    /// `torch.nn.utils.clip_grad_value_`: clamp every element to `[-c, c]` (c > 0).
    case value(Double)
    /// `torch.nn.utils.clip_grad_norm_` with the L2 norm over all parameters taken together:
    /// `coef = maxNorm / (totalNorm + 1e-6)`, and gradients are multiplied by `coef` only when
    /// `coef < 1`.
    case norm(maxNorm: Double)

    /// The accepted method names.
    public static let knownNames = ["none", "value", "norm"]

    /// A validated clipping method from its name ("none", "value", "norm") and threshold.
    ///
    /// - Throws: ``TrainingError`` for an unknown name or a threshold that is missing, not
    ///   finite or not positive.
    public init(name: String, threshold: Double? = nil) throws(TrainingError) {
        switch Check.normalized(name) {
        case "none", "off": self = .none
        case "value", "clip-value", "clip-grad-value":
            guard let threshold else {
                throw .invalidValue(field: "clip_value", value: "nil", expected: "a finite number > 0")
            }
            try Check.positive("clip_value", threshold)
            self = .value(threshold)
        case "norm", "clip-norm", "clip-grad-norm":
            guard let threshold else {
                throw .invalidValue(field: "max_norm", value: "nil", expected: "a finite number > 0")
            }
            try Check.positive("max_norm", threshold)
            self = .norm(maxNorm: threshold)
        default:
            throw .unknownName(field: "clipping", value: name, known: Self.knownNames)
        }
    }

    /// Clips `gradients` in place and reports what happened.
    ///
    /// The norm is computed in `Double` without underflow or overflow (``ParameterSet/globalNorm``).
    /// If the total norm is not finite (NaN or infinite gradients) the gradients are left
    /// unchanged and ``ClipReport/isFinite`` is false: the caller should mark the run diverged.
    /// (PyTorch would instead multiply by a NaN or zero coefficient.)
    @discardableResult
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func apply<Scalar: NetScalar>(to gradients: inout ParameterSet<Scalar>) -> ClipReport {
        let total = gradients.globalNorm
        guard total.isFinite else {
            return ClipReport(totalNorm: total, clippedNorm: total, clipped: false)
        }
        switch self {
        case .none:
            return ClipReport(totalNorm: total, clippedNorm: total, clipped: false)
        case let .norm(maxNorm):
            let coef = maxNorm / (total + 1e-6)
            guard coef < 1 else {
                return ClipReport(totalNorm: total, clippedNorm: total, clipped: false)
            }
            let scale = Scalar(coef)
            for i in gradients.values.indices {
                gradients.values[i].storage.withUnsafeMutableBufferPointer { buffer in
                    for j in buffer.indices { buffer[j] *= scale }
                }
            }
            return ClipReport(totalNorm: total, clippedNorm: gradients.globalNorm, clipped: true)
        case let .value(limit):
            let high = Scalar(limit)
            let low = -high
            var changed = false
            for i in gradients.values.indices {
                gradients.values[i].storage.withUnsafeMutableBufferPointer { buffer in
                    for j in buffer.indices {
                        let g = buffer[j]
                        if g > high {
                            buffer[j] = high
                            changed = true
                        } else if g < low {
                            buffer[j] = low
                            changed = true
                        }
                    }
                }
            }
            return ClipReport(
                totalNorm: total, clippedNorm: changed ? gradients.globalNorm : total, clipped: changed)
        }
    }
}

/// What a clipping call saw and did.
public struct ClipReport: Sendable, Equatable, Hashable {
    /// Global L2 norm of the gradients before clipping (what `clip_grad_norm_` returns).
    public let totalNorm: Double
    /// Global L2 norm after clipping (equal to `totalNorm` when nothing changed).
    public let clippedNorm: Double
    /// Whether any gradient was changed (count these for a clip rate).
    public let clipped: Bool
    /// Whether the pre-clip norm is finite; false means NaN/Inf gradients (divergence).
    public var isFinite: Bool { totalNorm.isFinite }

    /// A report with the given values.
    public init(totalNorm: Double, clippedNorm: Double, clipped: Bool) {
        self.totalNorm = totalNorm
        self.clippedNorm = clippedNorm
        self.clipped = clipped
    }
}

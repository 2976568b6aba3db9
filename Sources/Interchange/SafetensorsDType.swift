/// The element types this reader decodes (safetensors' names), all little-endian.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64: 8
        case .f32: 4
        case .f16, .bf16: 2
        }
    }

    /// Decodes `count` elements starting at `offset` of `bytes`. Every conversion to `Double` is
    /// exact (float16 and bfloat16 values, subnormals, infinities and NaN included).
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let p = offset + i * size
            switch self {
            case .f64:
                out[i] = Double(bitPattern: Self.word(bytes, p, 8))
            case .f32:
                out[i] = Double(Float(bitPattern: UInt32(truncatingIfNeeded: Self.word(bytes, p, 4))))
            case .f16:
                out[i] = Self.half(UInt16(truncatingIfNeeded: Self.word(bytes, p, 2)))
            case .bf16:
                // bfloat16 is the top half of a float32.
                let bits = UInt32(truncatingIfNeeded: Self.word(bytes, p, 2)) << 16
                out[i] = Double(Float(bitPattern: bits))
            }
        }
        return out
    }

    /// A little-endian unsigned integer of `n` bytes at `p`.
    private static func word(_ bytes: UnsafeRawBufferPointer, _ p: Int, _ n: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in stride(from: n - 1, through: 0, by: -1) { v = v << 8 | UInt64(bytes[p + k]) }
        return v
    }

    /// IEEE binary16 to Double, exactly (no platform `Float16` needed).
    static func half(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = Double(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24  // zero and subnormals: f * 2^-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

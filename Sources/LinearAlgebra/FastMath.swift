/// Branch-free `exp`, `tanh` and `sigmoid` the compiler can vectorise (no calls, no traps).
///
/// Computed in `Double` with a Cody–Waite reduction and a degree-13 Taylor polynomial for
/// `expm1` on `|r| <= ln2/2`: a few ulp of `Double` (the `Float` versions round the `Double`
/// result, so they match the correctly rounded value except in rare ties). NaN propagates.
public enum FastMath {
    /// Buffers of at least this many elements go to the C kernels (``NetScalar/fastTanh(_:count:)``):
    /// Swift compiles for the baseline x86-64 (SSE2, no FMA), the kernels for AVX-512 or AVX2.
    public static let vectorKernelMinimum = 16

    @inlinable @inline(__always)
    static func expm1Reduced(_ y: Double) -> (em: Double, scale: Double) {
        // k = round(y / ln2) by the 1.5 * 2^52 trick (no Int conversion, so no trap on NaN).
        let shifter = 6755399441055744.0
        let t = y * 1.4426950408889634 + shifter
        let k = t - shifter
        let r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10
        let em = r + (r * r) * expm1Polynomial(r)
        let scale = Double(bitPattern: (t.bitPattern &+ 1023) << 52)
        return (em, scale)
    }

    /// `(e^r - 1 - r) / r^2` on `|r| <= ln2/2`: 1/2 + r/6 + ... + r^11/13! by Horner in this
    /// order (the Taylor coefficients rounded to Double). Shared by ``exp(_:)`` and ``PortableMath``.
    @inlinable @inline(__always)
    static func expm1Polynomial(_ r: Double) -> Double {
        var p = 1.6059043836821613e-10  // 1/13!
        p = p * r + 2.08767569878681e-09
        p = p * r + 2.505210838544172e-08
        p = p * r + 2.755731922398589e-07
        p = p * r + 2.7557319223985893e-06
        p = p * r + 2.48015873015873e-05
        p = p * r + 0.0001984126984126984
        p = p * r + 0.001388888888888889
        p = p * r + 0.008333333333333333
        p = p * r + 0.041666666666666664
        p = p * r + 0.16666666666666666
        p = p * r + 0.5
        return p
    }

    /// `e^x`, for arguments clamped to [-700, 700] (callers need no more).
    @inlinable @inline(__always)
    public static func exp(_ x: Double) -> Double {
        let y = x > 700 ? 700 : (x < -700 ? -700 : x)
        let (em, scale) = expm1Reduced(y)
        return scale * em + scale
    }

    /// `tanh x`.
    @inlinable @inline(__always)
    public static func tanh(_ x: Double) -> Double {
        let a = Swift.abs(x)
        let y = a > 20 ? 40 : a + a
        let (em, scale) = expm1Reduced(y)
        let e = scale * em + (scale - 1)
        return Double(signOf: x, magnitudeOf: e / (e + 2))
    }

    /// `1 / (1 + e^-x)`.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    @inlinable @inline(__always) public static func tanh(_ x: Float) -> Float { Float(tanh(Double(x))) }
    @inlinable @inline(__always) public static func sigmoid(_ x: Float) -> Float { Float(sigmoid(Double(x))) }
}

/// Eight lanes at a time: the same operations as the scalar versions, lane by lane, so the
/// results do not depend on where a buffer is split.
extension FastMath {
    public typealias V = SIMD8<Double>
    @inlinable @inline(__always)
    static func expm1Reduced(_ y: V) -> (em: V, scale: V) {
        let shifter = V(repeating: 6755399441055744.0)
        let t = y * 1.4426950408889634 + shifter
        let k = t - shifter
        let r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10
        var p = V(repeating: 1.6059043836821613e-10)
        p = p * r + 2.08767569878681e-09
        p = p * r + 2.505210838544172e-08
        p = p * r + 2.755731922398589e-07
        p = p * r + 2.7557319223985893e-06
        p = p * r + 2.48015873015873e-05
        p = p * r + 0.0001984126984126984
        p = p * r + 0.001388888888888889
        p = p * r + 0.008333333333333333
        p = p * r + 0.041666666666666664
        p = p * r + 0.16666666666666666
        p = p * r + 0.5
        let em = r + (r * r) * p
        let tb = unsafeBitCast(t, to: SIMD8<UInt64>.self)
        let scale = unsafeBitCast((tb &+ 1023) &<< 52, to: V.self)
        return (em, scale)
    }
    @inlinable @inline(__always)
    public static func tanh(_ x: V) -> V {
        let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        let signMask = SIMD8<UInt64>(repeating: 0x8000_0000_0000_0000)
        let a = unsafeBitCast(bits & ~signMask, to: V.self)
        var y = a + a
        y.replace(with: 40, where: a .> 20)
        let (em, scale) = expm1Reduced(y)
        let e = scale * em + (scale - 1)
        let m = e / (e + 2)
        return unsafeBitCast(unsafeBitCast(m, to: SIMD8<UInt64>.self) | (bits & signMask), to: V.self)
    }
    @inlinable @inline(__always)
    public static func sigmoid(_ x: V) -> V {
        var y = -x
        y.replace(with: 700, where: y .> 700)
        y.replace(with: -700, where: y .< -700)
        let (em, scale) = expm1Reduced(y)
        return 1 / (1 + (scale * em + scale))
    }
    /// In place over `n` doubles.
    @inlinable
    public static func tanh(_ p: UnsafeMutablePointer<Double>, count n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: tanh(v), as: V.self)
            i += 8
        }
        while i < n { p[i] = tanh(p[i]); i += 1 }
    }
    /// In place over `n` doubles.
    @inlinable
    public static func sigmoid(_ p: UnsafeMutablePointer<Double>, count n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: sigmoid(v), as: V.self)
            i += 8
        }
        while i < n { p[i] = sigmoid(p[i]); i += 1 }
    }

    @inlinable @inline(__always)
    static func widened(_ f: SIMD8<Float>) -> V {
        V(Double(f[0]), Double(f[1]), Double(f[2]), Double(f[3]), Double(f[4]), Double(f[5]), Double(f[6]), Double(f[7]))
    }

    @inlinable @inline(__always)
    static func narrowed(_ r: V) -> SIMD8<Float> {
        SIMD8<Float>(Float(r[0]), Float(r[1]), Float(r[2]), Float(r[3]), Float(r[4]), Float(r[5]), Float(r[6]), Float(r[7]))
    }

    /// In place over `n` floats (computed in `Double`, then rounded).
    @inlinable
    public static func sigmoid(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + 8 <= n {
            let f = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: narrowed(sigmoid(widened(f))), as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { p[i] = sigmoid(p[i]); i += 1 }
    }

    /// In place over `n` floats (computed in `Double`, then rounded).
    @inlinable
    public static func tanh(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        var i = 0
        while i + 8 <= n {
            let f = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: narrowed(tanh(widened(f))), as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { p[i] = tanh(p[i]); i += 1 }
    }
}

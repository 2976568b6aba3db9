/// Elementary functions built only from IEEE-754 operations (`+ - * /`, `sqrt`, `fma`,
/// round-to-integral, comparisons and exact bit manipulation), so their results are the same
/// bits on every platform: any x86-64 (SSE2, AVX2, AVX-512; Intel or AMD), ARM64, any libm.
/// Nothing here calls a libm transcendental. On baseline x86-64 the compiler emits calls for
/// `fma`, `rint` and `trunc`; IEEE-754 defines all three exactly (`fma` correctly rounded, the
/// others exact), so every conforming implementation returns the same bits.
///
/// Every number the engine writes must be a function of the spec only: use these, never
/// `Foundation.exp/log/pow` or RealModule's `Double.exp/log/pow/tanh` (which forward to the
/// platform's libm), wherever a result depends on the value.
///
/// Accuracy, measured against 160-200-bit `mpmath` references on about 10^6 points per function
/// (log-uniform and uniform over the whole range, plus the hard regions; see
/// `PortableMathTests` for the pinned subset):
///
/// | function  | method                                                          | worst seen |
/// |-----------|-----------------------------------------------------------------|------------|
/// | `log`     | `2 atanh((m-1)/(m+1))` series, exact leading term                | 1.07 ulp (bound ~1.2) |
/// | `exp`     | Cody–Waite reduction, FastMath's polynomial, compensated `1 + em` | 0.61 ulp   |
/// | `log1p`   | `log` of the exact double-double `1 + x`, in double-double        | 0.50 ulp (no misrounding seen) |
/// | `pow`, integral `y` (`|y| <= 2^20`) | double-double binary powering, fixed order | 0.50 ulp (no misrounding seen; exact when representable) |
/// | `pow`, other `y` | `exp` of the double-double `y log x`                      | 0.59 ulp   |
/// | `tanh`    | ``FastMath/tanh(_:)-(Double)``                                   | 2.51 ulp   |
/// | `sigmoid` | ``FastMath/sigmoid(_:)-(Double)``; `exp(x)/(1+exp(x))` below -700 | 2.32 ulp   |
///
/// Subnormal results are within 1 unit of the subnormal spacing (`exp`, real `pow`: 0.77 seen)
/// or correctly rounded (integer `pow`, `log1p`).
///
/// Special values follow C99 Annex F: NaN propagates, ±0, ±infinity and the overflow/underflow
/// thresholds give the standard results (listed per function).
public enum PortableMath {
    // MARK: - log

    /// Natural logarithm, within ~1.2 ulp of the true value (1.07 ulp seen; IEEE basic operations
    /// only).
    ///
    /// For positive finite `x` (normal or subnormal) the bits are pinned: the random generator's
    /// normal deviates depend on them. Special values: `log(±0) = -infinity`, `log(+infinity) =
    /// +infinity`, `log(x < 0) = NaN`, NaN propagates.
    public static func log(_ x: Double) -> Double {
        guard x > 0 && x.isFinite else {
            if x == 0 { return -.infinity }
            if x == .infinity { return x }
            return .nan  // NaN or negative
        }
        var m = x.significand  // in [1, 2)
        var e = Double(x.exponent)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        // log(m) = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716. Written as
        // u - (u f - 2 (f^3/3 + f^5/5 + ...)) with u = m - 1 exact (2f = u - u f), so the largest
        // term carries no rounding error, and e ln2 split into an exact high part and a low part
        // (fdlibm's constants): within ~1.2 ulp of the true value (the plain `2 * sum + e * ln2`
        // form was off by up to 4 ulp, e.g. at x = 1.5424357272729712).
        let u = m - 1
        let f = u / (m + 1)
        let f2 = f * f
        var term = f * f2
        var tail = 0.0
        var k = 3.0
        for _ in 0..<13 {
            tail += term / k
            term *= f2
            k += 2
        }
        let logm = u - (u * f - 2 * tail)
        return e * 6.93147180369123816490e-01 + (logm + e * 1.90821492927058770002e-10)
    }

    // MARK: - exp

    /// Largest `x` with a finite `e^x` (the double just below ln(greatestFiniteMagnitude)).
    public static let expOverflowThreshold = 709.782712893384
    /// Smallest `x` whose `e^x` does not round to zero (`e^x` > 2^-1075 from here up).
    public static let expUnderflowThreshold = -745.1332191019411

    /// `e^x` over the whole `Double` range, within 0.61 ulp (measured worst 0.605 ulp; IEEE basic
    /// operations only).
    ///
    /// Cody–Waite reduction `x = k ln2 + r` (`k` rounded to nearest, `x - k ln2_hi` exact, the
    /// reduced argument kept as a double-double), ``FastMath``'s degree-13 Taylor polynomial for
    /// `e^r - 1 - r`, and `1 + (e^r - 1)` summed with its rounding errors before one final
    /// rounding; then scaled by `2^k` in two steps where `2^k` alone would overflow or the result
    /// is subnormal. (``FastMath/exp(_:)``, made for vector kernels, sums in plain double: up to
    /// ~0.9 ulp and clamped to [-700, 700].)
    ///
    /// `x > 709.782712893384` (``expOverflowThreshold``) gives `+infinity`,
    /// `x < -745.1332191019411` (``expUnderflowThreshold``) gives `0`, subnormal results
    /// (`x < -708.4`) are within 1 ulp of the subnormal spacing (rounded twice),
    /// `exp(±0) = 1`, `exp(-infinity) = 0`, NaN propagates.
    @inlinable
    public static func exp(_ x: Double) -> Double {
        if !(x <= 709.782712893384) { return x.isNaN ? x : .infinity }  // expOverflowThreshold
        if x < -745.1332191019411 { return 0 }  // expUnderflowThreshold
        return expCore(x, 0)
    }

    /// `e^(x + xlo)` for `x` within the thresholds and `|xlo| <= ulp(x)` (the low part of a
    /// double-double argument; 0 for a plain one).
    @inlinable @inline(__always)
    static func expCore(_ x: Double, _ xlo: Double) -> Double {
        // k = round(x / ln2) by the 1.5 * 2^52 trick; ln2 = 0.6931471803691238 (32 bits, so k * it
        // and x - k * it are exact) + 1.9082149292705877e-10 (fdlibm's split).
        let shifter = 6755399441055744.0
        let kd = (x * 1.4426950408889634 + shifter) - shifter
        let rh = x - kd * 0.6931471803691238
        let rl = xlo - kd * 1.9082149292705877e-10
        // r = rh + rl as a double-double (two-sum), |r| <= 0.35.
        let r = rh + rl
        let rb = r - rh
        let rlo = (rh - (r - rb)) + (rl - rb)
        // q = e^r - 1 - r = r^2 (1/2 + r/6 + ... + r^11/13!), FastMath's polynomial.
        let q = (r * r) * FastMath.expm1Polynomial(r)
        // e^(r + rlo) = 1 + r + q + rlo (1 + r + q): r + q by two-sum, then 1 + that by fast
        // two-sum (|r + q| < 1), the low parts added before the one rounding of the sum.
        let em = r + q
        let eb = em - r
        let emlo = (r - (em - eb)) + (q - eb)
        let one = 1 + em
        let onelo = em - (one - 1)
        let m = one + (onelo + (emlo + rlo * one))
        let k = Int(kd)  // in -1075...1024
        if k > 1023 {
            return (m * Double(bitPattern: UInt64(k - 1 + 1023) << 52)) * 2
        }
        if k < -1021 {
            return (m * Double(bitPattern: UInt64(k + 64 + 1023) << 52)) * 0x1p-64
        }
        return m * Double(bitPattern: UInt64(k + 1023) << 52)
    }

    // MARK: - log1p

    /// `log(1 + x)`, accurate for every `x > -1` including tiny ones: correctly rounded on every
    /// one of ~10^6 points checked (the double-double result carries ~2^-100 relative error before
    /// its one rounding, so misrounding needs a near-tie); IEEE basic operations and `fma` only.
    ///
    /// `1 + x` is formed as a double-double (its rounding error kept exactly), and its logarithm
    /// computed in double-double (the series of `log` with the leading terms in double-double
    /// arithmetic) before one final rounding. `log1p(x) = x` exactly when `1 + x` rounds to 1
    /// (|x| <= 2^-53; this keeps `log1p(-0) = -0` and subnormals exact). `log1p(-1) = -infinity`,
    /// `log1p(x < -1) = NaN`, `log1p(+infinity) = +infinity`, NaN propagates.
    public static func log1p(_ x: Double) -> Double {
        guard x > -1 && x.isFinite else {
            if x == -1 { return -.infinity }
            if x == .infinity { return x }
            return .nan  // NaN, x < -1, -infinity
        }
        let u = twoSum(1, x)
        if u.hi == 1 && u.lo == x { return x }  // 1 + x rounded to 1
        let l = logDD(u.hi, u.lo)
        return l.hi + l.lo
    }

    // MARK: - pow

    /// `x^n` for an integer exponent, by double-double binary powering in a fixed order:
    /// correctly rounded on every one of ~10^6 points checked (subnormal results included; a
    /// misrounding needs a near-tie within `|n| * 2^-103` relative), and **exact**
    /// whenever the exact result is representable (e.g. `pow(0.5, 3) = 0.125`, `pow(3, 33)`,
    /// `pow(2, -1074)`). IEEE basic operations and `fma` only.
    ///
    /// The order (right-to-left binary method, the same on every platform): `acc = 1`, `b = |x|`
    /// (for `n < 0`, `b = 1/|x|` as a double-double); for each bit of `|n|` from the least
    /// significant, `acc *= b` if the bit is set, then `b = b * b` if higher bits remain. Every
    /// value is held as a double-double significand in [1, 2) times a separate integer power of
    /// two, so no intermediate overflows or underflows; products are double-double (`fma` gives
    /// the exact error of each `hi * hi`), so the relative error before the one final rounding
    /// (to the subnormal grid where the result is subnormal) is below `|n| * 2^-103`.
    ///
    /// Special values (C99 `pown`): `pow(x, 0) = 1` for every `x` (NaN too); NaN propagates;
    /// `pow(±0, n)` is `±0` (odd `n > 0`), `+0` (even `n > 0`), `±infinity` (odd `n < 0`),
    /// `+infinity` (even `n < 0`); `pow(±infinity, n)` likewise with zero and infinity swapped;
    /// overflow gives `±infinity`, underflow `±0`.
    public static func pow(_ x: Double, _ n: Int) -> Double {
        if n == 0 { return 1 }
        if x.isNaN { return x }
        let negative = n & 1 != 0 && x.sign == .minus
        let a = Swift.abs(x)
        let r: Double
        if a == 0 || a.isInfinite {
            r = a.isInfinite == (n > 0) ? .infinity : 0
        } else {
            r = integerPowMagnitude(a, n)
        }
        return negative ? -r : r
    }

    /// `a^n` for finite `a > 0`, `n != 0` (see ``pow(_:_:)-(Double,Int)``).
    static func integerPowMagnitude(_ a: Double, _ n: Int) -> Double {
        // b * 2^be, b a double-double in [1, 2).
        var b = DD(hi: a.significand, lo: 0)
        var be = a.exponent
        if n < 0 {
            // 1 / (s 2^e) = (1/s) 2^-e, 1/s in (1/2, 1] as a double-double, then into [1, 2).
            let q = 1 / b.hi
            b = fastTwoSum(q, (1 as Double).addingProduct(-q, b.hi) / b.hi)
            be = -be
            normalise(&b, &be)
        }
        var acc = DD(hi: 1, lo: 0)
        var ae = 0
        var m = n.magnitude
        var first = true
        while true {
            if m & 1 == 1 {
                if first {
                    acc = b
                    ae = be
                    first = false
                } else {
                    acc = mul(acc, b)
                    ae += be
                    normalise(&acc, &ae)
                }
            }
            m >>= 1
            if m == 0 { break }
            b = mul(b, b)
            be += be
            normalise(&b, &be)
            // b will be multiplied in (a higher bit is set), and every factor is >= 1 (a >= 1) or
            // < 1 (a < 1): the result is out of range once b is.
            if be > 1024 { return .infinity }
            if be < -1077 { return 0 }
        }
        return scaledRound(acc, ae)
    }

    /// Moves the binary exponent of `d` (a positive double-double in [1, 4) or (1/2, 1]) into
    /// `e`, leaving `d` in [1, 2) (exact: a power-of-two scaling).
    @inline(__always)
    static func normalise(_ d: inout DD, _ e: inout Int) {
        let k = d.hi.exponent
        if k != 0 {
            let scale = Double(sign: .plus, exponent: -k, significand: 1)
            d = DD(hi: d.hi * scale, lo: d.lo * scale)
            e += k
        }
    }

    /// `(d.hi + d.lo) 2^e`, `d` in [1, 2), rounded once to nearest even (on the subnormal grid
    /// where the result is subnormal).
    static func scaledRound(_ d: DD, _ e: Int) -> Double {
        if e > 1023 { return .infinity }
        if e >= -1022 { return Double(sign: .plus, exponent: e, significand: d.hi) }
        if e < -1076 { return 0 }
        // In units of the subnormal spacing 2^-1074: t = hi 2^(e + 1074) in [1/4, 2^52), exact.
        let unit = Double(sign: .plus, exponent: e + 1074, significand: 1)
        let t = d.hi * unit
        var q = t.rounded(.toNearestOrEven)
        // A tie in hi alone is broken by the sign of lo.
        let lo = d.lo * unit
        if t - q == 0.5 && lo > 0 { q += 1 }
        if t - q == -0.5 && lo < 0 { q -= 1 }
        return q * 0x1p-1074  // exact: q is an integer <= 2^52
    }

    /// Integral exponents up to this magnitude take the exact binary-powering path of `pow`.
    public static let powIntegerExponentLimit = 1 << 20

    /// `x^y`: the integer path for an integral `|y| <= 2^20`, `e^(y log x)` in double-double
    /// otherwise (IEEE basic operations and `fma` only).
    ///
    /// - Integral `y` with `|y| <= 2^20` (``powIntegerExponentLimit``): ``pow(_:_:)-(Double,Int)``,
    ///   correctly rounded but for near-ties, exact whenever the exact result is representable;
    ///   any sign of `x`.
    /// - Otherwise, for `x > 0`: `log x` to about 2^-100 relative (double-double: `x = 2^e m`,
    ///   `2 atanh((m-1)/(m+1))` with the leading terms in double-double), `y log x` as a
    ///   double-double, then ``exp(_:)``'s reduction and polynomial with the low part folded into
    ///   the reduced argument: within 0.6 ulp (0.59 seen; the argument's error is below 2^-60
    ///   absolute, so this is the exponential's own error).
    ///   `x < 0`: NaN unless `y` is an integer (then `±|x|^y`, odd `y` negative).
    ///
    /// Special values follow C99 `pow`: `pow(x, ±0) = 1` and `pow(1, y) = 1` for every `x`, `y`
    /// (NaN too); otherwise NaN propagates; `pow(-1, ±infinity) = 1`; `pow(x, -infinity)` is
    /// `+infinity` for `|x| < 1` and `+0` for `|x| > 1` (`+infinity` the other way round);
    /// `pow(±0, y)` and `pow(±infinity, y)` as for the integer path (non-integral `y` counts as
    /// even); overflow gives `infinity`, underflow `0`.
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        if x.isNaN || y.isNaN { return x + y }
        let ax = Swift.abs(x)
        if y.isInfinite {
            if ax == 1 { return 1 }
            return (ax > 1) == (y > 0) ? .infinity : 0
        }
        let isInteger = y.rounded(.towardZero) == y
        if isInteger && Swift.abs(y) <= Double(powIntegerExponentLimit) { return pow(x, Int(y)) }
        let half = y * 0.5
        let odd = isInteger && half.rounded(.towardZero) != half  // false for |y| >= 2^53
        if ax == 0 || ax.isInfinite {
            let m: Double = ax.isInfinite == (y > 0) ? .infinity : 0
            return odd && x.sign == .minus ? -m : m
        }
        if x < 0 && !isInteger { return .nan }
        let r = positivePow(ax, y)
        return odd && x < 0 ? -r : r
    }

    /// `e^(y log x)` for finite `x > 0` and finite `y`, the exponent carried as a double-double.
    static func positivePow(_ x: Double, _ y: Double) -> Double {
        let l = logDD(x, 0)
        let zh = y * l.hi
        if !(zh <= expOverflowThreshold) { return .infinity }
        if zh < expUnderflowThreshold - 1 { return 0 }
        let zl = (-zh).addingProduct(y, l.hi) + y * l.lo
        let z = fastTwoSum(zh, zl)
        if !(z.hi <= expOverflowThreshold) { return .infinity }
        if z.hi < expUnderflowThreshold { return 0 }
        return expCore(z.hi, z.lo)
    }

    // MARK: - tanh, sigmoid

    /// `tanh x`: ``FastMath/tanh(_:)-(Double)`` (IEEE basic operations only), within 2.6 ulp
    /// (2.51 seen, for |x| near 0.2); odd and exact at ±0, `tanh(±infinity) = ±1`, `|x| > 20`
    /// gives exactly ±1, subnormals are returned unchanged, NaN propagates. The engine's
    /// vectorised tanh kernels give the same bits.
    @inlinable
    public static func tanh(_ x: Double) -> Double { FastMath.tanh(x) }

    /// The logistic function `1 / (1 + e^-x)`, within 2.4 ulp (2.32 seen, near x = -36.8,
    /// where `1 + e^-x` rounds; IEEE basic operations only).
    ///
    /// For `x >= -700` it is ``FastMath/sigmoid(_:)-(Double)`` itself, so the same bits as the
    /// engine's vectorised gate kernels. Below, where FastMath clamps its exponential at e^700
    /// (returning about 1e-304) and `1 / (1 + e^-x)` would overflow to 0 from -709.78, it is
    /// `e^x / (1 + e^x)` = ``exp(_:)`` (the true value: subnormal from -708.4, 0 below -745.13).
    /// `sigmoid(+infinity) = 1`, `sigmoid(-infinity) = 0`, NaN propagates.
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        if x < -700 {
            let e = exp(x)
            return e / (1 + e)
        }
        return FastMath.sigmoid(x)
    }

    // MARK: - Double-double helpers

    /// An unevaluated sum `hi + lo` with `|lo| <= ulp(hi) / 2`.
    struct DD {
        var hi: Double
        var lo: Double
    }

    /// `a + b` exactly (Knuth's two-sum).
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> DD {
        let s = a + b
        let bb = s - a
        return DD(hi: s, lo: (a - (s - bb)) + (b - bb))
    }

    /// `a + b` exactly when `a == 0` or `exponent(a) >= exponent(b)` (Dekker's fast two-sum).
    @inline(__always)
    static func fastTwoSum(_ a: Double, _ b: Double) -> DD {
        let s = a + b
        return DD(hi: s, lo: b - (s - a))
    }

    /// `a + b` in double-double (both low parts kept).
    @inline(__always)
    static func add(_ a: DD, _ b: DD) -> DD {
        var s = twoSum(a.hi, b.hi)
        let t = twoSum(a.lo, b.lo)
        s.lo += t.hi
        s = fastTwoSum(s.hi, s.lo)
        s.lo += t.lo
        return fastTwoSum(s.hi, s.lo)
    }

    /// `a * b` in double-double (relative error below 2^-104 barring underflow); an infinite
    /// or zero high product is returned as it is.
    @inline(__always)
    static func mul(_ a: DD, _ b: DD) -> DD {
        let p = a.hi * b.hi
        guard p.isFinite && p != 0 else { return DD(hi: p, lo: 0) }
        var e = (-p).addingProduct(a.hi, b.hi)  // the exact error of p
        e += a.hi * b.lo + a.lo * b.hi
        return fastTwoSum(p, e)
    }

    /// `a / b` in double-double.
    @inline(__always)
    static func div(_ a: DD, _ b: DD) -> DD {
        let q = a.hi / b.hi
        let ph = q * b.hi
        let pe = (-ph).addingProduct(q, b.hi)  // q * b.hi = ph + pe exactly
        var r = a.hi - ph  // exact: ph is within an ulp of a.hi
        r = r - pe
        r = r + a.lo
        r = r - q * b.lo
        return fastTwoSum(q, r / b.hi)
    }

    /// `log(hi + lo)` as a double-double, relative error about 2^-100, for finite `hi > 0` and
    /// `|lo| <= ulp(hi) / 2`.
    static func logDD(_ hi: Double, _ lo: Double) -> DD {
        var m = hi.significand
        var e = hi.exponent
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        // hi + lo = 2^e (m + c), c = lo 2^-e (exact: a power-of-two scaling of a tiny value).
        let c = lo == 0 ? 0 : lo * Double(sign: .plus, exponent: -e, significand: 1)
        // f = (m + c - 1) / (m + c + 1) in double-double: m - 1 is exact (Sterbenz).
        let num = twoSum(m - 1, c)
        let den = add(fastTwoSum(1, m), DD(hi: c, lo: 0))
        let f = div(num, den)
        // log(m + c) = 2 atanh f = 2f + (2/3) f^3 + (2/5) f^5 + f^7 P(f^2), |f| <= 0.1716: the first
        // three terms in double-double, the rest (below 4e-6 of the total) in double.
        let f2 = mul(f, f)
        let f3 = mul(f, f2)
        let f5 = mul(f3, f2)
        let z = f2.hi
        var p = 0.07407407407407407  // 2/27
        p = p * z + 0.08
        p = p * z + 0.08695652173913043
        p = p * z + 0.09523809523809523
        p = p * z + 0.10526315789473684
        p = p * z + 0.11764705882352941
        p = p * z + 0.13333333333333333
        p = p * z + 0.15384615384615385
        p = p * z + 0.18181818181818182
        p = p * z + 0.2222222222222222
        p = p * z + 0.2857142857142857  // 2/7
        let tail = f5.hi * z * p
        var s = add(mul(f5, DD(hi: 0.4, lo: -2.2204460492503132e-17)), DD(hi: tail, lo: 0))
        s = add(s, mul(f3, DD(hi: 0.6666666666666666, lo: 3.700743415417188e-17)))
        s = add(s, DD(hi: 2 * f.hi, lo: 2 * f.lo))
        if e == 0 { return s }
        // e ln2 with ln2 = 0.6931471803691238 (32 bits: e * it is exact) + 1.9082149292705877e-10
        // + 1.1612227229362532e-26.
        let de = Double(e)
        let eln2Low = mul(DD(hi: de, lo: 0), DD(hi: 1.9082149292705877e-10, lo: 1.1612227229362532e-26))
        let eln2 = add(DD(hi: de * 0.6931471803691238, lo: 0), eln2Low)
        return add(eln2, s)
    }
}

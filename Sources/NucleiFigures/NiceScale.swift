/// Axis ticks at "nice" values: steps of 1, 2 or 5 times a power of ten.
///
/// The step is the smallest nice number not below `(max - min) / (targetTickCount - 1)`, so
/// there are at most `targetTickCount + 1` ticks; `lower` and `upper` are `min` and `max`
/// rounded outwards to multiples of the step. Example: 0...0.93 gives step 0.2 and ticks
/// 0, 0.2, 0.4, 0.6, 0.8, 1.0. Ticks are computed as `k * step` (not by repeated addition),
/// so they carry no accumulated rounding error.
public struct NiceScale: Hashable, Sendable {
    /// The first tick (a multiple of `step`, at or below the data minimum).
    public let lower: Double
    /// The last tick (a multiple of `step`, at or above the data maximum).
    public let upper: Double
    public let step: Double
    /// `lower`, `lower + step`, ..., `upper`.
    public let ticks: [Double]
    /// Digits after the decimal point that the step needs (0 for steps ≥ 1).
    public let fractionDigits: Int

    /// Ticks covering `min ... max`.
    ///
    /// A zero-width range (one value, or a constant series) is widened by 10% of the value
    /// (by 1 around 0) so the scale is never degenerate; non-finite bounds give 0...1.
    /// - Parameters:
    ///   - targetTickCount: how many ticks to aim for (at least 2).
    ///   - integerStep: use a step of at least 1 (for epochs and counts).
    public init(min minimum: Double, max maximum: Double, targetTickCount: Int = 6, integerStep: Bool = false) {
        var low = Swift.min(minimum, maximum), high = Swift.max(minimum, maximum)
        if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
        if high - low <= Swift.max(abs(low), abs(high)) * 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        var step = Self.niceStep(atLeast: (high - low) / Double(Swift.max(targetTickCount, 2) - 1))
        if integerStep { step = Swift.max(step, 1) }
        // A tolerance of 1e-9 steps keeps 1.0 / 0.2 = 4.999…9 from adding a tick.
        let first = ((low / step) + 1e-9).rounded(.down)
        let last = ((high / step) - 1e-9).rounded(.up)
        self.step = step
        self.lower = first * step
        self.upper = last * step
        self.ticks = (0 ... Int(last - first)).map { (first + Double($0)) * step }
        self.fractionDigits = Swift.max(0, Swift.min(12, Int((-Foundationless.log10(step) - 1e-9).rounded(.up))))
    }

    /// The smallest of 1, 2, 5, 10 times a power of ten that is ≥ `raw`.
    public static func niceStep(atLeast raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var magnitude = Foundationless.pow10(Int(Foundationless.log10(raw).rounded(.down)))
        // Guard against log10 rounding at exact powers of ten.
        if magnitude > raw { magnitude /= 10 }
        if magnitude * 10 <= raw { magnitude *= 10 }
        let residual = raw / magnitude
        let factor: Double = residual <= 1 + 1e-9 ? 1 : residual <= 2 + 1e-9 ? 2 : residual <= 5 + 1e-9 ? 5 : 10
        return factor * magnitude
    }

    /// `value` written with ``fractionDigits`` digits after the point ("0.2", "10", "-0.05").
    public func label(_ value: Double) -> String {
        Self.format(value, fractionDigits: fractionDigits)
    }

    /// `value` in fixed-point notation with `fractionDigits` digits, rounded half away from
    /// zero; never "-0". Values too large for fixed point fall back to Swift's description.
    public static func format(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-inf" : "inf") }
        let digits = Swift.max(0, Swift.min(fractionDigits, 15))
        let scaled = (abs(value) * Foundationless.pow10(digits)).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let units = Int(scaled)
        let negative = value < 0 && units != 0
        var text = String(units)
        if digits > 0 {
            if text.count <= digits { text = String(repeating: "0", count: digits - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        }
        return negative ? "-" + text : text
    }
}

/// The two logarithm helpers the scale needs, so this module does not import Foundation.
enum Foundationless {
    static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 {
            for _ in 0 ..< exponent { result *= 10 }
        } else {
            for _ in 0 ..< -exponent { result *= 10 }
            result = 1 / result
        }
        return result
    }

    /// Base-10 logarithm of a positive finite number: the exponent from counting decades,
    /// refined by the mantissa's natural log series; accurate to ~1e-12, enough for ticks.
    static func log10(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "log10 of \(x)")
        var exponent = 0
        var mantissa = x
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        // ln(m) = 2 atanh((m - 1) / (m + 1)), m in [1, 10): the series converges fast.
        let z = (mantissa - 1) / (mantissa + 1), z2 = z * z
        var term = z, sum = 0.0, k = 1.0
        while abs(term / k) > 1e-17 {
            sum += term / k
            term *= z2
            k += 2
        }
        return Double(exponent) + 2 * sum / 2.302585092994046
    }
}

/// Separable Gaussian smoothing of a row-major `Float` image.
///
/// Used on the distance transform before its maxima become watershed markers: the distance of a
/// digitised round nucleus has one-pixel ripples that would otherwise each look like a peak.
public enum GaussianSmoothing {
    /// Smooths with a Gaussian of standard deviation `sigma` pixels, truncated at 3 sigma; the
    /// image is extended by repeating its edge pixels. `sigma <= 0` returns the input.
    ///
    /// - Complexity: O(pixels * sigma).
    public static func smoothed(_ values: [Float], width: Int, height: Int, sigma: Float) -> [Float] {
        precondition(values.count == width * height, "smoothed: \(values.count) values for \(width)x\(height)")
        guard sigma > 0, width > 0, height > 0 else { return values }
        let radius = Int((3 * sigma).rounded(.up))
        var weights = (-radius...radius).map { offset -> Float in
            let distance = Float(offset)
            return (-(distance * distance) / (2 * sigma * sigma)).exponential
        }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        var horizontal = [Float](repeating: 0, count: values.count)
        var result = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                var sum: Float = 0
                for tap in 0...(2 * radius) {
                    let sourceX = min(max(x + tap - radius, 0), width - 1)
                    sum += weights[tap] * values[row + sourceX]
                }
                horizontal[row + x] = sum
            }
        }
        for y in 0..<height {
            for x in 0..<width {
                var sum: Float = 0
                for tap in 0...(2 * radius) {
                    let sourceY = min(max(y + tap - radius, 0), height - 1)
                    sum += weights[tap] * horizontal[sourceY * width + x]
                }
                result[y * width + x] = sum
            }
        }
        return result
    }
}

extension Float {
    /// e raised to this value, without Foundation: exp(x) = 2^(x log2 e) by range reduction and a
    /// short Taylor series; accurate to a few ulps over the range used for Gaussian weights.
    var exponential: Float {
        if self < -87 { return 0 }
        let scaled = Double(self) * 1.4426950408889634  // log2(e)
        let whole = scaled.rounded(.down)
        let fraction = (scaled - whole) * 0.6931471805599453  // back to natural units, in [0, ln 2)
        var term = 1.0, sum = 1.0
        for order in 1...14 {
            term *= fraction / Double(order)
            sum += term
        }
        return Float(sum * Double(sign: .plus, exponent: Int(whole), significand: 1))
    }
}

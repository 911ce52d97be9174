import NucleiAnalysis
import Testing

@Suite struct GaussianSmoothingTests {
    @Test func impulseSpreadsIntoNormalisedGaussianWeights() {
        // sigma 1, radius 3: weights exp(-k²/2) / S, S = 1 + 2(e^-0.5 + e^-2 + e^-4.5)
        // = 1 + 2(0.6065306597 + 0.1353352832 + 0.0111089965) = 2.5059498788.
        // Centre of the 2-D response: (1/S)² = 0.1592411; its neighbour: e^-0.5 / S² = 0.0965846.
        var impulse = [Float](repeating: 0, count: 81)
        impulse[40] = 1
        let smoothed = GaussianSmoothing.smoothed(impulse, width: 9, height: 9, sigma: 1)
        #expect(abs(smoothed[40] - 0.1592411) < 1e-6)
        #expect(abs(smoothed[41] - 0.0965846) < 1e-6)
        #expect(abs(smoothed.reduce(0, +) - 1) < 1e-5)
        #expect(smoothed[39] == smoothed[41] && smoothed[31] == smoothed[49])
    }

    @Test func constantImageStaysConstant() {
        let smoothed = GaussianSmoothing.smoothed([Float](repeating: 2.5, count: 12), width: 4, height: 3, sigma: 2)
        #expect(smoothed.allSatisfy { abs($0 - 2.5) < 1e-5 })
    }

    @Test func zeroSigmaReturnsTheInput() {
        let values: [Float] = [1, 2, 3, 4]
        #expect(GaussianSmoothing.smoothed(values, width: 2, height: 2, sigma: 0) == values)
    }
}

import NucleiAnalysis
import Testing

@Suite struct RegionalMaximaTests {
    // Profile 0 5 3 4 0: maxima at x = 1 (height 5) and x = 3 (height 4), joined at the saddle
    // x = 2 (height 3). Dynamic of x = 3: 4 - 3 = 1; x = 1 is the global maximum.
    let profile: [Float] = [0, 5, 3, 4, 0]

    @Test(arguments: [(0.5, [1, 3]), (0.99, [1, 3]), (1, [1]), (2, [1])] as [(Float, [Int])])
    func keepsMaximaWhoseDynamicExceedsH(minimumDynamic: Float, expected: [Int]) {
        #expect(RegionalMaxima.peaks(of: profile, width: 5, height: 1, minimumDynamic: minimumDynamic) == expected)
    }

    // x = 3 rises 1 above its saddle, a quarter of its height 4: kept for a relative dynamic below
    // 0.25, not from 0.25 on; the absolute floor (0.5) still applies.
    @Test(arguments: [(0.2, [1, 3]), (0.249, [1, 3]), (0.25, [1]), (0.5, [1])] as [(Float, [Int])])
    func relativeDynamicIsAFractionOfThePeaksHeight(relativeDynamic: Float, expected: [Int]) {
        #expect(RegionalMaxima.peaks(of: profile, width: 5, height: 1, minimumDynamic: 0.5, relativeDynamic: relativeDynamic) == expected)
        #expect(RegionalMaxima.peaks(of: profile, width: 5, height: 1, minimumDynamic: 1, relativeDynamic: relativeDynamic) == [1])
    }

    @Test func maskSeparatesRegionsAndEachKeepsItsHighestPeak() {
        // The saddle pixel is masked out, so the two maxima are in different regions.
        let mask = [true, true, false, true, true]
        #expect(RegionalMaxima.peaks(of: profile, mask: mask, width: 5, height: 1, minimumDynamic: 10) == [1, 3])
    }

    @Test func plateauGivesItsFirstPixelInRasterOrder() {
        let values: [Float] = [0, 2, 2, 2, 0]
        #expect(RegionalMaxima.peaks(of: values, width: 5, height: 1, minimumDynamic: 0.5) == [1])
    }

    @Test func diagonalSaddleDependsOnConnectivity() {
        // Two peaks of 3 touch only diagonally; with four neighbours they meet through the
        // zeros (dynamic 3), with eight directly (dynamic 0).
        let values: [Float] = [
            3, 0,
            0, 3,
        ]
        #expect(RegionalMaxima.peaks(of: values, width: 2, height: 2, minimumDynamic: 1, connectivity: .four) == [0, 3])
        #expect(RegionalMaxima.peaks(of: values, width: 2, height: 2, minimumDynamic: 1, connectivity: .eight) == [0])
    }
}

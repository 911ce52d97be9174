import NucleiImaging
import Testing

@Suite struct IntensityMappingTests {
    @Test func mapsTheRangeToMinusOneOneClipped() {
        let mapping = NormalizationSpec.IntensityMapping(range: (low: 10, high: 60))
        // (v - 10) / 50 * 2 - 1: 10 -> -1, 35 -> 0, 60 -> 1; outside clipped.
        #expect(mapping(10) == -1 && mapping(35) == 0 && mapping(60) == 1)
        #expect(mapping(0) == -1 && mapping(200) == 1)
        #expect(NormalizationSpec.IntensityMapping(range: (low: 7, high: 7))(9) == -1)  // flat: everything -1
    }

    @Test func grayKeptAsOneChannelHasTheValuesOfTheThreeChannelCopy() {
        // 8-bit full range: 0 -> -1, 51 -> -0.6, 255 -> 1.
        let gray = PixelImage(width: 3, height: 1, channels: 1, bitDepth: 8, samples: [0, 51, 255])
        let one = NormalizationSpec.standard.normalize(gray, keepingGray: true)
        let three = NormalizationSpec.standard.normalize(gray)
        #expect(one.channels == 1 && three.channels == 3)
        #expect(one.samples.map { ($0 * 10).rounded() / 10 } == [-1, -0.6, 1])
        #expect(three.samples == one.samples.flatMap { [$0, $0, $0] })
    }
}
